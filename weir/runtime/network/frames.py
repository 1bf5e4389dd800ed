"""Length-prefixed frames over a stream socket.

A frame is ``[u32 payload length][u8 kind][payload]``. Record batches are pickled lists (pickle is
implemented in C and handles tuples of str/int/float at a few tens of ns per record); control events
have tiny payloads. Only authenticated connections ever reach :func:`decode_event`.
"""

from __future__ import annotations

import marshal
import pickle
import socket
import struct
from typing import Any

from weir.runtime.network.errors import ConnectionClosed
from weir.runtime.network.events import (
    END_OF_DATA,
    END_OF_PARTITION,
    CancelCheckpointMarker,
    CheckpointBarrier,
    EndOfData,
    EndOfPartition,
    RecordBatch,
    Watermark,
)

HEADER = struct.Struct("<IB")
MAX_FRAME = 1 << 30

KIND_RECORDS = 1
KIND_RECORDS_TS = 2
KIND_WATERMARK = 3
KIND_BARRIER = 4
KIND_CANCEL_CHECKPOINT = 5
KIND_END_OF_PARTITION = 6
KIND_MESSAGE = 7  # control-plane message (any picklable object)
KIND_RECORDS_MARSHAL = 8
KIND_END_OF_DATA = 9

# marshal handles exactly-typed str/int/float/bytes/tuple/list/dict/None (never subclasses such as
# Row or IntEnum, which it refuses) about twice as fast as pickle; anything else falls back to pickle.
_mdumps = marshal.dumps
_mloads = marshal.loads

_dumps = pickle.dumps
_loads = pickle.loads
_PROTO = pickle.HIGHEST_PROTOCOL


def encode_event(event: Any) -> bytes:
    """Serialise a channel event into one frame."""
    if type(event) is RecordBatch:
        if event.timestamps is None:
            try:
                payload = _mdumps(event.values, 4)
                kind = KIND_RECORDS_MARSHAL
            except ValueError:
                payload = _dumps(event.values, _PROTO)
                kind = KIND_RECORDS
        else:
            payload = _dumps((event.values, event.timestamps), _PROTO)
            kind = KIND_RECORDS_TS
    elif type(event) is Watermark:
        payload = struct.pack("<q", event.timestamp)
        kind = KIND_WATERMARK
    elif type(event) is CheckpointBarrier:
        payload = _dumps(event, _PROTO)
        kind = KIND_BARRIER
    elif type(event) is CancelCheckpointMarker:
        payload = struct.pack("<q", event.checkpoint_id)
        kind = KIND_CANCEL_CHECKPOINT
    elif type(event) is EndOfPartition:
        payload = b""
        kind = KIND_END_OF_PARTITION
    elif type(event) is EndOfData:
        payload = b""
        kind = KIND_END_OF_DATA
    else:
        payload = _dumps(event, _PROTO)
        kind = KIND_MESSAGE
    return HEADER.pack(len(payload), kind) + payload


def decode_event(kind: int, payload: bytes | bytearray | memoryview) -> Any:
    if kind == KIND_RECORDS_MARSHAL:
        return RecordBatch(_mloads(payload))
    if kind == KIND_RECORDS:
        return RecordBatch(_loads(payload))
    if kind == KIND_RECORDS_TS:
        values, timestamps = _loads(payload)
        return RecordBatch(values, timestamps)
    if kind == KIND_WATERMARK:
        return Watermark(struct.unpack("<q", payload)[0])
    if kind == KIND_BARRIER:
        return _loads(payload)
    if kind == KIND_CANCEL_CHECKPOINT:
        return CancelCheckpointMarker(struct.unpack("<q", payload)[0])
    if kind == KIND_END_OF_PARTITION:
        return END_OF_PARTITION
    if kind == KIND_END_OF_DATA:
        return END_OF_DATA
    if kind == KIND_MESSAGE:
        return _loads(payload)
    raise ValueError(f"unknown frame kind {kind}")


class FrameReader:
    """Reads whole frames from a socket straight into one buffer per frame (no re-copying)."""

    __slots__ = ("_recv_into",)

    def __init__(self, sock: socket.socket) -> None:
        self._recv_into = sock.recv_into

    def _read_exact(self, n: int) -> bytearray:
        buf = bytearray(n)
        view = memoryview(buf)
        pos = 0
        recv_into = self._recv_into
        while pos < n:
            got = recv_into(view[pos:], n - pos)
            if not got:
                raise ConnectionClosed("connection closed by peer")
            pos += got
        return buf

    def read_frame(self) -> tuple[int, bytearray]:
        length, kind = HEADER.unpack(self._read_exact(HEADER.size))
        if length > MAX_FRAME:
            raise ConnectionClosed(f"frame of {length} bytes exceeds the limit")
        return kind, self._read_exact(length) if length else bytearray()

    def read_event(self) -> Any:
        kind, payload = self.read_frame()
        return decode_event(kind, payload)


def send_message(sock: socket.socket, message: Any) -> None:
    payload = _dumps(message, _PROTO)
    sock.sendall(HEADER.pack(len(payload), KIND_MESSAGE) + payload)

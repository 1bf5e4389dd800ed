"""Length-prefixed frames over a stream socket.

A frame is ``[u32 payload length][u8 kind][payload]``. Record batches are pickled lists (pickle is
implemented in C and handles tuples of str/int/float at a few tens of ns per record); control events
have tiny payloads. Only authenticated connections ever reach :func:`decode_event`.
"""

from __future__ import annotations

import pickle
import socket
import struct
from typing import Any

from weir.runtime.network.errors import ConnectionClosed
from weir.runtime.network.events import (
    END_OF_PARTITION,
    CancelCheckpointMarker,
    CheckpointBarrier,
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

_dumps = pickle.dumps
_loads = pickle.loads
_PROTO = pickle.HIGHEST_PROTOCOL


def encode_event(event: Any) -> bytes:
    """Serialise a channel event into one frame."""
    if type(event) is RecordBatch:
        if event.timestamps is None:
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
    else:
        payload = _dumps(event, _PROTO)
        kind = KIND_MESSAGE
    return HEADER.pack(len(payload), kind) + payload


def decode_event(kind: int, payload: bytes | memoryview) -> Any:
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
    if kind == KIND_MESSAGE:
        return _loads(payload)
    raise ValueError(f"unknown frame kind {kind}")


class FrameReader:
    """Reads whole frames from a socket with few system calls (buffered)."""

    __slots__ = ("_sock", "_buf", "_pos")

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._buf = bytearray()
        self._pos = 0

    def _fill(self, need: int) -> None:
        while len(self._buf) - self._pos < need:
            if self._pos:
                del self._buf[: self._pos]
                self._pos = 0
            chunk = self._sock.recv(max(1 << 18, need))
            if not chunk:
                raise ConnectionClosed("connection closed by peer")
            self._buf += chunk

    def read_frame(self) -> tuple[int, bytes]:
        self._fill(HEADER.size)
        length, kind = HEADER.unpack_from(self._buf, self._pos)
        if length > MAX_FRAME:
            raise ConnectionClosed(f"frame of {length} bytes exceeds the limit")
        self._pos += HEADER.size
        self._fill(length)
        payload = bytes(self._buf[self._pos : self._pos + length])
        self._pos += length
        return kind, payload

    def read_event(self) -> Any:
        kind, payload = self.read_frame()
        return decode_event(kind, payload)


def send_message(sock: socket.socket, message: Any) -> None:
    payload = _dumps(message, _PROTO)
    sock.sendall(HEADER.pack(len(payload), KIND_MESSAGE) + payload)

"""The file format of one subtask's snapshot: independently readable, checksummed segments.

::

    b"WEIRSNAP" | u32 index length | u64 index checksum | index (pickle) | segment bytes ...

The index maps a segment key — ``(operator uid, "keyed", key group)`` or
``(operator uid, "operator")`` — to ``(offset, length, checksum)`` with offsets from the start of
the file. Restoring at another parallelism reads only the key groups it owns.
"""

from __future__ import annotations

import pickle
import struct
from typing import Any

import xxhash

MAGIC = b"WEIRSNAP"
_HEADER = struct.Struct("<IQ")
HEADER_SIZE = len(MAGIC) + _HEADER.size

SegmentKey = tuple
SegmentIndex = dict[SegmentKey, tuple[int, int, int]]


def checksum(data: bytes | bytearray | memoryview) -> int:
    return xxhash.xxh3_64_intdigest(data)


def build_snapshot_file(segments: dict[SegmentKey, bytes]) -> tuple[bytes, SegmentIndex]:
    """Lay ``segments`` out in one file; return the bytes and the index (absolute offsets)."""
    relative: list[tuple[SegmentKey, int, int, int]] = []
    offset = 0
    for key, data in segments.items():
        relative.append((key, offset, len(data), checksum(data)))
        offset += len(data)
    # The index's own size shifts every offset; pickle it once with relative offsets to size it,
    # then store absolute offsets (fixed-width ints keep the size stable).
    def encode(base: int) -> bytes:
        return pickle.dumps(
            {k: (struct.pack("<Q", base + o), n, c) for k, o, n, c in relative},
            protocol=pickle.HIGHEST_PROTOCOL,
        )

    probe = encode(0)
    base = HEADER_SIZE + len(probe)
    index_bytes = encode(base)
    assert len(index_bytes) == len(probe)
    header = MAGIC + _HEADER.pack(len(index_bytes), checksum(index_bytes))
    body = b"".join(segments.values())
    index = {k: (base + o, n, c) for k, o, n, c in relative}
    return header + index_bytes + body, index


def read_index(read: Any, where: str) -> SegmentIndex:
    """Read and verify a snapshot file's index; ``read(offset, length)`` returns bytes."""
    from weir.runtime.checkpoint.errors import CorruptCheckpointError

    head = read(0, HEADER_SIZE)
    if len(head) != HEADER_SIZE or head[: len(MAGIC)] != MAGIC:
        raise CorruptCheckpointError(f"{where} is not a weir snapshot file (bad header)")
    length, expected = _HEADER.unpack(head[len(MAGIC) :])
    index_bytes = read(HEADER_SIZE, length)
    if checksum(index_bytes) != expected:
        raise CorruptCheckpointError(f"{where}: the snapshot index fails its checksum")
    raw = pickle.loads(index_bytes)
    return {k: (struct.unpack("<Q", o)[0], n, c) for k, (o, n, c) in raw.items()}


def verify_segment(data: bytes, expected: int, where: str) -> bytes:
    from weir.runtime.checkpoint.errors import CorruptCheckpointError

    if checksum(data) != expected:
        raise CorruptCheckpointError(f"{where}: a state segment fails its checksum")
    return data

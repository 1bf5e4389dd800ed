"""Key → key group → subtask, identical in every process and every run.

A key's *key group* is a stable hash of the key modulo the job's max parallelism. Keyed state is
partitioned by key group, so it can be snapshotted per key-group range and redistributed when the
parallelism changes: subtask ``i`` of an operator with parallelism ``p`` owns the contiguous range
computed by :func:`key_group_range_for_subtask`, the same arithmetic Flink uses.

Python's ``hash()`` is salted per process (PYTHONHASHSEED), so it cannot be used: :func:`stable_hash`
hashes a canonical byte encoding of the key with xxHash instead.
"""

from __future__ import annotations

import pickle
import struct
from dataclasses import dataclass
from typing import Any

import xxhash

DEFAULT_MAX_PARALLELISM = 128
UPPER_BOUND_MAX_PARALLELISM = 1 << 15

_xxh64 = xxhash.xxh3_64_intdigest
_pack_double = struct.Struct("<d").pack


def _encode(key: Any, out: list[bytes]) -> None:
    """Append a canonical, type-tagged byte encoding of ``key`` to ``out``."""
    t = type(key)
    if t is str:
        out.append(b"s")
        out.append(key.encode("utf-8", "surrogatepass"))
        out.append(b"\x00")
    elif t is int or t is bool:
        out.append(b"i" if t is int else b"b")
        out.append(str(int(key)).encode())
        out.append(b"\x00")
    elif t is bytes:
        out.append(b"y")
        out.append(struct.pack("<I", len(key)))
        out.append(key)
    elif t is float:
        # Equal ints and floats hash differently on purpose: Flink keys are typed.
        out.append(b"f")
        out.append(_pack_double(key))
    elif key is None:
        out.append(b"n")
    elif isinstance(key, tuple | list):
        out.append(b"(" if isinstance(key, tuple) else b"[")
        out.append(struct.pack("<I", len(key)))
        for item in key:
            _encode(item, out)
    else:
        # Rows, dataclasses, enums...: fall back to their pickled form, which is deterministic
        # for plain data within one weir version.
        out.append(b"p")
        out.append(pickle.dumps(key, protocol=4))


def stable_hash(key: Any) -> int:
    """A 64-bit hash of ``key`` that does not depend on the process or PYTHONHASHSEED.

    >>> stable_hash("flink") == stable_hash("flink")
    True
    """
    if type(key) is str:
        return _xxh64(key.encode("utf-8", "surrogatepass"))
    parts: list[bytes] = []
    _encode(key, parts)
    return _xxh64(b"".join(parts))


def assign_to_key_group(key: Any, max_parallelism: int) -> int:
    """The key group of ``key``: ``stable_hash(key) mod max_parallelism``."""
    return stable_hash(key) % max_parallelism


def operator_index_for_key_group(max_parallelism: int, parallelism: int, key_group: int) -> int:
    """The subtask that owns ``key_group`` (Flink's ``keyGroup * parallelism / maxParallelism``)."""
    return key_group * parallelism // max_parallelism


def assign_key_to_subtask(key: Any, max_parallelism: int, parallelism: int) -> int:
    return operator_index_for_key_group(
        max_parallelism, parallelism, assign_to_key_group(key, max_parallelism)
    )


@dataclass(frozen=True, slots=True)
class KeyGroupRange:
    """An inclusive range ``[start, end]`` of key groups; empty when ``end < start``."""

    start: int
    end: int

    def __contains__(self, key_group: object) -> bool:
        return isinstance(key_group, int) and self.start <= key_group <= self.end

    def __iter__(self):
        return iter(range(self.start, self.end + 1))

    def __len__(self) -> int:
        return max(0, self.end - self.start + 1)

    def intersection(self, other: KeyGroupRange) -> KeyGroupRange:
        return KeyGroupRange(max(self.start, other.start), min(self.end, other.end))


def key_group_range_for_subtask(
    max_parallelism: int, parallelism: int, subtask_index: int
) -> KeyGroupRange:
    """The key groups subtask ``subtask_index`` owns; the inverse of
    :func:`operator_index_for_key_group`, so every key group has exactly one owner."""
    check_parallelism(parallelism, max_parallelism)
    start = (subtask_index * max_parallelism + parallelism - 1) // parallelism
    end = ((subtask_index + 1) * max_parallelism - 1) // parallelism
    return KeyGroupRange(start, end)


def check_parallelism(parallelism: int, max_parallelism: int) -> None:
    if not 0 < max_parallelism <= UPPER_BOUND_MAX_PARALLELISM:
        raise ValueError(
            f"max parallelism must be between 1 and {UPPER_BOUND_MAX_PARALLELISM}, "
            f"got {max_parallelism}"
        )
    if not 0 < parallelism <= max_parallelism:
        raise ValueError(
            f"parallelism {parallelism} must be between 1 and the max parallelism "
            f"{max_parallelism}; raise it with env.set_max_parallelism(...)"
        )

"""Byte layout of keyed state in RocksDB.

A database key is ``key group (2 bytes, big-endian) | state id (2 bytes) | key | namespace``, so
all state of a key-group range is one ordered range scan — restoring at another parallelism reads
only its ranges. Keys and namespaces are length-prefixed so no encoding is a prefix of another.

Values and keys use ``marshal`` for exactly-typed str/int/float/bytes/bool/None and tuples/lists/
dicts of them (compact and fast), ``pickle`` otherwise, tagged by their first byte.
"""

from __future__ import annotations

import marshal
import pickle
import struct
from typing import Any

_MARSHAL = b"M"
_PICKLE = b"P"
_LEN = struct.Struct(">I")
_GROUP_STATE = struct.Struct(">HH")


def encode_value(value: Any) -> bytes:
    try:
        return _MARSHAL + marshal.dumps(value, 4)
    except ValueError:
        try:
            return _PICKLE + pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, AttributeError, TypeError):
            import cloudpickle

            return _PICKLE + cloudpickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def decode_value(data: bytes) -> Any:
    if data[:1] == _MARSHAL:
        return marshal.loads(data[1:])
    return pickle.loads(data[1:])


def canonical(value: Any) -> bytes:
    """Equal keys must give equal bytes: marshal format 2 has no back-references (which depend on
    reference counts), pickle is the fallback for other types."""
    try:
        return _MARSHAL + marshal.dumps(value, 2)
    except ValueError:
        return _PICKLE + pickle.dumps(value, protocol=4)


def encode_key(key_group: int, state_id: int, key: Any, namespace: Any) -> bytes:
    key_bytes = canonical(key)
    return (_GROUP_STATE.pack(key_group, state_id) + _LEN.pack(len(key_bytes)) + key_bytes
            + canonical(namespace))


def split_key(db_key: bytes) -> tuple[int, int, bytes]:
    """(key group, state id, the rest: length-prefixed key and namespace)."""
    group, state = _GROUP_STATE.unpack_from(db_key)
    return group, state, db_key[4:]


def join_key(key_group: int, state_id: int, rest: bytes) -> bytes:
    return _GROUP_STATE.pack(key_group, state_id) + rest

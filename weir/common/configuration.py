"""Configuration: string-keyed settings, as in ``pyflink.common.Configuration``.

Values keep the type they were set with; the typed getters convert as Flink's do (``"true"`` reads
as a boolean, ``"4"`` as an integer, ``True`` as the string ``"true"``).

Example::

    config = Configuration()
    config.set_integer("parallelism.default", 2)
    config.set_string("pipeline.name", "word count")
    env = StreamExecutionEnvironment.get_execution_environment(config)
"""

from __future__ import annotations

import builtins
import copy
from typing import Any

__all__ = ["Configuration"]


def _as_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("latin-1")
    return str(value)


def _as_bool(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "false"):
            return lowered == "true"
    raise ValueError(f"Could not parse value '{value}' for key '{key}' as a boolean")


class Configuration:
    """Key/value settings for an execution environment; picklable.

    Example::

        c = Configuration().set_string("state.checkpoints.dir", "file:///tmp/ckp")
        c.get_string("state.checkpoints.dir", "")     # 'file:///tmp/ckp'
        c.contains_key("parallelism.default")          # False
    """

    def __init__(self, other: Configuration | None = None) -> None:
        self._data: dict[str, Any] = dict(other._data) if other is not None else {}

    # -- typed access ------------------------------------------------------------------------

    def get_string(self, key: str, default_value: str | None) -> str | None:
        """The value as a string, or ``default_value`` when unset."""
        value = self._data.get(key)
        return default_value if value is None else _as_string(value)

    def set_string(self, key: str, value: str) -> Configuration:
        self._data[key] = value
        return self

    def get_integer(self, key: str, default_value: int) -> int:
        """The value as an integer, or ``default_value`` when unset."""
        value = self._data.get(key)
        if value is None:
            return default_value
        if isinstance(value, bool):
            raise ValueError(f"Could not parse value '{value}' for key '{key}' as an integer")
        return int(value.strip()) if isinstance(value, str) else int(value)

    def set_integer(self, key: str, value: int) -> Configuration:
        self._data[key] = int(value)
        return self

    def get_boolean(self, key: str, default_value: bool) -> bool:
        """The value as a boolean (``"true"``/``"false"`` in any case), or ``default_value``."""
        value = self._data.get(key)
        return default_value if value is None else _as_bool(key, value)

    def set_boolean(self, key: str, value: bool) -> Configuration:
        self._data[key] = bool(value)
        return self

    def get_float(self, key: str, default_value: float) -> float:
        """The value as a float, or ``default_value`` when unset."""
        value = self._data.get(key)
        return float(default_value) if value is None else float(value)

    def set_float(self, key: str, value: float) -> Configuration:
        self._data[key] = float(value)
        return self

    def get_bytearray(self, key: str, default_value: bytearray) -> bytearray:
        value = self._data.get(key)
        if value is None:
            return default_value
        return bytearray(value.encode("latin-1") if isinstance(value, str) else value)

    def set_bytearray(self, key: str, value: bytearray) -> Configuration:
        self._data[key] = bytes(value)
        return self

    # -- untyped access (weir: any value, e.g. an object the runtime reads) -------------------

    def get(self, key: str, default_value: Any = None) -> Any:
        """The value as it was set, or ``default_value``."""
        return self._data.get(key, default_value)

    def set(self, key: str, value: Any) -> Configuration:
        """Set ``key`` to any value."""
        self._data[key] = value
        return self

    # -- the key set -----------------------------------------------------------------------------

    def contains_key(self, key: str) -> bool:
        return key in self._data

    def key_set(self) -> builtins.set[str]:
        return builtins.set(self._data)

    def remove_config(self, key: str) -> bool:
        """Remove ``key``; True when it was set."""
        if key in self._data:
            del self._data[key]
            return True
        return False

    def remove_key(self, key: str) -> bool:
        return self.remove_config(key)

    def add_all(self, other: Configuration, prefix: str | None = None) -> Configuration:
        """Copy every entry of ``other`` in, with ``prefix`` prepended to its keys."""
        for key, value in other._data.items():
            self._data[(prefix or "") + key] = value
        return self

    def add_all_to_dict(self, target_dict: dict[str, Any]) -> None:
        target_dict.update(self.to_dict())

    def to_dict(self) -> dict[str, Any]:
        """A copy of the entries (values as they were set)."""
        return dict(self._data)

    # -- object protocol -------------------------------------------------------------------------

    def __deepcopy__(self, memodict: dict[int, Any] | None = None) -> Configuration:
        clone = Configuration()
        clone._data = copy.deepcopy(self._data, memodict)
        return clone

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Configuration):
            return False
        mine = {k: _as_string(v) for k, v in self._data.items()}
        theirs = {k: _as_string(v) for k, v in other._data.items()}
        return mine == theirs

    def __hash__(self) -> int:
        return hash(frozenset((k, _as_string(v)) for k, v in self._data.items()))

    def __str__(self) -> str:
        return "{" + ", ".join(f"{k}={_as_string(v)}" for k, v in self._data.items()) + "}"

    def __repr__(self) -> str:
        return f"Configuration({self._data!r})"

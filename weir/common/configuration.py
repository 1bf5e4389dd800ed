"""Configuration: string-keyed settings, as in PyFlink.

Example::

    config = Configuration()
    config.set_integer("taskmanager.numberOfTaskSlots", 2)
    env = StreamExecutionEnvironment.get_execution_environment(config)
"""

from __future__ import annotations

from typing import Any


class Configuration:
    def __init__(self, other: Configuration | None = None) -> None:
        self._data: dict[str, Any] = dict(other._data) if other is not None else {}

    def get_string(self, key: str, default_value: str) -> str:
        value = self._data.get(key)
        return default_value if value is None else str(value)

    def set_string(self, key: str, value: str) -> Configuration:
        self._data[key] = value
        return self

    def get_integer(self, key: str, default_value: int) -> int:
        value = self._data.get(key)
        return default_value if value is None else int(value)

    def set_integer(self, key: str, value: int) -> Configuration:
        self._data[key] = int(value)
        return self

    def get_boolean(self, key: str, default_value: bool) -> bool:
        value = self._data.get(key)
        if value is None:
            return default_value
        if isinstance(value, str):
            return value.strip().lower() == "true"
        return bool(value)

    def set_boolean(self, key: str, value: bool) -> Configuration:
        self._data[key] = bool(value)
        return self

    def get_float(self, key: str, default_value: float) -> float:
        value = self._data.get(key)
        return default_value if value is None else float(value)

    def set_float(self, key: str, value: float) -> Configuration:
        self._data[key] = float(value)
        return self

    def get(self, key: str, default_value: Any = None) -> Any:
        return self._data.get(key, default_value)

    def set(self, key: str, value: Any) -> Configuration:
        self._data[key] = value
        return self

    def contains_key(self, key: str) -> bool:
        return key in self._data

    def key_set(self) -> set[str]:
        return set(self._data)

    def remove_config(self, key: str) -> bool:
        return self._data.pop(key, None) is not None

    def add_all(self, other: Configuration, prefix: str | None = None) -> Configuration:
        for key, value in other._data.items():
            self._data[(prefix or "") + key] = value
        return self

    def to_dict(self) -> dict[str, Any]:
        return dict(self._data)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Configuration) and self._data == other._data

    def __repr__(self) -> str:
        return f"Configuration({self._data!r})"

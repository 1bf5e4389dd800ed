"""State time-to-live (``StateTtlConfig`` on a state descriptor).

A TTL state stores ``(value, last update time)`` pairs and checks the age on every access: an
expired value reads as absent (``NeverReturnExpired``, the default) and is removed, or is still
returned until cleaned up (``ReturnExpiredIfNotCleanedUp``). The timestamp is refreshed on writes
(``OnCreateAndWrite``) or on reads and writes (``OnReadAndWrite``). Expiry is per stored value:
for list and map state, per key rather than per element. Cleanup is lazy: an expired value is
removed when it is next read; the background cleanup strategies are accepted but not run.
"""

from __future__ import annotations

import time
from typing import Any

_MISSING = object()


def ttl_millis(config: Any) -> int:
    ttl = config.get_ttl()
    to_ms = getattr(ttl, "to_milliseconds", None)
    return int(to_ms()) if callable(to_ms) else int(ttl)


class TtlTable:
    """Dict-like view over a table of ``(value, timestamp)`` pairs (any backend's table)."""

    __slots__ = ("inner", "ttl_ms", "refresh_on_read", "return_expired")

    def __init__(self, inner: Any, config: Any) -> None:
        self.inner = inner
        self.ttl_ms = ttl_millis(config)
        update = getattr(config.get_update_type(), "name", str(config.get_update_type()))
        visibility = getattr(config.get_state_visibility(), "name",
                             str(config.get_state_visibility()))
        self.refresh_on_read = update == "OnReadAndWrite"
        self.return_expired = visibility == "ReturnExpiredIfNotCleanedUp"

    @staticmethod
    def now() -> int:
        return int(time.time() * 1000)

    def get(self, key: Any, default: Any = None) -> Any:
        entry = self.inner.get(key)
        if entry is None:
            return default
        value, stamp = entry
        now = self.now()
        if now - stamp >= self.ttl_ms:
            if not self.return_expired:
                self.inner.pop(key, None)
                return default
        elif self.refresh_on_read:
            self.inner[key] = (value, now)
        return value

    def __getitem__(self, key: Any) -> Any:
        value = self.get(key, _MISSING)
        if value is _MISSING:
            raise KeyError(key)
        return value

    def __contains__(self, key: Any) -> bool:
        return self.get(key, _MISSING) is not _MISSING

    def __setitem__(self, key: Any, value: Any) -> None:
        self.inner[key] = (value, self.now())

    def pop(self, key: Any, default: Any = None) -> Any:
        entry = self.inner.pop(key, None)
        return default if entry is None else entry[0]

    def __len__(self) -> int:
        return len(self.inner)

    def keys(self) -> list[Any]:
        return [k for k in list(self.inner.keys()) if k in self]

    def __iter__(self):
        return iter(self.keys())


def raw(table: Any) -> Any:
    """The stored pairs behind a TTL view (what snapshots persist)."""
    return table.inner if isinstance(table, TtlTable) else table

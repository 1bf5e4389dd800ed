"""Timers of keyed operators: event-time timers fire when the watermark passes them,
processing-time timers when the wall clock does. Each fires once per (timestamp, key,
namespace), with the key set as the current key. Timers are state: they are snapshotted with the
operator and restored by key group."""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable
from typing import Any

from weir.runtime.network.events import MIN_WATERMARK
from weir.state.key_groups import stable_hash

EVENT_TIME = 0
PROCESSING_TIME = 1


class InternalTimerService:
    """``on_timer(timestamp, key, namespace, domain)`` is called for each timer that fires."""

    def __init__(self, backend: Any, processing_time: Any,
                 on_timer: Callable[[int, Any, Any, int], None]) -> None:
        self.backend = backend
        self.processing_time = processing_time
        self.on_timer = on_timer
        self.watermark = MIN_WATERMARK
        self._event: list[tuple[int, int, Any, Any]] = []
        self._processing: list[tuple[int, int, Any, Any]] = []
        self._registered: set[tuple[int, int, Any, Any]] = set()
        self._seq = 0
        self._wakeups: set[int] = set()

    # -- registration -----------------------------------------------------------------------

    def _add(self, heap: list, domain: int, timestamp: int, namespace: Any) -> bool:
        key = self.backend.current_key
        entry = (domain, timestamp, key, namespace)
        if entry in self._registered:
            return False
        self._registered.add(entry)
        self._seq += 1
        heapq.heappush(heap, (timestamp, self._seq, key, namespace))
        return True

    def register_event_time_timer(self, timestamp: int, namespace: Any = None) -> None:
        self._add(self._event, EVENT_TIME, timestamp, namespace)

    def register_processing_time_timer(self, timestamp: int, namespace: Any = None) -> None:
        if self._add(self._processing, PROCESSING_TIME, timestamp, namespace):
            self._schedule(timestamp)

    def delete_event_time_timer(self, timestamp: int, namespace: Any = None) -> None:
        self._registered.discard((EVENT_TIME, timestamp, self.backend.current_key, namespace))

    def delete_processing_time_timer(self, timestamp: int, namespace: Any = None) -> None:
        self._registered.discard(
            (PROCESSING_TIME, timestamp, self.backend.current_key, namespace))

    def _schedule(self, timestamp: int) -> None:
        if self.processing_time is not None and timestamp not in self._wakeups:
            self._wakeups.add(timestamp)
            self.processing_time.register(timestamp, self._on_processing_time)

    # -- firing -----------------------------------------------------------------------------

    def _fire_due(self, heap: list, domain: int, now: int) -> None:
        registered = self._registered
        backend = self.backend
        while heap and heap[0][0] <= now:
            timestamp, _, key, namespace = heapq.heappop(heap)
            entry = (domain, timestamp, key, namespace)
            if entry not in registered:
                continue  # deleted
            registered.discard(entry)
            backend.current_key = key
            self.on_timer(timestamp, key, namespace, domain)

    def advance_watermark(self, watermark: int) -> None:
        self.watermark = watermark
        self._fire_due(self._event, EVENT_TIME, watermark)

    def _on_processing_time(self, timestamp: int) -> None:
        self._wakeups.discard(timestamp)
        self._fire_due(self._processing, PROCESSING_TIME, timestamp)

    def current_processing_time(self) -> int:
        return int(time.time() * 1000)

    def current_watermark(self) -> int:
        return self.watermark

    def num_timers(self) -> int:
        return len(self._registered)

    # -- state ------------------------------------------------------------------------------

    def snapshot(self) -> list[tuple[int, int, Any, Any]]:
        return sorted(self._registered, key=lambda e: (e[0], e[1]))

    def restore(self, entries: list[tuple[int, int, Any, Any]], key_groups: Any,
                max_parallelism: int) -> None:
        """Keep the timers whose key belongs to this subtask's key groups."""
        for domain, timestamp, key, namespace in entries:
            if stable_hash(key) % max_parallelism not in key_groups:
                continue
            self.backend.current_key = key
            if domain == EVENT_TIME:
                self.register_event_time_timer(timestamp, namespace)
            else:
                self.register_processing_time_timer(timestamp, namespace)


class UserTimerService:
    """The ``TimerService`` a user function sees: the operator's timers, default namespace."""

    __slots__ = ("_timers",)

    def __init__(self, timers: InternalTimerService | None) -> None:
        self._timers = timers

    def current_processing_time(self) -> int:
        return int(time.time() * 1000)

    def current_watermark(self) -> int:
        return self._timers.watermark if self._timers is not None else MIN_WATERMARK

    def _need(self) -> InternalTimerService:
        if self._timers is None:
            raise TypeError("timers can only be used on a keyed stream; call key_by(...) first")
        return self._timers

    def register_event_time_timer(self, timestamp: int) -> None:
        self._need().register_event_time_timer(int(timestamp))

    def register_processing_time_timer(self, timestamp: int) -> None:
        self._need().register_processing_time_timer(int(timestamp))

    def delete_event_time_timer(self, timestamp: int) -> None:
        self._need().delete_event_time_timer(int(timestamp))

    def delete_processing_time_timer(self, timestamp: int) -> None:
        self._need().delete_processing_time_timer(int(timestamp))

"""Processing time for a task: callbacks at wall-clock times, run on the task thread.

A timer thread sleeps until the earliest registered time and posts the callback as mail, so
operator code (timers, periodic watermarks, processing-time windows) never runs concurrently with
record processing.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable
from typing import Any


class ProcessingTimeService:
    def __init__(self, post: Callable[[tuple], None]) -> None:
        self._post = post
        self._heap: list[tuple[int, int, Callable[[int], Any]]] = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopped = False

    @staticmethod
    def now() -> int:
        """Milliseconds since the epoch."""
        return int(time.time() * 1000)

    def register(self, timestamp_ms: int, callback: Callable[[int], Any]) -> None:
        """Run ``callback(timestamp_ms)`` on the task thread once that time has come."""
        with self._cond:
            heapq.heappush(self._heap, (timestamp_ms, next(self._seq), callback))
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="processing-time",
                                                daemon=True)
                self._thread.start()
            self._cond.notify()

    def _loop(self) -> None:
        with self._cond:
            while not self._stopped:
                if not self._heap:
                    self._cond.wait()
                    continue
                due = self._heap[0][0] - self.now()
                if due > 0:
                    self._cond.wait(due / 1000)
                    continue
                timestamp, _, callback = heapq.heappop(self._heap)
                self._post(("call", lambda t=timestamp, c=callback: c(t)))

    def shutdown(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify()

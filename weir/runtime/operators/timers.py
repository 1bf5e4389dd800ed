"""Timer service placeholder until event time and timers land (they need watermarks)."""

from __future__ import annotations

import time


class UnsupportedTimerService:
    """Answers the time queries; registering timers raises a clear error for now."""

    def current_processing_time(self) -> int:
        return int(time.time() * 1000)

    def current_watermark(self) -> int:
        return -(1 << 63)

    def _unsupported(self, *_: object) -> None:
        raise NotImplementedError(
            "timers are not supported yet in weir (they arrive with event time and watermarks)"
        )

    register_event_time_timer = _unsupported
    register_processing_time_timer = _unsupported
    delete_event_time_timer = _unsupported
    delete_processing_time_timer = _unsupported

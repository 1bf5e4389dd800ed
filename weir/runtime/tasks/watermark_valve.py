"""The watermark of a task input: the minimum over its channels, idle channels excluded."""

from __future__ import annotations

from weir.runtime.network.events import MAX_WATERMARK, MIN_WATERMARK


class WatermarkValve:
    """One per logical input of a task (two-input operators have two)."""

    __slots__ = ("_watermarks", "_idle", "current")

    def __init__(self, channels: list[int]) -> None:
        self._watermarks = {c: MIN_WATERMARK for c in channels}
        self._idle: set[int] = set()
        self.current = MIN_WATERMARK

    def on_watermark(self, channel: int, watermark: int) -> int | None:
        """The new input watermark if it advanced, else None."""
        if watermark > self._watermarks[channel]:
            self._watermarks[channel] = watermark
        self._idle.discard(channel)
        return self._advance()

    def on_status(self, channel: int, idle: bool) -> int | None:
        if idle:
            self._idle.add(channel)
        else:
            self._idle.discard(channel)
        return self._advance()

    def on_end(self, channel: int) -> int | None:
        """A finished channel never holds the watermark back again."""
        return self.on_watermark(channel, MAX_WATERMARK)

    def _advance(self) -> int | None:
        active = [w for c, w in self._watermarks.items() if c not in self._idle]
        if not active:
            return None
        low = min(active)
        if low > self.current:
            self.current = low
            return low
        return None

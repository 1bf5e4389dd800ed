"""Assigns event timestamps and generates watermarks (``assign_timestamps_and_watermarks`` and
the watermark strategy of ``from_source``).

Watermarks are periodic, as in Flink: every ``pipeline.auto-watermark-interval`` ms (200 by
default) the operator emits ``max timestamp seen - max out-of-orderness - 1``. With
``with_idleness`` a subtask that saw no record for that long marks itself idle, so it does not
hold back the watermark of the operators downstream.
"""

from __future__ import annotations

from typing import Any

from weir.runtime.network.events import MIN_WATERMARK
from weir.runtime.operators.base import StreamOperator

DEFAULT_INTERVAL_MS = 200


class TimestampsAndWatermarksOperator(StreamOperator):
    def __init__(self, name: str, strategy: Any, interval_ms: int = DEFAULT_INTERVAL_MS) -> None:
        super().__init__(name)
        self.strategy = strategy
        self.interval_ms = interval_ms
        self._max_timestamp = MIN_WATERMARK
        self._last_record_ms = 0

    def open(self) -> None:
        strategy = self.strategy
        assigner = strategy.timestamp_assigner
        extract = getattr(assigner, "extract_timestamp", None)
        self._extract = extract if callable(extract) else assigner
        self._emits = strategy.kind != "none"
        self._delay = strategy.max_out_of_orderness_ms + 1 if strategy.kind == "bounded" else 1
        self._idle_ms = strategy.idle_timeout_ms
        service = self.setup_info.processing_time
        if service is not None and (self._emits or self._idle_ms):
            self._last_record_ms = service.now()
            service.register(service.now() + self.interval_ms, self._on_interval)

    def process_batch(self, values, timestamps):
        extract = self._extract
        if extract is not None:
            base = timestamps if timestamps is not None else [MIN_WATERMARK] * len(values)
            timestamps = [extract(v, t) for v, t in zip(values, base, strict=True)]
        if timestamps:
            newest = max(timestamps)
            if newest > self._max_timestamp:
                self._max_timestamp = newest
        if self._idle_ms and values:
            self._last_record_ms = self.setup_info.processing_time.now()
            if self.output.idle:
                self.output.emit_watermark_status(False)
        self.output.emit(values, timestamps)

    def _on_interval(self, now: int) -> None:
        if self._emits and self._max_timestamp > MIN_WATERMARK:
            self.output.emit_watermark(self._max_timestamp - self._delay)
        if self._idle_ms and now - self._last_record_ms >= self._idle_ms:
            self.output.emit_watermark_status(True)
        service = self.setup_info.processing_time
        service.register(now + self.interval_ms, self._on_interval)

    def process_watermark(self, watermark: int) -> None:
        # Watermarks from upstream are replaced by this operator's own, except the final one.
        if watermark == (1 << 63) - 1:
            self.output.emit_watermark(watermark)

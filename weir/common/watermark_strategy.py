"""WatermarkStrategy and TimestampAssigner, as in PyFlink (event time arrives in a later release;
the strategy is accepted and recorded so that PyFlink programs build unchanged)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from weir.common.time import Duration


class TimestampAssigner(ABC):
    @abstractmethod
    def extract_timestamp(self, value: Any, record_timestamp: int) -> int: ...


class WatermarkStrategy:
    def __init__(self, kind: str, max_out_of_orderness_ms: int = 0) -> None:
        self.kind = kind
        self.max_out_of_orderness_ms = max_out_of_orderness_ms
        self.timestamp_assigner: Any = None
        self.idle_timeout_ms: int | None = None
        self.alignment: tuple | None = None

    @staticmethod
    def no_watermarks() -> WatermarkStrategy:
        return WatermarkStrategy("none")

    @staticmethod
    def for_monotonous_timestamps() -> WatermarkStrategy:
        return WatermarkStrategy("monotonous")

    @staticmethod
    def for_bounded_out_of_orderness(max_out_of_orderness: Duration) -> WatermarkStrategy:
        return WatermarkStrategy("bounded", max_out_of_orderness.to_milliseconds())

    def with_timestamp_assigner(self, timestamp_assigner: Any) -> WatermarkStrategy:
        self.timestamp_assigner = timestamp_assigner
        return self

    def with_idleness(self, idle_timeout: Duration) -> WatermarkStrategy:
        self.idle_timeout_ms = idle_timeout.to_milliseconds()
        return self

    def with_watermark_alignment(self, watermark_group: str, max_allowed_watermark_drift: Duration,
                                 update_interval: Duration | None = None) -> WatermarkStrategy:
        self.alignment = (watermark_group, max_allowed_watermark_drift, update_interval)
        return self

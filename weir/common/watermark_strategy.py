"""WatermarkStrategy and TimestampAssigner, as in ``pyflink.common.watermark_strategy``.

A strategy is plain, picklable data that the runtime reads: :attr:`WatermarkStrategy.kind`
(``"none"``, ``"monotonous"`` or ``"bounded"``), ``max_out_of_orderness_ms``,
``timestamp_assigner``, ``idle_timeout_ms`` and the alignment settings. ``with_*`` methods return
a new strategy and leave the original unchanged, as Flink's do.

Example::

    class FirstField(TimestampAssigner):
        def extract_timestamp(self, value, record_timestamp):
            return value[0]

    strategy = (WatermarkStrategy.for_bounded_out_of_orderness(Duration.of_seconds(5))
                .with_timestamp_assigner(FirstField())
                .with_idleness(Duration.of_minutes(1)))
"""

from __future__ import annotations

import copy
from abc import ABC, abstractmethod
from typing import Any

from weir.common.time import Duration

__all__ = ["TimestampAssigner", "WatermarkStrategy"]


class TimestampAssigner(ABC):
    """Extracts the event-time timestamp (epoch milliseconds) of a record."""

    @abstractmethod
    def extract_timestamp(self, value: Any, record_timestamp: int) -> int:
        """The timestamp of ``value``; ``record_timestamp`` is the one it already has, if any
        (a negative number when it has none)."""


def _millis(duration: Any, what: str) -> int:
    to_ms = getattr(duration, "to_milliseconds", None)
    if callable(to_ms):
        return int(to_ms())
    if isinstance(duration, int) and not isinstance(duration, bool):
        return duration
    raise TypeError(f"{what} must be a Duration, got {duration!r}")


class WatermarkStrategy:
    """How a source assigns timestamps and generates watermarks.

    Example::

        WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(MyAssigner())
    """

    NO_WATERMARKS = "none"
    MONOTONOUS = "monotonous"
    BOUNDED_OUT_OF_ORDERNESS = "bounded"

    def __init__(self, kind: str, max_out_of_orderness_ms: int = 0) -> None:
        if kind not in (self.NO_WATERMARKS, self.MONOTONOUS, self.BOUNDED_OUT_OF_ORDERNESS):
            raise ValueError(f"unknown watermark strategy kind {kind!r}")
        if max_out_of_orderness_ms < 0:
            raise ValueError("max_out_of_orderness must not be negative")
        #: ``"none"``, ``"monotonous"`` or ``"bounded"``.
        self.kind = kind
        #: Watermarks trail the largest timestamp seen by this much (0 when monotonous).
        self.max_out_of_orderness_ms = int(max_out_of_orderness_ms)
        #: A TimestampAssigner (or, in weir, a callable ``(value, record_timestamp) -> int``).
        self.timestamp_assigner: Any = None
        #: A source split idle this long stops holding back the watermark; None: never.
        self.idle_timeout_ms: int | None = None
        #: Watermark alignment group, max drift and update interval (ms), or None.
        self.watermark_group: str | None = None
        self.max_allowed_watermark_drift_ms: int | None = None
        self.update_interval_ms: int | None = None

    # -- factories ------------------------------------------------------------------------------

    @staticmethod
    def no_watermarks() -> WatermarkStrategy:
        """No watermarks at all (processing-time programs, or bounded inputs)."""
        return WatermarkStrategy(WatermarkStrategy.NO_WATERMARKS)

    @staticmethod
    def for_monotonous_timestamps() -> WatermarkStrategy:
        """Timestamps never decrease: the watermark follows the largest timestamp seen."""
        return WatermarkStrategy(WatermarkStrategy.MONOTONOUS)

    @staticmethod
    def for_bounded_out_of_orderness(max_out_of_orderness: Duration) -> WatermarkStrategy:
        """Records are at most ``max_out_of_orderness`` late."""
        return WatermarkStrategy(
            WatermarkStrategy.BOUNDED_OUT_OF_ORDERNESS,
            _millis(max_out_of_orderness, "max_out_of_orderness"),
        )

    # -- derived strategies -----------------------------------------------------------------

    def _copy(self) -> WatermarkStrategy:
        return copy.copy(self)

    def with_timestamp_assigner(self, timestamp_assigner: TimestampAssigner) -> WatermarkStrategy:
        """This strategy, with timestamps taken from records by ``timestamp_assigner``."""
        if not (
            callable(getattr(timestamp_assigner, "extract_timestamp", None))
            or callable(timestamp_assigner)
        ):
            raise TypeError(
                "timestamp_assigner must be a TimestampAssigner or a callable "
                f"(value, record_timestamp) -> int, got {timestamp_assigner!r}"
            )
        strategy = self._copy()
        strategy.timestamp_assigner = timestamp_assigner
        return strategy

    def with_idleness(self, idle_timeout: Duration) -> WatermarkStrategy:
        """This strategy, marking a source split idle after ``idle_timeout`` without records."""
        strategy = self._copy()
        strategy.idle_timeout_ms = _millis(idle_timeout, "idle_timeout")
        return strategy

    def with_watermark_alignment(
        self,
        watermark_group: str,
        max_allowed_watermark_drift: Duration,
        update_interval: Duration | None = None,
    ) -> WatermarkStrategy:
        """This strategy, with sources of ``watermark_group`` kept within
        ``max_allowed_watermark_drift`` of each other (checked every ``update_interval``,
        1 s by default)."""
        strategy = self._copy()
        strategy.watermark_group = watermark_group
        strategy.max_allowed_watermark_drift_ms = _millis(
            max_allowed_watermark_drift, "max_allowed_watermark_drift"
        )
        strategy.update_interval_ms = (
            _millis(update_interval, "update_interval") if update_interval is not None else 1000
        )
        return strategy

    # -- reading (for the runtime) ------------------------------------------------------------

    @property
    def alignment(self) -> tuple[str, int, int] | None:
        """``(group, max drift ms, update interval ms)`` when aligned, else None."""
        if self.watermark_group is None:
            return None
        return (
            self.watermark_group,
            self.max_allowed_watermark_drift_ms or 0,
            self.update_interval_ms or 0,
        )

    def get_timestamp_assigner(self) -> Any:
        return self.timestamp_assigner

    def extract_timestamp(self, value: Any, record_timestamp: int) -> int | None:
        """Apply the timestamp assigner; ``record_timestamp`` (or None) when there is none."""
        assigner = self.timestamp_assigner
        if assigner is None:
            return record_timestamp
        extract = getattr(assigner, "extract_timestamp", None)
        return (extract if callable(extract) else assigner)(value, record_timestamp)

    def __repr__(self) -> str:
        parts = [self.kind]
        if self.kind == self.BOUNDED_OUT_OF_ORDERNESS:
            parts.append(f"max_out_of_orderness={self.max_out_of_orderness_ms} ms")
        if self.timestamp_assigner is not None:
            parts.append(f"timestamp_assigner={self.timestamp_assigner!r}")
        if self.idle_timeout_ms is not None:
            parts.append(f"idle_timeout={self.idle_timeout_ms} ms")
        if self.watermark_group is not None:
            parts.append(f"alignment={self.alignment}")
        return f"WatermarkStrategy({', '.join(parts)})"

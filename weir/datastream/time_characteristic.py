"""TimeCharacteristic, as in ``pyflink.datastream.TimeCharacteristic`` (deprecated in Flink: event
time is used when a WatermarkStrategy is set)."""

from __future__ import annotations

from enum import Enum

__all__ = ["TimeCharacteristic"]


class TimeCharacteristic(Enum):
    """Which notion of time time-based operations use.

    * ``ProcessingTime``: the wall clock of the machine running the operator.
    * ``IngestionTime``: the time a record entered the job at its source.
    * ``EventTime``: timestamps carried by the records, with watermarks.
    """

    ProcessingTime = 0
    IngestionTime = 1
    EventTime = 2

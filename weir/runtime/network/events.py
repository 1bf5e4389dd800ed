"""Events that travel through channels, in order with the records.

A channel carries a sequence of *events*: record batches and the control events that must stay in
order with them — checkpoint barriers, watermarks and end-of-partition. Keeping them in one ordered
stream is what makes the barrier algorithm work: everything before a barrier belongs to the
checkpoint, everything after it does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class RecordBatch:
    """A batch of records; ``timestamps`` is parallel to ``values`` or ``None`` (no event time)."""

    values: list[Any]
    timestamps: list[int] | None = None


@dataclass(frozen=True, slots=True)
class Watermark:
    timestamp: int


#: The smallest and largest watermarks (Flink's Long.MIN_VALUE / Long.MAX_VALUE).
MIN_WATERMARK = -(1 << 63)
MAX_WATERMARK = (1 << 63) - 1


@dataclass(frozen=True, slots=True)
class WatermarkStatus:
    """A producer went idle (its watermark must not hold the others back) or became active."""

    idle: bool


@dataclass(frozen=True, slots=True)
class CheckpointBarrier:
    checkpoint_id: int
    timestamp: int
    is_savepoint: bool = False
    unaligned: bool = False
    #: Where a savepoint's files go (None: the job's checkpoint storage).
    savepoint_dir: str | None = None


@dataclass(frozen=True, slots=True)
class CancelCheckpointMarker:
    """Tells downstream tasks to abandon alignment for ``checkpoint_id``."""

    checkpoint_id: int


@dataclass(frozen=True, slots=True)
class EndOfData:
    """The producer has emitted its last record (and finished its operators). Barriers may still
    follow — a final checkpoint commits what sinks hold — before :class:`EndOfPartition`."""


END_OF_DATA = EndOfData()


@dataclass(frozen=True, slots=True)
class EndOfPartition:
    """The producer will send nothing more on this channel."""


END_OF_PARTITION = EndOfPartition()

#: Events that are not records; they bypass credit accounting so they are never stuck behind it.
CONTROL_EVENT_TYPES = (
    Watermark, CheckpointBarrier, CancelCheckpointMarker, EndOfData, EndOfPartition,
)

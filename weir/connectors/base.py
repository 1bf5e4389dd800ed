"""The source and sink seams.

A :class:`Source` is what the user hands to ``env.from_source`` (or what ``from_collection``,
``read_text_file``... build); the runtime asks it for one :class:`SourceReader` per subtask. A reader
is polled for batches by its task thread, between which the task handles checkpoints and
cancellation, so ``poll`` must return within a fraction of a second even when no data is there.

A :class:`SinkWriter` receives batches; sinks with transactional semantics build on it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

DEFAULT_BATCH_SIZE = 128


class SourceReader(ABC):
    @abstractmethod
    def poll(self, max_records: int) -> list[Any] | None:
        """Up to ``max_records`` records; ``[]`` when none are ready now; ``None`` at end of input."""

    def snapshot_splits(self) -> list[Any]:
        """The work this reader has left, as picklable *splits*: a reader created from them with
        :meth:`Source.restore_reader` continues right after the records already returned.
        Sources that cannot be replayed return ``[]``."""
        return []

    def close(self) -> None:
        pass


class Source(ABC):
    #: ``False`` for sources that run with parallelism 1 only (sockets, collections).
    parallel: bool = True
    #: ``False`` for unbounded sources (the job runs until cancelled).
    bounded: bool = True
    #: Whether a rewound reader reproduces the same records (needed for exactly-once).
    replayable: bool = True

    @abstractmethod
    def create_reader(self, subtask_index: int, parallelism: int) -> SourceReader: ...

    def restore_reader(self, splits: list[Any], parallelism: int = 1) -> SourceReader:
        """A reader for splits restored from a checkpoint (redistributed when the parallelism
        changed). Non-replayable sources start afresh."""
        raise NotImplementedError(f"{type(self).__name__} cannot be restored from a checkpoint")

    def default_name(self) -> str:
        return type(self).__name__


class SinkWriter(ABC):
    """Writes a sink subtask's records. Writers that take part in exactly-once delivery also
    implement ``prepare_commit() -> list`` (called on each checkpoint barrier: close what is
    in progress, return *committables*) and the sink implements ``commit(committables)``
    (idempotent: called when the checkpoint completes, and again after a recovery)."""

    def open(self, subtask_index: int, parallelism: int) -> None:
        pass

    @abstractmethod
    def write_batch(self, values: list[Any]) -> None: ...

    def finish(self) -> None:
        """End of input: make everything written durable/visible."""

    def close(self) -> None:
        pass

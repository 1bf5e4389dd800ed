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

    def snapshot_position(self) -> Any:
        """The reader's position, such that ``restore_position`` resumes right after the records
        already returned; ``None`` for sources that cannot be replayed."""
        return None

    def restore_position(self, position: Any) -> None:
        """Continue from a position returned by ``snapshot_position``."""

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

    def default_name(self) -> str:
        return type(self).__name__


class SinkWriter(ABC):
    def open(self, subtask_index: int, parallelism: int) -> None:
        pass

    @abstractmethod
    def write_batch(self, values: list[Any]) -> None: ...

    def finish(self) -> None:
        """End of input: make everything written durable/visible."""

    def close(self) -> None:
        pass

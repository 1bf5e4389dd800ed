"""The head operator of a source task: polls its reader and emits batches."""

from __future__ import annotations

from typing import Any

from weir.connectors.base import DEFAULT_BATCH_SIZE, Source, SourceReader
from weir.runtime.operators.base import StreamOperator


class SourceOperator(StreamOperator):
    def __init__(self, name: str, source: Source, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        super().__init__(name)
        self.source = source
        self.batch_size = batch_size
        self.reader: SourceReader | None = None

    _restored_splits: list[Any] | None = None

    def open(self) -> None:
        info = self.setup_info
        if self._restored_splits is not None:
            self.reader = self.source.restore_reader(self._restored_splits, info.parallelism)
        else:
            self.reader = self.source.create_reader(info.subtask_index, info.parallelism)

    def snapshot_operator_state(self, checkpoint_id: int) -> list[Any] | None:
        assert self.reader is not None
        return self.reader.snapshot_splits()

    def initialize_operator_state(self, restored: list[tuple[int, list[Any]]]) -> None:
        """Every old subtask's remaining splits, dealt round-robin over the new subtasks, so the
        input is covered exactly once whatever the new parallelism."""
        info = self.setup_info
        everything = [split for _, splits in sorted(restored) for split in splits]
        self._restored_splits = everything[info.subtask_index :: info.parallelism]

    def emit_next(self, before_emit: Any = None) -> bool:
        """Poll one batch and push it down the chain; ``False`` once the input has ended.
        ``before_emit(splits)`` sees the reader's position after the batch, before it leaves."""
        assert self.reader is not None
        batch = self.reader.poll(self.batch_size)
        if batch is None:
            return False
        if batch:
            if before_emit is not None:
                before_emit(self.reader.snapshot_splits())
            self.records_in += len(batch)
            self.output.emit(batch)
        return True

    def process_batch(self, values: list[Any], timestamps: list[int] | None) -> None:
        raise TypeError("a source operator has no input")

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()

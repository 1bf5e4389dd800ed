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

    def open(self) -> None:
        info = self.setup_info
        self.reader = self.source.create_reader(info.subtask_index, info.parallelism)

    def emit_next(self) -> bool:
        """Poll one batch and push it down the chain; ``False`` once the input has ended."""
        assert self.reader is not None
        batch = self.reader.poll(self.batch_size)
        if batch is None:
            return False
        if batch:
            self.records_in += len(batch)
            self.output.emit(batch)
        return True

    def process_batch(self, values: list[Any], timestamps: list[int] | None) -> None:
        raise TypeError("a source operator has no input")

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()

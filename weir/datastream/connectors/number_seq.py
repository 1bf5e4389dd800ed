"""``NumberSequenceSource``, as in ``pyflink.datastream.connectors.number_seq``."""

from __future__ import annotations

from typing import Any

from weir.connectors.base import Source, SourceReader
from weir.connectors.collection import NumberSequenceSourceImpl


class NumberSequenceSource(Source):
    """The numbers ``start`` to ``end`` inclusive, split into one range per parallel reader;
    bounded and replayable.

    Example::

        env.from_source(NumberSequenceSource(1, 1000), WatermarkStrategy.no_watermarks(), "seq")
    """

    def __init__(self, start: int, end: int) -> None:
        self._impl = NumberSequenceSourceImpl(start, end)  # validates start <= end
        self.start = start
        self.end = end

    def to_source(self) -> NumberSequenceSourceImpl:
        """The weir source that produces the numbers."""
        return NumberSequenceSourceImpl(self.start, self.end)

    def create_reader(self, subtask_index: int, parallelism: int) -> SourceReader:
        return self._impl.create_reader(subtask_index, parallelism)

    def restore_reader(self, splits: list[Any], parallelism: int = 1) -> SourceReader:
        return self._impl.restore_reader(splits)

    def default_name(self) -> str:
        return self._impl.default_name()

"""``NumberSequenceSource``, as in PyFlink: the numbers ``start`` to ``end`` inclusive."""

from __future__ import annotations

from weir.connectors.collection import NumberSequenceSourceImpl


class NumberSequenceSource:
    """Example::

        env.from_source(NumberSequenceSource(1, 1000), WatermarkStrategy.no_watermarks(), "seq")
    """

    def __init__(self, start: int, end: int) -> None:
        self.start = start
        self.end = end

    def to_source(self) -> NumberSequenceSourceImpl:
        return NumberSequenceSourceImpl(self.start, self.end)

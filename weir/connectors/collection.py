"""Bounded in-memory sources: a collection, a number sequence and a rate-limited generator."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from weir.connectors.base import Source, SourceReader


class _IndexReader(SourceReader):
    """Reads index ranges ``[start, end)`` (``end`` None: unbounded) through ``produce``.
    Its splits are the ranges still to read, the first one starting at the next index."""

    def __init__(
        self,
        ranges: list[tuple[int, int | None]],
        produce: Callable[[int, int], list[Any]],
        records_per_second: float | None = None,
    ) -> None:
        self._ranges = [r for r in ranges if r[1] is None or r[0] < r[1]]
        self._next, self._end = self._ranges.pop(0) if self._ranges else (0, 0)
        self._produce = produce
        self._rate = records_per_second
        self._started = time.monotonic()
        self._emitted = 0

    def poll(self, max_records: int) -> list[Any] | None:
        while self._end is not None and self._next >= self._end:
            if not self._ranges:
                return None
            self._next, self._end = self._ranges.pop(0)
        n = max_records
        if self._end is not None:
            n = min(n, self._end - self._next)
        if self._rate:
            allowed = int((time.monotonic() - self._started) * self._rate) - self._emitted
            if allowed <= 0:
                time.sleep(min(0.05, 1.0 / self._rate))
                return []
            n = min(n, allowed)
        batch = self._produce(self._next, self._next + n)
        self._next += n
        self._emitted += n
        return batch

    def snapshot_splits(self) -> list[Any]:
        current = [(self._next, self._end)] if self._end is None or self._next < self._end else []
        return current + list(self._ranges)


class CollectionSource(Source):
    """``env.from_collection``: the elements, in order, from one subtask (as in Flink)."""

    parallel = False

    def __init__(self, elements: list[Any]) -> None:
        self.elements = list(elements)

    def create_reader(self, subtask_index: int, parallelism: int) -> SourceReader:
        return self.restore_reader([(0, len(self.elements))])

    def restore_reader(self, splits: list[Any], parallelism: int = 1) -> SourceReader:
        elements = self.elements
        return _IndexReader(splits, lambda a, b: elements[a:b])

    def default_name(self) -> str:
        return "Collection Source"


def _split_range(start: int, end: int, subtask: int, parallelism: int) -> tuple[int, int]:
    total = end - start
    lo = start + total * subtask // parallelism
    hi = start + total * (subtask + 1) // parallelism
    return lo, hi


class NumberSequenceSourceImpl(Source):
    """The numbers ``from_value`` to ``to_value`` inclusive, split into one range per subtask."""

    def __init__(self, from_value: int, to_value: int) -> None:
        if to_value < from_value:
            raise ValueError(f"empty sequence: to ({to_value}) < from ({from_value})")
        self.from_value = from_value
        self.to_value = to_value

    def create_reader(self, subtask_index: int, parallelism: int) -> SourceReader:
        return self.restore_reader(
            [_split_range(self.from_value, self.to_value + 1, subtask_index, parallelism)]
        )

    def restore_reader(self, splits: list[Any], parallelism: int = 1) -> SourceReader:
        return _IndexReader(splits, lambda a, b: list(range(a, b)))

    def default_name(self) -> str:
        return "Sequence Source"


class GeneratorSource(Source):
    """Records ``generator(i)`` for ``i`` in ``[0, count)`` (unbounded when ``count`` is None),
    split across subtasks by index range, optionally limited to ``records_per_second`` in total.
    ``batch_generator(a, b)``, when given, produces a whole batch at once (faster)."""

    def __init__(
        self,
        generator: Callable[[int], Any] | None = None,
        count: int | None = None,
        records_per_second: float | None = None,
        batch_generator: Callable[[int, int], list[Any]] | None = None,
    ) -> None:
        if generator is None and batch_generator is None:
            raise ValueError("give a generator function (index -> record) or a batch_generator")
        self.generator = generator
        self.batch_generator = batch_generator
        self.count = count
        self.records_per_second = records_per_second
        self.bounded = count is not None

    def create_reader(self, subtask_index: int, parallelism: int) -> SourceReader:
        if self.count is None:
            # Unbounded: subtask i owns the indexes from i * 2**48 on.
            return self.restore_reader([(subtask_index * (1 << 48), None)], parallelism)
        return self.restore_reader([_split_range(0, self.count, subtask_index, parallelism)],
                                   parallelism)

    def restore_reader(self, splits: list[Any], parallelism: int = 1) -> SourceReader:
        # The rate is the job's total: each of the parallel readers takes its share.
        rate = self.records_per_second / parallelism if self.records_per_second else None
        if self.batch_generator is not None:
            produce = self.batch_generator
        else:
            gen = self.generator
            produce = lambda a, b: [gen(i) for i in range(a, b)]  # noqa: E731
        return _IndexReader(splits, produce, rate)

    def default_name(self) -> str:
        return "Generator Source"

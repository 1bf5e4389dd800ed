"""Keyed state through RuntimeContext, on real workers, scoped per key at every parallelism."""

from __future__ import annotations

from collections import defaultdict

import pytest

from weir.common import Types
from weir.datastream import StreamExecutionEnvironment
from weir.datastream.functions import AggregateFunction, KeyedProcessFunction, MapFunction
from weir.datastream.state import (
    AggregatingStateDescriptor,
    ListStateDescriptor,
    MapStateDescriptor,
    ReducingStateDescriptor,
    ValueStateDescriptor,
)

EVENTS = [(f"k{i % 7}", i) for i in range(200)]


class AverageAggregate(AggregateFunction):
    def create_accumulator(self):
        return (0, 0)

    def add(self, value, accumulator):
        return accumulator[0] + value, accumulator[1] + 1

    def get_result(self, accumulator):
        return accumulator[0] / accumulator[1]

    def merge(self, a, b):
        return a[0] + b[0], a[1] + b[1]


class EveryStateType(KeyedProcessFunction):
    def open(self, runtime_context):
        self.count = runtime_context.get_state(ValueStateDescriptor("count", Types.LONG()))
        self.history = runtime_context.get_list_state(ListStateDescriptor("history", Types.LONG()))
        self.parity = runtime_context.get_map_state(
            MapStateDescriptor("parity", Types.STRING(), Types.LONG()))
        self.total = runtime_context.get_reducing_state(
            ReducingStateDescriptor("total", lambda a, b: a + b, Types.LONG()))
        self.average = runtime_context.get_aggregating_state(
            AggregatingStateDescriptor("avg", AverageAggregate(), Types.PICKLED_BYTE_ARRAY()))
        self.subtask = runtime_context.get_index_of_this_subtask()
        self.parallel = runtime_context.get_number_of_parallel_subtasks()

    def process_element(self, value, ctx):
        key, n = value
        assert ctx.get_current_key() == key
        self.count.update((self.count.value() or 0) + 1)
        self.history.add(n)
        parity = "even" if n % 2 == 0 else "odd"
        self.parity.put(parity, (self.parity.get(parity) or 0) + 1)
        self.total.add(n)
        self.average.add(n)
        yield (key, self.count.value(), list(self.history.get()), dict(self.parity.items()),
               self.total.get(), self.average.get(), self.subtask, self.parallel)


@pytest.mark.parametrize("parallelism", [1, 2, 4])
def test_every_state_type_is_scoped_to_the_key(parallelism):
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(parallelism)
    ds = env.from_collection(EVENTS).key_by(lambda e: e[0]).process(EveryStateType())
    results = list(ds.execute_and_collect())
    assert len(results) == len(EVENTS)
    by_key = defaultdict(list)
    for row in results:
        by_key[row[0]].append(row)
    subtask_of_key = {}
    for key, rows in by_key.items():
        values = [n for k, n in EVENTS if k == key]
        for i, (_, count, history, parity, total, avg, subtask, parallel) in enumerate(rows):
            seen = values[: i + 1]
            assert count == i + 1
            assert history == seen
            assert parity == {p: c for p, c in (
                ("even", sum(1 for v in seen if v % 2 == 0)),
                ("odd", sum(1 for v in seen if v % 2))) if c}
            assert total == sum(seen)
            assert avg == pytest.approx(sum(seen) / len(seen))
            assert parallel == parallelism
            subtask_of_key.setdefault(key, subtask)
            assert subtask_of_key[key] == subtask  # a key never moves between subtasks
    if parallelism > 1:
        assert len(set(subtask_of_key.values())) > 1  # keys really are spread


class CountingMap(MapFunction):
    """State in a MapFunction on a keyed stream, as in PyFlink's state-access examples."""

    def open(self, runtime_context):
        self.cnt = runtime_context.get_state(ValueStateDescriptor("cnt", Types.LONG()))

    def map(self, value):
        cnt = (self.cnt.value() or 0) + 1
        self.cnt.update(cnt)
        return value[0], cnt


def test_keyed_map_function_with_state():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(2)
    out = list(env.from_collection([("a", 0), ("b", 0), ("a", 0), ("a", 0)])
               .key_by(lambda v: v[0]).map(CountingMap()).execute_and_collect())
    assert sorted(out) == [("a", 1), ("a", 2), ("a", 3), ("b", 1)]


class StateOnUnkeyedStream(MapFunction):
    def open(self, runtime_context):
        runtime_context.get_state(ValueStateDescriptor("x", Types.LONG()))

    def map(self, value):
        return value


def test_state_on_unkeyed_stream_fails_with_the_fix():
    from weir.runtime.jobmanager.errors import JobExecutionException

    env = StreamExecutionEnvironment.get_execution_environment()
    env.from_collection([1]).map(StateOnUnkeyedStream()).print()
    with pytest.raises(JobExecutionException, match="key_by"):
        env.execute()

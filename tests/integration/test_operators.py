"""Transformations beyond word count: aggregations, process functions, side outputs,
union/connect, partitioning, parallelism per operator."""

from __future__ import annotations

from collections import Counter

import pytest

from weir.common import Row, Types
from weir.datastream import StreamExecutionEnvironment
from weir.datastream.functions import (
    CoFlatMapFunction,
    CoMapFunction,
    FilterFunction,
    FlatMapFunction,
    KeyedCoProcessFunction,
    KeySelector,
    MapFunction,
    ProcessFunction,
    ReduceFunction,
)
from weir.datastream.output_tag import OutputTag
from weir.datastream.state import ValueStateDescriptor


def collect(ds):
    return list(ds.execute_and_collect())


def env_with(parallelism=2):
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(parallelism)
    return env


DATA = [("a", 3, "x"), ("b", 1, "y"), ("a", 1, "z"), ("b", 5, "w"), ("a", 2, "v")]


def per_key_last(results):
    last = {}
    for r in results:
        last[r[0]] = r
    return last


@pytest.mark.parametrize(
    "method, expected",
    [
        ("sum", {"a": ("a", 6, "x"), "b": ("b", 6, "y")}),
        ("min", {"a": ("a", 1, "x"), "b": ("b", 1, "y")}),
        ("max", {"a": ("a", 3, "x"), "b": ("b", 5, "y")}),
        ("min_by", {"a": ("a", 1, "z"), "b": ("b", 1, "y")}),
        ("max_by", {"a": ("a", 3, "x"), "b": ("b", 5, "w")}),
    ],
)
def test_rolling_aggregations_by_position(method, expected):
    env = env_with()
    keyed = env.from_collection(DATA).key_by(lambda t: t[0])
    results = collect(getattr(keyed, method)(1))
    assert len(results) == len(DATA)
    assert per_key_last(results) == expected


def test_aggregation_by_field_name_on_rows():
    env = env_with()
    rows = [Row(name="a", score=3), Row(name="a", score=4), Row(name="b", score=1)]
    results = collect(env.from_collection(rows).key_by(lambda r: r.name).sum("score"))
    finals = {r.name: r.score for r in results}
    assert finals == {"a": 7, "b": 1}


class Concat(ReduceFunction):
    def reduce(self, a, b):
        return a[0], a[1] + b[1]


def test_reduce_function_class_and_lambda_agree():
    env = env_with()
    data = [("k", "a"), ("k", "b"), ("j", "c"), ("k", "d")]
    r1 = collect(env.from_collection(data).key_by(lambda t: t[0]).reduce(Concat()))
    env = env_with()
    r2 = collect(env.from_collection(data).key_by(lambda t: t[0])
                 .reduce(lambda a, b: (a[0], a[1] + b[1])))
    assert sorted(r1) == sorted(r2)
    assert per_key_last(r1) == {"k": ("k", "abd"), "j": ("j", "c")}


class Tokenize(FlatMapFunction):
    def open(self, runtime_context):
        self.opened = True

    def flat_map(self, value):
        assert self.opened
        yield from value.split()


class Upper(MapFunction):
    def map(self, value):
        return value.upper()


class Long(FilterFunction):
    def filter(self, value):
        return len(value) > 2


def test_function_classes_generators_and_filters():
    env = env_with()
    out = collect(env.from_collection(["the quick brown", "fox is"])
                  .flat_map(Tokenize()).filter(Long()).map(Upper()))
    assert sorted(out) == ["BROWN", "FOX", "QUICK", "THE"]


LATE = OutputTag("odd", Types.INT())


class SplitOdd(ProcessFunction):
    def process_element(self, value, ctx):
        if value % 2:
            ctx.output(LATE, value)
        else:
            yield value


@pytest.mark.parametrize("parallelism", [1, 3])
def test_side_outputs(parallelism):
    env = env_with(parallelism)
    main = env.from_sequence(1, 100).process(SplitOdd())
    side = main.get_side_output(LATE).map(lambda x: -x)
    both = main.union(side)
    out = collect(both)
    assert sorted(out) == sorted([x for x in range(1, 101) if x % 2 == 0]
                                 + [-x for x in range(1, 101) if x % 2])


def test_union_of_three_streams():
    env = env_with()
    a = env.from_collection([1, 2])
    b = env.from_collection([3])
    c = env.from_sequence(4, 6)
    assert sorted(collect(a.union(b, c))) == [1, 2, 3, 4, 5, 6]


class Tag(CoMapFunction):
    def map1(self, value):
        return ("left", value)

    def map2(self, value):
        return ("right", value)


class Repeat(CoFlatMapFunction):
    def flat_map1(self, value):
        yield value
        yield value

    def flat_map2(self, value):
        return [value * 10]


def test_connect_co_map_and_co_flat_map():
    env = env_with()
    left, right = env.from_collection([1, 2]), env.from_collection(["x"])
    assert sorted(collect(left.connect(right).map(Tag()))) == [
        ("left", 1), ("left", 2), ("right", "x")]
    env = env_with()
    left, right = env.from_collection([1, 2]), env.from_collection([3])
    assert sorted(collect(left.connect(right).flat_map(Repeat()))) == [1, 1, 2, 2, 30]


class JoinPrices(KeyedCoProcessFunction):
    """Orders wait for the price of their item; state is shared per key across both inputs."""

    def open(self, runtime_context):
        self.price = runtime_context.get_state(ValueStateDescriptor("price", Types.FLOAT()))
        self.waiting = runtime_context.get_list_state(
            __import__("weir.datastream.state", fromlist=["ListStateDescriptor"])
            .ListStateDescriptor("waiting", Types.PICKLED_BYTE_ARRAY()))

    def process_element1(self, order, ctx):
        price = self.price.value()
        if price is None:
            self.waiting.add(order)
        else:
            yield ctx.get_current_key(), order[1] * price

    def process_element2(self, price, ctx):
        self.price.update(price[1])
        for order in self.waiting.get():
            yield ctx.get_current_key(), order[1] * price[1]
        self.waiting.clear()


class ItemKey(KeySelector):
    def get_key(self, value):
        return value[0]


@pytest.mark.parametrize("parallelism", [1, 2])
def test_keyed_co_process_shares_state_per_key(parallelism):
    env = env_with(parallelism)
    orders = env.from_collection([("apple", 2), ("pear", 1), ("apple", 3)])
    prices = env.from_collection([("apple", 0.5), ("pear", 2.0)])
    out = collect(orders.connect(prices).key_by(ItemKey(), lambda p: p[0]).process(JoinPrices()))
    assert sorted(out) == [("apple", 1.0), ("apple", 1.5), ("pear", 2.0)]


def test_partitioning_strategies_deliver_everything():
    for method in ("shuffle", "rebalance", "rescale"):
        env = env_with(3)
        out = collect(getattr(env.from_sequence(1, 500), method)().map(lambda x: x))
        assert sorted(out) == list(range(1, 501)), method
    env = env_with(3)
    out = collect(env.from_collection([1, 2]).broadcast().map(lambda x: x))
    assert Counter(out) == {1: 3, 2: 3}
    env = env_with(2)
    out = collect(env.from_sequence(1, 10).forward().map(lambda x: x))
    assert sorted(out) == list(range(1, 11))


def test_rebalance_spreads_records_over_subtasks():
    from weir.datastream.functions import RuntimeContext  # noqa: F401

    class WhoAmI(MapFunction):
        def open(self, ctx):
            self.i = ctx.get_index_of_this_subtask()

        def map(self, value):
            return self.i

    env = env_with(1)
    ds = env.from_sequence(1, 300).rebalance().map(WhoAmI()).set_parallelism(3)
    counts = Counter(collect(ds))
    assert set(counts) == {0, 1, 2}
    assert all(90 <= c <= 110 for c in counts.values())


def test_per_operator_parallelism_and_names():
    env = env_with(1)
    ds = (env.from_sequence(1, 100).name("numbers")
          .map(lambda x: x * 2).name("double").uid("double-uid").set_parallelism(4)
          .filter(lambda x: x % 3 == 0).set_parallelism(2))
    assert sorted(collect(ds)) == [x * 2 for x in range(1, 101) if (x * 2) % 3 == 0]
    env = env_with(1)
    env.from_sequence(1, 10).map(lambda x: x).name("double").set_parallelism(4).print()
    plan = env.get_execution_plan()
    assert "double" in plan and '"parallelism": 4' in plan


def test_custom_partitioner():
    class ByParity:
        def partition(self, key, num_partitions):
            return key % num_partitions

    class WhoAmI(MapFunction):
        def open(self, ctx):
            self.i = ctx.get_index_of_this_subtask()

        def map(self, value):
            return self.i, value

    env = env_with(2)
    out = collect(env.from_sequence(1, 20).partition_custom(ByParity(), lambda x: x)
                  .map(WhoAmI()))
    assert all(subtask == value % 2 for subtask, value in out)

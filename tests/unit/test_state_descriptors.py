"""State descriptors, StateTtlConfig and the state interfaces' mapping helpers."""

from __future__ import annotations

import pickle

import cloudpickle
import pytest

from weir.common import Duration, Time, Types
from weir.datastream.functions import AggregateFunction, ReduceFunction
from weir.datastream.state import (
    AggregatingState,
    AggregatingStateDescriptor,
    AppendingState,
    BroadcastState,
    ListState,
    ListStateDescriptor,
    MapState,
    MapStateDescriptor,
    MergingState,
    ReadOnlyBroadcastState,
    ReducingState,
    ReducingStateDescriptor,
    State,
    StateTtlConfig,
    ValueState,
    ValueStateDescriptor,
)


class Sum(ReduceFunction):
    def reduce(self, value1, value2):
        return value1 + value2


class Average(AggregateFunction):
    def create_accumulator(self):
        return 0, 0

    def add(self, value, accumulator):
        return accumulator[0] + value, accumulator[1] + 1

    def get_result(self, accumulator):
        return accumulator[0] / accumulator[1]

    def merge(self, acc_a, acc_b):
        return acc_a[0] + acc_b[0], acc_a[1] + acc_b[1]


def test_value_state_descriptor():
    d = ValueStateDescriptor("count", Types.LONG())
    assert d.get_name() == "count" and d.name == "count"
    assert d.type_info == Types.LONG()
    assert d.value_type_info == Types.LONG()
    assert ValueStateDescriptor("untyped").type_info is None
    assert repr(d) == "ValueStateDescriptor('count', Long)"
    with pytest.raises(ValueError):
        ValueStateDescriptor("", Types.LONG())


def test_list_and_map_descriptors_wrap_their_types():
    d = ListStateDescriptor("seen", Types.STRING())
    assert d.elem_type_info == Types.STRING()
    assert d.type_info == Types.LIST(Types.STRING())
    assert ListStateDescriptor("seen").type_info is None

    m = MapStateDescriptor("totals", Types.STRING(), Types.LONG())
    assert m.key_type_info == Types.STRING()
    assert m.value_type_info == Types.LONG()
    assert m.type_info == Types.MAP(Types.STRING(), Types.LONG())
    assert MapStateDescriptor("totals").type_info is None


def test_reducing_descriptor_accepts_function_or_callable():
    fn = Sum()
    d = ReducingStateDescriptor("sum", fn, Types.LONG())
    assert d.get_reduce_function() is fn
    assert d.type_info == Types.LONG()
    wrapped = ReducingStateDescriptor("sum", lambda a, b: a * b, Types.LONG())
    assert wrapped.get_reduce_function().reduce(3, 4) == 12
    assert getattr(wrapped.get_reduce_function(), "reduce", None) is not None
    with pytest.raises(TypeError):
        ReducingStateDescriptor("sum", 42, Types.LONG())


def test_aggregating_descriptor():
    agg = Average()
    d = AggregatingStateDescriptor("avg", agg, Types.TUPLE([Types.LONG(), Types.LONG()]))
    assert d.get_agg_function() is agg
    assert d.type_info == Types.TUPLE([Types.LONG(), Types.LONG()])
    with pytest.raises(TypeError):
        AggregatingStateDescriptor("avg", Sum(), Types.LONG())


def test_descriptors_pickle_with_cloudpickle():
    descriptors = [
        ValueStateDescriptor("v", Types.INT()),
        ListStateDescriptor("l", Types.STRING()),
        MapStateDescriptor("m", Types.STRING(), Types.INT()),
        ReducingStateDescriptor("r", lambda a, b: a + b, Types.INT()),
        AggregatingStateDescriptor("a", Average(), None),
    ]
    ttl = StateTtlConfig.new_builder(Time.seconds(1)).build()
    descriptors[0].enable_time_to_live(ttl)
    for d in descriptors:
        back = pickle.loads(cloudpickle.dumps(d))
        assert type(back) is type(d)
        assert back.get_name() == d.get_name()
        assert back.type_info == d.type_info
    back = pickle.loads(cloudpickle.dumps(descriptors[3]))
    assert back.get_reduce_function().reduce(2, 5) == 7
    assert pickle.loads(cloudpickle.dumps(descriptors[0])).get_ttl_config() == ttl


def test_ttl_builder_defaults():
    ttl = StateTtlConfig.new_builder(Time.minutes(10)).build()
    assert ttl.get_ttl() == Time.minutes(10)
    assert ttl.get_ttl_milliseconds() == 600_000
    assert ttl.get_update_type() is StateTtlConfig.UpdateType.OnCreateAndWrite
    assert ttl.get_state_visibility() is StateTtlConfig.StateVisibility.NeverReturnExpired
    assert ttl.get_ttl_time_characteristic() is StateTtlConfig.TtlTimeCharacteristic.ProcessingTime
    assert ttl.is_enabled()
    cleanup = ttl.get_cleanup_strategies()
    assert cleanup.is_cleanup_in_background()
    assert not cleanup.in_full_snapshot()
    default_incremental = cleanup.get_incremental_cleanup_strategy()
    assert default_incremental.get_cleanup_size() == 5
    assert default_incremental.run_cleanup_for_every_record() is False
    rocks = cleanup.get_rocksdb_compact_filter_cleanup_strategy()
    assert rocks.get_query_time_after_num_entries() == 1000


def test_ttl_builder_round_trip():
    ttl = (
        StateTtlConfig.new_builder(Time.seconds(30))
        .set_update_type(StateTtlConfig.UpdateType.OnReadAndWrite)
        .set_state_visibility(StateTtlConfig.StateVisibility.ReturnExpiredIfNotCleanedUp)
        .set_ttl_time_characteristic(StateTtlConfig.TtlTimeCharacteristic.ProcessingTime)
        .cleanup_full_snapshot()
        .cleanup_incrementally(10, True)
        .cleanup_in_rocksdb_compact_filter(500, Duration.of_hours(1))
        .disable_cleanup_in_background()
        .build()
    )
    assert ttl.get_ttl() == Time.seconds(30)
    assert ttl.get_update_type() is StateTtlConfig.UpdateType.OnReadAndWrite
    assert ttl.get_state_visibility() is StateTtlConfig.StateVisibility.ReturnExpiredIfNotCleanedUp
    cleanup = ttl.get_cleanup_strategies()
    assert not cleanup.is_cleanup_in_background()
    assert cleanup.in_full_snapshot()
    incremental = cleanup.get_incremental_cleanup_strategy()
    assert incremental.get_cleanup_size() == 10
    assert incremental.run_cleanup_for_every_record() is True
    rocks = cleanup.get_rocksdb_compact_filter_cleanup_strategy()
    assert rocks.get_query_time_after_num_entries() == 500
    assert rocks.get_periodic_compaction_time() == Duration.of_hours(1)
    back = pickle.loads(pickle.dumps(ttl))
    assert back == ttl


def test_ttl_builder_shortcuts_and_disabled():
    b = StateTtlConfig.new_builder(Time.seconds(1))
    assert b.update_ttl_on_read_and_write().build().get_update_type() is (
        StateTtlConfig.UpdateType.OnReadAndWrite
    )
    assert b.update_ttl_on_create_and_write().build().get_update_type() is (
        StateTtlConfig.UpdateType.OnCreateAndWrite
    )
    assert b.return_expired_if_not_cleaned_up().build().get_state_visibility() is (
        StateTtlConfig.StateVisibility.ReturnExpiredIfNotCleanedUp
    )
    assert b.never_return_expired().use_processing_time().set_ttl(Time.seconds(2)).build() == (
        StateTtlConfig.new_builder(Time.seconds(2)).build()
    )
    disabled = b.set_update_type(StateTtlConfig.UpdateType.Disabled).build()
    assert not disabled.is_enabled()
    no_background = StateTtlConfig.new_builder(Time.seconds(1)).disable_cleanup_in_background()
    assert no_background.build().get_cleanup_strategies().get_incremental_cleanup_strategy() is None
    with pytest.raises(ValueError):
        StateTtlConfig.new_builder(Time.seconds(0))
    with pytest.raises(TypeError):
        StateTtlConfig.new_builder(5)


def test_enable_time_to_live():
    d = ValueStateDescriptor("v", Types.INT())
    assert d.get_ttl_config() is None
    ttl = StateTtlConfig.new_builder(Time.seconds(1)).build()
    d.enable_time_to_live(ttl)
    assert d.get_ttl_config() is ttl
    with pytest.raises(TypeError):
        d.enable_time_to_live("1s")


def test_state_interfaces_are_abstract_with_pyflink_hierarchy():
    for cls in (State, ValueState, ListState, MapState, ReducingState, AggregatingState,
                BroadcastState, ReadOnlyBroadcastState):
        with pytest.raises(TypeError):
            cls()
    assert issubclass(ListState, MergingState) and issubclass(MergingState, AppendingState)
    assert issubclass(ReducingState, MergingState) and issubclass(AggregatingState, MergingState)
    assert issubclass(BroadcastState, ReadOnlyBroadcastState)
    assert ValueState[int] is not None  # generic, as in PyFlink


class DictMapState(MapState):
    """A minimal MapState over a dict, to exercise the mapping helpers."""

    def __init__(self):
        self.d = {}

    def get(self, key):
        return self.d.get(key)

    def put(self, key, value):
        self.d[key] = value

    def put_all(self, dict_value):
        self.d.update(dict_value)

    def remove(self, key):
        self.d.pop(key, None)

    def contains(self, key):
        return key in self.d

    def items(self):
        return list(self.d.items())

    def keys(self):
        return list(self.d)

    def values(self):
        return list(self.d.values())

    def is_empty(self):
        return not self.d

    def clear(self):
        self.d.clear()


def test_map_state_mapping_helpers():
    s = DictMapState()
    s["a"] = 1
    s.put_all({"b": 2})
    assert s["a"] == 1 and "b" in s and "z" not in s
    assert sorted(s) == ["a", "b"]
    del s["a"]
    assert list(s) == ["b"] and not s.is_empty()
    assert s["missing"] is None


class ListOfList(ListState):
    def __init__(self):
        self.items = []

    def get(self):
        return list(self.items)

    def add(self, value):
        self.items.append(value)

    def add_all(self, values):
        self.items.extend(values)

    def update(self, values):
        self.items = list(values)

    def clear(self):
        self.items = []


def test_list_state_iterates_its_values():
    s = ListOfList()
    s.add(1)
    s.add_all([2, 3])
    assert list(s) == [1, 2, 3]
    s.update([9])
    assert list(s) == [9]

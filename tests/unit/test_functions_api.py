"""User-function interfaces: PyFlink's names and shapes, abstractness, picklability; OutputTag and
the small enums."""

from __future__ import annotations

import pickle

import cloudpickle
import pytest

import weir.datastream.functions as functions
from weir.common import Types
from weir.datastream.checkpointing_mode import CheckpointingMode
from weir.datastream.execution_mode import RuntimeExecutionMode
from weir.datastream.functions import (
    AggregateFunction,
    AllWindowFunction,
    BroadcastProcessFunction,
    CoFlatMapFunction,
    CoMapFunction,
    CoProcessFunction,
    FilterFunction,
    FlatMapFunction,
    Function,
    KeyedBroadcastProcessFunction,
    KeyedCoProcessFunction,
    KeyedProcessFunction,
    KeySelector,
    MapFunction,
    NullByteKeySelector,
    Partitioner,
    ProcessAllWindowFunction,
    ProcessFunction,
    ProcessWindowFunction,
    ReduceFunction,
    RuntimeContext,
    SinkFunction,
    SourceFunction,
    TimeDomain,
    TimerService,
    WindowFunction,
)
from weir.datastream.output_tag import OutputTag
from weir.datastream.state import ValueStateDescriptor
from weir.datastream.time_characteristic import TimeCharacteristic
from weir.datastream.time_domain import TimeDomain as TimeDomainModule
from weir.datastream.timerservice import TimerService as TimerServiceModule


def test_pyflink_names_are_exported():
    for name in [
        "Function", "MapFunction", "CoMapFunction", "FlatMapFunction", "CoFlatMapFunction",
        "ReduceFunction", "AggregateFunction", "KeySelector", "NullByteKeySelector",
        "FilterFunction", "Partitioner", "SourceFunction", "SinkFunction", "ProcessFunction",
        "KeyedProcessFunction", "CoProcessFunction", "KeyedCoProcessFunction", "WindowFunction",
        "AllWindowFunction", "ProcessWindowFunction", "ProcessAllWindowFunction",
        "BaseBroadcastProcessFunction", "BroadcastProcessFunction",
        "KeyedBroadcastProcessFunction", "RuntimeContext", "KeyedStateStore", "TimerService",
        "TimeDomain",
    ]:
        assert name in functions.__all__, name
        assert hasattr(functions, name), name
    assert TimeDomainModule is TimeDomain
    assert TimerServiceModule is TimerService


@pytest.mark.parametrize(
    "cls",
    [MapFunction, FlatMapFunction, FilterFunction, ReduceFunction, KeySelector, Partitioner,
     CoMapFunction, CoFlatMapFunction, AggregateFunction, ProcessFunction, KeyedProcessFunction,
     CoProcessFunction, KeyedCoProcessFunction, WindowFunction, AllWindowFunction,
     ProcessWindowFunction, ProcessAllWindowFunction, BroadcastProcessFunction,
     KeyedBroadcastProcessFunction, RuntimeContext, TimerService],
)
def test_interfaces_are_abstract(cls):
    with pytest.raises(TypeError):
        cls()


def test_default_hooks_are_no_ops():
    class Double(MapFunction):
        def map(self, value):
            return value * 2

    f = Double()
    assert isinstance(f, Function)
    assert f.open(None) is None and f.close() is None
    assert f.map(21) == 42


def test_generator_functions_yield_results():
    class Split(FlatMapFunction):
        def flat_map(self, value):
            yield from value.split()

    class Both(CoFlatMapFunction):
        def flat_map1(self, value):
            yield value

        def flat_map2(self, value):
            return [value, value]

    assert list(Split().flat_map("a b c")) == ["a", "b", "c"]
    assert list(Both().flat_map1(1)) == [1]
    assert Both().flat_map2(2) == [2, 2]


def test_aggregate_merge_is_optional_but_explicit():
    class Count(AggregateFunction):
        def create_accumulator(self):
            return 0

        def add(self, value, accumulator):
            return accumulator + 1

        def get_result(self, accumulator):
            return accumulator

    c = Count()
    acc = c.add("x", c.add("y", c.create_accumulator()))
    assert c.get_result(acc) == 2
    with pytest.raises(NotImplementedError):
        c.merge(1, 2)


def test_null_byte_key_selector_and_partitioner():
    assert NullByteKeySelector().get_key("anything") == 0

    class Mod(Partitioner):
        def partition(self, key, num_partitions):
            return key % num_partitions

    assert Mod().partition(7, 3) == 1


class FakeTimerService(TimerService):
    def __init__(self):
        self.timers = []

    def current_processing_time(self):
        return 1000

    def current_watermark(self):
        return -1

    def register_processing_time_timer(self, timestamp):
        self.timers.append(("p", timestamp))

    def register_event_time_timer(self, timestamp):
        self.timers.append(("e", timestamp))

    def delete_processing_time_timer(self, timestamp):
        self.timers.remove(("p", timestamp))

    def delete_event_time_timer(self, timestamp):
        self.timers.remove(("e", timestamp))


class FakeContext(KeyedProcessFunction.OnTimerContext):
    def __init__(self, key):
        self.key = key
        self.side = []
        self.timers = FakeTimerService()

    def get_current_key(self):
        return self.key

    def timestamp(self):
        return 5

    def timer_service(self):
        return self.timers

    def output(self, output_tag, value):
        self.side.append((output_tag, value))

    def time_domain(self):
        return TimeDomain.PROCESSING_TIME


LATE = OutputTag("late", Types.STRING())


class Tagger(KeyedProcessFunction):
    def process_element(self, value, ctx):
        if value < 0:
            ctx.output(LATE, str(value))
            return
        ctx.timer_service().register_processing_time_timer(
            ctx.timer_service().current_processing_time() + 10
        )
        yield ctx.get_current_key(), value, ctx.timestamp()

    def on_timer(self, timestamp, ctx):
        yield "timer", ctx.get_current_key(), timestamp, ctx.time_domain()


def test_keyed_process_function_with_a_context():
    ctx = FakeContext("k")
    fn = Tagger()
    assert list(fn.process_element(3, ctx)) == [("k", 3, 5)]
    assert ctx.timers.timers == [("p", 1010)]
    assert list(fn.process_element(-1, ctx)) == []
    assert ctx.side == [(LATE, "-1")]
    assert list(fn.on_timer(1010, ctx)) == [("timer", "k", 1010, TimeDomain.PROCESSING_TIME)]


def test_context_classes_declare_pyflink_methods():
    assert {"timestamp", "timer_service", "output"} <= ProcessFunction.Context.__abstractmethods__
    assert "time_domain" in ProcessFunction.OnTimerContext.__abstractmethods__
    assert "get_current_key" in KeyedProcessFunction.Context.__abstractmethods__
    assert "get_current_key" in KeyedProcessFunction.OnTimerContext.__abstractmethods__
    assert "get_current_key" in KeyedCoProcessFunction.Context.__abstractmethods__
    assert {"window", "current_processing_time", "current_watermark", "window_state",
            "global_state"} <= ProcessWindowFunction.Context.__abstractmethods__
    assert "get_broadcast_state" in BroadcastProcessFunction.Context.__abstractmethods__
    assert "get_broadcast_state" in BroadcastProcessFunction.ReadOnlyContext.__abstractmethods__
    assert "timer_service" in KeyedBroadcastProcessFunction.ReadOnlyContext.__abstractmethods__
    assert "time_domain" in KeyedBroadcastProcessFunction.OnTimerContext.__abstractmethods__
    # on_timer is optional
    assert "on_timer" not in KeyedProcessFunction.__abstractmethods__
    assert "on_timer" not in KeyedCoProcessFunction.__abstractmethods__
    assert {"process_element1", "process_element2"} == CoProcessFunction.__abstractmethods__


def test_window_functions_are_generic_like_pyflink():
    class Count(WindowFunction[tuple, tuple, str, object]):
        def apply(self, key, window, inputs):
            yield key, len(list(inputs))

    class CountAll(ProcessAllWindowFunction[int, int, object]):
        def process(self, context, elements):
            yield sum(elements)

    assert list(Count().apply("k", None, [1, 2])) == [("k", 2)]
    assert list(CountAll().process(None, [1, 2, 3])) == [6]
    assert issubclass(Count, WindowFunction)


class CountingRuntimeContext(RuntimeContext):
    def get_task_name(self):
        return "Map"

    def get_number_of_parallel_subtasks(self):
        return 4

    def get_max_number_of_parallel_subtasks(self):
        return 128

    def get_index_of_this_subtask(self):
        return 1

    def get_attempt_number(self):
        return 0

    def get_task_name_with_subtasks(self):
        return "Map (2/4)"

    def get_job_parameter(self, key, default_value):
        return {"env": "test"}.get(key, default_value)

    def get_metrics_group(self):
        return None

    def get_state(self, state_descriptor):
        return ("value", state_descriptor.get_name())

    def get_list_state(self, state_descriptor):
        return ("list", state_descriptor.get_name())

    def get_map_state(self, state_descriptor):
        return ("map", state_descriptor.get_name())

    def get_reducing_state(self, state_descriptor):
        return ("reducing", state_descriptor.get_name())

    def get_aggregating_state(self, state_descriptor):
        return ("aggregating", state_descriptor.get_name())


def test_runtime_context_complete_implementation_instantiates():
    class Opens(MapFunction):
        def open(self, runtime_context):
            self.state = runtime_context.get_state(ValueStateDescriptor("n", Types.LONG()))
            self.where = runtime_context.get_task_name_with_subtasks()
            self.env = runtime_context.get_job_parameter("env", "prod")

        def map(self, value):
            return value

    f = Opens()
    f.open(CountingRuntimeContext())
    assert f.state == ("value", "n")
    assert f.where == "Map (2/4)"
    assert f.env == "test"


def test_sink_function_invoke_and_declarations():
    class Collect(SinkFunction):
        def open(self, runtime_context):
            self.seen = []

        def invoke(self, value, context):
            self.seen.append(value)

    s = Collect()
    s.open(None)
    s.invoke(1, None)
    assert s.seen == [1]
    with pytest.raises(NotImplementedError):
        SinkFunction().invoke(1, None)
    assert isinstance(SourceFunction(), Function)


def test_user_functions_pickle_with_cloudpickle():
    class Scale(MapFunction):
        def __init__(self, factor):
            self.factor = factor

        def map(self, value):
            return value * self.factor

    back = pickle.loads(cloudpickle.dumps(Scale(3)))
    assert back.map(2) == 6
    assert pickle.loads(cloudpickle.dumps(Tagger())).__class__.__name__ == "Tagger"


def test_output_tag():
    tag = OutputTag("late", Types.STRING())
    assert tag.tag_id == "late" and tag.type_info == Types.STRING()
    assert tag == OutputTag("late") and hash(tag) == hash(OutputTag("late"))
    assert tag != OutputTag("early")
    assert OutputTag("x").type_info is None
    assert repr(tag) == "OutputTag('late', String)"
    for dumps in (pickle.dumps, cloudpickle.dumps):
        back = pickle.loads(dumps(tag))
        assert back == tag and back.type_info == Types.STRING()
    with pytest.raises(ValueError):
        OutputTag("")
    with pytest.raises(TypeError):
        OutputTag("x", "not a type")


def test_enums():
    assert [m.name for m in CheckpointingMode] == ["EXACTLY_ONCE", "AT_LEAST_ONCE", "AT_MOST_ONCE"]
    assert CheckpointingMode["AT_MOST_ONCE"] is CheckpointingMode.AT_MOST_ONCE
    assert "AT_MOST_ONCE" in CheckpointingMode.__doc__
    assert [m.name for m in RuntimeExecutionMode] == ["STREAMING", "BATCH", "AUTOMATIC"]
    assert [m.name for m in TimeCharacteristic] == ["ProcessingTime", "IngestionTime", "EventTime"]
    assert [m.name for m in TimeDomain] == ["EVENT_TIME", "PROCESSING_TIME"]

"""DataStream, KeyedStream and ConnectedStreams: PyFlink's DataStream API on weir's runtime.

Every method adds a transformation to the environment's plan; nothing runs until
``env.execute()``. User functions may be PyFlink function objects (``MapFunction`` ...) or plain
callables.

Example::

    env = StreamExecutionEnvironment.get_execution_environment()
    counts = (env.from_collection(["a b", "b"])
                 .flat_map(lambda line: [(w, 1) for w in line.split()])
                 .key_by(lambda t: t[0])
                 .sum(1))
    counts.print()
    env.execute("word count")
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from weir.api.functions import TwoPhaseCommitSinkFunction
from weir.api.output_tag import OutputTag
from weir.datastream.windowed_stream import AllWindowedStream, WindowedStream, count_window
from weir.graph.transformations import (
    OneInputTransformation,
    PartitionTransformation,
    SideOutputTransformation,
    SinkTransformation,
    Transformation,
    TwoInputTransformation,
    UnionTransformation,
)
from weir.runtime.network.partitioners import (
    BroadcastPartitioner,
    CustomPartitionerWrapper,
    ForwardPartitioner,
    GlobalPartitioner,
    KeyGroupStreamPartitioner,
    RebalancePartitioner,
    RescalePartitioner,
    ShufflePartitioner,
)
from weir.runtime.operators import aggregations as agg
from weir.runtime.operators.collect import CollectSinkOperator
from weir.runtime.operators.key_selectors import optimize_key_selector
from weir.runtime.operators.sinks import (
    PrintSinkOperator,
    SinkFunctionOperator,
    SinkWriterOperator,
    TwoPhaseCommitSinkOperator,
)
from weir.runtime.operators.timestamps import TimestampsAndWatermarksOperator
from weir.runtime.operators.udf import (
    CoFlatMapOperator,
    CoMapOperator,
    CoProcessOperator,
    FilterOperator,
    FlatMapOperator,
    MapOperator,
    ProcessOperator,
)
from weir.state.key_groups import DEFAULT_MAX_PARALLELISM

if TYPE_CHECKING:
    from weir.datastream.stream_execution_environment import StreamExecutionEnvironment


def _check_function(func: Any, method: str, what: str) -> None:
    if not (callable(func) or callable(getattr(func, method, None))):
        raise TypeError(
            f"{what} expects a callable or an object with a '{method}' method, got {func!r}"
        )


class DataStream:
    """A stream of records of one type; PyFlink's ``pyflink.datastream.DataStream``."""

    def __init__(self, env: StreamExecutionEnvironment, transformation: Transformation) -> None:
        self._env = env
        self._transformation = transformation

    # -- properties of this stream's operator ----------------------------------------------

    def get_name(self) -> str:
        return self._transformation.name

    def name(self, name: str) -> DataStream:
        """Set the operator's name (shown in logs and metrics)."""
        self._transformation.name = name
        return self

    def uid(self, uid: str) -> DataStream:
        """Set a stable id for the operator; its state is matched by uid across job versions."""
        self._transformation.uid = uid
        return self

    def set_uid_hash(self, uid_hash: str) -> DataStream:
        self._transformation.uid = uid_hash
        return self

    def set_description(self, description: str) -> DataStream:
        return self

    def get_type(self) -> Any:
        return self._transformation.output_type

    def get_execution_environment(self) -> StreamExecutionEnvironment:
        return self._env

    def set_parallelism(self, parallelism: int) -> DataStream:
        if parallelism < 1:
            raise ValueError(f"parallelism must be at least 1, got {parallelism}")
        source = getattr(self._transformation, "source", None)
        if source is not None and not source.parallel and parallelism != 1:
            raise ValueError(
                f"the source '{self._transformation.name}' is not parallel; its parallelism "
                f"must be 1, not {parallelism}"
            )
        self._transformation.parallelism = parallelism
        return self

    def set_max_parallelism(self, max_parallelism: int) -> DataStream:
        self._transformation.max_parallelism = max_parallelism
        return self

    def force_non_parallel(self) -> DataStream:
        self._transformation.parallelism = 1
        self._transformation.max_parallelism = 1
        return self

    def set_buffer_timeout(self, timeout_millis: int) -> DataStream:
        return self

    def start_new_chain(self) -> DataStream:
        """Do not chain this operator to the one before it."""
        self._transformation.chaining = False  # approximates Flink: no chaining on either side
        return self

    def disable_chaining(self) -> DataStream:
        self._transformation.chaining = False
        return self

    def slot_sharing_group(self, slot_sharing_group: Any) -> DataStream:
        return self

    # -- transformations -------------------------------------------------------------------

    def _one_input(
        self, name: str, operator: Any, output_type: Any = None, key_selector: Any = None
    ) -> DataStream:
        t = OneInputTransformation(
            name=name, input=self._transformation, operator=operator, output_type=output_type,
            key_selector=key_selector,
        )
        return DataStream(self._env, t)

    def map(self, func: Any, output_type: Any = None) -> DataStream:
        """Apply ``func`` (a ``MapFunction`` or callable) to every record."""
        _check_function(func, "map", "map")
        return self._one_input("Map", MapOperator("Map", func), output_type)

    def flat_map(self, func: Any, output_type: Any = None) -> DataStream:
        """Apply ``func`` to every record; it returns an iterable (or is a generator) of results."""
        _check_function(func, "flat_map", "flat_map")
        return self._one_input("Flat Map", FlatMapOperator("Flat Map", func), output_type)

    def filter(self, func: Any) -> DataStream:
        _check_function(func, "filter", "filter")
        return self._one_input(
            "Filter", FilterOperator("Filter", func), self._transformation.output_type
        )

    def process(self, func: Any, output_type: Any = None) -> DataStream:
        """Run a ``ProcessFunction`` (``process_element(value, ctx)`` yields results)."""
        _check_function(func, "process_element", "process")
        return self._one_input("Process", ProcessOperator("Process", func), output_type)

    def key_by(self, key_selector: Any, key_type: Any = None) -> KeyedStream:
        """Partition the stream by key: records with the same key go to the same subtask, and
        keyed state in the next operator is scoped to the record's key."""
        _check_function(key_selector, "get_key", "key_by")
        key_of = _key_function(key_selector)
        partition = PartitionTransformation(
            name="Partition",
            input=self._transformation,
            partitioner=KeyGroupStreamPartitioner(key_of, DEFAULT_MAX_PARALLELISM),
            output_type=self._transformation.output_type,
        )
        return KeyedStream(self._env, partition, key_of, self)

    def _partition(self, partitioner: Any) -> DataStream:
        return DataStream(
            self._env,
            PartitionTransformation(
                name="Partition", input=self._transformation, partitioner=partitioner,
                output_type=self._transformation.output_type,
            ),
        )

    def shuffle(self) -> DataStream:
        return self._partition(ShufflePartitioner())

    def rebalance(self) -> DataStream:
        return self._partition(RebalancePartitioner())

    def rescale(self) -> DataStream:
        return self._partition(RescalePartitioner())

    def forward(self) -> DataStream:
        return self._partition(ForwardPartitioner())

    def broadcast(self, *args: Any) -> DataStream:
        if args:
            raise NotImplementedError("broadcast state (broadcast(MapStateDescriptor)) is not "
                                      "supported yet; broadcast() without arguments is")
        return self._partition(BroadcastPartitioner())

    def global_(self) -> DataStream:
        return self._partition(GlobalPartitioner())

    def partition_custom(self, partitioner: Any, key_selector: Any) -> DataStream:
        return self._partition(
            CustomPartitionerWrapper(partitioner, _key_function(key_selector))
        )

    def union(self, *streams: DataStream) -> DataStream:
        """Merge streams of the same type into one."""
        inputs = [self._transformation] + [s._transformation for s in streams]
        return DataStream(
            self._env,
            UnionTransformation(name="Union", union_inputs=inputs,
                                output_type=self._transformation.output_type),
        )

    def connect(self, ds: DataStream) -> ConnectedStreams:
        """Connect two streams (possibly of different types) for a CoMap/CoFlatMap/CoProcess."""
        return ConnectedStreams(self, ds)

    def project(self, *field_indexes: int) -> DataStream:
        return self.map(lambda v: tuple(v[i] for i in field_indexes))

    def get_side_output(self, output_tag: OutputTag) -> DataStream:
        """Records this stream's operator emitted with ``ctx.output(output_tag, value)``."""
        return DataStream(
            self._env,
            SideOutputTransformation(
                name=f"SideOutput {output_tag.tag_id}", input=self._transformation,
                tag_id=output_tag.tag_id, output_type=output_tag.type_info,
            ),
        )

    def window_all(self, window_assigner: Any) -> AllWindowedStream:
        """Windows over the whole stream (parallelism 1)."""
        keyed = self.key_by(lambda _: 0)
        return AllWindowedStream(keyed, window_assigner, keyed._key_selector)

    def count_window_all(self, size: int, slide: int = 0) -> AllWindowedStream:
        keyed = self.key_by(lambda _: 0)
        return count_window(keyed, size, slide, keyed._key_selector, all_window=True)

    def assign_timestamps_and_watermarks(self, watermark_strategy: Any) -> DataStream:
        """Give records event timestamps (the strategy's timestamp assigner) and emit
        watermarks periodically (``WatermarkStrategy.for_bounded_out_of_orderness(...)``...)."""
        interval = self._env.get_config().get_auto_watermark_interval()
        return self._one_input(
            "Timestamps/Watermarks",
            TimestampsAndWatermarksOperator("Timestamps/Watermarks", watermark_strategy,
                                            interval),
            self._transformation.output_type,
        )

    # -- sinks -----------------------------------------------------------------------------

    def _sink(self, name: str, operator: Any, parallelism: int | None = None) -> DataStreamSink:
        t = SinkTransformation(name=name, input=self._transformation, operator=operator,
                               parallelism=parallelism)
        self._env._add_sink(t)
        return DataStreamSink(t)

    def print(self, sink_identifier: str | None = None) -> DataStreamSink:
        """Print every record to the TaskManagers' standard output, prefixed with ``N> `` (the
        subtask, from 1) when the sink runs with parallelism > 1. Records of a typed stream
        (``Types.ROW``/``Types.TUPLE``...) print as Flink prints them, others with ``str``."""
        name = "Print to Std. Out"
        return self._sink(
            f"Sink: {name}",
            PrintSinkOperator(f"Sink: {name}", self._transformation.output_type, sink_identifier),
        )

    def add_sink(self, sink_func: Any) -> DataStreamSink:
        """Send records to a ``SinkFunction`` (``invoke(value, context)``) or a callable."""
        _check_function(sink_func, "invoke", "add_sink")
        name = "Sink: Unnamed"
        if isinstance(sink_func, TwoPhaseCommitSinkFunction):
            return self._sink(name, TwoPhaseCommitSinkOperator(name, sink_func))
        return self._sink(name, SinkFunctionOperator(name, sink_func))

    def sink_to(self, sink: Any) -> DataStreamSink:
        """Send records to a unified ``Sink`` such as ``FileSink``."""
        name = f"Sink: {getattr(sink, 'default_name', lambda: 'Writer')()}"
        return self._sink(name, SinkWriterOperator(name, sink))

    def execute_and_collect(
        self, job_execution_name: str | None = None, limit: int | None = None
    ) -> Any:
        """Run the job and iterate over this stream's records in the client.

        With ``limit`` a list of at most that many records is returned and the job is cancelled
        if it is still running; otherwise an iterator (close it, or use it in a ``with`` block, to
        stop early).
        """
        token = uuid.uuid4().hex
        operator = CollectSinkOperator("Sink: Collect", None, token)
        sink = SinkTransformation(name="Sink: Collect", input=self._transformation,
                                  operator=operator)
        self._env._add_sink(sink)
        iterator = self._env._execute_collect(job_execution_name, sink, operator, token)
        if limit is None:
            return iterator
        results = []
        with iterator:
            for value in iterator:
                results.append(value)
                if len(results) >= limit:
                    break
        return results


class DataStreamSink:
    """Returned by ``print``/``add_sink``/``sink_to``; sets the sink's name and parallelism."""

    def __init__(self, transformation: SinkTransformation) -> None:
        self._transformation = transformation

    def name(self, name: str) -> DataStreamSink:
        self._transformation.name = name
        self._transformation.operator.name = name
        return self

    def uid(self, uid: str) -> DataStreamSink:
        self._transformation.uid = uid
        return self

    def set_parallelism(self, parallelism: int) -> DataStreamSink:
        self._transformation.parallelism = parallelism
        return self

    def disable_chaining(self) -> DataStreamSink:
        self._transformation.chaining = False
        return self

    def slot_sharing_group(self, slot_sharing_group: Any) -> DataStreamSink:
        return self

    def set_description(self, description: str) -> DataStreamSink:
        return self


def _key_function(key_selector: Any) -> Callable[[Any], Any]:
    return optimize_key_selector(key_selector)


class KeyedStream(DataStream):
    """A stream partitioned by key (``DataStream.key_by``); operators on it use keyed state."""

    def __init__(
        self,
        env: StreamExecutionEnvironment,
        partition: PartitionTransformation,
        key_selector: Callable[[Any], Any],
        origin: DataStream,
    ) -> None:
        super().__init__(env, partition)
        self._key_selector = key_selector
        self._origin = origin

    def _keyed(self, name: str, operator: Any, output_type: Any) -> DataStream:
        return self._one_input(name, operator, output_type, key_selector=self._key_selector)

    def name(self, name: str) -> DataStream:
        self._origin.name(name)
        return self

    def uid(self, uid: str) -> DataStream:
        self._origin.uid(uid)
        return self

    def set_parallelism(self, parallelism: int) -> DataStream:
        raise ValueError(
            "a KeyedStream has no operator of its own; set the parallelism of the operator "
            "after key_by (e.g. .key_by(...).sum(1).set_parallelism(4))"
        )

    def map(self, func: Any, output_type: Any = None) -> DataStream:
        _check_function(func, "map", "map")
        return self._keyed("Map", MapOperator("Map", func, self._key_selector), output_type)

    def flat_map(self, func: Any, output_type: Any = None) -> DataStream:
        _check_function(func, "flat_map", "flat_map")
        return self._keyed(
            "Flat Map", FlatMapOperator("Flat Map", func, self._key_selector), output_type
        )

    def filter(self, func: Any) -> DataStream:
        _check_function(func, "filter", "filter")
        return self._keyed(
            "Filter", FilterOperator("Filter", func, self._key_selector),
            self._transformation.output_type,
        )

    def process(self, func: Any, output_type: Any = None) -> DataStream:
        """Run a ``KeyedProcessFunction``; ``ctx.get_current_key()`` is the record's key."""
        _check_function(func, "process_element", "process")
        return self._keyed(
            "KeyedProcess", ProcessOperator("KeyedProcess", func, self._key_selector), output_type
        )

    def reduce(self, func: Any) -> DataStream:
        """Rolling reduce: emits ``func(previous, record)`` for every record of a key."""
        _check_function(func, "reduce", "reduce")
        return self._keyed(
            "Keyed Reduce", agg.KeyedReduceOperator("Keyed Reduce", func, self._key_selector),
            self._transformation.output_type,
        )

    def _aggregate(self, reducer: Any) -> DataStream:
        return self._keyed(
            "Keyed Aggregation",
            agg.KeyedReduceOperator("Keyed Aggregation", reducer, self._key_selector),
            self._transformation.output_type,
        )

    def sum(self, position_to_sum: int | str = 0) -> DataStream:
        """Rolling sum of one field (index or name) per key."""
        return self._aggregate(agg.SumReducer(position_to_sum))

    def min(self, position_to_min: int | str = 0) -> DataStream:
        return self._aggregate(agg.MinReducer(position_to_min))

    def max(self, position_to_max: int | str = 0) -> DataStream:
        return self._aggregate(agg.MaxReducer(position_to_max))

    def min_by(self, position_to_min_by: int | str = 0) -> DataStream:
        return self._aggregate(agg.MinByReducer(position_to_min_by))

    def max_by(self, position_to_max_by: int | str = 0) -> DataStream:
        return self._aggregate(agg.MaxByReducer(position_to_max_by))

    def window(self, window_assigner: Any) -> WindowedStream:
        """Group each key's records into windows (``TumblingEventTimeWindows.of(...)``...)."""
        return WindowedStream(self, window_assigner, self._key_selector)

    def count_window(self, size: int, slide: int = 0) -> WindowedStream:
        """Windows of ``size`` records per key, sliding by ``slide`` records if given."""
        return count_window(self, size, slide, self._key_selector)


class ConnectedStreams:
    """Two streams connected for a co-function (``DataStream.connect``)."""

    def __init__(
        self,
        stream1: DataStream,
        stream2: DataStream,
        key_selector1: Any = None,
        key_selector2: Any = None,
    ) -> None:
        self.stream1 = stream1
        self.stream2 = stream2
        self._key1 = key_selector1
        self._key2 = key_selector2

    def key_by(self, key_selector1: Any, key_selector2: Any, key_type: Any = None) -> ConnectedStreams:
        """Key both inputs; keyed state in the co-function is shared per key across inputs."""
        s1 = self.stream1.key_by(key_selector1)
        s2 = self.stream2.key_by(key_selector2)
        return ConnectedStreams(s1, s2, _key_function(key_selector1), _key_function(key_selector2))

    def _two_input(self, name: str, operator: Any, output_type: Any) -> DataStream:
        t = TwoInputTransformation(
            name=name, input1=self.stream1._transformation, input2=self.stream2._transformation,
            operator=operator, output_type=output_type,
            key_selector1=self._key1, key_selector2=self._key2,
        )
        return DataStream(self.stream1._env, t)

    def map(self, func: Any, output_type: Any = None) -> DataStream:
        """``func`` is a ``CoMapFunction`` with ``map1`` and ``map2``."""
        return self._two_input("Co-Map", CoMapOperator("Co-Map", func, self._key1, self._key2),
                               output_type)

    def flat_map(self, func: Any, output_type: Any = None) -> DataStream:
        return self._two_input(
            "Co-Flat Map", CoFlatMapOperator("Co-Flat Map", func, self._key1, self._key2),
            output_type,
        )

    def process(self, func: Any, output_type: Any = None) -> DataStream:
        """``func`` is a ``CoProcessFunction`` or, on keyed streams, a ``KeyedCoProcessFunction``."""
        name = "Co-Process" if self._key1 is None else "Keyed Co-Process"
        return self._two_input(name, CoProcessOperator(name, func, self._key1, self._key2),
                               output_type)


class CloseableIterator(Iterator[Any]):
    """Type of what ``execute_and_collect`` returns (see CollectResultIterator)."""

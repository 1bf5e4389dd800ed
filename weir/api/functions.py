"""User-function interfaces, as in ``pyflink.datastream.functions``.

Every operator accepts either one of these classes or a plain callable. ``open(runtime_context)``
is called once per parallel instance before the first record, ``close()`` after the last.
Functions that emit several results (``flat_map``, ``process_element``, window functions...)
return or yield them: there is no ``Collector``.

Example::

    class Tokenize(FlatMapFunction):
        def flat_map(self, value):
            yield from value.split()

    class CountPerKey(KeyedProcessFunction):
        def open(self, runtime_context):
            self.count = runtime_context.get_state(ValueStateDescriptor("n", Types.LONG()))

        def process_element(self, value, ctx):
            n = (self.count.value() or 0) + 1
            self.count.update(n)
            yield ctx.get_current_key(), n
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from enum import Enum
from typing import Any, Generic, TypeVar

__all__ = [
    "AggregateFunction",
    "AllWindowFunction",
    "BaseBroadcastProcessFunction",
    "BroadcastProcessFunction",
    "CoFlatMapFunction",
    "CoMapFunction",
    "CoProcessFunction",
    "FilterFunction",
    "FlatMapFunction",
    "Function",
    "KeySelector",
    "KeyedBroadcastProcessFunction",
    "KeyedCoProcessFunction",
    "KeyedProcessFunction",
    "KeyedStateStore",
    "MapFunction",
    "NullByteKeySelector",
    "Partitioner",
    "ProcessAllWindowFunction",
    "ProcessFunction",
    "ProcessWindowFunction",
    "ReduceFunction",
    "RuntimeContext",
    "SinkFunction",
    "SourceFunction",
    "TimeDomain",
    "TimerService",
    "TwoPhaseCommitSinkFunction",
    "WindowFunction",
]

IN = TypeVar("IN")
IN1 = TypeVar("IN1")
IN2 = TypeVar("IN2")
OUT = TypeVar("OUT")
KEY = TypeVar("KEY")
W = TypeVar("W")
W2 = TypeVar("W2")


# -- time ---------------------------------------------------------------------------------------


class TimeDomain(Enum):
    """Whether a timer fired on event time (watermarks) or processing time (the wall clock)."""

    EVENT_TIME = 0
    PROCESSING_TIME = 1


class TimerService(ABC):
    """Current times and timers of the key being processed (timers need a keyed stream)."""

    @abstractmethod
    def current_processing_time(self) -> int:
        """The wall-clock time in epoch milliseconds."""

    @abstractmethod
    def current_watermark(self) -> int:
        """The current event-time watermark in epoch milliseconds."""

    @abstractmethod
    def register_processing_time_timer(self, timestamp: int) -> None:
        """Call ``on_timer`` for the current key once processing time reaches ``timestamp``."""

    @abstractmethod
    def register_event_time_timer(self, timestamp: int) -> None:
        """Call ``on_timer`` for the current key once the watermark reaches ``timestamp``."""

    @abstractmethod
    def delete_processing_time_timer(self, timestamp: int) -> None:
        """Delete a processing-time timer of the current key (no-op if there is none)."""

    @abstractmethod
    def delete_event_time_timer(self, timestamp: int) -> None:
        """Delete an event-time timer of the current key (no-op if there is none)."""


# -- runtime context ----------------------------------------------------------------------------


class KeyedStateStore(ABC):
    """Access to keyed state; each handle reads and writes the value of the current key."""

    @abstractmethod
    def get_state(self, state_descriptor: Any) -> Any:
        """A ``ValueState`` for a ``ValueStateDescriptor``."""

    @abstractmethod
    def get_list_state(self, state_descriptor: Any) -> Any:
        """A ``ListState`` for a ``ListStateDescriptor``."""

    @abstractmethod
    def get_map_state(self, state_descriptor: Any) -> Any:
        """A ``MapState`` for a ``MapStateDescriptor``."""

    @abstractmethod
    def get_reducing_state(self, state_descriptor: Any) -> Any:
        """A ``ReducingState`` for a ``ReducingStateDescriptor``."""

    @abstractmethod
    def get_aggregating_state(self, state_descriptor: Any) -> Any:
        """An ``AggregatingState`` for an ``AggregatingStateDescriptor``."""


class RuntimeContext(KeyedStateStore):
    """What a function can learn about where it runs, and its keyed state (the runtime
    implements it and passes it to ``Function.open``).

    Example::

        def open(self, runtime_context):
            self.subtask = runtime_context.get_index_of_this_subtask()
            self.seen = runtime_context.get_state(ValueStateDescriptor("seen", Types.BOOLEAN()))
    """

    @abstractmethod
    def get_task_name(self) -> str:
        """The name of the task the function runs in."""

    @abstractmethod
    def get_number_of_parallel_subtasks(self) -> int:
        """The parallelism of the operator."""

    @abstractmethod
    def get_max_number_of_parallel_subtasks(self) -> int:
        """The max parallelism (number of key groups) of the operator."""

    @abstractmethod
    def get_index_of_this_subtask(self) -> int:
        """This parallel instance's index, from 0 to parallelism - 1."""

    @abstractmethod
    def get_attempt_number(self) -> int:
        """0 for the first execution, then one more after each restart."""

    @abstractmethod
    def get_task_name_with_subtasks(self) -> str:
        """The task name with the subtask indicator, e.g. ``"Map (2/4)"``."""

    @abstractmethod
    def get_job_parameter(self, key: str, default_value: str) -> str:
        """A global job parameter (``env.get_config().set_global_job_parameters``)."""

    @abstractmethod
    def get_metrics_group(self) -> Any:
        """The metric group of this instance."""


# -- basic functions ----------------------------------------------------------------------------


class Function(ABC):  # noqa: B024 - a base with optional hooks, as in PyFlink
    """Base of all user functions."""

    def open(self, runtime_context: RuntimeContext) -> None:
        """Called before the first record; get state handles here."""

    def close(self) -> None:
        """Called after the last record."""


class MapFunction(Function):
    """One result per record.

    Example::

        class Double(MapFunction):
            def map(self, value):
                return value * 2
    """

    @abstractmethod
    def map(self, value: Any) -> Any: ...


class CoMapFunction(Function):
    """``map`` over two connected streams: ``map1`` for the first, ``map2`` for the second."""

    @abstractmethod
    def map1(self, value: Any) -> Any: ...

    @abstractmethod
    def map2(self, value: Any) -> Any: ...


class FlatMapFunction(Function):
    """Zero or more results per record, returned as an iterable or yielded."""

    @abstractmethod
    def flat_map(self, value: Any) -> Iterable[Any]: ...


class CoFlatMapFunction(Function):
    """``flat_map`` over two connected streams."""

    @abstractmethod
    def flat_map1(self, value: Any) -> Iterable[Any]: ...

    @abstractmethod
    def flat_map2(self, value: Any) -> Iterable[Any]: ...


class ReduceFunction(Function):
    """Combines two values of the same type into one (rolling ``reduce`` of a keyed stream)."""

    @abstractmethod
    def reduce(self, value1: Any, value2: Any) -> Any: ...


class AggregateFunction(Function):
    """An aggregation through an accumulator: ``create_accumulator``, ``add`` each value,
    ``get_result`` at the end, and ``merge`` two accumulators (needed by merging windows).

    Example::

        class Average(AggregateFunction):
            def create_accumulator(self):
                return 0, 0
            def add(self, value, acc):
                return acc[0] + value, acc[1] + 1
            def get_result(self, acc):
                return acc[0] / acc[1]
            def merge(self, a, b):
                return a[0] + b[0], a[1] + b[1]
    """

    @abstractmethod
    def create_accumulator(self) -> Any: ...

    @abstractmethod
    def add(self, value: Any, accumulator: Any) -> Any: ...

    @abstractmethod
    def get_result(self, accumulator: Any) -> Any: ...

    def merge(self, acc_a: Any, acc_b: Any) -> Any:
        """Abstract in PyFlink; weir only needs it for merging (session) windows."""
        raise NotImplementedError(f"{type(self).__name__}.merge is not implemented")


class KeySelector(Function):
    """Extracts the key of a record (``key_by``); equal records must give equal keys."""

    @abstractmethod
    def get_key(self, value: Any) -> Any: ...


class NullByteKeySelector(KeySelector):
    """Puts every record under the same key, 0 (keyed machinery for non-keyed operations)."""

    def get_key(self, value: Any) -> Any:
        return 0


class FilterFunction(Function):
    """Keeps the records for which ``filter`` returns True."""

    @abstractmethod
    def filter(self, value: Any) -> bool: ...


class Partitioner(Function):
    """Chooses the downstream partition of a key (``partition_custom``)."""

    @abstractmethod
    def partition(self, key: Any, num_partitions: int) -> int:
        """A partition index in ``[0, num_partitions)``."""


# -- process functions --------------------------------------------------------------------------


class _ProcessContext(ABC):
    @abstractmethod
    def timestamp(self) -> int | None:
        """The timestamp of the current record or firing timer; None when it has none."""

    @abstractmethod
    def timer_service(self) -> TimerService:
        """Current times; timers (on keyed streams)."""

    @abstractmethod
    def output(self, output_tag: Any, value: Any) -> None:
        """Emit ``value`` to the side output ``output_tag`` (an ``OutputTag``)."""


class _KeyedProcessContext(_ProcessContext):
    @abstractmethod
    def get_current_key(self) -> Any:
        """The key of the current record or firing timer."""


class ProcessFunction(Function):
    """The most general one-input function: ``process_element(value, ctx)`` returns or yields any
    number of results; ``ctx`` gives the record's timestamp, a timer service and side outputs
    (``ctx.output(tag, value)``).

    Example::

        class Split(ProcessFunction):
            def process_element(self, value, ctx):
                if value < 0:
                    ctx.output(NEGATIVE, value)
                else:
                    yield value
    """

    class Context(_ProcessContext):
        """What ``process_element`` can see besides the record."""

    class OnTimerContext(Context):
        """What ``on_timer`` can see."""

        @abstractmethod
        def time_domain(self) -> TimeDomain:
            """Whether the firing timer is an event-time or a processing-time timer."""

    @abstractmethod
    def process_element(self, value: Any, ctx: ProcessFunction.Context) -> Iterable[Any] | None:
        """Process one record; return or yield the results."""

    def on_timer(self, timestamp: int, ctx: ProcessFunction.OnTimerContext) -> Iterable[Any] | None:
        """Called when a timer fires; return or yield results."""
        return None


class KeyedProcessFunction(Function):
    """A ProcessFunction on a keyed stream: keyed state and timers are per key, and the context
    tells the current key (``ctx.get_current_key()``)."""

    class Context(_KeyedProcessContext):
        """What ``process_element`` can see besides the record."""

    class OnTimerContext(Context):
        """What ``on_timer`` can see."""

        @abstractmethod
        def time_domain(self) -> TimeDomain:
            """Whether the firing timer is an event-time or a processing-time timer."""

    @abstractmethod
    def process_element(
        self, value: Any, ctx: KeyedProcessFunction.Context
    ) -> Iterable[Any] | None:
        """Process one record; return or yield the results."""

    def on_timer(
        self, timestamp: int, ctx: KeyedProcessFunction.OnTimerContext
    ) -> Iterable[Any] | None:
        """Called when a timer of ``ctx.get_current_key()`` fires; return or yield results."""
        return None


class CoProcessFunction(Function):
    """Process functions over two connected streams: ``process_element1``/``process_element2``."""

    class Context(_ProcessContext):
        """What the process methods can see besides the record."""

    class OnTimerContext(Context):
        """What ``on_timer`` can see."""

        @abstractmethod
        def time_domain(self) -> TimeDomain:
            """Whether the firing timer is an event-time or a processing-time timer."""

    @abstractmethod
    def process_element1(
        self, value: Any, ctx: CoProcessFunction.Context
    ) -> Iterable[Any] | None:
        """Process one record of the first stream."""

    @abstractmethod
    def process_element2(
        self, value: Any, ctx: CoProcessFunction.Context
    ) -> Iterable[Any] | None:
        """Process one record of the second stream."""

    def on_timer(
        self, timestamp: int, ctx: CoProcessFunction.OnTimerContext
    ) -> Iterable[Any] | None:
        """Called when a timer fires."""
        return None


class KeyedCoProcessFunction(Function):
    """Process functions over two connected keyed streams (state and timers per key)."""

    class Context(_KeyedProcessContext):
        """What the process methods can see besides the record."""

    class OnTimerContext(Context):
        """What ``on_timer`` can see."""

        @abstractmethod
        def time_domain(self) -> TimeDomain:
            """Whether the firing timer is an event-time or a processing-time timer."""

    @abstractmethod
    def process_element1(
        self, value: Any, ctx: KeyedCoProcessFunction.Context
    ) -> Iterable[Any] | None:
        """Process one record of the first stream."""

    @abstractmethod
    def process_element2(
        self, value: Any, ctx: KeyedCoProcessFunction.Context
    ) -> Iterable[Any] | None:
        """Process one record of the second stream."""

    def on_timer(
        self, timestamp: int, ctx: KeyedCoProcessFunction.OnTimerContext
    ) -> Iterable[Any] | None:
        """Called when a timer of ``ctx.get_current_key()`` fires."""
        return None


# -- window functions ---------------------------------------------------------------------------


class WindowFunction(Function, Generic[IN, OUT, KEY, W]):
    """Evaluates a window of a keyed stream: ``apply(key, window, inputs)`` yields results."""

    @abstractmethod
    def apply(self, key: KEY, window: W, inputs: Iterable[IN]) -> Iterable[OUT]: ...


class AllWindowFunction(Function, Generic[IN, OUT, W]):
    """Evaluates a window of a non-keyed stream: ``apply(window, inputs)`` yields results."""

    @abstractmethod
    def apply(self, window: W, inputs: Iterable[IN]) -> Iterable[OUT]: ...


class _WindowContext(ABC, Generic[W2]):
    @abstractmethod
    def window(self) -> W2:
        """The window being evaluated."""

    @abstractmethod
    def window_state(self) -> KeyedStateStore:
        """State scoped to the key and this window (clean it up in ``clear``)."""

    @abstractmethod
    def global_state(self) -> KeyedStateStore:
        """State scoped to the key, across windows."""


class ProcessWindowFunction(Function, Generic[IN, OUT, KEY, W]):
    """Evaluates a window of a keyed stream with a context (window, times, per-window state):
    ``process(key, context, elements)`` yields results."""

    class Context(_WindowContext[W2]):
        """The window and what else is known when it is evaluated."""

        @abstractmethod
        def current_processing_time(self) -> int:
            """The wall-clock time in epoch milliseconds."""

        @abstractmethod
        def current_watermark(self) -> int:
            """The current event-time watermark."""

    @abstractmethod
    def process(
        self, key: KEY, context: ProcessWindowFunction.Context, elements: Iterable[IN]
    ) -> Iterable[OUT]: ...

    def clear(self, context: ProcessWindowFunction.Context) -> None:
        """Called when the window is purged; delete per-window state here."""


class ProcessAllWindowFunction(Function, Generic[IN, OUT, W]):
    """Evaluates a window of a non-keyed stream with a context:
    ``process(context, elements)`` yields results."""

    class Context(_WindowContext[W2]):
        """The window and its state."""

    @abstractmethod
    def process(
        self, context: ProcessAllWindowFunction.Context, elements: Iterable[IN]
    ) -> Iterable[OUT]: ...

    def clear(self, context: ProcessAllWindowFunction.Context) -> None:
        """Called when the window is purged; delete per-window state here."""


# -- broadcast process functions ----------------------------------------------------------------


class BaseBroadcastProcessFunction(Function):
    """Base of the functions applied to a stream connected with a broadcast stream."""

    class BaseContext(ABC):
        """What both sides can see."""

        @abstractmethod
        def timestamp(self) -> int | None:
            """The timestamp of the current record; None when it has none."""

        @abstractmethod
        def current_processing_time(self) -> int:
            """The wall-clock time in epoch milliseconds."""

        @abstractmethod
        def current_watermark(self) -> int:
            """The current event-time watermark."""

    class Context(BaseContext):
        """The broadcast side's context: read-write broadcast state."""

        @abstractmethod
        def get_broadcast_state(self, state_descriptor: Any) -> Any:
            """The ``BroadcastState`` of a ``MapStateDescriptor``."""

    class ReadOnlyContext(BaseContext):
        """The non-broadcast side's context: read-only broadcast state."""

        @abstractmethod
        def get_broadcast_state(self, state_descriptor: Any) -> Any:
            """A ``ReadOnlyBroadcastState`` view of a ``MapStateDescriptor``'s state."""


class BroadcastProcessFunction(BaseBroadcastProcessFunction, Generic[IN1, IN2, OUT]):
    """Applied to a non-keyed stream connected with a broadcast stream: ``process_element`` for
    the stream's records (read-only broadcast state), ``process_broadcast_element`` for the
    broadcast records (read-write broadcast state)."""

    class Context(BaseBroadcastProcessFunction.Context, ABC):
        """The broadcast side's context."""

    class ReadOnlyContext(BaseBroadcastProcessFunction.ReadOnlyContext, ABC):
        """The non-broadcast side's context."""

    @abstractmethod
    def process_element(
        self, value: IN1, ctx: BroadcastProcessFunction.ReadOnlyContext
    ) -> Iterable[OUT] | None: ...

    @abstractmethod
    def process_broadcast_element(
        self, value: IN2, ctx: BroadcastProcessFunction.Context
    ) -> Iterable[OUT] | None: ...


class KeyedBroadcastProcessFunction(BaseBroadcastProcessFunction, Generic[KEY, IN1, IN2, OUT]):
    """Applied to a keyed stream connected with a broadcast stream; the keyed side also has
    keyed state, the current key and timers."""

    class Context(BaseBroadcastProcessFunction.Context, ABC):
        """The broadcast side's context."""

    class ReadOnlyContext(BaseBroadcastProcessFunction.ReadOnlyContext, ABC):
        """The keyed side's context."""

        @abstractmethod
        def timer_service(self) -> TimerService:
            """Current times and timers of the current key."""

        @abstractmethod
        def get_current_key(self) -> Any:
            """The key of the current record."""

    class OnTimerContext(ReadOnlyContext, ABC):
        """What ``on_timer`` can see."""

        @abstractmethod
        def time_domain(self) -> TimeDomain:
            """Whether the firing timer is an event-time or a processing-time timer."""

    @abstractmethod
    def process_element(
        self, value: IN1, ctx: KeyedBroadcastProcessFunction.ReadOnlyContext
    ) -> Iterable[OUT] | None: ...

    @abstractmethod
    def process_broadcast_element(
        self, value: IN2, ctx: KeyedBroadcastProcessFunction.Context
    ) -> Iterable[OUT] | None: ...

    def on_timer(
        self, timestamp: int, ctx: KeyedBroadcastProcessFunction.OnTimerContext
    ) -> Iterable[OUT] | None:
        """Called when a timer of the current key fires."""
        return None


# -- sources and sinks --------------------------------------------------------------------------


class SourceFunction(Function):
    """Declared for PyFlink compatibility (where it wraps a Java source); weir sources implement
    ``weir.connectors.base.Source`` and are added with ``env.from_source``."""


class SinkFunction(Function):
    """weir's Python sink: ``invoke(value, context)`` is called for every record, between
    ``open(runtime_context)`` and ``close()``.

    In PyFlink a SinkFunction wraps a Java sink; in weir sinks are written in Python. Define
    ``write_batch(values)`` instead of ``invoke`` to receive records a batch at a time, and
    ``finish()`` to act at the end of a bounded input.

    Example::

        class Collect(SinkFunction):
            def open(self, runtime_context):
                self.out = open(f"/tmp/out-{runtime_context.get_index_of_this_subtask()}", "w")
            def invoke(self, value, context):
                self.out.write(f"{value}\\n")
            def close(self):
                self.out.close()
    """

    def invoke(self, value: Any, context: Any) -> None:
        """Write one record (``context`` is reserved; weir passes None)."""
        raise NotImplementedError("implement invoke(value, context) or write_batch(values)")


class TwoPhaseCommitSinkFunction(SinkFunction):
    """Base for exactly-once sinks to external systems (Flink's TwoPhaseCommitSinkFunction).

    Records go into the current *transaction*. On each checkpoint barrier the transaction is
    pre-committed (flushed, made ready) and a new one begins; when the checkpoint completes it is
    committed. After a failure, transactions pre-committed in the restored checkpoint are
    committed again — so ``commit`` must be idempotent — and the one open at the failure is
    aborted. Transactions must be picklable: they are stored in the checkpoint.

    Example::

        class FileTxnSink(TwoPhaseCommitSinkFunction):
            def begin_transaction(self):
                return {"tmp": f"/out/.tmp-{uuid.uuid4()}", "final": None}
            def invoke_transaction(self, txn, value):
                with open(txn["tmp"], "a") as f:
                    f.write(f"{value}\\n")
            def pre_commit(self, txn):
                txn["final"] = txn["tmp"].replace(".tmp-", "part-")
            def commit(self, txn):
                if os.path.exists(txn["tmp"]):
                    os.replace(txn["tmp"], txn["final"])
            def abort(self, txn):
                if os.path.exists(txn["tmp"]):
                    os.remove(txn["tmp"])
    """

    @abstractmethod
    def begin_transaction(self) -> Any: ...

    @abstractmethod
    def invoke_transaction(self, transaction: Any, value: Any) -> None: ...

    @abstractmethod
    def pre_commit(self, transaction: Any) -> None: ...

    @abstractmethod
    def commit(self, transaction: Any) -> None: ...

    @abstractmethod
    def abort(self, transaction: Any) -> None: ...

    def invoke(self, value: Any, context: Any) -> None:
        raise TypeError("a TwoPhaseCommitSinkFunction receives records through invoke_transaction")

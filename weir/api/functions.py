"""User-function interfaces, as in ``pyflink.datastream.functions``.

Every operator accepts either one of these classes or a plain callable. ``open(runtime_context)``
is called once per subtask before the first record, ``close()`` after the last.

Example::

    class Tokenize(FlatMapFunction):
        def flat_map(self, value):
            yield from value.split()
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from enum import Enum
from typing import Any


class Function(ABC):  # noqa: B024 - a marker base with optional hooks, as in PyFlink
    def open(self, runtime_context: RuntimeContext) -> None:
        """Called before the first record; get state handles here."""

    def close(self) -> None:
        """Called after the last record."""


class RuntimeContext(ABC):
    """What a function can learn about where it runs, and its keyed state."""

    @abstractmethod
    def get_task_name(self) -> str: ...

    @abstractmethod
    def get_number_of_parallel_subtasks(self) -> int: ...

    @abstractmethod
    def get_max_number_of_parallel_subtasks(self) -> int: ...

    @abstractmethod
    def get_index_of_this_subtask(self) -> int: ...

    @abstractmethod
    def get_attempt_number(self) -> int: ...

    @abstractmethod
    def get_task_name_with_subtasks(self) -> str: ...

    @abstractmethod
    def get_job_parameter(self, key: str, default_value: str) -> str: ...

    @abstractmethod
    def get_metrics_group(self) -> Any: ...

    @abstractmethod
    def get_state(self, state_descriptor: Any) -> Any: ...

    @abstractmethod
    def get_list_state(self, state_descriptor: Any) -> Any: ...

    @abstractmethod
    def get_map_state(self, state_descriptor: Any) -> Any: ...

    @abstractmethod
    def get_reducing_state(self, state_descriptor: Any) -> Any: ...

    @abstractmethod
    def get_aggregating_state(self, state_descriptor: Any) -> Any: ...


class MapFunction(Function):
    @abstractmethod
    def map(self, value: Any) -> Any: ...


class FlatMapFunction(Function):
    @abstractmethod
    def flat_map(self, value: Any) -> Iterable[Any]: ...


class FilterFunction(Function):
    @abstractmethod
    def filter(self, value: Any) -> bool: ...


class ReduceFunction(Function):
    @abstractmethod
    def reduce(self, value1: Any, value2: Any) -> Any: ...


class AggregateFunction(Function):
    @abstractmethod
    def create_accumulator(self) -> Any: ...

    @abstractmethod
    def add(self, value: Any, accumulator: Any) -> Any: ...

    @abstractmethod
    def get_result(self, accumulator: Any) -> Any: ...

    def merge(self, acc_a: Any, acc_b: Any) -> Any:
        raise NotImplementedError("merge is needed for merging (session) windows")


class KeySelector(Function):
    @abstractmethod
    def get_key(self, value: Any) -> Any: ...


class NullByteKeySelector(KeySelector):
    """Puts every record under one key (for non-keyed operations that need keyed machinery)."""

    def get_key(self, value: Any) -> Any:
        return 0


class Partitioner(Function):
    @abstractmethod
    def partition(self, key: Any, num_partitions: int) -> int: ...


class CoMapFunction(Function):
    @abstractmethod
    def map1(self, value: Any) -> Any: ...

    @abstractmethod
    def map2(self, value: Any) -> Any: ...


class CoFlatMapFunction(Function):
    @abstractmethod
    def flat_map1(self, value: Any) -> Iterable[Any]: ...

    @abstractmethod
    def flat_map2(self, value: Any) -> Iterable[Any]: ...


class TimeDomain(Enum):
    EVENT_TIME = 0
    PROCESSING_TIME = 1


class TimerService(ABC):
    @abstractmethod
    def current_processing_time(self) -> int: ...

    @abstractmethod
    def current_watermark(self) -> int: ...

    @abstractmethod
    def register_processing_time_timer(self, timestamp: int) -> None: ...

    @abstractmethod
    def register_event_time_timer(self, timestamp: int) -> None: ...

    @abstractmethod
    def delete_processing_time_timer(self, timestamp: int) -> None: ...

    @abstractmethod
    def delete_event_time_timer(self, timestamp: int) -> None: ...


class _BaseContext(ABC):
    @abstractmethod
    def timestamp(self) -> int | None: ...

    @abstractmethod
    def timer_service(self) -> TimerService: ...

    @abstractmethod
    def output(self, output_tag: Any, value: Any) -> None: ...


class ProcessFunction(Function):
    """``process_element(value, ctx)`` returns or yields any number of results; side outputs go
    through ``ctx.output(tag, value)``."""

    class Context(_BaseContext):
        pass

    class OnTimerContext(Context):
        @abstractmethod
        def time_domain(self) -> TimeDomain: ...

    @abstractmethod
    def process_element(self, value: Any, ctx: ProcessFunction.Context) -> Iterable[Any] | None: ...

    def on_timer(self, timestamp: int, ctx: ProcessFunction.OnTimerContext) -> Iterable[Any] | None:
        return None


class KeyedProcessFunction(Function):
    """A ProcessFunction on a keyed stream: state is per key, ``ctx.get_current_key()``."""

    class Context(_BaseContext):
        @abstractmethod
        def get_current_key(self) -> Any: ...

    class OnTimerContext(Context):
        @abstractmethod
        def time_domain(self) -> TimeDomain: ...

    @abstractmethod
    def process_element(
        self, value: Any, ctx: KeyedProcessFunction.Context
    ) -> Iterable[Any] | None: ...

    def on_timer(
        self, timestamp: int, ctx: KeyedProcessFunction.OnTimerContext
    ) -> Iterable[Any] | None:
        return None


class CoProcessFunction(Function):
    class Context(_BaseContext):
        pass

    class OnTimerContext(Context):
        @abstractmethod
        def time_domain(self) -> TimeDomain: ...

    @abstractmethod
    def process_element1(self, value: Any, ctx: CoProcessFunction.Context) -> Any: ...

    @abstractmethod
    def process_element2(self, value: Any, ctx: CoProcessFunction.Context) -> Any: ...

    def on_timer(self, timestamp: int, ctx: CoProcessFunction.OnTimerContext) -> Any:
        return None


class KeyedCoProcessFunction(Function):
    class Context(_BaseContext):
        @abstractmethod
        def get_current_key(self) -> Any: ...

    class OnTimerContext(Context):
        @abstractmethod
        def time_domain(self) -> TimeDomain: ...

    @abstractmethod
    def process_element1(self, value: Any, ctx: KeyedCoProcessFunction.Context) -> Any: ...

    @abstractmethod
    def process_element2(self, value: Any, ctx: KeyedCoProcessFunction.Context) -> Any: ...

    def on_timer(self, timestamp: int, ctx: KeyedCoProcessFunction.OnTimerContext) -> Any:
        return None


class WindowFunction(Function):
    @abstractmethod
    def apply(self, key: Any, window: Any, inputs: Iterable[Any]) -> Iterable[Any]: ...


class AllWindowFunction(Function):
    @abstractmethod
    def apply(self, window: Any, inputs: Iterable[Any]) -> Iterable[Any]: ...


class ProcessWindowFunction(Function):
    class Context(ABC):  # noqa: B024
        def window(self) -> Any:
            raise NotImplementedError

    @abstractmethod
    def process(self, key: Any, context: Any, elements: Iterable[Any]) -> Iterable[Any]: ...


class ProcessAllWindowFunction(Function):
    @abstractmethod
    def process(self, context: Any, elements: Iterable[Any]) -> Iterable[Any]: ...


class SinkFunction(Function):
    """weir's Python sink: ``invoke(value, context)`` per record. (PyFlink's SinkFunction wraps a
    Java sink; here sinks are Python.) Define ``write_batch(values)`` instead for speed, and
    ``finish()`` to act at the end of a bounded input."""

    def invoke(self, value: Any, context: Any) -> None:
        raise NotImplementedError("implement invoke(value, context) or write_batch(values)")


class SourceFunction(Function):
    """Declared for PyFlink compatibility; weir sources implement ``weir.connectors.base.Source``."""

__all__ = [
    "AggregateFunction",
    "AllWindowFunction",
    "CoFlatMapFunction",
    "CoMapFunction",
    "CoProcessFunction",
    "FilterFunction",
    "FlatMapFunction",
    "Function",
    "KeySelector",
    "KeyedCoProcessFunction",
    "KeyedProcessFunction",
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

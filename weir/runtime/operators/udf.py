"""Operators that run a user function on each record: map, flat_map, filter, process, co-functions.

User functions are PyFlink ``Function`` subclasses or plain callables; ``open``/``close`` are called
when present. On a keyed stream the same operators run with a key selector: the current key is set
before every call so that the function's keyed state is scoped to it.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain
from typing import Any

from weir.api.functions import TimeDomain
from weir.runtime.operators.base import OperatorSetup, StreamOperator, TwoInputStreamOperator
from weir.runtime.operators.key_selectors import optimize_key_selector
from weir.runtime.operators.runtime_context import StreamingRuntimeContext
from weir.runtime.operators.timers import EVENT_TIME, InternalTimerService, UserTimerService


def user_method(fn: Any, method: str) -> Callable[..., Any]:
    """The bound method ``method`` of a Function object, or ``fn`` itself for a plain callable."""
    bound = getattr(fn, method, None)
    if bound is not None and callable(bound):
        return bound
    if callable(fn):
        return fn
    raise TypeError(f"{fn!r} is neither callable nor has a '{method}' method")


def apply_per_record(
    fn: Callable[..., Any],
    values: list[Any],
    timestamps: list[int] | None,
    key_of: Callable[[Any], Any] | None,
    backend: Any,
    ctx: Any = None,
) -> tuple[list[Any], list[int] | None]:
    """Call ``fn(value)`` (or ``fn(value, ctx)``) for each record and gather the iterables it
    returns, with the current key set first on keyed streams and each result carrying its
    input's timestamp. The loop every flat-map-like operator shares."""
    out: list[Any] = []
    out_ts: list[int] | None = [] if timestamps is not None else None
    extend = out.extend
    for i, v in enumerate(values):
        if key_of is not None:
            backend.current_key = key_of(v)
        if ctx is None:
            result = fn(v)
        else:
            if timestamps is not None:
                ctx._timestamp = timestamps[i]
            result = fn(v, ctx)
        if result is None:
            continue
        if out_ts is None:
            extend(result)
        else:
            before = len(out)
            extend(result)
            out_ts.extend([timestamps[i]] * (len(out) - before))  # type: ignore[index]
    return out, out_ts


class UdfOperator(StreamOperator):
    """Holds a user function and drives its ``open``/``close``."""

    def __init__(self, name: str, function: Any, key_selector: Any = None) -> None:
        super().__init__(name)
        self.function = function
        self.key_selector = optimize_key_selector(key_selector) if key_selector else None

    def setup(self, info: OperatorSetup) -> None:
        super().setup(info)
        self.runtime_context = StreamingRuntimeContext(info)
        self.backend = info.keyed_backend

    def open(self) -> None:
        opener = getattr(self.function, "open", None)
        if callable(opener) and not isinstance(self.function, type):
            opener(self.runtime_context)

    def close(self) -> None:
        closer = getattr(self.function, "close", None)
        if callable(closer):
            closer()


class MapOperator(UdfOperator):
    def open(self) -> None:
        super().open()
        self._fn = user_method(self.function, "map")

    def process_batch(self, values, timestamps):
        fn = self._fn
        if self.key_selector is None:
            self.output.emit([fn(v) for v in values], timestamps)
            return
        key_of, backend, out = self.key_selector, self.backend, []
        for v in values:
            backend.current_key = key_of(v)
            out.append(fn(v))
        self.output.emit(out, timestamps)


class FlatMapOperator(UdfOperator):
    def open(self) -> None:
        super().open()
        self._fn = user_method(self.function, "flat_map")

    def process_batch(self, values, timestamps):
        fn = self._fn
        key_of, backend = self.key_selector, self.backend
        if timestamps is None and key_of is None:
            try:
                out = list(chain.from_iterable(map(fn, values)))
            except TypeError as exc:
                if "not iterable" in str(exc):
                    raise TypeError(
                        f"the flat_map function must return an iterable or be a generator ({exc})"
                    ) from exc
                raise
            self.output.emit(out)
            return
        self.output.emit(*apply_per_record(fn, values, timestamps, key_of, backend))


class FilterOperator(UdfOperator):
    def open(self) -> None:
        super().open()
        self._fn = user_method(self.function, "filter")

    def process_batch(self, values, timestamps):
        fn, key_of, backend = self._fn, self.key_selector, self.backend
        if key_of is None and timestamps is None:
            self.output.emit([v for v in values if fn(v)])
            return
        out, out_ts = [], []
        for i, v in enumerate(values):
            if key_of is not None:
                backend.current_key = key_of(v)
            if fn(v):
                out.append(v)
                if timestamps is not None:
                    out_ts.append(timestamps[i])
        self.output.emit(out, out_ts if timestamps is not None else None)


class _ProcessContext:
    """``ctx`` passed to ``process_element``: timestamp, side outputs, timer service, current key."""

    __slots__ = ("_timestamp", "_side", "_backend", "_timer_service", "_domain")

    def __init__(self, backend: Any, timer_service: Any) -> None:
        self._timestamp: int | None = None
        self._side: dict[str, list[Any]] = {}
        self._backend = backend
        self._timer_service = timer_service
        self._domain = TimeDomain.EVENT_TIME

    def time_domain(self) -> TimeDomain:
        """In ``on_timer``: whether an event-time or a processing-time timer fired."""
        return self._domain

    def timestamp(self) -> int | None:
        return self._timestamp

    def timer_service(self) -> Any:
        return self._timer_service

    def get_current_key(self) -> Any:
        return self._backend.current_key if self._backend is not None else None

    def output(self, output_tag: Any, value: Any) -> None:
        tag_id = output_tag.tag_id if hasattr(output_tag, "tag_id") else str(output_tag)
        bucket = self._side.get(tag_id)
        if bucket is None:
            bucket = self._side[tag_id] = []
        bucket.append(value)

    def drain_side_outputs(self) -> dict[str, list[Any]]:
        side, self._side = self._side, {}
        return side


class _TimerMixin:
    """Timers for process functions on keyed streams: ``ctx.timer_service()`` and ``on_timer``."""

    timer_service: InternalTimerService | None = None
    _restored_timers: list[Any] | None = None

    def _open_timers(self) -> None:
        info = self.setup_info  # type: ignore[attr-defined]
        backend = info.keyed_backend
        if backend is not None:
            self.timer_service = InternalTimerService(backend, info.processing_time,
                                                      self._fire_timer)
            if self._restored_timers:
                self.timer_service.restore(self._restored_timers, backend.key_group_range,
                                           info.max_parallelism)
        self.ctx = _ProcessContext(backend, UserTimerService(self.timer_service))
        on_timer = getattr(self.function, "on_timer", None)  # type: ignore[attr-defined]
        self._on_timer = on_timer if callable(on_timer) else None

    def _fire_timer(self, timestamp: int, key: Any, namespace: Any, domain: int) -> None:
        if self._on_timer is None:
            return
        ctx = self.ctx
        ctx._timestamp = timestamp
        ctx._domain = TimeDomain.EVENT_TIME if domain == EVENT_TIME else TimeDomain.PROCESSING_TIME
        result = self._on_timer(timestamp, ctx)
        out = list(result) if result is not None else []  # generators run here, in context
        ctx._domain = TimeDomain.EVENT_TIME
        output = self.output  # type: ignore[attr-defined]
        if out:
            output.emit(out, [timestamp] * len(out) if domain == EVENT_TIME else None)
        for tag_id, side_values in ctx.drain_side_outputs().items():
            output.emit_side(tag_id, side_values)

    def snapshot_operator_state(self, checkpoint_id: int) -> list[Any] | None:
        return self.timer_service.snapshot() if self.timer_service is not None else None

    def initialize_operator_state(self, restored: list[tuple[int, list[Any]]]) -> None:
        self._restored_timers = [entry for _, entries in restored for entry in entries]


class ProcessOperator(_TimerMixin, UdfOperator):
    """``process(ProcessFunction)`` and, with a key selector, ``process(KeyedProcessFunction)``."""

    def open(self) -> None:
        super().open()
        self._fn = user_method(self.function, "process_element")
        self._open_timers()

    def process_batch(self, values, timestamps):
        ctx = self.ctx
        self.output.emit(*apply_per_record(self._fn, values, timestamps, self.key_selector,
                                           self.backend, ctx))
        for tag_id, side_values in ctx.drain_side_outputs().items():
            self.output.emit_side(tag_id, side_values)


class _CoUdfOperator(TwoInputStreamOperator, UdfOperator):
    def __init__(
        self, name: str, function: Any, key_selector1: Any = None, key_selector2: Any = None
    ) -> None:
        UdfOperator.__init__(self, name, function)
        self.key_selectors = (
            optimize_key_selector(key_selector1) if key_selector1 else None,
            optimize_key_selector(key_selector2) if key_selector2 else None,
        )


class CoMapOperator(_CoUdfOperator):
    def open(self) -> None:
        super().open()
        self._fns = (self.function.map1, self.function.map2)

    def _run(self, which: int, values, timestamps):
        fn, key_of, backend = self._fns[which], self.key_selectors[which], self.backend
        if key_of is None:
            self.output.emit([fn(v) for v in values], timestamps)
            return
        out = []
        for v in values:
            backend.current_key = key_of(v)
            out.append(fn(v))
        self.output.emit(out, timestamps)

    def process_batch1(self, values, timestamps):
        self._run(0, values, timestamps)

    def process_batch2(self, values, timestamps):
        self._run(1, values, timestamps)


class CoFlatMapOperator(_CoUdfOperator):
    def open(self) -> None:
        super().open()
        self._fns = (self.function.flat_map1, self.function.flat_map2)

    def _run(self, which: int, values, timestamps):
        self.output.emit(*apply_per_record(self._fns[which], values, timestamps,
                                           self.key_selectors[which], self.backend))

    def process_batch1(self, values, timestamps):
        self._run(0, values, timestamps)

    def process_batch2(self, values, timestamps):
        self._run(1, values, timestamps)


class CoProcessOperator(_TimerMixin, _CoUdfOperator):
    """``CoProcessFunction`` and, keyed, ``KeyedCoProcessFunction``."""

    def open(self) -> None:
        super().open()
        self._fns = (self.function.process_element1, self.function.process_element2)
        self._open_timers()

    def _run(self, which: int, values, timestamps):
        ctx = self.ctx
        self.output.emit(*apply_per_record(self._fns[which], values, timestamps,
                                           self.key_selectors[which], self.backend, ctx))
        for tag_id, side_values in ctx.drain_side_outputs().items():
            self.output.emit_side(tag_id, side_values)

    def process_batch1(self, values, timestamps):
        self._run(0, values, timestamps)

    def process_batch2(self, values, timestamps):
        self._run(1, values, timestamps)

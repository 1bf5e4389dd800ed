"""WindowedStream and AllWindowedStream: ``key_by(...).window(...)`` and ``window_all(...)``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from weir.runtime.windowing.operator import WindowOperator
from weir.runtime.windowing.windows import CountEvictor, CountTrigger, GlobalWindows, PurgingTrigger

if TYPE_CHECKING:
    from weir.datastream.data_stream import DataStream, KeyedStream


class WindowedStream:
    """Example::

        ds.key_by(lambda e: e[0]) \\
          .window(SlidingEventTimeWindows.of(Time.seconds(10), Time.seconds(5))) \\
          .aggregate(Average(), AddKey())
    """

    _all = False

    def __init__(self, keyed: KeyedStream | DataStream, assigner: Any, key_selector: Any) -> None:
        self._keyed = keyed
        self._assigner = assigner
        self._key_selector = key_selector
        self._trigger: Any = None
        self._evictor: Any = None
        self._lateness = 0
        self._late_tag: str | None = None

    def trigger(self, trigger: Any) -> WindowedStream:
        self._trigger = trigger
        return self

    def evictor(self, evictor: Any) -> WindowedStream:
        self._evictor = evictor
        return self

    def allowed_lateness(self, time_ms: int) -> WindowedStream:
        to_ms = getattr(time_ms, "to_milliseconds", None)
        self._lateness = int(to_ms()) if callable(to_ms) else int(time_ms)
        return self

    def side_output_late_data(self, output_tag: Any) -> WindowedStream:
        self._late_tag = output_tag.tag_id
        return self

    def _build(self, name: str, kind: str, function: Any, window_function: Any,
               output_type: Any) -> DataStream:
        operator = WindowOperator(
            name, self._assigner, self._key_selector, kind, function, window_function,
            self._trigger, self._evictor, self._lateness, self._late_tag, self._all,
        )
        stream = self._keyed._one_input(name, operator, output_type,
                                        key_selector=self._key_selector)
        if self._all:
            stream.set_parallelism(1)
        return stream

    def reduce(self, reduce_function: Any, window_function: Any = None,
               output_type: Any = None) -> DataStream:
        """Incrementally reduce each window; ``window_function`` (optional) sees the result."""
        return self._build("Window(Reduce)", "reduce", reduce_function, window_function,
                           output_type or (None if window_function else self._keyed.get_type()))

    def aggregate(self, aggregate_function: Any, window_function: Any = None,
                  accumulator_type: Any = None, output_type: Any = None) -> DataStream:
        """Incrementally aggregate with an ``AggregateFunction``."""
        return self._build("Window(Aggregate)", "aggregate", aggregate_function, window_function,
                           output_type)

    def process(self, process_window_function: Any, output_type: Any = None) -> DataStream:
        """``process(key, context, elements)`` once per window firing, with every element."""
        return self._build("Window(Process)", "list", process_window_function, None,
                           output_type)

    def apply(self, window_function: Any, output_type: Any = None) -> DataStream:
        """``apply(key, window, inputs)`` once per window firing."""
        return self._build("Window(Apply)", "list", window_function, None, output_type)


class AllWindowedStream(WindowedStream):
    """Windows over a whole (non-keyed) stream; runs with parallelism 1."""

    _all = True


def count_window(keyed: Any, size: int, slide: int = 0, key_selector: Any = None,
                 all_window: bool = False) -> WindowedStream:
    """Tumbling (or sliding, every ``slide`` elements) windows of ``size`` elements."""
    cls = AllWindowedStream if all_window else WindowedStream
    stream = cls(keyed, GlobalWindows.create(), key_selector)
    if slide:
        return stream.evictor(CountEvictor.of(size)).trigger(CountTrigger.of(slide))
    return stream.evictor(CountEvictor.of(size)).trigger(PurgingTrigger.of(CountTrigger.of(size)))

"""The window operator: assigns each record to windows, keeps their contents in keyed state
(namespace = window), asks the trigger when to fire, and applies the window function.

Event-time windows fire when the watermark passes their end (timers); contents are kept until
``end + allowed lateness`` (a cleanup timer), and records for windows past that are dropped or
sent to the late-data side output. Session windows merge: a per-key map records which window's
state holds the contents of each merged session.
"""

from __future__ import annotations

import time
from typing import Any

from weir.api.state import (
    AggregatingStateDescriptor,
    ListStateDescriptor,
    MapStateDescriptor,
    ReducingStateDescriptor,
)
from weir.runtime.operators.base import StreamOperator
from weir.runtime.operators.key_selectors import optimize_key_selector
from weir.runtime.operators.runtime_context import StreamingRuntimeContext
from weir.runtime.operators.timers import EVENT_TIME, InternalTimerService
from weir.runtime.windowing.windows import MAX_TIMESTAMP, TimeWindow


class _TriggerContext:
    """What a trigger sees for one (key, window)."""

    __slots__ = ("op", "window")

    def __init__(self, op: WindowOperator) -> None:
        self.op = op
        self.window: Any = None

    def get_current_watermark(self) -> int:
        return self.op.timer_service.watermark

    def get_current_processing_time(self) -> int:
        return int(time.time() * 1000)

    current_processing_time = get_current_processing_time

    def register_event_time_timer(self, t: int) -> None:
        self.op.timer_service.register_event_time_timer(t, self.window)

    def register_processing_time_timer(self, t: int) -> None:
        self.op.timer_service.register_processing_time_timer(t, self.window)

    def delete_event_time_timer(self, t: int) -> None:
        self.op.timer_service.delete_event_time_timer(t, self.window)

    def delete_processing_time_timer(self, t: int) -> None:
        self.op.timer_service.delete_processing_time_timer(t, self.window)

    def get_partitioned_state(self, descriptor: Any) -> Any:
        backend = self.op.backend
        state = backend.get_partitioned_state(_renamed(descriptor, "trigger-"))
        state.set_current_namespace(self.window)
        return state


def _renamed(descriptor: Any, prefix: str) -> Any:
    import copy

    renamed = copy.copy(descriptor)
    renamed.name = prefix + descriptor.get_name()
    return renamed


class _WindowContext:
    """``context`` of a ProcessWindowFunction."""

    def __init__(self, op: WindowOperator) -> None:
        self.op = op
        self._window: Any = None

    def window(self) -> Any:
        return self._window

    def current_processing_time(self) -> int:
        return int(time.time() * 1000)

    def current_watermark(self) -> int:
        return self.op.timer_service.watermark

    def window_state(self) -> Any:
        return _KeyedStateStore(self.op, self._window)

    def global_state(self) -> Any:
        return _KeyedStateStore(self.op, None)

    def output(self, output_tag: Any, value: Any) -> None:
        self.op.output.emit_side(output_tag.tag_id, [value])


class _KeyedStateStore:
    def __init__(self, op: WindowOperator, namespace: Any) -> None:
        self.op, self.namespace = op, namespace

    def _get(self, descriptor: Any) -> Any:
        state = self.op.backend.get_partitioned_state(_renamed(descriptor, "window-fn-"))
        state.set_current_namespace(self.namespace)
        return state

    get_state = get_list_state = get_map_state = _get
    get_reducing_state = get_aggregating_state = _get


class WindowOperator(StreamOperator):
    def __init__(
        self,
        name: str,
        assigner: Any,
        key_selector: Any,
        kind: str,
        function: Any = None,
        window_function: Any = None,
        trigger: Any = None,
        evictor: Any = None,
        allowed_lateness: int = 0,
        late_data_tag: str | None = None,
        all_window: bool = False,
    ) -> None:
        super().__init__(name)
        self.assigner = assigner
        self.key_selector = optimize_key_selector(key_selector)
        self.kind = kind  # "reduce", "aggregate" or "list"
        self.function = function
        self.window_function = window_function
        self.trigger = trigger or assigner.get_default_trigger()
        self.evictor = evictor
        self.allowed_lateness = allowed_lateness
        self.late_data_tag = late_data_tag
        self.all_window = all_window
        #: How the window's elements are combined: "reduce", "aggregate" or "list" (none).
        self.combine = kind
        if evictor is not None:
            self.kind = "list"  # evictors need the elements themselves

    # -- life cycle ------------------------------------------------------------------------

    def open(self) -> None:
        info = self.setup_info
        self.backend = info.keyed_backend
        assert self.backend is not None, "windows run on keyed streams"
        context = StreamingRuntimeContext(info)
        for fn in (self.function, self.window_function, self.trigger):
            opener = getattr(fn, "open", None)
            if callable(opener) and not isinstance(fn, type):
                try:
                    opener(context)
                except TypeError:
                    opener()
        if self.kind == "reduce":
            reduce = getattr(self.function, "reduce", self.function)
            descriptor: Any = ReducingStateDescriptor("window-contents", reduce)
        elif self.kind == "aggregate":
            descriptor = AggregatingStateDescriptor("window-contents", self.function)
        else:
            descriptor = ListStateDescriptor("window-contents")
        self.contents = self.backend.get_partitioned_state(descriptor)
        self.merging = (self.backend.get_partitioned_state(MapStateDescriptor("merging-windows"))
                        if self.assigner.is_merging else None)
        self.timer_service = InternalTimerService(self.backend, info.processing_time,
                                                  self._on_timer)
        if getattr(self, "_restored_timers", None):
            self.timer_service.restore(self._restored_timers, self.backend.key_group_range,
                                       info.max_parallelism)
        self.trigger_ctx = _TriggerContext(self)
        self.window_ctx = _WindowContext(self)

    def snapshot_operator_state(self, checkpoint_id: int) -> list[Any] | None:
        return self.timer_service.snapshot()

    def initialize_operator_state(self, restored: list[tuple[int, list[Any]]]) -> None:
        self._restored_timers = [entry for _, entries in restored for entry in entries]

    # -- records ---------------------------------------------------------------------------

    def process_batch(self, values, timestamps):
        key_of, backend = self.key_selector, self.backend
        event_time = self.assigner.is_event_time
        late: list[Any] = []
        for i, value in enumerate(values):
            backend.current_key = key_of(value)
            ts = timestamps[i] if timestamps is not None else None
            if not event_time:
                ts = int(time.time() * 1000)
            windows = self.assigner.assign_windows(value, ts, self.trigger_ctx)
            all_late = True
            for window in windows:
                if self.merging is not None:
                    window, state_window = self._merge(window)
                else:
                    state_window = window
                if self._is_late(window):
                    continue
                all_late = False
                self._add(value, ts, state_window)
                self.trigger_ctx.window = window
                result = self.trigger.on_element(value, ts, window, self.trigger_ctx)
                if result.is_fire():
                    self._fire(window, state_window, ts)
                if result.is_purge():
                    self._clear_contents(state_window)
                self._register_cleanup(window)
            if all_late and windows:
                late.append(value)
        if late and self.late_data_tag is not None:
            self.output.emit_side(self.late_data_tag, late)

    def _add(self, value: Any, ts: Any, namespace: Any) -> None:
        self.contents.set_current_namespace(namespace)
        self.contents.add((value, ts) if self.kind == "list" else value)

    def _is_late(self, window: Any) -> bool:
        return (self.assigner.is_event_time and window.max_timestamp() + self.allowed_lateness
                <= self.timer_service.watermark)

    def _cleanup_time(self, window: Any) -> int:
        if window.max_timestamp() == MAX_TIMESTAMP:
            return MAX_TIMESTAMP
        return window.max_timestamp() + (self.allowed_lateness if self.assigner.is_event_time
                                         else 0)

    def _register_cleanup(self, window: Any) -> None:
        when = self._cleanup_time(window)
        if when == MAX_TIMESTAMP:
            return
        if self.assigner.is_event_time:
            self.timer_service.register_event_time_timer(when, ("cleanup", window))
        else:
            self.timer_service.register_processing_time_timer(when, ("cleanup", window))

    # -- session merging -------------------------------------------------------------------

    def _merge(self, window: TimeWindow) -> tuple[TimeWindow, TimeWindow]:
        """Merge ``window`` into the key's sessions; return (session, window holding its state)."""
        sessions = self.merging
        assert sessions is not None
        merged = window
        overlapping = [w for w in sessions.keys() if w.intersects(window)]  # noqa: SIM118
        if not overlapping:
            sessions.put(window, window)
            return window, window
        for w in overlapping:
            merged = merged.cover(w)
        state_window = sessions.get(overlapping[0])
        for w in overlapping:
            target = sessions.get(w)
            sessions.remove(w)
            self.trigger_ctx.window = w
            self.trigger.clear(w, self.trigger_ctx)
            self._delete_cleanup(w)
            if target != state_window:
                self._merge_contents(target, state_window)
        sessions.put(merged, state_window)
        self.trigger_ctx.window = merged
        self.trigger.on_merge(merged, self.trigger_ctx)
        return merged, state_window

    def _merge_contents(self, source: Any, target: Any) -> None:
        contents = self.contents
        contents.set_current_namespace(source)
        if self.kind == "list":
            items = list(contents.get())
        else:
            items = [contents.key_map().get(self.backend.current_key)]
        contents.clear()
        contents.set_current_namespace(target)
        table = contents.key_map()
        key = self.backend.current_key
        if self.kind == "list":
            contents.add_all(items)
        elif self.kind == "reduce":
            contents.add(items[0])
        else:  # aggregate: merge accumulators
            existing = table.get(key)
            acc = items[0] if existing is None else self.function.merge(existing, items[0])
            table[key] = acc

    def _delete_cleanup(self, window: Any) -> None:
        when = self._cleanup_time(window)
        if self.assigner.is_event_time:
            self.timer_service.delete_event_time_timer(when, ("cleanup", window))
        else:
            self.timer_service.delete_processing_time_timer(when, ("cleanup", window))

    # -- timers and firing -----------------------------------------------------------------

    def _state_window(self, window: Any) -> Any:
        if self.merging is None:
            return window
        return self.merging.get(window)

    def _on_timer(self, timestamp: int, key: Any, namespace: Any, domain: int) -> None:
        if isinstance(namespace, tuple) and namespace and namespace[0] == "cleanup":
            window = namespace[1]
            state_window = self._state_window(window)
            if state_window is not None:
                self._clear_contents(state_window)
                self.trigger_ctx.window = window
                self.trigger.clear(window, self.trigger_ctx)
                if self.merging is not None:
                    self.merging.remove(window)
            return
        window = namespace
        state_window = self._state_window(window)
        if state_window is None:
            return  # merged away
        self.trigger_ctx.window = window
        if domain == EVENT_TIME:
            result = self.trigger.on_event_time(timestamp, window, self.trigger_ctx)
        else:
            result = self.trigger.on_processing_time(timestamp, window, self.trigger_ctx)
        if result.is_fire():
            self._fire(window, state_window, None)
        if result.is_purge():
            self._clear_contents(state_window)

    def _clear_contents(self, state_window: Any) -> None:
        self.contents.set_current_namespace(state_window)
        self.contents.clear()

    def _fire(self, window: Any, state_window: Any, _ts: Any) -> None:
        contents = self.contents
        contents.set_current_namespace(state_window)
        key = self.backend.current_key
        if self.kind == "list":
            elements = list(contents.get())
            if not elements:
                return
            if self.evictor is not None:
                size = len(elements)
                elements = self.evictor.evict_before(elements, size, window, self.trigger_ctx)
                kept = elements
                values = [v for v, _ in elements]
                results = self._apply(key, window, values)
                kept = self.evictor.evict_after(kept, size, window, self.trigger_ctx)
                contents.update(kept)
            else:
                results = self._apply(key, window, [v for v, _ in elements])
        else:
            value = contents.get()
            if value is None:
                return
            results = self._apply(key, window, [value])
        if results:
            max_ts = window.max_timestamp()
            self.output.emit(results, [max_ts] * len(results))

    def _combined(self, elements: list[Any]) -> list[Any]:
        """With an evictor, reduce/aggregate run over the elements left after eviction."""
        if self.kind != "list" or self.combine == "list" or not elements:
            return elements
        fn = self.function
        if self.combine == "reduce":
            reduce = getattr(fn, "reduce", fn)
            value = elements[0]
            for element in elements[1:]:
                value = reduce(value, element)
            return [value]
        acc = fn.create_accumulator()
        for element in elements:
            acc = fn.add(element, acc)
        return [fn.get_result(acc)]

    def _apply(self, key: Any, window: Any, elements: list[Any]) -> list[Any]:
        elements = self._combined(elements)
        fn = self.window_function
        if fn is None:
            if self.combine == "list":
                fn = self.function
            else:
                return list(elements)
        process = getattr(fn, "process", None)
        if callable(process):
            self.window_ctx._window = window
            result = (process(self.window_ctx, elements) if self.all_window
                      else process(key, self.window_ctx, elements))
        else:
            apply = getattr(fn, "apply", fn)
            result = apply(window, elements) if self.all_window else apply(key, window, elements)
        return list(result) if result is not None else []

    def close(self) -> None:
        for fn in (self.function, self.window_function):
            closer = getattr(fn, "close", None)
            if callable(closer) and not isinstance(fn, type):
                closer()

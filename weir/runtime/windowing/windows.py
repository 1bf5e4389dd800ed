"""Window types, assigners, triggers and evictors, with PyFlink's names.

Example::

    ds.key_by(lambda e: e[0]) \\
      .window(TumblingEventTimeWindows.of(Time.seconds(5))) \\
      .reduce(lambda a, b: (a[0], a[1] + b[1]))
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

MAX_TIMESTAMP = (1 << 63) - 1


def _ms(value: Any) -> int:
    to_ms = getattr(value, "to_milliseconds", None)
    return int(to_ms()) if callable(to_ms) else int(value)


@dataclass(frozen=True, order=True)
class TimeWindow:
    """``[start, end)`` in milliseconds."""

    start: int
    end: int

    def max_timestamp(self) -> int:
        return self.end - 1

    def intersects(self, other: TimeWindow) -> bool:
        return self.start <= other.end and self.end >= other.start

    def cover(self, other: TimeWindow) -> TimeWindow:
        return TimeWindow(min(self.start, other.start), max(self.end, other.end))

    @staticmethod
    def get_window_start_with_offset(timestamp: int, offset: int, window_size: int) -> int:
        return timestamp - (timestamp - offset + window_size) % window_size

    def __repr__(self) -> str:
        return f"TimeWindow(start={self.start}, end={self.end})"


@dataclass(frozen=True)
class GlobalWindow:
    def max_timestamp(self) -> int:
        return MAX_TIMESTAMP

    def __repr__(self) -> str:
        return "GlobalWindow"


@dataclass(frozen=True, order=True)
class CountWindow:
    id: int

    def max_timestamp(self) -> int:
        return MAX_TIMESTAMP


class TriggerResult(Enum):
    CONTINUE = (False, False)
    FIRE = (True, False)
    PURGE = (False, True)
    FIRE_AND_PURGE = (True, True)

    def is_fire(self) -> bool:
        return self.value[0]

    def is_purge(self) -> bool:
        return self.value[1]


# -- assigners -----------------------------------------------------------------------------

class WindowAssigner:
    is_event_time = True
    is_merging = False

    def assign_windows(self, element: Any, timestamp: int, context: Any) -> list[Any]:
        raise NotImplementedError

    def get_default_trigger(self) -> Trigger:
        return EventTimeTrigger() if self.is_event_time else ProcessingTimeTrigger()


class MergingWindowAssigner(WindowAssigner):
    is_merging = True


class TumblingEventTimeWindows(WindowAssigner):
    def __init__(self, size: int, offset: int = 0) -> None:
        if size <= 0:
            raise ValueError(f"the window size must be positive, got {size} ms")
        self.size, self.offset = size, offset % size

    @staticmethod
    def of(size: Any, offset: Any = 0) -> TumblingEventTimeWindows:
        return TumblingEventTimeWindows(_ms(size), _ms(offset))

    def assign_windows(self, element, timestamp, context):
        if timestamp is None or timestamp <= -(1 << 62):
            raise ValueError(
                "a record has no event timestamp: use assign_timestamps_and_watermarks(...) "
                "before an event-time window, or a processing-time window"
            )
        start = TimeWindow.get_window_start_with_offset(timestamp, self.offset, self.size)
        return [TimeWindow(start, start + self.size)]


class TumblingProcessingTimeWindows(TumblingEventTimeWindows):
    is_event_time = False

    @staticmethod
    def of(size: Any, offset: Any = 0) -> TumblingProcessingTimeWindows:
        return TumblingProcessingTimeWindows(_ms(size), _ms(offset))

    def assign_windows(self, element, timestamp, context):
        return super().assign_windows(element, context.current_processing_time(), context)


class SlidingEventTimeWindows(WindowAssigner):
    def __init__(self, size: int, slide: int, offset: int = 0) -> None:
        if size <= 0 or slide <= 0:
            raise ValueError("window size and slide must be positive")
        self.size, self.slide, self.offset = size, slide, offset % slide

    @staticmethod
    def of(size: Any, slide: Any, offset: Any = 0) -> SlidingEventTimeWindows:
        return SlidingEventTimeWindows(_ms(size), _ms(slide), _ms(offset))

    def assign_windows(self, element, timestamp, context):
        if timestamp is None or timestamp <= -(1 << 62):
            raise ValueError("a record has no event timestamp: use "
                             "assign_timestamps_and_watermarks(...) before an event-time window")
        last_start = TimeWindow.get_window_start_with_offset(timestamp, self.offset, self.slide)
        windows = []
        start = last_start
        while start > timestamp - self.size:
            windows.append(TimeWindow(start, start + self.size))
            start -= self.slide
        return windows


class SlidingProcessingTimeWindows(SlidingEventTimeWindows):
    is_event_time = False

    @staticmethod
    def of(size: Any, slide: Any, offset: Any = 0) -> SlidingProcessingTimeWindows:
        return SlidingProcessingTimeWindows(_ms(size), _ms(slide), _ms(offset))

    def assign_windows(self, element, timestamp, context):
        return super().assign_windows(element, context.current_processing_time(), context)


class SessionWindowTimeGapExtractor:
    def extract(self, element: Any) -> int:
        raise NotImplementedError


class EventTimeSessionWindows(MergingWindowAssigner):
    def __init__(self, gap: int | None = None, extractor: Any = None) -> None:
        self.gap = gap
        self.extractor = extractor

    @staticmethod
    def with_gap(size: Any) -> EventTimeSessionWindows:
        gap = _ms(size)
        if gap <= 0:
            raise ValueError(f"the session gap must be positive, got {gap} ms")
        return EventTimeSessionWindows(gap)

    @staticmethod
    def with_dynamic_gap(extractor: Any) -> EventTimeSessionWindows:
        return EventTimeSessionWindows(None, extractor)

    def _gap(self, element: Any) -> int:
        if self.extractor is None:
            return self.gap  # type: ignore[return-value]
        extract = getattr(self.extractor, "extract", self.extractor)
        gap = int(extract(element))
        if gap <= 0:
            raise ValueError(f"the dynamic session gap must be positive, got {gap} ms")
        return gap

    def assign_windows(self, element, timestamp, context):
        if timestamp is None or timestamp <= -(1 << 62):
            raise ValueError("a record has no event timestamp: use "
                             "assign_timestamps_and_watermarks(...) before an event-time window")
        return [TimeWindow(timestamp, timestamp + self._gap(element))]


class DynamicEventTimeSessionWindows(EventTimeSessionWindows):
    pass


class ProcessingTimeSessionWindows(EventTimeSessionWindows):
    is_event_time = False

    @staticmethod
    def with_gap(size: Any) -> ProcessingTimeSessionWindows:
        return ProcessingTimeSessionWindows(_ms(size))

    @staticmethod
    def with_dynamic_gap(extractor: Any) -> ProcessingTimeSessionWindows:
        return ProcessingTimeSessionWindows(None, extractor)

    def assign_windows(self, element, timestamp, context):
        now = context.current_processing_time()
        return [TimeWindow(now, now + self._gap(element))]


class GlobalWindows(WindowAssigner):
    """One window for all of a key's records; it fires only through its trigger."""

    @staticmethod
    def create() -> GlobalWindows:
        return GlobalWindows()

    def assign_windows(self, element, timestamp, context):
        return [GlobalWindow()]

    def get_default_trigger(self) -> Trigger:
        return NeverTrigger()


# -- triggers ------------------------------------------------------------------------------

class Trigger:
    """Decides when a window fires. ``ctx`` offers ``register_event_time_timer``,
    ``register_processing_time_timer``, their deletes, ``get_current_watermark``,
    ``get_current_processing_time`` and ``get_partitioned_state(descriptor)``."""

    def on_element(self, element: Any, timestamp: int, window: Any, ctx: Any) -> TriggerResult:
        return TriggerResult.CONTINUE

    def on_processing_time(self, time: int, window: Any, ctx: Any) -> TriggerResult:
        return TriggerResult.CONTINUE

    def on_event_time(self, time: int, window: Any, ctx: Any) -> TriggerResult:
        return TriggerResult.CONTINUE

    def can_merge(self) -> bool:
        return False

    def on_merge(self, window: Any, ctx: Any) -> None:
        pass

    def clear(self, window: Any, ctx: Any) -> None:
        pass


class NeverTrigger(Trigger):
    pass


class EventTimeTrigger(Trigger):
    @staticmethod
    def create() -> EventTimeTrigger:
        return EventTimeTrigger()

    def on_element(self, element, timestamp, window, ctx):
        if window.max_timestamp() <= ctx.get_current_watermark():
            return TriggerResult.FIRE  # late but within allowed lateness
        ctx.register_event_time_timer(window.max_timestamp())
        return TriggerResult.CONTINUE

    def on_event_time(self, time, window, ctx):
        return TriggerResult.FIRE if time == window.max_timestamp() else TriggerResult.CONTINUE

    def can_merge(self) -> bool:
        return True

    def on_merge(self, window, ctx):
        if window.max_timestamp() > ctx.get_current_watermark():
            ctx.register_event_time_timer(window.max_timestamp())

    def clear(self, window, ctx):
        ctx.delete_event_time_timer(window.max_timestamp())


class ProcessingTimeTrigger(Trigger):
    @staticmethod
    def create() -> ProcessingTimeTrigger:
        return ProcessingTimeTrigger()

    def on_element(self, element, timestamp, window, ctx):
        ctx.register_processing_time_timer(window.max_timestamp())
        return TriggerResult.CONTINUE

    def on_processing_time(self, time, window, ctx):
        return TriggerResult.FIRE

    def can_merge(self) -> bool:
        return True

    def on_merge(self, window, ctx):
        ctx.register_processing_time_timer(window.max_timestamp())

    def clear(self, window, ctx):
        ctx.delete_processing_time_timer(window.max_timestamp())


class CountTrigger(Trigger):
    """Fires every ``count`` elements of a window."""

    def __init__(self, count: int) -> None:
        self.count = count

    @staticmethod
    def of(count: int) -> CountTrigger:
        return CountTrigger(count)

    def on_element(self, element, timestamp, window, ctx):
        from weir.api.state import ReducingStateDescriptor

        state = ctx.get_partitioned_state(ReducingStateDescriptor("count", lambda a, b: a + b))
        state.add(1)
        if state.get() >= self.count:
            state.clear()
            return TriggerResult.FIRE
        return TriggerResult.CONTINUE

    def clear(self, window, ctx):
        from weir.api.state import ReducingStateDescriptor

        ctx.get_partitioned_state(ReducingStateDescriptor("count", lambda a, b: a + b)).clear()


class PurgingTrigger(Trigger):
    """Turns every FIRE of the wrapped trigger into FIRE_AND_PURGE."""

    def __init__(self, nested: Trigger) -> None:
        self.nested = nested

    @staticmethod
    def of(nested: Trigger) -> PurgingTrigger:
        return PurgingTrigger(nested)

    @staticmethod
    def _purging(result: TriggerResult) -> TriggerResult:
        return TriggerResult.FIRE_AND_PURGE if result.is_fire() else result

    def on_element(self, element, timestamp, window, ctx):
        return self._purging(self.nested.on_element(element, timestamp, window, ctx))

    def on_event_time(self, time, window, ctx):
        return self._purging(self.nested.on_event_time(time, window, ctx))

    def on_processing_time(self, time, window, ctx):
        return self._purging(self.nested.on_processing_time(time, window, ctx))

    def can_merge(self) -> bool:
        return self.nested.can_merge()

    def on_merge(self, window, ctx):
        self.nested.on_merge(window, ctx)

    def clear(self, window, ctx):
        self.nested.clear(window, ctx)


class ContinuousEventTimeTrigger(Trigger):
    """Fires every ``interval`` of event time, and at the window's end."""

    def __init__(self, interval: int) -> None:
        self.interval = interval

    @staticmethod
    def of(interval: Any) -> ContinuousEventTimeTrigger:
        return ContinuousEventTimeTrigger(_ms(interval))

    def on_element(self, element, timestamp, window, ctx):
        if window.max_timestamp() <= ctx.get_current_watermark():
            return TriggerResult.FIRE
        ctx.register_event_time_timer(window.max_timestamp())
        next_fire = timestamp - timestamp % self.interval + self.interval
        ctx.register_event_time_timer(min(next_fire, window.max_timestamp()))
        return TriggerResult.CONTINUE

    def on_event_time(self, time, window, ctx):
        if time == window.max_timestamp():
            return TriggerResult.FIRE
        ctx.register_event_time_timer(min(time + self.interval, window.max_timestamp()))
        return TriggerResult.FIRE


class ContinuousProcessingTimeTrigger(ContinuousEventTimeTrigger):
    @staticmethod
    def of(interval: Any) -> ContinuousProcessingTimeTrigger:
        return ContinuousProcessingTimeTrigger(_ms(interval))

    def on_element(self, element, timestamp, window, ctx):
        now = ctx.get_current_processing_time()
        ctx.register_processing_time_timer(now - now % self.interval + self.interval)
        return TriggerResult.CONTINUE

    def on_event_time(self, time, window, ctx):
        return TriggerResult.CONTINUE

    def on_processing_time(self, time, window, ctx):
        ctx.register_processing_time_timer(time + self.interval)
        return TriggerResult.FIRE


# -- evictors ------------------------------------------------------------------------------

class Evictor:
    """Removes elements from a window before (and/or after) its function runs."""

    def evict_before(self, elements: list[tuple[Any, int]], size: int, window: Any,
                     ctx: Any) -> list[tuple[Any, int]]:
        return elements

    def evict_after(self, elements: list[tuple[Any, int]], size: int, window: Any,
                    ctx: Any) -> list[tuple[Any, int]]:
        return elements


class CountEvictor(Evictor):
    def __init__(self, max_count: int, do_evict_after: bool = False) -> None:
        self.max_count = max_count
        self.after = do_evict_after

    @staticmethod
    def of(max_count: int, do_evict_after: bool = False) -> CountEvictor:
        return CountEvictor(max_count, do_evict_after)

    def _keep_last(self, elements):
        return elements[-self.max_count:] if len(elements) > self.max_count else elements

    def evict_before(self, elements, size, window, ctx):
        return elements if self.after else self._keep_last(elements)

    def evict_after(self, elements, size, window, ctx):
        return self._keep_last(elements) if self.after else elements


class TimeEvictor(Evictor):
    def __init__(self, window_size: int, do_evict_after: bool = False) -> None:
        self.window_size = window_size
        self.after = do_evict_after

    @staticmethod
    def of(window_size: Any, do_evict_after: bool = False) -> TimeEvictor:
        return TimeEvictor(_ms(window_size), do_evict_after)

    def _keep_recent(self, elements):
        if not elements:
            return elements
        newest = max(ts for _, ts in elements)
        return [(v, ts) for v, ts in elements if ts > newest - self.window_size]

    def evict_before(self, elements, size, window, ctx):
        return elements if self.after else self._keep_recent(elements)

    def evict_after(self, elements, size, window, ctx):
        return self._keep_recent(elements) if self.after else elements

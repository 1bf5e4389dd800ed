"""Windows as PyFlink's windowing examples use them, checked against direct computations."""

from __future__ import annotations

from collections import defaultdict

import pytest

from weir.common import Duration, Time, Types, WatermarkStrategy
from weir.common.watermark_strategy import TimestampAssigner
from weir.datastream import StreamExecutionEnvironment
from weir.datastream.functions import AggregateFunction, ProcessWindowFunction, WindowFunction
from weir.datastream.output_tag import OutputTag
from weir.datastream.window import (
    CountTrigger,
    EventTimeSessionWindows,
    SessionWindowTimeGapExtractor,
    SlidingEventTimeWindows,
    TumblingEventTimeWindows,
    TumblingProcessingTimeWindows,
)

# (key, timestamp ms, value)
EVENTS = [("hi", 1, 1), ("hi", 2, 2), ("hi", 3, 3), ("hi", 4, 4), ("hi", 5, 5), ("hi", 8, 6),
          ("hello", 9, 7), ("hi", 15, 8), ("hello", 16, 9), ("hi", 25, 10), ("hello", 26, 11)]


class EventTime(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value[1]


def keyed_events(parallelism=2, events=EVENTS, out_of_orderness=0):
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(parallelism)
    strategy = (WatermarkStrategy.for_bounded_out_of_orderness(Duration.of_millis(out_of_orderness))
                .with_timestamp_assigner(EventTime()))
    ds = env.from_collection(events).assign_timestamps_and_watermarks(strategy)
    return ds.key_by(lambda e: e[0])


def expected_windows(assign):
    sums = defaultdict(int)
    for key, ts, value in EVENTS:
        for start, end in assign(ts):
            sums[(key, start, end)] += value
    return sums


class SumWithWindow(ProcessWindowFunction):
    def process(self, key, context, elements):
        window = context.window()
        yield key, window.start, window.end, sum(e[2] for e in elements)


@pytest.mark.parametrize("parallelism", [1, 2])
def test_tumbling_event_time_window_process(parallelism):
    out = list(keyed_events(parallelism)
               .window(TumblingEventTimeWindows.of(Time.milliseconds(5)))
               .process(SumWithWindow()).execute_and_collect())
    expected = expected_windows(lambda ts: [(ts - ts % 5, ts - ts % 5 + 5)])
    assert {(k, s, e): v for k, s, e, v in out} == dict(expected)
    assert len(out) == len(expected)


def test_sliding_event_time_window_reduce():
    out = list(keyed_events()
               .window(SlidingEventTimeWindows.of(Time.milliseconds(10), Time.milliseconds(5)))
               .reduce(lambda a, b: (a[0], max(a[1], b[1]), a[2] + b[2]))
               .execute_and_collect())

    def windows(ts):
        last = ts - ts % 5
        return [(s, s + 10) for s in (last, last - 5)]

    expected = expected_windows(windows)
    got = defaultdict(list)
    for key, _, total in out:
        got[key].append(total)
    exp = defaultdict(list)
    for (key, _, _), total in expected.items():
        exp[key].append(total)
    assert {k: sorted(v) for k, v in got.items()} == {k: sorted(v) for k, v in exp.items()}


class MeanAggregate(AggregateFunction):
    def create_accumulator(self):
        return 0, 0

    def add(self, value, accumulator):
        return accumulator[0] + value[2], accumulator[1] + 1

    def get_result(self, accumulator):
        return accumulator[0] / accumulator[1]

    def merge(self, a, b):
        return a[0] + b[0], a[1] + b[1]


class WithKeyAndWindow(WindowFunction):
    def apply(self, key, window, inputs):
        for mean in inputs:
            yield key, window.start, window.end, mean


def sessions(gap):
    """Direct session computation: per key, timestamps closer than ``gap`` join a session."""
    out = {}
    by_key = defaultdict(list)
    for key, ts, value in EVENTS:
        by_key[key].append((ts, value))
    for key, items in by_key.items():
        items.sort()
        start, end, values = None, None, []
        for ts, value in items:
            if start is None or ts >= end:
                if start is not None:
                    out[(key, start, end)] = sum(values) / len(values)
                start, end, values = ts, ts + gap, [value]
            else:
                end = max(end, ts + gap)
                values.append(value)
        out[(key, start, end)] = sum(values) / len(values)
    return out


def test_session_windows_merge_with_aggregate_and_window_function():
    out = list(keyed_events()
               .window(EventTimeSessionWindows.with_gap(Time.milliseconds(5)))
               .aggregate(MeanAggregate(), WithKeyAndWindow())
               .execute_and_collect())
    assert {(k, s, e): m for k, s, e, m in out} == pytest.approx(sessions(5))


class GapByKey(SessionWindowTimeGapExtractor):
    def extract(self, element):
        return 5 if element[0] == "hi" else 20


def test_dynamic_gap_sessions():
    out = list(keyed_events()
               .window(EventTimeSessionWindows.with_dynamic_gap(GapByKey()))
               .process(SumWithWindow()).execute_and_collect())
    got = {(k, s, e): v for k, s, e, v in out}
    assert got[("hello", 9, 46)] == 7 + 9 + 11  # gap 20 joins all of "hello"
    assert sum(v for (k, _, _), v in got.items() if k == "hi") == sum(
        v for k, _, v in EVENTS if k == "hi")


def test_count_windows_tumbling_and_sliding():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(2)
    data = [(k, i) for i in range(10) for k in ("a", "b")]
    out = list(env.from_collection(data).key_by(lambda e: e[0]).count_window(3)
               .reduce(lambda x, y: (x[0], x[1] + y[1])).execute_and_collect())
    assert sorted(out) == sorted([(k, 0 + 1 + 2) for k in "ab"] + [(k, 3 + 4 + 5) for k in "ab"]
                                 + [(k, 6 + 7 + 8) for k in "ab"])
    env = StreamExecutionEnvironment.get_execution_environment()
    out = list(env.from_collection(data).key_by(lambda e: e[0]).count_window(3, 2)
               .apply(lambda key, window, inputs: [(key, [v for _, v in inputs])])
               .execute_and_collect())
    per_key = defaultdict(list)
    for key, values in out:
        per_key[key].append(values)
    assert per_key["a"] == [[0, 1], [1, 2, 3], [3, 4, 5], [5, 6, 7], [7, 8, 9]]


LATE = OutputTag("late", Types.TUPLE([Types.STRING(), Types.LONG(), Types.LONG()]))


def test_allowed_lateness_refires_and_late_data_goes_to_the_side_output():
    events = [("k", 1, 1), ("k", 12, 2), ("k", 3, 10), ("k", 30, 3), ("k", 4, 100)]
    env = StreamExecutionEnvironment.get_execution_environment()
    env.get_config().set_auto_watermark_interval(5)
    strategy = WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(EventTime())
    # records 100 ms apart, watermarks every 5 ms: each record sees the watermark of the previous
    ds = (env.from_generator(lambda i: events[i], count=len(events), records_per_second=10)
          .assign_timestamps_and_watermarks(strategy)
          .key_by(lambda e: e[0])
          .window(TumblingEventTimeWindows.of(Time.milliseconds(10)))
          .allowed_lateness(10)
          .side_output_late_data(LATE)
          .process(SumWithWindow()))
    late = ds.get_side_output(LATE)
    out = list(ds.union(late.map(lambda e: ("late",) + tuple(e))).execute_and_collect())
    windows = [r for r in out if r[0] == "k"]
    # [0,10) fires at watermark 11 with 1, again with 11 when (3) arrives within the lateness;
    # (4) arrives after watermark 29 >= 9 + 10: too late, side output
    assert ("k", 0, 10, 1) in windows and ("k", 0, 10, 11) in windows
    assert ("late", "k", 4, 100) in out
    assert not any(r[:3] == ("k", 0, 10) and r[3] >= 100 for r in windows)


def test_processing_time_tumbling_window_and_count_trigger():
    env = StreamExecutionEnvironment.get_execution_environment()
    out = list(env.from_generator(lambda i: ("k", i), count=40, records_per_second=200)
               .key_by(lambda e: e[0])
               .window(TumblingProcessingTimeWindows.of(Time.milliseconds(50)))
               .trigger(CountTrigger.of(5))
               .reduce(lambda a, b: (a[0], a[1] + b[1]))
               .execute_and_collect())
    assert out, "count triggers fire within processing-time windows"
    assert all(key == "k" for key, _ in out)


def test_window_all_over_a_non_keyed_stream():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(2)
    strategy = WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(
        lambda v, ts: v)
    out = list(env.from_collection(list(range(20))).assign_timestamps_and_watermarks(strategy)
               .window_all(TumblingEventTimeWindows.of(Time.milliseconds(10)))
               .reduce(lambda a, b: a + b).execute_and_collect())
    assert sorted(out) == [sum(range(10)), sum(range(10, 20))]

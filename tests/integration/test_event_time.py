"""Event time: timestamps, watermarks through channels, keyed timers (event and processing time)."""

from __future__ import annotations

from weir.common import Duration, Types, WatermarkStrategy
from weir.common.watermark_strategy import TimestampAssigner
from weir.datastream import StreamExecutionEnvironment
from weir.datastream.functions import KeyedProcessFunction
from weir.datastream.state import ValueStateDescriptor


class SecondField(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value[1]


class SumUntilWindowEnd(KeyedProcessFunction):
    """Sums per key and emits at the end of each 10-ms event-time bucket (a hand-made tumbling
    window): timers fire when the watermark passes the bucket end."""

    def open(self, runtime_context):
        self.sums = runtime_context.get_map_state(
            __import__("weir.datastream.state", fromlist=["MapStateDescriptor"])
            .MapStateDescriptor("sums", Types.LONG(), Types.LONG()))

    def process_element(self, value, ctx):
        end = (ctx.timestamp() // 10 + 1) * 10
        self.sums.put(end, (self.sums.get(end) or 0) + value[2])
        ctx.timer_service().register_event_time_timer(end - 1)

    def on_timer(self, timestamp, ctx):
        end = timestamp + 1
        yield ctx.get_current_key(), end, self.sums.get(end), ctx.timer_service().current_watermark()
        self.sums.remove(end)


EVENTS = [("a", 1, 1), ("b", 3, 10), ("a", 7, 2), ("a", 12, 4), ("b", 15, 20), ("a", 25, 8),
          ("b", 9, 30)]  # ("b", 9) arrives late but within the 10 ms out-of-orderness bound


def test_event_time_timers_fire_per_key_when_the_watermark_passes():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(2)
    strategy = (WatermarkStrategy.for_bounded_out_of_orderness(Duration.of_millis(10))
                .with_timestamp_assigner(SecondField()))
    out = list(env.from_collection(EVENTS)
               .assign_timestamps_and_watermarks(strategy)
               .key_by(lambda e: e[0])
               .process(SumUntilWindowEnd())
               .execute_and_collect())
    results = sorted((k, end, total) for k, end, total, _ in out)
    assert results == [("a", 10, 3), ("a", 20, 4), ("a", 30, 8), ("b", 10, 40), ("b", 20, 20)]
    for _, end, _, watermark in out:
        assert watermark >= end - 1  # fired only once the watermark had passed the timer


class ProcessingTimeEcho(KeyedProcessFunction):
    def process_element(self, value, ctx):
        now = ctx.timer_service().current_processing_time()
        ctx.timer_service().register_processing_time_timer(now + 50)

    def on_timer(self, timestamp, ctx):
        yield ctx.get_current_key(), str(ctx.time_domain())


def test_processing_time_timers_fire_on_the_task_thread():
    env = StreamExecutionEnvironment.get_execution_environment()
    out = list(env.from_generator(lambda i: f"k{i % 3}", count=30, records_per_second=100)
               .key_by(lambda k: k)
               .process(ProcessingTimeEcho())
               .execute_and_collect())
    assert {k for k, _ in out} == {"k0", "k1", "k2"}
    assert all("PROCESSING" in domain for _, domain in out)


class FirstSeen(KeyedProcessFunction):
    def open(self, runtime_context):
        self.seen = runtime_context.get_state(ValueStateDescriptor("seen", Types.BOOLEAN()))

    def process_element(self, value, ctx):
        if not self.seen.value():
            self.seen.update(True)
            yield value, ctx.timestamp()


def test_watermark_strategy_on_from_source_assigns_timestamps():
    from weir.datastream.connectors import NumberSequenceSource

    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(2)
    strategy = WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(
        lambda value, ts: value * 1000)
    out = list(env.from_source(NumberSequenceSource(1, 20), strategy, "numbers")
               .key_by(lambda v: v % 4).process(FirstSeen()).execute_and_collect())
    assert len(out) == 4 and {v % 4 for v, _ in out} == {0, 1, 2, 3}
    assert all(ts == v * 1000 for v, ts in out)

"""Configuration, time types, restart strategies, job types, serialisation, watermark strategies."""

from __future__ import annotations

import copy
import pickle
from datetime import timedelta

import cloudpickle
import pytest

from weir.common import (
    Configuration,
    DeserializationSchema,
    Duration,
    Encoder,
    Instant,
    JobExecutionResult,
    JobID,
    JobStatus,
    RestartStrategies,
    SerializationSchema,
    SimpleStringSchema,
    Time,
    TimestampAssigner,
    WatermarkStrategy,
)
from weir.common.restart_strategy import (
    ExponentialDelayRestartStrategyConfiguration,
    FailureRateRestartStrategyConfiguration,
    FallbackRestartStrategyConfiguration,
    FixedDelayRestartStrategyConfiguration,
    NoRestartStrategyConfiguration,
)

# -- Configuration ------------------------------------------------------------------------------


def test_typed_getters_and_setters():
    c = Configuration()
    assert c.set_string("s", "v") is c
    c.set_integer("i", 3).set_boolean("b", True).set_float("f", 1.5)
    assert c.get_string("s", "d") == "v"
    assert c.get_integer("i", 0) == 3
    assert c.get_boolean("b", False) is True
    assert c.get_float("f", 0.0) == 1.5
    assert c.get_string("missing", "default") == "default"
    assert c.get_integer("missing", 7) == 7
    assert c.get_boolean("missing", True) is True
    assert c.get_float("missing", 2) == 2.0


def test_conversions_like_flink():
    c = Configuration()
    c.set_string("n", " 12 ").set_string("yes", "TRUE").set_boolean("flag", False)
    c.set_string("x", "1.25")
    assert c.get_integer("n", 0) == 12
    assert c.get_boolean("yes", False) is True
    assert c.get_string("flag", "") == "false"
    assert c.get_float("x", 0.0) == 1.25
    c.set_string("bad", "maybe")
    with pytest.raises(ValueError):
        c.get_boolean("bad", False)


def test_key_set_contains_remove_and_dict():
    c = Configuration().set_string("a", "1").set_integer("b", 2)
    assert c.contains_key("a") and not c.contains_key("z")
    assert c.key_set() == {"a", "b"}
    assert c.to_dict() == {"a": "1", "b": 2}
    assert c.remove_config("a") is True
    assert c.remove_config("a") is False
    assert c.key_set() == {"b"}
    target: dict = {}
    c.add_all_to_dict(target)
    assert target == {"b": 2}


def test_add_all_and_copy_constructor():
    base = Configuration().set_string("a", "1")
    other = Configuration().set_string("x", "2")
    base.add_all(other)
    base.add_all(other, "p.")
    assert base.to_dict() == {"a": "1", "x": "2", "p.x": "2"}
    clone = Configuration(base)
    clone.set_string("a", "changed")
    assert base.get_string("a", "") == "1"


def test_generic_get_set_and_bytes():
    marker = object()
    c = Configuration().set("restart-strategy.object", marker)
    assert c.get("restart-strategy.object") is marker
    assert c.get("missing", 5) == 5
    c.set_bytearray("bytes", bytearray(b"\x00\x01"))
    assert c.get_bytearray("bytes", bytearray()) == bytearray(b"\x00\x01")


def test_equality_hash_str_and_pickle():
    a = Configuration().set_string("k", "true").set_integer("n", 1)
    b = Configuration().set_boolean("k", True).set_string("n", "1")
    assert a == b and hash(a) == hash(b)
    assert a != Configuration()
    assert str(Configuration().set_string("k", "v").set_boolean("b", True)) == "{k=v, b=true}"
    for dumps in (pickle.dumps, cloudpickle.dumps):
        assert pickle.loads(dumps(a)) == a
    deep = copy.deepcopy(a)
    assert deep == a and deep is not a


# -- Duration, Time, Instant ----------------------------------------------------------------------


def test_duration():
    assert Duration.of_millis(1500).to_milliseconds() == 1500
    assert Duration.of_seconds(2).to_milliseconds() == 2000
    assert Duration.of_minutes(1).to_milliseconds() == 60_000
    assert Duration.of_hours(1).to_milliseconds() == 3_600_000
    assert Duration.of_days(1).to_milliseconds() == 86_400_000
    assert Duration.of_nanos(2_500_000).to_milliseconds() == 2
    assert Duration.of_seconds(1) == Duration.of_millis(1000)
    assert hash(Duration.of_seconds(1)) == hash(Duration.of_millis(1000))
    assert pickle.loads(pickle.dumps(Duration.of_seconds(3))) == Duration.of_seconds(3)


def test_time():
    assert Time.milliseconds(5).to_milliseconds() == 5
    assert Time.seconds(5).to_milliseconds() == 5000
    assert Time.minutes(2).to_milliseconds() == 120_000
    assert Time.hours(1).to_milliseconds() == 3_600_000
    assert Time.days(2).to_milliseconds() == 172_800_000
    assert Time.seconds(60) == Time.minutes(1)
    assert Time.seconds(1) != Duration.of_seconds(1)
    assert pickle.loads(cloudpickle.dumps(Time.hours(3))) == Time.hours(3)


def test_instant():
    i = Instant.of_epoch_milli(1_700_000_000_123)
    assert (i.seconds, i.nanos) == (1_700_000_000, 123_000_000)
    assert i.to_epoch_milli() == 1_700_000_000_123
    assert Instant.of_epoch_milli(-1).to_epoch_milli() == -1
    assert Instant.of_epoch_milli(-1) == Instant(-1, 999_000_000)
    assert repr(Instant(1, 2)) == "Instant<1, 2>"
    assert pickle.loads(pickle.dumps(i)) == i


# -- RestartStrategies --------------------------------------------------------------------------


def test_restart_strategies():
    assert isinstance(RestartStrategies.no_restart(), NoRestartStrategyConfiguration)
    assert isinstance(RestartStrategies.fall_back_restart(), FallbackRestartStrategyConfiguration)

    fixed = RestartStrategies.fixed_delay_restart(3, 1000)
    assert isinstance(fixed, FixedDelayRestartStrategyConfiguration)
    assert isinstance(fixed, RestartStrategies.FixedDelayRestartStrategyConfiguration)
    assert fixed.get_restart_attempts() == 3
    assert fixed.get_delay_between_attempts_interval() == timedelta(seconds=1)
    assert fixed.delay_between_attempts_interval_ms == 1000
    assert fixed == RestartStrategies.fixed_delay_restart(3, timedelta(seconds=1))

    rate = RestartStrategies.failure_rate_restart(2, timedelta(minutes=5), 500)
    assert isinstance(rate, FailureRateRestartStrategyConfiguration)
    assert rate.get_max_failure_rate() == 2
    assert rate.get_failure_interval() == timedelta(minutes=5)
    assert rate.get_delay_between_attempts_interval() == timedelta(milliseconds=500)
    assert rate.failure_interval_ms == 300_000

    expo = RestartStrategies.exponential_delay_restart(
        timedelta(milliseconds=10), 1000, 2.0, timedelta(seconds=5), 0.1
    )
    assert isinstance(expo, ExponentialDelayRestartStrategyConfiguration)
    assert expo.get_initial_backoff() == timedelta(milliseconds=10)
    assert expo.get_max_backoff() == timedelta(seconds=1)
    assert expo.get_backoff_multiplier() == 2.0
    assert expo.get_reset_backoff_threshold() == timedelta(seconds=5)
    assert expo.get_jitter_factor() == 0.1
    assert (expo.initial_backoff_ms, expo.max_backoff_ms) == (10, 1000)

    for s in (fixed, rate, expo, RestartStrategies.no_restart()):
        assert isinstance(s.get_description(), str) and s.get_description()
        assert pickle.loads(cloudpickle.dumps(s)) == s
        assert hash(s) == hash(pickle.loads(pickle.dumps(s)))


def test_restart_strategy_validation():
    with pytest.raises(ValueError):
        RestartStrategies.fixed_delay_restart(-1, 10)
    with pytest.raises(TypeError):
        RestartStrategies.fixed_delay_restart(1, "10s")
    with pytest.raises(ValueError):
        RestartStrategies.fixed_delay_restart(1, -5)
    with pytest.raises(ValueError):
        RestartStrategies.exponential_delay_restart(1, 10, 0.5, 100, 0.1)
    with pytest.raises(ValueError):
        RestartStrategies.exponential_delay_restart(1, 10, 2.0, 100, 1.5)


# -- jobs ---------------------------------------------------------------------------------------


def test_job_status():
    assert [s.name for s in JobStatus] == [
        "INITIALIZING", "CREATED", "RUNNING", "FAILING", "FAILED", "CANCELLING", "CANCELED",
        "FINISHED", "RESTARTING", "SUSPENDED", "RECONCILING",
    ]
    globally = {s for s in JobStatus if s.is_globally_terminal_state()}
    assert globally == {JobStatus.FINISHED, JobStatus.CANCELED, JobStatus.FAILED}
    terminal = {s for s in JobStatus if s.is_terminal_state()}
    assert terminal == globally | {JobStatus.SUSPENDED}


def test_job_id():
    a, b = JobID(), JobID()
    assert a != b
    assert len(a.to_hex_string()) == 32 and str(a) == a.to_hex_string()
    assert JobID.from_hex_string(a.to_hex_string()) == a
    assert hash(JobID.from_hex_string(str(a))) == hash(a)
    assert pickle.loads(pickle.dumps(a)) == a
    with pytest.raises(ValueError):
        JobID.from_hex_string("abc")
    with pytest.raises(ValueError):
        JobID(b"short")


def test_job_execution_result():
    job_id = JobID()
    r = JobExecutionResult(job_id, 1234, {"records": 10})
    assert r.get_job_id() == job_id
    assert r.get_net_runtime() == 1234
    assert r.get_all_accumulator_results() == {"records": 10}
    assert r.get_accumulator_result("records") == 10
    assert r.get_accumulator_result("missing") is None
    assert r.is_job_execution_result() is True
    assert r.get_job_execution_result() is r
    assert job_id.to_hex_string() in repr(r)
    assert JobExecutionResult(job_id, 1).get_all_accumulator_results() == {}


# -- serialisation ------------------------------------------------------------------------------


def test_encoder_and_schemas():
    enc = Encoder.simple_string_encoder()
    assert enc.encode("héllo") == "héllo\n".encode()
    assert enc.encode(("a", 1)) == b"('a', 1)\n"
    assert Encoder.simple_string_encoder("latin-1").encode("é") == b"\xe9\n"
    assert pickle.loads(cloudpickle.dumps(enc)) == enc
    with pytest.raises(LookupError):
        Encoder.simple_string_encoder("no-such-charset")

    schema = SimpleStringSchema()
    assert isinstance(schema, SerializationSchema) and isinstance(schema, DeserializationSchema)
    assert schema.serialize("héllo") == "héllo".encode()
    assert schema.deserialize(schema.serialize("héllo")) == "héllo"
    assert schema.is_end_of_stream("x") is False
    with pytest.raises(TypeError):
        SerializationSchema()  # abstract


# -- watermark strategies -----------------------------------------------------------------------


class FirstField(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value[0]


def test_watermark_strategies():
    none = WatermarkStrategy.no_watermarks()
    assert none.kind == "none" and none.timestamp_assigner is None
    mono = WatermarkStrategy.for_monotonous_timestamps()
    assert mono.kind == "monotonous" and mono.max_out_of_orderness_ms == 0
    bounded = WatermarkStrategy.for_bounded_out_of_orderness(Duration.of_seconds(5))
    assert bounded.kind == "bounded" and bounded.max_out_of_orderness_ms == 5000
    assert bounded.idle_timeout_ms is None and bounded.alignment is None


def test_with_methods_return_new_strategies():
    base = WatermarkStrategy.for_monotonous_timestamps()
    assigner = FirstField()
    derived = base.with_timestamp_assigner(assigner).with_idleness(Duration.of_minutes(1))
    assert base.timestamp_assigner is None and base.idle_timeout_ms is None
    assert derived.timestamp_assigner is assigner
    assert derived.get_timestamp_assigner() is assigner
    assert derived.idle_timeout_ms == 60_000
    assert derived.kind == "monotonous"
    assert derived.extract_timestamp((42, "x"), -1) == 42
    assert base.extract_timestamp((42, "x"), 7) == 7
    aligned = derived.with_watermark_alignment("g", Duration.of_seconds(2))
    assert aligned.alignment == ("g", 2000, 1000)
    aligned2 = derived.with_watermark_alignment("g", Duration.of_seconds(2), Duration.of_millis(50))
    assert aligned2.alignment == ("g", 2000, 50)
    callable_assigner = base.with_timestamp_assigner(lambda v, ts: v * 10)
    assert callable_assigner.extract_timestamp(3, -1) == 30
    with pytest.raises(TypeError):
        base.with_timestamp_assigner(42)


def test_watermark_strategy_pickles_with_cloudpickle():
    s = (
        WatermarkStrategy.for_bounded_out_of_orderness(Duration.of_millis(250))
        .with_timestamp_assigner(lambda v, ts: v["ts"])
        .with_idleness(Duration.of_seconds(10))
    )
    back = pickle.loads(cloudpickle.dumps(s))
    assert back.kind == "bounded" and back.max_out_of_orderness_ms == 250
    assert back.idle_timeout_ms == 10_000
    assert back.extract_timestamp({"ts": 99}, -1) == 99
    assert "bounded" in repr(back)

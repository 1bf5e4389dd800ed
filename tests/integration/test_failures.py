"""Failures: user exceptions, killed workers, cancellation, early-closed collect — no hangs and no
orphan processes (the autouse fixture in conftest.py checks every test for leftover workers)."""

from __future__ import annotations

import os
import signal
import time

import psutil
import pytest

from weir.common import JobStatus
from weir.datastream import StreamExecutionEnvironment
from weir.datastream.functions import MapFunction
from weir.runtime.jobmanager.errors import JobExecutionException


class Explode(MapFunction):
    def map(self, value):
        if value == 42:
            raise ValueError(f"cannot handle {value}")
        return value


def test_user_exception_names_operator_subtask_and_traceback():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(2)
    env.from_sequence(1, 100).map(Explode()).name("exploding map").add_sink(lambda v: None)
    start = time.monotonic()
    with pytest.raises(JobExecutionException) as info:
        env.execute("explodes")
    message = str(info.value)
    assert "exploding map" in message
    assert "ValueError: cannot handle 42" in message
    assert "subtask " in message and "/2" in message
    assert "def map" in message or "in map" in message  # the user's frame is in the traceback
    assert time.monotonic() - start < 30


def _workers() -> list[psutil.Process]:
    return [p for p in psutil.Process(os.getpid()).children(recursive=True)
            if p.status() != psutil.STATUS_ZOMBIE]


def test_sigkill_of_a_worker_fails_the_job_quickly():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(2)
    (env.from_generator(lambda i: i, records_per_second=1000)
        .key_by(lambda x: x % 10).sum(0).add_sink(lambda v: None))
    client = env.execute_async("to be killed")
    deadline = time.monotonic() + 20
    while client.get_job_status().result() != JobStatus.RUNNING or len(_workers()) < 2:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.5)
    victim = _workers()[0]
    killed_at = time.monotonic()
    os.kill(victim.pid, signal.SIGKILL)
    with pytest.raises(JobExecutionException, match="SIGKILL|was lost"):
        client.get_job_execution_result().result(timeout=15)
    assert time.monotonic() - killed_at < 5
    assert client.get_job_status().result() == JobStatus.FAILED


def test_cancel_stops_an_unbounded_job():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(2)
    env.from_generator(lambda i: i).map(lambda x: x + 1).add_sink(lambda v: None)
    client = env.execute_async("unbounded")
    time.sleep(1.0)
    assert client.get_job_status().result() == JobStatus.RUNNING
    client.cancel().result()
    assert client.get_job_status().result() == JobStatus.CANCELED
    with pytest.raises(JobExecutionException, match="cancelled"):
        client.get_job_execution_result().result(timeout=10)


def test_closing_collect_early_cancels_the_job():
    env = StreamExecutionEnvironment.get_execution_environment()
    ds = env.from_generator(lambda i: i).map(lambda x: x * 2)
    with ds.execute_and_collect() as results:
        first = [next(results) for _ in range(5)]
    assert first == [0, 2, 4, 6, 8]


def test_collect_with_limit():
    env = StreamExecutionEnvironment.get_execution_environment()
    assert env.from_generator(lambda i: i).execute_and_collect(limit=3) == [0, 1, 2]


def test_backpressure_holds_the_source_back():
    """A slow sink must slow the source: in-flight records stay bounded by the channel credits."""

    class Slow(MapFunction):
        def map(self, value):
            time.sleep(0.001)
            return value

    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)
    env.from_generator(lambda i: i).disable_chaining().map(Slow()).disable_chaining() \
        .add_sink(lambda v: None)
    client = env.execute_async("backpressure")
    try:
        time.sleep(3.0)
        metrics = client.get_operator_metrics()
        produced = metrics["Source: Generator Source"][1]
        consumed = metrics["Map"][0]
        assert consumed > 100
        # 4 credits x 1024-record batches per channel, plus the batch being sent
        assert produced - consumed <= 6 * 1024, (produced, consumed)
    finally:
        client.cancel()

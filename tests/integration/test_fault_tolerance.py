"""Consistency levels proven by killing workers: a replayable source, keyed state and the
exactly-once FileSink, checkpoints every 150 ms, and worker processes SIGKILLed at random moments.
The committed output is compared with what a failure-free run produces."""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections import Counter
from pathlib import Path

import psutil
import pytest
from tests_support import BACKENDS, N, committed_lines, exactly_once_job, expected_lines

from weir.common import JobStatus
from weir.datastream import CheckpointingMode


def build_job(tmp_path: Path, mode: CheckpointingMode, rate: float | None,
              backend: str = "hashmap") -> tuple:
    return exactly_once_job(tmp_path, mode, rate, backend=backend)


def kill_workers_at_random(client, kills: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    killed = []
    me = psutil.Process(os.getpid())
    for _ in range(kills):
        time.sleep(rng.uniform(0.4, 1.0))
        deadline = time.monotonic() + 20
        while client.get_job_status().result() != JobStatus.RUNNING:
            if client.is_terminal() or time.monotonic() > deadline:
                return killed
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 0.3))
        workers = [p for p in me.children() if p.status() != psutil.STATUS_ZOMBIE]
        if not workers:
            return killed
        victim = rng.choice(workers)
        try:
            os.kill(victim.pid, signal.SIGKILL)
            killed.append(victim.pid)
        except ProcessLookupError:
            pass
    return killed


def run_with_kills(tmp_path: Path, mode: CheckpointingMode, kills: int, seed: int,
                   backend: str = "hashmap"):
    env, out = build_job(tmp_path, mode, rate=5000, backend=backend)
    client = env.execute_async(f"faults {mode.name}")
    killed: list[int] = []
    killer = threading.Thread(
        target=lambda: killed.extend(kill_workers_at_random(client, kills, seed)))
    killer.start()
    result = client.get_job_execution_result().result(timeout=180)
    killer.join()
    return result, committed_lines(out), killed, client


@pytest.mark.parametrize("backend", BACKENDS)
def test_failure_free_run_commits_exactly_the_expected_output(tmp_path, backend):
    env, out = build_job(tmp_path, CheckpointingMode.EXACTLY_ONCE, rate=None, backend=backend)
    env.execute("no faults")
    assert committed_lines(out) == expected_lines()
    assert not list(out.rglob(".*")), "no hidden in-progress or pending file is left behind"


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("seed", [1, 2])
def test_exactly_once_under_random_sigkills(tmp_path, seed, backend):
    result, lines, killed, client = run_with_kills(
        tmp_path, CheckpointingMode.EXACTLY_ONCE, kills=3, seed=seed, backend=backend)
    assert len(killed) >= 2, "the test must really kill workers"
    stats = client.get_checkpoint_stats()
    assert stats["counts"]["restarts"] >= 2
    assert stats["counts"]["completed"] >= 3
    assert lines == expected_lines()  # nothing lost, nothing duplicated


def test_at_least_once_loses_nothing(tmp_path):
    _, lines, killed, _ = run_with_kills(tmp_path, CheckpointingMode.AT_LEAST_ONCE, 3, seed=3)
    assert len(killed) >= 2
    seen = {int(line.split(",")[2]) for line in lines}
    assert seen == set(range(N))


def test_at_most_once_duplicates_nothing(tmp_path):
    _, lines, killed, _ = run_with_kills(tmp_path, CheckpointingMode.AT_MOST_ONCE, 3, seed=4)
    assert len(killed) >= 2
    values = Counter(int(line.split(",")[2]) for line in lines)
    assert all(c == 1 for c in values.values()), "a record was emitted twice"
    assert set(values) <= set(range(N))


@pytest.mark.parametrize("backend", ["hashmap", "rocksdb"])
def test_unaligned_checkpoints_are_exactly_once_under_sigkills(tmp_path, backend):
    """Two source subtasks feed every keyed subtask, so barriers really arrive at different
    times and in-flight records are stored with the checkpoints. Interleaving differs between
    runs, so the check is per key: each record committed exactly once, counts 1..n without gaps."""
    from tests_support import KEYS, RunningCount, committed_lines, state_backend_named

    from weir.common import Encoder, RestartStrategies
    from weir.datastream import StreamExecutionEnvironment
    from weir.datastream.connectors.file_system import BucketAssigner, FileSink, RollingPolicy

    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(2)
    env.set_state_backend(state_backend_named(backend, f"file://{tmp_path / 'checkpoints'}"))
    env.enable_checkpointing(150, CheckpointingMode.EXACTLY_ONCE)
    env.get_checkpoint_config().enable_unaligned_checkpoints()
    env.set_restart_strategy(RestartStrategies.fixed_delay_restart(20, 200))
    out = tmp_path / "out"
    (env.from_generator(lambda i: i, count=N, records_per_second=5000)
        .key_by(lambda i: i % KEYS).process(RunningCount())
        .sink_to(FileSink.for_row_format(str(out), Encoder.simple_string_encoder())
                 .with_bucket_assigner(BucketAssigner.base_path_bucket_assigner())
                 .with_rolling_policy(RollingPolicy.on_checkpoint_rolling_policy()).build()))
    client = env.execute_async("unaligned")
    killed: list[int] = []
    killer = threading.Thread(
        target=lambda: killed.extend(kill_workers_at_random(client, 3, seed=11)))
    killer.start()
    client.get_job_execution_result().result(timeout=180)
    killer.join()
    assert len(killed) >= 2
    lines = committed_lines(out)
    values = Counter(int(line.split(",")[2]) for line in lines.elements())
    assert values == Counter(range(N)), "every record committed exactly once"
    per_key: dict[int, list[int]] = {}
    for line in lines.elements():
        key, count, _ = map(int, line.split(","))
        per_key.setdefault(key, []).append(count)
    for key, counts in per_key.items():
        assert sorted(counts) == list(range(1, len(counts) + 1)), f"key {key}: state lost or doubled"

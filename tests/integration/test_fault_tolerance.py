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

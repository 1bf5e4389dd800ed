"""Savepoints and rescaling: stop a job with a savepoint at parallelism 2, restore it at 3 and at 1;
every key's state and every source position carries over."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from weir.common import Types
from weir.datastream import StreamExecutionEnvironment
from weir.datastream.functions import KeyedProcessFunction
from weir.datastream.state import ValueStateDescriptor
from weir.runtime.checkpoint.errors import NoCheckpointError

N = 6000
KEYS = 101


class Count(KeyedProcessFunction):
    def open(self, runtime_context):
        self.count = runtime_context.get_state(ValueStateDescriptor("count", Types.LONG()))

    def process_element(self, value, ctx):
        count = (self.count.value() or 0) + 1
        self.count.update(count)
        yield ctx.get_current_key(), count


def program(tmp_path, parallelism: int, savepoint: str | None = None, backend: str = "hashmap"):
    from tests_support import state_backend_named

    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(parallelism)
    env.set_state_backend(state_backend_named(backend, str(tmp_path / "checkpoints")))
    env.enable_checkpointing(200)
    if savepoint:
        env.set_savepoint_restore(savepoint)
    counts = (env.from_generator(lambda i: i * 7919 % 1_000_003, count=N, records_per_second=3000)
              .uid("numbers")
              .key_by(lambda v: v % KEYS)
              .process(Count()).uid("counter"))
    return env, counts


def take_savepoint_midway(tmp_path, backend: str = "hashmap") -> str:
    env, counts = program(tmp_path, 2, backend=backend)
    counts.add_sink(lambda v: None)
    client = env.execute_async("before rescale")
    time.sleep(1.0)
    path = client.stop_with_savepoint(savepoint_directory=str(tmp_path / "savepoints")).result()
    client.get_job_execution_result().result(timeout=30)
    return path


def expected_final_counts() -> dict[int, int]:
    return dict(Counter((i * 7919 % 1_000_003) % KEYS for i in range(N)))


@pytest.mark.parametrize("backend", ["hashmap", "rocksdb", "rocksdb-incremental"])
@pytest.mark.parametrize("new_parallelism", [3, 1])
def test_rescaling_from_a_savepoint_keeps_every_key_and_position(tmp_path, new_parallelism,
                                                                 backend):
    savepoint = take_savepoint_midway(tmp_path, backend)
    env, counts = program(tmp_path, new_parallelism, savepoint, backend)
    results = list(counts.execute_and_collect("after rescale"))
    assert 0 < len(results) < N, "the restored job continues where the savepoint was taken"
    final: dict[int, int] = {}
    for key, count in results:
        final[key] = max(final.get(key, 0), count)
    # Every key's count restored from the savepoint plus what followed adds up to the total:
    # nothing lost or counted twice across the stop, the rescale and the split redistribution.
    assert final == expected_final_counts()


def test_restore_from_a_missing_savepoint_names_the_path(tmp_path):
    with pytest.raises(NoCheckpointError, match="no checkpoint metadata"):
        env, counts = program(tmp_path, 1, str(tmp_path / "nope"))
        counts.add_sink(lambda v: None)
        env.execute()


def test_unclaimed_state_is_refused_with_the_fix(tmp_path):
    savepoint = take_savepoint_midway(tmp_path)
    env = StreamExecutionEnvironment.get_execution_environment()
    env.enable_checkpointing(200)
    env.set_savepoint_restore(savepoint)
    env.from_generator(lambda i: i, count=10).uid("numbers").add_sink(lambda v: None)
    with pytest.raises(NoCheckpointError, match="ignore-unclaimed-state"):
        env.execute()


def test_corrupt_newest_checkpoint_falls_back_to_the_previous(tmp_path, caplog):
    """Corrupt a state file of the newest completed checkpoint, then kill a worker: recovery
    warns naming that file and restores the checkpoint before it. Nothing is lost; the records
    between the two checkpoints, whose output the sink had already committed with the newest
    one, are written again (falling back past a committed checkpoint cannot be exactly-once)."""
    import os
    import signal

    import psutil
    from tests_support import committed_lines, exactly_once_job, expected_lines

    env, out = exactly_once_job(tmp_path, interval_ms=1000, retained=3, rate=2500)
    client = env.execute_async("corrupt")
    master = client._master
    deadline = time.monotonic() + 30
    while len(master.coordinator.completed) < 2:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    newest = master.coordinator.completed[-1]
    while master.coordinator.completed[-1] is newest:  # right after a completion
        assert time.monotonic() < deadline
        time.sleep(0.005)
    newest = master.coordinator.completed[-1]
    victim_file = newest.tasks[-1].handle.url.removeprefix("file://")
    with open(victim_file, "r+b") as f:
        f.seek(-2, os.SEEK_END)
        byte = f.read(1)
        f.seek(-2, os.SEEK_END)
        f.write(bytes([byte[0] ^ 0xFF]))
    worker = psutil.Process(os.getpid()).children()[0]
    with caplog.at_level("INFO", logger="weir"):
        os.kill(worker.pid, signal.SIGKILL)
        client.get_job_execution_result().result(timeout=120)
    assert victim_file in caplog.text
    assert f"recovering job 'corrupt' from checkpoint {newest.checkpoint_id - 1}" in caplog.text
    lines, expected = committed_lines(out), expected_lines()
    assert set(lines) == set(expected)  # every record's output, with its exact running count
    duplicated = sum(lines.values()) - sum(expected.values())
    assert 0 < duplicated < 2500 * 1.5, "only the window between the two checkpoints repeats"

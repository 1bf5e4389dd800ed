"""Job builders shared by the fault-tolerance tests (a module of its own so worker processes can
import the functions the jobs use)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from weir.common import Encoder, RestartStrategies, Types
from weir.datastream import CheckpointingMode, StreamExecutionEnvironment
from weir.datastream.connectors.file_system import BucketAssigner, FileSink, RollingPolicy
from weir.datastream.functions import KeyedProcessFunction
from weir.datastream.state import ValueStateDescriptor
from weir.datastream.state_backend import FsStateBackend

N = 12_000
KEYS = 37


class RunningCount(KeyedProcessFunction):
    def open(self, runtime_context):
        self.count = runtime_context.get_state(ValueStateDescriptor("count", Types.LONG()))

    def process_element(self, value, ctx):
        count = (self.count.value() or 0) + 1
        self.count.update(count)
        yield f"{value % KEYS},{count},{value}"


def expected_lines() -> Counter:
    counts: Counter = Counter()
    lines = []
    for i in range(N):
        counts[i % KEYS] += 1
        lines.append(f"{i % KEYS},{counts[i % KEYS]},{i}")
    return Counter(lines)


def committed_lines(out: Path) -> Counter:
    lines: Counter = Counter()
    for path in out.rglob("*"):
        if path.is_file() and not path.name.startswith("."):
            lines.update(path.read_text().splitlines())
    return lines


def state_backend_named(name: str, checkpoint_uri: str):
    """The backends every fault-tolerance test runs on."""
    from weir.datastream.state_backend import RocksDBStateBackend

    if name.startswith("rocksdb"):
        # a tiny write-back cache so that state really lives in RocksDB during the test
        return RocksDBStateBackend(checkpoint_uri, name == "rocksdb-incremental",
                                   cache_entries=16)
    return FsStateBackend(checkpoint_uri)


BACKENDS = ["hashmap", "rocksdb", "rocksdb-incremental"]


def exactly_once_job(
    tmp_path: Path,
    mode: CheckpointingMode = CheckpointingMode.EXACTLY_ONCE,
    rate: float | None = 5000,
    interval_ms: int = 150,
    retained: int = 1,
    backend: str = "hashmap",
):
    """Generator (one subtask, so a failure-free run is deterministic) -> keyed running count
    (parallelism 2) -> exactly-once FileSink (parallelism 2)."""
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(2)
    env.set_state_backend(state_backend_named(backend, f"file://{tmp_path / 'checkpoints'}"))
    env.enable_checkpointing(interval_ms, mode)
    env.get_checkpoint_config().set_num_retained_checkpoints(retained)
    env.set_restart_strategy(RestartStrategies.fixed_delay_restart(20, 200))
    out = tmp_path / "out"
    sink = (FileSink.for_row_format(str(out), Encoder.simple_string_encoder())
            .with_bucket_assigner(BucketAssigner.base_path_bucket_assigner())
            .with_rolling_policy(RollingPolicy.on_checkpoint_rolling_policy())
            .build())
    (env.from_generator(lambda i: i, count=N, records_per_second=rate).set_parallelism(1)
        .key_by(lambda i: i % KEYS)
        .process(RunningCount())
        .sink_to(sink))
    return env, out

"""RocksDB state backend benchmarks, each against its baseline in the same run:

1. state access: the word count on RocksDB vs. on the hash-map backend (target >= 0.3);
2. state larger than memory: a keyed count over N distinct keys with RocksDB's memory capped,
   workers' peak RSS reported, and the counts checked.

    python bench/rocksdb_state.py [--words 5000000] [--keys 20000000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from word_count import PeakRss, add_word_count, make_input  # noqa: E402

from weir.datastream import StreamExecutionEnvironment  # noqa: E402
from weir.datastream.functions import SinkFunction  # noqa: E402
from weir.datastream.state_backend import EmbeddedRocksDBStateBackend, HashMapStateBackend  # noqa: E402


def word_count(path: str, words: int, backend, out_dir: str) -> float:
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)
    env.set_state_backend(backend)
    add_word_count(env, path, out_dir)
    start = time.perf_counter()
    env.execute("word count")
    return words / (time.perf_counter() - start)


class CountSeconds(SinkFunction):
    """Counts keys whose running count reached 2 (each key appears exactly twice)."""

    def __init__(self, out_dir: str) -> None:
        self.out_dir = out_dir

    def open(self, runtime_context) -> None:
        self.seconds = 0
        self.index = runtime_context.get_index_of_this_subtask()

    def write_batch(self, values) -> None:
        self.seconds += sum(1 for _, count in values if count == 2)

    def finish(self) -> None:
        with open(os.path.join(self.out_dir, f"seconds-{self.index}"), "w") as f:
            f.write(str(self.seconds))


def larger_than_memory(keys: int, tmp: str, parallelism: int) -> tuple[float, int, bool]:
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(parallelism)
    # 256 MB for the whole job (two workers): per worker a 20k-entry write-back cache, a 16 MB
    # block cache and 2 x 8 MB write buffers, besides the interpreter itself (~30 MB).
    env.set_state_backend(EmbeddedRocksDBStateBackend(
        local_dir=tmp, cache_entries=20_000, block_cache_mb=16, write_buffer_mb=8))
    (env.from_sequence(0, 2 * keys - 1)
        .map(lambda i: (i % keys, 1))
        .key_by(lambda t: t[0]).sum(1)
        .add_sink(CountSeconds(tmp)))
    with PeakRss() as rss:
        start = time.perf_counter()
        env.execute("larger than memory")
        elapsed = time.perf_counter() - start
    total = 0
    for name in os.listdir(tmp):
        if name.startswith("seconds-"):
            with open(os.path.join(tmp, name)) as f:
                total += int(f.read())
    return elapsed, rss.peak, total == keys


def incremental_vs_full(keys: int, tmp: str) -> tuple[int, int]:
    """Bytes uploaded by an incremental checkpoint after 1% of the keys changed, and the size of a
    full checkpoint of the same state."""
    from weir.api.state import ValueStateDescriptor
    from weir.runtime.checkpoint.storage import FileSystemCheckpointStorage
    from weir.state.key_groups import KeyGroupRange
    from weir.state.rocksdb.backend import RocksDBKeyedStateBackend

    storage = FileSystemCheckpointStorage(os.path.join(tmp, "ckpt"))
    backend = RocksDBKeyedStateBackend(KeyGroupRange(0, 127), 128, tmp, 100_000, 32 << 20,
                                       16 << 20, incremental=True)
    state = backend.get_partitioned_state(ValueStateDescriptor("v"))
    for k in range(keys):
        backend.set_current_key(k)
        state.update(("value", k))
    backend.snapshot()(storage, "bench", 1)
    backend.notify_checkpoint_complete(1)
    for k in range(0, keys, 100):  # 1% of the keys change
        backend.set_current_key(k)
        state.update(("changed", k))
    second = backend.snapshot()(storage, "bench", 2)
    incremental = sum(second["shared"][n][0].size for n in second["new"]) + sum(
        h.size for h, _ in second["private"].values())
    full = sum(len(v) for v in backend.snapshot(full=True)().values())
    backend.dispose()
    return incremental, full


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--words", type=int, default=5_000_000)
    parser.add_argument("--keys", type=int, default=20_000_000)
    parser.add_argument("--parallelism", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("WEIR_LOG_LEVEL", "WARNING")
    with tempfile.TemporaryDirectory(prefix="weir-bench-") as tmp:
        path = os.path.join(tmp, "input.txt")
        make_input(path, args.words)
        heap = word_count(path, args.words, HashMapStateBackend(), tmp)
        rocks = word_count(path, args.words, EmbeddedRocksDBStateBackend(local_dir=tmp), tmp)
        print(f"word count p=1: hash-map {heap / 1e6:.2f} M words/s, RocksDB {rocks / 1e6:.2f} "
              f"M words/s -> ratio {rocks / heap:.2f}")
        small = EmbeddedRocksDBStateBackend(local_dir=tmp, cache_entries=1000)
        rocks_small = word_count(path, args.words, small, tmp)
        print(f"  with a 1,000-entry cache (every access on a 10,000-word vocabulary misses "
              f"often): {rocks_small / 1e6:.2f} M words/s -> ratio {rocks_small / heap:.2f}")
    with tempfile.TemporaryDirectory(prefix="weir-bench-") as tmp:
        incremental, full = incremental_vs_full(1_000_000, tmp)
        print(f"1M keys, 1% changed: incremental checkpoint {incremental / 2**20:.1f} MiB vs "
              f"full {full / 2**20:.1f} MiB -> ratio {incremental / full:.3f}")
    with tempfile.TemporaryDirectory(prefix="weir-bench-") as tmp:
        elapsed, peak, ok = larger_than_memory(args.keys, tmp, args.parallelism)
        print(f"{args.keys:,} keys x 2 records on RocksDB (p={args.parallelism}): "
              f"{2 * args.keys / elapsed / 1e6:.2f} M records/s, {elapsed:.0f} s, workers' peak "
              f"RSS {peak / 2**20:.0f} MiB, counts {'right' if ok else 'WRONG'}")
        if not ok:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

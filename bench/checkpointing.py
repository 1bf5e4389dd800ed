"""Checkpointing costs, each measured against its baseline in the same run:

1. word-count throughput with a checkpoint every second vs. checkpointing off (target >= 0.9);
2. duration and size of a checkpoint holding 1M keys;
3. recovery time: from SIGKILL of a worker to the first record processed after the restore
   (target < 3 s with small state).

    python bench/checkpointing.py [--words 5000000] [--keys 1000000]
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import threading
import time

import psutil

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from word_count import add_word_count, make_input  # noqa: E402

from weir.common import RestartStrategies  # noqa: E402
from weir.datastream import StreamExecutionEnvironment  # noqa: E402
from weir.datastream.functions import MapFunction  # noqa: E402
from weir.datastream.state_backend import FsStateBackend  # noqa: E402


def word_count_rate(path: str, words: int, parallelism: int, checkpoint_dir: str | None,
                    out_dir: str) -> tuple[float, dict]:
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(parallelism)
    if checkpoint_dir:
        env.set_state_backend(FsStateBackend(checkpoint_dir))
        env.enable_checkpointing(1000)
    add_word_count(env, path, out_dir)
    client = env.execute_async("word count")
    start = time.perf_counter()
    client.wait()
    elapsed = time.perf_counter() - start
    return words / elapsed, client.get_checkpoint_stats()


def big_state_checkpoint(keys: int, checkpoint_dir: str) -> dict:
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)
    env.set_state_backend(FsStateBackend(checkpoint_dir))
    env.enable_checkpointing(60_000)  # only the final checkpoint, with every key in state
    (env.from_sequence(0, keys - 1).key_by(lambda k: k).sum(0).add_sink(lambda v: None))
    client = env.execute_async("1M keys")
    client.wait()
    return client.get_checkpoint_stats()["latest_completed"]


class TagAttempt(MapFunction):
    def open(self, runtime_context):
        self.attempt = runtime_context.get_attempt_number()

    def map(self, value):
        return self.attempt


def recovery_seconds(checkpoint_dir: str, repeats: int = 3) -> list[float]:
    times = []
    for _ in range(repeats):
        env = StreamExecutionEnvironment.get_execution_environment()
        env.set_parallelism(2)
        env.set_state_backend(FsStateBackend(checkpoint_dir))
        env.enable_checkpointing(200)
        env.set_restart_strategy(RestartStrategies.fixed_delay_restart(3, 0))
        ds = (env.from_generator(lambda i: i, records_per_second=2000)
              .key_by(lambda v: v % 100).sum(0).map(TagAttempt()))
        with ds.execute_and_collect() as results:
            next(results)
            time.sleep(1.0)
            workers = psutil.Process(os.getpid()).children()
            killed_at = time.monotonic()
            os.kill(workers[0].pid, signal.SIGKILL)
            for attempt in results:
                if attempt >= 1:
                    times.append(time.monotonic() - killed_at)
                    break
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--words", type=int, default=5_000_000)
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--parallelism", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("WEIR_LOG_LEVEL", "WARNING")
    with tempfile.TemporaryDirectory(prefix="weir-bench-") as tmp:
        path = os.path.join(tmp, "input.txt")
        make_input(path, args.words)
        off, _ = word_count_rate(path, args.words, args.parallelism, None, tmp)
        on, stats = word_count_rate(path, args.words, args.parallelism,
                                    f"file://{tmp}/ckpt", tmp)
        print(f"word count p={args.parallelism}: checkpointing off {off / 1e6:.2f} M words/s, "
              f"every 1 s {on / 1e6:.2f} M words/s -> ratio {on / off:.2f} "
              f"({stats['counts']['completed']} checkpoints)")

        threading.Event().wait(0.5)
        latest = big_state_checkpoint(args.keys, f"file://{tmp}/big")
        print(f"checkpoint of {args.keys:,} keys: {latest['duration_ms']:.0f} ms end to end "
              f"(sync {latest['max_sync_ms']:.0f} ms, async {latest['max_async_ms']:.0f} ms), "
              f"{latest['size'] / 2**20:.1f} MiB")

        times = recovery_seconds(f"file://{tmp}/rec")
        print("recovery from SIGKILL to the first record after restore: "
              + ", ".join(f"{t:.2f} s" for t in times)
              + f" (median {sorted(times)[len(times) // 2]:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

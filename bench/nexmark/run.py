"""Nexmark throughput per query: events per second per core (parallelism 1), with a checkpoint
every 10 s (exactly-once) on the hash-map and the RocksDB backends. The generator's own cost is
measured in the same run as the baseline (q-gen: generate and discard).

    python bench/nexmark/run.py [--events 200000] [--queries q0 q1 ...] [--backends hashmap rocksdb]

Published per-core figures for Flink (Java, RocksDB, nexmark repository): about 155-175K events/s
for q0-q2, 22K for q5, 12K for q7.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from nexmark.generator import NexmarkConfig  # noqa: E402
from nexmark.queries import QUERIES, event_stream  # noqa: E402
from weir.datastream import CheckpointingMode, StreamExecutionEnvironment  # noqa: E402
from weir.datastream.state_backend import EmbeddedRocksDBStateBackend, FsStateBackend  # noqa: E402

FLINK_PER_CORE = {"q0": 165_000, "q1": 165_000, "q2": 165_000, "q5": 22_000, "q7": 12_000}


class Discard:
    def write_batch(self, values):
        pass

    def invoke(self, value, context):
        pass


def run(query: str | None, config: NexmarkConfig, backend: str, tmp: str) -> float:
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)
    checkpoints = f"file://{tmp}/ckpt-{query}-{backend}"
    if backend == "rocksdb":
        env.set_state_backend(EmbeddedRocksDBStateBackend(local_dir=tmp))
        env.get_checkpoint_config().set_checkpoint_storage_dir(checkpoints)
    else:
        env.set_state_backend(FsStateBackend(checkpoints))
    env.enable_checkpointing(10_000, CheckpointingMode.EXACTLY_ONCE)
    events = event_stream(env, config)
    result = QUERIES[query](events) if query else events
    result.add_sink(Discard())
    start = time.perf_counter()
    env.execute(f"nexmark {query or 'generator'}")
    return config.events / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--queries", nargs="+", default=list(QUERIES))
    parser.add_argument("--backends", nargs="+", default=["hashmap", "rocksdb"])
    args = parser.parse_args()
    os.environ.setdefault("WEIR_LOG_LEVEL", "WARNING")
    config = NexmarkConfig(events=args.events, inter_event_delay_ms=0.1)
    with tempfile.TemporaryDirectory(prefix="weir-nexmark-") as tmp:
        base = run(None, config, "hashmap", tmp)
        print(f"generator alone: {base / 1e3:.0f}K events/s per core")
        for query in args.queries:
            row = []
            for backend in args.backends:
                rate = run(query, config, backend, tmp)
                row.append(f"{backend} {rate / 1e3:5.0f}K ({rate / base:.2f}x generator)")
            flink = FLINK_PER_CORE.get(query)
            reference = f"; Flink ~{flink / 1e3:.0f}K" if flink else ""
            print(f"{query:>4}: " + ", ".join(row) + reference)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Word-count throughput: weir at parallelism 1 and 2 against a hand-written Python pipeline.

All runs read the same generated text file (10M words by default) in one invocation, so the
ratios compare like with like on whatever the machine is doing now. Each weir run also checks that
its final counts equal the hand-written pipeline's, and reports the workers' peak RSS.

    python bench/word_count.py [--words 10000000] [--parallelism 1 2]
"""

from __future__ import annotations

import argparse
import glob
import os
import pickle
import random
import sys
import tempfile
import threading
import time

import psutil

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from weir.datastream import StreamExecutionEnvironment  # noqa: E402
from weir.datastream.functions import SinkFunction  # noqa: E402


def make_input(
    path: str, words: int, vocabulary: int = 10_000, seed: int = 7, distribution: str = "uniform"
) -> None:
    """Lines of 10 words drawn from a fixed vocabulary. ``uniform`` spreads keys evenly over the
    subtasks, which is what a scaling measurement needs; ``zipf`` is closer to natural text, where
    the most frequent word alone is ~10% of the input and bounds the speed-up of a keyed count."""
    rng = random.Random(seed)
    vocab = [f"w{i:x}{'abcdefgh'[i % 8] * (1 + i % 5)}" for i in range(vocabulary)]
    weights = (
        [1.0 / (rank + 1) for rank in range(vocabulary)] if distribution == "zipf" else None
    )
    per_line = 10
    with open(path, "w", encoding="utf-8") as f:
        remaining = words
        while remaining > 0:
            n = min(per_line * 10000, remaining)
            chosen = rng.choices(vocab, weights, k=n)  # type: ignore[arg-type]
            f.write("\n".join(" ".join(chosen[i:i + per_line]) for i in range(0, n, per_line)))
            f.write("\n")
            remaining -= n


def hand_written(path: str) -> dict[str, int]:
    def words(lines):
        for line in lines:
            yield from line.split()

    counts: dict[str, int] = {}
    get = counts.get
    with open(path, encoding="utf-8") as f:
        for word in words(f):
            counts[word] = get(word, 0) + 1
    return counts


class LatestCountSink(SinkFunction):
    """Keeps the latest count per word and writes them out at the end (to check correctness)."""

    def __init__(self, out_dir: str) -> None:
        self.out_dir = out_dir

    def open(self, runtime_context) -> None:
        self.latest: dict[str, int] = {}
        self.index = runtime_context.get_index_of_this_subtask()

    def write_batch(self, values) -> None:
        latest = self.latest
        for word, count in values:
            latest[word] = count

    def finish(self) -> None:
        with open(os.path.join(self.out_dir, f"counts-{self.index}.pkl"), "wb") as f:
            pickle.dump(self.latest, f)


class PeakRss:
    """Samples the summed RSS of this process's worker children."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(0.1):
            total = 0
            for child in me.children(recursive=True):
                try:
                    total += child.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def add_word_count(env: StreamExecutionEnvironment, path: str, out_dir: str) -> None:
    """The benchmarked job: running word counts of a text file into a LatestCountSink."""
    (
        env.read_text_file(path)
        .flat_map(lambda line: [(w, 1) for w in line.split()])
        .key_by(lambda t: t[0])
        .sum(1)
        .add_sink(LatestCountSink(out_dir))
    )


def run_weir(path: str, parallelism: int, out_dir: str) -> tuple[float, dict[str, int], int]:
    for old in glob.glob(os.path.join(out_dir, "counts-*.pkl")):
        os.remove(old)
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(parallelism)
    add_word_count(env, path, out_dir)
    with PeakRss() as rss:
        start = time.perf_counter()
        env.execute(f"word count p={parallelism}")
        elapsed = time.perf_counter() - start
    merged: dict[str, int] = {}
    for part in glob.glob(os.path.join(out_dir, "counts-*.pkl")):
        with open(part, "rb") as f:
            merged.update(pickle.load(f))
    return elapsed, merged, rss.peak


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--words", type=int, default=10_000_000)
    parser.add_argument("--parallelism", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--distribution", choices=["uniform", "zipf"], default="uniform")
    args = parser.parse_args()
    os.environ.setdefault("WEIR_LOG_LEVEL", "WARNING")
    with tempfile.TemporaryDirectory(prefix="weir-bench-") as tmp:
        path = os.path.join(tmp, "input.txt")
        make_input(path, args.words, distribution=args.distribution)
        print(f"input: {args.words:,} words ({args.distribution}), "
              f"{os.path.getsize(path) / 1e6:.0f} MB")

        start = time.perf_counter()
        expected = hand_written(path)
        baseline = args.words / (time.perf_counter() - start)
        print(f"hand-written pipeline: {baseline / 1e6:6.2f} M words/s")

        rates: dict[int, float] = {}
        for p in args.parallelism:
            elapsed, counts, peak = run_weir(path, p, tmp)
            rates[p] = args.words / elapsed
            ok = "counts OK" if counts == expected else "COUNTS WRONG"
            print(
                f"weir parallelism {p}:   {rates[p] / 1e6:6.2f} M words/s  "
                f"({rates[p] / baseline:.2f}x hand-written; workers' peak RSS "
                f"{peak / 2**20:.0f} MiB; {ok})"
            )
            if counts != expected:
                return 1
        if 1 in rates:
            for p, rate in rates.items():
                if p != 1:
                    print(f"parallelism {p} / parallelism 1: {rate / rates[1]:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The examples and PyFlink-style programs, run as a user runs them: a separate Python process."""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter, defaultdict
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_script(code_or_path: str | Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    if isinstance(code_or_path, Path):
        cmd = [sys.executable, str(code_or_path), *args]
    else:
        cmd = [sys.executable, "-c", textwrap.dedent(code_or_path), *args]
    env = dict(os.environ, WEIR_LOG_LEVEL="WARNING")
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env)


def strip_prefix(line: str) -> str:
    head, sep, rest = line.partition("> ")
    return rest if sep and head.isdigit() else line


@pytest.mark.parametrize("parallelism", [1, 2, 4])
def test_state_access_example(parallelism):
    result = run_script(ROOT / "examples" / "state_access.py", str(parallelism))
    assert result.returncode == 0, result.stderr
    rows = [ast.literal_eval(strip_prefix(line)) for line in result.stdout.splitlines()]
    per_key = defaultdict(list)
    for name, total in rows:
        per_key[name].append(total)
    assert per_key == {
        "alice": [12.5, 19.75, 20.0],
        "bob": [3.0, 7.5, 17.5],
        "carol": [1.0, 3.0],
    }
    if parallelism == 1:
        assert not any("> " in line for line in result.stdout.splitlines())


def test_seed_word_count_example_runs_and_counts():
    result = run_script(ROOT / "examples" / "word_count.py", "--rate", "1000", "--repeat", "2")
    assert result.returncode == 0, result.stderr
    text = (ROOT / "examples" / "data" / "river.txt").read_text().lower().split()
    expected = Counter(text * 2)
    final = {}
    for line in result.stdout.splitlines():
        word, count = ast.literal_eval(strip_prefix(line))
        final[word] = max(final.get(word, 0), count)
    assert final == dict(expected)


PYFLINK_STATE_ACCESS = """
from weir.common.typeinfo import Types
from weir.datastream import StreamExecutionEnvironment
from weir.datastream.functions import KeyedProcessFunction, RuntimeContext
from weir.datastream.state import ValueStateDescriptor


class RunningSum(KeyedProcessFunction):

    def __init__(self):
        self.state = None

    def open(self, runtime_context: RuntimeContext):
        self.state = runtime_context.get_state(
            ValueStateDescriptor("sum", Types.PICKLED_BYTE_ARRAY()))

    def process_element(self, value, ctx: 'KeyedProcessFunction.Context'):
        current = self.state.value()
        if current is None:
            current = 0
        current += value[1]
        self.state.update(current)
        yield value[0], current


env = StreamExecutionEnvironment.get_execution_environment()
import sys
env.set_parallelism(int(sys.argv[1]))
ds = env.from_collection(
    collection=[('Alice', 110.1), ('Bob', 30.2), ('Alice', 20.0), ('Bob', 53.1),
                ('Alice', 13.1), ('Bob', 3.1), ('Bob', 16.1), ('Alice', 20.1)])
ds.key_by(lambda value: value[0]).process(RunningSum()).print()
env.execute()
"""


@pytest.mark.parametrize("parallelism", [1, 2, 4])
def test_pyflink_state_access_program(parallelism):
    """PyFlink's state-access example, written against PyFlink's API with weir imports."""
    result = run_script(PYFLINK_STATE_ACCESS, str(parallelism))
    assert result.returncode == 0, result.stderr
    rows = [ast.literal_eval(strip_prefix(line)) for line in result.stdout.splitlines()]
    by_key = defaultdict(list)
    for name, total in rows:
        by_key[name].append(total)
    alice, bob = [110.1, 20.0, 13.1, 20.1], [30.2, 53.1, 3.1, 16.1]

    def running(values):
        out, acc = [], 0
        for v in values:
            acc += v
            out.append(acc)
        return out

    assert by_key == {"Alice": running(alice), "Bob": running(bob)}


def test_ctrl_c_cancels_the_job_and_leaves_no_workers():
    code = """
    from weir.datastream import StreamExecutionEnvironment
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(2)
    env.from_generator(lambda i: i, records_per_second=100).key_by(lambda x: x % 3).sum(0) \\
       .add_sink(lambda v: None)
    print("started", flush=True)
    try:
        env.execute("until ctrl-c")
    except KeyboardInterrupt:
        print("interrupted", flush=True)
    """
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )
    try:
        assert proc.stdout.readline().strip() == "started"
        me = psutil.Process(proc.pid)
        deadline = time.monotonic() + 20
        while len(me.children()) < 2:
            assert time.monotonic() < deadline, "workers did not start"
            time.sleep(0.05)
        workers = me.children()
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
        assert "interrupted" in out, err
        assert proc.returncode == 0
        gone, alive = psutil.wait_procs(workers, timeout=5)
        assert not alive
    finally:
        if proc.poll() is None:
            proc.kill()


def test_killing_the_client_process_takes_the_workers_down():
    code = """
    from weir.datastream import StreamExecutionEnvironment
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(2)
    env.from_generator(lambda i: i).add_sink(lambda v: None)
    env.execute()
    """
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT,
                            stderr=subprocess.DEVNULL)
    me = psutil.Process(proc.pid)
    deadline = time.monotonic() + 20
    while len(me.children()) < 2:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    workers = me.children()
    proc.kill()
    proc.wait()
    gone, alive = psutil.wait_procs(workers, timeout=5)
    for p in alive:
        p.kill()
    assert not alive, "workers outlived a SIGKILLed JobManager"


PYFLINK_STYLE_WINDOWS = """
from typing import Iterable

from weir.common import Types, WatermarkStrategy
from weir.common.watermark_strategy import TimestampAssigner
from weir.datastream import StreamExecutionEnvironment, ProcessWindowFunction, WindowFunction
from weir.datastream.window import (CountWindow, EventTimeSessionWindows,
                                    SessionWindowTimeGapExtractor, TimeWindow)


class SecondField(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp) -> int:
        return int(value[1])


class GapFromValue(SessionWindowTimeGapExtractor):
    def extract(self, element: tuple) -> int:
        return element[1]


class SessionSize(ProcessWindowFunction[tuple, tuple, str, TimeWindow]):
    def process(self, key: str, context: ProcessWindowFunction.Context[TimeWindow],
                elements: Iterable[tuple]) -> Iterable[tuple]:
        return [(key, context.window().start, context.window().end, len(list(elements)))]


class Total(WindowFunction[tuple, tuple, str, CountWindow]):
    def apply(self, key: str, window: CountWindow, inputs: Iterable[tuple]):
        return [(key, sum(i[0] for i in inputs))]


env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(1)
events = env.from_collection(
    [("k", 2), ("k", 3), ("k", 5), ("k", 6), ("k", 12), ("k", 12), ("k", 20)],
    type_info=Types.TUPLE([Types.STRING(), Types.INT()]))
(events.assign_timestamps_and_watermarks(
    WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(SecondField()))
    .key_by(lambda x: x[0], key_type=Types.STRING())
    .window(EventTimeSessionWindows.with_dynamic_gap(GapFromValue()))
    .process(SessionSize(), Types.TUPLE([Types.STRING(), Types.INT(), Types.INT(), Types.INT()]))
    .print())
numbers = env.from_collection([(1, "x"), (2, "y"), (3, "x"), (4, "y"), (5, "x"), (6, "y"),
                               (7, "y")], type_info=Types.TUPLE([Types.INT(), Types.STRING()]))
(numbers.key_by(lambda x: x[1], key_type=Types.STRING()).count_window(3)
    .apply(Total(), Types.TUPLE([Types.STRING(), Types.INT()])).print())
env.execute()
"""


def test_pyflink_style_windowing_program_prints_like_flink():
    result = run_script(PYFLINK_STYLE_WINDOWS)
    assert result.returncode == 0, result.stderr
    # sessions with gap = the value: [2,4) [3,6) [5,10) [6,12) [12,24) [12,24) [20,40) all
    # merge — Flink's windows intersect when one ends where the next starts — into [2,40)
    assert sorted(result.stdout.splitlines()) == sorted(["(k,2,40,7)", "(x,9)", "(y,12)"])

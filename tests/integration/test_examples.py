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

"""The ``weir`` command line: running a script, restoring it from a savepoint, clear errors."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

JOB = """
import sys
from weir.datastream import StreamExecutionEnvironment
from weir.datastream.state_backend import FsStateBackend

env = StreamExecutionEnvironment.get_execution_environment()
env.set_state_backend(FsStateBackend(sys.argv[1]))
env.enable_checkpointing(200)
counts = (env.from_generator(lambda i: i, count=3000, records_per_second=1500).uid("numbers")
          .key_by(lambda v: v % 3).sum(0).uid("sums"))
if len(sys.argv) > 2:
    client = None
    counts.add_sink(lambda v: None)
    client = env.execute_async("cli job")
    import time
    time.sleep(0.8)
    print(client.stop_with_savepoint(savepoint_directory=sys.argv[2]).result(), flush=True)
else:
    final = {}
    for value in counts.execute_and_collect():
        final[value % 3] = value
    print(sorted(final.items()))
"""


def weir(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "weir", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_run_from_savepoint_continues_the_job(tmp_path):
    script = tmp_path / "job.py"
    script.write_text(textwrap.dedent(JOB))
    first = weir("run", str(script), str(tmp_path / "ckpt"), str(tmp_path / "sp"))
    assert first.returncode == 0, first.stderr
    savepoint = first.stdout.strip().splitlines()[-1]
    info = weir("savepoint-info", savepoint)
    assert info.returncode == 0 and "all files intact" in info.stdout, info.stderr
    start = time.monotonic()
    second = weir("run", "--from-savepoint", savepoint, str(script), str(tmp_path / "ckpt"))
    assert second.returncode == 0, second.stderr
    totals = {r: sum(v for v in range(3000) if v % 3 == r) for r in range(3)}
    # the running sums after the restore end at the totals over the whole input
    assert second.stdout.strip().splitlines()[-1] == str(sorted(
        {r: totals[r] for r in range(3)}.items()))
    assert time.monotonic() - start < 60


def test_cli_errors_are_one_line_with_the_fix(tmp_path):
    missing = weir("run", str(tmp_path / "nope.py"))
    assert missing.returncode == 2 and "no such job script" in missing.stderr
    assert "Traceback" not in missing.stderr
    script = tmp_path / "job.py"
    script.write_text("print('never runs')")
    bad = weir("run", "--from-savepoint", str(tmp_path / "none"), str(script))
    assert bad.returncode == 2 and "no checkpoint metadata" in bad.stderr
    assert "Traceback" not in bad.stderr and "never runs" not in bad.stdout

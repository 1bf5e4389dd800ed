"""``weir run [--from-savepoint PATH] [--parallelism N] script.py [args...]``

Runs a job script (a PyFlink-style program ending in ``env.execute()``) the way Flink's CLI does,
with options that apply to the environments it creates:

    weir run examples/word_count.py
    weir run --from-savepoint /tmp/savepoints/savepoint-1a2b3c-0f0f0f0f job.py
    weir savepoint-info /tmp/savepoints/savepoint-1a2b3c-0f0f0f0f

User mistakes (a missing script, a savepoint directory without metadata) are reported in one line
with what to do, not as a traceback.
"""

from __future__ import annotations

import argparse
import os
import runpy
import sys

from weir.runtime.checkpoint.errors import CheckpointError
from weir.runtime.jobmanager.errors import JobExecutionException


def _run(args: argparse.Namespace) -> int:
    if not os.path.isfile(args.script):
        print(f"weir: no such job script: {args.script}", file=sys.stderr)
        return 2
    if args.from_savepoint:
        from weir.runtime.checkpoint.metadata import load_external

        load_external(args.from_savepoint)  # fail fast, with the path in the message
        os.environ["WEIR_SAVEPOINT_PATH"] = args.from_savepoint
    if args.parallelism:
        os.environ["WEIR_DEFAULT_PARALLELISM"] = str(args.parallelism)
    sys.argv = [args.script, *args.script_args]
    sys.path.insert(0, os.path.dirname(os.path.abspath(args.script)))
    runpy.run_path(args.script, run_name="__main__")
    return 0


def _savepoint_info(args: argparse.Namespace) -> int:
    from weir.runtime.checkpoint.metadata import load_external

    checkpoint = load_external(args.path)
    checkpoint.verify()
    kind = "savepoint" if checkpoint.is_savepoint else "checkpoint"
    print(f"{kind} {checkpoint.checkpoint_id} of job '{checkpoint.job_name}' "
          f"({checkpoint.job_id}), {checkpoint.size} bytes, all files intact")
    for uid, state in sorted(checkpoint.operator_states().items()):
        print(f"  operator {uid}: parallelism {state.parallelism}, "
              f"max parallelism {state.max_parallelism}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="weir", description="Run weir jobs.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run a job script")
    run.add_argument("--from-savepoint", "-s", metavar="PATH",
                     help="restore the job's state from a savepoint or retained checkpoint")
    run.add_argument("--parallelism", "-p", type=int, help="default parallelism")
    run.add_argument("script")
    run.add_argument("script_args", nargs=argparse.REMAINDER)
    run.set_defaults(handler=_run)
    info = commands.add_parser("savepoint-info", help="describe and verify a savepoint")
    info.add_argument("path")
    info.set_defaults(handler=_savepoint_info)
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except CheckpointError as exc:
        print(f"weir: {exc}", file=sys.stderr)
        return 2
    except JobExecutionException as exc:
        print(f"weir: {str(exc).splitlines()[0]}", file=sys.stderr)
        print(str(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("weir: cancelled", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

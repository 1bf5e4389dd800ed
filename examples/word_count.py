"""The seed's word count: running counts of the words in a text stream.

By default it reads a bundled text as a rate-limited stream; point it at a socket instead with::

    nc -lk 9999                                    # in one terminal; type lines into it
    python examples/word_count.py --socket localhost:9999

Run it with ``make run`` (``make run ARGS="--socket localhost:9999"``).
"""

from __future__ import annotations

import argparse
import os
import sys

from weir.datastream import StreamExecutionEnvironment
from weir.datastream.state_backend import FsStateBackend

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "river.txt")


def build(env: StreamExecutionEnvironment, args: argparse.Namespace):
    if args.socket:
        host, _, port = args.socket.rpartition(":")
        text = env.socket_text_stream(host or "localhost", int(port))
    else:
        with open(DATA, encoding="utf-8") as f:
            lines = [line.strip() for line in f if line.strip()]
        text = env.from_generator(
            lambda i: lines[i % len(lines)], count=len(lines) * args.repeat,
            records_per_second=args.rate,
        )
    counts = (
        text.flat_map(lambda line: [(word, 1) for word in line.lower().split()])
        .key_by(lambda pair: pair[0])
        .sum(1)
    )
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--socket", help="read lines from HOST:PORT instead of the bundled text")
    parser.add_argument("--parallelism", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3, help="times to stream the bundled text")
    parser.add_argument("--rate", type=float, default=20.0, help="lines per second")
    parser.add_argument("--checkpoints", default="file:///tmp/weir-checkpoints")
    args = parser.parse_args(argv)

    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(args.parallelism)
    env.set_state_backend(FsStateBackend(args.checkpoints))
    env.enable_checkpointing(1000)
    build(env, args).print()
    try:
        env.execute("word count")
    except KeyboardInterrupt:
        print("cancelled", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())

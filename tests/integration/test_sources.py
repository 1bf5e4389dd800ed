"""Sources on real workers: text files split across readers, sockets, generators."""

from __future__ import annotations

import socket
import threading

import pytest

from weir.datastream import StreamExecutionEnvironment
from weir.runtime.jobmanager.errors import JobExecutionException


@pytest.mark.parametrize("parallelism", [1, 3])
def test_read_text_file_reads_every_line_once(tmp_path, parallelism):
    lines = [f"line {i} " + "x" * (i % 37) for i in range(5000)]
    (tmp_path / "a.txt").write_text("\n".join(lines[:3000]) + "\n")
    (tmp_path / "b.txt").write_text("\n".join(lines[3000:]))  # no trailing newline
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(parallelism)
    out = list(env.read_text_file(str(tmp_path)).execute_and_collect())
    assert sorted(out) == sorted(lines)


def test_missing_input_file_is_a_clear_error(tmp_path):
    env = StreamExecutionEnvironment.get_execution_environment()
    with pytest.raises(FileNotFoundError, match="does not exist"):
        env.read_text_file(str(tmp_path / "nope.txt"))


def _serve_lines(lines: list[str]) -> tuple[int, threading.Thread]:
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def serve():
        conn, _ = server.accept()
        with conn:
            for line in lines:
                conn.sendall((line + "\n").encode())
        server.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return port, thread


def test_socket_word_count():
    port, thread = _serve_lines(["hello world", "hello weir"])
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(2)
    counts = (env.socket_text_stream("127.0.0.1", port, max_retry=0)
              .flat_map(lambda line: [(w, 1) for w in line.split()])
              .key_by(lambda t: t[0]).sum(1))
    out = list(counts.execute_and_collect())
    thread.join(5)
    assert sorted(out) == [("hello", 1), ("hello", 2), ("weir", 1), ("world", 1)]


def test_socket_without_server_explains_what_to_do():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens on this port now
    env = StreamExecutionEnvironment.get_execution_environment()
    env.socket_text_stream("127.0.0.1", port, max_retry=1).print()
    with pytest.raises(JobExecutionException, match=f"nc -lk {port}"):
        env.execute()


def test_generator_rate_limit():
    import time

    env = StreamExecutionEnvironment.get_execution_environment()
    start = time.monotonic()
    out = list(env.from_generator(lambda i: i, count=200, records_per_second=200)
               .execute_and_collect())
    assert out == list(range(200))
    assert time.monotonic() - start >= 0.9

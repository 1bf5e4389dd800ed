"""``socket_text_stream``: lines from a TCP server, parallelism 1.

Not replayable: what the server sent before a failure cannot be read again, so with this source
exactly-once holds only for the records that reached a checkpoint; the rest are lost (at-most-once
for in-flight data). Use a file or a replayable message queue where that matters.
"""

from __future__ import annotations

import logging
import socket
import time
from typing import Any

from weir.connectors.base import Source, SourceReader

log = logging.getLogger("weir.connectors.socket")


class SocketSourceError(ConnectionError):
    pass


class SocketTextReader(SourceReader):
    def __init__(self, host: str, port: int, delimiter: str, max_retry: int) -> None:
        self.host, self.port, self.max_retry = host, port, max_retry
        self.delimiter = delimiter.encode()
        self._sock: socket.socket | None = None
        self._buffer = b""
        self._attempts = 0
        self._next_attempt = 0.0
        self._ended = False
        self._ever_connected = False

    def _fail_or_wait(self, reason: str) -> None:
        self._attempts += 1
        if 0 <= self.max_retry < self._attempts:
            raise SocketSourceError(
                f"cannot read from {self.host}:{self.port} ({reason}) after {self._attempts} "
                f"attempt(s). Is the server running? For a quick test start one with "
                f"`nc -lk {self.port}`, or pass max_retry=-1 to keep retrying."
            )
        log.warning(
            "socket source: cannot connect to %s:%s (%s); is the server running (e.g. "
            "`nc -lk %s`)? Retrying in 1 s", self.host, self.port, reason, self.port,
        )
        self._next_attempt = time.monotonic() + 1.0

    def _connect(self) -> None:
        if time.monotonic() < self._next_attempt:
            time.sleep(0.05)
            return
        try:
            sock = socket.create_connection((self.host, self.port), timeout=2.0)
        except OSError as exc:
            self._fail_or_wait(exc.strerror or str(exc))
            return
        sock.settimeout(0.1)
        self._sock = sock
        self._attempts = 0
        if self._ever_connected:
            log.warning("socket source: reconnected to %s:%s", self.host, self.port)
        self._ever_connected = True

    def poll(self, max_records: int) -> list[Any] | None:
        if self._ended:
            return None
        if self._sock is None:
            self._connect()
            return []
        try:
            data = self._sock.recv(1 << 16)
        except TimeoutError:
            return []
        except OSError as exc:
            data = b""
            log.warning("socket source: connection to %s:%s failed: %s", self.host, self.port, exc)
        if not data:
            self._sock.close()
            self._sock = None
            rest = self._buffer
            self._buffer = b""
            if self.max_retry == 0:
                self._ended = True
            else:
                log.warning("socket source: %s:%s closed the connection; reconnecting",
                            self.host, self.port)
                self._next_attempt = time.monotonic() + 1.0
            return [rest.decode("utf-8", "replace")] if rest else []
        self._buffer += data
        parts = self._buffer.split(self.delimiter)
        self._buffer = parts.pop()
        return [p.decode("utf-8", "replace").rstrip("\r") for p in parts]

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()


class SocketTextSource(Source):
    parallel = False
    bounded = False
    replayable = False

    def __init__(self, host: str, port: int, delimiter: str = "\n", max_retry: int = -1) -> None:
        if not 0 < int(port) < 65536:
            raise ValueError(f"port must be between 1 and 65535, got {port}")
        self.host, self.port, self.delimiter, self.max_retry = host, int(port), delimiter, max_retry

    def create_reader(self, subtask_index: int, parallelism: int) -> SourceReader:
        return SocketTextReader(self.host, self.port, self.delimiter, self.max_retry)

    def restore_reader(self, splits: list[Any], parallelism: int = 1) -> SourceReader:
        return self.create_reader(0, 1)  # what was sent before the failure is gone

    def default_name(self) -> str:
        return "Socket Stream"

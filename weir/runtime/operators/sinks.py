"""Sink operators: print, user SinkFunctions, SinkWriters and the collect sink."""

from __future__ import annotations

import os
import sys
from typing import Any

from weir.common.typeinfo import display_string
from weir.connectors.base import SinkWriter
from weir.runtime.operators.base import StreamOperator
from weir.runtime.operators.runtime_context import StreamingRuntimeContext
from weir.runtime.operators.udf import user_method

_PIPE_BUF = 4096


def write_lines_atomically(fd: int, lines: list[str]) -> None:
    """Write whole lines in chunks of at most PIPE_BUF bytes, so that lines printed by several
    TaskManager processes sharing one terminal or pipe never interleave mid-line."""
    chunk: list[bytes] = []
    size = 0
    for line in lines:
        data = line.encode("utf-8", "replace")
        if size + len(data) > _PIPE_BUF and chunk:
            os.write(fd, b"".join(chunk))
            chunk, size = [], 0
        chunk.append(data)
        size += len(data)
    if chunk:
        os.write(fd, b"".join(chunk))


class PrintSinkOperator(StreamOperator):
    """``DataStream.print()``: one line per record, ``N> `` prefixed when parallelism > 1."""

    def __init__(
        self, name: str, type_info: Any = None, sink_identifier: str | None = None,
        to_stderr: bool = False,
    ) -> None:
        super().__init__(name)
        self.type_info = type_info
        self.sink_identifier = sink_identifier
        self.to_stderr = to_stderr

    def open(self) -> None:
        info = self.setup_info
        prefix = self.sink_identifier or ""
        if info.parallelism > 1:
            prefix = f"{prefix}:{info.subtask_index + 1}" if prefix else str(info.subtask_index + 1)
        self._prefix = f"{prefix}> " if prefix else ""
        stream = sys.stderr if self.to_stderr else sys.stdout
        stream.flush()
        self._fd = stream.fileno()

    def process_batch(self, values, timestamps):
        t, p = self.type_info, self._prefix
        if t is None:
            lines = [f"{p}{v}\n" for v in values]
        else:
            lines = [f"{p}{display_string(v, t)}\n" for v in values]
        write_lines_atomically(self._fd, lines)


class SinkFunctionOperator(StreamOperator):
    """``add_sink(SinkFunction)``: calls ``invoke(value, context)`` (or a plain callable(value))."""

    def __init__(self, name: str, function: Any) -> None:
        super().__init__(name)
        self.function = function

    def open(self) -> None:
        opener = getattr(self.function, "open", None)
        if callable(opener):
            opener(StreamingRuntimeContext(self.setup_info))
        invoke = getattr(self.function, "invoke", None)
        if callable(invoke):
            self._invoke = lambda v: invoke(v, None)
        else:
            self._invoke = user_method(self.function, "invoke")
        write_batch = getattr(self.function, "write_batch", None)
        self._write_batch = write_batch if callable(write_batch) else None

    def process_batch(self, values, timestamps):
        if self._write_batch is not None:
            self._write_batch(values)
            return
        invoke = self._invoke
        for v in values:
            invoke(v)

    def finish(self) -> None:
        finisher = getattr(self.function, "finish", None)
        if callable(finisher):
            finisher()

    def close(self) -> None:
        closer = getattr(self.function, "close", None)
        if callable(closer):
            closer()


class SinkWriterOperator(StreamOperator):
    """``sink_to(Sink)``: the sink's writer for this subtask receives whole batches."""

    def __init__(self, name: str, sink: Any) -> None:
        super().__init__(name)
        self.sink = sink
        self.writer: SinkWriter | None = None

    def open(self) -> None:
        info = self.setup_info
        self.writer = self.sink.create_writer(info.subtask_index, info.parallelism)
        self.writer.open(info.subtask_index, info.parallelism)

    def process_batch(self, values, timestamps):
        self.writer.write_batch(values)  # type: ignore[union-attr]

    def finish(self) -> None:
        if self.writer is not None:
            self.writer.finish()

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()

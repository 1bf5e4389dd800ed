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

    def notify_checkpoint_complete(self, checkpoint_id: int) -> None:
        listener = getattr(self.function, "notify_checkpoint_complete", None)
        if callable(listener):
            listener(checkpoint_id)

    def close(self) -> None:
        closer = getattr(self.function, "close", None)
        if callable(closer):
            closer()


class SinkWriterOperator(StreamOperator):
    """``sink_to(Sink)``: the sink's writer for this subtask receives whole batches.

    With checkpointing, a writer that supports two-phase commit (``prepare_commit``) is asked for
    its committables on every barrier; they are kept in operator state and committed by
    ``sink.commit`` once the checkpoint completes — and again, idempotently, after a recovery.
    """

    def __init__(self, name: str, sink: Any) -> None:
        super().__init__(name)
        self.sink = sink
        self.writer: SinkWriter | None = None
        self._pending: dict[int, list[Any]] = {}
        self._restored: list[Any] = []

    @property
    def _transactional(self) -> bool:
        return callable(getattr(self.writer, "prepare_commit", None)) and callable(
            getattr(self.sink, "commit", None)
        )

    def open(self) -> None:
        info = self.setup_info
        self.writer = self.sink.create_writer(info.subtask_index, info.parallelism)
        set_checkpointing = getattr(self.writer, "set_checkpointing", None)
        if callable(set_checkpointing):
            set_checkpointing(info.checkpointing and self._transactional)
        self.writer.open(info.subtask_index, info.parallelism)
        if self._restored:
            self.sink.commit(self._restored)
            self._restored = []

    def process_batch(self, values, timestamps):
        self.writer.write_batch(values)  # type: ignore[union-attr]

    def snapshot_operator_state(self, checkpoint_id: int) -> list[Any] | None:
        if not self._transactional:
            return None
        self._pending[checkpoint_id] = self.writer.prepare_commit()  # type: ignore[union-attr]
        return [c for cid in sorted(self._pending) for c in self._pending[cid]]

    def initialize_operator_state(self, restored: list[tuple[int, list[Any]]]) -> None:
        info = self.setup_info
        self._restored = [
            c for old_index, entries in restored if old_index % info.parallelism ==
            info.subtask_index for c in entries
        ]

    def notify_checkpoint_complete(self, checkpoint_id: int) -> None:
        done = [cid for cid in self._pending if cid <= checkpoint_id]
        committables = [c for cid in sorted(done) for c in self._pending[cid]]
        if committables:
            self.sink.commit(committables)
        for cid in done:
            del self._pending[cid]

    def finish(self) -> None:
        if self.writer is None:
            return
        if self.setup_info.checkpointing and self._transactional:
            return  # the final checkpoint, taken after this, commits the rest
        self.writer.finish()

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


class TwoPhaseCommitSinkOperator(StreamOperator):
    """Drives a ``TwoPhaseCommitSinkFunction`` through checkpoints (see its docstring)."""

    def __init__(self, name: str, function: Any) -> None:
        super().__init__(name)
        self.function = function
        self._pending: dict[int, list[Any]] = {}
        self._restored_pending: list[Any] = []
        self._restored_open: list[Any] = []
        self._txn: Any = None

    def open(self) -> None:
        fn = self.function
        opener = getattr(fn, "open", None)
        if callable(opener):
            opener(StreamingRuntimeContext(self.setup_info))
        for txn in self._restored_pending:
            fn.commit(txn)
        for txn in self._restored_open:
            fn.abort(txn)
        self._restored_pending, self._restored_open = [], []
        self._txn = fn.begin_transaction()

    def process_batch(self, values, timestamps):
        invoke, txn = self.function.invoke_transaction, self._txn
        for v in values:
            invoke(txn, v)

    def snapshot_operator_state(self, checkpoint_id: int) -> list[Any] | None:
        fn = self.function
        fn.pre_commit(self._txn)
        self._pending[checkpoint_id] = [self._txn]
        self._txn = fn.begin_transaction()
        pending = [t for cid in sorted(self._pending) for t in self._pending[cid]]
        return [("pending", t) for t in pending] + [("open", self._txn)]

    def initialize_operator_state(self, restored: list[tuple[int, list[Any]]]) -> None:
        info = self.setup_info
        for old_index, entries in restored:
            if old_index % info.parallelism != info.subtask_index:
                continue
            for kind, txn in entries:
                (self._restored_pending if kind == "pending" else self._restored_open).append(txn)

    def notify_checkpoint_complete(self, checkpoint_id: int) -> None:
        for cid in sorted(c for c in self._pending if c <= checkpoint_id):
            for txn in self._pending.pop(cid):
                self.function.commit(txn)

    def finish(self) -> None:
        if not self.setup_info.checkpointing:
            fn = self.function
            fn.pre_commit(self._txn)
            fn.commit(self._txn)
            self._txn = fn.begin_transaction()

    def close(self) -> None:
        closer = getattr(self.function, "close", None)
        if callable(closer):
            closer()

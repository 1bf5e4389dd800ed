"""The client end of ``execute_and_collect``: an iterator over records the collect sinks send."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from weir.common.job_status import JobStatus
from weir.runtime.jobmanager.job_master import JobMaster
from weir.runtime.network.channels import ChannelFailure, InputGate
from weir.runtime.network.events import EndOfPartition, RecordBatch


class CollectResultIterator(Iterator[Any]):
    """Iterates results as they arrive; ``close()`` (or leaving a ``with`` block, or garbage
    collection after breaking out of a loop) cancels the job if it is still running."""

    def __init__(self, job_master: JobMaster, token: str, parallelism: int) -> None:
        self._master = job_master
        self._gate = InputGate()
        for i in range(parallelism):
            channel = self._gate.add_channel(0, 8, f"collect sink {i}")
            job_master.collect_registry.register(("collect", token, i), channel)
        self._remaining = parallelism
        self._buffer: list[Any] = []
        self._pos = 0
        self._closed = False
        job_master.on_terminal(self._on_terminal)

    def _on_terminal(self, status: JobStatus, exception: BaseException | None) -> None:
        self._gate.put_mail((status, exception))

    def __iter__(self) -> CollectResultIterator:
        return self

    def __next__(self) -> Any:
        while self._pos >= len(self._buffer):
            if self._closed:
                raise StopIteration
            if self._remaining == 0:
                self._finish_job()
                raise StopIteration
            index, event = self._gate.mailbox.get()
            if index == InputGate.MAIL:
                status, exception = event
                if status == JobStatus.FINISHED and self._remaining:
                    continue  # records still in flight on the sockets are delivered first
                self._closed = True
                if exception is not None:
                    raise exception
                raise StopIteration
            if type(event) is RecordBatch:
                self._buffer, self._pos = event.values, 0
                self._gate.channels[index].return_credit()
            elif type(event) is EndOfPartition:
                self._remaining -= 1
            elif type(event) is ChannelFailure:
                continue  # the job master reports the cause through its terminal state
        value = self._buffer[self._pos]
        self._pos += 1
        return value

    def _finish_job(self) -> None:
        self._closed = True
        self._master.result.result()  # raises if the job failed after the last record

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._master.cancel()
        self._gate.close()

    def __enter__(self) -> CollectResultIterator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            if not self._closed and not self._master.status.is_globally_terminal_state():
                self._master.cancel()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass

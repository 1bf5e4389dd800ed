"""StreamTask: one subtask of a job vertex, running its operator chain on one thread.

The task thread owns everything it touches: it drains its input gate's mailbox (record batches and
control events from every input channel, plus mail from other threads) and calls the chain. A
source task polls its source reader instead, checking the mailbox between batches.
"""

from __future__ import annotations

import logging
import threading
import traceback
from typing import Any

from weir.graph.job_graph import JobVertex
from weir.runtime.network.channels import (
    ChannelFailure,
    InputGate,
    LocalOutputChannel,
    OutputChannel,
    RemoteOutputChannel,
)
from weir.runtime.network.events import (
    END_OF_PARTITION,
    CancelCheckpointMarker,
    CheckpointBarrier,
    EndOfPartition,
    RecordBatch,
    Watermark,
)
from weir.runtime.network.record_writer import RecordWriter
from weir.runtime.operators.base import StreamOperator
from weir.runtime.operators.source import SourceOperator
from weir.runtime.tasks.deployment import Deployment, TaskEnvironment, TaskId
from weir.runtime.tasks.operator_chain import OperatorChain

log = logging.getLogger(__name__)

CREDITS_PER_CHANNEL = 4


class CancelTask(Exception):
    """Raised inside the task thread to stop it."""


class UpstreamFailure(Exception):
    pass


def channel_key(job_edge_id: int, producer: int, consumer: int) -> tuple:
    return ("edge", job_edge_id, producer, consumer)


class StreamTask:
    def __init__(
        self,
        task_id: TaskId,
        vertex: JobVertex,
        deployment: Deployment,
        env: TaskEnvironment,
        state_backend: Any,
    ) -> None:
        self.task_id = task_id
        self.vertex = vertex
        self.deployment = deployment
        self.env = env
        self.state_backend = state_backend
        self.gate = InputGate()
        self.chain: OperatorChain | None = None
        self.thread = threading.Thread(
            target=self._run, name=f"task {vertex.name} ({task_id.subtask_index + 1})", daemon=True
        )
        credits = int(deployment.config.get("taskmanager.network.credits-per-channel",
                                            CREDITS_PER_CHANNEL))
        # Register input channels before any task of this process starts, so local producers find
        # them immediately and remote ones as soon as they connect.
        for job_edge in vertex.inputs:
            for producer in range(job_edge.source.parallelism):
                key = channel_key(job_edge.id, producer, task_id.subtask_index)
                channel = self.gate.add_channel(
                    job_edge.input_index, credits,
                    f"{job_edge.source.name}[{producer}] -> {vertex.name}[{task_id.subtask_index}]",
                )
                env.registry.register(key, channel)

    @property
    def display_name(self) -> str:
        return f"{self.vertex.name} ({self.task_id.subtask_index + 1}/{self.vertex.parallelism})"

    def start(self) -> None:
        self.thread.start()

    def cancel(self) -> None:
        self.gate.put_mail("cancel")
        self.gate.close()

    # -- setup -----------------------------------------------------------------------------

    def _connect(self, address: tuple[str, int], key: tuple) -> OutputChannel:
        return RemoteOutputChannel(address, key, self.env.secret)

    def _output_channel(self, job_edge_id: int, consumer_vertex: JobVertex, consumer: int):
        key = channel_key(job_edge_id, self.task_id.subtask_index, consumer)
        tm = self.deployment.placement[TaskId(consumer_vertex.id, consumer)]
        if tm == self.env.tm_id:
            return LocalOutputChannel(self.env.registry.wait_for(key))
        return self._connect(self.deployment.addresses[tm], key)

    def _build_record_writers(self) -> dict[int, RecordWriter]:
        writers = {}
        for job_edge in self.vertex.outputs:
            channels = [
                self._output_channel(job_edge.id, job_edge.target, c)
                for c in range(job_edge.target.parallelism)
            ]
            writers[job_edge.id] = RecordWriter(job_edge.stream_edge.partitioner, channels)
        return writers

    # -- run -------------------------------------------------------------------------------

    def _run(self) -> None:
        report = self.env.report
        chain = None
        try:
            writers = self._build_record_writers()
            chain = self.chain = OperatorChain(
                self.vertex,
                self.task_id.subtask_index,
                self.deployment.attempt,
                writers,
                self.state_backend,
                self.deployment.config.get("job.parameters", {}),
                self._connect,
                str(self.deployment.config.get("execution.runtime-mode", "")).upper() == "BATCH",
            )
            chain.open()
            report(("task_state", self.task_id, "RUNNING", None))
            if isinstance(chain.head, SourceOperator):
                self._run_source(chain.head)
            else:
                self._run_inputs(chain)
            chain.finish()
            for writer in writers.values():
                writer.broadcast_event(END_OF_PARTITION)
            final_metrics = chain.metrics()
            errors = chain.close()
            chain = None
            if errors:
                raise errors[0]
            report(("task_state", self.task_id, "FINISHED", {"metrics": final_metrics}))
        except CancelTask:
            report(("task_state", self.task_id, "CANCELED", None))
        except BaseException as exc:  # noqa: BLE001 - every failure is reported to the JobManager
            report(("task_state", self.task_id, "FAILED", self._describe_failure(exc)))
        finally:
            if chain is not None:
                chain.close()
            self.gate.close()

    def _handle_mail(self, mail: Any) -> None:
        if mail == "cancel":
            raise CancelTask()
        if callable(mail):
            mail()

    def _run_source(self, source: SourceOperator) -> None:
        mailbox = self.gate.mailbox
        emit_next = source.emit_next
        while True:
            while not mailbox.empty():
                _, mail = mailbox.get_nowait()
                self._handle_mail(mail)
            if not emit_next():
                return

    def _run_inputs(self, chain: OperatorChain) -> None:
        head = chain.head
        process = [head.process_batch, getattr(head, "process_batch2", head.process_batch)]
        channels = self.gate.channels
        get = self.gate.mailbox.get
        remaining = len(channels)
        while remaining:
            index, event = get()
            event_type = type(event)
            if event_type is RecordBatch:
                channel = channels[index]
                head.records_in += len(event.values)
                process[channel.input_index](event.values, event.timestamps)
                channel.return_credit()
            elif index == InputGate.MAIL:
                self._handle_mail(event)
            elif event_type is EndOfPartition:
                remaining -= 1
            elif event_type is ChannelFailure:
                raise UpstreamFailure(
                    f"lost the connection from {channels[index].description}: {event.reason}"
                )
            elif event_type in (Watermark, CheckpointBarrier, CancelCheckpointMarker):
                pass  # handled once event time and checkpoints are enabled
            else:
                raise TypeError(f"unexpected event {event!r}")

    def _describe_failure(self, exc: BaseException) -> dict[str, Any]:
        operator = _failing_operator(exc)
        return {
            "task": self.display_name,
            "operator": operator.name if operator is not None else self.vertex.name,
            "subtask": self.task_id.subtask_index,
            "parallelism": self.vertex.parallelism,
            "exception": f"{type(exc).__name__}: {exc}",
            "traceback": "".join(traceback.format_exception(exc)),
            "upstream": isinstance(exc, UpstreamFailure),
        }

    def metrics(self) -> list[tuple[str, int, int]]:
        chain = self.chain
        return chain.metrics() if chain is not None else []


def _failing_operator(exc: BaseException) -> StreamOperator | None:
    """The innermost operator on the exception's stack (no per-record bookkeeping needed)."""
    found = None
    tb = exc.__traceback__
    while tb is not None:
        candidate = tb.tb_frame.f_locals.get("self")
        if isinstance(candidate, StreamOperator):
            found = candidate
        tb = tb.tb_next
    return found

"""StreamTask: one subtask of a job vertex, running its operator chain on one thread.

The task thread owns everything it touches: it drains its input gate's mailbox (record batches and
control events from every input channel, plus mail from other threads) and calls the chain. A
source task polls its source reader instead, checking the mailbox between batches.

Checkpoints: a source task snapshots when the coordinator's trigger arrives as mail, then emits the
barrier; any other task lets its barrier handler decide (aligned for exactly-once, tracking for
at-least-once) and snapshots when the last barrier is in. Inputs end in two steps: ``EndOfData``
(operators finish and flush) and, after the final checkpoint when checkpointing is on,
``EndOfPartition``.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections import deque
from typing import Any

from weir.graph.job_graph import JobVertex
from weir.runtime.checkpointing.barrier_handler import (
    AlignedBarrierHandler,
    BarrierHandlerActions,
    CheckpointBarrierHandler,
    TrackingBarrierHandler,
    UnalignedActions,
    UnalignedBarrierHandler,
)
from weir.runtime.network.channels import (
    ChannelFailure,
    InputGate,
    LocalOutputChannel,
    OutputChannel,
    RemoteOutputChannel,
)
from weir.runtime.network.events import (
    END_OF_DATA,
    END_OF_PARTITION,
    MAX_WATERMARK,
    CancelCheckpointMarker,
    CheckpointBarrier,
    EndOfData,
    EndOfPartition,
    RecordBatch,
    Watermark,
    WatermarkStatus,
)
from weir.runtime.network.record_writer import RecordWriter
from weir.runtime.operators.base import StreamOperator
from weir.runtime.operators.source import SourceOperator
from weir.runtime.tasks.checkpointing import (
    ChannelStateRecording,
    SnapshotTaker,
    TaskRestore,
    load_channel_state,
    restore_chain,
)
from weir.runtime.tasks.deployment import Deployment, TaskEnvironment, TaskId
from weir.runtime.tasks.operator_chain import OperatorChain
from weir.runtime.tasks.time_service import ProcessingTimeService
from weir.runtime.tasks.watermark_valve import WatermarkValve

log = logging.getLogger(__name__)

CREDITS_PER_CHANNEL = 4
#: How long a finished task waits for the outcome of its last checkpoint before closing.
FINAL_CHECKPOINT_WAIT_S = 60.0


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
        restore: TaskRestore | None = None,
    ) -> None:
        self.task_id = task_id
        self.vertex = vertex
        self.deployment = deployment
        self.env = env
        self.state_backend = state_backend
        self.restore = restore
        self.gate = InputGate()
        self.chain: OperatorChain | None = None
        self.writers: dict[int, RecordWriter] = {}
        config = deployment.config
        self.checkpointing = int(config.get("execution.checkpointing.interval", 0)) > 0
        self.mode = str(config.get("execution.checkpointing.mode", "EXACTLY_ONCE")).upper()
        self.unaligned = str(config.get("execution.checkpointing.unaligned", False)).lower() \
            == "true"
        self._recording: ChannelStateRecording | None = None
        self.snapshots: SnapshotTaker | None = None
        self.processing_time = ProcessingTimeService(self.gate.put_mail)
        self.last_notified = 0
        self.finish_requested = False
        self.thread = threading.Thread(
            target=self._run, name=f"task {vertex.name} ({task_id.subtask_index + 1})", daemon=True
        )
        credits = int(config.get("taskmanager.network.credits-per-channel", CREDITS_PER_CHANNEL))
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

    @property
    def is_source(self) -> bool:
        return self.vertex.is_source

    def start(self) -> None:
        self.thread.start()

    def cancel(self) -> None:
        self.gate.put_mail(("cancel",))
        self.gate.close()

    def post(self, mail: tuple) -> None:
        """Mail from the TaskManager (checkpoint trigger/notifications, finish)."""
        self.gate.put_mail(mail)

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

    def _broadcast(self, event: Any) -> None:
        for writer in self.writers.values():
            writer.broadcast_event(event)

    # -- run -------------------------------------------------------------------------------

    def _run(self) -> None:
        report = self.env.report
        chain = None
        try:
            self.writers = self._build_record_writers()
            config = self.deployment.config
            chain = self.chain = OperatorChain(
                self.vertex,
                self.task_id.subtask_index,
                self.deployment.attempt,
                self.writers,
                self.state_backend,
                config.get("job.parameters", {}),
                self._connect,
                str(config.get("execution.runtime-mode", "")).upper() == "BATCH",
                self.checkpointing,
                self.processing_time,
            )
            if self.restore:
                restore_chain(chain, self.restore)
            if self.checkpointing:
                self.snapshots = SnapshotTaker(
                    chain, self.task_id,
                    f"task-{self.vertex.id}-{self.task_id.subtask_index}",
                    self.deployment.job_id, self.env.checkpoint_storage(config),
                    self.env.snapshot_executor, report,
                )
            chain.open()
            report(("task_state", self.task_id, "RUNNING", None))
            if isinstance(chain.head, SourceOperator):
                self._run_source(chain, chain.head)
            else:
                self._run_inputs(chain)
            self._await_last_checkpoint()
            self._broadcast(END_OF_PARTITION)
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
            self.processing_time.shutdown()
            if chain is not None:
                chain.close()
            self.gate.close()

    # -- mail ------------------------------------------------------------------------------

    def _handle_mail(self, mail: Any) -> None:
        kind = mail[0]
        if kind == "cancel":
            raise CancelTask()
        if kind == "trigger":  # sources only: the coordinator starts a checkpoint here
            barrier: CheckpointBarrier = mail[1]
            self._checkpoint(barrier, 0.0)
        elif kind == "notify_complete":
            cid = mail[1]
            self.last_notified = max(self.last_notified, cid)
            assert self.chain is not None
            for backend in self.chain.keyed_backends.values():
                confirm = getattr(backend, "notify_checkpoint_complete", None)
                if confirm is not None:
                    confirm(cid)
            for op in self.chain.ordered:
                op.notify_checkpoint_complete(cid)
        elif kind == "notify_aborted":
            cid = mail[1]
            self.last_notified = max(self.last_notified, cid)
            assert self.chain is not None
            for op in self.chain.ordered:
                op.notify_checkpoint_aborted(cid)
        elif kind == "finish":
            self.finish_requested = True
        elif kind == "call":
            mail[1]()

    def _checkpoint(self, barrier: CheckpointBarrier, alignment_s: float) -> None:
        if self.snapshots is None:
            self._broadcast(barrier)
            return
        self.snapshots.take(barrier, alignment_s)
        self._broadcast(barrier)

    def _abort_checkpoint(self, checkpoint_id: int, reason: str) -> None:
        self._broadcast(CancelCheckpointMarker(checkpoint_id))
        self.env.report(("decline", self.task_id, checkpoint_id, reason))

    def _await_last_checkpoint(self) -> None:
        """Do not close (and so drop uncommitted sink output) before the last checkpoint this task
        took in has completed or been aborted."""
        snapshots = self.snapshots
        if snapshots is None:
            return
        deadline = time.monotonic() + FINAL_CHECKPOINT_WAIT_S
        mailbox = self.gate.mailbox
        while self.last_notified < snapshots.last_snapshot_id:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                log.warning("%s: no outcome for checkpoint %d; closing anyway",
                            self.display_name, snapshots.last_snapshot_id)
                return
            try:
                index, mail = mailbox.get(timeout=min(remaining, 0.5))
            except Exception:  # noqa: BLE001 - queue.Empty
                continue
            if index == InputGate.MAIL:
                self._handle_mail(mail)

    # -- source tasks ----------------------------------------------------------------------

    def _run_source(self, chain: OperatorChain, source: SourceOperator) -> None:
        mailbox = self.gate.mailbox
        emit_next = source.emit_next
        lease = None
        if self.mode == "AT_MOST_ONCE" and self.checkpointing:
            # At-most-once: the position after each batch is with the JobManager before the
            # batch leaves, so a restart never replays anything that may have gone out.
            report, task_id, uid = self.env.report, self.task_id, source.uid

            def lease(splits: list) -> None:
                report(("source_lease", task_id, uid, splits))

        while True:
            while not mailbox.empty():
                _, mail = mailbox.get_nowait()
                self._handle_mail(mail)
            if not emit_next(lease):
                break
        # A bounded input is complete: event time jumps to the end, firing every window/timer.
        source.output.emit_watermark(MAX_WATERMARK)
        chain.finish()
        self._broadcast(END_OF_DATA)
        if not self.checkpointing:
            return
        # Keep answering checkpoint triggers until the coordinator has taken the final
        # checkpoint after the end of the input everywhere, and says so.
        self.env.report(("end_of_data", self.task_id))
        while not self.finish_requested:
            index, mail = mailbox.get()
            if index == InputGate.MAIL:
                self._handle_mail(mail)

    # -- tasks with inputs -----------------------------------------------------------------

    def _make_barrier_handler(self, num_channels: int) -> CheckpointBarrierHandler:
        blocked = self._blocked
        actions = BarrierHandlerActions(
            trigger=self._checkpoint,
            abort=self._abort_checkpoint,
            block=blocked.add,
            unblock_all=self._unblock_all,
        )
        if self.mode == "EXACTLY_ONCE" and self.unaligned:
            return UnalignedBarrierHandler(num_channels, actions, UnalignedActions(
                start=self._start_unaligned,
                channel_done=self._unaligned_channel_done,
                abort=self._abort_unaligned,
            ))
        if self.mode == "EXACTLY_ONCE":
            return AlignedBarrierHandler(num_channels, actions)
        return TrackingBarrierHandler(num_channels, actions)

    def _start_unaligned(self, barrier: CheckpointBarrier, waiting: set[int]) -> None:
        recording = ChannelStateRecording(barrier.checkpoint_id, waiting)
        self._recording = None if recording.done.is_set() else recording
        if self.snapshots is not None:
            self.snapshots.take(barrier, 0.0, recording)
        self._broadcast(barrier)  # at once: no waiting for the other channels

    def _unaligned_channel_done(self, checkpoint_id: int, channel: int) -> None:
        recording = self._recording
        if recording is not None and recording.checkpoint_id == checkpoint_id:
            recording.channel_done(channel)
            if recording.done.is_set():
                self._recording = None

    def _abort_unaligned(self, checkpoint_id: int, reason: str) -> None:
        recording = self._recording
        if recording is not None and recording.checkpoint_id == checkpoint_id:
            recording.abort()
            self._recording = None
        self._abort_checkpoint(checkpoint_id, reason)

    def _unblock_all(self) -> None:
        held = self._held
        for channel in sorted(self._blocked):
            queue = held.pop(channel, None)
            if queue:
                self._replay.extend((channel, event) for event in queue)
        self._blocked.clear()

    def _run_inputs(self, chain: OperatorChain) -> None:
        head = chain.head
        process = [head.process_batch, getattr(head, "process_batch2", head.process_batch)]
        channels = self.gate.channels
        get = self.gate.mailbox.get
        self._blocked: set[int] = set()
        self._held: dict[int, deque] = {}
        self._replay: deque = deque()
        replay = self._replay
        blocked = self._blocked
        handler = self._make_barrier_handler(len(channels))
        watermark_sinks = [head.process_watermark,
                           getattr(head, "process_watermark2", head.process_watermark)]
        valves = [WatermarkValve([c.index for c in channels if c.input_index == i])
                  for i in (0, 1)]
        remaining = len(channels)
        data_ended: set[int] = set()
        for input_index, values, timestamps in load_channel_state(self.restore):
            # records that were in flight when the restored (unaligned) checkpoint was taken
            head.records_in += len(values)
            process[input_index](values, timestamps)
        while remaining:
            if replay:
                index, event = replay.popleft()
            else:
                index, event = get()
            if index in blocked:
                self._held.setdefault(index, deque()).append(event)
                continue
            event_type = type(event)
            if event_type is RecordBatch:
                channel = channels[index]
                recording = self._recording
                if recording is not None and index in recording.waiting:
                    recording.record(channel.input_index, event.values, event.timestamps)
                head.records_in += len(event.values)
                process[channel.input_index](event.values, event.timestamps)
                channel.return_credit()
            elif index == InputGate.MAIL:
                self._handle_mail(event)
            elif event_type is CheckpointBarrier:
                handler.on_barrier(index, event)
            elif event_type is CancelCheckpointMarker:
                handler.on_cancel(index, event.checkpoint_id)
            elif event_type is EndOfData:
                data_ended.add(index)
                if len(data_ended) == len(channels):
                    chain.finish()
                    self._broadcast(END_OF_DATA)
            elif event_type is EndOfPartition:
                remaining -= 1
                handler.on_end_of_partition(index)
                input_index = channels[index].input_index
                advanced = valves[input_index].on_end(index)
                if advanced is not None and remaining:
                    watermark_sinks[input_index](advanced)
            elif event_type is ChannelFailure:
                raise UpstreamFailure(
                    f"lost the connection from {channels[index].description}: {event.reason}"
                )
            elif event_type is Watermark:
                input_index = channels[index].input_index
                advanced = valves[input_index].on_watermark(index, event.timestamp)
                if advanced is not None:
                    watermark_sinks[input_index](advanced)
            elif event_type is WatermarkStatus:
                input_index = channels[index].input_index
                advanced = valves[input_index].on_status(index, event.idle)
                if advanced is not None:
                    watermark_sinks[input_index](advanced)
            else:
                raise TypeError(f"unexpected event {event!r}")
        if len(data_ended) < len(channels):  # producers that ended without EndOfData
            chain.finish()
            self._broadcast(END_OF_DATA)

    # -- reporting -------------------------------------------------------------------------

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

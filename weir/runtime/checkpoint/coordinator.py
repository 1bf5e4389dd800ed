"""The CheckpointCoordinator: triggers checkpoints, collects acknowledgements, completes them.

1. Every ``interval`` (respecting the minimum pause and the maximum of concurrent checkpoints) it
   sends a trigger to the source tasks, which snapshot their position and emit a barrier in-band.
2. Every task acknowledges with the handle of its snapshot file once the barriers reached it and
   its snapshot is written.
3. With every acknowledgement in, the checkpoint is complete: its metadata is written atomically,
   older checkpoints beyond the retained number are deleted, and every task is notified (sinks
   commit). A checkpoint that times out or is declined is aborted and its files removed; more
   consecutive failures than tolerated fail the job.

It knows nothing of operators: it talks to tasks through the JobMaster's ``send_to_all``.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from weir.runtime.checkpoint.metadata import CompletedCheckpoint, TaskSnapshot
from weir.runtime.checkpoint.stats import CheckpointStatsTracker, SubtaskCheckpointStats
from weir.runtime.checkpoint.storage import CheckpointStorage
from weir.runtime.network.events import CheckpointBarrier
from weir.runtime.tasks.deployment import TaskId

log = logging.getLogger("weir.checkpoint")


@dataclass
class CheckpointSettings:
    interval_ms: int
    mode: str = "EXACTLY_ONCE"
    timeout_ms: int = 600_000
    min_pause_ms: int = 0
    max_concurrent: int = 1
    tolerable_failures: int = 2**31 - 1
    num_retained: int = 1
    retain_on_cancellation: bool = False
    unaligned: bool = False

    @staticmethod
    def from_config(config: dict[str, Any]) -> CheckpointSettings | None:
        interval = int(config.get("execution.checkpointing.interval", 0))
        if interval <= 0:
            return None
        settings = CheckpointSettings(
            interval_ms=interval,
            mode=str(config.get("execution.checkpointing.mode", "EXACTLY_ONCE")).upper(),
            timeout_ms=int(config.get("execution.checkpointing.timeout", 600_000)),
            min_pause_ms=int(config.get("execution.checkpointing.min-pause", 0)),
            max_concurrent=int(config.get("execution.checkpointing.max-concurrent-checkpoints", 1)),
            tolerable_failures=int(
                config.get("execution.checkpointing.tolerable-failed-checkpoints", 2**31 - 1)),
            num_retained=int(config.get("state.checkpoints.num-retained", 1)),
            retain_on_cancellation=str(config.get(
                "execution.checkpointing.externalized-checkpoint-retention",
                "DELETE_ON_CANCELLATION")).upper() == "RETAIN_ON_CANCELLATION",
            unaligned=str(config.get("execution.checkpointing.unaligned", False)).lower()
            == "true",
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.mode not in ("EXACTLY_ONCE", "AT_LEAST_ONCE", "AT_MOST_ONCE"):
            raise ValueError(f"unknown checkpointing mode {self.mode!r}; use EXACTLY_ONCE, "
                             "AT_LEAST_ONCE or AT_MOST_ONCE")
        for name in ("timeout_ms", "max_concurrent", "num_retained"):
            if getattr(self, name) < 1:
                raise ValueError(f"checkpoint setting {name} must be at least 1, "
                                 f"got {getattr(self, name)}")
        if self.min_pause_ms < 0 or self.tolerable_failures < 0:
            raise ValueError("min pause and tolerable failed checkpoints cannot be negative")


@dataclass
class PendingCheckpoint:
    checkpoint_id: int
    timestamp: int
    is_savepoint: bool
    savepoint_dir: str | None
    awaiting: set[TaskId]
    started: float = field(default_factory=time.monotonic)
    acks: dict[TaskId, dict[str, Any]] = field(default_factory=dict)
    future: Future = field(default_factory=Future)


class SharedStateRegistry:
    """Reference counts of files shared by retained checkpoints (incremental RocksDB SSTs): a
    file is deleted only when the last retained checkpoint that uses it is discarded."""

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}

    def register(self, checkpoint: CompletedCheckpoint) -> None:
        for task in checkpoint.tasks:
            for handle, _ in task.shared_files:
                key = handle.describe()
                self._counts[key] = self._counts.get(key, 0) + 1

    def release(self, checkpoint: CompletedCheckpoint) -> list[Any]:
        """Drop the checkpoint's references; return the handles nobody uses any more."""
        unused = []
        for task in checkpoint.tasks:
            for handle, _ in task.shared_files:
                key = handle.describe()
                left = self._counts.get(key, 0) - 1
                if left <= 0:
                    self._counts.pop(key, None)
                    unused.append(handle)
                else:
                    self._counts[key] = left
        return unused

    def is_referenced(self, handle: Any) -> bool:
        return handle.describe() in self._counts

    def count(self, handle: Any) -> int:
        return self._counts.get(handle.describe(), 0)


class CheckpointCoordinator:
    def __init__(
        self,
        settings: CheckpointSettings,
        storage: CheckpointStorage,
        job_id: str,
        job_name: str,
        send_to_all: Any,
        fail_job: Any,
        stats: CheckpointStatsTracker,
    ) -> None:
        self.settings = settings
        self.storage = storage
        self.job_id = job_id
        self.job_name = job_name
        self._send = send_to_all
        self._fail_job = fail_job
        self.stats = stats
        self._lock = threading.RLock()
        self.pending: dict[int, PendingCheckpoint] = {}
        self.completed: list[CompletedCheckpoint] = []
        self.next_id = 1
        self.shared = SharedStateRegistry()
        self._tasks: set[TaskId] = set()
        self._source_tasks: set[TaskId] = set()
        self._ended_sources: set[TaskId] = set()
        self._final_requested = False
        self._final_id: int | None = None
        self._last_completion = 0.0
        self._consecutive_failures = 0
        self._running = False
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        #: Called with the checkpoint once the final checkpoint after end of input completes.
        self.on_final_checkpoint: Any = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self, tasks: set[TaskId], source_tasks: set[TaskId]) -> None:
        with self._lock:
            self._tasks = set(tasks)
            self._source_tasks = set(source_tasks)
            self._ended_sources = set()
            self._final_requested = False
            self._final_id = None
            self._running = True
            self._last_completion = time.monotonic()
        self._stopped.clear()
        self._thread = threading.Thread(target=self._timer_loop, name="checkpoint-timer",
                                        daemon=True)
        self._thread.start()

    def stop(self, reason: str) -> None:
        """Stop triggering and abort what is in flight (the job is failing or ending)."""
        with self._lock:
            self._running = False
            for pending in list(self.pending.values()):
                self._abort(pending, reason, count_failure=False)
        self._stopped.set()

    def _timer_loop(self) -> None:
        interval = self.settings.interval_ms / 1000
        next_at = time.monotonic() + interval
        while not self._stopped.wait(min(0.05, max(0.0, next_at - time.monotonic()))):
            now = time.monotonic()
            self._check_timeouts(now)
            if now < next_at:
                continue
            next_at = now + interval
            with self._lock:
                if not self._running or self._final_requested:
                    continue
                if len(self.pending) >= self.settings.max_concurrent:
                    continue
                if (now - self._last_completion) * 1000 < self.settings.min_pause_ms:
                    next_at = self._last_completion + self.settings.min_pause_ms / 1000
                    continue
                self.trigger()

    # -- triggering ------------------------------------------------------------------------

    def trigger(self, is_savepoint: bool = False, savepoint_dir: str | None = None) -> Future:
        with self._lock:
            if not self._running:
                future: Future = Future()
                future.set_exception(RuntimeError("the job is not running; cannot checkpoint"))
                return future
            cid = self.next_id
            self.next_id += 1
            timestamp = int(time.time() * 1000)
            pending = PendingCheckpoint(cid, timestamp, is_savepoint, savepoint_dir,
                                        set(self._tasks))
            self.pending[cid] = pending
            self.stats.triggered(cid, is_savepoint, timestamp)
        # Savepoints and the final checkpoint after end of input are always aligned: the former
        # must be rescalable, the latter must not leave output of in-flight records behind it.
        unaligned = self.settings.unaligned and not is_savepoint and not self._final_requested
        barrier = CheckpointBarrier(cid, timestamp, is_savepoint, unaligned, savepoint_dir)
        self._send(("trigger_checkpoint", barrier))
        return pending.future

    def _check_timeouts(self, now: float) -> None:
        with self._lock:
            for pending in list(self.pending.values()):
                if (now - pending.started) * 1000 > self.settings.timeout_ms:
                    self._abort(pending, f"timed out after {self.settings.timeout_ms} ms")

    # -- acknowledgements ------------------------------------------------------------------

    def receive_ack(self, task_id: TaskId, checkpoint_id: int, payload: dict[str, Any]) -> None:
        with self._lock:
            pending = self.pending.get(checkpoint_id)
            if pending is None or task_id not in pending.awaiting:
                # Late ack of an aborted checkpoint: its file is garbage.
                handle = payload.get("handle")
                if handle is not None and pending is None:
                    handle.discard()
                return
            pending.awaiting.discard(task_id)
            pending.acks[task_id] = payload
            stats = self.stats.checkpoints.get(checkpoint_id)
            if stats is not None:
                stats.subtasks.append(SubtaskCheckpointStats(
                    str(task_id), payload["sync_ms"], payload["async_ms"],
                    payload["alignment_ms"], payload["size"],
                ))
            if not pending.awaiting:
                self._complete(pending)

    def receive_decline(self, task_id: TaskId, checkpoint_id: int, reason: str) -> None:
        with self._lock:
            pending = self.pending.get(checkpoint_id)
            if pending is not None:
                self._abort(pending, f"declined by task {task_id}: {reason}")

    def _complete(self, pending: PendingCheckpoint) -> None:
        cid = pending.checkpoint_id
        del self.pending[cid]
        tasks = [
            TaskSnapshot(task_id.vertex_id, task_id.subtask_index, ack["handle"], ack["index"],
                         ack["operators"], ack["size"],
                         [(h, c) for h, c, _ in ack.get("shared_files", ())])
            for task_id, ack in sorted(pending.acks.items(),
                                       key=lambda kv: (kv[0].vertex_id, kv[0].subtask_index))
        ]
        checkpoint = CompletedCheckpoint(cid, pending.timestamp, self.job_id, self.job_name,
                                         pending.is_savepoint, tasks)
        try:
            checkpoint.external_pointer = self.storage.write_metadata(
                self.job_id, cid, checkpoint.to_bytes(), pending.savepoint_dir)
        except Exception as exc:  # noqa: BLE001 - a storage failure fails this checkpoint only
            self._abort_completed_files(tasks)
            self._record_failure(cid, f"writing metadata failed: {exc}")
            pending.future.set_exception(exc)
            return
        duration = (time.monotonic() - pending.started) * 1000
        stats = self.stats.checkpoints.get(cid)
        if stats is not None:
            stats.status = "COMPLETED"
            stats.duration_ms = duration
            stats.size = checkpoint.size
        self.stats.completed += 1
        self._consecutive_failures = 0
        self._last_completion = time.monotonic()
        if not pending.is_savepoint:
            self.shared.register(checkpoint)
            self.completed.append(checkpoint)
            while len(self.completed) > self.settings.num_retained:
                self._discard(self.completed.pop(0))
        log.info("%s %d of job '%s' completed in %.0f ms (%d bytes)",
                 "Savepoint" if pending.is_savepoint else "Checkpoint", cid, self.job_name,
                 duration, checkpoint.size)
        self._send(("notify_complete", cid))
        pending.future.set_result(checkpoint)
        if self._final_requested:
            if cid == self._final_id and self.on_final_checkpoint is not None:
                self.on_final_checkpoint(checkpoint)
            elif self._final_id is None:
                self._trigger_final()

    def _abort(self, pending: PendingCheckpoint, reason: str, count_failure: bool = True) -> None:
        cid = pending.checkpoint_id
        self.pending.pop(cid, None)
        self._abort_completed_files(
            [TaskSnapshot(0, 0, a["handle"], {}, {}, 0) for a in pending.acks.values()])
        for ack in pending.acks.values():
            for handle, _, is_new in ack.get("shared_files", ()):
                if is_new and not self.shared.is_referenced(handle):
                    handle.discard()
        log.warning("Checkpoint %d of job '%s' aborted: %s", cid, self.job_name, reason)
        self._send(("notify_aborted", cid))
        if not pending.future.done():
            pending.future.set_exception(RuntimeError(f"checkpoint {cid} aborted: {reason}"))
        if count_failure:
            self._record_failure(cid, reason)
        if self._final_requested and self._running and self._final_id in (None, cid):
            self._trigger_final()  # the final checkpoint must happen for the job to finish

    def _record_failure(self, cid: int, reason: str) -> None:
        stats = self.stats.checkpoints.get(cid)
        if stats is not None:
            stats.status = "FAILED"
            stats.failure = reason
        self.stats.failed += 1
        self._consecutive_failures += 1
        if self._consecutive_failures > self.settings.tolerable_failures:
            self._fail_job(
                f"{self._consecutive_failures} consecutive checkpoint failures exceed the "
                f"tolerable {self.settings.tolerable_failures} (last: {reason}); raise "
                "execution.checkpointing.tolerable-failed-checkpoints to keep running"
            )

    def _abort_completed_files(self, tasks: list[TaskSnapshot]) -> None:
        for task in tasks:
            try:
                task.handle.discard()
            except Exception as exc:  # noqa: BLE001 - best effort cleanup
                log.debug("could not remove %s: %s", task.handle.describe(), exc)

    def _discard(self, checkpoint: CompletedCheckpoint) -> None:
        for handle in self.shared.release(checkpoint):
            try:
                handle.discard()
            except Exception as exc:  # noqa: BLE001 - a leftover shared file is not fatal
                log.warning("could not delete shared file %s: %s", handle.describe(), exc)
        try:
            self.storage.discard_checkpoint(checkpoint.external_pointer)
        except Exception as exc:  # noqa: BLE001 - an old checkpoint left behind is not fatal
            log.warning("could not delete checkpoint %s: %s", checkpoint.external_pointer, exc)

    # -- end of input ----------------------------------------------------------------------

    def source_ended(self, task_id: TaskId) -> None:
        """A source read its last record. Once all have, take the final checkpoint, whose
        completion commits everything the sinks hold."""
        with self._lock:
            self._ended_sources.add(task_id)
            if self._ended_sources >= self._source_tasks and not self._final_requested:
                self._final_requested = True
                if self._running and not self.pending:
                    self._trigger_final()
                # else: the checkpoint in flight, once done or aborted, triggers the final one

    def _trigger_final(self) -> None:
        self._final_id = None
        future = self.trigger()
        if not future.done():
            self._final_id = self.next_id - 1

    def discard_all(self) -> None:
        """The job was cancelled and checkpoints are not retained on cancellation."""
        with self._lock:
            for checkpoint in self.completed:
                self._discard(checkpoint)
            self.completed = []

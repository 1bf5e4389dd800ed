"""The JobManager side of one job: deploys its tasks to TaskManager processes and watches them.

It runs in the process that called ``execute``. It starts the workers (a local mini-cluster),
authenticates them, sends each its share of the job graph, tracks every task's state from the
workers' reports, and detects dead workers (closed control connection, exited process or missed
heartbeats). With checkpointing on, its CheckpointCoordinator takes checkpoints, and a failure
triggers recovery: the restart strategy decides, every worker is stopped, new ones start and each
task is restored from the latest completed checkpoint (sources rewind to their checkpointed
position). Otherwise the job ends FINISHED, FAILED or CANCELED, and every worker is stopped
before the result is published.
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
import socket
import threading
import time
from concurrent.futures import Future
from typing import Any

import cloudpickle

from weir.common.job_execution_result import JobExecutionResult
from weir.common.job_id import JobID
from weir.common.job_status import JobStatus
from weir.graph.job_graph import JobGraph
from weir.runtime.checkpoint.coordinator import CheckpointCoordinator, CheckpointSettings
from weir.runtime.checkpoint.errors import NoCheckpointError
from weir.runtime.checkpoint.metadata import CompletedCheckpoint, latest_valid, load_external
from weir.runtime.checkpoint.restore import plan_restore
from weir.runtime.checkpoint.stats import CheckpointStatsTracker
from weir.runtime.checkpoint.storage import ByteStreamStateHandle, checksum, storage_from_config
from weir.runtime.jobmanager.errors import (
    ClusterStartupError,
    JobCancelledException,
    JobExecutionException,
)
from weir.runtime.jobmanager.restart import restart_backoff
from weir.runtime.jobmanager.task_managers import (
    TaskManagerHandle,
    spawn_task_manager,
    stop_task_managers,
)
from weir.runtime.network.auth import server_handshake
from weir.runtime.network.data_server import ChannelRegistry, DataServer
from weir.runtime.network.errors import AuthenticationError, ConnectionClosed
from weir.runtime.network.frames import FrameReader
from weir.runtime.tasks.checkpointing import OperatorRestore, SegmentRef, TaskRestore
from weir.runtime.tasks.deployment import Deployment, TaskId

log = logging.getLogger("weir.jobmanager")


class JobMaster:
    def __init__(self, job_graph: JobGraph, config: dict[str, Any]) -> None:
        self.job_graph = job_graph
        self.config = config
        self.job_id = JobID()
        self.secret = os.urandom(32)
        self.status = JobStatus.CREATED
        self.result: Future[JobExecutionResult] = Future()
        self.task_states: dict[TaskId, str] = {}
        self.task_managers: list[TaskManagerHandle] = []
        self.attempt = 0
        self._lock = threading.RLock()
        self._started_at = 0.0
        self._pending_upstream_failure: tuple[float, dict[str, Any]] | None = None
        self._listeners: list[Any] = []
        self._host = config.get("jobmanager.bind-host", "127.0.0.1")
        self.collect_registry = ChannelRegistry()
        self.data_server = DataServer(self.secret, self.collect_registry, self._host)
        self.slots_per_tm = int(config.get("taskmanager.numberOfTaskSlots", 1))
        if self.slots_per_tm < 1:
            raise ValueError(
                f"taskmanager.numberOfTaskSlots must be at least 1, got {self.slots_per_tm}"
            )
        self.slot_sharing = str(config.get("pipeline.slot-sharing", True)).lower() != "false"
        self.heartbeat_timeout = float(config.get("heartbeat.timeout", 10000)) / 1000
        self.metrics_interval = float(config.get("metrics.log.interval", 5000)) / 1000
        for vertex in job_graph.vertices:
            for i in range(vertex.parallelism):
                self.task_states[TaskId(vertex.id, i)] = "CREATED"
        self.source_tasks = {t for t in self.task_states if job_graph.vertex(t.vertex_id).is_source}
        # -- checkpointing and recovery --
        self.checkpoint_settings = CheckpointSettings.from_config(config)
        self.checkpoint_stats = CheckpointStatsTracker()
        self.coordinator: CheckpointCoordinator | None = None
        if self.checkpoint_settings is not None:
            self.coordinator = CheckpointCoordinator(
                self.checkpoint_settings, storage_from_config(config), str(self.job_id),
                job_graph.job_name, self._send_to_all, self._fail_from_checkpointing,
                self.checkpoint_stats,
            )
            self.coordinator.on_final_checkpoint = self._final_checkpoint_done
        self.restart_backoff = restart_backoff(
            config.get("restart-strategy.object"), self.checkpoint_settings is not None
        )
        self.restarts = 0
        #: At-most-once: the newest source positions handed out, per (task, operator uid).
        self.leases: dict[tuple[TaskId, str], list[Any]] = {}
        self._initial_restore: CompletedCheckpoint | None = None
        savepoint = config.get("execution.savepoint.path")
        if savepoint:
            self._initial_restore = load_external(str(savepoint))
            self._initial_restore.verify()

    # -- lifecycle -------------------------------------------------------------------------

    def on_terminal(self, listener: Any) -> None:
        """Call ``listener(status, exception)`` when the job reaches a terminal state."""
        self._listeners.append(listener)

    def start(self) -> None:
        self._started_at = time.monotonic()
        self.status = JobStatus.INITIALIZING
        log.info("Job '%s' (%s) starting", self.job_graph.job_name, self.job_id)
        try:
            restore = None
            if self._initial_restore is not None:
                log.info("Job '%s' restoring from %s", self.job_graph.job_name,
                         self._initial_restore.external_pointer)
                restore = self._plan(self._initial_restore)
                if self.coordinator is not None:
                    self.coordinator.next_id = self._initial_restore.checkpoint_id + 1
            self._run_attempt(restore)
        except BaseException as exc:
            self._finish(JobStatus.FAILED, exc if isinstance(exc, Exception) else None)
            raise
        threading.Thread(target=self._monitor_loop, name="job-monitor", daemon=True).start()

    def _plan(self, checkpoint: CompletedCheckpoint) -> dict[TaskId, TaskRestore]:
        allow = str(self.config.get("execution.savepoint.ignore-unclaimed-state", False)).lower()
        return plan_restore(checkpoint, self.job_graph, allow == "true")

    def _run_attempt(self, restore: dict[TaskId, TaskRestore] | None) -> None:
        for task_id in self.task_states:
            self.task_states[task_id] = "CREATED"
        self._pending_upstream_failure = None
        self._start_task_managers()
        self._deploy(restore or {})
        self.status = JobStatus.RUNNING
        if self.coordinator is not None:
            self.coordinator.start(set(self.task_states), self.source_tasks)

    def _placement(self) -> dict[TaskId, int]:
        """Subtask -> TaskManager. With slot sharing (Flink's default) slot i holds subtask i of
        every vertex; without it every subtask gets a slot of its own."""
        if self.slot_sharing:
            return {t: t.subtask_index // self.slots_per_tm for t in self.task_states}
        ordered = sorted(self.task_states, key=lambda t: (t.vertex_id, t.subtask_index))
        return {t: i // self.slots_per_tm for i, t in enumerate(ordered)}

    def _start_task_managers(self) -> None:
        count = max(self._placement().values()) + 1
        server = socket.create_server((self._host, 0))
        address = server.getsockname()[:2]
        log_level = self.config.get("taskmanager.log.level", "WARNING")
        handles = [spawn_task_manager(i, self.secret, address, log_level) for i in range(count)]
        for handle in handles:
            handle.attempt = self.attempt
        self.task_managers = handles
        timeout = float(self.config.get("taskmanager.registration.timeout", 60000)) / 1000
        server.settimeout(0.5)
        deadline = time.monotonic() + timeout
        registered = 0
        try:
            while registered < count:
                if time.monotonic() > deadline:
                    raise ClusterStartupError(
                        f"only {registered} of {count} TaskManagers registered within "
                        f"{timeout:.0f}s; the machine may be overloaded (raise "
                        "taskmanager.registration.timeout)"
                    )
                for handle in handles:
                    if not handle.alive() and handle.control is None:
                        raise ClusterStartupError(
                            f"TaskManager {handle.tm_id} exited with code "
                            f"{handle.process.returncode} during start-up; see its output above"
                        )
                try:
                    conn, _ = server.accept()
                except TimeoutError:
                    continue
                try:
                    server_handshake(conn, self.secret)
                    conn.settimeout(30)
                    reader = FrameReader(conn)
                    message = reader.read_event()
                    conn.settimeout(None)
                except (AuthenticationError, ConnectionClosed, OSError) as exc:
                    log.warning("rejected a control connection: %s", exc)
                    conn.close()
                    continue
                if not (isinstance(message, tuple) and message[0] == "register"):
                    conn.close()
                    continue
                _, tm_id, data_address, pid = message
                handle = handles[tm_id]
                handle.control, handle.data_address, handle.pid = conn, tuple(data_address), pid
                handle.last_heartbeat = time.monotonic()
                registered += 1
                threading.Thread(
                    target=self._read_loop, args=(handle, reader), name=f"tm-{tm_id}-reader",
                    daemon=True,
                ).start()
        except BaseException:
            stop_task_managers(handles, grace=0.5)
            raise
        finally:
            server.close()

    def _deploy(self, restore: dict[TaskId, TaskRestore]) -> None:
        placement = self._placement()
        addresses = {h.tm_id: h.data_address for h in self.task_managers}
        blob = cloudpickle.dumps(self.job_graph)
        for handle in self.task_managers:
            tasks = [t for t, tm in placement.items() if tm == handle.tm_id]
            deployment = Deployment(
                str(self.job_id), self.attempt, blob, tasks, placement, addresses,
                self.job_graph.config, {t: restore[t] for t in tasks if restore.get(t)},
            )
            handle.send(("deploy", deployment))
        for task_id in self.task_states:
            self.task_states[task_id] = "DEPLOYING"

    def _send_to_all(self, message: tuple) -> None:
        for handle in self.task_managers:
            try:
                handle.send(message)
            except OSError:
                pass  # a lost worker is noticed by its reader thread

    # -- messages from TaskManagers --------------------------------------------------------

    def _read_loop(self, handle: TaskManagerHandle, reader: FrameReader) -> None:
        while True:
            try:
                message = reader.read_event()
            except (ConnectionClosed, OSError):
                self._task_manager_lost(handle, "its connection closed")
                return
            if handle.attempt != self.attempt:
                continue  # a report from a worker of an attempt that has been replaced
            kind = message[0]
            if kind == "heartbeat":
                handle.last_heartbeat = time.monotonic()
                handle.metrics = message[2]
            elif kind == "task_state":
                if message[2] == "FINISHED" and message[3]:
                    handle.metrics[str(message[1])] = message[3]["metrics"]
                self._task_state_changed(message[1], message[2], message[3])
            elif kind == "ack" and self.coordinator is not None:
                self.coordinator.receive_ack(message[1], message[2], message[3])
            elif kind == "decline" and self.coordinator is not None:
                self.coordinator.receive_decline(message[1], message[2], message[3])
            elif kind == "end_of_data" and self.coordinator is not None:
                self.coordinator.source_ended(message[1])
            elif kind == "source_lease":
                self.leases[(message[1], message[2])] = message[3]

    def _task_state_changed(self, task_id: TaskId, state: str, failure: Any) -> None:
        with self._lock:
            if self.status != JobStatus.RUNNING:
                return
            self.task_states[task_id] = state
            if state == "FAILED":
                if failure.get("upstream"):
                    # A lost channel is a symptom; give the root cause a moment to arrive.
                    if self._pending_upstream_failure is None:
                        self._pending_upstream_failure = (time.monotonic(), failure)
                    return
                self._handle_failure(self._failure_exception(failure))
            elif state == "FINISHED" and all(s == "FINISHED" for s in self.task_states.values()):
                self._finish(JobStatus.FINISHED, None)

    def _failure_exception(self, failure: dict[str, Any]) -> JobExecutionException:
        message = (
            f"Job '{self.job_graph.job_name}' ({self.job_id}) failed: operator "
            f"'{failure['operator']}' (subtask {failure['subtask'] + 1}/{failure['parallelism']}) "
            f"raised {failure['exception']}\n\n{failure['traceback']}"
        )
        return JobExecutionException(message, str(self.job_id), failure["traceback"])

    def _task_manager_lost(self, handle: TaskManagerHandle, why: str) -> None:
        with self._lock:
            if handle.attempt != self.attempt or self.status != JobStatus.RUNNING:
                return
        code = None
        try:
            code = handle.process.wait(timeout=1.0)
        except Exception:  # noqa: BLE001 - still alive but unreachable: reported as such
            pass
        detail = why
        if code is not None and code < 0:
            detail = f"the process was killed by {signal.Signals(-code).name}"
        elif code is not None:
            detail = f"the process exited with code {code}"
        self._handle_failure(JobExecutionException(
            f"Job '{self.job_graph.job_name}' ({self.job_id}) failed: TaskManager "
            f"{handle.tm_id} (pid {handle.pid}) was lost: {detail}",
            str(self.job_id),
        ))

    def _fail_from_checkpointing(self, reason: str) -> None:
        self._handle_failure(JobExecutionException(
            f"Job '{self.job_graph.job_name}' ({self.job_id}) failed: {reason}", str(self.job_id)
        ))

    # -- failover --------------------------------------------------------------------------

    def _handle_failure(self, cause: JobExecutionException) -> None:
        with self._lock:
            if self.status != JobStatus.RUNNING:
                return
            if not self.restart_backoff.can_restart():
                self._finish(JobStatus.FAILED, cause)
                return
            self.status = JobStatus.RESTARTING
            self.attempt += 1
            delay = self.restart_backoff.next_delay_s()
        first_line = str(cause).splitlines()[0]
        log.warning("%s; restarting in %.1f s (%s)", first_line, delay,
                    self.restart_backoff.describe())
        if self.coordinator is not None:
            self.coordinator.stop("the job is restarting")
        old = self.task_managers
        for handle in old:
            if handle.alive():
                handle.process.kill()
        stop_task_managers(old, grace=1.0)
        threading.Thread(target=self._restart, args=(delay, cause), name="job-restart",
                         daemon=True).start()

    def _restart(self, delay: float, cause: JobExecutionException) -> None:
        time.sleep(delay)
        with self._lock:
            if self.status != JobStatus.RESTARTING:
                return
            self.restarts += 1
            self.checkpoint_stats.restarts = self.restarts
        try:
            restore = self._recovery_plan()
            self._run_attempt(restore)
            log.info("Job '%s' restarted (attempt %d)", self.job_graph.job_name, self.attempt)
        except Exception as exc:  # noqa: BLE001 - a failed restart is a job failure
            log.error("restart of job '%s' failed: %s", self.job_graph.job_name, exc)
            self._finish(JobStatus.FAILED, JobExecutionException(
                f"Job '{self.job_graph.job_name}' ({self.job_id}) could not be recovered after "
                f"'{str(cause).splitlines()[0]}': {exc}", str(self.job_id)))

    def _recovery_plan(self) -> dict[TaskId, TaskRestore]:
        candidates: list[CompletedCheckpoint] = []
        if self._initial_restore is not None:
            candidates.append(self._initial_restore)
        if self.coordinator is not None:
            candidates.extend(self.coordinator.completed)
        checkpoint = latest_valid(candidates)
        if checkpoint is None and candidates:
            raise NoCheckpointError("no intact checkpoint is left to recover from")
        plan = self._plan(checkpoint) if checkpoint is not None else {}
        if checkpoint is not None:
            log.info("recovering job '%s' from checkpoint %d", self.job_graph.job_name,
                     checkpoint.checkpoint_id)
        if self.checkpoint_settings is not None and self.checkpoint_settings.mode == \
                "AT_MOST_ONCE":
            self._apply_leases(plan)
        return plan

    def _apply_leases(self, plan: dict[TaskId, TaskRestore]) -> None:
        """At-most-once: sources resume after everything they handed out, not at the checkpoint."""
        by_uid: dict[str, list[tuple[int, list[Any]]]] = {}
        for (task_id, uid), splits in self.leases.items():
            by_uid.setdefault(uid, []).append((task_id.subtask_index, splits))
        for uid, leased in by_uid.items():
            refs = []
            for old_index, splits in leased:
                data = pickle.dumps(splits, protocol=pickle.HIGHEST_PROTOCOL)
                refs.append((old_index, SegmentRef(ByteStreamStateHandle(data), 0, len(data),
                                                   checksum(data))))
            for task_id in self.source_tasks:
                vertex = self.job_graph.vertex(task_id.vertex_id)
                if any(node.uid == uid for node in vertex.nodes):
                    task_plan = plan.setdefault(task_id, {})
                    existing = task_plan.get(uid) or OperatorRestore()
                    leased_indexes = {i for i, _ in refs}
                    existing.operator = refs + [
                        (i, ref) for i, ref in existing.operator if i not in leased_indexes
                    ]
                    task_plan[uid] = existing

    # -- end of input with checkpointing ---------------------------------------------------

    def _final_checkpoint_done(self, checkpoint: CompletedCheckpoint) -> None:
        self._send_to_all(("finish_sources",))

    # -- monitoring ------------------------------------------------------------------------

    def _monitor_loop(self) -> None:
        next_metrics = time.monotonic() + self.metrics_interval
        while not self.status.is_globally_terminal_state():
            time.sleep(0.2)
            now = time.monotonic()
            if self.status != JobStatus.RUNNING:
                continue
            for handle in self.task_managers:
                if not handle.alive():
                    self._task_manager_lost(handle, "the process exited")
                elif now - handle.last_heartbeat > self.heartbeat_timeout:
                    self._task_manager_lost(
                        handle, f"no heartbeat for {self.heartbeat_timeout:.0f}s"
                    )
            with self._lock:
                pending = self._pending_upstream_failure
                if pending is not None and now - pending[0] > 2.0:
                    self._pending_upstream_failure = None
                    self._handle_failure(self._failure_exception(pending[1]))
            if now >= next_metrics and self.status == JobStatus.RUNNING:
                next_metrics = now + self.metrics_interval
                self._log_metrics()

    def operator_metrics(self) -> dict[str, tuple[int, int]]:
        """Records in and out per operator, summed over subtasks (from the last heartbeats)."""
        totals: dict[str, list[int]] = {}
        for handle in self.task_managers:
            for task_metrics in handle.metrics.values():
                for name, records_in, records_out in task_metrics:
                    entry = totals.setdefault(name, [0, 0])
                    entry[0] += records_in
                    entry[1] += records_out
        return {name: (v[0], v[1]) for name, v in totals.items()}

    def _log_metrics(self) -> None:
        metrics = self.operator_metrics()
        if metrics:
            log.info(
                "Job '%s' records in/out: %s",
                self.job_graph.job_name,
                ", ".join(f"{name} {i}/{o}" for name, (i, o) in metrics.items()),
            )
        if self.coordinator is not None:
            latest = self.checkpoint_stats.snapshot()["latest_completed"]
            if latest:
                log.info("Job '%s' latest checkpoint %d: %.0f ms, %d bytes, restarts %d",
                         self.job_graph.job_name, latest["id"], latest["duration_ms"] or 0,
                         latest["size"], self.restarts)

    # -- savepoints ------------------------------------------------------------------------

    def trigger_savepoint(self, savepoint_dir: str | None = None) -> Future:
        """Take a savepoint into a new directory under ``savepoint_dir``; the future yields its
        path."""
        if self.coordinator is None:
            raise RuntimeError(
                "savepoints need checkpointing: call env.enable_checkpointing(interval) first"
            )
        base = savepoint_dir or self.config.get("state.savepoints.dir")
        if not base:
            raise ValueError("give a savepoint directory, or set state.savepoints.dir")
        target = f"{str(base).rstrip('/')}/savepoint-{str(self.job_id)[:6]}-" \
                 f"{os.urandom(4).hex()}"
        inner = self.coordinator.trigger(True, target)
        outer: Future = Future()

        def done(f: Future) -> None:
            if f.exception() is not None:
                outer.set_exception(f.exception())
            else:
                outer.set_result(f.result().external_pointer)

        inner.add_done_callback(done)
        return outer

    def stop_with_savepoint(self, savepoint_dir: str | None = None, timeout: float = 600) -> str:
        path = self.trigger_savepoint(savepoint_dir).result(timeout)
        time.sleep(0.2)  # let the tasks process the completion notice (sinks commit)
        self._finish(JobStatus.FINISHED, None, savepoint=path)
        return path

    # -- termination -----------------------------------------------------------------------

    def cancel(self) -> None:
        with self._lock:
            if self.status.is_globally_terminal_state():
                return
            self.status = JobStatus.CANCELLING
        self._send_to_all(("cancel",))
        self._finish(
            JobStatus.CANCELED,
            JobCancelledException(f"Job '{self.job_graph.job_name}' was cancelled", str(self.job_id)),
        )

    def _finish(self, status: JobStatus, exception: BaseException | None,
                savepoint: str | None = None) -> None:
        with self._lock:
            if self.status.is_globally_terminal_state():
                return
            self.status = status
        if self.coordinator is not None:
            self.coordinator.stop(f"the job is {status.name}")
            retain = self.checkpoint_settings is not None and \
                self.checkpoint_settings.retain_on_cancellation
            if status == JobStatus.FINISHED or (status == JobStatus.CANCELED and not retain):
                self.coordinator.discard_all()
        stop_task_managers(self.task_managers)
        self.data_server.close()
        runtime_ms = int((time.monotonic() - self._started_at) * 1000)
        if status == JobStatus.FINISHED:
            log.info("Job '%s' (%s) finished in %d ms", self.job_graph.job_name, self.job_id,
                     runtime_ms)
            self._log_metrics()
        else:
            log.info("Job '%s' (%s) %s after %d ms", self.job_graph.job_name, self.job_id,
                     status.name, runtime_ms)
        for listener in self._listeners:
            listener(status, exception)
        if status == JobStatus.FINISHED:
            accumulators = {"savepoint": savepoint} if savepoint else {}
            self.result.set_result(JobExecutionResult(self.job_id, runtime_ms, accumulators))
        else:
            self.result.set_exception(
                exception or JobExecutionException(f"job {status.name}", str(self.job_id))
            )

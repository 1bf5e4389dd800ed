"""The JobManager side of one job: deploys its tasks to TaskManager processes and watches them.

It runs in the process that called ``execute``. It starts the workers (a local mini-cluster),
authenticates them, sends each its share of the job graph, tracks every task's state from the
workers' reports, detects dead workers (closed control connection, exited process or missed
heartbeats) and finishes the job: FINISHED when every task finished, FAILED on the first failure,
CANCELED on request. Whatever the outcome, every worker is stopped before the result is published.
"""

from __future__ import annotations

import logging
import os
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
from weir.runtime.jobmanager.errors import (
    ClusterStartupError,
    JobCancelledException,
    JobExecutionException,
)
from weir.runtime.jobmanager.task_managers import (
    TaskManagerHandle,
    spawn_task_manager,
    stop_task_managers,
)
from weir.runtime.network.auth import server_handshake
from weir.runtime.network.data_server import ChannelRegistry, DataServer
from weir.runtime.network.errors import AuthenticationError, ConnectionClosed
from weir.runtime.network.frames import FrameReader
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
        self._lock = threading.RLock()
        self._started_at = 0.0
        self._pending_upstream_failure: tuple[float, dict[str, Any]] | None = None
        self._listeners: list[Any] = []
        host = config.get("jobmanager.bind-host", "127.0.0.1")
        self._control_server = socket.create_server((host, 0))
        self.collect_registry = ChannelRegistry()
        self.data_server = DataServer(self.secret, self.collect_registry, host)
        self.slots_per_tm = int(config.get("taskmanager.numberOfTaskSlots", 1))
        if self.slots_per_tm < 1:
            raise ValueError(
                f"taskmanager.numberOfTaskSlots must be at least 1, got {self.slots_per_tm}"
            )
        self.slot_sharing = str(config.get("pipeline.slot-sharing", True)).lower() != "false"
        self.heartbeat_timeout = float(config.get("heartbeat.timeout", 10000)) / 1000
        self.metrics_interval = float(config.get("metrics.log.interval", 5000)) / 1000

    # -- lifecycle -------------------------------------------------------------------------

    def on_terminal(self, listener: Any) -> None:
        """Call ``listener(status, exception)`` when the job reaches a terminal state."""
        self._listeners.append(listener)

    def start(self) -> None:
        self._started_at = time.monotonic()
        self.status = JobStatus.INITIALIZING
        log.info("Job '%s' (%s) starting", self.job_graph.job_name, self.job_id)
        for vertex in self.job_graph.vertices:
            for i in range(vertex.parallelism):
                self.task_states[TaskId(vertex.id, i)] = "CREATED"
        try:
            self._start_task_managers()
            self._deploy()
        except BaseException as exc:
            self._finish(JobStatus.FAILED, exc if isinstance(exc, Exception) else None)
            raise
        self.status = JobStatus.RUNNING
        threading.Thread(target=self._monitor_loop, name="job-monitor", daemon=True).start()

    def _placement(self) -> dict[TaskId, int]:
        """Subtask -> TaskManager. With slot sharing (Flink's default) slot i holds subtask i of
        every vertex; without it every subtask gets a slot of its own."""
        if self.slot_sharing:
            return {t: t.subtask_index // self.slots_per_tm for t in self.task_states}
        ordered = sorted(self.task_states, key=lambda t: (t.vertex_id, t.subtask_index))
        return {t: i // self.slots_per_tm for i, t in enumerate(ordered)}

    def _start_task_managers(self) -> None:
        count = max(self._placement().values()) + 1
        address = self._control_server.getsockname()[:2]
        log_level = self.config.get("taskmanager.log.level", "WARNING")
        for tm_id in range(count):
            self.task_managers.append(spawn_task_manager(tm_id, self.secret, address, log_level))
        timeout = float(self.config.get("taskmanager.registration.timeout", 60000)) / 1000
        self._control_server.settimeout(0.5)
        deadline = time.monotonic() + timeout
        registered = 0
        while registered < count:
            if time.monotonic() > deadline:
                raise ClusterStartupError(
                    f"only {registered} of {count} TaskManagers registered within {timeout:.0f}s; "
                    "the machine may be overloaded (raise taskmanager.registration.timeout)"
                )
            for handle in self.task_managers:
                if not handle.alive() and handle.control is None:
                    raise ClusterStartupError(
                        f"TaskManager {handle.tm_id} exited with code {handle.process.returncode} "
                        "during start-up; see its output above"
                    )
            try:
                conn, _ = self._control_server.accept()
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
            handle = self.task_managers[tm_id]
            handle.control, handle.data_address, handle.pid = conn, tuple(data_address), pid
            handle.last_heartbeat = time.monotonic()
            registered += 1
            threading.Thread(
                target=self._read_loop, args=(handle, reader), name=f"tm-{tm_id}-reader",
                daemon=True,
            ).start()
        self._control_server.close()

    def _deploy(self) -> None:
        placement = self._placement()
        addresses = {h.tm_id: h.data_address for h in self.task_managers}
        blob = cloudpickle.dumps(self.job_graph)
        for handle in self.task_managers:
            tasks = [t for t, tm in placement.items() if tm == handle.tm_id]
            deployment = Deployment(
                str(self.job_id), 0, blob, tasks, placement, addresses, self.job_graph.config
            )
            handle.send(("deploy", deployment))
        for task_id in self.task_states:
            self.task_states[task_id] = "DEPLOYING"

    # -- messages from TaskManagers --------------------------------------------------------

    def _read_loop(self, handle: TaskManagerHandle, reader: FrameReader) -> None:
        while True:
            try:
                message = reader.read_event()
            except (ConnectionClosed, OSError):
                self._task_manager_lost(handle, "its connection closed")
                return
            kind = message[0]
            if kind == "heartbeat":
                handle.last_heartbeat = time.monotonic()
                handle.metrics = message[2]
            elif kind == "task_state":
                if message[2] == "FINISHED" and message[3]:
                    handle.metrics[str(message[1])] = message[3]["metrics"]
                self._task_state_changed(message[1], message[2], message[3])

    def _task_state_changed(self, task_id: TaskId, state: str, failure: Any) -> None:
        with self._lock:
            if self.status.is_globally_terminal_state():
                return
            self.task_states[task_id] = state
            if state == "FAILED":
                if failure.get("upstream"):
                    # A lost channel is a symptom; give the root cause a moment to arrive.
                    if self._pending_upstream_failure is None:
                        self._pending_upstream_failure = (time.monotonic(), failure)
                    return
                self._fail_with(failure)
            elif state == "FINISHED" and all(s == "FINISHED" for s in self.task_states.values()):
                self._finish(JobStatus.FINISHED, None)

    def _fail_with(self, failure: dict[str, Any]) -> None:
        message = (
            f"Job '{self.job_graph.job_name}' ({self.job_id}) failed: operator "
            f"'{failure['operator']}' (subtask {failure['subtask'] + 1}/{failure['parallelism']}) "
            f"raised {failure['exception']}\n\n{failure['traceback']}"
        )
        self._finish(
            JobStatus.FAILED,
            JobExecutionException(message, str(self.job_id), failure["traceback"]),
        )

    def _task_manager_lost(self, handle: TaskManagerHandle, why: str) -> None:
        with self._lock:
            if self.status.is_globally_terminal_state() or self.status == JobStatus.CANCELLING:
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
        self._finish(
            JobStatus.FAILED,
            JobExecutionException(
                f"Job '{self.job_graph.job_name}' ({self.job_id}) failed: TaskManager "
                f"{handle.tm_id} (pid {handle.pid}) was lost: {detail}",
                str(self.job_id),
            ),
        )

    # -- monitoring ------------------------------------------------------------------------

    def _monitor_loop(self) -> None:
        next_metrics = time.monotonic() + self.metrics_interval
        while not self.status.is_globally_terminal_state():
            time.sleep(0.2)
            now = time.monotonic()
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
                    self._fail_with(pending[1])
            if now >= next_metrics and not self.status.is_globally_terminal_state():
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

    # -- termination -----------------------------------------------------------------------

    def cancel(self) -> None:
        with self._lock:
            if self.status.is_globally_terminal_state():
                return
            self.status = JobStatus.CANCELLING
        for handle in self.task_managers:
            try:
                handle.send(("cancel",))
            except OSError:
                pass
        self._finish(
            JobStatus.CANCELED,
            JobCancelledException(f"Job '{self.job_graph.job_name}' was cancelled", str(self.job_id)),
        )

    def _finish(self, status: JobStatus, exception: BaseException | None) -> None:
        with self._lock:
            if self.status.is_globally_terminal_state():
                return
            self.status = status
        stop_task_managers(self.task_managers)
        self.data_server.close()
        try:
            self._control_server.close()
        except OSError:
            pass
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
            self.result.set_result(JobExecutionResult(self.job_id, runtime_ms))
        else:
            self.result.set_exception(
                exception or JobExecutionException(f"job {status.name}", str(self.job_id))
            )

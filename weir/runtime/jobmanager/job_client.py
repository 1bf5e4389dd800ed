"""JobClient: the handle ``execute_async`` returns (PyFlink's ``pyflink.common.JobClient``)."""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any

from weir.common.job_execution_result import JobExecutionResult
from weir.common.job_id import JobID
from weir.common.job_status import JobStatus
from weir.runtime.jobmanager.job_master import JobMaster


def _completed(value: Any) -> Future:
    future: Future = Future()
    future.set_result(value)
    return future


class JobClient:
    """Query and control a running job.

    Example::

        client = env.execute_async("my job")
        print(client.get_job_status().result())
        client.cancel().result()
    """

    def __init__(self, job_master: JobMaster) -> None:
        self._master = job_master

    def get_job_id(self) -> JobID:
        return self._master.job_id

    def get_job_status(self) -> Future:
        """A future with the job's current :class:`JobStatus`."""
        return _completed(self._master.status)

    def cancel(self) -> Future:
        """Cancel the job; the future completes once every worker has stopped."""
        self._master.cancel()
        return _completed(None)

    def get_job_execution_result(self) -> Future:
        """A future that completes with the :class:`JobExecutionResult`, or the job's failure."""
        return self._master.result

    def wait(self, timeout: float | None = None) -> JobExecutionResult:
        """Pythonic shortcut: block until the job ends and return its result (or raise)."""
        return self._master.result.result(timeout)

    def trigger_savepoint(self, savepoint_directory: str | None = None) -> Future:
        """Take a savepoint; the future yields the directory to restore from."""
        return self._master.trigger_savepoint(savepoint_directory)

    def stop_with_savepoint(self, advance_to_end_of_event_time: bool = False,
                            savepoint_directory: str | None = None) -> Future:
        """Take a savepoint, then stop the job; the future yields the savepoint's directory."""
        return _completed(self._master.stop_with_savepoint(savepoint_directory))

    def get_checkpoint_stats(self) -> dict:
        """Checkpoint counts, the latest completed checkpoint and the recent history: id, status,
        trigger time, duration, size, slowest sync/async/alignment per subtask, restarts."""
        return self._master.checkpoint_stats.snapshot()

    def get_operator_metrics(self) -> dict[str, tuple[int, int]]:
        """Records in/out per operator, from the workers' last reports."""
        return self._master.operator_metrics()

    def is_terminal(self) -> bool:
        return JobStatus(self._master.status).is_globally_terminal_state()

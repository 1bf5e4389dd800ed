"""Exceptions a job's client sees."""


class JobExecutionException(Exception):
    """The job failed; the message names the operator, the subtask and the user's traceback."""

    def __init__(self, message: str, job_id: str = "", cause_traceback: str = "") -> None:
        super().__init__(message)
        self.job_id = job_id
        self.cause_traceback = cause_traceback


class JobCancelledException(JobExecutionException):
    """The job was cancelled before it finished."""


class ClusterStartupError(Exception):
    """TaskManager processes could not be started."""

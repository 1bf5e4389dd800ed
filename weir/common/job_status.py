"""JobStatus, as in ``pyflink.common.JobStatus``."""

from __future__ import annotations

from enum import Enum

__all__ = ["JobStatus"]


class JobStatus(Enum):
    """The states of a job's life cycle.

    Example::

        JobStatus.FINISHED.is_globally_terminal_state()    # True
        JobStatus.SUSPENDED.is_terminal_state()            # True (locally terminal only)
    """

    INITIALIZING = 0
    CREATED = 1
    RUNNING = 2
    FAILING = 3
    FAILED = 4
    CANCELLING = 5
    CANCELED = 6
    FINISHED = 7
    RESTARTING = 8
    SUSPENDED = 9
    RECONCILING = 10

    def is_globally_terminal_state(self) -> bool:
        """FINISHED, CANCELED or FAILED: the job is over for the whole cluster."""
        return self in _GLOBALLY_TERMINAL

    def is_terminal_state(self) -> bool:
        """Globally terminal, or SUSPENDED (over for this JobManager, may be recovered)."""
        return self in _GLOBALLY_TERMINAL or self is JobStatus.SUSPENDED


_GLOBALLY_TERMINAL = frozenset({JobStatus.FINISHED, JobStatus.CANCELED, JobStatus.FAILED})

"""RuntimeExecutionMode, as in ``pyflink.datastream.RuntimeExecutionMode``."""

from __future__ import annotations

from enum import Enum

__all__ = ["RuntimeExecutionMode"]


class RuntimeExecutionMode(Enum):
    """How a job runs.

    * ``STREAMING``: results are emitted continuously, as records arrive.
    * ``BATCH``: all inputs must be bounded; aggregations emit only their final results.
    * ``AUTOMATIC``: BATCH when every source is bounded, else STREAMING.

    Example::

        env.set_runtime_mode(RuntimeExecutionMode.BATCH)
    """

    STREAMING = 0
    BATCH = 1
    AUTOMATIC = 2

"""Consistency levels of checkpointing."""

from __future__ import annotations

from enum import Enum


class CheckpointingMode(Enum):
    """``EXACTLY_ONCE``: barriers are aligned, every record affects state once.
    ``AT_LEAST_ONCE``: barriers are not aligned; after a failure some records may be counted twice.
    ``AT_MOST_ONCE`` (weir's addition): state is restored after a failure but sources do not replay,
    so records in flight at the failure are lost and none is counted twice."""

    EXACTLY_ONCE = 0
    AT_LEAST_ONCE = 1
    AT_MOST_ONCE = 2

"""Consistency levels of checkpointing, as in ``pyflink.datastream.CheckpointingMode``."""

from __future__ import annotations

from enum import Enum

__all__ = ["CheckpointingMode"]


class CheckpointingMode(Enum):
    """What a failure may do to the results.

    * ``EXACTLY_ONCE``: checkpoint barriers are aligned; after recovery every record has
      affected the state exactly once.
    * ``AT_LEAST_ONCE``: barriers are not aligned (lower latency); after recovery some records may
      have affected the state twice.
    * ``AT_MOST_ONCE`` (weir's addition, not in Flink): state is restored from the last
      checkpoint after a failure, but sources resume from where they were instead of replaying
      from the checkpoint. Records in flight at the failure are lost and none is counted twice.
      It suits inputs that cannot be replayed and outputs where a duplicate is worse than a gap.

    Example::

        env.enable_checkpointing(1000, CheckpointingMode.EXACTLY_ONCE)
    """

    EXACTLY_ONCE = 0
    AT_LEAST_ONCE = 1
    AT_MOST_ONCE = 2

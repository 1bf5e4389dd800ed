from __future__ import annotations

from enum import Enum


class RuntimeExecutionMode(Enum):
    """STREAMING emits results continuously; BATCH (bounded inputs) emits final results of
    aggregations at the end of input."""

    STREAMING = 0
    BATCH = 1
    AUTOMATIC = 2

"""weir's common types, mirroring ``pyflink.common``.

Example::

    from weir.common import Row, Types, WatermarkStrategy, Duration
"""

from typing import Any

from weir.common.configuration import Configuration
from weir.common.job_execution_result import JobExecutionResult
from weir.common.job_id import JobID
from weir.common.job_status import JobStatus
from weir.common.restart_strategy import RestartStrategies, RestartStrategyConfiguration
from weir.common.serialization import (
    DeserializationSchema,
    Encoder,
    SerializationSchema,
    SimpleStringSchema,
)
from weir.common.time import Duration, Instant, Time
from weir.common.typeinfo import TypeInformation, Types
from weir.common.types import Row, RowKind
from weir.common.watermark_strategy import TimestampAssigner, WatermarkStrategy

__all__ = [
    "Configuration",
    "DeserializationSchema",
    "Duration",
    "Encoder",
    "ExecutionConfig",
    "Instant",
    "JobExecutionResult",
    "JobID",
    "JobStatus",
    "RestartStrategies",
    "RestartStrategyConfiguration",
    "Row",
    "RowKind",
    "SerializationSchema",
    "SimpleStringSchema",
    "Time",
    "TimestampAssigner",
    "TypeInformation",
    "Types",
    "WatermarkStrategy",
]


def __getattr__(name: str) -> Any:
    # ExecutionConfig lives with the DataStream API; load it lazily to avoid an import cycle.
    if name == "ExecutionConfig":
        from weir.datastream.execution_config import ExecutionConfig

        return ExecutionConfig
    raise AttributeError(f"module 'weir.common' has no attribute {name!r}")

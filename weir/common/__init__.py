"""weir's common types, mirroring ``pyflink.common``."""

from weir.common.configuration import Configuration
from weir.common.job_execution_result import JobExecutionResult
from weir.common.job_id import JobID
from weir.common.job_status import JobStatus
from weir.common.restart_strategy import RestartStrategies
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
    "Instant",
    "JobExecutionResult",
    "JobID",
    "JobStatus",
    "RestartStrategies",
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

"""ExecutionConfig: per-job settings reachable through ``env.get_config()``."""

from __future__ import annotations

from typing import Any


class ExecutionConfig:
    def __init__(self) -> None:
        self._global_job_parameters: dict[str, str] = {}
        self._auto_watermark_interval = 200

    def set_global_job_parameters(self, global_job_parameters_dict: dict[str, str]) -> ExecutionConfig:
        self._global_job_parameters = dict(global_job_parameters_dict)
        return self

    def get_global_job_parameters(self) -> dict[str, str]:
        return dict(self._global_job_parameters)

    def set_auto_watermark_interval(self, interval: int) -> ExecutionConfig:
        self._auto_watermark_interval = interval
        return self

    def get_auto_watermark_interval(self) -> int:
        return self._auto_watermark_interval

    def enable_object_reuse(self) -> ExecutionConfig:
        return self

    def disable_object_reuse(self) -> ExecutionConfig:
        return self

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"ExecutionConfig.{name} is not supported by weir")

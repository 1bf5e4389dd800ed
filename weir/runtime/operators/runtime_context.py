"""The :class:`RuntimeContext` user functions receive in ``open``."""

from __future__ import annotations

from typing import Any

from weir.api.functions import RuntimeContext
from weir.runtime.operators.base import OperatorSetup
from weir.state.errors import StateError


class StreamingRuntimeContext(RuntimeContext):
    def __init__(self, info: OperatorSetup) -> None:
        self._info = info

    def get_task_name(self) -> str:
        return self._info.task_name

    def get_number_of_parallel_subtasks(self) -> int:
        return self._info.parallelism

    def get_max_number_of_parallel_subtasks(self) -> int:
        return self._info.max_parallelism

    def get_index_of_this_subtask(self) -> int:
        return self._info.subtask_index

    def get_attempt_number(self) -> int:
        return self._info.attempt_number

    def get_task_name_with_subtasks(self) -> str:
        return f"{self._info.task_name} ({self._info.subtask_index + 1}/{self._info.parallelism})"

    def get_job_parameter(self, key: str, default_value: str) -> str:
        return self._info.job_parameters.get(key, default_value)

    def get_metrics_group(self) -> Any:
        raise NotImplementedError("user-defined metrics are not supported yet")

    def _backend(self, what: str):
        backend = self._info.keyed_backend
        if backend is None:
            raise StateError(
                f"{what}: keyed state is only available on a keyed stream; call key_by(...) "
                f"before the operator '{self._info.operator_name}'"
            )
        return backend

    def get_state(self, state_descriptor: Any) -> Any:
        return self._backend("get_state").get_partitioned_state(state_descriptor)

    def get_list_state(self, state_descriptor: Any) -> Any:
        return self._backend("get_list_state").get_partitioned_state(state_descriptor)

    def get_map_state(self, state_descriptor: Any) -> Any:
        return self._backend("get_map_state").get_partitioned_state(state_descriptor)

    def get_reducing_state(self, state_descriptor: Any) -> Any:
        return self._backend("get_reducing_state").get_partitioned_state(state_descriptor)

    def get_aggregating_state(self, state_descriptor: Any) -> Any:
        return self._backend("get_aggregating_state").get_partitioned_state(state_descriptor)

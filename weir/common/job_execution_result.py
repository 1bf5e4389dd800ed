"""JobExecutionResult: what ``env.execute`` returns."""

from __future__ import annotations

from typing import Any

from weir.common.job_id import JobID

__all__ = ["JobExecutionResult"]


class JobExecutionResult:
    """The result of a finished job: its id, run time and accumulator values.

    Example::

        result = env.execute("word count")
        print(result.get_job_id(), result.get_net_runtime(), "ms")
    """

    def __init__(
        self, job_id: JobID, net_runtime_ms: int, accumulators: dict[str, Any] | None = None
    ) -> None:
        self._job_id = job_id
        self._net_runtime = int(net_runtime_ms)
        self._accumulators = dict(accumulators or {})

    def get_job_id(self) -> JobID:
        return self._job_id

    def get_net_runtime(self) -> int:
        """Milliseconds from the job's start to its end."""
        return self._net_runtime

    def get_all_accumulator_results(self) -> dict[str, Any]:
        return dict(self._accumulators)

    def get_accumulator_result(self, accumulator_name: str) -> Any:
        """The value of one accumulator, or None."""
        return self._accumulators.get(accumulator_name)

    def is_job_execution_result(self) -> bool:
        return True

    def get_job_execution_result(self) -> JobExecutionResult:
        return self

    def __repr__(self) -> str:
        return (
            f"JobExecutionResult(job_id={self._job_id}, net_runtime={self._net_runtime} ms, "
            f"accumulators={self._accumulators!r})"
        )

    __str__ = __repr__

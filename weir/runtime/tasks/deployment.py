"""What the JobManager sends a TaskManager to run tasks."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from weir.runtime.network.data_server import ChannelRegistry


@dataclass(frozen=True)
class TaskId:
    vertex_id: int
    subtask_index: int

    def __str__(self) -> str:
        return f"{self.vertex_id}.{self.subtask_index}"


@dataclass
class Deployment:
    """One TaskManager's share of a job: the pickled job graph and which subtasks to run here."""

    job_id: str
    attempt: int
    job_graph_blob: bytes
    tasks: list[TaskId]
    #: Where each subtask runs: TaskId → TaskManager id.
    placement: dict[TaskId, int]
    #: Data-server address of each TaskManager.
    addresses: dict[int, tuple[str, int]]
    config: dict[str, Any] = field(default_factory=dict)
    #: State to restore, per task (absent: start empty).
    restore: dict[TaskId, Any] = field(default_factory=dict)


@dataclass
class TaskEnvironment:
    """Process-wide services a task uses: its TaskManager's identity, channels and reporting."""

    tm_id: int
    secret: bytes
    registry: ChannelRegistry
    report: Callable[[tuple], None]
    #: Runs the asynchronous part of snapshots (one thread: files are written in order).
    snapshot_executor: Executor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="snapshot")
    )

    def checkpoint_storage(self, config: dict[str, Any]) -> Any:
        from weir.runtime.checkpoint.storage import storage_from_config

        return storage_from_config(config)

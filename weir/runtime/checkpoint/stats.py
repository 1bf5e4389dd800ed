"""Checkpoint statistics: the numbers the checkpoint-interval / state-size trade-off needs."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass
class SubtaskCheckpointStats:
    task: str
    sync_ms: float
    async_ms: float
    alignment_ms: float
    size: int


@dataclass
class CheckpointStats:
    checkpoint_id: int
    is_savepoint: bool
    trigger_timestamp: int
    status: str = "IN_PROGRESS"  # COMPLETED, FAILED
    duration_ms: float | None = None
    size: int = 0
    failure: str | None = None
    subtasks: list[SubtaskCheckpointStats] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.checkpoint_id,
            "status": self.status,
            "savepoint": self.is_savepoint,
            "trigger_timestamp": self.trigger_timestamp,
            "duration_ms": self.duration_ms,
            "size": self.size,
            "max_sync_ms": max((s.sync_ms for s in self.subtasks), default=0.0),
            "max_async_ms": max((s.async_ms for s in self.subtasks), default=0.0),
            "max_alignment_ms": max((s.alignment_ms for s in self.subtasks), default=0.0),
            "failure": self.failure,
        }


class CheckpointStatsTracker:
    def __init__(self, history: int = 50) -> None:
        self._history = history
        self._lock = threading.Lock()
        self.checkpoints: dict[int, CheckpointStats] = {}
        self.completed = 0
        self.failed = 0
        self.restarts = 0

    def triggered(self, checkpoint_id: int, is_savepoint: bool, timestamp: int) -> CheckpointStats:
        with self._lock:
            stats = CheckpointStats(checkpoint_id, is_savepoint, timestamp)
            self.checkpoints[checkpoint_id] = stats
            for old in sorted(self.checkpoints)[: -self._history]:
                del self.checkpoints[old]
            return stats

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            ordered = [self.checkpoints[c].summary() for c in sorted(self.checkpoints)]
            latest = next((c for c in reversed(ordered) if c["status"] == "COMPLETED"), None)
            return {
                "counts": {"completed": self.completed, "failed": self.failed,
                           "in_progress": sum(1 for c in ordered if c["status"] == "IN_PROGRESS"),
                           "restarts": self.restarts},
                "latest_completed": latest,
                "history": ordered,
            }

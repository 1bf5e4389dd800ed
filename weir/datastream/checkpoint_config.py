"""CheckpointConfig: ``env.get_checkpoint_config()``, as in PyFlink.

Example::

    env.enable_checkpointing(1000, CheckpointingMode.EXACTLY_ONCE)
    config = env.get_checkpoint_config()
    config.set_checkpoint_timeout(60_000)
    config.set_min_pause_between_checkpoints(500)
    config.set_externalized_checkpoint_cleanup(
        ExternalizedCheckpointCleanup.RETAIN_ON_CANCELLATION)
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from weir.datastream.checkpointing_mode import CheckpointingMode


class ExternalizedCheckpointCleanup(Enum):
    DELETE_ON_CANCELLATION = 0
    RETAIN_ON_CANCELLATION = 1
    NO_EXTERNALIZED_CHECKPOINTS = 2


class CheckpointConfig:
    """A view on the environment's configuration under ``execution.checkpointing.*``."""

    def __init__(self, config: dict[str, Any]) -> None:
        self._config = config

    def _positive(self, key: str, value: int, what: str, minimum: int = 1) -> None:
        if int(value) < minimum:
            raise ValueError(f"{what} must be at least {minimum}, got {value}")
        self._config[key] = int(value)

    def is_checkpointing_enabled(self) -> bool:
        return int(self._config.get("execution.checkpointing.interval", 0)) > 0

    def get_checkpointing_mode(self) -> CheckpointingMode:
        return CheckpointingMode[self._config.get("execution.checkpointing.mode", "EXACTLY_ONCE")]

    def set_checkpointing_mode(self, mode: CheckpointingMode) -> CheckpointConfig:
        self._config["execution.checkpointing.mode"] = mode.name
        return self

    def get_checkpoint_interval(self) -> int:
        return int(self._config.get("execution.checkpointing.interval", -1))

    def set_checkpoint_interval(self, checkpoint_interval: int) -> CheckpointConfig:
        self._positive("execution.checkpointing.interval", checkpoint_interval,
                       "the checkpoint interval (ms)")
        return self

    def get_checkpoint_timeout(self) -> int:
        return int(self._config.get("execution.checkpointing.timeout", 600_000))

    def set_checkpoint_timeout(self, checkpoint_timeout: int) -> CheckpointConfig:
        self._positive("execution.checkpointing.timeout", checkpoint_timeout,
                       "the checkpoint timeout (ms)")
        return self

    def get_min_pause_between_checkpoints(self) -> int:
        return int(self._config.get("execution.checkpointing.min-pause", 0))

    def set_min_pause_between_checkpoints(self, min_pause_between_checkpoints: int) -> CheckpointConfig:
        self._positive("execution.checkpointing.min-pause", min_pause_between_checkpoints,
                       "the minimum pause between checkpoints (ms)", 0)
        return self

    def get_max_concurrent_checkpoints(self) -> int:
        return int(self._config.get("execution.checkpointing.max-concurrent-checkpoints", 1))

    def set_max_concurrent_checkpoints(self, max_concurrent_checkpoints: int) -> CheckpointConfig:
        self._positive("execution.checkpointing.max-concurrent-checkpoints",
                       max_concurrent_checkpoints, "max concurrent checkpoints")
        return self

    def get_tolerable_checkpoint_failure_number(self) -> int:
        return int(self._config.get("execution.checkpointing.tolerable-failed-checkpoints",
                                    2**31 - 1))

    def set_tolerable_checkpoint_failure_number(self, number: int) -> CheckpointConfig:
        self._positive("execution.checkpointing.tolerable-failed-checkpoints", number,
                       "tolerable failed checkpoints", 0)
        return self

    def set_num_retained_checkpoints(self, number: int) -> CheckpointConfig:
        """weir shortcut for Flink's ``state.checkpoints.num-retained``."""
        self._positive("state.checkpoints.num-retained", number, "retained checkpoints")
        return self

    def get_num_retained_checkpoints(self) -> int:
        return int(self._config.get("state.checkpoints.num-retained", 1))

    def set_externalized_checkpoint_cleanup(
        self, cleanup_mode: ExternalizedCheckpointCleanup
    ) -> CheckpointConfig:
        self._config["execution.checkpointing.externalized-checkpoint-retention"] = \
            cleanup_mode.name
        return self

    enable_externalized_checkpoints = set_externalized_checkpoint_cleanup

    def is_externalized_checkpoints_enabled(self) -> bool:
        return self._config.get(
            "execution.checkpointing.externalized-checkpoint-retention"
        ) == "RETAIN_ON_CANCELLATION"

    def enable_unaligned_checkpoints(self, enabled: bool = True) -> CheckpointConfig:
        """Exactly-once checkpoints without barrier alignment: a task snapshots at the first
        barrier and stores the records still in flight on its other inputs with the checkpoint,
        so checkpoints complete under backpressure. A restore from such a checkpoint must keep
        the parallelism (savepoints stay aligned and rescalable)."""
        self._config["execution.checkpointing.unaligned"] = bool(enabled)
        return self

    def disable_unaligned_checkpoints(self) -> CheckpointConfig:
        return self.enable_unaligned_checkpoints(False)

    def is_unaligned_checkpoints_enabled(self) -> bool:
        return bool(self._config.get("execution.checkpointing.unaligned", False))

    def set_checkpoint_storage(self, storage: Any) -> CheckpointConfig:
        self._config["state.checkpoint-storage.object"] = storage
        return self

    def set_checkpoint_storage_dir(self, checkpoint_path: str) -> CheckpointConfig:
        from weir.runtime.checkpoint.storage import FileSystemCheckpointStorage

        return self.set_checkpoint_storage(FileSystemCheckpointStorage(checkpoint_path))

    def get_checkpoint_storage(self) -> Any:
        return self._config.get("state.checkpoint-storage.object")

"""State backends users configure with ``env.set_state_backend(...)`` (PyFlink's names).

- :class:`HashMapStateBackend` (and the older name :class:`MemoryStateBackend`): keyed state lives
  in Python dicts in the worker processes — fastest, bounded by memory.
- :class:`FsStateBackend`: the same in-memory state, with checkpoints written to a file system URI.
- :class:`EmbeddedRocksDBStateBackend` / :class:`RocksDBStateBackend`: keyed state in an embedded
  RocksDB on local disk, with a bounded write-back cache in front — state larger than memory.
"""

from __future__ import annotations

from typing import Any

from weir.state.hashmap import HashMapStateBackendImpl
from weir.state.key_groups import KeyGroupRange


class HashMapStateBackend(HashMapStateBackendImpl):
    """Keyed state as Python objects in memory.

    Example::

        env.set_state_backend(HashMapStateBackend())
    """

    def __repr__(self) -> str:
        return "HashMapStateBackend()"


class MemoryStateBackend(HashMapStateBackend):
    """Flink's older name for in-memory state with checkpoints kept by the JobManager."""

    def __init__(self, checkpoint_path: str | None = None, savepoint_path: str | None = None,
                 max_state_size: int | None = None) -> None:
        self.checkpoint_path = checkpoint_path
        self.savepoint_path = savepoint_path
        self.max_state_size = max_state_size

    def __repr__(self) -> str:
        return "MemoryStateBackend()"


class FsStateBackend(HashMapStateBackend):
    """In-memory state, checkpointed to ``checkpoint_directory_uri`` (``file:///tmp/checkpoints``).

    Example::

        env.set_state_backend(FsStateBackend("file:///tmp/checkpoints"))
    """

    def __init__(self, checkpoint_directory_uri: str, default_savepoint_directory_uri: str | None = None,
                 file_state_size_threshold: int | None = None, write_buffer_size: int | None = None) -> None:
        if not isinstance(checkpoint_directory_uri, str) or not checkpoint_directory_uri:
            raise ValueError("FsStateBackend needs a checkpoint directory URI, e.g. "
                             "FsStateBackend('file:///tmp/checkpoints')")
        self.checkpoint_directory_uri = checkpoint_directory_uri
        self.default_savepoint_directory_uri = default_savepoint_directory_uri

    def __repr__(self) -> str:
        return f"FsStateBackend({self.checkpoint_directory_uri!r})"


class EmbeddedRocksDBStateBackend:
    """Keyed state in an embedded RocksDB (``pip install weir[rocksdb]``).

    Example::

        env.set_state_backend(EmbeddedRocksDBStateBackend())
        env.get_checkpoint_config().set_checkpoint_storage_dir("file:///tmp/checkpoints")

    ``cache_entries`` bounds the decoded values kept in memory in front of the database;
    ``block_cache_mb`` and ``write_buffer_mb`` bound RocksDB's own memory (per keyed operator
    subtask); ``local_dir`` is where the working databases live (removed when the job ends).
    Checkpoints are full snapshots laid out per key group, or with
    ``enable_incremental_checkpointing=True`` RocksDB checkpoints whose immutable SST files are
    uploaded once and shared by later checkpoints (reference-counted; savepoints are always full).
    """

    def __init__(
        self,
        enable_incremental_checkpointing: bool | None = None,
        local_dir: str | None = None,
        cache_entries: int = 200_000,
        block_cache_mb: int = 32,
        write_buffer_mb: int = 16,
    ) -> None:
        try:
            import rocksdict  # noqa: F401
        except ImportError as exc:
            raise ImportError(
                "the RocksDB state backend needs the rocksdict package: pip install 'weir[rocksdb]'"
            ) from exc
        self.enable_incremental_checkpointing = bool(enable_incremental_checkpointing)
        self.local_dir = local_dir
        self.cache_entries = cache_entries
        self.block_cache_mb = block_cache_mb
        self.write_buffer_mb = write_buffer_mb

    def is_incremental_checkpoints_enabled(self) -> bool:
        return self.enable_incremental_checkpointing

    def set_db_storage_paths(self, *paths: str) -> None:
        self.local_dir = paths[0] if paths else None

    def get_db_storage_paths(self) -> list[str]:
        return [self.local_dir] if self.local_dir else []

    def create_keyed_state_backend(
        self, operator_uid: str, key_group_range: KeyGroupRange, max_parallelism: int
    ) -> Any:
        from weir.state.rocksdb.backend import EmbeddedRocksDBStateBackendImpl

        return EmbeddedRocksDBStateBackendImpl(
            self.local_dir, self.cache_entries, self.block_cache_mb << 20,
            self.write_buffer_mb << 20, self.enable_incremental_checkpointing,
        ).create_keyed_state_backend(operator_uid, key_group_range, max_parallelism)

    def __repr__(self) -> str:
        return "EmbeddedRocksDBStateBackend()"


class RocksDBStateBackend(EmbeddedRocksDBStateBackend):
    """Flink's older name: RocksDB state with checkpoints under ``checkpoint_data_uri``.

    Example::

        env.set_state_backend(RocksDBStateBackend("file:///tmp/checkpoints"))
    """

    def __init__(self, checkpoint_data_uri: str, enable_incremental_checkpointing: bool | None = None,
                 **kwargs: Any) -> None:
        if not checkpoint_data_uri:
            raise ValueError("RocksDBStateBackend needs a checkpoint URI, e.g. "
                             "RocksDBStateBackend('file:///tmp/checkpoints')")
        super().__init__(enable_incremental_checkpointing, **kwargs)
        self.checkpoint_directory_uri = checkpoint_data_uri

    def __repr__(self) -> str:
        return f"RocksDBStateBackend({self.checkpoint_directory_uri!r})"

"""State backends users configure with ``env.set_state_backend(...)`` (PyFlink's names).

- :class:`HashMapStateBackend` (and the older name :class:`MemoryStateBackend`): keyed state lives
  in Python dicts in the worker processes — fastest, bounded by memory.
- :class:`FsStateBackend`: the same in-memory state, with checkpoints written to a file system URI.
"""

from __future__ import annotations

from weir.state.hashmap import HashMapStateBackendImpl


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

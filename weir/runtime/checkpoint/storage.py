"""Checkpoint storage: where snapshot files and checkpoint metadata are written.

- :class:`FileSystemCheckpointStorage` writes under a directory URI: a local path,
  ``file:///tmp/checkpoints``, or any fsspec URL (``s3://bucket/checkpoints``...). Layout::

      <base>/<job id>/chk-<n>/task-<vertex>-<subtask>.state   one file per subtask
      <base>/<job id>/chk-<n>/_metadata                        written last, by rename

- :class:`JobManagerCheckpointStorage` keeps small snapshots in the JobManager's memory (Flink's
  default without a checkpoint directory); they do not survive the client process.

Every file carries an xxHash checksum, verified when it is read back.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

import xxhash

from weir.runtime.checkpoint.errors import CorruptCheckpointError


def checksum(data: bytes | bytearray | memoryview) -> int:
    return xxhash.xxh3_64_intdigest(data)


class StateHandle(ABC):
    """A reference to persisted bytes that a restoring task can read (part of)."""

    @abstractmethod
    def read(self, offset: int = 0, length: int = -1) -> bytes: ...

    @abstractmethod
    def describe(self) -> str: ...

    def discard(self) -> None:
        """Delete the underlying bytes."""


@dataclass(frozen=True)
class ByteStreamStateHandle(StateHandle):
    data: bytes

    def read(self, offset: int = 0, length: int = -1) -> bytes:
        end = len(self.data) if length < 0 else offset + length
        return self.data[offset:end]

    def describe(self) -> str:
        return f"<{len(self.data)} bytes held by the JobManager>"


@dataclass(frozen=True)
class FileStateHandle(StateHandle):
    url: str
    size: int

    def read(self, offset: int = 0, length: int = -1) -> bytes:
        fs, path = filesystem_for(self.url)
        try:
            with fs.open(path, "rb") as f:
                f.seek(offset)
                data = f.read() if length < 0 else f.read(length)
        except FileNotFoundError as exc:
            raise CorruptCheckpointError(f"state file {self.url} is missing") from exc
        if length >= 0 and len(data) != length:
            raise CorruptCheckpointError(
                f"state file {self.url} is truncated (wanted {length} bytes at {offset}, "
                f"got {len(data)})"
            )
        return data

    def describe(self) -> str:
        return self.url

    def discard(self) -> None:
        fs, path = filesystem_for(self.url)
        try:
            fs.rm(path)
        except FileNotFoundError:
            pass


def filesystem_for(url: str) -> tuple[Any, str]:
    """(fsspec filesystem, path) for a URL or a plain local path."""
    import fsspec

    if "://" not in url:
        url = "file://" + os.path.abspath(url)
    fs, path = fsspec.core.url_to_fs(url)
    return fs, path


def _is_local(url: str) -> bool:
    return "://" not in url or url.startswith("file://")


def _local_path(url: str) -> str:
    return url[len("file://") :] if url.startswith("file://") else url


class CheckpointStorage(ABC):
    """Creates the places a checkpoint's files go, and stores its metadata."""

    #: True when snapshots must travel to the JobManager inside the acknowledgement.
    in_memory = False

    @abstractmethod
    def write_task_state(self, job_id: str, checkpoint_id: int, name: str, data: bytes,
                         is_savepoint: bool = False, savepoint_dir: str | None = None) -> StateHandle:
        ...

    @abstractmethod
    def write_metadata(self, job_id: str, checkpoint_id: int, data: bytes,
                       savepoint_dir: str | None = None) -> str:
        """Write atomically; return the checkpoint's external pointer (its directory)."""

    def discard_checkpoint(self, pointer: str) -> None:
        """Remove a checkpoint directory that is no longer retained."""

    def upload_shared(self, job_id: str, name: str, local_path: str) -> FileStateHandle:
        """Copy a file that several checkpoints may share (an immutable RocksDB SST file)."""
        raise ValueError(
            "incremental checkpoints need a checkpoint directory: use "
            "RocksDBStateBackend('file:///...') or set_checkpoint_storage_dir(...)"
        )

    def upload_private(self, job_id: str, checkpoint_id: int, name: str, local_path: str,
                       savepoint_dir: str | None = None) -> FileStateHandle:
        with open(local_path, "rb") as f:
            data = f.read()
        return self.write_task_state(job_id, checkpoint_id, name, data, savepoint_dir is not None,
                                     savepoint_dir)  # type: ignore[return-value]

    def describe(self) -> str:
        return type(self).__name__


class JobManagerCheckpointStorage(CheckpointStorage):
    in_memory = True

    def __init__(self, max_state_size: int = 5 * 1024 * 1024) -> None:
        self.max_state_size = max_state_size

    def write_task_state(self, job_id, checkpoint_id, name, data, is_savepoint=False,
                         savepoint_dir=None) -> StateHandle:
        if savepoint_dir is not None:
            return FileSystemCheckpointStorage(savepoint_dir).write_task_state(
                job_id, checkpoint_id, name, data, True, savepoint_dir)
        if len(data) > self.max_state_size:
            raise ValueError(
                f"the state of {name} is {len(data)} bytes, more than the {self.max_state_size} "
                "bytes the JobManager keeps in memory; configure a checkpoint directory with "
                "FsStateBackend('file:///...') or FileSystemCheckpointStorage"
            )
        return ByteStreamStateHandle(bytes(data))

    def write_metadata(self, job_id, checkpoint_id, data, savepoint_dir=None) -> str:
        if savepoint_dir is not None:
            return FileSystemCheckpointStorage(savepoint_dir).write_metadata(
                job_id, checkpoint_id, data, savepoint_dir)
        return f"<jobmanager>/chk-{checkpoint_id}"


class FileSystemCheckpointStorage(CheckpointStorage):
    """Checkpoints in a directory (``FileSystemCheckpointStorage("file:///tmp/checkpoints")``)."""

    def __init__(self, checkpoint_path: str) -> None:
        if not checkpoint_path:
            raise ValueError("FileSystemCheckpointStorage needs a directory URI")
        self.base = checkpoint_path.rstrip("/")

    def describe(self) -> str:
        return f"FileSystemCheckpointStorage({self.base})"

    def checkpoint_dir(self, job_id: str, checkpoint_id: int) -> str:
        return f"{self.base}/{job_id}/chk-{checkpoint_id}"

    def _target_dir(self, job_id: str, checkpoint_id: int, savepoint_dir: str | None) -> str:
        if savepoint_dir is not None:
            return savepoint_dir.rstrip("/")
        return self.checkpoint_dir(job_id, checkpoint_id)

    def write_task_state(self, job_id, checkpoint_id, name, data, is_savepoint=False,
                         savepoint_dir=None) -> StateHandle:
        directory = self._target_dir(job_id, checkpoint_id, savepoint_dir)
        url = f"{directory}/{name}-{uuid.uuid4().hex[:8]}.state"
        write_file(url, data)
        return FileStateHandle(url, len(data))

    def write_metadata(self, job_id, checkpoint_id, data, savepoint_dir=None) -> str:
        directory = self._target_dir(job_id, checkpoint_id, savepoint_dir)
        write_file(f"{directory}/_metadata", data, atomic=True)
        return directory

    def upload_shared(self, job_id: str, name: str, local_path: str) -> FileStateHandle:
        url = f"{self.base}/{job_id}/shared/{name}"
        with open(local_path, "rb") as f:
            data = f.read()
        write_file(url, data)
        return FileStateHandle(url, len(data))

    def discard_checkpoint(self, pointer: str) -> None:
        if _is_local(pointer):
            shutil.rmtree(_local_path(pointer), ignore_errors=True)
        else:
            fs, path = filesystem_for(pointer)
            try:
                fs.rm(path, recursive=True)
            except FileNotFoundError:
                pass


def write_file(url: str, data: bytes, atomic: bool = False) -> None:
    """Write ``data`` durably; with ``atomic`` readers see the old state or all of the new file."""
    if _is_local(url):
        path = _local_path(url)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = f"{path}.{uuid.uuid4().hex[:8]}.tmp" if atomic else path
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if atomic:
            os.replace(tmp, path)
            dir_fd = os.open(os.path.dirname(path), os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        return
    fs, path = filesystem_for(url)
    fs.makedirs(posixpath.dirname(path), exist_ok=True)
    tmp = f"{path}.{uuid.uuid4().hex[:8]}.tmp" if atomic else path
    with fs.open(tmp, "wb") as f:
        f.write(data)
    if atomic:
        fs.mv(tmp, path)


def read_file(url: str) -> bytes:
    if _is_local(url):
        with open(_local_path(url), "rb") as f:
            return f.read()
    fs, path = filesystem_for(url)
    with fs.open(path, "rb") as f:
        return f.read()


def storage_from_config(config: dict[str, Any]) -> CheckpointStorage:
    """The storage a job's settings ask for: an explicit storage, the state backend's checkpoint
    directory (FsStateBackend), or the JobManager's memory."""
    explicit = config.get("state.checkpoint-storage.object")
    if explicit is not None:
        return explicit
    directory = config.get("state.checkpoints.dir")
    backend = config.get("state.backend.object")
    directory = directory or getattr(backend, "checkpoint_directory_uri", None)
    if directory:
        return FileSystemCheckpointStorage(directory)
    return JobManagerCheckpointStorage()

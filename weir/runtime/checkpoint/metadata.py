"""Completed checkpoints: what recovery reads, how they are stored and verified."""

from __future__ import annotations

import logging
import pickle
import struct
from dataclasses import dataclass, field

from weir.runtime.checkpoint.errors import CorruptCheckpointError, NoCheckpointError
from weir.runtime.checkpoint.storage import StateHandle, checksum, read_file

log = logging.getLogger("weir.checkpoint")

_MAGIC = b"WEIRMETA"


@dataclass
class TaskSnapshot:
    """One subtask's acknowledged snapshot file."""

    vertex_id: int
    subtask_index: int
    handle: StateHandle
    index: dict[tuple, tuple[int, int, int]]
    #: uid -> {"max_parallelism": m, "parallelism": p}
    operators: dict[str, dict[str, int]]
    size: int
    #: Files shared with other checkpoints (incremental RocksDB SSTs): (handle, checksum).
    shared_files: list[tuple[StateHandle, int]] = field(default_factory=list)


@dataclass
class OperatorState:
    uid: str
    max_parallelism: int
    parallelism: int
    #: (old subtask index, handle, index of that subtask's file)
    subtasks: list[tuple[int, StateHandle, dict]] = field(default_factory=list)


@dataclass
class CompletedCheckpoint:
    checkpoint_id: int
    timestamp: int
    job_id: str
    job_name: str
    is_savepoint: bool
    tasks: list[TaskSnapshot]
    #: The checkpoint's directory (or a description for JobManager-held checkpoints).
    external_pointer: str = ""

    @property
    def size(self) -> int:
        return sum(t.size for t in self.tasks)

    def operator_states(self) -> dict[str, OperatorState]:
        states: dict[str, OperatorState] = {}
        for task in self.tasks:
            for uid, info in task.operators.items():
                state = states.get(uid)
                if state is None:
                    state = states[uid] = OperatorState(
                        uid, info["max_parallelism"], info["parallelism"]
                    )
                state.subtasks.append((task.subtask_index, task.handle, task.index))
        return states

    def to_bytes(self) -> bytes:
        payload = pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)
        return _MAGIC + struct.pack("<Q", checksum(payload)) + payload

    @staticmethod
    def from_bytes(data: bytes, where: str) -> CompletedCheckpoint:
        if data[: len(_MAGIC)] != _MAGIC or len(data) < len(_MAGIC) + 8:
            raise CorruptCheckpointError(f"{where} is not a weir checkpoint metadata file")
        (expected,) = struct.unpack("<Q", data[len(_MAGIC) : len(_MAGIC) + 8])
        payload = data[len(_MAGIC) + 8 :]
        if checksum(payload) != expected:
            raise CorruptCheckpointError(f"{where} fails its checksum")
        return pickle.loads(payload)

    def verify(self) -> None:
        """Read every state file back and check every segment; raises naming the bad file."""
        for task in self.tasks:
            where = task.handle.describe()
            data = task.handle.read()
            if len(data) != task.size:
                raise CorruptCheckpointError(
                    f"state file {where} has {len(data)} bytes, expected {task.size}"
                )
            for key, (offset, length, crc) in task.index.items():
                if checksum(data[offset : offset + length]) != crc:
                    raise CorruptCheckpointError(
                        f"state file {where} is corrupt (segment {key} fails its checksum)"
                    )
            for handle, crc in task.shared_files:
                if checksum(handle.read()) != crc:
                    raise CorruptCheckpointError(
                        f"shared state file {handle.describe()} is corrupt (checksum mismatch)")


def load_external(path: str) -> CompletedCheckpoint:
    """A savepoint or retained checkpoint from its directory (or its ``_metadata`` file)."""
    target = path.rstrip("/")
    if not target.endswith("_metadata"):
        target = f"{target}/_metadata"
    try:
        data = read_file(target)
    except FileNotFoundError as exc:
        raise NoCheckpointError(
            f"no checkpoint metadata at {target}; pass the directory of a savepoint or of a "
            "retained checkpoint (it holds a _metadata file)"
        ) from exc
    checkpoint = CompletedCheckpoint.from_bytes(data, target)
    checkpoint.external_pointer = target.rsplit("/", 1)[0]
    return checkpoint


def latest_valid(candidates: list[CompletedCheckpoint]) -> CompletedCheckpoint | None:
    """The newest checkpoint whose files are all intact; corrupt ones are skipped with a
    warning that names the file."""
    for checkpoint in reversed(candidates):
        try:
            checkpoint.verify()
            return checkpoint
        except CorruptCheckpointError as exc:
            log.warning(
                "checkpoint %d cannot be used: %s; falling back to an earlier checkpoint",
                checkpoint.checkpoint_id, exc,
            )
    return None

"""The task side of a checkpoint: take the snapshot of a chain, write it, acknowledge it; and
restore a chain from a checkpoint before it opens.

The synchronous part runs on the task thread between two records (keyed backends capture a
copy-on-write view, operators hand over their operator state); serialising and writing happen on
the TaskManager's snapshot thread while records keep flowing.
"""

from __future__ import annotations

import logging
import pickle
import threading
import time
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

from weir.runtime.checkpoint.storage import CheckpointStorage
from weir.runtime.network.events import CheckpointBarrier
from weir.runtime.tasks.operator_chain import OperatorChain
from weir.state.hashmap import dumps_state
from weir.state.snapshot_format import build_snapshot_file, verify_segment

log = logging.getLogger(__name__)


@dataclass
class SegmentRef:
    """Where a restoring task finds one segment of an old snapshot."""

    handle: Any
    offset: int
    length: int
    checksum: int

    def load(self) -> bytes:
        data = self.handle.read(self.offset, self.length)
        return verify_segment(data, self.checksum, self.handle.describe())


@dataclass
class OperatorRestore:
    keyed: list[SegmentRef] = field(default_factory=list)
    #: Descriptions of incremental (RocksDB) snapshots of old subtasks, each with its key groups.
    keyed_incremental: list[SegmentRef] = field(default_factory=list)
    #: (old subtask index, segment holding that subtask's operator-state entries)
    operator: list[tuple[int, SegmentRef]] = field(default_factory=list)


#: What a task restores: operator uid -> its segments.
TaskRestore = dict[str, OperatorRestore]


def load_channel_state(restore: TaskRestore | None) -> list[tuple[int, list[Any], Any]]:
    """In-flight records an unaligned checkpoint stored for this task, to process first."""
    plan = (restore or {}).get(CHANNEL_STATE)
    if plan is None:
        return []
    return [entry for _, ref in plan.operator for entry in pickle.loads(ref.load())]


def restore_chain(chain: OperatorChain, restore: TaskRestore) -> None:
    for node_id, op in chain.operators.items():
        plan = restore.get(op.uid)
        if plan is None:
            continue
        backend = chain.keyed_backends.get(node_id)
        if backend is not None and plan.keyed:
            backend.restore(ref.load() for ref in plan.keyed)
        if backend is not None and plan.keyed_incremental:
            backend.restore_incremental(
                [pickle.loads(ref.load()) for ref in plan.keyed_incremental])
        if plan.operator:
            op.initialize_operator_state(
                [(old_index, pickle.loads(ref.load())) for old_index, ref in plan.operator]
            )


class ChannelStateRecording:
    """In-flight records of an unaligned checkpoint: what arrives on each channel after the
    snapshot was taken and before that channel's barrier."""

    CHECKPOINT_TIMEOUT_S = 600.0

    def __init__(self, checkpoint_id: int, waiting: set[int]) -> None:
        self.checkpoint_id = checkpoint_id
        self.waiting = set(waiting)
        self.entries: list[tuple[int, list[Any], Any]] = []
        self.aborted = False
        self.done = threading.Event()
        if not self.waiting:
            self.done.set()

    def record(self, input_index: int, values: list[Any], timestamps: Any) -> None:
        self.entries.append((input_index, values, timestamps))

    def channel_done(self, channel: int) -> None:
        self.waiting.discard(channel)
        if not self.waiting:
            self.done.set()

    def abort(self) -> None:
        self.aborted = True
        self.done.set()


CHANNEL_STATE = "__channel_state__"


class SnapshotTaker:
    """Takes checkpoints of one task's chain and reports them to the JobManager."""

    def __init__(
        self,
        chain: OperatorChain,
        task_id: Any,
        file_name: str,
        job_id: str,
        storage: CheckpointStorage,
        executor: Executor,
        report: Any,
    ) -> None:
        self.chain = chain
        self.task_id = task_id
        self.file_name = file_name
        self.job_id = job_id
        self.storage = storage
        self.executor = executor
        self.report = report
        self.last_snapshot_id = 0

    def take(self, barrier: CheckpointBarrier, alignment_s: float,
             recording: ChannelStateRecording | None = None) -> None:
        """Synchronous part; the caller forwards the barrier right after. With a ``recording``
        (unaligned checkpoint) the file is written once the in-flight records are all in."""
        started = time.monotonic()
        captured = []
        for node_id, op in self.chain.operators.items():
            backend = self.chain.keyed_backends.get(node_id)
            keyed = backend.snapshot(full=barrier.is_savepoint) if backend is not None else None
            entries = op.snapshot_operator_state(barrier.checkpoint_id)
            info = op.setup_info
            if keyed is not None or entries is not None:
                captured.append((op.uid, info.max_parallelism, info.parallelism, keyed, entries))
        sync_s = time.monotonic() - started
        self.last_snapshot_id = barrier.checkpoint_id
        if recording is None:
            self.executor.submit(self._write, barrier, captured, sync_s, alignment_s, None)
            return

        def when_recorded() -> None:
            recording.done.wait(ChannelStateRecording.CHECKPOINT_TIMEOUT_S)
            if not recording.aborted:
                self.executor.submit(self._write, barrier, captured, sync_s, alignment_s,
                                     recording)

        threading.Thread(target=when_recorded, name="channel-state", daemon=True).start()

    def _write(self, barrier: CheckpointBarrier, captured: list, sync_s: float,
               alignment_s: float, recording: ChannelStateRecording | None) -> None:
        cid = barrier.checkpoint_id
        started = time.monotonic()
        try:
            segments: dict[tuple, bytes] = {}
            operators: dict[str, dict[str, int]] = {}
            if recording is not None:
                segments[(CHANNEL_STATE, "operator")] = dumps_state(recording.entries)
                operators[CHANNEL_STATE] = {"max_parallelism": 0,
                                            "parallelism": self.chain.vertex.parallelism}
            shared_files: list[tuple[Any, int]] = []
            for uid, max_parallelism, parallelism, keyed, entries in captured:
                if getattr(keyed, "incremental", False):
                    description = keyed(self.storage, self.job_id, cid)
                    segments[(uid, "keyed-incremental")] = pickle.dumps(description)
                    shared_files.extend(
                        (h, c, name in description["new"])
                        for name, (h, c) in description["shared"].items())
                elif keyed is not None:
                    for group, data in keyed().items():
                        segments[(uid, "keyed", group)] = data
                if entries is not None:
                    segments[(uid, "operator")] = dumps_state(entries)
                operators[uid] = {"max_parallelism": max_parallelism, "parallelism": parallelism}
            data, index = build_snapshot_file(segments)
            handle = self.storage.write_task_state(
                self.job_id, cid, self.file_name, data, barrier.is_savepoint, barrier.savepoint_dir
            )
        except Exception as exc:  # noqa: BLE001 - a failed snapshot declines the checkpoint
            log.warning("checkpoint %d of %s failed: %s", cid, self.file_name, exc)
            self.report(("decline", self.task_id, cid, f"{type(exc).__name__}: {exc}"))
            return
        self.report((
            "ack", self.task_id, cid,
            {
                "handle": handle,
                "index": index,
                "operators": operators,
                "sync_ms": sync_s * 1000,
                "async_ms": (time.monotonic() - started) * 1000,
                "alignment_ms": alignment_s * 1000,
                "size": len(data),
                "shared_files": shared_files,
            },
        ))

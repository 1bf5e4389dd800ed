"""Row-format file sink with exactly-once commits (Flink's FileSink semantics).

Records are encoded into *part files* inside *bucket* directories under the base path. A part
file is hidden while written (``.part-<uuid>-<subtask>-<n>.inprogress.<id>``) and becomes visible
only when committed, by an atomic rename to ``part-<uuid>-<subtask>-<n>``:

- without checkpointing, when it rolls (size / time) and at the end of the input;
- with checkpointing, on each barrier every open part is closed and becomes *pending*
  (``prepare_commit``); pending parts are renamed when that checkpoint completes (``commit``),
  and renamed again — idempotently — after a recovery from that checkpoint. A part that was open
  when the job failed is never renamed, so aborted output stays hidden.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from weir.connectors.base import SinkWriter

log = logging.getLogger("weir.connectors.file_sink")


@dataclass(frozen=True)
class PendingFile:
    """A closed part file waiting to be made visible: rename ``hidden`` to ``final``."""

    hidden: str
    final: str


def commit(pending: list[PendingFile]) -> None:
    """Make pending parts visible. Idempotent: a part already renamed is skipped."""
    for part in pending:
        if os.path.exists(part.hidden):
            os.replace(part.hidden, part.final)
        elif not os.path.exists(part.final):
            raise FileNotFoundError(
                f"cannot commit part file {part.final}: neither it nor its pending file "
                f"{part.hidden} exists (was the output directory cleaned while the job ran?)"
            )


class _OpenPart:
    __slots__ = ("hidden", "final", "file", "size", "opened", "last_write")

    def __init__(self, hidden: str, final: str) -> None:
        self.hidden = hidden
        self.final = final
        self.file: BinaryIO = open(hidden, "wb")  # noqa: SIM115 - closed on roll
        self.size = 0
        self.opened = self.last_write = time.monotonic()

    def close(self) -> PendingFile:
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        return PendingFile(self.hidden, self.final)


class FileSinkWriter(SinkWriter):
    def __init__(
        self,
        base_path: str,
        encoder: Any,
        bucket_format: str | None,
        part_prefix: str,
        part_suffix: str,
        part_size: int,
        rollover_interval_s: float,
        inactivity_interval_s: float,
        roll_on_checkpoint_only: bool,
        subtask_index: int,
    ) -> None:
        self.base_path = base_path.removeprefix("file://")
        self.encode = getattr(encoder, "encode", None) or (lambda v: (str(v) + "\n").encode())
        self.bucket_format = bucket_format
        self.prefix, self.suffix = part_prefix, part_suffix
        self.part_size = part_size
        self.rollover_s = rollover_interval_s
        self.inactivity_s = inactivity_interval_s
        self.roll_on_checkpoint_only = roll_on_checkpoint_only
        self.subtask = subtask_index
        self.writer_id = uuid.uuid4().hex[:12]
        self.counter = 0
        self.open_parts: dict[str, _OpenPart] = {}
        self.pending: list[PendingFile] = []
        #: True when a checkpoint will commit pending parts; otherwise they commit on roll.
        self.deferred_commit = False

    def open(self, subtask_index: int, parallelism: int) -> None:
        os.makedirs(self.base_path, exist_ok=True)

    def _bucket_dir(self) -> str:
        if not self.bucket_format:
            return self.base_path
        return os.path.join(self.base_path, datetime.now().strftime(self.bucket_format))

    def _new_part(self, directory: str) -> _OpenPart:
        os.makedirs(directory, exist_ok=True)
        name = f"{self.prefix}-{self.writer_id}-{self.subtask}-{self.counter}{self.suffix}"
        self.counter += 1
        hidden = os.path.join(directory, f".{name}.inprogress.{uuid.uuid4().hex[:8]}")
        return _OpenPart(hidden, os.path.join(directory, name))

    def write_batch(self, values: list[Any]) -> None:
        directory = self._bucket_dir()
        part = self.open_parts.get(directory)
        if part is None:
            part = self.open_parts[directory] = self._new_part(directory)
        data = b"".join(map(self.encode, values))
        part.file.write(data)
        part.size += len(data)
        now = part.last_write = time.monotonic()
        if not self.roll_on_checkpoint_only and (
            part.size >= self.part_size or now - part.opened >= self.rollover_s
        ):
            self._roll(directory)
        self._roll_inactive(now)

    def _roll(self, directory: str) -> None:
        self.pending.append(self.open_parts.pop(directory).close())
        if not self.deferred_commit:
            commit(self.pending)
            self.pending = []

    def _roll_inactive(self, now: float) -> None:
        if self.roll_on_checkpoint_only:
            return
        for directory, part in list(self.open_parts.items()):
            if now - part.last_write >= self.inactivity_s:
                self._roll(directory)

    def prepare_commit(self) -> list[PendingFile]:
        """On a checkpoint barrier: close every open part; everything pending is committed when
        this checkpoint completes."""
        self.deferred_commit = True
        for directory in list(self.open_parts):
            self.pending.append(self.open_parts.pop(directory).close())
        pending, self.pending = self.pending, []
        return pending

    def finish(self) -> None:
        """End of input without checkpointing: publish everything."""
        commit(self.prepare_commit())

    def close(self) -> None:
        # Parts still open are abandoned hidden: a failed or cancelled job shows no partial file.
        for part in self.open_parts.values():
            try:
                part.file.close()
            except OSError:
                pass
        self.open_parts.clear()

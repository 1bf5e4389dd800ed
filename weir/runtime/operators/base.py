"""The operator contract: what a task calls on each operator of its chain.

Operators work on *batches*: ``process_batch(values, timestamps)`` receives a list of records (and,
when event time is in use, a parallel list of timestamps) and emits lists into its :class:`Output`.
A chain is a tree of operators whose outputs call the next operator's ``process_batch`` directly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from weir.state.backend import KeyedStateBackend

BatchTarget = Callable[[list[Any], list[int] | None], None]


class Output:
    """Where an operator's results go: chained operators and/or record writers.

    ``emit`` is the main output; ``emit_side`` sends to the edges that selected a side-output tag.
    """

    __slots__ = ("_main", "_side", "records_out")

    def __init__(self) -> None:
        self._main: list[BatchTarget] = []
        self._side: dict[str, list[BatchTarget]] = {}
        self.records_out = 0

    def add_target(self, target: BatchTarget, side_output_tag: str | None = None) -> None:
        if side_output_tag is None:
            self._main.append(target)
        else:
            self._side.setdefault(side_output_tag, []).append(target)

    def emit(self, values: list[Any], timestamps: list[int] | None = None) -> None:
        if values:
            self.records_out += len(values)
            for target in self._main:
                target(values, timestamps)

    def emit_side(self, tag_id: str, values: list[Any], timestamps: list[int] | None = None) -> None:
        if values:
            for target in self._side.get(tag_id, ()):
                target(values, timestamps)

    def has_side(self, tag_id: str) -> bool:
        return tag_id in self._side


@dataclass
class OperatorSetup:
    """What the task hands an operator before ``open``."""

    output: Output
    task_name: str
    operator_name: str
    subtask_index: int
    parallelism: int
    max_parallelism: int
    attempt_number: int
    keyed_backend: KeyedStateBackend | None
    job_parameters: dict[str, str]
    #: ``execution.runtime-mode`` is BATCH: aggregations emit final results only, at end of input.
    batch_mode: bool = False
    #: Checkpointing is enabled: sinks defer commits to completed checkpoints.
    checkpointing: bool = False
    #: Lets operators that talk to the client (the collect sink) open authenticated channels.
    connect: Callable[[tuple[str, int], tuple], Any] | None = None


class StreamOperator:
    """Base of all operators. Subclasses override ``process_batch`` (and the hooks they need)."""

    output: Output
    setup_info: OperatorSetup
    records_in: int = 0
    #: The stable id state is stored under (set from the stream node).
    uid: str = ""

    def __init__(self, name: str) -> None:
        self.name = name

    # -- state and checkpoints ----------------------------------------------------------------

    def snapshot_operator_state(self, checkpoint_id: int) -> list[Any] | None:
        """Non-keyed state to persist with checkpoint ``checkpoint_id`` (synchronous part), or
        None. Keyed state is snapshotted by the keyed backend, not here."""
        return None

    def initialize_operator_state(self, restored: list[tuple[int, list[Any]]]) -> None:
        """Called before ``open`` on recovery with the entries each old subtask stored, as
        ``(old subtask index, entries)``; the operator picks its share."""

    def notify_checkpoint_complete(self, checkpoint_id: int) -> None:
        """Checkpoint ``checkpoint_id`` is durable everywhere: commit side effects."""

    def notify_checkpoint_aborted(self, checkpoint_id: int) -> None:
        """Checkpoint ``checkpoint_id`` will never complete."""

    def setup(self, info: OperatorSetup) -> None:
        self.setup_info = info
        self.output = info.output

    def open(self) -> None:
        """Called once before the first record."""

    def process_batch(self, values: list[Any], timestamps: list[int] | None) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """All input has arrived: emit what is buffered. Output still works here."""

    def close(self) -> None:
        """Release resources; called on success and failure alike."""


class TwoInputStreamOperator(StreamOperator):
    def process_batch(self, values: list[Any], timestamps: list[int] | None) -> None:
        self.process_batch1(values, timestamps)

    def process_batch1(self, values: list[Any], timestamps: list[int] | None) -> None:
        raise NotImplementedError

    def process_batch2(self, values: list[Any], timestamps: list[int] | None) -> None:
        raise NotImplementedError

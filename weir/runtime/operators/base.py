"""The operator contract: what a task calls on each operator of its chain.

Operators work on *batches*: ``process_batch(values, timestamps)`` receives a list of records (and,
when event time is in use, a parallel list of timestamps) and emits lists into its :class:`Output`.
A chain is a tree of operators whose outputs call the next operator's ``process_batch`` directly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from weir.runtime.network.events import MIN_WATERMARK
from weir.state.backend import KeyedStateBackend

BatchTarget = Callable[[list[Any], list[int] | None], None]


class Output:
    """Where an operator's results go: chained operators and/or record writers.

    ``emit`` is the main output; ``emit_side`` sends to the edges that selected a side-output tag.
    """

    __slots__ = ("_main", "_side", "_watermark_targets", "_status_targets", "records_out",
                 "watermark", "idle")

    def __init__(self) -> None:
        self._main: list[BatchTarget] = []
        self._side: dict[str, list[BatchTarget]] = {}
        self._watermark_targets: list[Callable[[int], None]] = []
        self._status_targets: list[Callable[[bool], None]] = []
        self.records_out = 0
        self.idle = False
        #: The last watermark emitted.
        self.watermark = MIN_WATERMARK

    def add_target(self, target: BatchTarget, side_output_tag: str | None = None,
                   watermark_target: Callable[[int], None] | None = None,
                   status_target: Callable[[bool], None] | None = None) -> None:
        if side_output_tag is None:
            self._main.append(target)
        else:
            self._side.setdefault(side_output_tag, []).append(target)
        if watermark_target is not None:
            self._watermark_targets.append(watermark_target)
        if status_target is not None:
            self._status_targets.append(status_target)

    def emit_watermark_status(self, idle: bool) -> None:
        """This output went idle (downstream ignores its watermark) or became active again."""
        if idle != self.idle:
            self.idle = idle
            for target in self._status_targets:
                target(idle)

    def emit_watermark(self, watermark: int) -> None:
        """Event time has advanced to ``watermark`` (on every output, side outputs included)."""
        if watermark > self.watermark:
            self.watermark = watermark
            for target in self._watermark_targets:
                target(watermark)

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
    #: Schedules processing-time callbacks on the task thread (``register(ms, callback)``).
    processing_time: Any = None
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

    def process_watermark(self, watermark: int) -> None:
        """Event time advanced: fire what is due (timers, windows), then pass it on."""
        timers = getattr(self, "timer_service", None)
        if timers is not None:
            timers.advance_watermark(watermark)
        self.output.emit_watermark(watermark)

    def process_watermark_status(self, idle: bool) -> None:
        self.output.emit_watermark_status(idle)

    def finish(self) -> None:
        """All input has arrived: emit what is buffered. Output still works here."""

    def close(self) -> None:
        """Release resources; called on success and failure alike."""


class TwoInputStreamOperator(StreamOperator):
    _watermarks = (MIN_WATERMARK, MIN_WATERMARK)

    def process_batch(self, values: list[Any], timestamps: list[int] | None) -> None:
        self.process_batch1(values, timestamps)

    def process_watermark1(self, watermark: int) -> None:
        self._watermarks = (watermark, self._watermarks[1])
        StreamOperator.process_watermark(self, min(self._watermarks))

    def process_watermark2(self, watermark: int) -> None:
        self._watermarks = (self._watermarks[0], watermark)
        StreamOperator.process_watermark(self, min(self._watermarks))

    def process_watermark(self, watermark: int) -> None:
        self.process_watermark1(watermark)

    def process_batch1(self, values: list[Any], timestamps: list[int] | None) -> None:
        raise NotImplementedError

    def process_batch2(self, values: list[Any], timestamps: list[int] | None) -> None:
        raise NotImplementedError

"""Builds the operators of one task from its job vertex and wires their outputs.

Outputs of a chained edge call the next operator directly; outputs of a job edge go to that edge's
:class:`RecordWriter`. Operators are created fresh for each subtask from the job graph.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from weir.graph.job_graph import JobVertex
from weir.graph.transformations import TwoInputTransformation
from weir.runtime.network.events import Watermark, WatermarkStatus
from weir.runtime.network.record_writer import RecordWriter
from weir.runtime.operators.base import OperatorSetup, Output, StreamOperator
from weir.state.backend import KeyedStateBackend, StateBackend
from weir.state.key_groups import key_group_range_for_subtask


def _counting(op: StreamOperator) -> Callable[[list[Any], list[int] | None], None]:
    process = op.process_batch

    def target(values: list[Any], timestamps: list[int] | None) -> None:
        op.records_in += len(values)
        process(values, timestamps)

    return target


def _watermark_sender(writer: RecordWriter) -> Callable[[int], None]:
    def send(watermark: int) -> None:
        writer.broadcast_event(Watermark(watermark))

    return send


def _status_sender(writer: RecordWriter) -> Callable[[bool], None]:
    def send(idle: bool) -> None:
        writer.broadcast_event(WatermarkStatus(idle))

    return send


class OperatorChain:
    def __init__(
        self,
        vertex: JobVertex,
        subtask_index: int,
        attempt: int,
        record_writers: dict[int, RecordWriter],
        state_backend: StateBackend,
        job_parameters: dict[str, str],
        connect: Callable[[tuple[str, int], tuple], Any] | None,
        batch_mode: bool = False,
        checkpointing: bool = False,
        processing_time: Any = None,
    ) -> None:
        self.vertex = vertex
        self.record_writers = record_writers
        self.operators: dict[int, StreamOperator] = {}
        self.keyed_backends: dict[int, KeyedStateBackend] = {}
        in_chain = {n.id for n in vertex.nodes}
        outgoing = {je.stream_edge: je.id for je in vertex.outputs}
        for node in reversed(vertex.nodes):
            t = node.transformation
            op: StreamOperator = t.operator
            op.name = node.name  # the user may have renamed the operator after creating it
            op.uid = node.uid
            output = Output()
            for edge in node.out_edges:
                if edge.target.id in in_chain:
                    target = self.operators[edge.target.id]
                    output.add_target(_counting(target), edge.side_output_tag,
                                      target.process_watermark, target.process_watermark_status)
                else:
                    writer = record_writers[outgoing[edge]]
                    output.add_target(writer.emit, edge.side_output_tag,
                                      _watermark_sender(writer), _status_sender(writer))
            keyed = getattr(t, "key_selector", None) is not None or (
                isinstance(t, TwoInputTransformation)
                and (t.key_selector1 is not None or t.key_selector2 is not None)
            )
            backend = None
            if keyed:
                backend = state_backend.create_keyed_state_backend(
                    node.uid,
                    key_group_range_for_subtask(
                        node.max_parallelism, node.parallelism, subtask_index
                    ),
                    node.max_parallelism,
                )
                self.keyed_backends[node.id] = backend
            op.setup(
                OperatorSetup(
                    output=output,
                    task_name=vertex.name,
                    operator_name=node.name,
                    subtask_index=subtask_index,
                    parallelism=node.parallelism,
                    max_parallelism=node.max_parallelism,
                    attempt_number=attempt,
                    keyed_backend=backend,
                    job_parameters=job_parameters,
                    connect=connect,
                    batch_mode=batch_mode,
                    checkpointing=checkpointing,
                    processing_time=processing_time,
                )
            )
            self.operators[node.id] = op
        #: Head first, in topological order.
        self.ordered = [self.operators[n.id] for n in vertex.nodes]
        self.head = self.ordered[0]

    def open(self) -> None:
        # Downstream operators open first, so they are ready when the head starts emitting.
        for op in reversed(self.ordered):
            op.open()

    def finish(self) -> None:
        # Head first: what a finishing operator flushes reaches operators not yet finished.
        for op in self.ordered:
            op.finish()

    def close(self) -> list[BaseException]:
        errors: list[BaseException] = []
        for op in self.ordered:
            try:
                op.close()
            except Exception as exc:  # noqa: BLE001 - closing must reach every operator
                errors.append(exc)
        for backend in self.keyed_backends.values():
            backend.dispose()
        return errors

    def metrics(self) -> list[tuple[str, int, int]]:
        """(operator name, records in, records out) for each operator of the chain."""
        return [(op.name, op.records_in, op.output.records_out) for op in self.ordered]

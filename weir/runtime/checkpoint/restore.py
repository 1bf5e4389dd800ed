"""Plans which snapshot segments each subtask of a (possibly rescaled) job restores.

Keyed state moves by key group: a new subtask reads, from every old subtask's file, the segments of
the key groups in its new range. Operator state (source splits, sink committables) is handed to
every new subtask with the old subtask index; the operator picks its share.
"""

from __future__ import annotations

from weir.graph.job_graph import JobGraph
from weir.runtime.checkpoint.errors import NoCheckpointError
from weir.runtime.checkpoint.metadata import CompletedCheckpoint
from weir.runtime.tasks.checkpointing import (
    CHANNEL_STATE,
    OperatorRestore,
    SegmentRef,
    TaskRestore,
)
from weir.runtime.tasks.deployment import TaskId
from weir.state.key_groups import key_group_range_for_subtask


def plan_restore(
    checkpoint: CompletedCheckpoint, job_graph: JobGraph, allow_non_restored_state: bool = False
) -> dict[TaskId, TaskRestore]:
    states = checkpoint.operator_states()
    claimed: set[str] = set()
    plans: dict[TaskId, TaskRestore] = {}
    for vertex in job_graph.vertices:
        for node in vertex.nodes:  # once per operator, not per subtask
            state = states.get(node.uid)
            if state is None:
                continue
            claimed.add(node.uid)
            has_keyed = any(k[0] == node.uid and k[1] in ("keyed", "keyed-incremental")
                            for _, _, index in state.subtasks for k in index)
            if has_keyed and state.max_parallelism != node.max_parallelism:
                raise NoCheckpointError(
                    f"operator '{node.name}' (uid {node.uid!r}) was checkpointed with max "
                    f"parallelism {state.max_parallelism} and now has "
                    f"{node.max_parallelism}; keyed state can only be redistributed within "
                    "the same max parallelism (set it back with set_max_parallelism)"
                )
        for subtask in range(vertex.parallelism):
            plan: TaskRestore = {}
            for node in vertex.nodes:
                state = states.get(node.uid)
                if state is None:
                    continue
                restore = OperatorRestore()
                groups = key_group_range_for_subtask(
                    node.max_parallelism, node.parallelism, subtask
                )
                for old_index, handle, index in sorted(state.subtasks, key=lambda s: s[0]):
                    for group in groups:
                        segment = index.get((node.uid, "keyed", group))
                        if segment is not None:
                            restore.keyed.append(SegmentRef(handle, *segment))
                    segment = index.get((node.uid, "keyed-incremental"))
                    if segment is not None:
                        restore.keyed_incremental.append(SegmentRef(handle, *segment))
                    segment = index.get((node.uid, "operator"))
                    if segment is not None:
                        restore.operator.append((old_index, SegmentRef(handle, *segment)))
                plan[node.uid] = restore
            _plan_channel_state(checkpoint, vertex, subtask, plan)
            plans[TaskId(vertex.id, subtask)] = plan
    unclaimed = set(states) - claimed - {CHANNEL_STATE}
    if unclaimed and not allow_non_restored_state:
        raise NoCheckpointError(
            f"the checkpoint holds state of operators that are not in this job (uids "
            f"{sorted(unclaimed)}); give operators the same uid() as before, or set "
            "execution.savepoint.ignore-unclaimed-state to true to drop that state"
        )
    return plans


def _plan_channel_state(checkpoint: CompletedCheckpoint, vertex, subtask: int,
                        plan: TaskRestore) -> None:
    """In-flight records of an unaligned checkpoint go back to the same subtask; they cannot be
    redistributed, so a rescaled restore from such a checkpoint is refused."""
    for task in checkpoint.tasks:
        segment = task.index.get((CHANNEL_STATE, "operator"))
        if segment is None or task.vertex_id != vertex.id:
            continue
        if task.operators.get(CHANNEL_STATE, {}).get("parallelism", vertex.parallelism) != \
                vertex.parallelism:
            raise NoCheckpointError(
                "an unaligned checkpoint holds in-flight records and cannot be restored at another "
                "parallelism; rescale from a savepoint (savepoints are always aligned)"
            )
        if task.subtask_index == subtask:
            plan.setdefault(CHANNEL_STATE, OperatorRestore()).operator.append(
                (subtask, SegmentRef(task.handle, *segment)))

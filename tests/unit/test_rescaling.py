"""Property: snapshot keyed state at one parallelism, restore at another — every key's state
survives, in exactly one subtask (through the real snapshot format and restore planning)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from weir.api.state import ListStateDescriptor, ValueStateDescriptor
from weir.datastream import StreamExecutionEnvironment
from weir.datastream.functions import KeyedProcessFunction
from weir.runtime.checkpoint.metadata import CompletedCheckpoint, TaskSnapshot
from weir.runtime.checkpoint.restore import plan_restore
from weir.runtime.checkpoint.storage import ByteStreamStateHandle
from weir.state.hashmap import HashMapKeyedStateBackend
from weir.state.key_groups import assign_key_to_subtask, key_group_range_for_subtask
from weir.state.snapshot_format import build_snapshot_file

MAX_PARALLELISM = 128


class Noop(KeyedProcessFunction):
    def process_element(self, value, ctx):
        return None


def job_graph(parallelism: int):
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(parallelism)
    env.from_collection([1]).key_by(lambda x: x).process(Noop()).uid("op").add_sink(print)
    return env.get_stream_graph_and_clear("rescale")


def vertex_of_op(graph):
    return next(v for v in graph.vertices if any(n.uid == "op" for n in v.nodes))


keys = st.one_of(st.text(max_size=8), st.integers(), st.tuples(st.text(max_size=3), st.integers()))


@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(keys, st.integers(), max_size=60),
    st.integers(1, 6),
    st.integers(1, 6),
)
def test_rescaling_preserves_every_keys_state(state, old_parallelism, new_parallelism):
    # Fill one backend per old subtask with the keys that subtask owns.
    tasks = []
    for subtask in range(old_parallelism):
        backend = HashMapKeyedStateBackend(
            key_group_range_for_subtask(MAX_PARALLELISM, old_parallelism, subtask),
            MAX_PARALLELISM)
        value = backend.get_partitioned_state(ValueStateDescriptor("v"))
        history = backend.get_partitioned_state(ListStateDescriptor("h"))
        for key, number in state.items():
            if assign_key_to_subtask(key, MAX_PARALLELISM, old_parallelism) == subtask:
                backend.set_current_key(key)
                value.update(number)
                history.add(number)
                history.add(-number)
        segments = {("op", "keyed", group): data for group, data in backend.snapshot()().items()}
        data, index = build_snapshot_file(segments)
        tasks.append(TaskSnapshot(1, subtask, ByteStreamStateHandle(data), index,
                                  {"op": {"max_parallelism": MAX_PARALLELISM,
                                          "parallelism": old_parallelism}}, len(data)))
    checkpoint = CompletedCheckpoint(1, 0, "job", "rescale", False, tasks)
    checkpoint.verify()

    graph = job_graph(new_parallelism)
    vertex = vertex_of_op(graph)
    plans = plan_restore(checkpoint, graph)
    restored: dict = {}
    for subtask in range(new_parallelism):
        backend = HashMapKeyedStateBackend(
            key_group_range_for_subtask(MAX_PARALLELISM, new_parallelism, subtask),
            MAX_PARALLELISM)
        plan = plans[type(next(iter(plans)))(vertex.id, subtask)]["op"]
        backend.restore(ref.load() for ref in plan.keyed)
        value = backend.get_partitioned_state(ValueStateDescriptor("v"))
        history = backend.get_partitioned_state(ListStateDescriptor("h"))
        for key in value.key_map():
            assert key not in restored, "a key was restored into two subtasks"
            assert assign_key_to_subtask(key, MAX_PARALLELISM, new_parallelism) == subtask
            backend.set_current_key(key)
            restored[key] = (value.value(), list(history.get()))
    assert restored == {k: (v, [v, -v]) for k, v in state.items()}

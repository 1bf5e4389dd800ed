from __future__ import annotations

import pytest

from weir.datastream.state import (
    ListStateDescriptor,
    MapStateDescriptor,
    ReducingStateDescriptor,
    ValueStateDescriptor,
)
from weir.state.errors import StateError
from weir.state.hashmap import HashMapKeyedStateBackend
from weir.state.key_groups import KeyGroupRange


@pytest.fixture
def backend():
    return HashMapKeyedStateBackend(KeyGroupRange(0, 127), 128)


def test_value_state_is_per_key(backend):
    state = backend.get_partitioned_state(ValueStateDescriptor("v", None))
    backend.set_current_key("a")
    assert state.value() is None
    state.update(1)
    backend.set_current_key("b")
    assert state.value() is None
    state.update(2)
    backend.set_current_key("a")
    assert state.value() == 1
    state.clear()
    assert state.value() is None
    assert backend.num_keys() == 1


def test_list_state_copies_and_rejects_none(backend):
    state = backend.get_partitioned_state(ListStateDescriptor("l", None))
    backend.set_current_key(1)
    state.add(1)
    state.add_all([2, 3])
    got = state.get()
    got.append(99)  # mutating the returned list does not touch state
    assert list(state.get()) == [1, 2, 3]
    state.update([7])
    assert list(state.get()) == [7]
    with pytest.raises(StateError):
        state.add(None)


def test_map_state(backend):
    state = backend.get_partitioned_state(MapStateDescriptor("m", None, None))
    backend.set_current_key("k")
    assert state.is_empty()
    state.put("x", 1)
    state.put_all({"y": 2})
    assert state.contains("x") and not state.contains("z")
    assert sorted(state.items()) == [("x", 1), ("y", 2)]
    state.remove("x")
    assert list(state.keys()) == ["y"]


def test_reducing_state_and_namespace(backend):
    state = backend.get_partitioned_state(ReducingStateDescriptor("r", lambda a, b: a + b, None))
    backend.set_current_key("k")
    state.add(1)
    state.add(2)
    state.set_current_namespace("window-1")
    assert state.get() is None
    state.add(10)
    state.set_current_namespace(None)
    assert state.get() == 3


def test_same_name_different_kind_is_rejected(backend):
    backend.get_partitioned_state(ValueStateDescriptor("s", None))
    with pytest.raises(StateError, match="one descriptor per name"):
        backend.get_partitioned_state(ListStateDescriptor("s", None))

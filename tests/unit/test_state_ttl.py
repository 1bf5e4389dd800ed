"""StateTtlConfig: values expire after their time-to-live, on both backends."""

from __future__ import annotations

import time

import pytest

from weir.common import Time
from weir.datastream.state import ListStateDescriptor, StateTtlConfig, ValueStateDescriptor
from weir.state.hashmap import HashMapKeyedStateBackend
from weir.state.key_groups import KeyGroupRange
from weir.state.rocksdb.backend import RocksDBKeyedStateBackend


def backends():
    return [HashMapKeyedStateBackend(KeyGroupRange(0, 127), 128),
            RocksDBKeyedStateBackend(KeyGroupRange(0, 127), 128, None, 100, 4 << 20, 1 << 20)]


def ttl(update=StateTtlConfig.UpdateType.OnCreateAndWrite,
        visibility=StateTtlConfig.StateVisibility.NeverReturnExpired):
    return (StateTtlConfig.new_builder(Time.milliseconds(200)).set_update_type(update)
            .set_state_visibility(visibility).build())


@pytest.mark.parametrize("backend", backends(), ids=["hashmap", "rocksdb"])
def test_values_expire_after_their_ttl(backend):
    descriptor = ValueStateDescriptor("v")
    descriptor.enable_time_to_live(ttl())
    state = backend.get_partitioned_state(descriptor)
    backend.set_current_key("k")
    state.update(1)
    assert state.value() == 1
    time.sleep(0.25)
    assert state.value() is None
    state.update(2)
    assert state.value() == 2


def test_on_read_and_write_refreshes_on_reads():
    backend = backends()[0]
    descriptor = ValueStateDescriptor("v")
    descriptor.enable_time_to_live(ttl(StateTtlConfig.UpdateType.OnReadAndWrite))
    state = backend.get_partitioned_state(descriptor)
    backend.set_current_key("k")
    state.update("x")
    for _ in range(4):
        time.sleep(0.1)
        assert state.value() == "x"  # each read restarts the 200 ms


def test_return_expired_if_not_cleaned_up_and_list_state():
    backend = backends()[0]
    descriptor = ValueStateDescriptor("v")
    descriptor.enable_time_to_live(
        ttl(visibility=StateTtlConfig.StateVisibility.ReturnExpiredIfNotCleanedUp))
    state = backend.get_partitioned_state(descriptor)
    listed = ListStateDescriptor("l")
    listed.enable_time_to_live(ttl())
    items = backend.get_partitioned_state(listed)
    backend.set_current_key("k")
    state.update("old")
    items.add(1)
    items.add(2)
    assert list(items.get()) == [1, 2]
    time.sleep(0.25)
    assert state.value() == "old"
    assert list(items.get()) == []


def test_ttl_state_survives_snapshot_and_restore():
    backend = backends()[0]
    descriptor = ValueStateDescriptor("v")
    descriptor.enable_time_to_live(ttl())
    state = backend.get_partitioned_state(descriptor)
    backend.set_current_key("k")
    state.update(5)
    segments = backend.snapshot()()
    fresh = HashMapKeyedStateBackend(KeyGroupRange(0, 127), 128)
    fresh.restore(segments.values())
    restored = fresh.get_partitioned_state(descriptor)
    fresh.set_current_key("k")
    assert restored.value() == 5
    time.sleep(0.25)
    assert restored.value() is None

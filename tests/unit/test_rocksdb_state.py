"""The RocksDB backend: every state type through the write-back cache, eviction to disk,
snapshot isolation, per-key-group restore, and cleanup of the working directory."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from weir.api.state import (
    AggregatingStateDescriptor,
    ListStateDescriptor,
    MapStateDescriptor,
    ReducingStateDescriptor,
    ValueStateDescriptor,
)
from weir.state.key_groups import KeyGroupRange, assign_key_to_subtask, key_group_range_for_subtask
from weir.state.rocksdb.backend import RocksDBKeyedStateBackend


def backend(cache_entries=8, key_groups=KeyGroupRange(0, 127), tmp=None):
    return RocksDBKeyedStateBackend(key_groups, 128, tmp, cache_entries, 4 << 20, 2 << 20)


class Avg:
    def create_accumulator(self):
        return (0, 0)

    def add(self, value, acc):
        return acc[0] + value, acc[1] + 1

    def get_result(self, acc):
        return acc[0] / acc[1]


def test_every_state_type_survives_eviction_to_disk(tmp_path):
    b = backend(cache_entries=4, tmp=str(tmp_path))
    value = b.get_partitioned_state(ValueStateDescriptor("v"))
    items = b.get_partitioned_state(ListStateDescriptor("l"))
    mapping = b.get_partitioned_state(MapStateDescriptor("m"))
    total = b.get_partitioned_state(ReducingStateDescriptor("r", lambda a, c: a + c))
    avg = b.get_partitioned_state(AggregatingStateDescriptor("a", Avg()))
    for round_ in range(3):
        for k in range(50):  # far more keys than the cache holds
            b.set_current_key(("key", k))
            value.update(k * 10 + round_)
            items.add(round_)
            mapping.put(f"r{round_}", k)
            total.add(k)
            avg.add(round_)
    for k in range(50):
        b.set_current_key(("key", k))
        assert value.value() == k * 10 + 2
        assert list(items.get()) == [0, 1, 2]
        assert dict(mapping.items()) == {"r0": k, "r1": k, "r2": k}
        assert total.get() == 3 * k
        assert avg.get() == pytest.approx(1.0)
    b.set_current_key(("key", 3))
    value.clear()
    mapping.remove("r0")
    assert value.value() is None and not mapping.contains("r0")
    b.set_current_key(("key", 4))
    assert value.value() == 42
    path = b.path
    b.dispose()
    assert not os.path.exists(path), "the working directory is removed"


def test_namespaces_are_separate():
    b = backend()
    s = b.get_partitioned_state(ValueStateDescriptor("v"))
    b.set_current_key("k")
    s.update(1)
    s.set_current_namespace(("window", 5))
    assert s.value() is None
    s.update(2)
    s.set_current_namespace(None)
    assert s.value() == 1
    b.dispose()


def test_snapshot_is_isolated_from_later_writes():
    b = backend()
    s = b.get_partitioned_state(ValueStateDescriptor("v"))
    b.set_current_key("k")
    s.update("before")
    write = b.snapshot()
    s.update("after")
    segments = write()
    fresh = backend()
    fresh.restore(segments.values())
    restored = fresh.get_partitioned_state(ValueStateDescriptor("v"))
    fresh.set_current_key("k")
    assert restored.value() == "before"
    b.dispose()
    fresh.dispose()


@settings(max_examples=15, deadline=None)
@given(st.dictionaries(st.text(max_size=6), st.integers(), max_size=40), st.integers(1, 5))
def test_restore_at_another_parallelism_reads_only_its_key_groups(state, parallelism):
    b = backend(cache_entries=5)
    s = b.get_partitioned_state(ValueStateDescriptor("v"))
    for key, number in state.items():
        b.set_current_key(key)
        s.update(number)
    segments = b.snapshot()()
    b.dispose()
    restored = {}
    for subtask in range(parallelism):
        groups = key_group_range_for_subtask(128, parallelism, subtask)
        part = backend(key_groups=groups)
        part.restore(segments[g] for g in groups if g in segments)
        assert part.num_keys() == sum(
            1 for k in state if assign_key_to_subtask(k, 128, parallelism) == subtask)
        v = part.get_partitioned_state(ValueStateDescriptor("v"))
        for key in state:
            if assign_key_to_subtask(key, 128, parallelism) == subtask:
                part.set_current_key(key)
                restored[key] = v.value()
        part.dispose()
    assert restored == state


def test_missing_rocksdict_is_a_clear_error(monkeypatch):
    import builtins

    from weir.datastream.state_backend import EmbeddedRocksDBStateBackend

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "rocksdict":
            raise ImportError("no rocksdict")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ImportError, match=r"pip install 'weir\[rocksdb\]'"):
        EmbeddedRocksDBStateBackend()


def test_snapshot_ignores_writes_that_reach_the_database_after_it():
    """The synchronous part must capture a point in time even when later writes are flushed to
    RocksDB before the asynchronous part reads (eviction, the next flush)."""
    b = backend(cache_entries=1000)
    s = b.get_partitioned_state(ValueStateDescriptor("v"))
    for k in range(100):
        b.set_current_key(k)
        s.update("before")
    write = b.snapshot()
    for k in range(100):
        b.set_current_key(k)
        s.update("after")
    b.set_current_key("new key")
    s.update("after")
    b.flush()  # the later writes are in RocksDB now
    segments = write()
    fresh = backend()
    fresh.restore(segments.values())
    restored = fresh.get_partitioned_state(ValueStateDescriptor("v"))
    assert fresh.num_keys() == 100
    for k in range(100):
        fresh.set_current_key(k)
        assert restored.value() == "before"
    b.dispose()
    fresh.dispose()

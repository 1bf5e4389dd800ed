"""Incremental RocksDB checkpoints: only new SST files are uploaded, shared files are reference
counted across retained checkpoints, and restore works at the same and at another parallelism."""

from __future__ import annotations

import os

import pytest

from weir.api.state import ValueStateDescriptor
from weir.runtime.checkpoint.coordinator import SharedStateRegistry
from weir.runtime.checkpoint.errors import CorruptCheckpointError
from weir.runtime.checkpoint.metadata import CompletedCheckpoint, TaskSnapshot
from weir.runtime.checkpoint.storage import ByteStreamStateHandle, FileSystemCheckpointStorage
from weir.state.key_groups import KeyGroupRange, key_group_range_for_subtask
from weir.state.rocksdb.backend import RocksDBKeyedStateBackend


def make(groups=KeyGroupRange(0, 127)):
    return RocksDBKeyedStateBackend(groups, 128, None, 1000, 4 << 20, 1 << 20, incremental=True)


def fill(backend, keys, value):
    state = backend.get_partitioned_state(ValueStateDescriptor("v"))
    for k in keys:
        backend.set_current_key(k)
        state.update(value)
    backend.flush()
    backend.db.flush()  # make the memtable an SST file, as RocksDB does when it fills up


def checkpoint(backend, storage, cid):
    description = backend.snapshot()(storage, "job", cid)
    backend.notify_checkpoint_complete(cid)
    return description


def as_completed(cid, description):
    shared = [(h, c) for h, c in description["shared"].values()]
    return CompletedCheckpoint(cid, 0, "job", "j", False,
                               [TaskSnapshot(1, 0, ByteStreamStateHandle(b""), {}, {}, 0, shared)])


def test_only_new_sst_files_are_uploaded_and_refcounts_protect_shared_files(tmp_path):
    storage = FileSystemCheckpointStorage(str(tmp_path / "ckpt"))
    backend = make()
    fill(backend, range(5000), "v1")
    first = checkpoint(backend, storage, 1)
    assert first["new"] and set(first["new"]) == set(first["shared"])

    fill(backend, range(50), "v2")  # 1% of the keys change
    second = checkpoint(backend, storage, 2)
    assert len(second["new"]) == 1, "only the SST with the changed keys is uploaded"
    reused = set(first["shared"]) & set(second["shared"])
    assert reused, "the second checkpoint shares the first one's files"
    new_bytes = sum(second["shared"][n][0].size for n in second["new"])
    all_bytes = sum(h.size for h, _ in second["shared"].values())
    assert new_bytes < all_bytes / 5

    registry = SharedStateRegistry()
    c1, c2 = as_completed(1, first), as_completed(2, second)
    registry.register(c1)
    registry.register(c2)
    unused = registry.release(c1)  # checkpoint 1 is no longer retained
    for handle in unused:
        handle.discard()
    for name in second["shared"]:
        path = second["shared"][name][0].url
        assert os.path.exists(path), f"{name} is still needed by checkpoint 2"
    assert all(not os.path.exists(h.url) for h in unused)
    assert {h.url for h in unused} == {first["shared"][n][0].url
                                       for n in set(first["shared"]) - set(second["shared"])}
    backend.dispose()


@pytest.mark.parametrize("new_parallelism", [1, 3])
def test_restore_incremental_same_and_other_parallelism(tmp_path, new_parallelism):
    storage = FileSystemCheckpointStorage(str(tmp_path / "ckpt"))
    descriptions = []
    keys = [f"k{i}" for i in range(3000)]
    for subtask in range(2):
        groups = key_group_range_for_subtask(128, 2, subtask)
        backend = make(groups)
        mine = [k for k in keys
                if key_group_range_for_subtask(128, 2, subtask).start
                <= __import__("weir.state.key_groups", fromlist=["x"]).assign_to_key_group(k, 128)
                <= groups.end]
        fill(backend, mine, "x")
        descriptions.append(checkpoint(backend, storage, 1))
        backend.dispose()
    total = 0
    restored = {}
    for subtask in range(new_parallelism):
        backend = make(key_group_range_for_subtask(128, new_parallelism, subtask))
        backend.restore_incremental(descriptions)
        total += backend.num_keys()
        state = backend.get_partitioned_state(ValueStateDescriptor("v"))
        for key in keys:
            backend.set_current_key(key)
            if state.value() is not None:
                restored[key] = state.value()
        backend.dispose()
    assert total == len(keys)
    assert restored == {key: "x" for key in keys}


def test_corrupt_sst_names_the_file(tmp_path):
    storage = FileSystemCheckpointStorage(str(tmp_path / "ckpt"))
    backend = make()
    fill(backend, range(100), "v")
    description = checkpoint(backend, storage, 1)
    backend.dispose()
    handle, _ = next(iter(description["shared"].values()))
    with open(handle.url, "r+b") as f:
        f.seek(10)
        f.write(b"\xff\xff\xff")
    fresh = make()
    with pytest.raises(CorruptCheckpointError, match=os.path.basename(handle.url)):
        fresh.restore_incremental([description])
    fresh.dispose()

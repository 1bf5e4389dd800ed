"""RocksDBKeyedStateBackend: the hash-map backend's state types over an embedded RocksDB.

Reads and writes go through per-(state, namespace) *write-back tables*: a bounded cache of
decoded values in front of the database. Hot keys are served from memory at dict speed; dirty
entries are written in one WriteBatch when the cache is full and before every snapshot, so the
process holds at most ``cache_entries`` decoded values plus RocksDB's own (configured) block cache
and write buffers, whatever the state size.

Snapshots: the synchronous part flushes the cache and takes a RocksDB snapshot (a consistent,
copy-free view); the asynchronous part scans it in key-group order and writes one segment per key
group, the same file format as the hash-map backend's, so rescaling works alike.
"""

from __future__ import annotations

import os
import pickle
import shutil
import struct
import tempfile
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from rocksdict import BlockBasedOptions, Cache, Checkpoint, Options, Rdict, WriteBatch

from weir.runtime.checkpoint.errors import CorruptCheckpointError
from weir.state.backend import VOID_NAMESPACE, StateBackend
from weir.state.hashmap import HashMapKeyedStateBackend, dumps_state
from weir.state.key_groups import KeyGroupRange, stable_hash
from weir.state.rocksdb.codec import decode_value, encode_key, encode_value, join_key, split_key
from weir.state.snapshot_format import checksum

_MISSING = object()


class WriteBackTable:
    """Dict-like view of one (state, namespace) in RocksDB with a write-back cache."""

    __slots__ = ("_backend", "_state_id", "_namespace", "_cache", "_dirty")

    def __init__(self, backend: RocksDBKeyedStateBackend, state_id: int, namespace: Any) -> None:
        self._backend = backend
        self._state_id = state_id
        self._namespace = namespace
        self._cache: dict[Any, Any] = {}
        self._dirty: set[Any] = set()

    def _load(self, key: Any) -> Any:
        backend = self._backend
        raw = backend.db.get(encode_key(stable_hash(key) % backend.max_parallelism,
                                        self._state_id, key, self._namespace))
        value = None if raw is None else decode_value(raw)
        backend.cached += 1
        if backend.cached > backend.cache_entries:
            backend.flush(evict=True)
        self._cache[key] = value
        return value

    def get(self, key: Any, default: Any = None) -> Any:
        value = self._cache.get(key, _MISSING)
        if value is _MISSING:
            value = self._load(key)
        return default if value is None else value

    def __getitem__(self, key: Any) -> Any:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: Any) -> bool:
        return self.get(key) is not None

    def __setitem__(self, key: Any, value: Any) -> None:
        if key not in self._cache:
            backend = self._backend
            backend.cached += 1
            if backend.cached > backend.cache_entries:
                backend.flush(evict=True)
        self._cache[key] = value
        self._dirty.add(key)

    def pop(self, key: Any, default: Any = None) -> Any:
        old = self.get(key)
        self._cache[key] = None
        self._dirty.add(key)
        return default if old is None else old

    def __len__(self) -> int:
        return sum(1 for v in self._cache.values() if v is not None)

    def keys(self):
        return [k for k, v in self._cache.items() if v is not None]

    def __iter__(self):
        return iter(self.keys())

    def write_dirty(self, batch: WriteBatch) -> int:
        backend = self._backend
        maxp = backend.max_parallelism
        sid, ns = self._state_id, self._namespace
        cache = self._cache
        for key in self._dirty:
            db_key = encode_key(stable_hash(key) % maxp, sid, key, ns)
            value = cache[key]
            if value is None:
                batch.delete(db_key)
            else:
                batch.put(db_key, encode_value(value))
        written = len(self._dirty)
        self._dirty = set()
        return written

    def evict(self) -> None:
        self._cache = {}


class RocksDBKeyedStateBackend(HashMapKeyedStateBackend):
    def __init__(
        self,
        key_group_range: KeyGroupRange,
        max_parallelism: int,
        working_dir: str | None,
        cache_entries: int,
        block_cache_bytes: int,
        write_buffer_bytes: int,
        incremental: bool = False,
    ) -> None:
        super().__init__(key_group_range, max_parallelism)
        base = working_dir or tempfile.gettempdir()
        os.makedirs(base, exist_ok=True)
        self.path = tempfile.mkdtemp(prefix="weir-rocksdb-", dir=base)
        options = Options(raw_mode=True)
        options.create_if_missing(True)
        options.set_write_buffer_size(write_buffer_bytes)
        options.set_max_write_buffer_number(2)
        table = BlockBasedOptions()
        table.set_block_cache(Cache(block_cache_bytes))
        # Most reads of new keys miss: a bloom filter answers those without touching SST blocks.
        table.set_bloom_filter(10, False)
        options.set_block_based_table_factory(table)
        self.db = Rdict(os.path.join(self.path, "db"), options)
        self._options = options
        self.cache_entries = cache_entries
        self.cached = 0
        self._tables: list[WriteBackTable] = []
        self._state_ids: dict[str, int] = {}
        self.incremental = incremental
        self.backend_id = uuid.uuid4().hex[:10]
        #: SST name -> (uploaded handle, checksum) of the last completed checkpoint.
        self._confirmed: dict[str, tuple[Any, int]] = {}
        #: checkpoint id -> SST files it references (confirmed once it completes).
        self._uploads: dict[int, dict[str, tuple[Any, int]]] = {}

    # -- tables ----------------------------------------------------------------------------

    def state_id(self, name: str) -> int:
        sid = self._state_ids.get(name)
        if sid is None:
            sid = self._state_ids[name] = len(self._state_ids) + 1
        return sid

    def new_table(self, state_name: str, namespace: Any) -> WriteBackTable:
        table = WriteBackTable(self, self.state_id(state_name), namespace)
        self._tables.append(table)
        return table

    def flush(self, evict: bool = False) -> None:
        batch = WriteBatch(raw_mode=True)
        written = 0
        for table in self._tables:
            written += table.write_dirty(batch)
            if evict:
                table.evict()
        if written:
            self.db.write(batch)
        if evict:
            self.cached = 0

    def num_keys(self) -> int:
        self.flush()
        return sum(1 for _ in self.db.keys())  # noqa: SIM118 - Rdict iterates items

    # -- snapshots -------------------------------------------------------------------------

    def snapshot(self, full: bool = False) -> Callable[..., Any]:
        self.flush()
        if self.incremental and not full:
            return self._incremental_snapshot()
        # A RocksDB checkpoint (hard links to the immutable SST files) is the consistent view;
        # rocksdict's snapshot iterators read live data, so they cannot serve here.
        directory = self._checkpoint("snap")
        names = {sid: name for name, sid in self._state_ids.items()}

        def write() -> dict[int, bytes]:
            segments: dict[int, bytes] = {}
            current_group = -1
            entries: dict[str, list[tuple[bytes, bytes]]] = {}
            view = Rdict(directory, Options(raw_mode=True))
            try:
                iterator = view.iter()
                iterator.seek_to_first()
                while iterator.valid():
                    group, sid, rest = split_key(iterator.key())
                    if group != current_group:
                        if entries:
                            segments[current_group] = dumps_state((current_group, entries))
                        current_group, entries = group, {}
                    entries.setdefault(names[sid], []).append((rest, iterator.value()))
                    iterator.next()
                if entries:
                    segments[current_group] = dumps_state((current_group, entries))
                del iterator
            finally:
                view.close()
                shutil.rmtree(directory, ignore_errors=True)
            return segments

        return write

    # -- incremental checkpoints -----------------------------------------------------------

    def _incremental_snapshot(self) -> IncrementalSnapshot:
        """Synchronous part: a RocksDB checkpoint — hard links to the immutable SST files plus a
        copy of the small metadata files — taken in milliseconds whatever the state size."""
        directory = self._checkpoint("chk")
        return IncrementalSnapshot(self, directory, dict(self._confirmed), dict(self._state_ids))

    def _checkpoint(self, prefix: str) -> str:
        """A RocksDB checkpoint of the database in a new directory under the working dir."""
        directory = os.path.join(self.path, f"{prefix}-{uuid.uuid4().hex[:8]}")
        Checkpoint(self.db).create_checkpoint(directory)
        return directory

    def notify_checkpoint_complete(self, checkpoint_id: int) -> None:
        """SST files of a completed checkpoint need not be uploaded again."""
        done = [cid for cid in self._uploads if cid <= checkpoint_id]
        if done:
            self._confirmed = self._uploads[max(done)]
        for cid in done:
            del self._uploads[cid]

    def restore_incremental(self, descriptions: list[dict[str, Any]]) -> None:
        mine = self.key_group_range
        relevant = [d for d in descriptions
                    if KeyGroupRange(*d["key_group_range"]).intersection(mine)]
        if len(relevant) == 1 and tuple(relevant[0]["key_group_range"]) == (mine.start, mine.end):
            self._adopt(relevant[0])  # same key groups: use the checkpointed database as is
            return
        for description in relevant:
            self._ingest(description)

    def _download(self, description: dict[str, Any], directory: str) -> None:
        os.makedirs(directory, exist_ok=True)
        files = {**description["private"], **description["shared"]}
        for name, (handle, crc) in files.items():
            data = handle.read()
            if checksum(data) != crc:
                raise CorruptCheckpointError(
                    f"RocksDB file {handle.describe()} is corrupt (checksum mismatch)")
            local = name.split("-", 1)[1] if name.startswith(description["backend_id"]) else name
            with open(os.path.join(directory, local), "wb") as f:
                f.write(data)

    def _adopt(self, description: dict[str, Any]) -> None:
        staging = os.path.join(self.path, "restored")
        self._download(description, staging)  # fails before the live database is touched
        self.db.close()
        shutil.rmtree(os.path.join(self.path, "db"), ignore_errors=True)
        os.replace(staging, os.path.join(self.path, "db"))
        try:
            self.db = Rdict(os.path.join(self.path, "db"), self._options)
        except Exception as exc:  # rocksdict raises plain Exceptions for corruption
            raise CorruptCheckpointError(f"restored RocksDB files do not open: {exc}") from exc
        self._state_ids = dict(description["state_ids"])
        self._confirmed = {name: ref for name, ref in description["shared"].items()}

    def _ingest(self, description: dict[str, Any]) -> None:
        """Another parallelism: copy only this backend's key groups out of an old database."""
        directory = tempfile.mkdtemp(prefix="restore-", dir=self.path)
        try:
            self._download(description, directory)
            old = Rdict(directory, Options(raw_mode=True))
            names = {sid: name for name, sid in description["state_ids"].items()}
            batch = WriteBatch(raw_mode=True)
            iterator = old.iter()
            iterator.seek(struct.pack(">H", self.key_group_range.start))
            while iterator.valid():
                group, sid, rest = split_key(iterator.key())
                if group > self.key_group_range.end:
                    break
                batch.put(join_key(group, self.state_id(names[sid]), rest), iterator.value())
                iterator.next()
            del iterator
            old.close()
            self.db.write(batch)
        finally:
            shutil.rmtree(directory, ignore_errors=True)

    def restore(self, segments: Iterable[bytes]) -> None:
        batch = WriteBatch(raw_mode=True)
        for segment in segments:
            group, states = pickle.loads(segment)
            for name, entries in states.items():
                sid = self.state_id(name)
                for rest, value in entries:
                    batch.put(join_key(group, sid, rest), value)
        self.db.write(batch)

    def dispose(self) -> None:
        try:
            self.db.close()
        except Exception:  # noqa: BLE001 - already closed (a failed restore)
            pass
        finally:
            shutil.rmtree(self.path, ignore_errors=True)


class IncrementalSnapshot:
    """Asynchronous part of an incremental checkpoint: upload the SST files that the last
    completed checkpoint does not already hold, and the metadata files; describe the result."""

    incremental = True

    def __init__(self, backend: RocksDBKeyedStateBackend, directory: str,
                 confirmed: dict[str, tuple[Any, int]], state_ids: dict[str, int]) -> None:
        self.backend = backend
        self.directory = directory
        self.confirmed = confirmed
        self.state_ids = state_ids

    def __call__(self, storage: Any, job_id: str, checkpoint_id: int) -> dict[str, Any]:
        backend = self.backend
        shared: dict[str, tuple[Any, int]] = {}
        private: dict[str, tuple[Any, int]] = {}
        new: list[str] = []
        try:
            for local in sorted(os.listdir(self.directory)):
                path = os.path.join(self.directory, local)
                name = f"{backend.backend_id}-{local}"
                if local.endswith(".sst"):
                    if name in self.confirmed:
                        shared[name] = self.confirmed[name]
                        continue
                    with open(path, "rb") as f:
                        crc = checksum(f.read())
                    shared[name] = (storage.upload_shared(job_id, name, path), crc)
                    new.append(name)
                else:
                    with open(path, "rb") as f:
                        crc = checksum(f.read())
                    private[name] = (storage.upload_private(job_id, checkpoint_id, name, path),
                                     crc)
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)
        backend._uploads[checkpoint_id] = shared
        groups = backend.key_group_range
        return {
            "backend_id": backend.backend_id,
            "key_group_range": (groups.start, groups.end),
            "shared": shared,
            "private": private,
            "state_ids": self.state_ids,
            "new": new,
        }


class EmbeddedRocksDBStateBackendImpl(StateBackend):
    def __init__(
        self,
        working_dir: str | None = None,
        cache_entries: int = 200_000,
        block_cache_bytes: int = 32 * 1024 * 1024,
        write_buffer_bytes: int = 16 * 1024 * 1024,
        incremental: bool = False,
    ) -> None:
        if cache_entries < 1:
            raise ValueError("the RocksDB write-back cache needs at least one entry")
        self.working_dir = working_dir
        self.cache_entries = cache_entries
        self.block_cache_bytes = block_cache_bytes
        self.write_buffer_bytes = write_buffer_bytes
        self.incremental = incremental

    def create_keyed_state_backend(
        self, operator_uid: str, key_group_range: KeyGroupRange, max_parallelism: int
    ) -> RocksDBKeyedStateBackend:
        return RocksDBKeyedStateBackend(
            key_group_range, max_parallelism, self.working_dir, self.cache_entries,
            self.block_cache_bytes, self.write_buffer_bytes, self.incremental,
        )


__all__ = ["EmbeddedRocksDBStateBackendImpl", "RocksDBKeyedStateBackend", "VOID_NAMESPACE"]

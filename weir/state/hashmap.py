"""The hash-map (heap) keyed state backend: state lives in Python dicts in the task's process.

Each registered state is a table ``namespace → {key → value}``. Keys are not grouped by key group
while the job runs (that would cost a hash per access); snapshots group them when they are taken.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterable, MutableMapping
from typing import Any

from weir.api import state as api
from weir.state.backend import VOID_NAMESPACE, InternalKvState, KeyedStateBackend, StateBackend
from weir.state.errors import StateError
from weir.state.key_groups import KeyGroupRange, stable_hash
from weir.state.ttl import TtlTable, raw


class _HeapState(InternalKvState):
    """Shared machinery: the table of this state and the map of the current namespace."""

    #: How a snapshot copies a stored value so that later in-place updates cannot reach it
    #: (list and map state mutate their containers; other values are replaced, not mutated).
    copy_value: Any = None

    def __init__(self, backend: HashMapKeyedStateBackend, descriptor: Any) -> None:
        self._backend = backend
        self._descriptor = descriptor
        self._name = descriptor.get_name()
        ttl = descriptor.get_ttl_config() if hasattr(descriptor, "get_ttl_config") else None
        self._ttl = ttl if ttl is not None and ttl.is_enabled() else None
        self._table: dict[Any, Any] = {
            VOID_NAMESPACE: self._wrap(backend.new_table(self._name, VOID_NAMESPACE))}
        self._map: Any = self._table[VOID_NAMESPACE]

    def _wrap(self, table: Any) -> Any:
        """Put a TTL view over a table when the descriptor asks for time-to-live."""
        if self._ttl is None or isinstance(table, TtlTable):
            return table
        return TtlTable(table, self._ttl)

    def set_current_namespace(self, namespace: Any) -> None:
        table = self._table
        m = table.get(namespace)
        if m is None:
            m = table[namespace] = self._wrap(self._backend.new_table(self._name, namespace))
        self._map = m

    def key_map(self) -> MutableMapping[Any, Any]:
        return self._map

    def clear(self) -> None:
        self._map.pop(self._backend.current_key, None)

    def entry_count(self) -> int:
        return sum(len(m) for m in self._table.values())


class HeapValueState(_HeapState, api.ValueState):
    def value(self) -> Any:
        return self._map.get(self._backend.current_key)

    def update(self, value: Any) -> None:
        if value is None:
            self._map.pop(self._backend.current_key, None)
        else:
            self._map[self._backend.current_key] = value


class HeapListState(_HeapState, api.ListState):
    copy_value = list
    def get(self) -> Iterable[Any]:
        return list(self._map.get(self._backend.current_key, ()))

    def add(self, value: Any) -> None:
        if value is None:
            raise StateError("ListState.add(None): null values are not allowed in list state")
        key = self._backend.current_key
        stored = self._map.get(key)
        if stored is None:
            self._map[key] = [value]
        else:
            stored.append(value)
            self._map[key] = stored  # tell write-back tables (RocksDB) the value changed

    def add_all(self, values: list[Any]) -> None:
        for value in values:
            self.add(value)

    def update(self, values: list[Any]) -> None:
        values = list(values) if values is not None else []
        if any(v is None for v in values):
            raise StateError("ListState.update: null values are not allowed in list state")
        if values:
            self._map[self._backend.current_key] = values
        else:
            self._map.pop(self._backend.current_key, None)


class HeapMapState(_HeapState, api.MapState):
    copy_value = dict
    def _user_map(self, create: bool = False) -> dict[Any, Any] | None:
        key = self._backend.current_key
        m = self._map.get(key)
        if m is None and create:
            m = self._map[key] = {}
        return m

    def get(self, key: Any) -> Any:
        m = self._user_map()
        return None if m is None else m.get(key)

    def put(self, key: Any, value: Any) -> None:
        m = self._user_map(True)
        m[key] = value  # type: ignore[index]
        self._map[self._backend.current_key] = m

    def put_all(self, dict_value: dict[Any, Any]) -> None:
        m = self._user_map(True)
        m.update(dict_value)  # type: ignore[union-attr]
        self._map[self._backend.current_key] = m

    def remove(self, key: Any) -> None:
        m = self._user_map()
        if m is not None:
            m.pop(key, None)
            if m:
                self._map[self._backend.current_key] = m
            else:
                self._map.pop(self._backend.current_key, None)

    def contains(self, key: Any) -> bool:
        m = self._user_map()
        return m is not None and key in m

    def items(self) -> Iterable[tuple[Any, Any]]:
        m = self._user_map()
        return list(m.items()) if m else []

    def keys(self) -> Iterable[Any]:
        m = self._user_map()
        return list(m.keys()) if m else []

    def values(self) -> Iterable[Any]:
        m = self._user_map()
        return list(m.values()) if m else []

    def is_empty(self) -> bool:
        return not self._user_map()


class HeapReducingState(_HeapState, api.ReducingState):
    def __init__(self, backend: HashMapKeyedStateBackend, descriptor: Any) -> None:
        super().__init__(backend, descriptor)
        fn = descriptor.get_reduce_function()
        self._reduce = getattr(fn, "reduce", fn)

    def get(self) -> Any:
        return self._map.get(self._backend.current_key)

    def add(self, value: Any) -> None:
        key = self._backend.current_key
        current = self._map.get(key)
        self._map[key] = value if current is None else self._reduce(current, value)


class HeapAggregatingState(_HeapState, api.AggregatingState):
    def __init__(self, backend: HashMapKeyedStateBackend, descriptor: Any) -> None:
        super().__init__(backend, descriptor)
        self._fn = descriptor.get_agg_function()

    def get(self) -> Any:
        acc = self._map.get(self._backend.current_key)
        return None if acc is None else self._fn.get_result(acc)

    def add(self, value: Any) -> None:
        key = self._backend.current_key
        acc = self._map.get(key)
        if acc is None:
            acc = self._fn.create_accumulator()
        self._map[key] = self._fn.add(value, acc)


_STATE_CLASSES: dict[type, type[_HeapState]] = {
    api.ValueStateDescriptor: HeapValueState,
    api.ListStateDescriptor: HeapListState,
    api.MapStateDescriptor: HeapMapState,
    api.ReducingStateDescriptor: HeapReducingState,
    api.AggregatingStateDescriptor: HeapAggregatingState,
}


class HashMapKeyedStateBackend(KeyedStateBackend):
    """Keyed state in dicts; also the base of the RocksDB backend, which swaps the dicts for
    write-back tables over the database (``new_table``) and its own snapshot/restore."""

    def new_table(self, state_name: str, namespace: Any) -> Any:
        return {}

    def __init__(self, key_group_range: KeyGroupRange, max_parallelism: int) -> None:
        super().__init__(key_group_range, max_parallelism)
        self._states: dict[str, _HeapState] = {}
        #: Restored tables of states the operator has not asked for (yet): name -> ns -> map.
        self._restored: dict[str, dict[Any, dict[Any, Any]]] = {}

    def get_partitioned_state(self, descriptor: Any) -> Any:
        name = descriptor.get_name()
        existing = self._states.get(name)
        if existing is not None:
            if type(existing) is not _state_class(descriptor):
                raise StateError(
                    f"state {name!r} was registered as {type(existing._descriptor).__name__} and "
                    f"is now requested as {type(descriptor).__name__}; use one descriptor per name"
                )
            return existing
        state = _state_class(descriptor)(self, descriptor)
        restored = self._restored.pop(name, None)
        if restored:
            state._table = {ns: state._wrap(m) for ns, m in restored.items()}
            state._table.setdefault(VOID_NAMESPACE, state._wrap({}))
            state._map = state._table[VOID_NAMESPACE]
        self._states[name] = state
        return state

    def snapshot(self, full: bool = False) -> Callable[[], dict[int, bytes]]:
        captured: dict[str, dict[Any, dict[Any, Any]]] = {}
        for name, state in self._states.items():
            copy_value = state.copy_value
            if copy_value is None:
                captured[name] = {ns: dict(raw(m)) for ns, m in state._table.items() if m}
            else:
                captured[name] = {
                    ns: {k: _copy_entry(copy_value, v, state._ttl) for k, v in raw(m).items()}
                    for ns, m in state._table.items() if m
                }
        for name, table in self._restored.items():
            captured.setdefault(name, {ns: dict(m) for ns, m in table.items() if m})
        max_parallelism = self.max_parallelism

        def write() -> dict[int, bytes]:
            by_group: dict[int, dict[str, dict[Any, dict[Any, Any]]]] = {}
            for name, table in captured.items():
                for ns, entries in table.items():
                    for key, value in entries.items():
                        group = stable_hash(key) % max_parallelism
                        per_group = by_group.get(group)
                        if per_group is None:
                            per_group = by_group[group] = {}
                        per_name = per_group.get(name)
                        if per_name is None:
                            per_name = per_group[name] = {}
                        per_ns = per_name.get(ns)
                        if per_ns is None:
                            per_ns = per_name[ns] = {}
                        per_ns[key] = value
            return {group: dumps_state(data) for group, data in by_group.items()}

        return write

    def restore(self, segments: Iterable[bytes]) -> None:
        for segment in segments:
            for name, table in pickle.loads(segment).items():
                state = self._states.get(name)
                target = state._table if state is not None else self._restored.setdefault(name, {})
                for ns, entries in table.items():
                    existing = target.get(ns)
                    if existing is None:
                        target[ns] = state._wrap(dict(entries)) if state else dict(entries)
                    else:
                        raw(existing).update(entries)
                if state is not None:
                    state._map = state._table.setdefault(VOID_NAMESPACE, state._wrap({}))

    def num_keys(self) -> int:
        return sum(s.entry_count() for s in self._states.values())

    def dispose(self) -> None:
        self._states.clear()


def _copy_entry(copy_value: Any, stored: Any, ttl: Any) -> Any:
    """Copy a mutable stored value; under TTL the value is the first half of the pair."""
    if ttl is None:
        return copy_value(stored)
    value, stamp = stored
    return (copy_value(value), stamp)


def dumps_state(data: Any) -> bytes:
    """Pickle state; values of classes defined in the user's script need cloudpickle."""
    try:
        return pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, AttributeError, TypeError):
        import cloudpickle

        return cloudpickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)


def _state_class(descriptor: Any) -> type[_HeapState]:
    for descriptor_type, cls in _STATE_CLASSES.items():
        if isinstance(descriptor, descriptor_type):
            return cls
    raise StateError(f"unsupported state descriptor {descriptor!r}")


class HashMapStateBackendImpl(StateBackend):
    """Creates hash-map keyed backends; the public classes in
    :mod:`weir.datastream.state_backend` delegate here."""

    def create_keyed_state_backend(
        self, operator_uid: str, key_group_range: KeyGroupRange, max_parallelism: int
    ) -> KeyedStateBackend:
        return HashMapKeyedStateBackend(key_group_range, max_parallelism)

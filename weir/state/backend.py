"""The seams of the state layer: a configured :class:`StateBackend` creates one
:class:`KeyedStateBackend` per keyed operator subtask, which holds that subtask's key groups.

Operators and user functions only see these interfaces and the user-facing state objects
(:mod:`weir.datastream.state`); the hash-map backend (:mod:`weir.state.hashmap`) and later the RocksDB
backend implement them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, MutableMapping
from typing import Any

from weir.state.key_groups import KeyGroupRange

#: The namespace of state that is not scoped to a window.
VOID_NAMESPACE = None


class InternalKvState(ABC):
    """Operations the runtime needs on any keyed state object, beyond the user-facing API."""

    @abstractmethod
    def set_current_namespace(self, namespace: Any) -> None: ...

    @abstractmethod
    def key_map(self) -> MutableMapping[Any, Any]:
        """Key → stored value for the current namespace: the fast path built-in aggregations use
        instead of setting the current key per record."""


class KeyedStateBackend(ABC):
    """State of one keyed operator subtask, scoped by the *current key*.

    The task sets ``current_key`` before each record reaches the user function; state objects read
    it on every access.
    """

    current_key: Any = None

    def __init__(self, key_group_range: KeyGroupRange, max_parallelism: int) -> None:
        self.key_group_range = key_group_range
        self.max_parallelism = max_parallelism

    def set_current_key(self, key: Any) -> None:
        self.current_key = key

    def get_current_key(self) -> Any:
        return self.current_key

    @abstractmethod
    def get_partitioned_state(self, descriptor: Any) -> Any:
        """The state object for ``descriptor`` (created on first use; same object afterwards)."""

    @abstractmethod
    def num_keys(self) -> int:
        """Number of (state, key, namespace) entries, for metrics."""

    @abstractmethod
    def snapshot(self, full: bool = False) -> Callable[..., Any]:
        """The synchronous part of a snapshot: capture a consistent view of all keyed state now
        (records keep flowing as soon as this returns). Returns the asynchronous part, which
        serialises that view into one segment per key group. Backends with incremental
        checkpoints may return an object with ``incremental = True`` instead (see the RocksDB
        backend); ``full`` (savepoints) asks for the self-contained form."""

    @abstractmethod
    def restore(self, segments: Iterable[bytes]) -> None:
        """Load key-group segments written by an earlier snapshot (possibly of another
        parallelism: the caller passes only segments of this backend's key groups)."""

    def dispose(self) -> None:
        """Release resources; the backend is not used afterwards."""


class StateBackend(ABC):
    """What users configure with ``env.set_state_backend(...)``."""

    @abstractmethod
    def create_keyed_state_backend(
        self, operator_uid: str, key_group_range: KeyGroupRange, max_parallelism: int
    ) -> KeyedStateBackend: ...

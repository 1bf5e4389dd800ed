"""Keyed state: the state interfaces user functions see and the descriptors that create them
(``pyflink.datastream.state``). The runtime's state backends implement the interfaces.

Example::

    def open(self, runtime_context):
        ttl = StateTtlConfig.new_builder(Time.minutes(10)).build()
        descriptor = ValueStateDescriptor("count", Types.LONG())
        descriptor.enable_time_to_live(ttl)
        self.count = runtime_context.get_state(descriptor)
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from enum import Enum
from typing import Any, Generic, TypeVar

from weir.common.time import Duration, Time
from weir.common.typeinfo import ListTypeInfo, MapTypeInfo, TypeInformation

__all__ = [
    "AggregatingState",
    "AggregatingStateDescriptor",
    "AppendingState",
    "BroadcastState",
    "ListState",
    "ListStateDescriptor",
    "MapState",
    "MapStateDescriptor",
    "MergingState",
    "OperatorStateStore",
    "ReadOnlyBroadcastState",
    "ReducingState",
    "ReducingStateDescriptor",
    "State",
    "StateDescriptor",
    "StateTtlConfig",
    "ValueState",
    "ValueStateDescriptor",
]

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")
IN = TypeVar("IN")
OUT = TypeVar("OUT")


# -- state interfaces ---------------------------------------------------------------------------


class State(ABC):
    """Base of all state; a keyed state handle reads and writes the current key's value."""

    @abstractmethod
    def clear(self) -> None:
        """Remove the value of the current key."""


class ValueState(State, Generic[T]):
    """One value per key.

    Example::

        n = (self.count.value() or 0) + 1
        self.count.update(n)
    """

    @abstractmethod
    def value(self) -> T | None:
        """The current key's value, or None."""

    @abstractmethod
    def update(self, value: T | None) -> None:
        """Set the current key's value (None clears it)."""


class AppendingState(State, Generic[IN, OUT]):
    """State that values are added to, read as a whole."""

    @abstractmethod
    def get(self) -> OUT:
        """The current key's state (None or empty when there is none)."""

    @abstractmethod
    def add(self, value: IN) -> None:
        """Add ``value`` to the current key's state."""


class MergingState(AppendingState[IN, OUT]):
    """An AppendingState whose instances can be merged (for merging windows)."""


class ReducingState(MergingState[T, T]):
    """Values added are combined with a reduce function; ``get`` returns the combined value."""


class AggregatingState(MergingState[IN, OUT]):
    """Values added go into an AggregateFunction's accumulator; ``get`` returns its result."""


class ListState(MergingState[T, Iterable[T]]):
    """A list of values per key.

    Example::

        self.seen.add(value)
        for v in self.seen.get(): ...
    """

    @abstractmethod
    def update(self, values: list[T]) -> None:
        """Replace the current key's list with ``values``."""

    @abstractmethod
    def add_all(self, values: list[T]) -> None:
        """Append ``values`` to the current key's list."""

    def __iter__(self) -> Iterator[T]:
        return iter(self.get())


class MapState(State, Generic[K, V]):
    """A dict per key; also usable with ``state[k]``, ``state[k] = v``, ``del state[k]``,
    ``k in state`` and ``for k in state``.

    Example::

        self.totals[word] = (self.totals.get(word) or 0) + 1
    """

    @abstractmethod
    def get(self, key: K) -> V | None:
        """The value under ``key``, or None."""

    @abstractmethod
    def put(self, key: K, value: V) -> None:
        """Set the value under ``key``."""

    @abstractmethod
    def put_all(self, dict_value: dict[K, V]) -> None:
        """Set every entry of ``dict_value``."""

    @abstractmethod
    def remove(self, key: K) -> None:
        """Delete ``key`` (no-op if absent)."""

    @abstractmethod
    def contains(self, key: K) -> bool:
        """Whether ``key`` is present."""

    @abstractmethod
    def items(self) -> Iterable[tuple[K, V]]:
        """All entries."""

    @abstractmethod
    def keys(self) -> Iterable[K]:
        """All keys."""

    @abstractmethod
    def values(self) -> Iterable[V]:
        """All values."""

    @abstractmethod
    def is_empty(self) -> bool:
        """True when the current key's map has no entries."""

    def __getitem__(self, key: K) -> V | None:
        return self.get(key)

    def __setitem__(self, key: K, value: V) -> None:
        self.put(key, value)

    def __delitem__(self, key: K) -> None:
        self.remove(key)

    def __contains__(self, key: object) -> bool:
        return self.contains(key)  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[K]:
        return iter(self.keys())


class ReadOnlyBroadcastState(State, Generic[K, V]):
    """A read-only view of a :class:`BroadcastState` (the non-broadcast side's)."""

    @abstractmethod
    def get(self, key: K) -> V | None: ...

    @abstractmethod
    def contains(self, key: K) -> bool: ...

    @abstractmethod
    def items(self) -> Iterable[tuple[K, V]]: ...

    @abstractmethod
    def keys(self) -> Iterable[K]: ...

    @abstractmethod
    def values(self) -> Iterable[V]: ...

    @abstractmethod
    def is_empty(self) -> bool: ...

    def __getitem__(self, key: K) -> V | None:
        return self.get(key)

    def __contains__(self, key: object) -> bool:
        return self.contains(key)  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[K]:
        return iter(self.keys())


class BroadcastState(ReadOnlyBroadcastState[K, V]):
    """Operator state holding the same map on every parallel instance (the broadcast side
    must make the same updates everywhere)."""

    @abstractmethod
    def put(self, key: K, value: V) -> None: ...

    @abstractmethod
    def put_all(self, dict_value: dict[K, V]) -> None: ...

    @abstractmethod
    def remove(self, key: K) -> None: ...

    def __setitem__(self, key: K, value: V) -> None:
        self.put(key, value)

    def __delitem__(self, key: K) -> None:
        self.remove(key)


class OperatorStateStore(ABC):
    """Access to operator (non-keyed) state; broadcast state only, as in PyFlink."""

    @abstractmethod
    def get_broadcast_state(self, state_descriptor: MapStateDescriptor) -> BroadcastState:
        """The broadcast state described by a ``MapStateDescriptor``."""


# -- time-to-live -------------------------------------------------------------------------------


class StateTtlConfig:
    """Time-to-live of keyed state entries, built with :meth:`new_builder`.

    Example::

        ttl = (StateTtlConfig.new_builder(Time.seconds(30))
               .set_update_type(StateTtlConfig.UpdateType.OnReadAndWrite)
               .set_state_visibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
               .cleanup_incrementally(10, False)
               .build())
        descriptor.enable_time_to_live(ttl)
    """

    class UpdateType(Enum):
        """When the last-access time (which prolongs the TTL) is updated."""

        Disabled = 0
        OnCreateAndWrite = 1
        OnReadAndWrite = 2

    class StateVisibility(Enum):
        """Whether an expired value not yet cleaned up may be returned."""

        ReturnExpiredIfNotCleanedUp = 0
        NeverReturnExpired = 1

    class TtlTimeCharacteristic(Enum):
        """The time scale of TTL (processing time only, as in Flink)."""

        ProcessingTime = 0

    class CleanupStrategies:
        """Which cleanups of expired state are configured (besides removal on read)."""

        class Strategies(Enum):
            FULL_STATE_SCAN_SNAPSHOT = 0
            INCREMENTAL_CLEANUP = 1
            ROCKSDB_COMPACTION_FILTER = 2

        class CleanupStrategy(ABC):  # noqa: B024 - a marker base
            """Base of the cleanup strategy settings."""

        class EmptyCleanupStrategy(CleanupStrategy):
            """A strategy without settings."""

            def __eq__(self, other: object) -> bool:
                return type(other) is type(self)

            def __hash__(self) -> int:
                return hash("EmptyCleanupStrategy")

        class IncrementalCleanupStrategy(CleanupStrategy):
            """Check ``cleanup_size`` entries on every state access (and every record when
            ``run_cleanup_for_every_record``)."""

            def __init__(self, cleanup_size: int, run_cleanup_for_every_record: bool) -> None:
                if cleanup_size < 0:
                    raise ValueError("cleanup_size must not be negative")
                self._cleanup_size = int(cleanup_size)
                self._run_cleanup_for_every_record = bool(run_cleanup_for_every_record)

            def get_cleanup_size(self) -> int:
                return self._cleanup_size

            def run_cleanup_for_every_record(self) -> bool:
                return self._run_cleanup_for_every_record

            def __eq__(self, other: object) -> bool:
                return (
                    isinstance(other, StateTtlConfig.CleanupStrategies.IncrementalCleanupStrategy)
                    and self._cleanup_size == other._cleanup_size
                    and self._run_cleanup_for_every_record == other._run_cleanup_for_every_record
                )

            def __hash__(self) -> int:
                return hash((self._cleanup_size, self._run_cleanup_for_every_record))

        class RocksdbCompactFilterCleanupStrategy(CleanupStrategy):
            """Clean up during RocksDB compactions (recorded; weir has no RocksDB backend)."""

            def __init__(
                self,
                query_time_after_num_entries: int,
                periodic_compaction_time: Duration | None = None,
            ) -> None:
                self._query_time_after_num_entries = int(query_time_after_num_entries)
                self._periodic_compaction_time = periodic_compaction_time or Duration.of_days(30)

            def get_query_time_after_num_entries(self) -> int:
                return self._query_time_after_num_entries

            def get_periodic_compaction_time(self) -> Duration:
                return self._periodic_compaction_time

            def __eq__(self, other: object) -> bool:
                return (
                    isinstance(
                        other, StateTtlConfig.CleanupStrategies.RocksdbCompactFilterCleanupStrategy
                    )
                    and self._query_time_after_num_entries == other._query_time_after_num_entries
                    and self._periodic_compaction_time == other._periodic_compaction_time
                )

            def __hash__(self) -> int:
                return hash((self._query_time_after_num_entries, self._periodic_compaction_time))

        def __init__(self, strategies: dict[Any, Any], is_cleanup_in_background: bool) -> None:
            self._strategies = dict(strategies)
            self._is_cleanup_in_background = bool(is_cleanup_in_background)

        def is_cleanup_in_background(self) -> bool:
            return self._is_cleanup_in_background

        def in_full_snapshot(self) -> bool:
            return self.Strategies.FULL_STATE_SCAN_SNAPSHOT in self._strategies

        def get_incremental_cleanup_strategy(self) -> Any:
            """The configured incremental cleanup; the default (5 entries, not per record) when
            background cleanup is on; else None."""
            default = (
                StateTtlConfig.CleanupStrategies.IncrementalCleanupStrategy(5, False)
                if self._is_cleanup_in_background
                else None
            )
            return self._strategies.get(self.Strategies.INCREMENTAL_CLEANUP, default)

        def get_rocksdb_compact_filter_cleanup_strategy(self) -> Any:
            default = (
                StateTtlConfig.CleanupStrategies.RocksdbCompactFilterCleanupStrategy(1000)
                if self._is_cleanup_in_background
                else None
            )
            return self._strategies.get(self.Strategies.ROCKSDB_COMPACTION_FILTER, default)

        def __eq__(self, other: object) -> bool:
            return (
                isinstance(other, StateTtlConfig.CleanupStrategies)
                and self._strategies == other._strategies
                and self._is_cleanup_in_background == other._is_cleanup_in_background
            )

        def __hash__(self) -> int:
            return hash((frozenset(self._strategies.items()), self._is_cleanup_in_background))

        def __repr__(self) -> str:
            names = sorted(s.name for s in self._strategies)
            return (
                f"CleanupStrategies({names}, "
                f"cleanup_in_background={self._is_cleanup_in_background})"
            )

    def __init__(
        self,
        update_type: StateTtlConfig.UpdateType,
        state_visibility: StateTtlConfig.StateVisibility,
        ttl_time_characteristic: StateTtlConfig.TtlTimeCharacteristic,
        ttl: Time,
        cleanup_strategies: StateTtlConfig.CleanupStrategies,
    ) -> None:
        self._update_type = update_type
        self._state_visibility = state_visibility
        self._ttl_time_characteristic = ttl_time_characteristic
        self._ttl = ttl
        self._cleanup_strategies = cleanup_strategies

    @staticmethod
    def new_builder(ttl: Time) -> StateTtlConfig.Builder:
        """A builder for entries that live ``ttl`` after their last update."""
        return StateTtlConfig.Builder(ttl)

    def get_update_type(self) -> StateTtlConfig.UpdateType:
        return self._update_type

    def get_state_visibility(self) -> StateTtlConfig.StateVisibility:
        return self._state_visibility

    def get_ttl(self) -> Time:
        return self._ttl

    def get_ttl_milliseconds(self) -> int:
        """weir: the TTL in milliseconds."""
        return int(self._ttl.to_milliseconds())

    def get_ttl_time_characteristic(self) -> StateTtlConfig.TtlTimeCharacteristic:
        return self._ttl_time_characteristic

    def is_enabled(self) -> bool:
        return self._update_type is not StateTtlConfig.UpdateType.Disabled

    def get_cleanup_strategies(self) -> StateTtlConfig.CleanupStrategies:
        return self._cleanup_strategies

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, StateTtlConfig)
            and self._update_type == other._update_type
            and self._state_visibility == other._state_visibility
            and self._ttl_time_characteristic == other._ttl_time_characteristic
            and self._ttl == other._ttl
            and self._cleanup_strategies == other._cleanup_strategies
        )

    def __hash__(self) -> int:
        return hash((self._update_type, self._state_visibility, self._ttl))

    def __repr__(self) -> str:
        return (
            f"StateTtlConfig<update_type={self._update_type}, "
            f"state_visibility={self._state_visibility}, "
            f"ttl_time_characteristic={self._ttl_time_characteristic}, ttl={self._ttl}>"
        )

    class Builder:
        """Builds a :class:`StateTtlConfig`; defaults: OnCreateAndWrite, NeverReturnExpired,
        processing time, cleanup in background."""

        def __init__(self, ttl: Time) -> None:
            self._ttl = _check_ttl(ttl)
            self._update_type = StateTtlConfig.UpdateType.OnCreateAndWrite
            self._state_visibility = StateTtlConfig.StateVisibility.NeverReturnExpired
            self._ttl_time_characteristic = StateTtlConfig.TtlTimeCharacteristic.ProcessingTime
            self._is_cleanup_in_background = True
            self._strategies: dict[Any, Any] = {}

        def set_update_type(self, update_type: StateTtlConfig.UpdateType) -> StateTtlConfig.Builder:
            self._update_type = update_type
            return self

        def update_ttl_on_create_and_write(self) -> StateTtlConfig.Builder:
            return self.set_update_type(StateTtlConfig.UpdateType.OnCreateAndWrite)

        def update_ttl_on_read_and_write(self) -> StateTtlConfig.Builder:
            return self.set_update_type(StateTtlConfig.UpdateType.OnReadAndWrite)

        def set_state_visibility(
            self, state_visibility: StateTtlConfig.StateVisibility
        ) -> StateTtlConfig.Builder:
            self._state_visibility = state_visibility
            return self

        def return_expired_if_not_cleaned_up(self) -> StateTtlConfig.Builder:
            return self.set_state_visibility(
                StateTtlConfig.StateVisibility.ReturnExpiredIfNotCleanedUp
            )

        def never_return_expired(self) -> StateTtlConfig.Builder:
            return self.set_state_visibility(StateTtlConfig.StateVisibility.NeverReturnExpired)

        def set_ttl_time_characteristic(
            self, ttl_time_characteristic: StateTtlConfig.TtlTimeCharacteristic
        ) -> StateTtlConfig.Builder:
            self._ttl_time_characteristic = ttl_time_characteristic
            return self

        def use_processing_time(self) -> StateTtlConfig.Builder:
            return self.set_ttl_time_characteristic(
                StateTtlConfig.TtlTimeCharacteristic.ProcessingTime
            )

        def cleanup_full_snapshot(self) -> StateTtlConfig.Builder:
            """Drop expired entries from full snapshots (checkpoints, savepoints)."""
            strategies = StateTtlConfig.CleanupStrategies
            self._strategies[strategies.Strategies.FULL_STATE_SCAN_SNAPSHOT] = (
                strategies.EmptyCleanupStrategy()
            )
            return self

        def cleanup_incrementally(
            self, cleanup_size: int, run_cleanup_for_every_record: bool
        ) -> StateTtlConfig.Builder:
            """Check ``cleanup_size`` entries for expiry on every state access (and on every
            record when ``run_cleanup_for_every_record``)."""
            strategies = StateTtlConfig.CleanupStrategies
            self._strategies[strategies.Strategies.INCREMENTAL_CLEANUP] = (
                strategies.IncrementalCleanupStrategy(cleanup_size, run_cleanup_for_every_record)
            )
            return self

        def cleanup_in_rocksdb_compact_filter(
            self,
            query_time_after_num_entries: int,
            periodic_compaction_time: Duration | None = None,
        ) -> StateTtlConfig.Builder:
            """Clean up during RocksDB compactions (recorded for compatibility)."""
            strategies = StateTtlConfig.CleanupStrategies
            self._strategies[strategies.Strategies.ROCKSDB_COMPACTION_FILTER] = (
                strategies.RocksdbCompactFilterCleanupStrategy(
                    query_time_after_num_entries, periodic_compaction_time
                )
            )
            return self

        def disable_cleanup_in_background(self) -> StateTtlConfig.Builder:
            """No default background cleanup (explicitly configured ones still run)."""
            self._is_cleanup_in_background = False
            return self

        def set_ttl(self, ttl: Time) -> StateTtlConfig.Builder:
            self._ttl = _check_ttl(ttl)
            return self

        def build(self) -> StateTtlConfig:
            return StateTtlConfig(
                self._update_type,
                self._state_visibility,
                self._ttl_time_characteristic,
                self._ttl,
                StateTtlConfig.CleanupStrategies(self._strategies, self._is_cleanup_in_background),
            )


def _check_ttl(ttl: Any) -> Any:
    to_ms = getattr(ttl, "to_milliseconds", None)
    if not callable(to_ms):
        raise TypeError(f"the TTL must be a Time (or Duration), got {ttl!r}")
    if to_ms() <= 0:
        raise ValueError(f"the TTL must be positive, got {to_ms()} ms")
    return ttl


# -- descriptors --------------------------------------------------------------------------------


class StateDescriptor(ABC):  # noqa: B024 - a base without abstract methods, as in PyFlink
    """Names a piece of state and its type; the runtime creates the state from it.

    Type information is optional in weir (``None``): state holds any picklable value.
    """

    def __init__(self, name: str, type_info: TypeInformation | None) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError("a state descriptor needs a non-empty name")
        self.name = name
        self.type_info = type_info
        self._ttl_config: StateTtlConfig | None = None

    def get_name(self) -> str:
        return self.name

    def enable_time_to_live(self, ttl_config: StateTtlConfig) -> None:
        """Let entries expire as ``ttl_config`` says."""
        if not isinstance(ttl_config, StateTtlConfig):
            raise TypeError(f"expected a StateTtlConfig, got {ttl_config!r}")
        self._ttl_config = ttl_config

    def get_ttl_config(self) -> StateTtlConfig | None:
        """weir: the TTL configuration, or None."""
        return self._ttl_config

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.name == other.name  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.name))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, {self.type_info!r})"


class ValueStateDescriptor(StateDescriptor):
    """Describes a :class:`ValueState`.

    Example::

        ValueStateDescriptor("count", Types.LONG())
    """

    def __init__(self, name: str, value_type_info: TypeInformation | None = None) -> None:
        super().__init__(name, value_type_info)
        self.value_type_info = value_type_info


class ListStateDescriptor(StateDescriptor):
    """Describes a :class:`ListState`; ``type_info`` is ``Types.LIST(elem_type_info)``.

    Example::

        ListStateDescriptor("seen", Types.STRING())
    """

    def __init__(self, name: str, elem_type_info: TypeInformation | None = None) -> None:
        super().__init__(name, ListTypeInfo(elem_type_info) if elem_type_info is not None else None)
        self.elem_type_info = elem_type_info


class MapStateDescriptor(StateDescriptor):
    """Describes a :class:`MapState`; ``type_info`` is ``Types.MAP(key, value)``.

    Example::

        MapStateDescriptor("totals", Types.STRING(), Types.LONG())
    """

    def __init__(
        self,
        name: str,
        key_type_info: TypeInformation | None = None,
        value_type_info: TypeInformation | None = None,
    ) -> None:
        map_type = None
        if key_type_info is not None and value_type_info is not None:
            map_type = MapTypeInfo(key_type_info, value_type_info)
        super().__init__(name, map_type)
        self.key_type_info = key_type_info
        self.value_type_info = value_type_info


class _ReduceFunctionAdapter:
    """Gives a plain callable the ``reduce`` method of a ReduceFunction."""

    def __init__(self, func: Callable[[Any, Any], Any]) -> None:
        self._func = func

    def reduce(self, value1: Any, value2: Any) -> Any:
        return self._func(value1, value2)

    def __call__(self, value1: Any, value2: Any) -> Any:
        return self._func(value1, value2)

    def open(self, runtime_context: Any) -> None:
        pass

    def close(self) -> None:
        pass


class ReducingStateDescriptor(StateDescriptor):
    """Describes a :class:`ReducingState`: ``reduce_function`` is a ReduceFunction or a plain
    callable ``(a, b) -> c``; ``get_reduce_function()`` always has a ``reduce`` method.

    Example::

        ReducingStateDescriptor("sum", lambda a, b: a + b, Types.LONG())
    """

    def __init__(
        self, name: str, reduce_function: Any, type_info: TypeInformation | None = None
    ) -> None:
        super().__init__(name, type_info)
        if not callable(getattr(reduce_function, "reduce", None)):
            if not callable(reduce_function):
                raise TypeError("reduce_function must be a ReduceFunction or a callable (a, b)")
            reduce_function = _ReduceFunctionAdapter(reduce_function)
        self._reduce_function = reduce_function

    def get_reduce_function(self) -> Any:
        return self._reduce_function


class AggregatingStateDescriptor(StateDescriptor):
    """Describes an :class:`AggregatingState`: ``agg_function`` is an AggregateFunction and
    ``state_type_info`` the type of its accumulator.

    Example::

        AggregatingStateDescriptor("avg", Average(), Types.TUPLE([Types.LONG(), Types.LONG()]))
    """

    def __init__(
        self, name: str, agg_function: Any, state_type_info: TypeInformation | None = None
    ) -> None:
        super().__init__(name, state_type_info)
        for method in ("create_accumulator", "add", "get_result"):
            if not callable(getattr(agg_function, method, None)):
                raise TypeError(f"agg_function must be an AggregateFunction (no {method} method)")
        self._agg_function = agg_function
        self.state_type_info = state_type_info

    def get_agg_function(self) -> Any:
        return self._agg_function

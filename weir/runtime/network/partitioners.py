"""Stream partitioners: which output channel each record of a batch goes to.

They work on whole batches: a batch is split into one list per channel with slicing or a single
loop, never one call per record per layer.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from weir.state.key_groups import stable_hash

Split = list[tuple[int, list[Any], list[int] | None]]

_KEY_CACHE_LIMIT = 1 << 16


class StreamPartitioner:
    """Splits ``values`` (and parallel ``timestamps``) into ``(channel, values, timestamps)`` parts."""

    #: True when every channel receives every record.
    is_broadcast = False

    def setup(self, num_channels: int) -> None:
        self.num_channels = num_channels

    def split(self, values: list[Any], timestamps: list[int] | None) -> Split:
        raise NotImplementedError

    def describe(self) -> str:
        return type(self).__name__.removesuffix("Partitioner").upper()


class ForwardPartitioner(StreamPartitioner):
    def split(self, values, timestamps):
        return [(0, values, timestamps)]


class GlobalPartitioner(ForwardPartitioner):
    pass


class BroadcastPartitioner(StreamPartitioner):
    is_broadcast = True

    def split(self, values, timestamps):
        return [(c, values, timestamps) for c in range(self.num_channels)]


class RebalancePartitioner(StreamPartitioner):
    """Round-robin per record, continuing where the previous batch stopped."""

    def setup(self, num_channels: int) -> None:
        super().setup(num_channels)
        self._next = random.randrange(num_channels)

    def split(self, values, timestamps):
        n = self.num_channels
        if n == 1:
            return [(0, values, timestamps)]
        start = self._next
        self._next = (start + len(values)) % n
        parts = []
        for offset in range(min(n, len(values))):
            channel = (start + offset) % n
            parts.append(
                (channel, values[offset::n], None if timestamps is None else timestamps[offset::n])
            )
        return parts


class RescalePartitioner(RebalancePartitioner):
    pass


class ShufflePartitioner(StreamPartitioner):
    def split(self, values, timestamps):
        n = self.num_channels
        if n == 1:
            return [(0, values, timestamps)]
        choose = random.randrange
        return _bucket(values, timestamps, [choose(n) for _ in values], n)


class KeyGroupStreamPartitioner(StreamPartitioner):
    """Routes by key group, as keyed state requires: key → stable hash → key group → subtask.

    Routing results are cached per key (bounded), since stream keys repeat far more often than the
    hash is worth recomputing.
    """

    def __init__(self, key_selector: Callable[[Any], Any], max_parallelism: int) -> None:
        self.key_selector = key_selector
        self.max_parallelism = max_parallelism

    def setup(self, num_channels: int) -> None:
        super().setup(num_channels)
        self._cache: dict[Any, int] = {}

    def split(self, values, timestamps):
        n = self.num_channels
        if n == 1:
            return [(0, values, timestamps)]
        keys = list(map(self.key_selector, values))
        cache = self._cache
        try:
            channels = list(map(cache.get, keys))
        except TypeError as exc:
            raise TypeError(
                f"key_by produced an unhashable key ({exc}); return a hashable value such as a "
                "tuple or a string from the key selector"
            ) from exc
        if None in channels:
            maxp = self.max_parallelism
            if len(cache) >= _KEY_CACHE_LIMIT:
                cache.clear()
            for i, channel in enumerate(channels):
                if channel is None:
                    key = keys[i]
                    channel = channels[i] = (stable_hash(key) % maxp) * n // maxp
                    cache[key] = channel
        return _bucket(values, timestamps, channels, n)

    def describe(self) -> str:
        return "HASH"


class CustomPartitionerWrapper(StreamPartitioner):
    """``partition_custom``: the user's ``Partitioner.partition(key, num_partitions)`` decides."""

    def __init__(self, partitioner: Any, key_selector: Callable[[Any], Any]) -> None:
        self.partitioner = partitioner
        self.key_selector = key_selector

    def split(self, values, timestamps):
        n = self.num_channels
        partition = getattr(self.partitioner, "partition", self.partitioner)
        key_of = self.key_selector
        channels = []
        for value in values:
            channel = partition(key_of(value), n)
            if not 0 <= channel < n:
                raise ValueError(
                    f"custom partitioner returned channel {channel}; it must be in [0, {n})"
                )
            channels.append(channel)
        return _bucket(values, timestamps, channels, n)

    def describe(self) -> str:
        return "CUSTOM"


def _bucket(values, timestamps, channels, n) -> Split:
    buckets: list[list[Any]] = [[] for _ in range(n)]
    appends = [b.append for b in buckets]
    for value, channel in zip(values, channels, strict=True):
        appends[channel](value)
    if timestamps is None:
        return [(c, b, None) for c, b in enumerate(buckets) if b]
    ts_buckets: list[list[int]] = [[] for _ in range(n)]
    ts_appends = [b.append for b in ts_buckets]
    for ts, channel in zip(timestamps, channels, strict=True):
        ts_appends[channel](ts)
    return [(c, b, ts_buckets[c]) for c, b in enumerate(buckets) if b]

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from weir.runtime.network.partitioners import (
    BroadcastPartitioner,
    KeyGroupStreamPartitioner,
    RebalancePartitioner,
    ShufflePartitioner,
)
from weir.state.key_groups import assign_key_to_subtask


def flatten(parts):
    return [v for _, vs, _ in parts for v in vs]


@given(st.lists(st.text(max_size=5)), st.integers(1, 9))
def test_key_group_partitioner_matches_key_assignment(words, n):
    p = KeyGroupStreamPartitioner(lambda w: w, 128)
    p.setup(n)
    parts = p.split(words, None)
    assert Counter(flatten(parts)) == Counter(words)
    for channel, values, _ in parts:
        for w in values:
            assert channel == assign_key_to_subtask(w, 128, n)


def test_timestamps_follow_their_records():
    p = KeyGroupStreamPartitioner(lambda v: v, 128)
    p.setup(4)
    values = list(range(100))
    for _, vs, ts in p.split(values, [v * 10 for v in values]):
        assert ts == [v * 10 for v in vs]


def test_rebalance_is_round_robin_across_batches():
    p = RebalancePartitioner()
    p.setup(3)
    counts = Counter()
    for _ in range(10):
        for channel, values, _ in p.split(list(range(7)), None):
            counts[channel] += len(values)
    assert sorted(counts.values()) in ([23, 23, 24], [23, 24, 23])
    assert sum(counts.values()) == 70


def test_broadcast_and_shuffle():
    b = BroadcastPartitioner()
    b.setup(3)
    assert [c for c, _, _ in b.split([1, 2], None)] == [0, 1, 2]
    s = ShufflePartitioner()
    s.setup(4)
    assert sorted(flatten(s.split(list(range(1000)), None))) == list(range(1000))

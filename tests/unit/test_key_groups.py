from __future__ import annotations

import os
import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from weir.state.key_groups import (
    KeyGroupRange,
    assign_key_to_subtask,
    assign_to_key_group,
    key_group_range_for_subtask,
    operator_index_for_key_group,
    stable_hash,
)

keys = st.one_of(
    st.text(), st.integers(), st.binary(), st.floats(allow_nan=False), st.none(),
    st.tuples(st.text(), st.integers()),
)


@given(st.integers(1, 512).flatmap(lambda m: st.tuples(st.just(m), st.integers(1, m))))
def test_every_key_group_has_exactly_one_owner(mp):
    max_parallelism, parallelism = mp
    ranges = [key_group_range_for_subtask(max_parallelism, parallelism, i)
              for i in range(parallelism)]
    covered = [kg for r in ranges for kg in r]
    assert covered == list(range(max_parallelism))  # contiguous, ordered, no gaps or overlaps
    for i, r in enumerate(ranges):
        for kg in r:
            assert operator_index_for_key_group(max_parallelism, parallelism, kg) == i


@given(keys, st.integers(1, 300))
def test_key_goes_to_the_subtask_owning_its_key_group(key, parallelism):
    max_parallelism = max(128, parallelism)
    kg = assign_to_key_group(key, max_parallelism)
    subtask = assign_key_to_subtask(key, max_parallelism, parallelism)
    assert kg in key_group_range_for_subtask(max_parallelism, parallelism, subtask)


def test_hash_is_independent_of_pythonhashseed():
    code = ("from weir.state.key_groups import stable_hash;"
            "print(stable_hash('word'), stable_hash(('a', 1)), stable_hash(42))")
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        outputs.add(subprocess.check_output([sys.executable, "-c", code], env=env, text=True))
    assert len(outputs) == 1
    assert outputs.pop().split()[0] == str(stable_hash("word"))


def test_distinct_types_do_not_collide_trivially():
    assert stable_hash(1) != stable_hash("1")
    assert stable_hash((1, 2)) != stable_hash([1, 2])
    assert stable_hash(("a", "b")) != stable_hash(("ab",))


def test_key_group_range_basics():
    r = KeyGroupRange(3, 5)
    assert list(r) == [3, 4, 5] and len(r) == 3 and 4 in r and 6 not in r
    assert len(KeyGroupRange(5, 4)) == 0
    assert r.intersection(KeyGroupRange(5, 9)) == KeyGroupRange(5, 5)

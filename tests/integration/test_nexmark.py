"""Nexmark queries in weir checked against batch computations of the same queries over the same
generated events (deterministic for a seed; out-of-order within the watermark bound)."""

from __future__ import annotations

import os
import sys
from collections import Counter

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bench"))

from nexmark import reference  # noqa: E402
from nexmark.generator import NexmarkConfig, all_events  # noqa: E402
from nexmark.queries import QUERIES, event_stream  # noqa: E402

from weir.datastream import StreamExecutionEnvironment  # noqa: E402

CONFIG = NexmarkConfig(events=30_000, seed=7, inter_event_delay_ms=2.0)


@pytest.fixture(scope="module")
def events():
    return all_events(CONFIG)


def run(query: str, parallelism: int = 2) -> list:
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(parallelism)
    return list(QUERIES[query](event_stream(env, CONFIG)).execute_and_collect())


@pytest.mark.parametrize("query", ["q0", "q1", "q2", "q3", "q5", "q7", "q8", "q11"])
def test_query_matches_batch_computation(query, events):
    got = Counter(run(query))
    expected = getattr(reference, query)(events)
    assert expected, f"{query}: the generated events must give a non-empty answer"
    assert got == expected


def test_q4_average_winning_price_per_category(events):
    final: dict[int, float] = {}
    for category, average in run("q4"):
        final[category] = average
    assert final == pytest.approx(reference.q4_final_averages(events))

"""The issue's word count, end to end on real worker processes, at parallelism 1, 2 and 4."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from weir.common import Types
from weir.datastream import StreamExecutionEnvironment

TEXT = [
    "to be or not to be that is the question",
    "whether tis nobler in the mind to suffer",
    "the slings and arrows of outrageous fortune",
    "or to take arms against a sea of troubles",
] * 25


def word_count(parallelism: int):
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(parallelism)
    text = env.from_collection(TEXT)
    return (
        text.flat_map(lambda line: [(w, 1) for w in line.split()])
        .key_by(lambda t: t[0])
        .sum(1)
    )


@pytest.mark.parametrize("parallelism", [1, 2, 4])
def test_running_counts_are_exact(parallelism):
    results = list(word_count(parallelism).execute_and_collect())
    expected = Counter(w for line in TEXT for w in line.split())
    # One output per input word, and each word's counts run 1, 2, ..., n in order.
    assert len(results) == sum(expected.values())
    seen = defaultdict(list)
    for word, count in results:
        seen[word].append(count)
    assert {w: c[-1] for w, c in seen.items()} == dict(expected)
    for word, counts in seen.items():
        assert counts == list(range(1, expected[word] + 1)), word


@pytest.mark.parametrize("parallelism", [1, 2])
def test_print_prefixes_subtask_and_formats_typed_tuples(parallelism, capfd):
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(parallelism)
    (
        env.from_collection(["a b a"])
        .flat_map(lambda line: [(w, 1) for w in line.split()],
                  output_type=Types.TUPLE([Types.STRING(), Types.INT()]))
        .key_by(lambda t: t[0])
        .sum(1)
        .print()
    )
    env.execute("print")
    lines = capfd.readouterr().out.splitlines()
    if parallelism == 1:
        assert sorted(lines) == ["(a,1)", "(a,2)", "(b,1)"]
    else:
        assert len(lines) == 3
        body = sorted(line.split("> ", 1)[1] for line in lines)
        assert body == ["(a,1)", "(a,2)", "(b,1)"]
        prefixes = {line.split("> ", 1)[0] for line in lines}
        assert prefixes <= {"1", "2"}
        # both records of key "a" come from the same subtask
        a_prefixes = {line.split("> ", 1)[0] for line in lines if "(a," in line}
        assert len(a_prefixes) == 1


def test_untyped_values_print_with_str(capfd):
    env = StreamExecutionEnvironment.get_execution_environment()
    env.from_collection([("Alice", 1.5), "plain"]).print()
    env.execute()
    assert capfd.readouterr().out.splitlines() == ["('Alice', 1.5)", "plain"]


def test_row_output_type_prints_like_flink(capfd):
    from weir.common import Row

    env = StreamExecutionEnvironment.get_execution_environment()
    env.from_collection([1, 2]).map(
        lambda x: Row(f"k{x}", x), output_type=Types.ROW([Types.STRING(), Types.INT()])
    ).print()
    env.execute()
    assert capfd.readouterr().out.splitlines() == ["+I[k1, 1]", "+I[k2, 2]"]


def test_execute_returns_result_with_job_id_and_runtime():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.from_collection([1]).add_sink(lambda v: None)
    result = env.execute("result")
    assert len(result.get_job_id().to_hex_string()) == 32
    assert result.get_net_runtime() >= 0


def test_execute_without_sink_names_the_fix():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.from_collection([1]).map(lambda x: x)
    with pytest.raises(RuntimeError, match="add a sink"):
        env.execute()

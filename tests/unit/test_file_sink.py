"""The row-format file sink's writer and committer, driven directly (no job)."""

from __future__ import annotations

import os
import pickle
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import cloudpickle
import pytest

from weir.connectors.file_sink import (
    BasePathBucketer,
    DateTimeBucketer,
    FileSinkWriter,
    PendingFile,
    PendingFileMissing,
    RollingSpec,
    commit,
    compile_datetime_pattern,
    parse_zone_id,
)
from weir.datastream.connectors import (
    BucketAssigner,
    FileSink,
    OutputFileConfig,
    RollingPolicy,
    Sink,
)

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


class LineEncoder:
    """Stands in for ``Encoder.simple_string_encoder()``."""

    def encode(self, value):
        return (str(value) + "\n").encode("utf-8")


class FakeClock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def writer(base: Path, subtask: int = 0, clock=None, **kwargs) -> FileSinkWriter:
    kwargs.setdefault("bucketer", BasePathBucketer())
    w = FileSinkWriter(str(base), LineEncoder(), subtask_index=subtask,
                       clock=clock or FakeClock(), **kwargs)
    w.open(subtask, 4)
    return w


def visible(base: Path) -> list[Path]:
    return sorted(p for p in base.rglob("*") if p.is_file() and not p.name.startswith("."))


def hidden(base: Path) -> list[Path]:
    return sorted(p for p in base.rglob(".*") if p.is_file())


def lines(paths: list[Path]) -> list[str]:
    return [line for p in paths for line in p.read_text().splitlines()]


# -- life cycle ----------------------------------------------------------------------------------


def test_part_is_hidden_while_in_progress_and_visible_after_finish(tmp_path):
    w = writer(tmp_path, subtask=1)
    w.write_batch(["a", "b"])
    w.write_batch(["c"])
    assert visible(tmp_path) == []
    [in_progress] = hidden(tmp_path)
    assert re.fullmatch(rf"\.part-{UUID}-1-0\.inprogress\.{UUID}", in_progress.name)
    w.finish()
    w.close()
    assert hidden(tmp_path) == []
    [part] = visible(tmp_path)
    assert re.fullmatch(rf"part-{UUID}-1-0", part.name)
    assert part.name == in_progress.name[1:].split(".inprogress.")[0]
    assert part.read_text() == "a\nb\nc\n"


def test_close_without_finish_leaves_nothing_visible(tmp_path):
    w = writer(tmp_path, rolling=RollingSpec(on_checkpoint_only=True))
    w.write_batch(list(range(100)))
    w.close()
    assert visible(tmp_path) == []
    assert len(hidden(tmp_path)) == 1
    assert lines(hidden(tmp_path)) == [str(i) for i in range(100)]


def test_close_without_finish_keeps_rolled_parts_hidden_under_checkpointing(tmp_path):
    w = writer(tmp_path, rolling=RollingSpec(part_size=10))
    w.set_checkpointing(True)
    w.write_batch([f"r{i:02d}" for i in range(10)])  # 4-byte records: rolls every 3 records
    assert visible(tmp_path) == []
    w.close()
    assert visible(tmp_path) == []
    assert len(hidden(tmp_path)) == 4


def test_empty_batches_and_empty_input_create_no_file(tmp_path):
    w = writer(tmp_path)
    w.write_batch([])
    w.finish()
    w.close()
    assert list(tmp_path.iterdir()) == []


def test_records_that_are_not_strings_use_the_encoder(tmp_path):
    w = writer(tmp_path)
    w.write_batch([1, ("a", 2), None, "é"])
    w.finish()
    assert lines(visible(tmp_path)) == ["1", "('a', 2)", "None", "é"]


def test_encoder_without_encode_falls_back_to_str_and_newline(tmp_path):
    w = FileSinkWriter(str(tmp_path), object(), bucketer=BasePathBucketer())
    w.open(0, 1)
    w.write_batch([1, "x"])
    w.finish()
    assert lines(visible(tmp_path)) == ["1", "x"]


def test_base_path_and_parent_directories_are_created(tmp_path):
    base = tmp_path / "a" / "b"
    w = writer(base)
    w.write_batch(["x"])
    w.finish()
    assert lines(visible(base)) == ["x"]


def test_file_url_base_path(tmp_path):
    w = FileSinkWriter(f"file://{tmp_path}", LineEncoder(), bucketer=BasePathBucketer())
    w.open(0, 1)
    w.write_batch(["x"])
    w.finish()
    assert lines(visible(tmp_path)) == ["x"]


# -- rolling -------------------------------------------------------------------------------------


def test_rolling_by_size_creates_several_parts_with_consecutive_counters(tmp_path):
    w = writer(tmp_path, subtask=2, rolling=RollingSpec(part_size=10))
    records = [f"r{i:02d}" for i in range(10)]  # 4 bytes each with the newline
    w.write_batch(records[:4])
    # A part rolls once it exceeds 10 bytes (after its third record) and is committed at once.
    assert [p.name.rsplit("-", 1)[1] for p in visible(tmp_path)] == ["0"]
    w.write_batch(records[4:])
    rolled = visible(tmp_path)
    assert len(rolled) == 3 and len(hidden(tmp_path)) == 1
    w.finish()
    parts = visible(tmp_path)
    names = [re.fullmatch(rf"part-({UUID})-2-(\d+)", p.name) for p in parts]
    assert all(names)
    assert len({m.group(1) for m in names}) == 1, "one writer id for all of a writer's parts"
    parts.sort(key=lambda p: int(p.name.rsplit("-", 1)[1]))
    assert [int(p.name.rsplit("-", 1)[1]) for p in parts] == [0, 1, 2, 3]
    assert [p.read_text().count("\n") for p in parts] == [3, 3, 3, 1]
    assert lines(parts) == records
    assert all(p.stat().st_size <= 10 + 4 for p in parts)


def test_a_record_larger_than_the_part_size_gets_a_part_of_its_own(tmp_path):
    w = writer(tmp_path, rolling=RollingSpec(part_size=5))
    w.write_batch(["x" * 20, "y", "z" * 20])
    w.finish()
    parts = sorted(visible(tmp_path), key=lambda p: int(p.name.rsplit("-", 1)[1]))
    assert [p.read_text() for p in parts] == ["x" * 20 + "\n", "y\n" + "z" * 20 + "\n"]


def test_rolling_by_rollover_interval(tmp_path):
    clock = FakeClock()
    w = writer(tmp_path, clock=clock,
               rolling=RollingSpec(rollover_interval_s=60, inactivity_interval_s=1000))
    for i in range(7):
        w.write_batch([i])
        clock.now += 20  # a part is 60 s old when the 4th batch after its creation arrives
    assert lines(visible(tmp_path)) == ["0", "1", "2", "3", "4", "5"]
    w.finish()
    assert sorted(lines(visible(tmp_path))) == [str(i) for i in range(7)]
    assert len(visible(tmp_path)) == 3


def test_rolling_by_inactivity(tmp_path):
    clock = FakeClock()
    w = writer(tmp_path, clock=clock,
               rolling=RollingSpec(rollover_interval_s=1000, inactivity_interval_s=30))
    w.write_batch(["a"])
    clock.now += 29
    w.write_batch(["b"])
    assert visible(tmp_path) == []
    clock.now += 30
    w.roll_on_processing_time()
    assert lines(visible(tmp_path)) == ["a", "b"]
    w.write_batch(["c"])
    assert len(hidden(tmp_path)) == 1


def test_on_checkpoint_policy_never_rolls_on_size_or_time(tmp_path):
    clock = FakeClock()
    w = writer(tmp_path, clock=clock, rolling=RollingSpec(part_size=1, rollover_interval_s=1,
                                                          inactivity_interval_s=1,
                                                          on_checkpoint_only=True))
    for i in range(5):
        w.write_batch([i])
        clock.now += 100
    assert visible(tmp_path) == []
    w.finish()
    assert len(visible(tmp_path)) == 1


def test_prefix_and_suffix_are_honoured(tmp_path):
    config = OutputFileConfig.builder().with_part_prefix("events").with_part_suffix(".txt").build()
    assert (config.get_part_prefix(), config.get_part_suffix()) == ("events", ".txt")
    sink = (FileSink.for_row_format(str(tmp_path), LineEncoder())
            .with_output_file_config(config)
            .with_bucket_assigner(BucketAssigner.base_path_bucket_assigner())
            .with_rolling_policy(RollingPolicy.default_rolling_policy(part_size=5))
            .build())
    w = sink.create_writer(3, 4)
    w.open(3, 4)
    w.write_batch(["abc", "def", "g"])
    assert re.fullmatch(rf"\.events-{UUID}-3-1\.txt\.inprogress\.{UUID}", hidden(tmp_path)[0].name)
    w.finish()
    names = sorted(p.name for p in visible(tmp_path))
    assert len(names) == 2
    assert all(re.fullmatch(rf"events-{UUID}-3-[01]\.txt", n) for n in names)


def test_default_output_file_config():
    config = OutputFileConfig.builder().build()
    assert (config.get_part_prefix(), config.get_part_suffix()) == ("part", "")


def test_writers_of_different_subtasks_do_not_collide(tmp_path):
    writers = [writer(tmp_path, subtask=i) for i in range(3)]
    for i, w in enumerate(writers):
        w.write_batch([f"from {i}"])
    for w in writers:
        w.finish()
    assert sorted(lines(visible(tmp_path))) == ["from 0", "from 1", "from 2"]


def test_restarted_writer_of_the_same_subtask_uses_new_names(tmp_path):
    first = writer(tmp_path)
    first.write_batch(["old"])
    first.close()  # aborted
    second = writer(tmp_path)
    second.write_batch(["new"])
    second.finish()
    assert lines(visible(tmp_path)) == ["new"]
    assert len(hidden(tmp_path)) == 1


# -- two-phase commit ----------------------------------------------------------------------------


def test_prepare_commit_closes_parts_and_commit_makes_them_visible(tmp_path):
    w = writer(tmp_path)
    w.write_batch(["a"])
    pending = w.prepare_commit()
    assert [type(p) for p in pending] == [PendingFile]
    assert w.in_progress_paths() == []
    assert visible(tmp_path) == [] and Path(pending[0].hidden).read_text() == "a\n"
    pending = pickle.loads(pickle.dumps(pending))  # kept in checkpoint state
    w.write_batch(["b"])  # a new part after the barrier
    commit(pending)
    assert lines(visible(tmp_path)) == ["a"]
    w.finish()
    assert sorted(lines(visible(tmp_path))) == ["a", "b"]


def test_after_a_barrier_rolled_parts_wait_for_the_checkpoint(tmp_path):
    w = writer(tmp_path, rolling=RollingSpec(part_size=3))
    assert w.prepare_commit() == []
    w.write_batch(["abc", "def", "g"])
    assert visible(tmp_path) == []
    pending = w.prepare_commit()
    assert len(pending) == 3
    commit(pending)
    assert lines(visible(tmp_path)) == ["abc", "def", "g"]


def test_commit_is_idempotent(tmp_path):
    w = writer(tmp_path)
    w.write_batch(["a"])
    pending = w.prepare_commit()
    commit(pending)
    commit(pending)  # e.g. again after a recovery from the same checkpoint
    assert lines(visible(tmp_path)) == ["a"]


def test_commit_of_a_vanished_part_names_it(tmp_path):
    missing = PendingFile(str(tmp_path / ".part-x-0-0.inprogress.y"), str(tmp_path / "part-x-0-0"))
    with pytest.raises(PendingFileMissing, match="part-x-0-0"):
        commit([missing])
    with pytest.raises(FileNotFoundError):
        commit([missing])


def test_finish_after_prepare_commit_commits_the_remainder(tmp_path):
    w = writer(tmp_path)
    w.write_batch(["a"])
    first = w.prepare_commit()
    w.write_batch(["b"])
    w.finish()
    assert lines(visible(tmp_path)) == ["b"]
    commit(first)
    assert sorted(lines(visible(tmp_path))) == ["a", "b"]


def test_finished_parts_are_fsynced_before_rename(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(os, "replace",
                        lambda a, b: (events.append("replace"), real_replace(a, b))[1])
    w = writer(tmp_path)
    w.write_batch(["a"])
    w.finish()
    assert events.index("fsync") < events.index("replace")


# -- buckets -------------------------------------------------------------------------------------


def test_default_bucket_is_the_hour_of_the_processing_time(tmp_path):
    now = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC).timestamp()
    clock = FakeClock(now)
    w = writer(tmp_path, clock=clock, bucketer=DateTimeBucketer(timezone_id="UTC"))
    w.write_batch(["a"])
    clock.now += 3600
    w.write_batch(["b"])
    w.finish()
    by_dir = {p.parent.name: p.read_text() for p in visible(tmp_path)}
    assert by_dir == {"2024-01-02--03": "a\n", "2024-01-02--04": "b\n"}
    assert all(re.fullmatch(rf"part-{UUID}-0-0", p.name) for p in visible(tmp_path))


def test_default_bucket_assigner_of_the_public_sink_uses_local_time(tmp_path):
    sink = FileSink.for_row_format(str(tmp_path), LineEncoder()).build()
    w = sink.create_writer(0, 1)
    w.open(0, 1)
    before = datetime.now().strftime("%Y-%m-%d--%H")
    w.write_batch(["x"])
    after = datetime.now().strftime("%Y-%m-%d--%H")
    w.finish()
    [part] = visible(tmp_path)
    assert part.parent.name in {before, after}


def test_date_time_bucket_assigner_with_time_zone():
    assigner = BucketAssigner.date_time_bucket_assigner("yyyy/MM/dd/HH", "GMT+08:00")
    now = datetime(2024, 12, 31, 20, 30, tzinfo=UTC).timestamp()
    assert assigner.get_bucket_id(now) == "2025/01/01/04"
    assert BucketAssigner.base_path_bucket_assigner().get_bucket_id(now) == ""


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("yyyy-MM-dd--HH", "2024-03-05--07"),
        ("yy.M.d H:mm:ss", "24.3.5 7:08:09"),
        ("'year='yyyy/'month='MM", "year=2024/month=03"),
        ("hh a, EEE d MMM", "07 AM, Tue 5 Mar"),
        ("EEEE MMMM", "Tuesday March"),
        ("HH 'o''clock' ''", "07 o'clock '"),
        ("yyyyMMdd'T'HHmmss.SSS", "20240305T070809.123"),
        ("D", "65"),
        ("XXX|xx|Z", "Z|+0000|+0000"),
    ],
)
def test_java_date_time_patterns(pattern, expected):
    moment = datetime(2024, 3, 5, 7, 8, 9, 123456, tzinfo=UTC)
    assert compile_datetime_pattern(pattern)(moment) == expected


@pytest.mark.parametrize("pattern", ["yyyy-'unterminated", "yyyy-qq", "bb"])
def test_bad_date_time_patterns_fail_early(pattern):
    with pytest.raises(ValueError, match="bucket format"):
        BucketAssigner.date_time_bucket_assigner(pattern)


@pytest.mark.parametrize(
    ("zone", "offset"),
    [
        ("UTC", timedelta(0)),
        ("Z", timedelta(0)),
        ("+08:00", timedelta(hours=8)),
        ("GMT-08:00", timedelta(hours=-8)),
        ("UTC+5:30", timedelta(hours=5, minutes=30)),
        ("EST", timedelta(hours=-5)),
    ],
)
def test_zone_ids(zone, offset):
    assert parse_zone_id(zone).utcoffset(None) == offset


def test_region_and_short_zone_ids():
    winter = datetime(2024, 1, 15, 12, tzinfo=UTC)
    assert winter.astimezone(parse_zone_id("America/Los_Angeles")).utcoffset() == timedelta(
        hours=-8)
    assert winter.astimezone(parse_zone_id("PST")).utcoffset() == timedelta(hours=-8)
    with pytest.raises(ValueError, match="unknown time zone"):
        parse_zone_id("Mars/Olympus_Mons")


# -- the public sink -----------------------------------------------------------------------------


def test_public_file_sink_is_picklable_and_names_itself(tmp_path):
    sink = (FileSink.for_row_format(f"file://{tmp_path}", LineEncoder())
            .with_bucket_assigner(BucketAssigner.date_time_bucket_assigner("yyyy", "UTC"))
            .with_rolling_policy(RollingPolicy.on_checkpoint_rolling_policy())
            .with_bucket_check_interval(1000)
            .build())
    assert isinstance(sink, Sink)
    assert sink.default_name() == "FileSink"
    for copy in (cloudpickle.loads(cloudpickle.dumps(sink)), pickle.loads(pickle.dumps(sink))):
        w = copy.create_writer(0, 1)
        w.open(0, 1)
        w.write_batch(["x"])
        pending = w.prepare_commit()
        copy.commit(pending)
        copy.commit(pending)
        w.close()
    assert lines(visible(tmp_path)) == ["x", "x"]
    assert {p.parent.name for p in visible(tmp_path)} == {str(datetime.now(UTC).year)}


def test_default_rolling_policy_arguments():
    policy = RollingPolicy.default_rolling_policy()
    assert policy.spec == RollingSpec(128 * 1024 * 1024, 60.0, 60.0, False)
    policy = RollingPolicy.default_rolling_policy(1024, timedelta(seconds=5), 2500)
    assert policy.spec == RollingSpec(1024, 5.0, 2.5, False)

    class Duration:  # the shape of weir.common.Duration
        def to_milliseconds(self):
            return 90_000

    assert RollingPolicy.default_rolling_policy(rollover_interval=Duration()).spec \
        .rollover_interval_s == 90.0
    assert RollingPolicy.on_checkpoint_rolling_policy().spec.on_checkpoint_only
    with pytest.raises(ValueError):
        RollingPolicy.default_rolling_policy(part_size=0)
    with pytest.raises(ValueError):
        RollingPolicy.default_rolling_policy(rollover_interval=-1)


def test_only_local_paths_are_accepted():
    with pytest.raises(NotImplementedError, match="local file system"):
        FileSink.for_row_format("s3://bucket/out", LineEncoder())


def test_builder_checks_argument_types(tmp_path):
    builder = FileSink.for_row_format(str(tmp_path), LineEncoder())
    with pytest.raises(TypeError):
        builder.with_rolling_policy("every minute")
    with pytest.raises(TypeError):
        builder.with_bucket_assigner(None)


def test_bucketer_with_fixed_offset_zone_survives_pickling():
    bucketer = DateTimeBucketer("yyyy-MM-dd--HH", "-03:00")
    copy = pickle.loads(pickle.dumps(bucketer))
    now = datetime(2024, 1, 1, 1, tzinfo=timezone.utc).timestamp()  # noqa: UP017
    assert copy.bucket_id(now) == bucketer.bucket_id(now) == "2023-12-31--22"

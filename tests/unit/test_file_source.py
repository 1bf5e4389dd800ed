"""FileSource / TextFileSource readers driven directly (no job): every line of every file is read
exactly once, whatever the parallelism, the batch sizes and the checkpoint/restore points."""

from __future__ import annotations

import pickle
import random
from collections import Counter
from pathlib import Path

import cloudpickle
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from weir.connectors.base import Source
from weir.connectors.collection import NumberSequenceSourceImpl
from weir.connectors.text_file import SourceFileNotFound, TextFileSource
from weir.datastream.connectors import (
    FileSource,
    NumberSequenceSource,
    StreamFormat,
)
from weir.datastream.connectors.file_system import FileEnumeratorProvider, FileSplitAssignerProvider

# Line content: no line break; multi-byte UTF-8 characters so that byte ranges cut characters.
LINE_TEXT = st.text(
    alphabet=st.sampled_from("ab xyz0123456789,;-éß€日本語🙂"), max_size=60
)
LONG_LINE_TEXT = st.one_of(LINE_TEXT, st.text(alphabet=st.sampled_from("ab€"), min_size=100,
                                               max_size=400))
FILE = st.tuples(st.lists(LONG_LINE_TEXT, max_size=25), st.booleans())  # lines, trailing newline
FILES = st.lists(FILE, min_size=1, max_size=4)
PROPERTY = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def write_files(directory: Path, files: list[tuple[list[str], bool]]) -> list[str]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, (lines, trailing_newline) in enumerate(files):
        path = directory / f"f{i}.txt"
        text = "\n".join(lines) + ("\n" if trailing_newline and lines else "")
        path.write_bytes(text.encode("utf-8"))
        paths.append(str(path))
    return paths


def expected_lines(files: list[tuple[list[str], bool]]) -> list[str]:
    out = []
    for lines, trailing_newline in files:
        if lines and lines[-1] == "" and not trailing_newline:
            lines = lines[:-1]  # nothing after the last line break: not a line
        out.extend(lines)
    return out


def drain(reader, rng: random.Random | None = None, limit: int | None = None) -> list[str]:
    """Poll until the end (or until ``limit`` records), with random batch sizes."""
    out: list[str] = []
    for _ in range(100_000):
        want = rng.randint(1, 7) if rng else 128
        if limit is not None:
            want = min(want, limit - len(out))
            if want == 0:
                return out
        batch = reader.poll(want)
        if batch is None:
            return out
        assert len(batch) <= want
        out.extend(batch)
    raise AssertionError("reader never ended")


def read_all(source: Source, parallelism: int, rng: random.Random | None = None) -> list[list[str]]:
    readers = [source.create_reader(i, parallelism) for i in range(parallelism)]
    try:
        return [drain(r, rng) for r in readers]
    finally:
        for r in readers:
            r.close()


# -- exactly once across parallelism -------------------------------------------------------------


@PROPERTY
@given(files=FILES, parallelism=st.integers(1, 4), seed=st.integers(0, 2**16),
       directory=st.booleans())
def test_every_line_is_read_exactly_once(tmp_path_factory, files, parallelism, seed, directory):
    base = tmp_path_factory.mktemp("in")
    paths = write_files(base, files)
    source = TextFileSource(str(base) if directory else paths)
    got = read_all(source, parallelism, random.Random(seed))
    assert Counter(line for out in got for line in out) == Counter(expected_lines(files))


@PROPERTY
@given(sizes=st.lists(st.lists(st.integers(0, 300), max_size=30), min_size=1, max_size=4),
       parallelism=st.integers(1, 4), trailing=st.booleans(), seed=st.integers(0, 2**16))
def test_each_subtask_reads_a_contiguous_run_in_file_order(tmp_path_factory, sizes, parallelism,
                                                           trailing, seed):
    """Lines tagged with (file, line) show that the subtasks' runs, concatenated in subtask
    order, give every file's lines in order."""
    files = [([f"{f}:{i}:" + "é" * n for i, n in enumerate(lengths)], trailing)
             for f, lengths in enumerate(sizes)]
    paths = write_files(tmp_path_factory.mktemp("in"), files)
    got = read_all(TextFileSource(paths), parallelism, random.Random(seed))
    for f, (lines, _) in enumerate(files):
        runs = [[line for line in out if line.startswith(f"{f}:")] for out in got]
        assert [line for run in runs for line in run] == lines


@pytest.mark.parametrize("parallelism", [1, 2, 3, 4, 7])
def test_edge_case_files(tmp_path, parallelism):
    contents = {
        "empty.txt": b"",
        "one-newline.txt": b"\n",
        "blank-lines.txt": b"\n\n\n",
        "no-trailing-newline.txt": b"a\nbb\nccc",
        "crlf.txt": b"x\r\ny\r\n",
        "single-long-line.txt": b"z" * 1000 + b"\n",
    }
    for name, data in contents.items():
        (tmp_path / name).write_bytes(data)
    got = read_all(TextFileSource(str(tmp_path)), parallelism)
    assert Counter(line for out in got for line in out) == Counter(
        ["", "", "", "", "a", "bb", "ccc", "x", "y", "z" * 1000])


# -- checkpoint / restore ------------------------------------------------------------------------


@PROPERTY
@given(files=FILES, parallelism=st.integers(1, 4), new_parallelism=st.integers(1, 4),
       seed=st.integers(0, 2**16))
def test_restore_from_snapshots_resumes_exactly(tmp_path_factory, files, parallelism,
                                                new_parallelism, seed):
    """Read some records, snapshot every reader's splits (a checkpoint), throw the readers away
    and restore the splits, redistributed over another parallelism; repeat. The records returned
    before each snapshot plus those read after the restore are the input, exactly once."""
    rng = random.Random(seed)
    source = TextFileSource(write_files(tmp_path_factory.mktemp("in"), files))
    readers = [source.create_reader(i, parallelism) for i in range(parallelism)]
    emitted: list[str] = []
    for _ in range(rng.randint(0, 4)):
        for reader in readers:
            emitted += drain(reader, rng, limit=rng.randint(0, 6))
        splits = [s for reader in readers for s in reader.snapshot_splits()]
        splits = pickle.loads(pickle.dumps(splits))  # splits live in checkpoint state
        for reader in readers:
            reader.close()
        readers = [source.restore_reader(splits[i::new_parallelism])
                   for i in range(new_parallelism)]
        parallelism = new_parallelism
    for reader in readers:
        emitted += drain(reader, rng)
        assert reader.snapshot_splits() == []
        reader.close()
    assert Counter(emitted) == Counter(expected_lines(files))


@pytest.mark.parametrize("cut", [0, 1, 2, 5, 9, 10])
def test_restore_position_continues_right_after_the_returned_records(tmp_path, cut):
    path = tmp_path / "in.txt"
    path.write_text("".join(f"line {i}\n" for i in range(10)))
    source = TextFileSource(str(path))
    reader = source.create_reader(0, 1)
    head = drain(reader, limit=cut)
    splits = reader.snapshot_splits()
    reader.close()
    assert head + drain(source.restore_reader(splits)) == [f"line {i}" for i in range(10)]


def test_restore_position_in_a_split_starting_mid_line(tmp_path):
    path = tmp_path / "in.txt"
    path.write_text("".join(f"{i:03d}\n" for i in range(100)))  # 400 bytes; 133 is mid-line
    source = TextFileSource(str(path))
    uninterrupted = drain(source.create_reader(1, 3))
    assert uninterrupted[0] == "034" and uninterrupted[-1] == "066"
    for cut in range(len(uninterrupted) + 1):
        reader = source.create_reader(1, 3)
        head = drain(reader, limit=cut)
        tail = drain(source.restore_reader(reader.snapshot_splits()))
        assert head + tail == uninterrupted


# -- the public FileSource -----------------------------------------------------------------------


def test_file_source_builder_and_to_source(tmp_path):
    (tmp_path / "a.txt").write_text("1\n2\n")
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "b.txt").write_text("3\n")
    (tmp_path / "dir" / ".hidden").write_text("no\n")
    (tmp_path / "dir" / "_SUCCESS").write_text("no\n")
    source = (FileSource.for_record_stream_format(StreamFormat.text_line_format(),
                                                  str(tmp_path / "a.txt"),
                                                  f"file://{tmp_path / 'dir'}")
              .process_static_file_set()
              .build())
    impl = source.to_source()
    assert isinstance(impl, Source) and isinstance(source, Source)
    for src in (impl, source, cloudpickle.loads(cloudpickle.dumps(source)).to_source()):
        for parallelism in (1, 2, 3):
            assert sorted(x for out in read_all(src, parallelism) for x in out) == ["1", "2", "3"]


def test_file_source_charset(tmp_path):
    (tmp_path / "latin1.txt").write_bytes("café\nnaïve\n".encode("latin-1"))
    source = FileSource.for_record_stream_format(
        StreamFormat.text_line_format("ISO-8859-1"), str(tmp_path)).build()
    assert read_all(source.to_source(), 1) == [["café", "naïve"]]


def test_file_source_rejects_charsets_it_cannot_split():
    with pytest.raises(NotImplementedError, match="ASCII-compatible"):
        StreamFormat.text_line_format("UTF-16")
    with pytest.raises(ValueError, match="unknown charset"):
        StreamFormat.text_line_format("no-such-charset")


def test_monitor_continuously_is_not_supported_yet(tmp_path):
    builder = FileSource.for_record_stream_format(StreamFormat.text_line_format(), str(tmp_path))
    with pytest.raises(NotImplementedError, match="monitor_continuously"):
        builder.monitor_continuously(1000)


def test_missing_path_and_no_path_fail_when_built(tmp_path):
    builder = FileSource.for_record_stream_format(StreamFormat.text_line_format(),
                                                  str(tmp_path / "nope"))
    with pytest.raises(SourceFileNotFound, match="nope"):
        builder.build()
    with pytest.raises(ValueError):
        FileSource.for_record_stream_format(StreamFormat.text_line_format())


def test_non_splittable_enumerator_reads_each_file_in_one_subtask(tmp_path):
    for i in range(5):
        (tmp_path / f"{i}.txt").write_text("".join(f"{i}-{j}\n" for j in range(50)))
    source = (FileSource.for_record_stream_format(StreamFormat.text_line_format(), str(tmp_path))
              .set_file_enumerator(FileEnumeratorProvider.default_non_splittable_file_enumerator())
              .set_split_assigner(FileSplitAssignerProvider.locality_aware_split_assigner())
              .build())
    got = read_all(source.to_source(), 3)
    assert sorted(x for out in got for x in out) == sorted(
        f"{i}-{j}" for i in range(5) for j in range(50))
    for out in got:
        files = {line.split("-")[0] for line in out}
        for f in files:
            assert [x for x in out if x.startswith(f"{f}-")] == [f"{f}-{j}" for j in range(50)]
    assert sorted(len(out) for out in got) == [50, 100, 100]


# -- NumberSequenceSource ------------------------------------------------------------------------


@pytest.mark.parametrize("parallelism", [1, 2, 3, 4])
def test_number_sequence_source(parallelism):
    source = NumberSequenceSource(5, 104)
    impl = source.to_source()
    assert isinstance(impl, NumberSequenceSourceImpl) and isinstance(source, Source)
    got = read_all(impl, parallelism)
    assert sorted(n for out in got for n in out) == list(range(5, 105))
    assert [n for out in read_all(source, parallelism) for n in out] == list(range(5, 105))
    with pytest.raises(ValueError):
        NumberSequenceSource(2, 1)

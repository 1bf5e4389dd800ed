"""File listing and line decoding of the text file source."""

from __future__ import annotations

from weir.connectors.text_file import TextFileSource, list_files


def read_all(source: TextFileSource, parallelism: int = 1) -> list[str]:
    lines = []
    for subtask in range(parallelism):
        reader = source.create_reader(subtask, parallelism)
        while (batch := reader.poll(100)) is not None:
            lines.extend(batch)
    return lines


def test_hidden_and_underscore_folders_are_skipped(tmp_path):
    (tmp_path / "a.txt").write_text("a\n")
    for hidden in (".staging", "_temporary"):
        (tmp_path / hidden).mkdir()
        (tmp_path / hidden / "x.txt").write_text("hidden\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("b\n")
    assert [p.rsplit("/", 1)[1] for p in list_files(str(tmp_path))] == ["a.txt", "b.txt"]


def test_files_are_listed_once_when_the_job_is_defined(tmp_path):
    (tmp_path / "a.txt").write_text("1\n2\n")
    source = TextFileSource(str(tmp_path))
    (tmp_path / "late.txt").write_text("3\n")  # appears after the job was defined
    assert sorted(read_all(source, 2)) == ["1", "2"]


def test_line_endings_and_undecodable_bytes(tmp_path):
    path = tmp_path / "f.txt"
    path.write_bytes(b"crlf\r\nextra cr\r\r\nbad \xff byte\nlast")
    assert read_all(TextFileSource(str(path))) == ["crlf", "extra cr\r", "bad \ufffd byte",
                                                   "last"]

"""``read_text_file`` / ``FileSource``: the lines of files, read in parallel by byte range.

Each file is cut into one byte range per subtask. A reader whose range starts mid-line skips to the
next line start; a line belongs to the range in which it starts. The reader's position is
``(split number, byte offset)``, so it can be rewound exactly after a failure.
"""

from __future__ import annotations

import os
from typing import Any

from weir.connectors.base import Source, SourceReader


class SourceFileNotFound(FileNotFoundError):
    pass


def list_files(path: str) -> list[str]:
    path = path.removeprefix("file://")
    if os.path.isdir(path):
        found = []
        for root, dirs, names in os.walk(path):
            # Hidden and underscore-prefixed entries (in-progress output, metadata) are skipped,
            # folders as well as files, as Flink does.
            dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
            found.extend(os.path.join(root, n) for n in names if not n.startswith((".", "_")))
        return sorted(found)
    if os.path.isfile(path):
        return [path]
    raise SourceFileNotFound(
        f"the input path {path!r} does not exist; check the path passed to the file source"
    )


class TextFileReader(SourceReader):
    """Splits are ``(path, start, end, starts_mid_line)``; a split that may start inside a line
    skips to the next line start (that line belongs to the previous split)."""

    def __init__(self, splits: list[tuple[str, int, int, bool]], encoding: str) -> None:
        self._splits = [tuple(s) for s in splits]
        self._encoding = encoding
        self._split = 0
        self._offset = splits[0][1] if splits else 0
        self._file: Any = None

    def _open_current(self) -> None:
        path, start, _, mid_line = self._splits[self._split]
        try:
            self._file = open(path, "rb")  # noqa: SIM115 - kept open across polls
        except FileNotFoundError as exc:
            raise SourceFileNotFound(
                f"the input file {path!r} disappeared while the job was reading it"
            ) from exc
        if self._offset == start and start > 0 and mid_line:
            self._file.seek(start - 1)
            self._file.readline()  # the line in progress belongs to the previous range
            self._offset = self._file.tell()
        else:
            self._file.seek(self._offset)

    def poll(self, max_records: int) -> list[Any] | None:
        out: list[str] = []
        while len(out) < max_records:
            if self._split >= len(self._splits):
                return out or None
            if self._file is None:
                self._open_current()
            end = self._splits[self._split][2]
            readline = self._file.readline
            encoding = self._encoding
            offset = self._offset
            while offset < end and len(out) < max_records:
                line = readline()
                if not line:
                    offset = end
                    break
                offset += len(line)
                if line.endswith(b"\n"):
                    line = line[:-2] if line.endswith(b"\r\n") else line[:-1]
                out.append(line.decode(encoding, "replace"))
            self._offset = offset
            if offset >= end:
                self._file.close()
                self._file = None
                self._split += 1
                if self._split < len(self._splits):
                    self._offset = self._splits[self._split][1]
        return out

    def snapshot_splits(self) -> list[Any]:
        if self._split >= len(self._splits):
            return []
        path, start, end, mid_line = self._splits[self._split]
        if self._file is None and self._offset == start:
            current = [(path, start, end, mid_line)]
        else:
            current = [(path, self._offset, end, False)] if self._offset < end else []
        return current + list(self._splits[self._split + 1 :])

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


class TextFileSource(Source):
    def __init__(self, path: str | list[str], encoding: str = "UTF-8") -> None:
        self.paths = [path] if isinstance(path, str) else list(path)
        self.path = self.paths[0]
        self.encoding = encoding
        self._files: list[tuple[str, int]] | None = None
        self._file_sizes()  # fail at job definition time with a clear message

    def _file_sizes(self) -> list[tuple[str, int]]:
        """The files and their sizes, listed once when the job is defined, so that every subtask
        splits the same input even if a directory changes while the job starts."""
        if self._files is None:
            self._files = [(f, os.path.getsize(f)) for p in self.paths for f in list_files(p)]
        return self._files

    def create_reader(self, subtask_index: int, parallelism: int) -> SourceReader:
        splits = []
        for path, size in self._file_sizes():
            start = size * subtask_index // parallelism
            end = size * (subtask_index + 1) // parallelism
            if end > start:
                splits.append((path, start, end, True))
        return TextFileReader(splits, self.encoding)

    def restore_reader(self, splits: list[Any], parallelism: int = 1) -> SourceReader:
        return TextFileReader(splits, self.encoding)

    def default_name(self) -> str:
        return os.path.basename(self.path)

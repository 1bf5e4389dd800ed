"""File connectors with PyFlink's API: ``FileSource`` and the row-format ``FileSink``.

Example::

    source = (FileSource.for_record_stream_format(StreamFormat.text_line_format(), "/data/in")
              .process_static_file_set().build())
    ds = env.from_source(source, WatermarkStrategy.no_watermarks(), "files")
    ds.sink_to(FileSink.for_row_format("/data/out", Encoder.simple_string_encoder()).build())

The source reads the lines of files (or of every non-hidden file under directories) in parallel by
byte range (:mod:`weir.connectors.text_file`); the sink writes part files that become visible only
when committed (:mod:`weir.connectors.file_sink`).
"""

from __future__ import annotations

import codecs
import os
from abc import ABC, abstractmethod
from datetime import timedelta
from typing import Any

from weir.connectors.base import SinkWriter, Source, SourceReader
from weir.connectors.file_sink import (
    BasePathBucketer,
    DateTimeBucketer,
    FileSinkWriter,
    PendingFile,
    RollingSpec,
    commit,
)
from weir.connectors.text_file import TextFileReader, TextFileSource, list_files

# -- base ----------------------------------------------------------------------------------------


class Sink(ABC):
    """A unified sink for ``DataStream.sink_to``: makes one :class:`SinkWriter` per subtask.
    Sinks whose writers implement ``prepare_commit`` also implement ``commit(committables)``.

    Example::

        class ListSink(Sink):
            def create_writer(self, subtask_index, parallelism):
                return MyWriter()
    """

    @abstractmethod
    def create_writer(self, subtask_index: int, parallelism: int) -> SinkWriter: ...

    def default_name(self) -> str:
        return type(self).__name__


def _local_path(path: str, what: str) -> str:
    if "://" in path and not path.startswith("file://"):
        raise NotImplementedError(
            f"{what} {path!r}: only local file system paths (optionally file://) are supported"
        )
    return path.removeprefix("file://")


def _millis(value: Any, name: str) -> int:
    """Milliseconds from an int, a ``Duration`` (``to_milliseconds()``) or a ``timedelta``."""
    if isinstance(value, timedelta):
        millis = value.total_seconds() * 1000
    elif callable(getattr(value, "to_milliseconds", None)):
        millis = value.to_milliseconds()
    elif isinstance(value, int | float) and not isinstance(value, bool):
        millis = value
    else:
        raise TypeError(f"{name} must be milliseconds (int) or a Duration, not {value!r}")
    if millis <= 0:
        raise ValueError(f"{name} must be positive, got {value!r}")
    return int(millis)


# -- FileSource ----------------------------------------------------------------------------------


class StreamFormat:
    """How a file's bytes become records; the text line format is supported.

    Example::

        StreamFormat.text_line_format("ISO-8859-1")
    """

    def __init__(self, charset_name: str = "UTF-8") -> None:
        try:
            codecs.lookup(charset_name)
        except LookupError:
            raise ValueError(f"unknown charset {charset_name!r}") from None
        probe = "x".encode(charset_name)
        if "x\n".encode(charset_name)[len(probe):] != b"\n":
            raise NotImplementedError(
                f"charset {charset_name!r} does not encode a line break as the byte 0x0A; the text "
                f"line format reads files by byte range and supports ASCII-compatible charsets "
                f"(UTF-8, ISO-8859-1, windows-1252...) only"
            )
        self.charset_name = charset_name

    @staticmethod
    def text_line_format(charset_name: str = "UTF-8") -> StreamFormat:
        """One record per line, without its line break, decoded with ``charset_name``."""
        return StreamFormat(charset_name)

    def __repr__(self) -> str:
        return f"StreamFormat.text_line_format({self.charset_name!r})"


class FileEnumeratorProvider:
    """Which files are read and whether they are cut into several splits.

    Example::

        builder.set_file_enumerator(FileEnumeratorProvider.default_non_splittable_file_enumerator())
    """

    def __init__(self, splittable: bool) -> None:
        self.splittable = splittable

    @staticmethod
    def default_splittable_file_enumerator() -> FileEnumeratorProvider:
        """Files under the paths, recursively, skipping names starting with '.' or '_'; each file
        is read in parallel, one byte range per subtask (the default)."""
        return FileEnumeratorProvider(True)

    @staticmethod
    def default_non_splittable_file_enumerator() -> FileEnumeratorProvider:
        """As the splittable one, but each file is read whole by one subtask."""
        return FileEnumeratorProvider(False)


class FileSplitAssignerProvider:
    """Accepted for compatibility: weir assigns splits to subtasks statically.

    Example::

        builder.set_split_assigner(FileSplitAssignerProvider.locality_aware_split_assigner())
    """

    @staticmethod
    def locality_aware_split_assigner() -> FileSplitAssignerProvider:
        return FileSplitAssignerProvider()


class WholeFileTextSource(TextFileSource):
    """Text lines, each file read entirely by one subtask (files dealt out round-robin)."""

    def create_reader(self, subtask_index: int, parallelism: int) -> SourceReader:
        files = [f for p in self.paths for f in list_files(p)]
        splits = [
            (path, 0, os.path.getsize(path), False)
            for i, path in enumerate(files)
            if i % parallelism == subtask_index
        ]
        return TextFileReader([s for s in splits if s[2] > 0], self.encoding)


class FileSource(Source):
    """Reads the lines of files, or of every file under directories (names starting with '.' or
    '_' are skipped), in parallel; bounded, and replayable from a checkpoint.

    Example::

        source = FileSource.for_record_stream_format(
            StreamFormat.text_line_format(), "/data/a.txt", "/data/logs").build()
        env.from_source(source, WatermarkStrategy.no_watermarks(), "input")
    """

    def __init__(self, source: TextFileSource) -> None:
        self._source = source

    @staticmethod
    def for_record_stream_format(stream_format: StreamFormat, *paths: str) -> FileSourceBuilder:
        """A builder for a source decoding ``paths`` with ``stream_format``."""
        if not paths:
            raise ValueError("FileSource.for_record_stream_format needs at least one path")
        return FileSourceBuilder(stream_format, paths)

    @staticmethod
    def for_bulk_file_format(bulk_format: Any, *paths: str) -> FileSourceBuilder:
        raise NotImplementedError(
            "bulk file formats are not supported; use FileSource.for_record_stream_format("
            "StreamFormat.text_line_format(), ...)"
        )

    def to_source(self) -> TextFileSource:
        """The weir source that does the reading."""
        return self._source

    def create_reader(self, subtask_index: int, parallelism: int) -> SourceReader:
        return self._source.create_reader(subtask_index, parallelism)

    def restore_reader(self, splits: list[Any], parallelism: int = 1) -> SourceReader:
        return self._source.restore_reader(splits)

    def default_name(self) -> str:
        return self._source.default_name()


class FileSourceBuilder:
    """Configures a :class:`FileSource`; see :meth:`FileSource.for_record_stream_format`.

    Example::

        FileSource.for_record_stream_format(StreamFormat.text_line_format(), "/in") \\
            .process_static_file_set().build()
    """

    def __init__(self, stream_format: StreamFormat, paths: tuple[str, ...]) -> None:
        if not isinstance(stream_format, StreamFormat):
            raise TypeError(f"expected a StreamFormat, got {stream_format!r}")
        self._format = stream_format
        self._paths = [_local_path(str(p), "FileSource path") for p in paths]
        self._splittable = True

    def process_static_file_set(self) -> FileSourceBuilder:
        """Bounded mode (the default): read the files present when the job starts, then end."""
        return self

    def monitor_continuously(self, discovery_interval: Any) -> FileSourceBuilder:
        """Continuous monitoring for new files: not supported yet."""
        raise NotImplementedError(
            "FileSource.monitor_continuously is not supported yet: weir's FileSource reads the "
            "files present when the job starts (process_static_file_set())"
        )

    def set_file_enumerator(self, file_enumerator: FileEnumeratorProvider) -> FileSourceBuilder:
        self._splittable = file_enumerator.splittable
        return self

    def set_split_assigner(self, split_assigner: FileSplitAssignerProvider) -> FileSourceBuilder:
        return self

    def build(self) -> FileSource:
        """The source; fails now if a path does not exist."""
        cls = TextFileSource if self._splittable else WholeFileTextSource
        return FileSource(cls(list(self._paths), self._format.charset_name))


# -- FileSink ------------------------------------------------------------------------------------


class BucketAssigner:
    """Which directory under the sink's base path a record is written to.

    Example::

        BucketAssigner.date_time_bucket_assigner("yyyy-MM-dd", "UTC")   # one directory a day
    """

    def __init__(self, bucketer: Any) -> None:
        self._bucketer = bucketer

    @staticmethod
    def base_path_bucket_assigner() -> BucketAssigner:
        """No buckets: part files go directly into the base path."""
        return BucketAssigner(BasePathBucketer())

    @staticmethod
    def date_time_bucket_assigner(
        format_str: str = "yyyy-MM-dd--HH", timezone_id: str | None = None
    ) -> BucketAssigner:
        """One bucket per value of the processing time formatted with ``format_str`` (a
        ``java.time.DateTimeFormatter`` pattern) in ``timezone_id`` (None: local time)."""
        return BucketAssigner(DateTimeBucketer(format_str, timezone_id))

    def get_bucket_id(self, now_seconds: float) -> str:
        """The bucket (relative directory; '' for the base path) at processing time ``now``."""
        return self._bucketer.bucket_id(now_seconds)


class RollingPolicy:
    """When the sink closes a part file and starts a new one.

    Example::

        RollingPolicy.default_rolling_policy(part_size=64 * 1024 * 1024, rollover_interval=30_000)
    """

    def __init__(self, spec: RollingSpec) -> None:
        self.spec = spec

    @staticmethod
    def default_rolling_policy(
        part_size: int = 1024 * 1024 * 128,
        rollover_interval: Any = 60 * 1000,
        inactivity_interval: Any = 60 * 1000,
    ) -> DefaultRollingPolicy:
        """Roll a part once it is larger than ``part_size`` bytes, older than
        ``rollover_interval`` ms or idle for ``inactivity_interval`` ms (time limits are checked
        when records arrive), and at each checkpoint."""
        if part_size <= 0:
            raise ValueError(f"part_size must be positive, got {part_size!r}")
        return DefaultRollingPolicy(RollingSpec(
            int(part_size),
            _millis(rollover_interval, "rollover_interval") / 1000,
            _millis(inactivity_interval, "inactivity_interval") / 1000,
        ))

    @staticmethod
    def on_checkpoint_rolling_policy() -> OnCheckpointRollingPolicy:
        """Roll only at checkpoints (and at the end of the input)."""
        return OnCheckpointRollingPolicy(RollingSpec(on_checkpoint_only=True))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.spec})"


class DefaultRollingPolicy(RollingPolicy):
    """See :meth:`RollingPolicy.default_rolling_policy`.

    Example::

        RollingPolicy.default_rolling_policy()
    """


class OnCheckpointRollingPolicy(RollingPolicy):
    """See :meth:`RollingPolicy.on_checkpoint_rolling_policy`.

    Example::

        RollingPolicy.on_checkpoint_rolling_policy()
    """


class OutputFileConfig:
    """Part file names: ``<prefix>-<uuid>-<subtask>-<counter><suffix>``.

    Example::

        OutputFileConfig.builder().with_part_prefix("events").with_part_suffix(".txt").build()
    """

    def __init__(self, part_prefix: str = "part", part_suffix: str = "") -> None:
        if os.sep in part_prefix or os.sep in part_suffix:
            raise ValueError(
                f"invalid part file prefix/suffix {part_prefix!r}/{part_suffix!r}: neither may "
                f"contain {os.sep!r}"
            )
        self._part_prefix = part_prefix
        self._part_suffix = part_suffix

    @staticmethod
    def builder() -> OutputFileConfig.OutputFileConfigBuilder:
        return OutputFileConfig.OutputFileConfigBuilder()

    def get_part_prefix(self) -> str:
        return self._part_prefix

    def get_part_suffix(self) -> str:
        return self._part_suffix

    def __repr__(self) -> str:
        return f"OutputFileConfig({self._part_prefix!r}, {self._part_suffix!r})"

    class OutputFileConfigBuilder:
        """Builds an :class:`OutputFileConfig` (prefix ``part``, no suffix unless set).

        Example::

            OutputFileConfig.builder().with_part_suffix(".csv").build()
        """

        def __init__(self) -> None:
            self.part_prefix = "part"
            self.part_suffix = ""

        def with_part_prefix(self, prefix: str) -> OutputFileConfig.OutputFileConfigBuilder:
            self.part_prefix = prefix
            return self

        def with_part_suffix(self, suffix: str) -> OutputFileConfig.OutputFileConfigBuilder:
            self.part_suffix = suffix
            return self

        def build(self) -> OutputFileConfig:
            return OutputFileConfig(self.part_prefix, self.part_suffix)


class FileSink(Sink):
    """Writes records as lines (bytes from the encoder) into part files under a base path, one
    directory per bucket. Part files stay hidden until committed: at checkpoints when
    checkpointing is on (exactly-once), otherwise when they roll and at the end of the input.

    Example::

        sink = (FileSink.for_row_format("/tmp/out", Encoder.simple_string_encoder())
                .with_rolling_policy(RollingPolicy.default_rolling_policy(part_size=1 << 20))
                .build())
        ds.sink_to(sink)
    """

    def __init__(
        self,
        base_path: str,
        encoder: Any,
        bucket_assigner: BucketAssigner,
        rolling_policy: RollingPolicy,
        output_file_config: OutputFileConfig,
        bucket_check_interval_ms: int = 60 * 1000,
    ) -> None:
        self.base_path = base_path
        self.encoder = encoder
        self.bucket_assigner = bucket_assigner
        self.rolling_policy = rolling_policy
        self.output_file_config = output_file_config
        self.bucket_check_interval_ms = bucket_check_interval_ms

    @staticmethod
    def for_row_format(base_path: str, encoder: Any) -> FileSink.RowFormatBuilder:
        """A builder for a sink writing ``encoder.encode(record)`` for each record."""
        return FileSink.RowFormatBuilder(base_path, encoder)

    @staticmethod
    def for_bulk_format(base_path: str, writer_factory: Any) -> FileSink.RowFormatBuilder:
        raise NotImplementedError(
            "bulk formats are not supported; use FileSink.for_row_format(path, encoder)"
        )

    def create_writer(self, subtask_index: int, parallelism: int) -> FileSinkWriter:
        return FileSinkWriter(
            self.base_path,
            self.encoder,
            subtask_index=subtask_index,
            bucketer=self.bucket_assigner._bucketer,
            part_prefix=self.output_file_config.get_part_prefix(),
            part_suffix=self.output_file_config.get_part_suffix(),
            rolling=self.rolling_policy.spec,
        )

    def commit(self, committables: list[PendingFile]) -> None:
        """Make pending part files visible (idempotent; see :func:`weir.connectors.file_sink.
        commit`)."""
        commit(committables)

    def default_name(self) -> str:
        return "FileSink"

    class RowFormatBuilder:
        """Configures a row-format :class:`FileSink`; see :meth:`FileSink.for_row_format`.

        Example::

            FileSink.for_row_format("/out", Encoder.simple_string_encoder()) \\
                .with_bucket_assigner(BucketAssigner.base_path_bucket_assigner()).build()
        """

        def __init__(self, base_path: str, encoder: Any) -> None:
            self._base_path = _local_path(str(base_path), "FileSink base path")
            self._encoder = encoder
            self._bucket_assigner = BucketAssigner.date_time_bucket_assigner()
            self._rolling_policy: RollingPolicy = RollingPolicy.default_rolling_policy()
            self._output_file_config = OutputFileConfig()
            self._bucket_check_interval_ms = 60 * 1000

        def with_bucket_check_interval(self, interval: int) -> FileSink.RowFormatBuilder:
            """How often (ms) time-based rolling is checked. Accepted for compatibility: weir
            checks whenever records arrive and at each checkpoint."""
            self._bucket_check_interval_ms = _millis(interval, "bucket check interval")
            return self

        def with_bucket_assigner(self, bucket_assigner: BucketAssigner) -> FileSink.RowFormatBuilder:
            if not isinstance(bucket_assigner, BucketAssigner):
                raise TypeError(f"expected a BucketAssigner, got {bucket_assigner!r}")
            self._bucket_assigner = bucket_assigner
            return self

        def with_rolling_policy(self, rolling_policy: RollingPolicy) -> FileSink.RowFormatBuilder:
            if not isinstance(rolling_policy, RollingPolicy):
                raise TypeError(f"expected a RollingPolicy, got {rolling_policy!r}")
            self._rolling_policy = rolling_policy
            return self

        def with_output_file_config(
            self, output_file_config: OutputFileConfig
        ) -> FileSink.RowFormatBuilder:
            if not isinstance(output_file_config, OutputFileConfig):
                raise TypeError(f"expected an OutputFileConfig, got {output_file_config!r}")
            self._output_file_config = output_file_config
            return self

        def build(self) -> FileSink:
            return FileSink(
                self._base_path,
                self._encoder,
                self._bucket_assigner,
                self._rolling_policy,
                self._output_file_config,
                self._bucket_check_interval_ms,
            )


__all__ = [
    "BucketAssigner",
    "DefaultRollingPolicy",
    "FileEnumeratorProvider",
    "FileSink",
    "FileSource",
    "FileSourceBuilder",
    "FileSplitAssignerProvider",
    "OnCheckpointRollingPolicy",
    "OutputFileConfig",
    "RollingPolicy",
    "Sink",
    "StreamFormat",
]

"""File connectors with PyFlink's API: ``FileSource`` and the exactly-once ``FileSink``.

Example::

    source = FileSource.for_record_stream_format(
        StreamFormat.text_line_format(), "/data/in").process_static_file_set().build()
    ds = env.from_source(source, WatermarkStrategy.no_watermarks(), "files")
    ds.sink_to(FileSink.for_row_format("/data/out", Encoder.simple_string_encoder()).build())
"""

from __future__ import annotations

from typing import Any

from weir.connectors.base import SourceReader
from weir.connectors.file_sink import FileSinkWriter, commit
from weir.connectors.text_file import TextFileSource


class StreamFormat:
    def __init__(self, charset_name: str) -> None:
        self.charset_name = charset_name

    @staticmethod
    def text_line_format(charset_name: str = "UTF-8") -> StreamFormat:
        """One record per line (without the line break)."""
        return StreamFormat(charset_name)


class FileSource:
    """Reads files (or every file of directories); splits are read in parallel by byte range."""

    def __init__(self, stream_format: StreamFormat, paths: tuple[str, ...]) -> None:
        self._source = TextFileSource(list(paths), stream_format.charset_name)

    @staticmethod
    def for_record_stream_format(stream_format: StreamFormat, *paths: str) -> FileSourceBuilder:
        if not paths:
            raise ValueError("FileSource needs at least one path")
        return FileSourceBuilder(stream_format, paths)

    def to_source(self) -> TextFileSource:
        return self._source


class FileSourceBuilder:
    def __init__(self, stream_format: StreamFormat, paths: tuple[str, ...]) -> None:
        self._format = stream_format
        self._paths = paths

    def process_static_file_set(self) -> FileSourceBuilder:
        return self

    def monitor_continuously(self, discovery_interval: Any) -> FileSourceBuilder:
        raise NotImplementedError(
            "continuous file monitoring is not supported yet; use process_static_file_set()"
        )

    def build(self) -> FileSource:
        return FileSource(self._format, self._paths)


class OutputFileConfig:
    def __init__(self, part_prefix: str = "part", part_suffix: str = "") -> None:
        self._prefix = part_prefix
        self._suffix = part_suffix

    def get_part_prefix(self) -> str:
        return self._prefix

    def get_part_suffix(self) -> str:
        return self._suffix

    @staticmethod
    def builder() -> OutputFileConfigBuilder:
        return OutputFileConfigBuilder()


class OutputFileConfigBuilder:
    def __init__(self) -> None:
        self._prefix, self._suffix = "part", ""

    def with_part_prefix(self, prefix: str) -> OutputFileConfigBuilder:
        self._prefix = prefix
        return self

    def with_part_suffix(self, suffix: str) -> OutputFileConfigBuilder:
        self._suffix = suffix
        return self

    def build(self) -> OutputFileConfig:
        return OutputFileConfig(self._prefix, self._suffix)


class RollingPolicy:
    """When a part file is closed and a new one started."""

    def __init__(self, part_size: int, rollover_interval_ms: int, inactivity_interval_ms: int,
                 on_checkpoint_only: bool) -> None:
        self.part_size = part_size
        self.rollover_interval_ms = rollover_interval_ms
        self.inactivity_interval_ms = inactivity_interval_ms
        self.on_checkpoint_only = on_checkpoint_only

    @staticmethod
    def default_rolling_policy(part_size: int = 128 * 1024 * 1024,
                               rollover_interval: int = 60 * 1000,
                               inactivity_interval: int = 60 * 1000) -> RollingPolicy:
        return RollingPolicy(part_size, rollover_interval, inactivity_interval, False)

    @staticmethod
    def on_checkpoint_rolling_policy() -> RollingPolicy:
        return RollingPolicy(2**62, 2**62, 2**62, True)


class BucketAssigner:
    """Which directory under the base path a record goes to."""

    def __init__(self, strftime_format: str | None) -> None:
        self.strftime_format = strftime_format

    @staticmethod
    def base_path_bucket_assigner() -> BucketAssigner:
        return BucketAssigner(None)

    @staticmethod
    def date_time_bucket_assigner(format_str: str = "yyyy-MM-dd--HH",
                                  timezone_id: str | None = None) -> BucketAssigner:
        return BucketAssigner(_java_to_strftime(format_str))


def _java_to_strftime(pattern: str) -> str:
    for java, py in (("yyyy", "%Y"), ("MM", "%m"), ("dd", "%d"), ("HH", "%H"), ("mm", "%M"),
                     ("ss", "%S")):
        pattern = pattern.replace(java, py)
    return pattern


class FileSink:
    """Exactly-once row-format file sink (see :mod:`weir.connectors.file_sink`)."""

    def __init__(self, base_path: str, encoder: Any, bucket_assigner: BucketAssigner,
                 rolling_policy: RollingPolicy, output_file_config: OutputFileConfig) -> None:
        self.base_path = base_path
        self.encoder = encoder
        self.bucket_assigner = bucket_assigner
        self.rolling_policy = rolling_policy
        self.output_file_config = output_file_config

    @staticmethod
    def for_row_format(base_path: str, encoder: Any) -> FileSinkBuilder:
        return FileSinkBuilder(base_path, encoder)

    def create_writer(self, subtask_index: int, parallelism: int) -> FileSinkWriter:
        policy = self.rolling_policy
        return FileSinkWriter(
            self.base_path, self.encoder, self.bucket_assigner.strftime_format,
            self.output_file_config.get_part_prefix(), self.output_file_config.get_part_suffix(),
            policy.part_size, policy.rollover_interval_ms / 1000,
            policy.inactivity_interval_ms / 1000, policy.on_checkpoint_only, subtask_index,
        )

    def commit(self, committables: list[Any]) -> None:
        commit(committables)

    def default_name(self) -> str:
        return "FileSink"


class FileSinkBuilder:
    def __init__(self, base_path: str, encoder: Any) -> None:
        self._base_path = base_path
        self._encoder = encoder
        self._bucket_assigner = BucketAssigner.date_time_bucket_assigner()
        self._rolling_policy = RollingPolicy.default_rolling_policy()
        self._output_file_config = OutputFileConfig()

    def with_bucket_assigner(self, bucket_assigner: BucketAssigner) -> FileSinkBuilder:
        self._bucket_assigner = bucket_assigner
        return self

    def with_rolling_policy(self, rolling_policy: RollingPolicy) -> FileSinkBuilder:
        self._rolling_policy = rolling_policy
        return self

    def with_output_file_config(self, output_file_config: OutputFileConfig) -> FileSinkBuilder:
        self._output_file_config = output_file_config
        return self

    def with_bucket_check_interval(self, interval: int) -> FileSinkBuilder:
        return self

    def build(self) -> FileSink:
        return FileSink(self._base_path, self._encoder, self._bucket_assigner,
                        self._rolling_policy, self._output_file_config)


__all__ = [
    "BucketAssigner",
    "FileSink",
    "FileSource",
    "OutputFileConfig",
    "RollingPolicy",
    "SourceReader",
    "StreamFormat",
]

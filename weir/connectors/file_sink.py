"""Row-format file sink with Flink's ``FileSink`` file life cycle.

Records are encoded into *part files* inside *bucket* directories under the base path. A part file
goes through three states:

- **in-progress**: being written, hidden as ``.<name>.inprogress.<uuid>``;
- **pending**: closed (content fsynced), still hidden, waiting to be committed;
- **finished**: renamed atomically to ``<name>`` = ``<prefix>-<uuid>-<subtask>-<counter><suffix>``.

:meth:`FileSinkWriter.prepare_commit` closes every in-progress part and hands back the pending
ones as picklable :class:`PendingFile` records; :func:`commit` renames them, idempotently. Without
checkpointing a part is committed as soon as it rolls, and :meth:`FileSinkWriter.finish` (end of
input) commits the rest. With checkpointing the runtime calls ``prepare_commit`` on each barrier and
``commit`` when the checkpoint completes (and again after a recovery from it), so rolled parts wait
for the checkpoint. A part that is still in progress when the job fails or is cancelled is never
renamed: aborted output stays hidden.

This module is the implementation; the public, PyFlink-shaped API is
:mod:`weir.datastream.connectors.file_system`.
"""

from __future__ import annotations

import logging
import os
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any, BinaryIO

from weir.connectors.base import SinkWriter

log = logging.getLogger("weir.connectors.file_sink")

# -- committables --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PendingFile:
    """A closed part file waiting to be made visible by renaming ``hidden`` to ``final``.

    Example::

        PendingFile("/out/.part-1f…-0-0.inprogress.9c…", "/out/part-1f…-0-0")
    """

    hidden: str
    final: str


class PendingFileMissing(FileNotFoundError):
    """Neither a pending part file nor its committed version exists."""


def commit(pending: list[PendingFile]) -> None:
    """Make pending part files visible by atomic rename. Idempotent: a part already renamed (its
    hidden file gone, its final file present) is skipped; a part of which neither file exists
    raises :class:`PendingFileMissing` naming it."""
    directories: set[str] = set()
    for part in pending:
        try:
            os.replace(part.hidden, part.final)
        except FileNotFoundError:
            if not os.path.exists(part.final):
                raise PendingFileMissing(
                    f"cannot commit part file {part.final!r}: neither it nor its pending file "
                    f"{part.hidden!r} exists (was the output directory changed while the job "
                    f"ran?)"
                ) from None
            continue
        directories.add(os.path.dirname(part.final))
    for directory in directories:
        _fsync_directory(directory)


def _fsync_directory(directory: str) -> None:
    """Make renames in ``directory`` durable (best effort: not every platform allows it)."""
    try:
        fd = os.open(directory or ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# -- bucket assignment ---------------------------------------------------------------------------


class BasePathBucketer:
    """Every record goes directly into the base path."""

    def bucket_id(self, now: float) -> str:
        return ""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BasePathBucketer)

    def __hash__(self) -> int:
        return hash("BasePathBucketer")


class DateTimeBucketer:
    """The bucket is the processing time formatted with a ``java.time.DateTimeFormatter``
    pattern (default ``yyyy-MM-dd--HH``: one directory per hour), in ``timezone_id`` (None: the
    system's local time zone)."""

    def __init__(self, pattern: str = "yyyy-MM-dd--HH", timezone_id: str | None = None) -> None:
        self.pattern = pattern
        self.timezone_id = timezone_id
        self._format = compile_datetime_pattern(pattern)
        self._zone = parse_zone_id(timezone_id)  # fail early on an unknown zone

    def bucket_id(self, now: float) -> str:
        if self._zone is None:
            moment = datetime.fromtimestamp(now).astimezone()
        else:
            moment = datetime.fromtimestamp(now, self._zone)
        return self._format(moment)

    def __getstate__(self) -> dict[str, Any]:
        return {"pattern": self.pattern, "timezone_id": self.timezone_id}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["pattern"], state["timezone_id"])  # type: ignore[misc]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateTimeBucketer) and (self.pattern, self.timezone_id) == (
            other.pattern, other.timezone_id)

    def __hash__(self) -> int:
        return hash((self.pattern, self.timezone_id))


# java.time.ZoneId.SHORT_IDS: the three-letter ids Java accepts for ZoneId.of(id, SHORT_IDS).
_SHORT_ZONE_IDS = {
    "ACT": "Australia/Darwin", "AET": "Australia/Sydney",
    "AGT": "America/Argentina/Buenos_Aires", "ART": "Africa/Cairo", "AST": "America/Anchorage",
    "BET": "America/Sao_Paulo", "BST": "Asia/Dhaka", "CAT": "Africa/Harare",
    "CNT": "America/St_Johns", "CST": "America/Chicago", "CTT": "Asia/Shanghai",
    "EAT": "Africa/Addis_Ababa", "ECT": "Europe/Paris", "IET": "America/Indiana/Indianapolis",
    "IST": "Asia/Kolkata", "JST": "Asia/Tokyo", "MIT": "Pacific/Apia", "NET": "Asia/Yerevan",
    "NST": "Pacific/Auckland", "PLT": "Asia/Karachi", "PNT": "America/Phoenix",
    "PRT": "America/Puerto_Rico", "PST": "America/Los_Angeles", "SST": "Pacific/Guadalcanal",
    "VST": "Asia/Ho_Chi_Minh", "EST": "-05:00", "MST": "-07:00", "HST": "-10:00",
}
_OFFSET_ID = re.compile(r"(?:UTC|GMT|UT)?([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?")


def parse_zone_id(zone_id: str | None) -> tzinfo | None:
    """A ``java.time.ZoneId`` string as a tzinfo: ``None`` (local time), ``"UTC"``, ``"Z"``,
    offsets (``"+08:00"``, ``"GMT-8"``, ``"UTC+05:30"``), region ids (``"Europe/Paris"``) and
    Java's short ids (``"PST"``)."""
    if zone_id is None:
        return None
    text = _SHORT_ZONE_IDS.get(zone_id.strip(), zone_id.strip())
    if text in ("Z", "UTC", "GMT", "UT"):
        return UTC
    match = _OFFSET_ID.fullmatch(text)
    if match:
        sign, hours, minutes, seconds = match.groups()
        offset = timedelta(hours=int(hours), minutes=int(minutes or 0), seconds=int(seconds or 0))
        if offset > timedelta(hours=18):
            raise ValueError(f"time zone offset out of range (±18:00): {zone_id!r}")
        return timezone(-offset if sign == "-" else offset)
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone id {zone_id!r}; use a region such as 'Europe/Paris', an offset "
            f"such as '+08:00' or 'GMT-08:00', or 'UTC'"
        ) from None


_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_PATTERN_TOKEN = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*|[^A-Za-z']+|'")


def _text(names: list[str], count: int, index: int) -> str:
    name = names[index]
    return name[:3] if count <= 3 else name if count == 4 else name[0]


def _number(value: int, count: int) -> str:
    return str(value).zfill(count)


def _offset(dt: datetime, letter: str, count: int) -> str:
    delta = dt.utcoffset() or timedelta(0)
    if letter == "X" and not delta:
        return "Z"
    total = int(delta.total_seconds())
    sign = "-" if total < 0 else "+"
    hours, minutes = divmod(abs(total) // 60, 60)
    if letter in "Xx" and count == 1:
        return f"{sign}{hours:02d}" + (f"{minutes:02d}" if minutes else "")
    if letter in "Xx" and count >= 3:
        return f"{sign}{hours:02d}:{minutes:02d}"
    return f"{sign}{hours:02d}{minutes:02d}"


def _field(letter: str, count: int, pattern: str) -> Callable[[datetime], str]:
    if letter in "yuY":
        if count == 2:
            return lambda dt: f"{dt.year % 100:02d}"
        return lambda dt: _number(dt.year, count)
    if letter in "ML":
        if count <= 2:
            return lambda dt: _number(dt.month, count)
        return lambda dt: _text(_MONTHS, count, dt.month - 1)
    if letter == "E":
        return lambda dt: _text(_DAYS, count, dt.weekday())
    numbers: dict[str, Callable[[datetime], int]] = {
        "d": lambda dt: dt.day,
        "D": lambda dt: dt.timetuple().tm_yday,
        "H": lambda dt: dt.hour,
        "h": lambda dt: dt.hour % 12 or 12,
        "k": lambda dt: dt.hour or 24,
        "K": lambda dt: dt.hour % 12,
        "m": lambda dt: dt.minute,
        "s": lambda dt: dt.second,
    }
    if letter in numbers:
        get = numbers[letter]
        return lambda dt: _number(get(dt), count)
    if letter == "S":
        return lambda dt: f"{dt.microsecond:06d}"[:count].ljust(count, "0")
    if letter == "a":
        return lambda dt: "AM" if dt.hour < 12 else "PM"
    if letter in "XxZ":
        return lambda dt: _offset(dt, letter, count)
    raise ValueError(
        f"unsupported pattern letter {letter!r} in the date-time bucket format {pattern!r} "
        f"(supported: y u M L d D E H h k K m s S a X x Z, and 'quoted text')"
    )


def compile_datetime_pattern(pattern: str) -> Callable[[datetime], str]:
    """A formatter for a ``java.time.DateTimeFormatter`` pattern (the common letters).

    Example::

        compile_datetime_pattern("yyyy-MM-dd--HH")(datetime(2024, 1, 2, 3))   # '2024-01-02--03'
    """
    parts: list[str | Callable[[datetime], str]] = []
    for match in _PATTERN_TOKEN.finditer(pattern):
        token = match.group(0)
        if match.group(1):
            parts.append(_field(token[0], len(token), pattern))
        elif token == "'":
            raise ValueError(f"unterminated quote in the date-time bucket format {pattern!r}")
        elif token == "''":
            parts.append("'")
        elif token.startswith("'"):
            parts.append(token[1:-1].replace("''", "'"))
        else:
            parts.append(token)

    def format_datetime(dt: datetime) -> str:
        return "".join(p if isinstance(p, str) else p(dt) for p in parts)

    return format_datetime


# -- rolling -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RollingSpec:
    """When a part file is closed: after it exceeds ``part_size`` bytes, when it is older than
    ``rollover_interval_s`` or has had no write for ``inactivity_interval_s`` (time-based rolling
    is checked whenever a batch arrives). ``on_checkpoint_only``: only at checkpoints and at the
    end of the input."""

    part_size: int = 128 * 1024 * 1024
    rollover_interval_s: float = 60.0
    inactivity_interval_s: float = 60.0
    on_checkpoint_only: bool = False


# -- the writer ----------------------------------------------------------------------------------


class _InProgressPart:
    __slots__ = ("hidden", "final", "file", "size", "created", "last_write")

    def __init__(self, hidden: str, final: str, now: float) -> None:
        self.hidden = hidden
        self.final = final
        self.file: BinaryIO = open(hidden, "xb")  # noqa: SIM115 - closed when the part rolls
        self.size = 0
        self.created = self.last_write = now

    def write(self, data: bytes) -> None:
        self.file.write(data)
        self.size += len(data)

    def close(self) -> PendingFile:
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        return PendingFile(self.hidden, self.final)

    def abandon(self) -> None:
        try:
            self.file.close()
        except OSError:
            pass


def _fallback_encode(value: Any) -> bytes:
    return (str(value) + "\n").encode()


class FileSinkWriter(SinkWriter):
    """Writes one sink subtask's records into part files (see the module docstring).

    Example::

        writer = FileSinkWriter("/tmp/out", Encoder.simple_string_encoder(), subtask_index=0,
                                bucketer=BasePathBucketer())
        writer.write_batch(["a", "b"])      # /tmp/out/.part-<uuid>-0-0.inprogress.<uuid>
        writer.finish()                     # /tmp/out/part-<uuid>-0-0
        writer.close()
    """

    def __init__(
        self,
        base_path: str,
        encoder: Any,
        subtask_index: int = 0,
        bucketer: Any = None,
        part_prefix: str = "part",
        part_suffix: str = "",
        rolling: RollingSpec | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.base_path = base_path.removeprefix("file://")
        encode = getattr(encoder, "encode", None)
        self._encode: Callable[[Any], bytes] = encode if callable(encode) else _fallback_encode
        self.subtask_index = subtask_index
        self.bucketer = bucketer if bucketer is not None else DateTimeBucketer()
        self.part_prefix = part_prefix
        self.part_suffix = part_suffix
        self.rolling = rolling or RollingSpec()
        self._clock = clock
        #: Distinguishes this writer's part files from every other writer's (other subtasks,
        #: earlier attempts of this one).
        self.writer_id = str(uuid.uuid4())
        self._counters: dict[str, int] = {}
        self._in_progress: dict[str, _InProgressPart] = {}
        self._pending: list[PendingFile] = []
        #: True when checkpoints commit: rolled parts then wait for the next ``prepare_commit``.
        self.checkpointing = False

    # -- life cycle ---------------------------------------------------------------------------

    def open(self, subtask_index: int, parallelism: int) -> None:
        self.subtask_index = subtask_index
        os.makedirs(self.base_path, exist_ok=True)

    def set_checkpointing(self, enabled: bool) -> None:
        """With checkpointing, a rolled part stays pending until the checkpoint that follows
        completes (committing it earlier would duplicate its records after a recovery)."""
        self.checkpointing = enabled

    def write_batch(self, values: list[Any]) -> None:
        if not values:
            return
        now = self._clock()
        if self._in_progress and not self.rolling.on_checkpoint_only:
            self.roll_on_processing_time(now)
        bucket = self.bucketer.bucket_id(now)
        encoded = list(map(self._encode, values))
        part = self._in_progress.get(bucket)
        limit = self.rolling.part_size
        size = part.size if part is not None else 0
        if self.rolling.on_checkpoint_only or size + sum(map(len, encoded)) <= limit:
            part = part or self._new_part(bucket, now)
            part.write(b"".join(encoded))
            part.last_write = now
            return
        # Roll as soon as a part exceeds the size limit (by at most one record, as in Flink).
        chunk: list[bytes] = []
        for data in encoded:
            chunk.append(data)
            size += len(data)
            if size > limit:
                part = part or self._new_part(bucket, now)
                part.write(b"".join(chunk))
                self._roll(bucket)
                part, chunk, size = None, [], 0
        if chunk:
            part = part or self._new_part(bucket, now)
            part.write(b"".join(chunk))
        if part is not None:
            part.last_write = now

    def roll_on_processing_time(self, now: float | None = None) -> None:
        """Roll the parts older than the rollover interval or idle longer than the inactivity
        interval (called on every batch; a timer may call it too)."""
        if self.rolling.on_checkpoint_only:
            return
        now = self._clock() if now is None else now
        spec = self.rolling
        for bucket, part in list(self._in_progress.items()):
            if (now - part.created >= spec.rollover_interval_s
                    or now - part.last_write >= spec.inactivity_interval_s):
                self._roll(bucket)

    def prepare_commit(self) -> list[PendingFile]:
        """Close every in-progress part; return all pending parts (for :func:`commit`). Called on
        each checkpoint barrier, and by :meth:`finish`. Being called on a barrier also tells the
        writer that checkpoints commit from now on (see :meth:`set_checkpointing`)."""
        self.checkpointing = True
        for bucket in list(self._in_progress):
            self._pending.append(self._in_progress.pop(bucket).close())
        pending, self._pending = self._pending, []
        return pending

    def finish(self) -> None:
        """End of input: close and commit everything."""
        commit(self.prepare_commit())

    def close(self) -> None:
        """Release files. Parts still in progress (and pending parts never handed out) stay
        hidden, so an aborted job never shows partial output."""
        for part in self._in_progress.values():
            part.abandon()
        if self._in_progress:
            log.debug("abandoning %d in-progress part file(s) under %s",
                      len(self._in_progress), self.base_path)
        self._in_progress.clear()

    # -- parts --------------------------------------------------------------------------------

    def in_progress_paths(self) -> list[str]:
        """The hidden paths of the parts being written (for tests and diagnostics)."""
        return [part.hidden for part in self._in_progress.values()]

    def _new_part(self, bucket: str, now: float) -> _InProgressPart:
        directory = os.path.join(self.base_path, bucket) if bucket else self.base_path
        os.makedirs(directory, exist_ok=True)
        counter = self._counters.get(bucket, 0)
        self._counters[bucket] = counter + 1
        name = (f"{self.part_prefix}-{self.writer_id}-{self.subtask_index}-{counter}"
                f"{self.part_suffix}")
        hidden = os.path.join(directory, f".{name}.inprogress.{uuid.uuid4()}")
        part = self._in_progress[bucket] = _InProgressPart(
            hidden, os.path.join(directory, name), now)
        return part

    def _roll(self, bucket: str) -> None:
        self._pending.append(self._in_progress.pop(bucket).close())
        if not self.checkpointing:
            pending, self._pending = self._pending, []
            commit(pending)

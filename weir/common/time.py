"""Duration, Time and Instant, as in ``pyflink.common.time``.

Example::

    WatermarkStrategy.for_bounded_out_of_orderness(Duration.of_seconds(5))
    StateTtlConfig.new_builder(Time.minutes(10)).build()
    Instant.of_epoch_milli(1_700_000_000_123).to_epoch_milli()   # 1700000000123
"""

from __future__ import annotations

__all__ = ["Duration", "Instant", "Time"]

_NANOS_PER_MILLI = 1_000_000
_MILLIS_PER_SECOND = 1_000
_MILLIS_PER_MINUTE = 60_000
_MILLIS_PER_HOUR = 3_600_000
_MILLIS_PER_DAY = 86_400_000


class Duration:
    """An amount of time (``java.time.Duration``), kept in nanoseconds.

    Example::

        Duration.of_minutes(2).to_milliseconds()    # 120000
    """

    __slots__ = ("_nanos",)

    def __init__(self, nanos: int) -> None:
        self._nanos = int(nanos)

    @staticmethod
    def of_nanos(nanos: int) -> Duration:
        return Duration(nanos)

    @staticmethod
    def of_millis(millis: int) -> Duration:
        return Duration(int(millis) * _NANOS_PER_MILLI)

    @staticmethod
    def of_seconds(seconds: int) -> Duration:
        return Duration.of_millis(int(seconds) * _MILLIS_PER_SECOND)

    @staticmethod
    def of_minutes(minutes: int) -> Duration:
        return Duration.of_millis(int(minutes) * _MILLIS_PER_MINUTE)

    @staticmethod
    def of_hours(hours: int) -> Duration:
        return Duration.of_millis(int(hours) * _MILLIS_PER_HOUR)

    @staticmethod
    def of_days(days: int) -> Duration:
        return Duration.of_millis(int(days) * _MILLIS_PER_DAY)

    def to_milliseconds(self) -> int:
        """Whole milliseconds (rounded towards negative infinity)."""
        return self._nanos // _NANOS_PER_MILLI

    def to_nanos(self) -> int:
        return self._nanos

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Duration) and self._nanos == other._nanos

    def __hash__(self) -> int:
        return hash(("Duration", self._nanos))

    def __reduce__(self) -> tuple:
        return (Duration, (self._nanos,))

    def __repr__(self) -> str:
        if self._nanos % _NANOS_PER_MILLI == 0:
            return f"Duration({self._nanos // _NANOS_PER_MILLI} ms)"
        return f"Duration({self._nanos} ns)"


class Time:
    """A time interval in milliseconds (Flink's ``Time``, used by windows and state TTL).

    Example::

        Time.seconds(30).to_milliseconds()    # 30000
    """

    __slots__ = ("_milliseconds",)

    def __init__(self, milliseconds: int) -> None:
        self._milliseconds = int(milliseconds)

    @staticmethod
    def milliseconds(milliseconds: int) -> Time:
        return Time(milliseconds)

    @staticmethod
    def seconds(seconds: int) -> Time:
        return Time(int(seconds) * _MILLIS_PER_SECOND)

    @staticmethod
    def minutes(minutes: int) -> Time:
        return Time(int(minutes) * _MILLIS_PER_MINUTE)

    @staticmethod
    def hours(hours: int) -> Time:
        return Time(int(hours) * _MILLIS_PER_HOUR)

    @staticmethod
    def days(days: int) -> Time:
        return Time(int(days) * _MILLIS_PER_DAY)

    def to_milliseconds(self) -> int:
        return self._milliseconds

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Time) and self._milliseconds == other._milliseconds

    def __hash__(self) -> int:
        return hash(("Time", self._milliseconds))

    def __reduce__(self) -> tuple:
        return (Time, (self._milliseconds,))

    def __str__(self) -> str:
        return f"{self._milliseconds} ms"

    def __repr__(self) -> str:
        return f"Time({self._milliseconds} ms)"


class Instant:
    """A point on the time line: seconds since the epoch plus nanoseconds (``java.time.Instant``).

    Example::

        Instant.of_epoch_milli(1500)     # Instant<1, 500000000>
    """

    __slots__ = ("seconds", "nanos")

    def __init__(self, seconds: int, nanos: int = 0) -> None:
        extra, nanos = divmod(int(nanos), 1_000_000_000)
        self.seconds = int(seconds) + extra
        self.nanos = nanos

    @staticmethod
    def of_epoch_milli(epoch_milli: int) -> Instant:
        seconds, millis = divmod(int(epoch_milli), _MILLIS_PER_SECOND)
        return Instant(seconds, millis * _NANOS_PER_MILLI)

    def to_epoch_milli(self) -> int:
        return self.seconds * _MILLIS_PER_SECOND + self.nanos // _NANOS_PER_MILLI

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Instant)
            and self.seconds == other.seconds
            and self.nanos == other.nanos
        )

    def __hash__(self) -> int:
        return hash(("Instant", self.seconds, self.nanos))

    def __reduce__(self) -> tuple:
        return (Instant, (self.seconds, self.nanos))

    def __repr__(self) -> str:
        return f"Instant<{self.seconds}, {self.nanos}>"

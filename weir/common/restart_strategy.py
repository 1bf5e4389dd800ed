"""Restart strategies, as in ``pyflink.common.RestartStrategies``: what the JobManager does after
a failure. The configurations are plain, picklable data; intervals are kept in milliseconds
(attributes ending in ``_ms``) and returned as ``datetime.timedelta`` by the PyFlink getters.

Example::

    env.set_restart_strategy(RestartStrategies.fixed_delay_restart(3, 1000))
    env.set_restart_strategy(RestartStrategies.failure_rate_restart(3, timedelta(minutes=5), 1000))
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

__all__ = [
    "ExponentialDelayRestartStrategyConfiguration",
    "FailureRateRestartStrategyConfiguration",
    "FallbackRestartStrategyConfiguration",
    "FixedDelayRestartStrategyConfiguration",
    "NoRestartStrategyConfiguration",
    "RestartStrategies",
    "RestartStrategyConfiguration",
]


def _millis(value: Any, what: str) -> int:
    """Milliseconds from an int (ms), a ``timedelta``, or a weir ``Duration``/``Time``."""
    if isinstance(value, bool):
        raise TypeError(f"{what} must be milliseconds or a datetime.timedelta, got {value!r}")
    if isinstance(value, int):
        millis = value
    elif isinstance(value, timedelta):
        millis = value // timedelta(milliseconds=1)
    elif callable(getattr(value, "to_milliseconds", None)):
        millis = int(value.to_milliseconds())
    else:
        raise TypeError(
            f"{what} must be an integer (milliseconds) or a datetime.timedelta, "
            f"got {type(value).__name__}"
        )
    if millis < 0:
        raise ValueError(f"{what} must not be negative, got {millis} ms")
    return millis


class RestartStrategyConfiguration:
    """Base of the restart strategy configurations."""

    def get_description(self) -> str:
        """A one-line description, as shown in logs."""
        return type(self).__name__


@dataclass(frozen=True)
class NoRestartStrategyConfiguration(RestartStrategyConfiguration):
    """The job fails on the first failure."""

    def get_description(self) -> str:
        return "Restart deactivated."


@dataclass(frozen=True)
class FixedDelayRestartStrategyConfiguration(RestartStrategyConfiguration):
    """Restart up to ``restart_attempts`` times, waiting a fixed delay before each restart."""

    restart_attempts: int
    delay_between_attempts_interval_ms: int

    def get_restart_attempts(self) -> int:
        return self.restart_attempts

    def get_delay_between_attempts_interval(self) -> timedelta:
        return timedelta(milliseconds=self.delay_between_attempts_interval_ms)

    def get_description(self) -> str:
        return (
            f"Restart with fixed delay ({self.delay_between_attempts_interval_ms} ms). "
            f"#{self.restart_attempts} restart attempts."
        )


@dataclass(frozen=True)
class FailureRateRestartStrategyConfiguration(RestartStrategyConfiguration):
    """Restart after each failure (after a fixed delay) unless more than ``max_failure_rate``
    failures happened within ``failure_interval_ms``."""

    max_failure_rate: int
    failure_interval_ms: int
    delay_between_attempts_interval_ms: int

    def get_max_failure_rate(self) -> int:
        return self.max_failure_rate

    def get_failure_interval(self) -> timedelta:
        return timedelta(milliseconds=self.failure_interval_ms)

    def get_delay_between_attempts_interval(self) -> timedelta:
        return timedelta(milliseconds=self.delay_between_attempts_interval_ms)

    def get_description(self) -> str:
        return (
            f"Failure rate restart with maximum of {self.max_failure_rate} failures within "
            f"interval {self.failure_interval_ms} ms and fixed delay "
            f"{self.delay_between_attempts_interval_ms} ms."
        )


@dataclass(frozen=True)
class ExponentialDelayRestartStrategyConfiguration(RestartStrategyConfiguration):
    """Restart forever, the delay growing by ``backoff_multiplier`` from ``initial_backoff_ms`` up
    to ``max_backoff_ms``; it resets after ``reset_backoff_threshold_ms`` without failure."""

    initial_backoff_ms: int
    max_backoff_ms: int
    backoff_multiplier: float
    reset_backoff_threshold_ms: int
    jitter_factor: float

    def get_initial_backoff(self) -> timedelta:
        return timedelta(milliseconds=self.initial_backoff_ms)

    def get_max_backoff(self) -> timedelta:
        return timedelta(milliseconds=self.max_backoff_ms)

    def get_backoff_multiplier(self) -> float:
        return self.backoff_multiplier

    def get_reset_backoff_threshold(self) -> timedelta:
        return timedelta(milliseconds=self.reset_backoff_threshold_ms)

    def get_jitter_factor(self) -> float:
        return self.jitter_factor

    def get_description(self) -> str:
        return (
            f"Restart with exponential delay: starting at {self.initial_backoff_ms} ms, "
            f"multiplied by {self.backoff_multiplier} up to {self.max_backoff_ms} ms, reset "
            f"after {self.reset_backoff_threshold_ms} ms without failure, jitter "
            f"{self.jitter_factor}."
        )


@dataclass(frozen=True)
class FallbackRestartStrategyConfiguration(RestartStrategyConfiguration):
    """Use the cluster's default (weir: no restart without checkpointing, else fixed delay)."""

    def get_description(self) -> str:
        return "Cluster level default restart strategy"


class RestartStrategies:
    """Factories of restart strategy configurations, as in PyFlink.

    Intervals are integers in milliseconds or ``datetime.timedelta`` objects.

    Example::

        s = RestartStrategies.fixed_delay_restart(3, timedelta(seconds=1))
        s.get_restart_attempts(), s.get_delay_between_attempts_interval()
        # (3, datetime.timedelta(seconds=1))
    """

    @staticmethod
    def no_restart() -> NoRestartStrategyConfiguration:
        return NoRestartStrategyConfiguration()

    @staticmethod
    def fall_back_restart() -> FallbackRestartStrategyConfiguration:
        return FallbackRestartStrategyConfiguration()

    @staticmethod
    def fixed_delay_restart(
        restart_attempts: int, delay_between_attempts: int | timedelta
    ) -> FixedDelayRestartStrategyConfiguration:
        if int(restart_attempts) < 0:
            raise ValueError(f"restart_attempts must not be negative, got {restart_attempts}")
        return FixedDelayRestartStrategyConfiguration(
            int(restart_attempts), _millis(delay_between_attempts, "delay_between_attempts")
        )

    @staticmethod
    def failure_rate_restart(
        failure_rate: int, failure_interval: int | timedelta, delay_interval: int | timedelta
    ) -> FailureRateRestartStrategyConfiguration:
        if int(failure_rate) < 1:
            raise ValueError(f"failure_rate must be at least 1, got {failure_rate}")
        return FailureRateRestartStrategyConfiguration(
            int(failure_rate),
            _millis(failure_interval, "failure_interval"),
            _millis(delay_interval, "delay_interval"),
        )

    @staticmethod
    def exponential_delay_restart(
        initial_backoff: int | timedelta,
        max_backoff: int | timedelta,
        backoff_multiplier: float,
        reset_backoff_threshold: int | timedelta,
        jitter_factor: float,
    ) -> ExponentialDelayRestartStrategyConfiguration:
        if backoff_multiplier < 1:
            raise ValueError(f"backoff_multiplier must be at least 1, got {backoff_multiplier}")
        if not 0 <= jitter_factor <= 1:
            raise ValueError(f"jitter_factor must be in [0, 1], got {jitter_factor}")
        return ExponentialDelayRestartStrategyConfiguration(
            _millis(initial_backoff, "initial_backoff"),
            _millis(max_backoff, "max_backoff"),
            float(backoff_multiplier),
            _millis(reset_backoff_threshold, "reset_backoff_threshold"),
            float(jitter_factor),
        )


# PyFlink nests the configuration classes in RestartStrategies; make them reachable there too.
for _cls in (
    NoRestartStrategyConfiguration,
    FixedDelayRestartStrategyConfiguration,
    FailureRateRestartStrategyConfiguration,
    ExponentialDelayRestartStrategyConfiguration,
    FallbackRestartStrategyConfiguration,
):
    setattr(RestartStrategies, _cls.__name__, _cls)
del _cls

"""Restart strategies, as in PyFlink: what the JobManager does after a failure.

Example::

    env.set_restart_strategy(RestartStrategies.fixed_delay_restart(3, 1000))
"""

from __future__ import annotations

from dataclasses import dataclass


class RestartStrategyConfiguration:
    def get_description(self) -> str:
        return type(self).__name__


@dataclass(frozen=True)
class NoRestartStrategyConfiguration(RestartStrategyConfiguration):
    def get_description(self) -> str:
        return "Restart deactivated."


@dataclass(frozen=True)
class FixedDelayRestartStrategyConfiguration(RestartStrategyConfiguration):
    restart_attempts: int
    delay_between_attempts_interval_ms: int

    def get_restart_attempts(self) -> int:
        return self.restart_attempts

    def get_delay_between_attempts_interval(self) -> int:
        return self.delay_between_attempts_interval_ms

    def get_description(self) -> str:
        return (f"Restart with fixed delay ({self.delay_between_attempts_interval_ms} ms). "
                f"#{self.restart_attempts} restart attempts.")


@dataclass(frozen=True)
class FailureRateRestartStrategyConfiguration(RestartStrategyConfiguration):
    max_failure_rate: int
    failure_interval_ms: int
    delay_between_attempts_interval_ms: int

    def get_max_failure_rate(self) -> int:
        return self.max_failure_rate

    def get_failure_interval(self) -> int:
        return self.failure_interval_ms

    def get_delay_between_attempts_interval(self) -> int:
        return self.delay_between_attempts_interval_ms


@dataclass(frozen=True)
class ExponentialDelayRestartStrategyConfiguration(RestartStrategyConfiguration):
    initial_backoff_ms: int
    max_backoff_ms: int
    backoff_multiplier: float
    reset_backoff_threshold_ms: int
    jitter_factor: float

    def get_initial_backoff(self) -> int:
        return self.initial_backoff_ms

    def get_max_backoff(self) -> int:
        return self.max_backoff_ms

    def get_backoff_multiplier(self) -> float:
        return self.backoff_multiplier

    def get_reset_backoff_threshold(self) -> int:
        return self.reset_backoff_threshold_ms

    def get_jitter_factor(self) -> float:
        return self.jitter_factor


@dataclass(frozen=True)
class FallbackRestartStrategyConfiguration(RestartStrategyConfiguration):
    pass


def _millis(value: object) -> int:
    to_ms = getattr(value, "to_milliseconds", None)
    return int(to_ms()) if callable(to_ms) else int(value)  # type: ignore[call-overload]


class RestartStrategies:
    @staticmethod
    def no_restart() -> NoRestartStrategyConfiguration:
        return NoRestartStrategyConfiguration()

    @staticmethod
    def fall_back_restart() -> FallbackRestartStrategyConfiguration:
        return FallbackRestartStrategyConfiguration()

    @staticmethod
    def fixed_delay_restart(
        restart_attempts: int, delay_between_attempts: object
    ) -> FixedDelayRestartStrategyConfiguration:
        if restart_attempts < 0:
            raise ValueError(f"restart_attempts must be >= 0, got {restart_attempts}")
        return FixedDelayRestartStrategyConfiguration(restart_attempts,
                                                      _millis(delay_between_attempts))

    @staticmethod
    def failure_rate_restart(
        failure_rate: int, failure_interval: object, delay_interval: object
    ) -> FailureRateRestartStrategyConfiguration:
        return FailureRateRestartStrategyConfiguration(
            failure_rate, _millis(failure_interval), _millis(delay_interval)
        )

    @staticmethod
    def exponential_delay_restart(
        initial_backoff: object, max_backoff: object, backoff_multiplier: float,
        reset_backoff_threshold: object, jitter_factor: float,
    ) -> ExponentialDelayRestartStrategyConfiguration:
        return ExponentialDelayRestartStrategyConfiguration(
            _millis(initial_backoff), _millis(max_backoff), backoff_multiplier,
            _millis(reset_backoff_threshold), jitter_factor,
        )

"""Restart strategies at run time: after a failure, may the job restart, and after what delay?"""

from __future__ import annotations

import random
import time
from collections import deque
from typing import Any

from weir.common.restart_strategy import (
    ExponentialDelayRestartStrategyConfiguration,
    FailureRateRestartStrategyConfiguration,
    FallbackRestartStrategyConfiguration,
    FixedDelayRestartStrategyConfiguration,
    NoRestartStrategyConfiguration,
)


class RestartBackoff:
    def can_restart(self) -> bool:
        raise NotImplementedError

    def next_delay_s(self) -> float:
        raise NotImplementedError

    def describe(self) -> str:
        return type(self).__name__


class NoRestart(RestartBackoff):
    def can_restart(self) -> bool:
        return False

    def next_delay_s(self) -> float:
        return 0.0

    def describe(self) -> str:
        return "no restart"


class FixedDelay(RestartBackoff):
    def __init__(self, attempts: int, delay_ms: int) -> None:
        self.remaining = attempts
        self.delay_s = delay_ms / 1000

    def can_restart(self) -> bool:
        return self.remaining > 0

    def next_delay_s(self) -> float:
        self.remaining -= 1
        return self.delay_s

    def describe(self) -> str:
        return f"fixed delay ({self.remaining} attempts left, {self.delay_s:.1f}s apart)"


class ExponentialDelay(RestartBackoff):
    def __init__(self, config: ExponentialDelayRestartStrategyConfiguration) -> None:
        self.config = config
        self.current_ms = config.initial_backoff_ms
        self.last_failure = time.monotonic()

    def can_restart(self) -> bool:
        return True

    def next_delay_s(self) -> float:
        now = time.monotonic()
        if (now - self.last_failure) * 1000 >= self.config.reset_backoff_threshold_ms:
            self.current_ms = self.config.initial_backoff_ms
        self.last_failure = now
        delay = self.current_ms
        jitter = delay * self.config.jitter_factor
        self.current_ms = min(self.config.max_backoff_ms,
                              self.current_ms * self.config.backoff_multiplier)
        return max(0.0, delay + random.uniform(-jitter, jitter)) / 1000

    def describe(self) -> str:
        return f"exponential delay (next {self.current_ms:.0f} ms)"


class FailureRate(RestartBackoff):
    def __init__(self, config: FailureRateRestartStrategyConfiguration) -> None:
        self.config = config
        self.failures: deque[float] = deque()

    def can_restart(self) -> bool:
        now = time.monotonic()
        window = self.config.failure_interval_ms / 1000
        while self.failures and now - self.failures[0] > window:
            self.failures.popleft()
        return len(self.failures) < self.config.max_failure_rate

    def next_delay_s(self) -> float:
        self.failures.append(time.monotonic())
        return self.config.delay_between_attempts_interval_ms / 1000

    def describe(self) -> str:
        return (f"failure rate (at most {self.config.max_failure_rate} per "
                f"{self.config.failure_interval_ms} ms)")


def restart_backoff(configuration: Any, checkpointing: bool) -> RestartBackoff:
    """Flink's defaults: no restart without checkpointing, else fixed delay of 1 s forever."""
    if configuration is None or isinstance(configuration, FallbackRestartStrategyConfiguration):
        return FixedDelay(2**31 - 1, 1000) if checkpointing else NoRestart()
    if isinstance(configuration, NoRestartStrategyConfiguration):
        return NoRestart()
    if isinstance(configuration, FixedDelayRestartStrategyConfiguration):
        return FixedDelay(configuration.restart_attempts,
                          configuration.delay_between_attempts_interval_ms)
    if isinstance(configuration, ExponentialDelayRestartStrategyConfiguration):
        return ExponentialDelay(configuration)
    if isinstance(configuration, FailureRateRestartStrategyConfiguration):
        return FailureRate(configuration)
    raise TypeError(f"unknown restart strategy {configuration!r}; use weir.common.RestartStrategies")

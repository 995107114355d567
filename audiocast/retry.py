"""Retrying what may pass (a dropped connection, a time-out, HTTP 429 or 5xx) with exponential
backoff and jitter, and a request-rate limit shared by threads: for whatever talks to the
network (speech engines, site sources)."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

Result = TypeVar("Result")


class RateLimiter:
    """Request starts are spaced at least 1/RATE seconds apart, across all threads: so over any
    window the number of requests never exceeds the rate (plus the one at the window's edge)."""

    def __init__(self, per_second: float, clock=time.monotonic, sleep=time.sleep):
        self._interval = 1.0 / per_second
        self._next = 0.0
        self._lock = threading.Lock()
        self._clock, self._sleep = clock, sleep

    def wait(self) -> None:
        with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self._interval
        if start > now:
            self._sleep(start - now)


class TransientError(Exception):
    """A failure worth retrying: a dropped connection, a time-out, HTTP 429 or 5xx."""

    def __init__(self, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.retry_after = retry_after


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # in all, the first included
    base_seconds: float = 0.5
    max_seconds: float = 20.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Full jitter: uniform in [0, base·2^attempt], capped; spreads retries of many
        threads instead of sending them back together."""
        return rng.uniform(0, min(self.max_seconds, self.base_seconds * 2**attempt))


def with_retries(
    call: Callable[[], Result],
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
) -> Result:
    """CALL until it succeeds or raises something other than TransientError; after the last
    attempt the TransientError propagates with the attempt count in its message."""
    rng = rng or random.Random()
    for attempt in range(policy.attempts):
        try:
            return call()
        except TransientError as exc:
            if attempt == policy.attempts - 1:
                raise TransientError(f"{exc} (after {policy.attempts} attempts)") from exc
            wait = policy.delay(attempt, rng)
            if exc.retry_after is not None:
                wait = max(wait, min(exc.retry_after, policy.max_seconds))
            sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


def retry_after_seconds(value: str) -> float | None:
    """An HTTP Retry-After value as seconds from now: a number of seconds or an HTTP date
    (RFC 9110); None when there is none or it cannot be read."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())

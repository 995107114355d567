"""Retry-After, read the same way for a site source and for Google: seconds or an HTTP date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from audiocast.retry import retry_after_seconds


def test_seconds_and_http_dates_both_say_how_long_to_wait():
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds(" 7 ") == 7.0
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    assert retry_after_seconds(later) == pytest.approx(90, abs=2)
    past = format_datetime(datetime.now(UTC) - timedelta(hours=1), usegmt=True)
    assert retry_after_seconds(past) == 0.0


@pytest.mark.parametrize("value", ["", "soon", "-5", "1e9", "Wed, 99 Foo 2026 99:00:00 GMT"])
def test_what_cannot_be_read_is_no_instruction(value):
    assert retry_after_seconds(value) is None

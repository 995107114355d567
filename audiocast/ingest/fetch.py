"""Fetch one article page over http(s): time-out, size limit, clear errors."""

from __future__ import annotations

import urllib.error
import urllib.request

from audiocast import __version__
from audiocast.errors import ArticleError

MAX_PAGE_BYTES = 5 * 1024 * 1024
TIMEOUT_SECONDS = 20


def fetch_url(url: str) -> tuple[bytes, str]:
    """Return (body, content type) of URL, or raise ArticleError."""
    request = urllib.request.Request(url, headers={"User-Agent": f"audiocast/{__version__}"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            data = response.read(MAX_PAGE_BYTES + 1)
            content_type = response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        raise ArticleError(url, f"HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise ArticleError(url, f"cannot fetch: {getattr(exc, 'reason', exc)}") from exc
    if len(data) > MAX_PAGE_BYTES:
        raise ArticleError(url, f"page is larger than {MAX_PAGE_BYTES // 1024 // 1024} MB")
    return data, content_type

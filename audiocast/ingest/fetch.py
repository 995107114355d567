"""Fetch one article page over http(s), through the site sources' transport: the same
http(s)-only rule, time-out, size limit and retries, as an ArticleError naming the URL."""

from __future__ import annotations

from audiocast.config import SiteSource
from audiocast.errors import ArticleError, SourceError
from audiocast.ingest.site.transport import SiteClient

MAX_PAGE_BYTES = 5 * 1024 * 1024
TIMEOUT_SECONDS = 20


def fetch_url(url: str) -> tuple[bytes, str]:
    """Return (body, content type) of URL, or raise ArticleError."""
    page = SiteSource(url, "feed", url, timeout_seconds=TIMEOUT_SECONDS, max_bytes=MAX_PAGE_BYTES)
    try:
        with SiteClient(page) as client:
            answer = client.get(url, accept="text/html,application/xhtml+xml")
    except SourceError as exc:
        raise ArticleError(url, f"cannot fetch: {exc.reason.removeprefix(f'{url}: ')}") from exc
    if answer.status >= 400:
        raise ArticleError(url, f"HTTP {answer.status} {answer.reason}")
    return answer.body, answer.header("Content-Type")

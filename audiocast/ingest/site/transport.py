"""GET over http(s) for the site readers: only http and https, our User-Agent, the source's
time-out (per answer, not only per socket read), its size limit while streaming, and retries
with backoff for what may pass (dropped connections, time-outs, HTTP 429 and 5xx)."""

from __future__ import annotations

import http.client
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
import urllib3

from audiocast import __version__
from audiocast.config import SiteSource, password_file_problem
from audiocast.errors import SourceError
from audiocast.retry import RetryPolicy, TransientError, retry_after_seconds, with_retries

USER_AGENT = f"audiocast/{__version__}"
_CHUNK_BYTES = 64 * 1024
_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\")\]]+)")
_SSL = re.compile(r"\[SSL: \w+\] ([^'\"(]+)")


@dataclass(frozen=True)
class Answer:
    url: str  # after redirects
    status: int
    reason: str  # "Not Found"
    headers: dict[str, str]  # names in lower case
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


def check_http_url(url: str, source_name: str) -> None:
    """Refuse anything but http(s): a source must not make us read local files or other
    protocols."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise SourceError(source_name, f"{url!r} is not an http or https URL")


def application_password(source: SiteSource) -> str:
    """The application password in the source's file (WordPress shows it in groups of four
    with spaces, which it accepts as they are); SourceError when it cannot be had. The file
    was checked when audiocast.toml was read, but it may have changed since."""
    path = source.application_password_file
    problem = password_file_problem(path) if path is not None else "no application_password_file"
    if problem:
        raise SourceError(source.name, problem)
    assert path is not None
    try:
        secret = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise SourceError(
            source.name, f"application_password_file {str(path)!r} cannot be read ({reason})"
        ) from None
    except UnicodeDecodeError:  # its message would quote the file's bytes
        raise SourceError(
            source.name, f"application_password_file {str(path)!r} is not UTF-8 text"
        ) from None
    if not secret or "\n" in secret:
        raise SourceError(
            source.name,
            f"application_password_file {str(path)!r} must hold one line: the password",
        )
    return secret


class SiteClient:
    """The connection to one source: one session (kept alive across pages), its limits and its
    retry policy. SLEEP waits between attempts (tests pass one that does not wait)."""

    def __init__(self, source: SiteSource, *, sleep: Callable[[float], None] = time.sleep):
        self.source = source
        self._policy = RetryPolicy(attempts=max(1, source.attempts))
        self._sleep = sleep
        self._session = requests.Session()
        self._session.headers["User-Agent"] = USER_AGENT
        self.authenticated = None not in (source.user, source.application_password_file)
        if self.authenticated:
            # requests drops it on a redirect to another host; never in a message or a log
            self._session.auth = (source.user or "", application_password(source))

    def __enter__(self) -> SiteClient:
        return self

    def __exit__(self, *exc) -> None:
        self._session.close()

    def get(self, url: str, params: dict | None = None, accept: str = "*/*") -> Answer:
        """The answer to GET URL: any 2xx, 3xx or 4xx but 429 is returned for the caller to
        judge; SourceError when the source is down or answers too much or after the retries."""
        check_http_url(url, self.source.name)
        try:
            return with_retries(
                lambda: self._get_once(url, params, accept), self._policy, sleep=self._sleep
            )
        except TransientError as exc:
            raise SourceError(self.source.name, f"{url}: {exc}") from exc

    def _get_once(self, url: str, params: dict | None, accept: str) -> Answer:
        timeout = self.source.timeout_seconds
        deadline = time.monotonic() + timeout
        try:
            with self._session.get(
                url, params=params, headers={"Accept": accept}, timeout=timeout, stream=True
            ) as response:
                status = response.status_code
                if status == 429 or status >= 500:
                    raise TransientError(
                        f"HTTP {status} {response.reason}",
                        retry_after=retry_after_seconds(response.headers.get("Retry-After", "")),
                    )
                body = self._read_limited(response, deadline, url)
                headers = {name.lower(): value for name, value in response.headers.items()}
                return Answer(response.url, status, response.reason or "", headers, body)
        except requests.Timeout as exc:
            raise TransientError(f"no answer within {timeout:g} s") from exc
        except requests.exceptions.SSLError as exc:  # a bad certificate does not mend itself
            raise SourceError(self.source.name, f"{url}: TLS: {_cause(exc)}") from exc
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            if "timed out" in str(exc):
                raise TransientError(f"no answer within {timeout:g} s") from exc
            raise TransientError(f"cannot connect: {_cause(exc)}") from exc
        except (urllib3.exceptions.HTTPError, http.client.HTTPException) as exc:  # in the body
            if "timed out" in str(exc):
                raise TransientError(f"no answer within {timeout:g} s") from exc
            raise TransientError(f"answer cut off: {_cause(exc)}") from exc
        except requests.exceptions.InvalidSchema as exc:  # only a redirect can get here
            reason = f"redirected to a URL that is not http or https ({_cause(exc)})"
            raise SourceError(self.source.name, f"{url}: {reason}") from exc
        except requests.RequestException as exc:  # too many redirects…: no use retrying
            raise SourceError(self.source.name, f"{url}: {_cause(exc)}") from exc

    def _read_limited(self, response: requests.Response, deadline: float, url: str) -> bytes:
        """The body, refused as soon as it is over max_bytes (decoded bytes are counted, so a
        compressed bomb is caught too) or still arriving after the time-out."""
        limit = self.source.max_bytes
        declared = response.headers.get("Content-Length", "")
        compressed = "Content-Encoding" in response.headers  # the length is not the body's
        if declared.isdigit() and int(declared) > limit and not compressed:
            raise SourceError(
                self.source.name,
                f"{url}: answer of {int(declared):,} bytes is over max_bytes ({limit:,})",
            )
        chunks: list[bytes] = []
        size = 0
        for chunk in _arriving(response):
            size += len(chunk)
            if size > limit:
                raise SourceError(self.source.name, f"{url}: answer is over max_bytes ({limit:,})")
            if time.monotonic() > deadline:
                raise TransientError(
                    f"answer not complete within {self.source.timeout_seconds:g} s"
                )
            chunks.append(chunk)
        return b"".join(chunks)


def _arriving(response: requests.Response) -> Iterator[bytes]:
    """The decoded body as it arrives: read1 returns after one network read, so a server that
    trickles bytes still meets the deadline (iter_content waits until a chunk is full)."""
    raw = response.raw
    if not hasattr(raw, "read1"):  # urllib3 before 2.0
        yield from response.iter_content(_CHUNK_BYTES)
        return
    while chunk := raw.read1(_CHUNK_BYTES, decode_content=True):
        yield chunk


def _cause(exc: Exception) -> str:
    """The short reason inside requests' long nested messages ("Connection refused")."""
    text = str(exc)
    for pattern in (_ERRNO, _SSL):
        found = pattern.search(text)
        if found:
            return found.group(1).strip()
    if "Remote end closed connection" in text or "RemoteDisconnected" in text:
        return "connection closed without an answer"
    text = text.rpartition("Caused by ")[2].strip() or type(exc).__name__
    return text.splitlines()[0][:160]

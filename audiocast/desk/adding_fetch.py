"""The page of an article an editor adds by URL («Добавить статью»), fetched so that the desk
cannot be turned into a way into places it must not reach (server-side request forgery).

A URL typed into the desk is fetched by the desk's machine, which usually sits inside the
newsroom's network, beside the site's database, its WordPress admin and the cloud's metadata
service. So:

- Only http and https, no user name or password in the URL, at most MAX_URL_CHARS.
- Only the hosts of the site's own sources (`[[sources]]` in audiocast.toml, "www." or not) and
  those of `desk_local_hosts`, on ports 80 and 443 (or the port their entry names); any host
  on ports 80 and 443 when `desk_any_host = true`.
- Every address the host resolves to must be a public one: loopback, private, shared,
  reserved and the like are refused, IPv4 inside IPv6 (::ffff:127.0.0.1, 6to4, NAT64)
  included. A host listed in `desk_local_hosts` may resolve to loopback or a private address
  (the site's own WordPress on this machine or the LAN); link-local (169.254.169.254, the cloud
  metadata service), multicast and unspecified addresses never.
- The desk connects to the very address it checked, never resolving the name a second time
  (a name that answered a public address to the check and 127.0.0.1 to the connection would
  otherwise slip through: DNS rebinding). https is still verified against the host's name.
- Redirects are followed here, at most MAX_REDIRECTS, and each hop is checked as the first.
- The site sources' limits hold: TIMEOUT_SECONDS for the whole fetch, MAX_PAGE_BYTES of page
  (counted after decompression, so a compressed bomb is caught too).

Every refusal is a Refused with one Russian sentence for the page.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import urllib3
from requests.certs import where as certificates
from requests.utils import requote_uri

from audiocast.config import Settings
from audiocast.ingest.fetch import MAX_PAGE_BYTES, TIMEOUT_SECONDS
from audiocast.ingest.site.transport import USER_AGENT

MAX_REDIRECTS = 5
MAX_URL_CHARS = 2000
DEFAULT_PORTS = {"http": 80, "https": 443}
WEB_PORTS = frozenset(DEFAULT_PORTS.values())
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK_BYTES = 64 * 1024
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_LOCAL_HINT = (
    "Если это собственный WordPress сайта на этой машине или в локальной сети, впишите его в "
    "desk_local_hosts в audiocast.toml."
)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class Refused(Exception):
    """The URL may not be fetched, or its page could not be: one Russian sentence why."""


@dataclass(frozen=True)
class Place:
    """A host the desk may fetch from, and its port (None: 80 and 443)."""

    host: str  # lower case, IDNA ASCII; an IPv6 address without brackets
    port: int | None = None

    def admits(self, host: str, port: int) -> bool:
        same = host == self.host or _without_www(host) == _without_www(self.host)
        return same and (port in WEB_PORTS if self.port is None else port == self.port)

    @classmethod
    def of(cls, text: str) -> Place:
        """A Place from "host", "host:port", "[v6]:port" or an http(s) URL's host."""
        parts = urlsplit(text if "//" in text else f"//{text}")
        host = _ascii_host(parts.hostname or "")
        return cls(host, parts.port)


@dataclass(frozen=True)
class Policy:
    """Where the desk may fetch from: the sources' hosts (ALLOWED), the local ones (LOCAL,
    whose addresses may be loopback or private), or any public host (ANY_HOST)."""

    allowed: tuple[Place, ...] = ()
    local: tuple[Place, ...] = ()
    any_host: bool = False

    @classmethod
    def of(cls, settings: Settings) -> Policy:
        sources = tuple(Place.of(source.url) for source in settings.sources)
        local = tuple(Place.of(entry) for entry in settings.desk_local_hosts)
        return cls(sources, local, settings.desk_any_host)

    def is_local(self, host: str, port: int) -> bool:
        return any(place.admits(host, port) for place in self.local)

    def ports_of(self, host: str) -> set[int]:
        """The ports HOST may be fetched on (none: the host is not allowed)."""
        places = [p for p in self.allowed + self.local if p.admits(host, p.port or 80)]
        ports = {port for p in places for port in ((p.port,) if p.port else WEB_PORTS)}
        return ports | (set(WEB_PORTS) if self.any_host else set())

    def permits(self, host: str, port: int) -> bool:
        if self.any_host and port in WEB_PORTS:
            return True
        return any(place.admits(host, port) for place in self.allowed + self.local)


@dataclass(frozen=True)
class Target:
    """A URL checked against a Policy: where to connect, and what to ask for."""

    url: str
    scheme: str
    host: str
    port: int
    path: str  # with the query, percent-encoded
    addresses: tuple[str, ...]  # every one checked

    @property
    def host_header(self) -> str:
        shown = f"[{self.host}]" if ":" in self.host else self.host
        return shown if self.port == DEFAULT_PORTS[self.scheme] else f"{shown}:{self.port}"


@dataclass(frozen=True)
class Page:
    url: str  # the last hop, after redirects
    body: bytes
    content_type: str


def fetch_page(
    url: str, policy: Policy, *, timeout: float = TIMEOUT_SECONDS, max_bytes: int = MAX_PAGE_BYTES
) -> Page:
    """The page at URL, each hop checked against POLICY; Refused says why not."""
    deadline = time.monotonic() + timeout
    current = url.strip()
    for hop in range(MAX_REDIRECTS + 1):
        try:
            target = checked_target(current, policy)
        except Refused as exc:
            if hop == 0:
                raise
            raise Refused(f"Сайт перенаправил запрос на {_shown(current)}. {exc}") from None
        with _opened(target, deadline, timeout) as response:
            if response.status in _REDIRECTS:
                location = response.headers.get("Location", "").strip()
                if not location:
                    raise Refused(f"Сайт перенаправил запрос адреса {_shown(current)} в никуда.")
                current = urljoin(current, location)
                continue
            if response.status >= 400:
                status = f"{response.status} {response.reason or ''}".strip()
                raise Refused(f"Сайт ответил на адрес {_shown(current)} ошибкой {status}.")
            body = _read(response, deadline, timeout, max_bytes)
            return Page(current, body, response.headers.get("Content-Type", ""))
    raise Refused(f"Слишком много перенаправлений (больше {MAX_REDIRECTS}) с адреса "
                  f"{_shown(url)}.")  # fmt: skip


def checked_target(url: str, policy: Policy) -> Target:
    """URL as a Target that POLICY permits: scheme, host, port and every address checked."""
    if len(url) > MAX_URL_CHARS:
        raise Refused(f"Адрес длиннее {MAX_URL_CHARS} знаков.")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise Refused(f"Статью можно добавить только по адресу http:// или https://, а не "
                      f"{_shown(url)}.")  # fmt: skip
    if parts.username is not None or parts.password is not None:
        raise Refused("Адрес с именем пользователя или паролем стол не открывает.")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:
        raise Refused(f"В адресе {_shown(url)} неверный порт.") from None
    host = _ascii_host(parts.hostname or "")
    if not host:
        raise Refused(f"В адресе {_shown(url)} нет имени сайта.")
    if not policy.permits(host, port):
        raise Refused(_not_permitted(host, port, policy))
    addresses = _resolved(host, port)
    local = policy.is_local(host, port)
    for address in addresses:
        problem = address_problem(ipaddress.ip_address(address), local=local)
        if problem:
            hint = "" if local or problem in _NEVER else " " + _LOCAL_HINT
            raise Refused(f"Сайт «{host}» ведёт на адрес {address} ({problem}): туда стол не "
                          f"ходит.{hint}")  # fmt: skip
    path = requote_uri(parts.path or "/") + (f"?{requote_uri(parts.query)}" if parts.query else "")
    return Target(url, scheme, host, port, path, addresses)


# what no entry of desk_local_hosts makes reachable
_NEVER = ("нулевой адрес", "групповой адрес", "локальный адрес канала, как у метаданных облака")


def address_problem(address: Address, *, local: bool = False) -> str | None:
    """Why the desk may not connect to ADDRESS (a few Russian words), or None. LOCAL: the host
    is in desk_local_hosts, so loopback and private addresses are fine."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        return address_problem(embedded, local=local)
    if address.is_unspecified:
        return _NEVER[0]
    if address.is_multicast:
        return _NEVER[1]
    if address.is_link_local:
        return _NEVER[2]
    if local:
        return None
    if address.is_loopback:
        return "эта же машина, loopback"
    if address.is_private:
        return "частная сеть"
    if address.is_reserved:
        return "зарезервированный адрес"
    if not address.is_global:
        return "не публичный адрес"
    return None


def _embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (::ffff:a.b.c.d, 6to4, NAT64), which is where
    a connection to it ends up."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _not_permitted(host: str, port: int, policy: Policy) -> str:
    ports = policy.ports_of(host)
    if ports:
        allowed = " и ".join(map(str, sorted(ports)))
        return f"Порт {port} у сайта «{host}» стол не открывает: только {allowed}."
    if policy.any_host:
        return f"Порт {port} стол не открывает: только 80 и 443."
    return (
        f"Сайт «{host}» не из источников этого сайта: стол добавляет статьи только с них "
        "([[sources]] в audiocast.toml), с хостов из desk_local_hosts, а с любого сайта — если "
        "там указано desk_any_host = true."
    )


def _resolved(host: str, port: int) -> tuple[str, ...]:
    """Every address HOST has (an address itself is its own)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise Refused(f"Сайт «{host}» не найден: такого имени в DNS нет.") from None
    addresses = tuple(dict.fromkeys(str(item[4][0]).split("%")[0] for item in found))
    if not addresses:
        raise Refused(f"Сайт «{host}» не найден: такого имени в DNS нет.")
    return addresses


@contextmanager
def _opened(target: Target, deadline: float, timeout: float) -> Iterator[urllib3.BaseHTTPResponse]:
    """The answer to GET TARGET from the first of its checked addresses that takes the
    connection; closed after the block."""
    failure = "соединение не удалось"
    for address in target.addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        pool = _pool(target, address, remaining)
        try:
            response = pool.urlopen(
                "GET", target.path, redirect=False, retries=False, preload_content=False,
                decode_content=True, assert_same_host=False,
                headers={"Host": target.host_header, "User-Agent": USER_AGENT,
                         "Accept": "text/html,application/xhtml+xml",
                         "Accept-Encoding": "gzip, deflate"},
            )  # fmt: skip
        except (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError):
            pool.close()
            failure = "соединение не удалось"
            continue
        except urllib3.exceptions.SSLError as exc:
            pool.close()
            raise Refused(
                f"Сайт «{target.host}»: сертификат https не принят ({_cause(exc)})."
            ) from None
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            pool.close()
            raise Refused(_failed(target, timeout, exc)) from None
        try:
            yield response
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise Refused(_failed(target, timeout, exc)) from None
        finally:
            response.release_conn()
            pool.close()
        return
    raise Refused(f"С сайтом «{target.host}» не соединиться: {failure}.")


def _pool(target: Target, address: str, remaining: float) -> urllib3.HTTPConnectionPool:
    timeout = urllib3.Timeout(connect=min(remaining, 10.0), read=remaining)
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address, target.port, timeout=timeout, retries=False, maxsize=1,
            server_hostname=target.host, assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED", ca_certs=certificates(),
        )  # fmt: skip
    return urllib3.HTTPConnectionPool(address, target.port, timeout=timeout, retries=False,
                                      maxsize=1)  # fmt: skip


def _read(response: urllib3.BaseHTTPResponse, deadline: float, timeout: float, limit: int) -> bytes:
    """The body, refused as soon as it is over LIMIT or still arriving after the deadline."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit and "Content-Encoding" not in response.headers:
        raise Refused(_too_big(limit))
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read1(_CHUNK_BYTES, decode_content=True):
        size += len(chunk)
        if size > limit:
            raise Refused(_too_big(limit))
        if time.monotonic() > deadline:
            raise Refused(f"Страница не пришла целиком за {timeout:g} с.")
        chunks.append(chunk)
    return b"".join(chunks)


def _too_big(limit: int) -> str:
    return f"Страница больше {limit // (1024 * 1024)} МБ: стол такие не читает."


def _failed(target: Target, timeout: float, exc: Exception) -> str:
    if isinstance(exc, urllib3.exceptions.TimeoutError) or "timed out" in str(exc):
        return f"Сайт «{target.host}» не ответил за {timeout:g} с."
    return f"Сайт «{target.host}» оборвал ответ ({_cause(exc)})."


def _cause(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:160]


def _ascii_host(host: str) -> str:
    """HOST in lower case, a non-Latin name in its IDNA form ("" when it has none)."""
    host = host.strip().rstrip(".").lower()
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return ""


def _without_www(host: str) -> str:
    return host.removeprefix("www.")


def _shown(url: str) -> str:
    """URL as a page may quote it: one line, not too long."""
    text = " ".join(url.split())
    return "«" + (text if len(text) <= 100 else text[:99] + "…") + "»"

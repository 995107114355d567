"""«Добавить статью» against a real uvicorn: an article added by URL from a stand-in for the
site (a real http.server on loopback, listed in desk_local_hosts) or as a file is voiced into a
real episode whose link is the URL given; a URL to loopback, a private or link-local address,
another host or another scheme is refused before anything is fetched, and so is a redirect out
of the allowed site (the server it points to counts its requests: none); a 50 MB upload gets
413 at once; bad files, a viewer and a form without its token are refused with Russian words;
the JSON API does the same with a bearer token. Unit tests hold the address checks."""

from __future__ import annotations

import contextlib
import http.server
import ipaddress
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from audiocast.config import load_settings
from audiocast.desk.adding import INBOX
from audiocast.desk.adding_fetch import (
    Place,
    Policy,
    Refused,
    address_problem,
    checked_target,
    fetch_page,
)
from audiocast.desk.app import create_app
from audiocast.desk.commands import add_token
from audiocast.desk.gate import MAX_UPLOAD
from audiocast.desk.roles import VIEWER_REFUSED
from audiocast.episode.store import ARTICLE_FILE
from audiocast.errors import ConfigError
from audiocast.ingest.stored import read_stored_article
from tests.conftest import ARTICLES
from tests.desk.conftest import PASSWORDS, ROLES, page_token, run_cli, running, sign_in
from tests.desk.test_browser import (
    NO_SIDEWAYS_SCROLL,
    PHONE,
    open_page,
    sign_in_with_the_keyboard,
)

PAGE = (ARTICLES / "jnews-title-in-article.html").read_bytes()
PAGE_TITLE = "Баку и Киев переходят к делу"
NOTE_MD = "---\ntitle: Заметка из файла\n---\n\nКороткий текст заметки для проверки.\n"
NOTE_TXT = "Текстовая заметка\n\nОдин абзац простого текста для озвучивания.\n"
SHORT_TITLE = "Короткая новость"
SHORT_PAGE = (
    '<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Короткая новость - '
    "Minval</title></head><body><article><h1>Короткая новость</h1><p>В Баку открылась новая "
    "станция метро. Пассажиры уже оценили светлые залы.</p></article></body></html>"
).encode()


# -- the stand-ins: the site, and a server nobody may reach ------------------------------------


class Counted(http.server.BaseHTTPRequestHandler):
    """A server the desk must never reach: it counts what reaches it."""

    hits: list[str] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args) -> None:
        pass


class SiteHandler(http.server.BaseHTTPRequestHandler):
    """The site's own WordPress, on loopback: the article page, a redirect within the site and
    one out of it (to the counted server), a picture and a missing page."""

    forbidden_port = 0

    def do_GET(self) -> None:
        if self.path == "/news/1":
            self._answer(200, "text/html; charset=utf-8", PAGE)
        elif self.path == "/news/2":
            self._answer(200, "text/html; charset=utf-8", SHORT_PAGE)
        elif self.path == "/moved":
            self._redirect("/news/1")
        elif self.path == "/out":
            self._redirect(f"http://127.0.0.1:{self.forbidden_port}/secret")
        elif self.path == "/picture":
            self._answer(200, "image/png", b"\x89PNG\r\n\x1a\n")
        else:
            self._answer(404, "text/html", b"<p>nothing</p>")

    def _answer(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def serving(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class AddingSite:
    url: str
    root: Path
    app: object
    site_port: int  # the stand-in WordPress, in desk_local_hosts
    forbidden_port: int  # a loopback server nobody lists

    @property
    def origin(self) -> dict[str, str]:
        return {"Origin": self.url.rstrip("/")}

    @property
    def desk(self):
        return self.app.state.desk  # type: ignore[attr-defined]

    def job_count(self) -> int:
        return len(self.desk.jobs.recent_jobs(1000))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[AddingSite]:
    root = tmp_path_factory.mktemp("adding-site")
    with serving(Counted) as forbidden, serving(SiteHandler) as port:
        SiteHandler.forbidden_port = forbidden
        (root / "audiocast.toml").write_text(
            'show = "Minval Politika"\nepisodes_dir = "episodes"\ncache_dir = "cache"\n'
            f'timezone = "Asia/Baku"\ndesk_local_hosts = ["127.0.0.1:{port}"]\n',
            encoding="utf-8",
        )
        settings = load_settings(root)
        for name in ("anna", "vera"):
            assert run_cli("--site", str(root), "desk", "user", "add", name, "--role",
                           ROLES[name], stdin=PASSWORDS[name] + "\n") == 0  # fmt: skip
        app = create_app(settings, warm_up=False)
        with running(app) as url:
            yield AddingSite(url, root, app, port, forbidden)


@contextlib.contextmanager
def signed_in(site: AddingSite, name: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=site.url, follow_redirects=False, timeout=60) as web:
        assert sign_in(web, name).status_code == 303
        yield web


@pytest.fixture(scope="module")
def anna(site) -> Iterator[httpx.Client]:
    with signed_in(site, "anna") as web:
        yield web


def add(web: httpx.Client, site: AddingSite, url: str = "", file=None, **fields) -> httpx.Response:
    token = page_token(web.get("/articles/add").text)
    data = {"csrf_token": token, "url": url, **fields}
    files = {"file": file} if file else {"file": ("", b"", "application/octet-stream")}
    return web.post("/articles/add", data=data, files=files, headers=site.origin)


def problem_of(answer: httpx.Response) -> str:
    assert answer.status_code == 400, (answer.status_code, answer.text[:500])
    assert "Traceback" not in answer.text
    start = answer.text.index('id="adding-problem">') + len('id="adding-problem">')
    return answer.text[start : answer.text.index("</p>", start)]


def finished_job(site: AddingSite, job_id: int, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while not (job := site.desk.jobs.job(job_id)).finished:
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
    return job


def job_of(answer: httpx.Response) -> int:
    assert answer.status_code == 303, (answer.status_code, answer.text[:500])
    location = answer.headers["location"]
    assert location.startswith("/jobs/#job-") and location.endswith("-title")
    return int(location.removeprefix("/jobs/#job-").removesuffix("-title"))


def stored(site: AddingSite, episode: str):
    return read_stored_article(site.root / "episodes" / episode / ARTICLE_FILE)


# -- by URL -------------------------------------------------------------------------------------


def test_an_article_of_the_site_is_added_by_url_and_voiced(site, anna):
    page = anna.get("/articles/")
    assert 'action="/articles/add"' in page.text and "Добавить статью" in page.text
    given = f"http://127.0.0.1:{site.site_port}/moved"  # a redirect within the site: followed
    job_id = job_of(add(anna, site, given, voice="ru-espeak"))
    jobs = anna.get("/jobs/").text
    assert f'id="job-{job_id}-title"' in jobs and PAGE_TITLE in jobs  # the title while it waits
    job = finished_job(site, job_id)
    assert job.state == "done", job.message
    assert job.requested_by == "anna" and job.arguments["voice"] == "ru-espeak"
    article = stored(site, job.result)
    assert article.title == PAGE_TITLE and article.url == given  # the link is the URL given
    assert (site.root / "episodes" / job.result / "episode.mp3").stat().st_size > 10_000
    assert PAGE_TITLE in anna.get(f"/articles/{job.result}/").text
    inbox = list((site.root / "episodes" / INBOX).glob("*.json"))
    assert any(read_stored_article(path).url == given for path in inbox)
    journal = anna.get("/journal/").text
    assert "добавлена статья" in journal and given in journal


REFUSED = [
    # (URL, words of the message); {desk}, {site}, {forbidden}: the ports
    ("http://127.0.0.1:{desk}/articles/", "Порт"),
    ("http://127.0.0.1:{forbidden}/secret", "Порт"),
    ("http://10.0.0.1/", "не из источников"),
    ("http://[::1]:{site}/news/1", "не из источников"),
    ("http://169.254.169.254/latest/meta-data/", "не из источников"),
    ("http://localhost:{site}/news/1", "не из источников"),
    ("http://minval.az/news/1", "не из источников"),
    ("http://127.0.0.1:{site}/out", "Сайт перенаправил запрос на «http://127.0.0.1:{forbidden}"),
    ("http://anna:secret@127.0.0.1:{site}/news/1", "именем пользователя или паролем"),
    ("file:///etc/passwd", "только по адресу http:// или https://"),
    ("ftp://127.0.0.1:{site}/news/1", "только по адресу http:// или https://"),
    ("javascript:alert(1)", "только по адресу http:// или https://"),
    ("http://127.0.0.1:{site}/picture", "не страница HTML"),
    ("http://127.0.0.1:{site}/missing", "ошибкой 404"),
]


def test_urls_outside_the_allowed_hosts_are_refused_before_anything_is_fetched(site, anna):
    ports = {"desk": httpx.URL(site.url).port, "site": site.site_port,
             "forbidden": site.forbidden_port}  # fmt: skip
    jobs = site.job_count()
    started = time.monotonic()
    for url, words in REFUSED:
        url = url.format(**ports)
        message = problem_of(add(anna, site, url))
        assert words.format(**ports) in message, (url, message)
    assert time.monotonic() - started < 10  # nothing waited for an address that does not answer
    assert Counted.hits == []  # the redirect out was never followed
    assert site.job_count() == jobs


def test_a_local_address_is_refused_even_when_any_host_is_allowed():
    policy = Policy(any_host=True)
    for url in ("http://127.0.0.1/", "http://10.0.0.1/", "http://[::1]/", "http://localhost/",
                "http://169.254.169.254/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/",
                "http://2130706433/", "http://192.168.0.1/"):  # fmt: skip
        started = time.monotonic()
        with pytest.raises(Refused, match="туда стол не ходит"):
            checked_target(url, policy)
        assert time.monotonic() - started < 1, url
    with pytest.raises(Refused, match="Порт 8080"):
        checked_target("http://example.com:8080/", policy)


def test_https_is_verified_against_the_name_while_the_checked_address_is_dialled(tmp_path):
    """The desk connects to the address it checked, yet checks the certificate for the host's
    name: a self-signed one is refused."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem"),
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
        check=True, capture_output=True,
    )  # fmt: skip
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SiteHandler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        policy = Policy(local=(Place("localhost", port),))
        with pytest.raises(Refused, match="сертификат https не принят.*self-signed"):
            fetch_page(f"https://localhost:{port}/news/1", policy)
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("address", "refused", "refused_when_local"),
    [
        ("8.8.8.8", False, False),
        ("2a00:1450:4001:80e::200e", False, False),
        ("127.0.0.1", True, False),
        ("127.255.0.9", True, False),
        ("::1", True, False),
        ("10.0.0.1", True, False),
        ("172.16.5.4", True, False),
        ("192.168.1.1", True, False),
        ("fd00::1", True, False),
        ("100.64.0.1", True, False),  # shared address space (carrier NAT)
        ("240.0.0.1", True, False),  # reserved
        ("::ffff:127.0.0.1", True, False),  # IPv4-mapped
        ("::ffff:10.0.0.1", True, False),
        ("2002:7f00:1::", True, False),  # 6to4 of 127.0.0.1
        ("64:ff9b::a00:1", True, False),  # NAT64 of 10.0.0.1
        ("64:ff9b::808:808", False, False),  # NAT64 of 8.8.8.8
        ("169.254.169.254", True, True),  # the cloud's metadata: never
        ("fe80::1", True, True),
        ("::ffff:169.254.169.254", True, True),
        ("0.0.0.0", True, True),
        ("::", True, True),
        ("224.0.0.1", True, True),
        ("ff02::1", True, True),
    ],
)
def test_address_checks(address, refused, refused_when_local):
    parsed = ipaddress.ip_address(address)
    assert (address_problem(parsed) is not None) is refused
    assert (address_problem(parsed, local=True) is not None) is refused_when_local


def test_the_allowed_hosts_come_from_the_sources_and_the_local_list(tmp_path):
    (tmp_path / "audiocast.toml").write_text(
        'desk_local_hosts = ["wp.lan", "[::1]:8081"]\n'
        '[[sources]]\nname = "minval"\nkind = "wordpress"\nurl = "https://minval.az/"\n'
        '[[sources]]\nname = "feed"\nkind = "feed"\nurl = "http://news.example:8080/feed"\n',
        encoding="utf-8",
    )
    policy = Policy.of(load_settings(tmp_path))
    assert policy.permits("minval.az", 443) and policy.permits("www.minval.az", 80)
    assert not policy.permits("minval.az", 8443) and not policy.permits("evil.az", 443)
    assert policy.permits("news.example", 8080) and not policy.permits("news.example", 443)
    assert policy.is_local("wp.lan", 80) and not policy.is_local("minval.az", 443)
    assert policy.is_local("::1", 8081) and not policy.is_local("::1", 80)
    assert Place.of("ПРИМЕР.рф").host == "xn--e1afmkfd.xn--p1ai"


def test_a_bad_local_host_in_the_settings_is_named(tmp_path):
    (tmp_path / "audiocast.toml").write_text(
        'desk_local_hosts = ["http://wp.lan/", "ok.lan:80"]\ndesk_any_host = "yes"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path)
    assert "desk_local_hosts: 'http://wp.lan/'" in str(caught.value)
    assert "desk_any_host must be true or false" in str(caught.value)


# -- by file ------------------------------------------------------------------------------------


def test_files_are_added_and_voiced(site, anna):
    markdown = job_of(add(anna, site, file=("заметка.md", NOTE_MD.encode(), "text/markdown")))
    text = job_of(add(anna, site, file=("folder/note.txt", NOTE_TXT.encode(), "text/plain")))
    page = job_of(add(anna, site, file=("page.html", SHORT_PAGE, "text/html")))
    titles = {markdown: "Заметка из файла", text: "Текстовая заметка", page: SHORT_TITLE}
    for job_id, title in titles.items():
        job = finished_job(site, job_id)
        assert job.state == "done", job.message
        article = stored(site, job.result)
        assert article.title == title and article.url == ""
    assert stored(site, finished_job(site, text).result).file_identity == "desk-upload/note.txt"


BAD_FILES = [
    (("empty.md", b"", "text/markdown"), "пустой"),
    (("blank.txt", b"  \n\n ", "text/plain"), "пустой"),
    (("virus.exe", b"MZ\x90\x00", "application/octet-stream"), "только из файлов .html"),
    (("no-suffix", b"text", "text/plain"), "только из файлов"),
    ((("undecodable.txt", (ARTICLES / "bad" / "undecodable.txt").read_bytes(), "text/plain")),
     "не в кодировке UTF-8"),
    (("no-title.json", (ARTICLES / "bad" / "no-title.json").read_bytes(), "application/json"),
     "нет заголовка"),
    (("broken.json", b"{not json", "application/json"), "это не JSON"),
    (("image-only.html", (ARTICLES / "bad" / "image-only.html").read_bytes(), "text/html"),
     "не найден текст"),
]  # fmt: skip


def test_bad_files_and_forms_are_refused_in_russian(site, anna):
    jobs = site.job_count()
    for file, words in BAD_FILES:
        message = problem_of(add(anna, site, file=file))
        assert words in message, (file[0], message)
    both = add(anna, site, f"http://127.0.0.1:{site.site_port}/news/1",
               file=("a.md", NOTE_MD.encode(), "text/markdown"))  # fmt: skip
    assert "не то и другое" in problem_of(both)
    assert "Укажите адрес статьи или выберите файл" in problem_of(add(anna, site))
    hostile = problem_of(add(anna, site, "<script>alert(1)</script>"))
    assert "&lt;script&gt;" in hostile and "<script>alert" not in hostile
    voice = add(anna, site, file=("a.md", NOTE_MD.encode(), "text/markdown"), voice="az-espeak")
    assert "не говорит на языке статьи «ru»" in problem_of(voice)
    assert 'value="<' not in voice.text  # the URL kept in the form is escaped too
    assert site.job_count() == jobs


def test_a_50_mb_upload_is_refused_at_once(site, anna):
    token = page_token(anna.get("/articles/add").text)
    cookie = "; ".join(f"{name}={value}" for name, value in anna.cookies.items())
    url = httpx.URL(site.url)
    started = time.monotonic()
    with socket.create_connection((url.host, url.port), timeout=5) as raw:
        raw.sendall(
            b"POST /articles/add HTTP/1.1\r\nHost: " + f"{url.host}:{url.port}".encode()
            + b"\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: "
            + str(50 * 1024 * 1024).encode() + b"\r\nCookie: " + cookie.encode()
            + b"\r\nX-CSRF-Token: " + token.encode() + b"\r\n\r\n--x\r\n"
        )  # fmt: skip
        answer = b""
        while b"</html>" not in answer and (chunk := raw.recv(65536)):
            answer += chunk
    assert time.monotonic() - started < 1  # refused on its Content-Length, nothing read
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), head
    assert f"Файл больше {MAX_UPLOAD // 2**20} МБ".encode() in body


def test_a_50_mb_upload_without_a_length_is_cut_off(site, anna):
    token = page_token(anna.get("/articles/add").text)

    def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked, counted as it comes
        yield b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n'
        for _ in range(50):
            yield b"a" * 2**20

    started = time.monotonic()
    answer = anna.post("/articles/add", content=chunks(), headers=site.origin | {
        "Content-Type": "multipart/form-data; boundary=x", "X-CSRF-Token": token})  # fmt: skip
    assert answer.status_code == 413 and "Файл больше" in answer.text
    assert time.monotonic() - started < 5


def test_an_editor_adds_an_article_on_a_phone_with_the_keyboard(browser, site):
    context, page, problems = open_page(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        sign_in_with_the_keyboard(page, site.url)
        summary = page.locator("summary", has_text="Добавить статью")
        summary.focus()
        page.keyboard.press("Enter")  # the form opens
        field = page.get_by_label("Адрес статьи")
        expect(field).to_be_visible()
        assert page.evaluate(NO_SIDEWAYS_SCROLL)
        field.fill("http://10.0.0.1/")
        page.keyboard.press("Enter")
        page.wait_for_url(site.url + "articles/add")
        expect(page.get_by_role("alert")).to_contain_text("не из источников")
        assert page.evaluate(NO_SIDEWAYS_SCROLL)
        expect(page.get_by_label("Адрес статьи")).to_have_value("http://10.0.0.1/")
        page.get_by_label("Адрес статьи").fill(f"http://127.0.0.1:{site.site_port}/news/2")
        page.get_by_label("Голос").select_option("ru-espeak")
        page.keyboard.press("Enter")
        page.wait_for_url(site.url + "jobs/#job-*")
        title = page.locator(".desk-job-title").first
        expect(title).to_contain_text(SHORT_TITLE)
        expect(page.get_by_role("link", name="Открыть статью").first).to_be_visible(timeout=60_000)
        refused = "the server responded with a status of 400"  # the refusal's own page
        assert [problem for problem in problems if refused not in problem] == [], problems
    finally:
        context.close()


# -- who may add --------------------------------------------------------------------------------


def test_a_viewer_sees_no_form_and_is_refused(site):
    jobs = site.job_count()
    with signed_in(site, "vera") as vera:
        assert "/articles/add" not in vera.get("/articles/").text
        assert vera.get("/articles/add").status_code == 403
        token = page_token(vera.get("/articles/").text)
        refused = vera.post("/articles/add", headers=site.origin, data={
            "csrf_token": token, "url": f"http://127.0.0.1:{site.site_port}/news/1"})  # fmt: skip
        assert refused.status_code == 403 and VIEWER_REFUSED in refused.text
    assert site.job_count() == jobs


def test_a_form_without_its_token_or_from_elsewhere_is_refused(site, anna):
    jobs = site.job_count()
    url = f"http://127.0.0.1:{site.site_port}/news/1"
    bare = anna.post("/articles/add", data={"url": url}, headers=site.origin)
    assert bare.status_code == 403 and "Запрос отклонён" in bare.text
    token = page_token(anna.get("/articles/add").text)
    elsewhere = anna.post("/articles/add", data={"url": url, "csrf_token": token},
                          headers={"Origin": "https://evil.example"})  # fmt: skip
    assert elsewhere.status_code == 403
    assert site.job_count() == jobs


# -- the API ------------------------------------------------------------------------------------


def test_the_api_adds_by_url_and_by_file_with_a_bearer_token(site):
    tokens = {
        name: add_token(load_settings(site.root), name, "tests")[0] for name in ("anna", "vera")
    }
    url = f"http://127.0.0.1:{site.site_port}/news/2"
    with httpx.Client(base_url=site.url, timeout=60,
                      headers={"Authorization": f"Bearer {tokens['anna']}"}) as bot:  # fmt: skip
        started = bot.post("/api/articles", json={"url": url})
        assert started.status_code == 202, started.text
        assert started.json()["title"] == SHORT_TITLE
        job_id = started.json()["job"]
        assert started.json()["url"] == f"/api/jobs/{job_id}"
        uploaded = bot.post("/api/articles", files={"file": ("n.txt", NOTE_TXT.encode())})
        assert uploaded.status_code == 202, uploaded.text
        for answer, status, words in (
            (bot.post("/api/articles", json={"url": "http://10.0.0.1/"}), 400, "не из источников"),
            (bot.post("/api/articles", json={"url": "file:///etc/passwd"}), 400, "http://"),
            (bot.post("/api/articles", json={}), 400, "Укажите адрес"),
            (bot.post("/api/articles", json={"url": url, "x": 1}), 400, "unknown field"),
            (bot.post("/api/articles", json={"url": 5}), 400, "must be a string"),
        ):  # fmt: skip
            assert answer.status_code == status, answer.text
            assert words in answer.json()["error"] and "Traceback" not in answer.text
        job = bot.get(f"/api/jobs/{job_id}").json()
        assert job["kind"] == "voice" and job["requested_by"] == "anna"
    with httpx.Client(base_url=site.url, timeout=30,
                      headers={"Authorization": f"Bearer {tokens['vera']}"}) as vera:  # fmt: skip
        refused = vera.post("/api/articles", json={"url": url})
        assert refused.status_code == 403 and VIEWER_REFUSED in refused.json()["error"]
    assert finished_job(site, job_id).state == "done"
    assert finished_job(site, uploaded.json()["job"]).state == "done"

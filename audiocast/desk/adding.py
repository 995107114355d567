"""«Добавить статью»: an editor adds an article to the desk by its URL or as a file, and it is
voiced as a job (docs/desk.md, "Adding an article").

    GET  /articles/add     the form (editors); the articles page carries it too
    POST /articles/add     url | file (one of them), voice (optional), csrf_token
    POST /api/articles     {"url": …, "voice": …} as JSON, or the form's fields as multipart

The article is read here, in the request, so that what cannot be added is said at once on the
page: a URL through adding_fetch.py (only the site's own hosts, never a local address unless
desk_local_hosts says so, every redirect checked), a file by its suffix with ingest's readers.
It is then kept as a stored article (ingest/stored.py) in the desk's inbox,
episodes/.desk-inbox/<its SHA-256>.json (hidden: the store and the build skip it), written
atomically, and a voice job is queued whose article is {"title": …, "inbox": that name}
(job_arguments.py): the job reads the file by a name checked against a pattern, never by a
path or URL that came from the browser. The article's link stays the URL given, so an article
the site's sync knows becomes the same episode. Files in the inbox older than INBOX_DAYS are
removed as the next article is added.

Bodies: gate.py lets the UPLOAD_PATHS send up to MAX_UPLOAD of file (413 past it, before a byte
is read when Content-Length says so); every other field is limited here.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, replace
from pathlib import Path, PurePath
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from audiocast.config import Settings
from audiocast.desk import api_json, journal
from audiocast.desk.adding_fetch import MAX_URL_CHARS, Policy, Refused, fetch_page
from audiocast.desk.gate import MAX_UPLOAD, UPLOAD_TOO_BIG
from audiocast.desk.job_arguments import INBOX_NAME
from audiocast.desk.job_records import JobError
from audiocast.desk.roles import editor_only
from audiocast.errors import ArticleError, AudiocastError, ConfigError
from audiocast.files import write_atomically
from audiocast.ingest import ARTICLE_SUFFIXES
from audiocast.model import Article

ADD_PATH = "/articles/add"
INBOX = ".desk-inbox"  # in the episodes folder: hidden, so neither the store nor a build reads it
INBOX_DAYS = 30
SUFFIXES = ARTICLE_SUFFIXES  # the kinds of article file ingest reads
MAX_FIELD_CHARS = 2000  # url, voice, the file's name
_HTML_TYPES = ("text/html", "application/xhtml+xml")
# ingest's reasons, as the page says them
_REASONS = {
    "no title": "в ней нет заголовка",
    "no body text found": "в ней не найден текст",
    "empty file": "файл пустой",
    "not UTF-8 text": "текст не в кодировке UTF-8",
    "not valid JSON": "это не JSON",
    "JSON must be an object": "в JSON нет объекта с полями title и body",
    "article is": "статья длиннее max_article_chars из audiocast.toml",
}


class NotAdded(Exception):
    """The article cannot be added: one Russian sentence why."""


@dataclass(frozen=True)
class Given:
    """What the editor gave: a URL, or a file's name and bytes; and a voice, if chosen."""

    url: str = ""
    file_name: str = ""
    data: bytes = b""
    voice: str = ""


@dataclass(frozen=True)
class Added:
    job: int
    title: str


# -- the pages --------------------------------------------------------------------------------


@editor_only
def add_form(request: Request) -> Response:
    return _form_page(request)


@editor_only
async def add(request: Request) -> Response:
    """The form: the job queued, then 303 to «Задания» at that job; otherwise the form again
    with what is wrong (400)."""
    try:
        given = await _given_of_form(request)
    except NotAdded as exc:
        return await run_in_threadpool(_form_page, request, 400, str(exc))
    try:
        added = await run_in_threadpool(add_article, request, given)
    except NotAdded as exc:
        return await run_in_threadpool(_form_page, request, 400, str(exc), given)
    return RedirectResponse(f"/jobs/#job-{added.job}-title", 303)


def _form_page(
    request: Request, status: int = 200, problem: str = "", given: Given | None = None
) -> Response:
    desk = request.app.state.desk
    voices, voice_problem = _all_voices(desk.settings)
    given = given or Given()
    return desk.pages.page(
        request, "adding.html.j2", status, section="articles", problem=problem,
        voice_problem=voice_problem, voices=voices, url=given.url, selected=given.voice,
        max_mb=MAX_UPLOAD // (1024 * 1024), suffixes=SUFFIXES,
    )  # fmt: skip


def _all_voices(settings: Settings) -> tuple[list[Any], str]:
    from audiocast.speech.voices import load_voices

    try:
        voices = load_voices(settings.voices_dir)
    except ConfigError as exc:
        return [], f"Голоса сайта не прочитать: {exc}"
    return sorted(voices.values(), key=lambda v: (v.language, v.name)), ""


async def _given_of_form(request: Request) -> Given:
    """The form's fields (multipart or urlencoded), each checked for size."""
    try:
        form = await request.form(max_files=1, max_fields=8, max_part_size=64 * 1024)
    except HTTPException:  # more fields or files than the form has, or a field too long
        raise NotAdded(
            "Форма не та: в ней больше полей или файлов, чем у «Добавить статью»."
        ) from None
    try:
        url, voice = _field(form.get("url")), _field(form.get("voice"))
        upload = form.get("file")
        if isinstance(upload, UploadFile) and (upload.filename or upload.size):
            data = await upload.read(MAX_UPLOAD + 1)
            return _given(url, voice, upload.filename or "", data, True)
        return _given(url, voice, "", b"", False)
    finally:
        await form.close()


def _field(value: object) -> str:
    if value is None or isinstance(value, UploadFile):
        return ""
    text = str(value).strip()
    if len(text) > MAX_FIELD_CHARS:
        raise NotAdded(f"Поле длиннее {MAX_FIELD_CHARS} знаков.")
    return text


def _given(url: str, voice: str, name: str, data: bytes, has_file: bool) -> Given:
    if url and has_file:
        raise NotAdded("Дайте либо адрес статьи, либо файл: не то и другое сразу.")
    if not url and not has_file:
        raise NotAdded("Укажите адрес статьи или выберите файл.")
    if len(data) > MAX_UPLOAD:
        raise NotAdded(UPLOAD_TOO_BIG)
    return Given(url=url, file_name=_safe_name(name) if has_file else "", data=data, voice=voice)


def _safe_name(name: str) -> str:
    """The file's own name, without the folders a browser may send, on one line."""
    base = PurePath(name.replace("\\", "/")).name
    base = " ".join(base.split())[:200]
    return base or "статья"


# -- the API ----------------------------------------------------------------------------------


@editor_only
@api_json.api_endpoint
async def add_api(request: Request) -> Response:
    """POST /api/articles: as the form, answered 202 with the job to follow."""
    content_type = request.headers.get("content-type", "").lower()
    try:
        if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
            given = await _given_of_form(request)
        else:
            body = await api_json.json_body(request)
            api_json.unknown_fields(body, {"url", "voice"})
            url = api_json.text_field(body, "url", MAX_URL_CHARS).strip()
            given = _given(url, api_json.text_field(body, "voice", 100).strip(), "", b"", False)
        added = await run_in_threadpool(add_article, request, given)
    except NotAdded as exc:
        raise api_json.Problem(400, str(exc)) from None
    return api_json.answer({"job": added.job, "url": f"{api_json.API}/jobs/{added.job}",
                       "title": added.title}, 202)  # fmt: skip


# -- adding -----------------------------------------------------------------------------------


def add_article(request: Request, given: Given) -> Added:
    """GIVEN read into an Article, kept in the inbox and queued for voicing under the signed-in
    user; NotAdded says why not."""
    desk = request.app.state.desk
    settings: Settings = desk.settings
    article = read_given(settings, given)
    voice = _checked_voice(settings, given.voice, article.language)
    name = keep_in_inbox(settings, article)
    user = request.state.user.name
    reference = {"title": article.title, "inbox": name}
    try:
        job = desk.jobs.enqueue("voice", {"article": reference, "voice": voice}, user)
    except (JobError, AudiocastError) as exc:
        raise NotAdded(f"Задание не начато: {exc}") from None
    subject = given.url or given.file_name
    desk.journal.record(user, journal.ADDED, subject, f"{article.title} (задание №{job})")
    return Added(job, article.title)


def read_given(settings: Settings, given: Given) -> Article:
    """The Article at GIVEN's URL or in its file; NotAdded says why not."""
    try:
        if given.url:
            return _article_of_url(settings, given.url)
        return _article_of_file(settings, given.file_name, given.data)
    except Refused as exc:
        raise NotAdded(str(exc)) from None
    except ArticleError as exc:
        what = f"по адресу «{given.url[:100]}»" if given.url else f"из файла «{given.file_name}»"
        raise NotAdded(f"Статью {what} не прочитать: {_reason(exc.reason)}.") from None


def _article_of_url(settings: Settings, url: str) -> Article:
    from audiocast.ingest import content_type_charset
    from audiocast.ingest.common import finish_article
    from audiocast.ingest.html import read

    page = fetch_page(url, Policy.of(settings))
    media = page.content_type.split(";")[0].strip().lower()
    if media and media not in _HTML_TYPES:
        raise Refused(f"По адресу «{url[:100]}» не страница HTML, а «{media[:60]}».")
    fields = read(url, page.body, content_type_charset(page.content_type))
    article = finish_article(fields, settings, fallback_time=None)
    return replace(article, url=url)  # the link is the URL the editor gave


def _article_of_file(settings: Settings, name: str, data: bytes) -> Article:
    from audiocast.ingest import reader_for
    from audiocast.ingest.common import finish_article

    suffix = PurePath(name).suffix.lower()
    if suffix not in SUFFIXES:
        allowed = ", ".join(SUFFIXES)
        raise NotAdded(f"Файл «{name}»: стол читает статьи только из файлов {allowed}.")
    if not data.strip():
        raise NotAdded(f"Файл «{name}» пустой.")
    fields = reader_for(suffix)(name, data, None)
    fields.file_identity = f"desk-upload/{name}"  # the same name again: the same episode
    return finish_article(fields, settings, fallback_time=time.time())


def _reason(reason: str) -> str:
    for start, said in _REASONS.items():
        if reason.startswith(start):
            return said
    return reason


def _checked_voice(settings: Settings, voice: str, language: str) -> str | None:
    """VOICE if it speaks LANGUAGE (None: the site's voice for it, if it has one)."""
    from audiocast.desk.voicing import voices_for

    try:
        names = [profile.name for profile in voices_for(settings, language)]
    except ConfigError as exc:
        raise NotAdded(f"Голоса сайта не прочитать: {exc}") from None
    if not names:
        raise NotAdded(f"У сайта нет голоса для языка статьи «{language}».")
    if not voice:
        return None
    if voice not in names:
        raise NotAdded(f"Голос «{voice[:60]}» не говорит на языке статьи «{language}»: "
                       f"можно {', '.join(names)}.")  # fmt: skip
    return voice


# -- the inbox --------------------------------------------------------------------------------


def inbox_folder(settings: Settings) -> Path:
    return settings.episodes_dir / INBOX


def keep_in_inbox(settings: Settings, article: Article) -> str:
    """ARTICLE as a stored article in the inbox, written atomically; its name."""
    from audiocast.ingest.stored import stored_article_json

    text = stored_article_json(article).encode("utf-8")
    name = hashlib.sha256(text).hexdigest()
    folder = inbox_folder(settings)
    _forget_old(folder)
    write_atomically(folder / f"{name}.json", text)
    return name


def inbox_article(settings: Settings, name: str) -> Article:
    """The article kept in the inbox under NAME (a job's; checked again here)."""
    from audiocast.ingest.stored import read_stored_article

    if not INBOX_NAME.fullmatch(name):
        raise ArticleError(name[:80], "not an article of the desk's inbox")
    path = inbox_folder(settings) / f"{name}.json"
    if not path.is_file():
        raise ArticleError(name, "the added article is no longer in the desk's inbox")
    return read_stored_article(path)


def _forget_old(folder: Path) -> None:
    """Remove what was added more than INBOX_DAYS ago (voiced, or failed, long since)."""
    if not folder.is_dir():
        return
    before = time.time() - INBOX_DAYS * 86400
    for path in folder.glob("*.json"):
        try:
            if path.stat().st_mtime < before:
                path.unlink()
        except OSError:
            continue

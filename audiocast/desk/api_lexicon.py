"""The lexicon through the JSON API: list and search the entries, add, change and delete one,
and hear a sample, as «Словарь»'s page does (lexicon_views.py, lexicon_site.SiteLexicon: the
same checks, the version check, the atomic write, the journal)."""

from __future__ import annotations

import math
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from audiocast.desk import articles as listing
from audiocast.desk.api_json import (
    API,
    Problem,
    answer,
    api_endpoint,
    desk_of,
    json_body,
    page_number,
    text_field,
    unknown_fields,
)  # fmt: skip
from audiocast.desk.lexicon_articles import articles_with
from audiocast.desk.lexicon_contents import Entry
from audiocast.desk.lexicon_entry import Refused
from audiocast.desk.lexicon_file import shown_path
from audiocast.desk.roles import editor_only

LEXICON_PAGE_SIZE = 100
LEXICON_SAMPLE = "/api/lexicon/sample"  # POST: speak a sample; GET ?key=: its WAV


@api_endpoint
async def lexicon(request: Request) -> Response:
    return await run_in_threadpool(_lexicon, request)


def _lexicon(request: Request) -> Response:
    from audiocast.desk import lexicon_views  # the page's own SiteLexicon, made on first use

    text = " ".join(request.query_params.get("q", "").split())[:100]
    number = page_number(request.query_params.get("page"))
    contents = lexicon_views.lexicon_desk(request).site.contents()
    needle = _searchable(text)
    entries = [
        entry for entry in contents.entries()
        if needle in _searchable(entry.written) or needle in _searchable(entry.spoken)
    ]  # fmt: skip
    pages = max(1, math.ceil(len(entries) / LEXICON_PAGE_SIZE))
    number = min(number, pages)
    shown = entries[(number - 1) * LEXICON_PAGE_SIZE : number * LEXICON_PAGE_SIZE]
    return answer({
        "entries": [_entry_json(e) for e in shown],
        "page": number, "pages": pages, "total": len(entries),
        "problem": contents.problem,
        "version": contents.version, "file": shown_path(desk_of(request).settings, contents.path),
    })  # fmt: skip


def _entry_json(entry: Entry) -> dict[str, Any]:
    return {"written": entry.written, "spoken": entry.spoken, "site": not entry.origin,
            "origin": entry.origin or None, "overrides": entry.overrides or None}  # fmt: skip


# Changing the lexicon: what «Словарь»'s forms do (lexicon_site.SiteLexicon: the same checks,
# the version check, the atomic write, the journal), with JSON in and out. A Refused is its
# status (400 a bad entry, 409 a stale version or a file that does not load, 503 no voice) and
# its Russian sentence, with the loader's own words after it when they are the reason.
LEXICON_FIELD = 1000  # characters a text field may carry here; checked_entry's limits follow


def _refused(refused: Refused) -> Problem:
    return Problem(refused.status, refused.said)


def _version(body: dict[str, Any]) -> str:
    version = text_field(body, "version", 100)
    if not version:
        raise Problem(400, f"version is required: the file's version from GET {API}/lexicon")
    return version


@editor_only
@api_endpoint
async def lexicon_save(request: Request) -> Response:
    """Add an entry (no `original`) or change the entry written `original`."""
    body = await json_body(request)
    unknown_fields(body, {"written", "spoken", "original", "version"})
    values = [text_field(body, name, LEXICON_FIELD) for name in ("written", "spoken", "original")]
    version = _version(body)
    return await run_in_threadpool(_lexicon_change, request, "save", *values, version)


@editor_only
@api_endpoint
async def lexicon_delete(request: Request) -> Response:
    body = await json_body(request)
    unknown_fields(body, {"written", "version"})
    written = text_field(body, "written", LEXICON_FIELD)
    version = _version(body)
    return await run_in_threadpool(_lexicon_change, request, "delete", written, version)


def _lexicon_change(request: Request, action: str, *values: str) -> Response:
    from audiocast.desk import lexicon_views

    desk = desk_of(request)
    site = lexicon_views.lexicon_desk(request).site
    user = request.state.user.name
    try:
        change = site.save(user, *values) if action == "save" else site.delete(user, *values)
    except Refused as refused:
        raise _refused(refused) from None
    contents = site.contents()
    entry = contents.find(change.written)
    found = articles_with(change.written, desk.store.snapshot().episodes.values(), site.language)
    return answer({
        "action": change.action, "written": change.written, "spoken": change.spoken,
        "entry": _entry_json(entry) if entry is not None else None,
        "version": contents.version, "file": shown_path(desk.settings, contents.path),
        "file_made": change.made or None,
        "articles": [{"id": item.episode_id, "title": item.title, "sentence": item.sentence}
                     for item in found],
    })  # fmt: skip


@api_endpoint
async def lexicon_sample(request: Request) -> Response:
    """«Послушать»: a sentence spoken with a candidate entry, saved or not. It changes nothing
    (the speech cache aside), so a viewer, who may listen, may ask too."""
    from audiocast.desk import lexicon_views

    body = await json_body(request)
    unknown_fields(body, {"written", "spoken", "sentence"})
    values = [text_field(body, name, LEXICON_FIELD) for name in ("written", "spoken", "sentence")]
    samples = lexicon_views.lexicon_desk(request).samples
    try:
        made = await run_in_threadpool(samples.speak, *values)
    except Refused as refused:
        raise _refused(refused) from None
    return answer(lexicon_views.sample_json(made, LEXICON_SAMPLE))


lexicon_sample.changes_nothing = True  # type: ignore[attr-defined]  # a POST a viewer may make


@api_endpoint
async def lexicon_sample_audio(request: Request) -> Response:
    """A sample's WAV, by the key its POST answered with."""
    from audiocast.desk import lexicon_views

    samples = lexicon_views.lexicon_desk(request).samples
    wav = await run_in_threadpool(samples.audio, request.query_params.get("key", ""))
    if wav is None:
        raise Problem(404, "no such sample: it is no longer kept; ask for it again")
    headers = {"Cache-Control": "private, max-age=3600", "Content-Disposition": "inline"}
    return Response(wav, media_type="audio/wav", headers=headers)


def _searchable(text: str) -> str:
    """As the «Словарь» page searches: case, «ё» and the stress mark "+" do not matter."""
    return listing.searchable(text.replace("+", ""))

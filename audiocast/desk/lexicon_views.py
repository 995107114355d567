"""The «Словарь» page and its endpoints: the entries in force, searched and cut into pages;
a form to add or change one; deleting one; «Послушать», a sample sentence spoken with a
candidate entry; and, after a change, the stored articles with the word and a form that asks
for them to be voiced again (POST /jobs/, kind=voice, an `episode` field each).

Saving and deleting change the site, so they are `editor_only`. A sample changes nothing: it
reads the lexicon and the store and speaks into the speech cache (a cache: the same sentence
would be made there by the next voicing anyway), so a viewer, who may read and listen, may
listen to a candidate too. It is a POST all the same, behind the CSRF check, because it makes
the server work; its inputs are limited in size (lexicon_entry.MAX_*).

A page is made by a plain function (Starlette runs it in its thread pool); the endpoints that
read a form are coroutines that hand the work to the pool.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from audiocast.desk.desk_speech import desk_speech
from audiocast.desk.lexicon_articles import MAX_FOUND, articles_with
from audiocast.desk.lexicon_contents import search
from audiocast.desk.lexicon_entry import MAX_SENTENCE, MAX_SPOKEN, MAX_WRITTEN, Refused
from audiocast.desk.lexicon_file import shown_path
from audiocast.desk.lexicon_samples import Sample, Samples
from audiocast.desk.lexicon_site import Change, SiteLexicon
from audiocast.desk.roles import editor_only

LEXICON_PATH = "/lexicon/"
SAMPLE_PATH = "/lexicon/sample"
PAGE_SIZE = 50
_FIELDS = ("written", "spoken", "original", "version", "sentence")
_made = threading.Lock()


@dataclass
class LexiconDesk:
    site: SiteLexicon
    samples: Samples


def lexicon_desk(request: Request) -> LexiconDesk:
    """The lexicon's part of the desk, made on first use for this app (and the samples' text
    rules and voice made ready in the background then)."""
    state = request.app.state
    with _made:
        made = getattr(state, "lexicon_desk", None)
        if made is None:
            desk = state.desk
            site = SiteLexicon(desk.settings)
            episodes = desk.store.snapshot
            samples = Samples(site, lambda: episodes().episodes.values(), desk_speech(state))
            made = state.lexicon_desk = LexiconDesk(site, samples)
            threading.Thread(target=samples.warm_up, daemon=True).start()
    return made


# -- the page ---------------------------------------------------------------------------------


def lexicon_page(request: Request) -> Response:
    params = request.query_params
    form = {}
    edit_word = params.get("edit", "")[:MAX_WRITTEN]
    if edit_word:
        entry = lexicon_desk(request).site.contents().find(edit_word)
        if entry is not None:
            form = {"written": entry.written, "spoken": entry.spoken, "original": entry.written,
                    "origin": entry.origin}  # fmt: skip
    done = params.get("done", "")
    result = None
    if done in ("saved", "deleted") and params.get("word"):
        result = {
            "action": done,
            "written": params["word"][:MAX_WRITTEN],
            "spoken": params.get("spoken", "")[:MAX_SPOKEN],
            "made": params.get("made", ""),
        }
    return _page(request, form=form, result=result)


def _page(
    request: Request,
    status: int = 200,
    *,
    form: dict | None = None,
    refused: Refused | None = None,
    result: dict | None = None,
) -> Response:
    desk = request.app.state.desk
    lexicon = lexicon_desk(request)
    site = lexicon.site
    contents = site.contents()
    params = request.query_params
    query = " ".join(params.get("q", "").split())[:100]
    problems = []
    number = 1
    if params.get("page"):
        raw = params["page"]
        if raw.isdigit() and 0 < len(raw) < 7 and int(raw) > 0:
            number = int(raw)
        else:
            problems.append(f"Номер страницы «{raw[:20]}» — не число. Показана первая.")
    everything = contents.entries()
    entries = search(everything, query)
    pages = max(1, math.ceil(len(entries) / PAGE_SIZE))
    number = min(number, pages)
    found = None
    if result is not None:
        found = articles_with(
            result["written"], desk.store.snapshot().episodes.values(), site.language
        )
        entry = contents.find(result["written"]) if result["action"] == "saved" else None
        if entry is not None:
            result["spoken"] = entry.spoken
    form = {name: "" for name in _FIELDS} | (form or {})
    form["version"] = contents.version
    return desk.pages.page(
        request, "lexicon.html.j2", status, section="lexicon",
        contents=contents, file=shown_path(desk.settings, contents.path),
        configured=site.configured, language=site.language,
        query=query, problems=problems, total=len(everything), matched=len(entries),
        entries=entries[(number - 1) * PAGE_SIZE : number * PAGE_SIZE],
        number=number, pages=pages, links=_links(query, number, pages),
        form=form, refused=refused, result=result, found=found,
        max_found=MAX_FOUND,
        limits={"written": MAX_WRITTEN, "spoken": MAX_SPOKEN,
                "sentence": MAX_SENTENCE},
    )  # fmt: skip


def _links(query: str, number: int, pages: int) -> dict[str, str]:
    def link(page: int) -> str:
        values = ({"q": query} if query else {}) | ({"page": str(page)} if page > 1 else {})
        return LEXICON_PATH + ("?" + urlencode(values) if values else "")

    return {
        "previous": link(number - 1) if number > 1 else "",
        "next": link(number + 1) if number < pages else "",
    }


# -- changes ----------------------------------------------------------------------------------


@editor_only
async def save(request: Request) -> Response:
    values = await _form(request)
    site = lexicon_desk(request).site
    user = request.state.user.name
    try:
        change = await run_in_threadpool(
            site.save, user, values["written"], values["spoken"], values["original"],
            values["version"],
        )  # fmt: skip
    except Refused as refused:
        return await run_in_threadpool(_refused_page, request, values, refused)
    return _after(change)


@editor_only
async def delete(request: Request) -> Response:
    values = await _form(request)
    site = lexicon_desk(request).site
    user = request.state.user.name
    try:
        change = await run_in_threadpool(site.delete, user, values["written"], values["version"])
    except Refused as refused:
        return await run_in_threadpool(_refused_page, request, {}, refused)
    return _after(change)


def _refused_page(request: Request, values: dict, refused: Refused) -> Response:
    return _page(request, refused.status, form=values, refused=refused)


def _after(change: Change) -> Response:
    """To the page, which says what was done and lists the articles with the word."""
    values = {"word": change.written, "done": change.action}
    if change.action == "deleted":
        values["spoken"] = change.spoken  # for «Вернуть запись»
    if change.made:
        values["made"] = change.made
    return RedirectResponse(f"{LEXICON_PATH}?{urlencode(values)}#lexicon-result", 303)


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    values = {}
    for name in _FIELDS:
        value = form.get(name, "")
        values[name] = value if isinstance(value, str) else ""
    return values


# -- samples ----------------------------------------------------------------------------------


async def sample(request: Request) -> Response:
    """The sample sentence with the candidate entry, as WAV; with `Accept: application/json`
    (the page's script), where to fetch it and what was said, as JSON."""
    values = await _form(request)
    samples = lexicon_desk(request).samples
    wants_json = "application/json" in request.headers.get("accept", "")
    try:
        made = await run_in_threadpool(
            samples.speak, values["written"], values["spoken"], values["sentence"]
        )
    except Refused as refused:
        if wants_json:
            problem = {"error": refused.message, "field": refused.field, "detail": refused.detail}
            return JSONResponse(problem, refused.status, headers={"Cache-Control": "no-store"})
        desk = request.app.state.desk
        message = refused.said
        return desk.pages.error(request, refused.status, "Не послушать", message)
    if wants_json:
        return JSONResponse(sample_json(made, SAMPLE_PATH), headers={"Cache-Control": "no-store"})
    headers = {"Cache-Control": "no-store", "Content-Disposition": "inline"}
    return Response(made.wav, media_type="audio/wav", headers=headers)


sample.changes_nothing = True  # type: ignore[attr-defined]  # a POST a viewer may make


def sample_json(made: Sample, audio_path: str) -> dict[str, str | bool]:
    """What a sample said and where to fetch it (AUDIO_PATH?key=…): the page's script and
    the API (api.py) answer alike."""
    return {
        "audio": f"{audio_path}?key={made.key}", "sentence": made.sentence,
        "spoken": made.spoken, "voice": made.voice, "cached": made.cached,
    }  # fmt: skip


def sample_audio(request: Request) -> Response:
    """A sample made a moment ago (or any sentence in the speech cache), by its key."""
    wav = lexicon_desk(request).samples.audio(request.query_params.get("key", ""))
    if wav is None:
        desk = request.app.state.desk
        return desk.pages.error(
            request,
            404,
            "Нет такого звука",
            "Этот пример уже не хранится: нажмите «Послушать» ещё раз.",
        )
    # one key is always one sound: the browser may keep it a while
    headers = {"Cache-Control": "private, max-age=3600", "Content-Disposition": "inline"}
    return Response(wav, media_type="audio/wav", headers=headers)

"""A job's arguments, checked before it is queued: a kind or arguments that cannot run are a
JobError at once (the desk says so on the page) instead of a job bound to fail.

voice:   {"article": SOURCE, "voice": profile name or None}
edition: {"edition": slug or None, "articles": [SOURCE, …] (none: the edition's own gathering
          from the store), "at": ISO 8601 or None, "voice": name or None}
build:   {}
sync:    {"build": true}  (false: public/ is not rebuilt after it)

A SOURCE is a file path or URL, {"episode": episode id} (the article kept beside that episode in
the store: a re-voicing), {"identity": a sync article's identity} or {"title": …, "inbox": name}
(an article added on the desk, kept in the desk's inbox: adding.py; the title, first, is what
«Задания» shows while the job waits).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from audiocast.config import Settings
from audiocast.desk.job_records import JobError, JobKind

EPISODE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")  # a folder name in the store
INBOX_NAME = re.compile(r"[0-9a-f]{64}")  # an added article's file in the inbox: its SHA-256
_ALLOWED = {
    JobKind.VOICE: {"article", "voice"},
    JobKind.EDITION: {"edition", "articles", "at", "voice"},
    JobKind.BUILD: set(),
    JobKind.SYNC: {"build"},
}


def checked_arguments(settings: Settings, kind: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """ARGUMENTS of a KIND job, checked and with their defaults; a JobError names what is
    wrong (the desk says it at once instead of queueing a job bound to fail)."""
    try:
        job_kind = JobKind(kind)
    except ValueError:
        raise JobError(f"no such job: {kind!r:.40}") from None
    if not isinstance(arguments, dict):
        raise JobError(f"{kind} job: arguments must be a JSON object")
    unknown = sorted(set(arguments) - _ALLOWED[job_kind])
    if unknown:
        raise JobError(f"{kind} job: unknown arguments {', '.join(map(str, unknown)):.200}")
    if job_kind == JobKind.VOICE:
        return {"article": _reference(arguments.get("article")),
                "voice": _optional_name(arguments.get("voice"), "voice")}  # fmt: skip
    if job_kind == JobKind.EDITION:
        return _edition_arguments(settings, arguments)
    if job_kind == JobKind.SYNC:
        build = arguments.get("build", True)
        if not isinstance(build, bool):
            raise JobError("sync job: build must be true or false")
        return {"build": build}
    return {}


def _edition_arguments(settings: Settings, arguments: dict[str, Any]) -> dict[str, Any]:
    from audiocast.editions import find_edition

    slug = _optional_name(arguments.get("edition"), "edition")
    find_edition(settings, slug)  # an unknown slug is a ConfigError naming the known ones
    articles = arguments.get("articles") or []
    if not isinstance(articles, list):
        raise JobError("edition job: articles must be a list of article sources")
    at = _optional_name(arguments.get("at"), "at")
    if at is not None:
        try:
            datetime.fromisoformat(at)
        except ValueError:
            raise JobError(f"edition job: at {at!r:.60} is not an ISO 8601 time") from None
    return {"edition": slug, "articles": [_reference(a) for a in articles], "at": at,
            "voice": _optional_name(arguments.get("voice"), "voice")}  # fmt: skip


def _reference(value: object) -> str | dict[str, str]:
    """An article source: a path or URL, {"episode": id}, {"identity": identity} or
    {"title": title, "inbox": name}."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, dict) and len(value) == 1:
        ((key, item),) = value.items()
        if key == "episode" and isinstance(item, str) and EPISODE_ID.fullmatch(item):
            return {"episode": item}
        if key == "identity" and isinstance(item, str) and item.strip():
            return {"identity": item.strip()}
    if isinstance(value, dict) and set(value) == {"title", "inbox"}:
        name, title = value["inbox"], value["title"]
        if isinstance(name, str) and INBOX_NAME.fullmatch(name) and isinstance(title, str):
            return {"title": " ".join(title.split())[:200], "inbox": name}
    raise JobError(f"not an article source: {value!r:.100}")


def _optional_name(value: object, what: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise JobError(f"{what} must be text")
    return value.strip()

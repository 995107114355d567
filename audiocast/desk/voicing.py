"""What the desk needs to start jobs: the voice profiles an article can be spoken with, and
the «start a job» form (POST /jobs/) read and checked into the jobs to queue.

The form's contract (jobs_views.start_jobs serves it; other pages post to it too, such as the
lexicon's «re-voice the articles with this word»):

    kind     voice | build | sync                    required, once
    episode  an episode id of the store, repeatable  voice: 1 to MAX_EPISODES of them, each
             re-voiced from the article kept beside it, one job each in the order given (an id
             given twice is voiced once); build and sync: none
    voice    a voice profile's name                  voice only, optional: empty means the
             site's voice for each article's language; otherwise the profile must speak the
             language of every article given
    csrf_token                                       the session's token (gate.py), as on
                                                     every form

Anything else in the form is ignored. A value that makes no sense queues nothing: the «Задания»
page says what is wrong, in Russian, with status 400.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from audiocast.config import Settings
from audiocast.desk.job_arguments import EPISODE_ID
from audiocast.desk.job_records import KIND_LABELS, JobKind
from audiocast.episode.store import ARTICLE_FILE
from audiocast.errors import ConfigError
from audiocast.publish.catalogue import PublishedEpisode
from audiocast.speech.voices import VoiceProfile, load_voices

MAX_EPISODES = 200  # articles one form may re-voice at once
FORM_KINDS = (JobKind.VOICE, JobKind.BUILD, JobKind.SYNC)


class FormProblem(Exception):
    """The form cannot be done: the message says why, in Russian, for the page."""


@dataclass(frozen=True)
class Voicing:
    """The article page's «Озвучить» form: the voices to choose from, the one chosen first,
    or why the article cannot be voiced from the desk (REASON)."""

    label: str
    voices: list[VoiceProfile]
    selected: str
    reason: str = ""


def voices_for(settings: Settings, language: str) -> list[VoiceProfile]:
    """The site's voice profiles (bundled and voices_dir's) that speak LANGUAGE, by name."""
    voices = load_voices(settings.voices_dir)
    return sorted((v for v in voices.values() if v.language == language), key=lambda v: v.name)


def can_revoice(episode: PublishedEpisode) -> bool:
    """Whether the article is kept beside EPISODE (a re-voicing reads it from there)."""
    return (episode.folder / ARTICLE_FILE).is_file()


def article_voicing(settings: Settings, episode: PublishedEpisode, current: str) -> Voicing:
    label = "Озвучить заново" if episode.has_audio else "Озвучить"
    if not can_revoice(episode):
        return Voicing(label, [], "", "Текст статьи не сохранён рядом с выпуском: озвучить его "
                       "заново можно только командой audiocast episode.")  # fmt: skip
    try:
        voices = voices_for(settings, episode.language)
    except ConfigError as exc:
        return Voicing(label, [], "", f"Голоса сайта не прочитать: {exc}")
    if not voices:
        return Voicing(label, [], "", f"У сайта нет голоса для языка «{episode.language}».")
    names = [voice.name for voice in voices]
    default = settings.voice_for(episode.language)
    selected = current if current in names else default if default in names else names[0]
    return Voicing(label, voices, selected)


def jobs_of_form(
    settings: Settings, form: Mapping[str, list[Any]], episodes: Mapping[str, PublishedEpisode]
) -> list[tuple[str, dict[str, Any]]]:
    """FORM (each field's values) as the jobs to queue, (kind, arguments) each; a FormProblem
    says what is wrong. EPISODES: the store's, by id."""
    kinds = [value for value in form.get("kind", []) if value != ""]
    if len(kinds) > 1:
        raise FormProblem("Задание начинается одно за раз: в форме их несколько.")
    if not kinds or kinds[0] not in FORM_KINDS:
        given = _shown(kinds[0]) if kinds else ""
        allowed = ", ".join(KIND_LABELS[kind] for kind in FORM_KINDS)
        raise FormProblem(
            f"Нет такого задания: «{given}». Можно: {allowed}." if given else
            f"Не сказано, какое задание начать. Можно: {allowed}."
        )  # fmt: skip
    kind = JobKind(kinds[0])
    ids = [value for value in form.get("episode", []) if value != ""]
    voices = [value for value in form.get("voice", []) if value != ""]
    if kind != JobKind.VOICE:
        if ids or voices:
            raise FormProblem(f"Для задания «{KIND_LABELS[kind]}» статьи и голос не выбирают.")
        if kind == JobKind.SYNC and not settings.sources:
            raise FormProblem("Синхронизировать нечего: в audiocast.toml нет источников.")
        return [(kind.value, {})]
    return [("voice", arguments) for arguments in _voice_jobs(settings, ids, voices, episodes)]


def _voice_jobs(
    settings: Settings, ids: list[Any], voices: list[Any], episodes: Mapping[str, PublishedEpisode]
) -> list[dict[str, Any]]:
    if not ids:
        raise FormProblem("Не выбрано ни одной статьи для озвучивания.")
    unique = list(dict.fromkeys(ids))
    if len(unique) > MAX_EPISODES:
        raise FormProblem(
            f"Слишком много статей за раз: {len(unique)}. Можно не больше {MAX_EPISODES}."
        )
    chosen: list[PublishedEpisode] = []
    for value in unique:
        episode = episodes.get(value) if isinstance(value, str) else None
        if episode is None or not EPISODE_ID.fullmatch(episode.episode_id):
            raise FormProblem(f"Такого выпуска в хранилище нет: «{_shown(value)}».")
        if not can_revoice(episode):
            raise FormProblem(f"У выпуска «{episode.title}» не сохранён текст статьи: озвучить "
                              "его заново с редакционного стола нельзя.")  # fmt: skip
        chosen.append(episode)
    if len(voices) > 1:
        raise FormProblem("Выберите один голос.")
    voice = voices[0] if voices else None
    if voice is not None:
        _check_voice(settings, voice, chosen)
    return [{"article": {"episode": e.episode_id}, "voice": voice} for e in chosen]


def _check_voice(settings: Settings, voice: Any, episodes: list[PublishedEpisode]) -> None:
    try:
        profiles = load_voices(settings.voices_dir)
    except ConfigError as exc:
        raise FormProblem(f"Голоса сайта не прочитать: {exc}") from None
    profile = profiles.get(voice) if isinstance(voice, str) else None
    if profile is None:
        raise FormProblem(f"Нет такого голоса: «{_shown(voice)}».")
    for episode in episodes:
        if episode.language != profile.language:
            raise FormProblem(
                f"Голос «{profile.name}» говорит на языке «{profile.language}», а статья "
                f"«{episode.title}» — на «{episode.language}»."
            )


def _shown(value: Any) -> str:
    """A value from the form, as a page may quote it: one line, not too long."""
    text = " ".join(str(value if isinstance(value, str) else "файл").split())
    return text if len(text) <= 60 else text[:59] + "…"

"""Audio editions end to end, with real espeak-ng and ffmpeg: one episode of several articles,
a chapter each, stings between them, the articles' speech taken from the cache, published in
the show its edition names."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import podcastparser
import pytest
from mutagen.id3 import ID3

from audiocast.cli import main
from audiocast.config import Edition, Show, load_settings
from audiocast.episode.audio import STING_GAP_SECONDS, generated_sting
from audiocast.episode.store import ARTICLE_FILE
from audiocast.errors import ConfigError
from audiocast.ingest.stored import read_stored_article, stored_article_json
from audiocast.model import SegmentKind
from audiocast.pipeline import GUID_NAMESPACE, Pipeline, find_edition
from audiocast.publish.catalogue import read_cues
from audiocast.script.edition import build_edition_script
from audiocast.speech.registry import EngineSet
from tests.conftest import ARTICLES, CountingEspeak, make_settings
from tests.episode.test_episode_file import decode

BAKU = timezone(timedelta(hours=4))
DAILY = Edition(slug="daily", title="Главное за день", show="all")
SOURCES = [str(ARTICLES / name) for name in ("short-news.json", "plain-note.txt",
                                              "minval-baku-kiev.md")]  # fmt: skip
RATE = 44100


def rms(samples: np.ndarray, start: float, end: float) -> float:
    window = samples[int(start * RATE) : int(end * RATE)].astype(np.float64)
    return float(np.sqrt(np.mean(window**2)))


def test_edition_of_three_articles_chapters_stings_and_cached_speech(pipeline, counting_engine):
    for source in SOURCES:
        pipeline.make_episode(source)
    articles = [pipeline.read(source) for source in SOURCES]
    heard = {s.spoken for article in articles for s in pipeline.script(article).segments}
    counting_engine.calls.clear()

    at = datetime(2026, 1, 28, 20, 0, tzinfo=BAKU)
    result = pipeline.make_edition(SOURCES, DAILY, at)

    script = build_edition_script(
        articles, DAILY, "Minval Politika", pipeline.templates,
        pipeline.normalizers.for_language("ru"), language="ru", when=at,
    )  # fmt: skip
    # only the edition's own words are new to the engine, each once; every body sentence
    # comes from the cache the single episodes filled
    new = {s.spoken for s in script.segments} - heard
    assert new and sorted(counting_engine.calls) == sorted(new)
    body = {s.spoken for s in script.segments if s.kind is SegmentKind.SENTENCE}
    assert not body & set(counting_engine.calls)
    assert result.synthesized == len(new)

    info = json.loads((result.folder / "episode.json").read_text(encoding="utf-8"))
    assert info["title"] == "Главное за день — 28.01.2026"
    assert (info["author"], info["category"]) == ("Minval Politika", "edition:daily")
    assert info["description"].startswith("В выпуске: Азербайджанская продукция")
    assert info["edition"]["show"] == "all"
    assert not (result.folder / ARTICLE_FILE).exists()  # an edition is not an article

    # ID3 chapters: intro, each article at its header's cue, outro; chapters.json agrees
    titles = ["Вступление", *(a.title for a in articles), "Завершение"]
    frames = sorted(ID3(result.folder / "episode.mp3").getall("CHAP"), key=lambda c: c.start_time)
    assert [frame.sub_frames["TIT2"].text[0] for frame in frames] == titles
    cues = read_cues(result.folder / "transcript.vtt")
    assert len(cues) == len(script.segments)  # one cue per segment, in order
    openers = [i for i, s in enumerate(script.segments) if s.chapter]
    assert frames[0].start_time == 0
    for index, frame in zip(openers[1:], frames[1:], strict=True):
        assert abs(cues[index].start - frame.start_time / 1000) <= 0.001  # both whole ms
    document = json.loads((result.folder / "chapters.json").read_text(encoding="utf-8"))
    assert [c["title"] for c in document["chapters"]] == titles
    for chapter, frame in zip(document["chapters"], frames, strict=True):
        assert abs(chapter["startTime"] - frame.start_time / 1000) <= 0.001

    # between articles, the sting sounds in the gap; before the first article there is none
    samples = decode(result.folder / "episode.mp3")
    sting = generated_sting(RATE).duration
    for number, index in enumerate(openers[1:4]):
        header, previous = cues[index].start, cues[index - 1].end
        sting_start = header - STING_GAP_SECONDS - sting
        before = rms(samples, previous + 0.1, (sting_start if number else header) - 0.1)
        assert before < 30, f"silence before article {number + 1}"
        if number:
            assert rms(samples, sting_start + 0.05, sting_start + sting - 0.15) > 500
            assert rms(samples, header - STING_GAP_SECONDS + 0.1, header - 0.1) < 30


def test_same_guid_when_remade_the_same_day_another_for_another_day(pipeline):
    sources = SOURCES[:2]
    morning = pipeline.make_edition(sources, DAILY, datetime(2026, 1, 28, 9, 0, tzinfo=BAKU))
    evening = pipeline.make_edition(sources[::-1], DAILY, datetime(2026, 1, 28, 21, tzinfo=BAKU))
    day = uuid.uuid5(GUID_NAMESPACE, "edition:daily:2026-01-28")
    assert morning.info.guid == evening.info.guid == str(day)
    assert evening.folder == morning.folder  # replaced in place, in the new order
    chapters = [c.title for c in evening.info.chapters]
    assert chapters[1] == "Кремль пригласил Зеленского в Москву"
    # 21:30 UTC is already the next day in Baku, the site's time zone
    late = pipeline.make_edition(sources, DAILY, datetime(2026, 1, 28, 21, 30, tzinfo=UTC))
    assert late.info.guid == str(uuid.uuid5(GUID_NAMESPACE, "edition:daily:2026-01-29"))
    assert late.folder != evening.folder
    assert late.info.title == "Главное за день — 29.01.2026"
    assert pipeline.store.episode_ids() == sorted([evening.folder.name, late.folder.name])


def test_an_edition_names_a_show_that_exists_and_is_told_when_it_would_be_in_no_feed(tmp_path):
    politika = Show(slug="politika", title="Minval Politika", categories=("Политика",))
    settings = make_settings(tmp_path, shows=(politika,))
    engine = CountingEspeak()
    pipeline = Pipeline(settings, EngineSet({"espeak": lambda: engine}))
    with pytest.raises(ConfigError, match="show 'all' is not a configured show"):
        pipeline.make_edition(SOURCES[1:2], DAILY)
    assert not engine.calls  # found before any work
    result = pipeline.make_edition(SOURCES[1:2], find_edition(settings))  # built in: 1st show
    assert result.info.author == "Minval Politika"
    assert (
        "edition daily: show politika gathers only Политика; add 'edition:daily' to its "
        "categories, or the edition is in no feed"
    ) in result.warnings


def test_the_stored_article_reads_back_as_the_same_article(pipeline, tmp_path):
    path = tmp_path / ARTICLE_FILE
    for name in ("minval-baku-kiev.html", "minval-baku-kiev.md", "short-news.json"):
        article = pipeline.read(str(ARTICLES / name))
        path.write_text(stored_article_json(article), encoding="utf-8")
        assert read_stored_article(path) == article


SITE = """\
base_url = "https://podcasts.example.com/"
timezone = "Asia/Baku"

[[shows]]
slug = "glavnoe"
title = "Главное за день"
categories = ["edition:daily"]

[[shows]]
slug = "politika"
title = "Minval: политика"
categories = ["Политика"]

[[shows]]
slug = "vse"
title = "Minval: всё"

[[editions]]
slug = "daily"
title = "Главное за день"
show = "glavnoe"
categories = ["Политика", "Экономика"]
max_articles = 2
hours = 24
"""

# title, category, publication time (+04:00): the edition at 2026-01-28 20:00 gathers the
# newest two of the last 24 hours in its categories
STORED = [
    ("Парламент принял бюджет", "Политика", "2026-01-28T10:00"),
    ("Курс маната не изменился", "Экономика", "2026-01-28T18:00"),
    ("Выборы назначены на весну", "Политика", "2026-01-28T08:00"),  # third newest: left out
    ("Старая политическая новость", "Политика", "2026-01-26T10:00"),  # too old
    ("Футбольный клуб победил", "Спорт", "2026-01-28T12:00"),  # another category
    ("Нефть подорожала", "Экономика", "2026-01-28T21:00"),  # after the edition's time
]


def write_articles(folder: Path) -> list[Path]:
    paths = []
    for number, (title, category, published) in enumerate(STORED):
        path = folder / f"article-{number}.md"
        path.write_text(
            f'---\ntitle: "{title}"\ncategory: {category}\ndate: {published}:00+04:00\n---\n'
            f"{title}: подробности к этому часу. Редакция следит за развитием событий.\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def feed_titles(public: Path, slug: str) -> list[str]:
    with (public / slug / "feed.xml").open("rb") as stream:
        parsed = podcastparser.parse(f"https://podcasts.example.com/{slug}/feed.xml", stream)
    return [episode["title"] for episode in parsed["episodes"]]


def test_edition_from_the_store_is_published_in_its_own_show_only(tmp_path, capsys):
    (tmp_path / "audiocast.toml").write_text(SITE, encoding="utf-8")
    site = ["--site", str(tmp_path)]
    assert main([*site, "episode", *map(str, write_articles(tmp_path))]) == 0
    capsys.readouterr()

    assert main([*site, "edition", "--at", "2026-01-28T20:00:00+04:00"]) == 0
    folder, _, title = capsys.readouterr().out.strip().split("\t")
    assert title == "Главное за день — 28.01.2026"
    chapters = json.loads((Path(folder) / "chapters.json").read_text(encoding="utf-8"))
    assert [c["title"] for c in chapters["chapters"]] == [
        "Вступление", "Курс маната не изменился", "Парламент принял бюджет", "Завершение",
    ]  # fmt: skip
    # the edition's own show is named like it: its name is not said twice
    first = read_cues(Path(folder) / "transcript.vtt")[0].text
    assert first.startswith("Главное за день: выпуск от двадцать восьмого января")

    # an edition is never gathered into an edition; a broken stored article is named, not fatal
    settings = load_settings(tmp_path)
    pipeline = Pipeline(settings)
    broken = settings.episodes_dir / "0000000000000000"
    broken.mkdir()
    (broken / "episode.json").write_text("{}", encoding="utf-8")
    (broken / ARTICLE_FILE).write_text("not json", encoding="utf-8")
    warnings: list[str] = []
    at = datetime(2026, 1, 28, 20, 0, tzinfo=BAKU)
    gathered = pipeline.stored_articles(find_edition(settings), at, warnings)
    assert [a.title for a in gathered] == [
        "Курс маната не изменился", "Парламент принял бюджет", "Выборы назначены на весну",
    ]  # fmt: skip
    assert len(warnings) == 1 and str(broken / ARTICLE_FILE) in warnings[0]
    for path in broken.iterdir():
        path.unlink()
    broken.rmdir()

    assert main([*site, "build"]) == 0
    public = tmp_path / "public"
    assert feed_titles(public, "glavnoe") == ["Главное за день — 28.01.2026"]
    assert "Главное за день — 28.01.2026" not in feed_titles(public, "politika")
    assert "Главное за день — 28.01.2026" not in feed_titles(public, "vse")
    assert len(feed_titles(public, "vse")) == len(STORED)
    assert (public / "episodes" / Path(folder).name / "episode.mp3").is_file()


def test_bad_and_foreign_articles_are_left_out_none_left_fails(tmp_path, capsys):
    site = ["--site", str(tmp_path)]
    missing, no_title = tmp_path / "missing.md", ARTICLES / "bad" / "no-title.json"
    sources = [ARTICLES / "plain-note.txt", missing, no_title, ARTICLES / "azerbaijani.md"]
    assert main([*site, "edition", "--at", "2026-01-28T20:00", *map(str, sources)]) == 0
    captured = capsys.readouterr()
    folder, _, title = captured.out.strip().split("\t")
    assert title == "Главное за день — 28.01.2026"
    warnings = captured.err.splitlines()
    assert f"warning: {missing}: file not found; left out of the edition" in warnings
    assert f"warning: {no_title}: no title; left out of the edition" in warnings
    azerbaijani = f"warning: {ARTICLES / 'azerbaijani.md'}: in 'az', the edition is in 'ru'; "
    assert azerbaijani + "left out" in warnings
    chapters = json.loads((Path(folder) / "chapters.json").read_text(encoding="utf-8"))
    assert [c["title"] for c in chapters["chapters"]] == [
        "Вступление", "Кремль пригласил Зеленского в Москву", "Завершение",
    ]  # fmt: skip

    assert main([*site, "edition", str(missing), str(no_title)]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error")]
    assert errors == ["error: edition daily: none of the articles given can go into it"]
    assert main([*site, "edition", "--edition", "weekly"]) == 2
    assert "error: editions: no edition 'weekly' (configured: daily)" in capsys.readouterr().err
    assert main([*site, "edition", "--at", "yesterday"]) == 2
    assert "--at 'yesterday': not an ISO 8601" in capsys.readouterr().err


def test_an_excluded_article_is_not_gathered_into_an_edition(tmp_path, capsys):
    (tmp_path / "audiocast.toml").write_text(SITE, encoding="utf-8")
    site = ["--site", str(tmp_path)]
    assert main([*site, "episode", *map(str, write_articles(tmp_path))]) == 0
    made = dict(line.split("\t")[::2] for line in capsys.readouterr().out.splitlines())
    budget = Path(next(f for f, t in made.items() if t == "Парламент принял бюджет")).name
    assert main([*site, "exclude", budget, "--reason", "ошибка в цифрах"]) == 0

    settings = load_settings(tmp_path)
    warnings: list[str] = []
    at = datetime(2026, 1, 28, 20, 0, tzinfo=BAKU)
    gathered = Pipeline(settings).stored_articles(find_edition(settings), at, warnings)
    assert [a.title for a in gathered] == ["Курс маната не изменился", "Выборы назначены на весну"]
    assert main([*site, "include", budget]) == 0
    gathered = Pipeline(settings).stored_articles(find_edition(settings), at, warnings)
    assert "Парламент принял бюджет" in [a.title for a in gathered]

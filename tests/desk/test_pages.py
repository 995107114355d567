"""The «Статьи» list and the «Статья» page against a real uvicorn, and the pieces behind them
(rows from sync and the store, the query, the word changes) on their own."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime

import pytest

from audiocast.desk.articles import (
    ArticleRow,
    Status,
    article_rows,
    filtered,
    list_page,
    parse_query,
    searchable,
)
from audiocast.desk.changes import Piece, changes
from audiocast.desk.store_view import Snapshot, StoreView
from tests.desk.conftest import client, sign_in
from tests.publish.conftest import write_episode


def titles(html: str) -> list[str]:
    found = re.findall(r'<h2 class="desk-article-title"[^>]*>\s*(.*?)\s*</h2>', html, re.S)
    return [re.sub(r"<[^>]+>", "", title).strip() for title in found]


def test_the_list_shows_every_article_with_where_it_stands(anna, desk_site):
    html = anna.get("/articles/").text
    assert "Найдено: 5" in html  # two episodes, one of them sync's; pending, failed, removed
    for label in ("озвучена", "ждёт озвучки", "ошибка", "снята с сайта"):
        assert f">{label}</span>" in html, label
    assert "Причина:" in html and "источник" in html
    assert "голос ru-espeak" in html and "Длительность" in html and "озвучено" in html
    assert html.count("data-audiocast-play=") == 2  # the two episodes can be heard
    # newest first: the pending article (30 January) before the news (28 January)
    order = titles(html)
    assert order.index("Ожидающая ёлка") < order.index("Азербайджанская продукция")
    assert '<a href="/articles/" aria-current="page">Статьи</a>' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=%D0%B5%D0%BB%D0%BA%D0%B0", ["Ожидающая ёлка"]),  # «елка» finds «ёлка»
        ("q=%D0%90%D0%97%D0%95%D0%A0%D0%91", ["Азербайджанская продукция"]),  # «АЗЕРБ»
        ("category=%D0%9F%D0%BE%D0%BB%D0%B8%D1%82%D0%B8%D0%BA%D0%B0&status=failed",
         ["Статья со сбоем"]),
        ("status=removed", ["Снятая статья"]),
        ("status=pending", ["Ожидающая ёлка"]),
        ("q=nothing+like+it", []),
    ],
)  # fmt: skip
def test_search_and_filters(anna, query, expected):
    html = anna.get(f"/articles/?{query}").text
    assert titles(html) == expected
    assert f"Найдено: {len(expected)}" in html


def test_the_form_keeps_what_was_asked(anna):
    html = anna.get("/articles/?q=%D0%B5%D0%BB%D0%BA%D0%B0&status=pending").text
    assert 'name="q" type="search" value="елка"' in html
    assert '<option value="pending" selected>' in html
    assert '<a href="/articles/">Сбросить</a>' in html


def test_the_article_shows_the_script_beside_the_text_with_changed_words(anna, desk_site):
    html = anna.get(f"/articles/{desk_site.episodes['hostile']}/").text
    assert "Компания заплатила $380 за тонну." in html  # as written
    change = re.search(r'<mark class="desk-change"[^>]*>(.*?)</mark>', html.split("$380 за")[1])
    assert change, "no highlighted change"
    spoken = re.sub(r"<[^>]+>", "|", change.group(1))
    assert "триста восемьдесят долларов" in spoken and "$380" in spoken
    assert "Изменено предложений:" in html
    assert "data-audiocast-play=" in html and f"/media/{desk_site.episodes['hostile']}/" in html


def test_a_viewer_reads_and_listens(desk_site):
    with client(desk_site) as web:
        assert sign_in(web, "vera").status_code == 303
        listing = web.get("/articles/")
        assert listing.status_code == 200 and "(читатель)" in listing.text
        news = desk_site.episodes["news"]
        assert web.get(f"/articles/{news}/").status_code == 200
        audio = web.get(f"/media/{news}/episode.mp3", headers={"Range": "bytes=0-99"})
        assert audio.status_code == 206 and audio.content[:3] == b"ID3"


def test_the_list_is_cut_into_pages(anna, desk_site, tmp_path):
    rows = [
        ArticleRow(f"Статья {n}", "", Status.PENDING, "", datetime(2026, 1, 1, tzinfo=UTC), "",
                   None)
        for n in range(120)
    ]  # fmt: skip
    first, last = list_page(rows, 1), list_page(rows, 99)
    assert (first.number, first.pages, len(first.rows)) == (1, 3, 50)
    assert (last.number, len(last.rows), last.rows[-1].title) == (3, 20, "Статья 119")
    query, problems = parse_query({"page": "0"})
    assert query.page == 1 and problems


def test_rows_join_sync_and_the_store(tmp_path):
    for number in (1, 2, 3):
        write_episode(tmp_path / "episodes", number)
    snapshot = StoreView(tmp_path / "episodes", tmp_path / "cache").snapshot()
    assert len(snapshot.episodes) == 3 and snapshot.problem is None
    snapshot = Snapshot(snapshot.episodes, {"00000000000000ff": "episode.json: not valid JSON"})
    rows = article_rows(snapshot, [])
    assert [row.status for row in rows].count(Status.VOICED) == 3
    broken = [row for row in rows if row.status is Status.FAILED]
    assert len(broken) == 1 and "not valid JSON" in broken[0].error
    assert [row.title for row in rows[:3]] == ["Выпуск номер 3", "Выпуск номер 2", "Выпуск номер 1"]
    assert filtered(rows, parse_query({"q": "НОМЕР 2"})[0])[0].title == "Выпуск номер 2"
    assert searchable("  Ёлка  Зелёная ") == "елка зеленая"


def test_the_snapshot_is_read_again_only_when_an_episode_folder_changes(tmp_path, monkeypatch):
    episodes = tmp_path / "episodes"
    for number in (1, 2):
        write_episode(episodes, number)
    view = StoreView(episodes, tmp_path / "cache")
    first = view.snapshot()
    # the sync state database's journal comes and goes with every write the desk makes
    (episodes / ".audiocast-state.db-wal").write_bytes(b"")
    assert view.snapshot() is first
    # an episode made again is committed as a new folder under the same name
    folder = episodes / next(iter(first.episodes))
    folder.rename(episodes / ".old")
    shutil.copytree(episodes / ".old", folder)
    info = json.loads((folder / "episode.json").read_text(encoding="utf-8"))
    (folder / "episode.json").write_text(json.dumps(info | {"title": "Заново"}), encoding="utf-8")
    second = view.snapshot()
    assert second is not first and second.episodes[folder.name].title == "Заново"
    # read again after MAX_AGE with nothing changed: the same snapshot, so the same rows
    monkeypatch.setattr("audiocast.desk.store_view.MAX_AGE", 0.0)
    assert view.snapshot() is second
    # … but an episode.json edited in place, which changes no folder, is seen then
    (folder / "episode.json").write_text(json.dumps(info | {"title": "Правка"}), encoding="utf-8")
    assert view.snapshot().episodes[folder.name].title == "Правка"


def test_a_missing_store_is_said_on_the_page_not_a_traceback(tmp_path):
    snapshot = StoreView(tmp_path / "not-mounted", tmp_path / "cache").snapshot()
    assert snapshot.episodes == {} and "does not exist" in (snapshot.problem or "")


@pytest.mark.parametrize(
    ("written", "spoken", "expected"),
    [
        ("Цена $380.", "Цена триста восемьдесят долларов.",
         [Piece("Цена"), Piece("триста восемьдесят долларов.", "$380.")]),
        ("В Баку тепло.", "В Баку́ тепло.", [Piece("В Баку́ тепло.")]),  # stress is no change
        ("Это «цитата» т. е. пример.", 'Это "цитата" то есть пример.',
         [Piece('Это "цитата"'), Piece("то есть", "т. е."), Piece("пример.")]),
        ("Р. Гасанов сказал.", "эр Гасанов сказал.",
         [Piece("эр", "Р."), Piece("Гасанов сказал.")]),
        ("Итог — 2.", "Итог — два.", [Piece("Итог —"), Piece("два.", "2.")]),
    ],
)  # fmt: skip
def test_changes_pair_the_spoken_words_with_the_written(written, spoken, expected):
    assert changes(written, spoken) == expected

"""«Словарь» against a real uvicorn on a site of its own (it writes the site's lexicon and its
audiocast.toml), with real espeak-ng and, at the end, real headless Chromium; and the file
editing underneath (lexicon_site.py, lexicon_lines.py) on TOML and CSV files written by hand."""

from __future__ import annotations

import html
import io
import re
import time
import tomllib
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import numpy as np
import pytest
from playwright.sync_api import expect

from audiocast.config import Settings, load_settings
from audiocast.desk.app import create_app
from audiocast.desk.journal import LEXICON_CHANGE, Journal
from audiocast.desk.lexicon_entry import Refused, checked_entry
from audiocast.desk.lexicon_lines import edited
from audiocast.desk.lexicon_site import SiteLexicon
from audiocast.ingest.stored import read_stored_article
from audiocast.model import SegmentKind
from audiocast.pipeline import Pipeline
from audiocast.script.lexicon import lexicon_entries, read_lexicon
from tests.conftest import ARTICLES
from tests.desk.conftest import PASSWORDS, client, page_token, run_cli, running, sign_in, write_site

STRESS = "\u0301"
VERSION = re.compile(r'name="version" value="([^"]+)"')


@dataclass
class LexiconSite:
    settings: Settings
    root: Path
    url: str
    app: object
    news: str  # the episode whose article says «Gulfood» and «Дубае»


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[LexiconSite]:
    """A site without a lexicon of its own: the first save makes one."""
    root = tmp_path_factory.mktemp("lexicon-site")
    settings = write_site(root)
    news = Pipeline(settings).make_episode(str(ARTICLES / "short-news.json")).folder.name
    for name, role in (("anna", "editor"), ("vera", "viewer")):
        code = run_cli("--site", str(root), "desk", "user", "add", name, "--role", role,
                       stdin=PASSWORDS[name] + "\n")  # fmt: skip
        assert code == 0
    app = create_app(settings)
    with running(app) as url:
        yield LexiconSite(settings, root, url, app, news)


@contextmanager
def signed_in(site: LexiconSite, name: str) -> Iterator[httpx.Client]:
    with client(site) as web:  # type: ignore[arg-type]  # it needs .url only
        assert sign_in(web, name).status_code == 303
        yield web


@pytest.fixture
def anna(site):
    with signed_in(site, "anna") as web:
        yield web


@pytest.fixture
def vera(site):
    with signed_in(site, "vera") as web:
        yield web


def form_of(web, path: str = "/lexicon/") -> tuple[str, str]:
    """The CSRF token and the lexicon's version on the page at PATH."""
    page = web.get(path)
    assert page.status_code == 200
    found = VERSION.search(page.text)
    assert found
    return page_token(page.text), found.group(1)


def save(web, written: str, spoken: str, original: str = "", version: str | None = None):
    token, current = form_of(web)
    data = {"csrf_token": token, "written": written, "spoken": spoken, "original": original,
            "version": current if version is None else version}  # fmt: skip
    return web.post("/lexicon/save", data=data)


def delete(web, written: str):
    token, version = form_of(web)
    data = {"csrf_token": token, "written": written, "version": version}
    return web.post("/lexicon/delete", data=data)


def text_of(page: str) -> str:
    """The page's words, as a reader sees them."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def samples(wav: bytes) -> np.ndarray:
    with wave.open(io.BytesIO(wav), "rb") as reader:
        assert reader.getnchannels() == 1 and reader.getsampwidth() == 2
        return np.frombuffer(reader.readframes(reader.getnframes()), dtype=np.int16)


def listen(web, written: str, spoken: str, sentence: str = "", as_json: bool = False):
    token, _ = form_of(web)
    headers = {"Accept": "application/json"} if as_json else {}
    data = {"csrf_token": token, "written": written, "spoken": spoken, "sentence": sentence}
    started = time.perf_counter()
    answer = web.post("/lexicon/sample", data=data, headers=headers)
    return answer, time.perf_counter() - started


# -- the page ---------------------------------------------------------------------------------


def test_the_page_lists_and_searches_the_entries(anna):
    page = anna.get("/lexicon/")
    assert page.status_code == 200
    assert '<a href="/lexicon/" aria-current="page">Словарь</a>' in page.text
    words = text_of(page.text)
    assert "Записей:" in words and "страница 1 из" in words  # the bundled 155, 50 a page
    assert "встроенный словарь" in words
    second = text_of(anna.get("/lexicon/?page=2").text)
    assert "страница 2 из" in second
    found = text_of(anna.get("/lexicon/?q=%D0%A1%D0%9E%D0%9A%D0%90%D0%A0").text)  # «СОКАР»
    assert "Записей: 1 из" in found and "SOCAR → , произносится сок+ар" in found
    assert "Ничего не найдено" in text_of(anna.get("/lexicon/?q=zzzqqq").text)
    assert "Номер страницы «x» — не число" in text_of(anna.get("/lexicon/?page=x").text)


def test_a_site_without_a_lexicon_gets_one_on_the_first_save(site, anna):
    if site.settings.lexicon is None:  # this file's tests run in order; not when run alone
        assert "При первом сохранении стол создаст файл" in text_of(anna.get("/lexicon/").text)
    answer = save(anna, "Gulfood", "Г+алфуд")
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/lexicon/?word=Gulfood&done=saved")
    path = site.root / "lexicon.toml"
    assert read_lexicon(path)["Gulfood"] == f"Га{STRESS}лфуд"
    # audiocast.toml names it, for every command; the running desk knows it already
    assert load_settings(site.root).lexicon == path
    assert site.settings.lexicon == path
    config = tomllib.loads((site.root / "audiocast.toml").read_text(encoding="utf-8"))
    assert config["lexicon"] == "lexicon.toml" and config["timezone"] == "Asia/Baku"
    entry = Journal.of(site.settings).entries(1)[0]
    assert (entry.user_name, entry.action, entry.subject) == ("anna", LEXICON_CHANGE, "Gulfood")
    assert entry.detail == "«Gulfood» = «Г+алфуд»"


def test_adding_an_entry_rewrites_the_file_atomically_keeping_the_others(site, anna):
    assert save(anna, "Дубае", "Дуб+ае").status_code == 303
    path = site.root / "lexicon.toml"
    before, inode = path.read_text(encoding="utf-8"), path.stat().st_ino
    answer = save(anna, "Персидского", "Перс+идского")
    assert answer.status_code == 303
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before)  # every line kept, the new entry at the end
    assert after[len(before) :] == '"Персидского" = "Перс+идского"\n'
    assert path.stat().st_ino != inode  # a new file put in place, not the old one rewritten
    assert not [p.name for p in site.root.iterdir() if p.name.endswith(".part")]
    entries = Pipeline(site.settings).normalizers.lexicons["ru"].entries  # the project's loader
    assert entries["Дубае"] == f"Дуба{STRESS}е" and entries["Gulfood"] == f"Га{STRESS}лфуд"
    assert entries["НАТО"] == f"на{STRESS}то"  # the bundled ones are still under it

    # after the save: the article with the word, and a form to voice it again
    page = anna.get(answer.headers["location"])
    words = text_of(page.text)
    assert "Сохранено: «Персидского» произносится «Перс+идского»" in words
    assert "есть в 1 статье: её озвучка" in words and "Персидского залива" in words
    revoice = re.search(r'<form method="post" action="/jobs/".*?</form>', page.text, re.S)
    assert revoice, "no re-voice form"
    assert '<input type="hidden" name="kind" value="voice">' in revoice.group(0)
    assert f'name="episode" value="{site.news}"' in revoice.group(0)
    assert f'name="csrf_token" value="{page_token(page.text)}"' in revoice.group(0)
    assert "Озвучить заново" in revoice.group(0)
    assert 'id="lexicon-result"' in page.text and 'role="status"' in page.text


def test_changing_an_entry_keeps_its_place_and_a_bundled_one_is_overridden(site, anna):
    assert save(anna, "Дубае", "Дуба+е", original="Дубае").status_code == 303
    text = (site.root / "lexicon.toml").read_text(encoding="utf-8")
    assert text.count("Дубае") == 1 and '"Дубае" = "Дуба+е"' in text
    # a bundled entry changed: the site's file gets an entry that overrides it
    assert save(anna, "SOCAR", "Сок+ар", original="SOCAR").status_code == 303
    words = text_of(anna.get("/lexicon/?q=SOCAR").text)
    assert "SOCAR → , произносится Сок+ар словарь сайта · вместо встроенного «сок+ар»" in words
    assert delete(anna, "SOCAR").status_code == 303
    assert "SOCAR" not in (site.root / "lexicon.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("written", "spoken", "russian", "loader"),
    [
        ("Баку", "Бак+", "ставится прямо перед гласной",
         "entry 'Баку': '+' marks stress and must stand right before a vowel"),
        ("Баку", "  ", "Напишите, как слово произносить",
         "entry 'Баку': the spoken form must be a non-empty string, got ''"),
        ("", "Бак+у", "Напишите слово так, как оно пишется", "the written form is empty"),
        ("Баку", "а" * 201, "Не длиннее 200 знаков (сейчас 201)", ""),
        ("Ба\x07ку", "Бак+у", "без переводов строки и управляющих знаков", ""),
    ],
)  # fmt: skip
def test_an_invalid_entry_is_refused_with_the_loaders_own_message(
    site, anna, written, spoken, russian, loader
):
    path = site.root / "lexicon.toml"
    before = path.read_bytes() if path.exists() else None
    answer = save(anna, written, spoken)
    assert answer.status_code == 400
    words = text_of(answer.text)
    assert russian in words
    if loader:
        assert f"Проверка словаря: {loader}" in words
    field = "written" if not written or "\x07" in written else "spoken"
    assert re.search(rf'id="entry-{field}"[^>]*aria-invalid="true" autofocus', answer.text)
    assert f'aria-describedby="entry-{field}-error entry-{field}-hint"' in answer.text
    assert (path.read_bytes() if path.exists() else None) == before


def test_a_save_on_a_version_that_changed_meanwhile_is_refused(site, anna):
    token, version = form_of(anna)
    assert save(anna, "Гасанов", "Гас+анов").status_code == 303  # another tab, another editor
    path = site.root / "lexicon.toml"
    before = path.read_bytes()
    stale = anna.post("/lexicon/save", data={
        "csrf_token": token, "written": "Гасанов", "spoken": "Гасан+ов", "version": version,
    })  # fmt: skip
    assert stale.status_code == 409
    assert "Словарь изменился, пока вы его правили" in text_of(stale.text)
    assert 'role="alert"' in stale.text
    assert path.read_bytes() == before
    # the form comes back with what was typed and the file's version now: saved on purpose
    assert 'value="Гасан+ов"' in stale.text and VERSION.search(stale.text).group(1) != version
    assert save(anna, "Гасанов", "Гасан+ов", original="Гасанов").status_code == 303


def test_deleting_an_entry_and_putting_it_back(site, anna):
    assert save(anna, "Кондитерских", "Конд+итерских").status_code == 303
    answer = delete(anna, "Кондитерских")
    assert answer.status_code == 303
    assert "Кондитерских" not in read_lexicon(site.root / "lexicon.toml")
    page = anna.get(answer.headers["location"])
    assert "Удалено: «Кондитерских» = «Конд+итерских»" in text_of(page.text)
    assert "Вернуть запись" in page.text
    bundled = delete(anna, "НАТО")
    assert bundled.status_code == 400 and "из встроенного словаря" in text_of(bundled.text)
    gone = delete(anna, "Кондитерских")
    assert gone.status_code == 409 and "в словаре сайта нет" in text_of(gone.text)


def test_a_viewer_may_listen_but_not_save_or_delete(site, vera):
    path = site.root / "lexicon.toml"
    before = path.read_bytes() if path.exists() else None
    for answer in (save(vera, "Выставка", "В+ыставка"), delete(vera, "Gulfood")):
        assert answer.status_code == 403
        assert "нужна роль «редактор»" in text_of(answer.text)
    assert (path.read_bytes() if path.exists() else None) == before
    page = vera.get("/lexicon/").text
    assert "Послушать может каждый" in page and ">Сохранить</button>" not in page
    answer, _ = listen(vera, "Выставка", "В+ыставка", "Выставка открылась.")
    assert answer.status_code == 200 and answer.headers["content-type"] == "audio/wav"


def test_a_form_without_its_token_is_refused(site, anna):
    for path in ("/lexicon/save", "/lexicon/delete", "/lexicon/sample"):
        answer = anna.post(path, data={"written": "Баку", "spoken": "Бак+у", "version": "x"})
        assert answer.status_code == 403, path
        assert "Запрос отклонён" in answer.text


def test_a_hostile_written_form_shows_as_text(site, anna):
    hostile = '<script>window.pwned = 3</script>"&'
    answer = save(anna, hostile, "скрипт")
    assert answer.status_code == 303
    assert read_lexicon(site.root / "lexicon.toml")[hostile] == "скрипт"
    page = anna.get(answer.headers["location"]).text
    assert "<script>window.pwned" not in page
    assert "&lt;script&gt;window.pwned = 3&lt;/script&gt;&#34;&amp;" in page
    assert delete(anna, hostile).status_code == 303


# -- samples ----------------------------------------------------------------------------------


def test_the_sample_speaks_the_candidate_and_sounds_different_when_it_changes(site, anna):
    sentence = "Выставка Gulfood открылась в Дубае."
    first, seconds = listen(anna, "Gulfood", "Г+улфуд", sentence)
    assert first.status_code == 200 and first.headers["content-type"] == "audio/wav"
    other, other_seconds = listen(anna, "Gulfood", "Гольф+уд-выставка", sentence)
    again, again_seconds = listen(anna, "Gulfood", "Г+улфуд", sentence)
    one, two = samples(first.content), samples(other.content)
    assert len(one) > 10_000 and len(two) > 10_000  # about half a second each at least
    assert len(one) != len(two) or not np.array_equal(one, two)
    assert np.array_equal(samples(again.content), one)  # the same entry: the same sound
    print(f"\nsample latency: {seconds * 1000:.0f} ms (new), {other_seconds * 1000:.0f} ms "
          f"(new), {again_seconds * 1000:.0f} ms (cached)")  # fmt: skip

    # the page's script: JSON saying what was said, then the audio by its address
    answer, _ = listen(anna, "Gulfood", "Г+улфуд", sentence, as_json=True)
    body = answer.json()
    assert f"Гу{STRESS}лфуд" in body["spoken"] and "Gulfood" not in body["spoken"]
    assert body["sentence"] == sentence and body["voice"] == "ru-espeak"
    audio = anna.get(body["audio"])
    assert audio.status_code == 200 and np.array_equal(samples(audio.content), one)
    assert anna.get("/lexicon/sample?key=" + "0" * 64).status_code == 404
    assert anna.get("/lexicon/sample?key=../../etc").status_code == 404


def test_without_a_sentence_the_sample_is_a_sentence_of_an_article_with_the_word(anna):
    answer, _ = listen(anna, "Gulfood", "Г+алфуд", as_json=True)
    body = answer.json()
    assert "выставке продуктов питания Gulfood в Дубае" in body["sentence"]
    answer, _ = listen(anna, "Ыкщ", "+ыкщ", as_json=True)
    assert answer.json()["sentence"] == "Слово: Ыкщ."


def test_a_sample_too_long_or_invalid_is_refused_in_words(anna):
    answer, _ = listen(anna, "Баку", "Бак+у", "слово " * 60, as_json=True)
    assert answer.status_code == 400 and answer.json()["field"] == "sentence"
    assert "Не длиннее 300 знаков" in answer.json()["error"]
    answer, _ = listen(anna, "Баку", "Бак+", as_json=True)
    assert answer.status_code == 400 and "'+' marks stress" in answer.json()["detail"]
    plain, _ = listen(anna, "Баку", "Бак+")
    assert plain.status_code == 400 and "ставится прямо перед гласной" in text_of(plain.text)


# -- the article page and re-voicing ----------------------------------------------------------


def spoken_sentences(settings: Settings, episode: str) -> list[str]:
    path = settings.episodes_dir / episode / "article.json"
    script = Pipeline(settings).script(read_stored_article(path))
    return [s.spoken for s in script.segments if s.kind is SegmentKind.SENTENCE]


def test_the_article_page_and_a_revoicing_speak_the_new_form(site, anna):
    assert save(anna, "Gulfood", "Г+ольфуд", original="Gulfood").status_code == 303
    page = anna.get(f"/articles/{site.news}/").text  # seen once with this lexicon
    assert f"Го{STRESS}льфуд" in page
    answer = save(anna, "Gulfood", "Гальф+уд", original="Gulfood")
    assert answer.status_code == 303
    # the desk's script is made again with the lexicon as it is now, not kept from before
    page = anna.get(f"/articles/{site.news}/").text
    assert f"Гальфу{STRESS}д" in page and f"Го{STRESS}льфуд" not in page

    # «Озвучить заново», the form the page offers: the voice job speaks the new form
    result = anna.get(answer.headers["location"]).text
    audio = site.settings.episodes_dir / site.news / "episode.mp3"
    before = audio.read_bytes()
    token = page_token(result)
    started = anna.post("/jobs/", data={"csrf_token": token, "kind": "voice",
                                        "episode": site.news})  # fmt: skip
    assert started.status_code == 303, text_of(started.text)[:500]
    jobs = site.app.state.desk.jobs  # type: ignore[attr-defined]
    deadline = time.monotonic() + 180
    while not (job := jobs.recent_jobs(1)[0]).finished:
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
    assert job.state == "done", job.message
    assert audio.read_bytes() != before
    pipeline = Pipeline(site.settings)
    spoken = [s for s in spoken_sentences(site.settings, site.news) if "Гальфу" in s]
    assert spoken, "the script does not say the new form"
    voice = pipeline.voices["ru-espeak"]
    engine = pipeline.engines.get(voice.engine)
    key = pipeline.cache.key(engine.name, engine.version(voice), voice, spoken[0])
    assert pipeline.cache.shape(key) is not None  # that sentence was spoken for the episode


# -- the file underneath ----------------------------------------------------------------------


HAND_TOML = """# Our words
[words]
"Brent" = "Брент"   # oil
"Баку" = "Бак+у"

# people
"И. Алиев" = "Ильх+ам Алиев"
"""


def test_a_hand_written_toml_keeps_its_comments_and_order(tmp_path):
    path = tmp_path / "ru.toml"
    path.write_text(HAND_TOML, encoding="utf-8")
    entries = lexicon_entries(path)
    assert entries == {"Brent": "Брент", "Баку": "Бак+у", "И. Алиев": "Ильх+ам Алиев"}
    changed = edited(path, HAND_TOML, entries, None, ("Brent", "Брэнт"))
    assert changed == HAND_TOML.replace('"Brent" = "Брент"   # oil', '"Brent" = "Брэнт"   # oil')
    renamed = edited(path, HAND_TOML, entries, "Баку", ("Bakı", "Бак+ы"))
    assert renamed == HAND_TOML.replace('"Баку" = "Бак+у"', '"Bakı" = "Бак+ы"')
    removed = edited(path, HAND_TOML, entries, "И. Алиев", None)
    assert removed == HAND_TOML.replace('"И. Алиев" = "Ильх+ам Алиев"\n', "")
    added = edited(path, HAND_TOML, entries, None, ('Say "hi"\\', "хай"))
    assert added == HAND_TOML + '"Say \\"hi\\"\\\\" = "хай"\n'
    path.write_text(added, encoding="utf-8")
    assert read_lexicon(path)['Say "hi"\\'] == "хай"


def test_a_csv_lexicon_keeps_its_notes_and_a_folder_gets_its_language_file(tmp_path):
    folder = tmp_path / "words"
    folder.mkdir()
    (folder / "ru.csv").write_text("written,spoken,note\nBrent,Брент,нефть\n", encoding="utf-8")
    (folder / "ru.toml").write_text('[words]\n"Баку" = "Бак+у"\n', encoding="utf-8")
    settings = replace(load_settings(tmp_path), lexicon=folder)
    lexicon = SiteLexicon(settings, journal_of=lambda: _NoJournal())
    assert lexicon.path == folder / "ru.csv"  # read last: it wins
    version = lexicon.contents().version
    lexicon.save("anna", "Brent", "Бр+энт", "Brent", version)
    lexicon.save("anna", "WTI, Brent", "дабл-ю-ти-ай, брент", "", lexicon.contents().version)
    text = (folder / "ru.csv").read_text(encoding="utf-8")
    assert text == 'written,spoken,note\nBrent,Бр+энт,нефть\n"WTI, Brent","дабл-ю-ти-ай, брент"\n'
    assert read_lexicon(folder / "ru.csv")["WTI, Brent"] == "дабл-ю-ти-ай, брент"
    baku = lexicon.contents().find("Баку")
    assert baku is not None and baku.origin == "words/ru.toml" and not baku.editable
    with pytest.raises(Refused, match="Словарь изменился"):
        lexicon.delete("anna", "Brent", version)
    with pytest.raises(Refused, match="уже есть в словаре сайта"):
        lexicon.save("anna", "brent", "брент", "", lexicon.contents().version)  # matched alike
    with pytest.raises(Refused) as refused:
        lexicon.save("anna", "#tag", "тэг", "", lexicon.contents().version)
    assert "не сохранить в файле словаря" in refused.value.message  # a CSV comment


def test_the_new_file_is_named_among_the_top_level_keys_of_audiocast_toml(tmp_path):
    config = tmp_path / "audiocast.toml"
    text = 'show = "Minval"  # the name\n\n# our shows\n[[shows]]\nslug = "all"\ntitle = "Все"\n'
    config.write_text(text, encoding="utf-8")
    settings = load_settings(tmp_path)
    lexicon = SiteLexicon(settings, journal_of=lambda: _NoJournal())
    assert lexicon.path == tmp_path / "lexicon.toml" and not lexicon.configured
    change = lexicon.save("anna", "Minval", "Минв+ал", "", lexicon.contents().version)
    assert change.made == "file"
    assert config.read_text(encoding="utf-8") == text.replace(
        "# the name\n", '# the name\nlexicon = "lexicon.toml"\n'
    )
    assert load_settings(tmp_path).lexicon == tmp_path / "lexicon.toml" == settings.lexicon
    assert load_settings(tmp_path).shows[0].title == "Все"


def test_checked_entry_uses_the_loaders_rules_then_the_limits():
    assert checked_entry("  Баку ", " Бак+у ") == ("Баку", "Бак+у")
    with pytest.raises(Refused) as refused:
        checked_entry("Баку", "Бак+")
    assert refused.value.field == "spoken" and "'+' marks stress" in refused.value.detail
    with pytest.raises(Refused, match="Не длиннее 100"):
        checked_entry("б" * 101, "б")


class _NoJournal:
    def record(self, *arguments) -> None:
        pass


# -- in Chromium ------------------------------------------------------------------------------


SAMPLE_PLAYING = (
    "() => { const a = document.getElementById('lexicon-audio');"
    " return a && !a.hidden && a.currentTime > 0.2; }"
)


def test_in_chromium_an_editor_types_an_entry_and_hears_it(browser, site):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    try:
        page.goto(site.url + "login/?next=/lexicon/")
        page.get_by_label("Имя").fill("anna")
        page.get_by_label("Пароль").fill(PASSWORDS["anna"])
        page.get_by_label("Пароль").press("Enter")
        page.wait_for_url(site.url + "lexicon/")
        expect(page.locator("main h1")).to_have_text("Словарь")
        page.get_by_label("Как пишется").fill("Дубае")
        page.get_by_label("Как произносится").fill("Дуб+ае")
        listen_button = page.locator("#entry-form").get_by_role("button", name="Послушать")
        listen_button.focus()
        started = time.perf_counter()
        page.keyboard.press("Enter")
        page.wait_for_function(SAMPLE_PLAYING)
        print(f"\nin Chromium, from «Послушать» to the sample playing: "
              f"{(time.perf_counter() - started) * 1000:.0f} ms")  # fmt: skip
        expect(page.locator("#lexicon-listen-status")).to_contain_text(f"Дуба{STRESS}е")
        assert page.url == site.url + "lexicon/"  # heard in the page, nothing submitted
        # an entry of the list is heard the same way
        page.get_by_label("Поиск по словарю").fill("SOCAR")
        page.get_by_label("Поиск по словарю").press("Enter")
        page.wait_for_url("**/lexicon/?q=SOCAR")
        page.locator(".lexicon-entry").first.get_by_role("button", name="Послушать «SOCAR»").click()
        expect(page.locator("#lexicon-listen-status")).to_contain_text(f"сока{STRESS}р")
        assert problems == [], problems
    finally:
        context.close()

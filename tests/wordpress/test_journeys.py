"""The readers' and the editors' journeys in real Chromium on the real WordPress, end to end: the
WordPress is a `[[sources]]` wordpress source of a real site folder; `sync_once` voices its
posts with real espeak-ng, `build` publishes public/ (feeds, pages, the player, the post
index), `audiocast serve`'s own server (CORS, Range) serves it on loopback as the podcast host,
and the plugin's cron refresh reads the index from there.

- A reader plays post A in the theme, follows a link in it to post B (a full page load): the
  player is there again, once, and offers to resume A where it was; resumed, A plays on.
- An editor sees «озвучена · M:SS» in the posts list and the status in the block editor's panel
  «Аудио», ticks «Не озвучивать» and presses «Update» in the real block editor: after sync,
  build and the refresh the episode has left the feed and the index, the post page has no
  button and the column says «не озвучивать»; unticked, the same episode comes back, not
  voiced again.
- An editor writes a new post in the block editor and presses «Publish»: the plugin tells a
  real desk (running its jobs with real espeak-ng), whose sync job voices and builds; the index
  has the post within a minute (2.5 s here), and the refresh the plugin scheduled gives the
  post's page its button."""

from __future__ import annotations

import dataclasses
import json
import re
import threading
import time
import urllib.parse
import urllib.request

import podcastparser
import pytest
from playwright.sync_api import Page, expect

from audiocast.config import Settings, SiteSource
from audiocast.desk.app import create_app
from audiocast.publish.build import build
from audiocast.publish.serve import make_server, server_url
from audiocast.speech.registry import EngineSet
from audiocast.state import STATE_FILE, SyncState
from audiocast.sync import SyncReport, sync_once
from tests.conftest import CountingEspeak, make_settings
from tests.desk.conftest import run_cli, running
from tests.wordpress.conftest import EDITOR, SOURCE
from tests.wordpress.test_plugin_editor import token_by_cli
from tests.wordpress_site import WordPress, post

AUDIO = "window.audiocastPlayer.audio"
PLAYING = f"() => !{AUDIO}.paused && {AUDIO}.currentTime > 0.3"
READER_A = "Парламент обсудил бюджет"
READER_B = "Министры ответили депутатам"
EDITED = "Мэрия открыла новый парк"
LONG = [  # about ten seconds of espeak: enough to play two and resume from there
    "Депутаты парламента обсуждали проект бюджета на следующий год почти весь день.",
    "Министр финансов рассказал о новых расходах на дороги, школы и больницы в регионах.",
    "Голосование по законопроекту назначено на следующую неделю.",
]

_CONFIGURE = r"""
update_option('audiocast_settings', array_merge(audiocast_settings(), $data));
do_action('audiocast_refresh_index');
$result = get_option('audiocast_index_status');
"""
_REFRESH = "do_action('audiocast_refresh_index'); $result = get_option('audiocast_index_status');"


@dataclasses.dataclass
class Journey:
    """The WordPress, the site folder that syncs it, and the podcast host serving its public/."""

    site: WordPress
    settings: Settings
    engine: CountingEspeak
    host: str
    posts: dict[str, int]

    def publish(self) -> SyncReport:
        """What cron does on both sides: `audiocast sync` and `build`, then the plugin's
        refresh of the index (WP-Cron's job, run as WP-Cron runs it)."""
        self.engine.calls.clear()
        report = sync_once(
            self.settings, workers=1, engines=EngineSet({"espeak": lambda: self.engine})
        )
        assert not report.failed and not report.problems, report
        build(self.settings)
        status = self.site.php(_REFRESH)
        assert status["error"] == "", status
        return report

    def index(self) -> dict:
        path = self.settings.public_dir / "wordpress" / f"{SOURCE}.json"
        return json.loads(path.read_text("utf-8"))["posts"]

    def feed_audio(self) -> list[str]:
        """The enclosure URLs of the show's feed, as a podcast app reads them (from the host)."""
        (feed,) = self.settings.public_dir.glob("*/feed.xml")
        url = self.host + feed.relative_to(self.settings.public_dir).as_posix()
        with urllib.request.urlopen(url, timeout=10) as answer:
            parsed = podcastparser.parse(url, answer)
        return [e["enclosures"][0]["url"] for e in parsed["episodes"]]

    def episodes(self) -> dict[int, str]:
        """Post id → episode id, as sync recorded them."""
        state = SyncState(self.settings.episodes_dir / STATE_FILE)
        try:
            rows = state.all(SOURCE)
        finally:
            state.close()
        return {int(r.identity.rsplit(":", 1)[1]): r.episode_id for r in rows if r.episode_id}

    def path(self, key: str) -> str:
        url = self.site.php("$result = get_permalink($data);", self.posts[key])
        return urllib.parse.urlsplit(url).path


@pytest.fixture(scope="module")
def journey(active_plugin, tmp_path_factory):
    """Three posts (A links to B), voiced by a real sync and published by a real build on a
    podcast host on loopback; the plugin set to that host and its index refreshed."""
    root = tmp_path_factory.mktemp("journeys")
    public = root / "public"
    public.mkdir()
    server = make_server(public, "127.0.0.1", 0)  # CORS for static/, Range for seeking
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    host = server_url(server)
    try:
        ids = active_plugin.reset(
            [post(READER_A, LONG, "2026-11-20 09:00:00"),
             post(READER_B, ["Министры ответили на вопросы депутатов."], "2026-11-20 10:00:00"),
             post(EDITED, ["В центре города открыли новый парк."], "2026-11-20 11:00:00")]
        )  # fmt: skip
        posts = dict(zip(("a", "b", "edited"), ids, strict=True))
        link = active_plugin.php("$result = get_permalink($data);", posts["b"])
        content = "\n\n".join(f"<!-- wp:paragraph -->\n<p>{p}</p>\n<!-- /wp:paragraph -->"
                              for p in LONG)  # fmt: skip
        content += (f'\n\n<!-- wp:paragraph -->\n<p>Читайте также: <a href="{link}">'
                    f"{READER_B}</a></p>\n<!-- /wp:paragraph -->")  # fmt: skip
        active_plugin.update(posts["a"], content=content)
        source = SiteSource(SOURCE, "wordpress", active_plugin.url)
        settings = make_settings(root, sources=(source,), base_url=host, workers=1,
                                 public_dir=public)  # fmt: skip
        status = active_plugin.php(
            _CONFIGURE,
            {"base_url": host, "source": SOURCE, "desk_url": "", "token": "",
             "post_types": ["post"], "categories": [], "place": "before",
             "label": "Слушать статью"},
        )  # fmt: skip
        assert status["error"] != ""  # nothing published yet: the host has no index
        journey = Journey(active_plugin, settings, CountingEspeak(), host, posts)
        report = journey.publish()
        assert sorted(o.title for o in report.outcomes) == sorted([READER_A, READER_B, EDITED])
        assert journey.index().keys() == {str(i) for i in ids}
        yield journey
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def context(browser):
    """A fresh visitor (cookies and localStorage of its own); no script error on any page."""
    context = browser.new_context()
    context.set_default_timeout(20_000)
    errors: list[str] = []
    context.on("weberror", lambda error: errors.append(str(error.error)))
    yield context
    context.close()
    assert errors == [], errors


def audio(page: Page) -> dict:
    return page.evaluate(
        f"() => ({{src: {AUDIO}.src, time: {AUDIO}.currentTime, paused: {AUDIO}.paused}})"
    )


# --- the reader -----------------------------------------------------------------------------


def test_a_reader_plays_a_post_reads_on_and_resumes_after_a_full_page_load(journey, context):
    index = journey.index()
    a, b = index[str(journey.posts["a"])], index[str(journey.posts["b"])]
    assert a["duration"] > 6  # long enough to leave two seconds in and come back
    page = context.new_page()
    page.goto(journey.site.url + journey.path("a"))
    page.get_by_role("button", name=f"Слушать статью · {a['duration_text']}").click()
    page.wait_for_function(f"() => !{AUDIO}.paused && {AUDIO}.currentTime > 2.2")
    assert audio(page)["src"] == a["audio"]
    expect(page.locator(".ac-title")).to_have_text(READER_A)
    expect(page.get_by_role("button", name="Очередь (0)")).to_be_visible()
    # the post page offers no «В очередь» for another post: the queue stays as it is

    with page.expect_navigation():  # a full page load, as every link on the news site is
        page.get_by_role("link", name=READER_B).click()
    assert page.url == journey.site.url + journey.path("b")
    resume = page.locator(".ac-resume")
    expect(resume).to_be_visible()
    offer = re.compile(rf"Продолжить «{READER_A}» с 0:0([234])\?")
    expect(resume.locator(".ac-resume-text")).to_have_text(offer)
    at = int(offer.match(resume.locator(".ac-resume-text").inner_text()).group(1))
    expect(page.locator(".ac-title")).to_have_text(READER_A)
    expect(page.get_by_role("button", name="Очередь (0)")).to_be_visible()  # kept, as it was
    assert audio(page)["paused"]
    # the player once: one loader, one module, one bar, one stylesheet (the plugin's)
    counts = page.evaluate(
        "() => ['script[src$=\"/player.js\"]', 'script[src$=\"player/main.js\"]', '.ac-bar',"
        " 'link[href$=\"player.css\"]'].map(s => document.querySelectorAll(s).length)"
    )
    assert counts == [1, 1, 1, 1]
    own = page.get_by_role("button", name=f"Слушать статью · {b['duration_text']}")
    expect(own).to_have_attribute("aria-pressed", "false")

    page.get_by_role("button", name="Продолжить").click()
    page.wait_for_function(PLAYING)
    now = audio(page)
    assert now["src"] == a["audio"] and at <= now["time"] < at + 3
    expect(resume).to_be_hidden()
    page.wait_for_function(f"() => {AUDIO}.currentTime > {now['time'] + 0.5}")  # plays on

    own.click()  # then the post being read: it plays from its start, A is let go
    page.wait_for_function(f"() => {AUDIO}.src === {json.dumps(b['audio'])}")
    page.wait_for_function(PLAYING)
    expect(own).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".ac-title")).to_have_text(READER_B)


# --- the editor -----------------------------------------------------------------------------


def sign_in(page: Page, site: str, user: tuple[str, str]) -> None:
    page.goto(site + "/wp-login.php")
    page.locator("#user_login").fill(user[0])
    page.locator("#user_pass").fill(user[1])
    with page.expect_navigation():
        page.locator("#wp-submit").click()
    expect(page.locator("#wpadminbar")).to_be_attached()


def column(page: Page, journey: Journey) -> dict[str, str]:
    """Post → the text of its «Аудио» cell on the posts list."""
    page.goto(journey.site.url + "/wp-admin/edit.php")
    expect(page.locator("th#audiocast")).to_have_text("Аудио")
    return {
        key: page.locator(f"tr#post-{post_id} td.column-audiocast").inner_text().strip()
        for key, post_id in journey.posts.items()
    }


def open_editor(page: Page, journey: Journey, key: str):
    """The block editor for post KEY, its welcome guide out of the way; the panel «Аудио»."""
    page.goto(f"{journey.site.url}/wp-admin/post.php?post={journey.posts[key]}&action=edit")
    page.wait_for_function(
        "() => window.wp && wp.data && wp.data.select('core/editor').getCurrentPostId()"
    )
    page.evaluate(
        "() => wp.data.select('core/edit-post').isFeatureActive('welcomeGuide')"
        " && wp.data.dispatch('core/edit-post').toggleFeature('welcomeGuide')"
    )
    panel = page.locator("#audiocast-audio")
    expect(panel).to_be_visible()
    return panel


def set_do_not_voice(page: Page, journey: Journey, key: str, on: bool):
    """Tick or untick «Не озвучивать» in the panel and press «Update»: the block editor saves
    the post through the REST API, then posts the meta boxes' form to post.php."""
    panel = open_editor(page, journey, key)
    box = panel.get_by_label("Не озвучивать")
    if on:
        expect(box).not_to_be_checked()
    else:
        expect(box).to_be_checked()
    box.set_checked(on)
    with page.expect_response(lambda r: "meta-box-loader=1" in r.url) as saved:
        page.get_by_role("button", name="Update", exact=True).click()
    assert saved.value.status == 302  # post.php's redirect after «editpost», as for a form
    page.wait_for_function("() => !wp.data.select('core/edit-post').isSavingMetaBoxes()")
    return panel


def stored_meta(site: WordPress, post_id: int):
    return site.php(
        "$result = metadata_exists('post', $data, 'audiocast_exclude')"
        " ? get_post_meta($data, 'audiocast_exclude', true) : null;",
        post_id,
    )


def has_button(journey: Journey, key: str) -> bool:
    with urllib.request.urlopen(journey.site.url + journey.path(key), timeout=30) as answer:
        page = answer.read().decode()
    return "data-audiocast-play" in page and "player.js" in page


def test_an_editor_sees_the_status_and_do_not_voice_works_end_to_end(journey, context):
    index = journey.index()
    post_id = journey.posts["edited"]
    entry = index[str(post_id)]
    episode = journey.episodes()[post_id]
    assert entry["episode"] == episode
    page = context.new_page()
    sign_in(page, journey.site.url, EDITOR)
    cells = column(page, journey)
    assert cells == {k: f"озвучена · {index[str(i)]['duration_text']}"
                     for k, i in journey.posts.items()}  # fmt: skip

    panel = open_editor(page, journey, "edited")
    expect(
        panel.get_by_role("link", name=f"Озвучено · {entry['duration_text']}")
    ).to_have_attribute("href", entry["page"])
    expect(panel.locator("audio")).to_have_attribute("src", entry["audio"])

    # «Не озвучивать», saved with the post in the block editor
    panel = set_do_not_voice(page, journey, "edited", True)
    assert stored_meta(journey.site, post_id) == "1"
    report = journey.publish()
    assert report.outcomes == [] and report.excluded == [EDITED]
    assert str(post_id) not in journey.index()
    audio_urls = journey.feed_audio()
    assert entry["audio"] not in audio_urls and len(audio_urls) == 2
    assert not has_button(journey, "edited") and has_button(journey, "a")
    assert column(page, journey)["edited"] == "не озвучивать"
    panel = open_editor(page, journey, "edited")
    expect(panel).to_contain_text("Не озвучивается: отмечено «Не озвучивать».")

    # unticked: the same episode back, nothing voiced again
    set_do_not_voice(page, journey, "edited", False)
    assert stored_meta(journey.site, post_id) is None
    report = journey.publish()
    assert journey.engine.calls == [] and report.excluded == []
    assert journey.episodes()[post_id] == episode
    assert journey.index()[str(post_id)] == entry
    assert entry["audio"] in journey.feed_audio()
    assert has_button(journey, "edited")
    assert column(page, journey)["edited"] == f"озвучена · {entry['duration_text']}"


# --- publishing: the desk voices the post within a minute ------------------------------------

FRESH = "Городской совет принял решение"
FRESH_TEXT = "Городской совет принял решение о ремонте моста через реку."
_DESK_REFRESH = r"""
$ran = [];
foreach (_get_cron_array() as $time => $hooks) {
    foreach ($hooks['audiocast_refresh_index'] ?? [] as $event) {
        if (str_starts_with($event['args'][0] ?? '', 'desk-')) {
            if ($data === 'run') {  // as WP-Cron would; else only forgotten
                do_action_ref_array('audiocast_refresh_index', $event['args']);
            }
            wp_unschedule_event($time, 'audiocast_refresh_index', $event['args']);
            $ran[] = $time - time();
        }
    }
}
$result = ['ran' => $ran, 'status' => get_option('audiocast_index_status')];
"""


@pytest.fixture
def running_desk(journey):
    """The desk of the journey's site, running its jobs with the journey's espeak, and the
    plugin told its URL and an API token of the editor wpdesk (made by the CLI)."""
    root = journey.settings.episodes_dir.parent
    assert run_cli("--site", str(root), "desk", "user", "add", "wpdesk", "--role", "editor",
                   stdin="пароль-для-тестов-wpdesk\n") == 0  # fmt: skip
    token = token_by_cli(root, "wpdesk")
    engines = EngineSet({"espeak": lambda: journey.engine})
    app = create_app(journey.settings, warm_up=False, engines=engines)
    with running(app) as url:
        journey.site.php(_CONFIGURE, {"desk_url": url, "token": token})
        try:
            yield app
        finally:
            journey.site.php(_CONFIGURE, {"desk_url": "", "token": ""})


def test_a_post_published_in_the_block_editor_is_voiced_and_gets_its_button_within_a_minute(
    journey, running_desk, context
):
    """The editor writes a post and presses «Publish»: the plugin tells the desk, whose sync
    job voices the post with real espeak and builds; the index has it within a minute, and the
    refresh the plugin scheduled for 90 s later (run here when it is due, not waited for) gives
    its page the button."""
    journey.engine.calls.clear()
    journey.site.php(_DESK_REFRESH, "forget")  # those that earlier modules' publishing left
    page = context.new_page()
    sign_in(page, journey.site.url, EDITOR)
    page.goto(journey.site.url + "/wp-admin/post-new.php")
    page.wait_for_function("() => window.wp && wp.data && wp.data.select('core/editor')")
    page.evaluate(
        "() => wp.data.select('core/edit-post').isFeatureActive('welcomeGuide')"
        " && wp.data.dispatch('core/edit-post').toggleFeature('welcomeGuide')"
    )
    page.get_by_role("textbox", name="Add title").fill(FRESH)
    page.keyboard.press("Enter")  # into the first paragraph
    page.keyboard.type(FRESH_TEXT)
    page.get_by_role("button", name="Publish", exact=True).click()  # opens the checks
    with page.expect_response(lambda r: "/wp-json/wp/v2/posts/" in r.url and r.ok):
        page.locator(".editor-post-publish-panel").get_by_role(
            "button", name="Publish", exact=True
        ).click()
    published = time.monotonic()
    post_id = page.evaluate("() => wp.data.select('core/editor').getCurrentPostId()")
    while str(post_id) not in journey.index():
        assert time.monotonic() - published < 60, "no episode for the new post within a minute"
        time.sleep(0.25)
    took = time.monotonic() - published
    entry = journey.index()[str(post_id)]
    assert entry["title"] == FRESH and journey.engine.calls  # voiced by the desk's job
    print(f"published → in the index: {took:.1f} s")

    refreshed = journey.site.php(_DESK_REFRESH, "run")
    assert len(refreshed["ran"]) == 1 and 0 < refreshed["ran"][0] <= 90
    assert refreshed["status"]["error"] == ""
    page.goto(journey.site.url + urllib.parse.urlsplit(journey.site.php(
        "$result = get_permalink($data);", post_id)).path)  # fmt: skip
    expect(
        page.get_by_role("button", name=f"Слушать статью · {entry['duration_text']}")
    ).to_be_visible()

"""The Podcast List and a show's Episode List inside a real WordPress 6.1 with Twenty
Twenty-Three: the shortcodes and the blocks render the lists that `audiocast build` published
(a synthetic store built for the loopback podcast host), fetched by the plugin's cron refresh,
never during a page view; paginated with ?audiocast_page, each episode with the listen and queue
buttons the player reads; and in Chromium the buttons queue and play."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess

import pytest

from audiocast.commands.wordpress import plugin_source
from audiocast.config import SiteSource
from audiocast.publish.build import build
from tests.publish.conftest import SHOWS, synthetic_settings, write_episode
from tests.wordpress.conftest import SOURCE, Browser
from tests.wordpress.test_plugin import buttons, page_path, save_settings, settings_form

HOSTILE = "Выпуск <script>window.pwned = 1</script> & «кавычки» 'и' \"так\""
AUDIO = "window.audiocastPlayer.audio"
TONE = "0123456789abcdef"  # the podcast host's real MP3

_PAGES = r"""
wp_set_current_user(get_user_by('login', 'admin')->ID);
$result = [];
foreach ($data as $key => $item) {
    $result[$key] = wp_insert_post([
        'post_type' => $item[0], 'post_status' => 'publish', 'post_title' => $item[1],
        'post_content' => $item[2],
    ], true);
}
"""


@pytest.fixture(scope="module")
def lists(active_plugin, podcast_host, admin_browser, tmp_path_factory):
    """25 episodes of «Minval Politika» (one titled with a script tag) and an empty second show,
    built with page_size 2 for the podcast host; its wordpress/shows*.json served there, each
    episode's audio the host's real MP3; the settings saved, the cron refresh run; and the pages
    and posts that show the lists."""
    root = tmp_path_factory.mktemp("lists-site")
    settings = synthetic_settings(
        root, base_url=podcast_host.url, shows=SHOWS, page_size=2,
        sources=(SiteSource(SOURCE, "wordpress", "https://minval.az"),),
    )  # fmt: skip
    ids = [
        write_episode(settings.episodes_dir, n, **({"title": HOSTILE} if n == 24 else {})).name
        for n in range(1, 26)
    ]
    build(settings)
    published = settings.public_dir / "wordpress"
    (podcast_host.root / "wordpress").mkdir(exist_ok=True)
    shutil.copy(published / "shows.json", podcast_host.root / "wordpress" / "shows.json")
    shutil.copytree(
        published / "shows", podcast_host.root / "wordpress" / "shows", dirs_exist_ok=True
    )
    tone = podcast_host.root / "episodes" / TONE / "episode.mp3"
    for episode_id in ids:
        target = podcast_host.root / "episodes" / episode_id / "episode.mp3"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            shutil.copy(tone, target)
    status, _ = save_settings(admin_browser, settings_form(podcast_host.url))
    assert status == 200
    site = active_plugin
    site.php("do_action('audiocast_refresh_index');")
    ids.reverse()  # newest first, as the lists are
    posts = site.php(
        _PAGES,
        {
            "podcasts": ["page", "Подкасты", "[audiocast_podcasts]"],
            "episodes": ["page", "Выпуски", '[audiocast_episodes show="politika" per_page="5"]'],
            "unknown": ["page", "Нет такого", '[audiocast_episodes show="nope"]'],
            "blocks": ["post", "Блоки", '<!-- wp:audiocast/podcasts /-->\n\n'
                       '<!-- wp:audiocast/episodes {"show":"politika","perPage":5} /-->'],
        },
    )  # fmt: skip
    paths = {key: page_path(site, post_id) for key, post_id in posts.items()}
    return {"ids": ids, "paths": paths, "site": site, "host": podcast_host}


def titles(page: str) -> list[str]:
    return [
        html.unescape(t)
        for t in re.findall(r'class="audiocast-episode-title"[^>]*><a [^>]*>([^<]*)</a>', page)
    ]


def get(lists, path: str) -> str:
    status, page = Browser(lists["site"].url).get(path)
    assert status == 200, page[-1500:]
    return page


def test_new_php_files_pass_php_lint():
    files = [plugin_source() / "includes" / "lists.php", plugin_source() / "audiocast.php"]
    for path in files:
        done = subprocess.run(["php", "-l", str(path)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    for name in ("podcasts", "episodes"):
        block = json.loads((plugin_source() / "blocks" / name / "block.json").read_text("utf-8"))
        assert block["name"] == f"audiocast/{name}"
        assert block["editorScript"] == "audiocast-lists-editor"


def test_the_cron_refresh_keeps_the_lists(lists):
    stored = lists["site"].php("$result = get_option('audiocast_lists');")
    assert stored["error"] == ""
    assert sorted(stored["shows"]) == ["economy", "politika"]
    politika = stored["shows"]["politika"]
    assert politika["episodes"] == 25
    # the newest four list pages: the front page (3) and three archive pages (2 each)
    assert [e["id"] for e in politika["list"]] == lists["ids"][:9]
    assert "/wordpress/shows.json" in lists["host"].requests


def test_lists_with_urls_off_the_host_are_refused(lists):
    root = lists["host"].root / "wordpress"
    shows = json.loads((root / "shows.json").read_text("utf-8"))
    front = json.loads((root / "shows" / "politika" / "0.json").read_text("utf-8"))
    result = lists["site"].php(
        "$base = audiocast_settings()['base_url'];"
        "$bad = $data['shows']; $bad['player']['js'] = 'https://evil.example/p.js';"
        "$v = audiocast_validate_shows($bad, $base);"
        "$shows = $data['shows']; $shows['shows'][1]['feed'] = 'https://evil.example/f.xml';"
        "$page = $data['front'];"
        "$page['episodes'][0]['audio'] = 'https://evil.example/a.mp3';"
        "$page['episodes'][1]['page'] = $base . 'episodes/../../x';"
        "$result = [is_wp_error($v) ? $v->get_error_code() : 'accepted',"
        " array_keys(audiocast_validate_shows($shows, $base)['shows']),"
        " count(audiocast_validate_list_page($page, 'politika', $base)),"
        " audiocast_validate_list_page($page, 'economy', $base)];",
        {"shows": shows, "front": front},
    )
    assert result == ["audiocast_player", ["politika"], 1, None]  # the bad ones left out


def test_the_podcast_list_shortcode_in_the_theme(lists):
    fetched = list(lists["host"].requests)
    page = get(lists, lists["paths"]["podcasts"])
    assert lists["host"].requests == fetched  # rendering fetches nothing
    assert "wp-site-blocks" in page  # the theme's page
    items = re.findall(r'<li class="audiocast-podcast">.*?</li>', page, re.S)
    assert len(items) == 2
    assert "Minval Politika" in items[0] and "25 выпусков" in items[0]
    assert f'href="{lists["host"].url}politika/"' in items[0]
    assert f'href="{lists["host"].url}politika/feed.xml"' in items[0]
    assert "Minval: экономика" in items[1] and "0 выпусков" in items[1]
    assert f"<script src='{lists['host'].url}static/player.js' id='audiocast-player-js'>" in page


def test_the_episode_list_shortcode_with_buttons_for_the_player(lists):
    page = get(lists, lists["paths"]["episodes"])
    ids, host = lists["ids"], lists["host"].url
    assert titles(page) == ["Выпуск номер 25", HOSTILE, "Выпуск номер 23", "Выпуск номер 22",
                            "Выпуск номер 21"]  # fmt: skip
    play = buttons(page, "data-audiocast-play")
    assert play == buttons(page, "data-audiocast-queue")
    assert [b["id"] for b in play] == ids[:5]
    assert play[0] == {
        "id": ids[0], "title": "Выпуск номер 25", "show": "Minval Politika",
        "src": f"{host}episodes/{ids[0]}/episode.mp3", "page": f"{host}episodes/{ids[0]}/",
        "cover": play[0]["cover"], "duration": 85.0,
    }  # fmt: skip
    assert play[0]["cover"].startswith(host + "covers/politika-")
    assert f'<a href="{host}episodes/{ids[0]}/">Выпуск номер 25</a>' in page
    assert "1:25" in page and 'datetime="2026-01-02T09:00:00+04:00"' in page
    assert "Страница 1 из 5" in page
    older = re.search(r'class="audiocast-older" href="([^"]*)"', page).group(1)
    assert html.unescape(older).endswith("?audiocast_page=2")


def test_a_hostile_title_is_text(lists):
    page = get(lists, lists["paths"]["episodes"])
    assert "<script>window.pwned" not in page
    assert "Выпуск &lt;script&gt;window.pwned = 1&lt;/script&gt; &amp;" in page
    assert buttons(page, "data-audiocast-play")[1]["title"] == HOSTILE


def test_page_2_and_pages_beyond_the_cache(lists):
    path, ids = lists["paths"]["episodes"], lists["ids"]
    second = get(lists, path + "?audiocast_page=2")
    assert [b["id"] for b in buttons(second, "data-audiocast-play")] == ids[5:9]
    assert "Страница 2 из 5" in second and "audiocast-newer" in second
    # the 10th newest is the 16th oldest: on the host's archive page 8 (episodes 15 and 16)
    assert f'href="{lists["host"].url}politika/page/8/"' in second
    last = get(lists, path + "?audiocast_page=5")
    assert buttons(last, "data-audiocast-play") == []
    assert f'href="{lists["host"].url}politika/page/3/"' in last  # the 5 oldest: 5 and 6
    for bad in ("999", "-1", "abc", "2%3Cscript%3E"):
        page = get(lists, path + "?audiocast_page=" + bad)
        assert "<script%3E" not in page and "audiocast-pagination" in page
    assert "Страница 5 из 5" in get(lists, path + "?audiocast_page=999")


def test_the_blocks_render_the_same_lists(lists):
    page = get(lists, lists["paths"]["blocks"])
    assert len(re.findall(r'<li class="audiocast-podcast">', page)) == 2
    assert [b["id"] for b in buttons(page, "data-audiocast-play")] == lists["ids"][:5]
    assert "Страница 1 из 5" in page


def test_an_unknown_show_says_so_in_one_line(lists):
    page = get(lists, lists["paths"]["unknown"])
    assert '<p class="audiocast-lists-notice">Подкаст «nope» не найден.</p>' in page
    assert page.count("audiocast-lists-notice") == 1 and "audiocast-episode-list" not in page


def test_chromium_lays_the_podcast_list_out_with_the_plugins_style(lists, browser):
    """No bullets, each cover beside its show's title (the theme alone stacks them)."""
    page = browser.new_page()
    try:
        page.goto(lists["site"].url + lists["paths"]["podcasts"])
        shows = page.locator(".audiocast-podcasts")
        assert shows.evaluate("list => getComputedStyle(list).listStyleType") == "none"
        for item in page.locator(".audiocast-podcast").all():
            cover = item.locator(".audiocast-podcast-cover").bounding_box()
            title = item.locator(".audiocast-podcast-title").bounding_box()
            assert cover and title
            assert title["x"] >= cover["x"] + cover["width"]  # beside it, not under it
            assert title["y"] < cover["y"] + cover["height"]
    finally:
        page.close()


def test_chromium_queues_and_plays_from_the_episode_list(lists, browser):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(lists["site"].url + lists["paths"]["episodes"])
        ids = lists["ids"]
        page.locator(
            f'button[data-audiocast-queue][aria-describedby="audiocast-title-{ids[2]}"]'
        ).click()
        page.wait_for_function(
            f"() => window.audiocastPlayer.state && "
            f"window.audiocastPlayer.state().queue.some(e => e.id === '{ids[2]}')",
            timeout=15000,
        )
        page.locator(
            f'button[data-audiocast-play][aria-describedby="audiocast-title-{ids[0]}"]'
        ).click()
        page.wait_for_function(f"() => !{AUDIO}.paused && {AUDIO}.currentTime > 0.3", timeout=15000)
        assert page.evaluate(f"{AUDIO}.src") == f"{lists['host'].url}episodes/{ids[0]}/episode.mp3"
        assert errors == []
    finally:
        page.close()


def test_the_block_editor_offers_both_blocks(lists, admin_browser, browser):
    """The editor script (no build step) loads with its dependencies and registers both blocks,
    the episodes block with its two settings; inserted, it shows the server's rendering.
    (Debian's WordPress lacks Backbone for the media library: the page's own errors about it
    are not ours, so they are not asserted on.)"""
    status, page = admin_browser.get("/wp-admin/post-new.php")
    assert status == 200 and "audiocast/blocks/editor.js" in page
    context = browser.new_context()
    context.add_cookies(
        [{"name": c.name, "value": c.value, "url": lists["site"].url} for c in admin_browser.jar]
    )
    editor = context.new_page()
    try:
        editor.goto(lists["site"].url + "/wp-admin/post-new.php")
        editor.wait_for_function(
            "() => window.wp && wp.blocks && wp.blocks.getBlockType('audiocast/episodes')",
            timeout=20000,
        )
        found = editor.evaluate(
            "() => ['audiocast/podcasts', 'audiocast/episodes'].map(name => {"
            " const type = wp.blocks.getBlockType(name);"
            " return [type.title, Object.keys(type.attributes).sort()]; })"
        )
        assert found[0][0] == "Подкасты"
        assert found[1] == ["Выпуски подкаста", ["className", "lock", "perPage", "show"]]
        editor.evaluate(
            "() => wp.data.dispatch('core/block-editor').insertBlocks("
            "wp.blocks.createBlock('audiocast/episodes', {show: 'politika', perPage: 2}))"
        )
        rendered = editor.locator(".audiocast-episode-title").first
        rendered.wait_for(timeout=20000)
        assert rendered.inner_text() == "Выпуск номер 25"
    finally:
        context.close()


_UNINSTALL = r"""
$kept = [];
foreach (['audiocast_settings', 'audiocast_index', 'audiocast_index_status'] as $name) {
    $kept[$name] = get_option($name);
}
$before = get_option('audiocast_lists') !== false;
define('WP_UNINSTALL_PLUGIN', 'audiocast/audiocast.php');
include WP_PLUGIN_DIR . '/audiocast/uninstall.php';
$result = ['before' => $before, 'left' => $GLOBALS['wpdb']->get_col(
    "SELECT option_name FROM {$GLOBALS['wpdb']->options} WHERE option_name LIKE '%audiocast%'"
)];
foreach ($kept as $name => $value) {  // as it was, for the modules after this one
    if ($value !== false) {
        update_option($name, $value, false);
    }
}
audiocast_schedule_refresh();
"""


def test_uninstalling_removes_the_lists(lists):
    """Runs last: uninstall.php deletes the lists' option with the others (then the settings
    and the index are put back, for the modules after this one)."""
    result = lists["site"].php(_UNINSTALL)
    assert result == {"before": True, "left": []}

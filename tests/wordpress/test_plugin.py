"""The companion plugin (wordpress/audiocast/) on a real WordPress 6.1 with a real block theme:
installed from the zip `audiocast wordpress-plugin` writes, configured through the real
options.php form, its index fetched by its cron job from a podcast host on loopback, its
button rendered by the theme through `the_content`, its meta box and REST meta."""

from __future__ import annotations

import html
import json
import re
import subprocess
import urllib.parse
import zipfile

import pytest
from playwright.sync_api import expect

from audiocast import __version__
from audiocast.commands.wordpress import plugin_source
from tests.wordpress.conftest import SOURCE, Browser, field_value

TOKEN = "tok-3f9a61c2e8d04b7aa51e"
SCRIPT_TITLE = "Заголовок <script>alert('эпизод')</script> & «кавычки»"


def settings_form(base_url: str, **changes) -> dict:
    fields = {
        "audiocast_settings[base_url]": base_url,
        "audiocast_settings[source]": SOURCE,
        "audiocast_settings[desk_url]": "",
        "audiocast_settings[token_new]": "",
        "audiocast_settings[place]": "before",
        "audiocast_settings[label]": "Слушать статью",
        "audiocast_settings[post_types][]": ["post"],
    }
    return fields | changes


def save_settings(browser: Browser, fields: dict, *, nonce: bool = True) -> tuple[int, str]:
    """Submit the settings form as the browser would: the page's own nonce and referer."""
    status, page = browser.get("/wp-admin/options-general.php?page=audiocast")
    form = {"option_page": "audiocast", "action": "update"} | fields
    if nonce:
        form |= {
            "_wpnonce": field_value(page, "_wpnonce"),
            "_wp_http_referer": "/wp-admin/options-general.php?page=audiocast",
        }
    return browser.post("/wp-admin/options.php", form)


def stored(site) -> dict:
    return site.php("$result = get_option('audiocast_settings');")


def page_path(site, post_id: int) -> str:
    url = site.php("$result = get_permalink($data);", post_id)
    return urllib.parse.urlsplit(url).path


def buttons(page: str, attribute: str = "data-audiocast-play") -> list[dict]:
    """The inline JSON of every listen button (or, by ATTRIBUTE, queue button) on PAGE, as the
    player reads it."""
    return [
        json.loads(html.unescape(value))
        for value in re.findall(rf'<button[^>]*{attribute}="([^"]*)"', page)
    ]


@pytest.fixture(scope="module")
def configured(plugin_site, podcast_host, sample_posts, admin_browser):
    """The administrator's settings saved through options.php, the index published and read
    by the plugin's cron job."""
    episode = podcast_host.episode
    podcast_host.write_index(
        {
            sample_posts["voiced"]: episode("0123456789abcdef", "Бюджет", 63.2, "1:03"),
            sample_posts["script"]: episode("fedcba9876543210", SCRIPT_TITLE, 5, "0:05"),
            999999: episode("00000000000000ff", "Чужая", 1, "0:01"),  # a post deleted since
        }
    )
    status, page = save_settings(
        admin_browser,
        settings_form(podcast_host.url.rstrip("/"), **{"audiocast_settings[token_new]": TOKEN}),
    )
    assert status == 200
    refreshed = plugin_site.php(
        "do_action('audiocast_refresh_index'); $result = get_option('audiocast_index_status');"
    )
    return {"save_page": page, "refreshed": refreshed}


# --- the package --------------------------------------------------------------------------------


def test_every_php_file_passes_php_lint():
    files = sorted(plugin_source().rglob("*.php"))
    assert len(files) >= 6
    for path in files:
        done = subprocess.run(["php", "-l", str(path)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_zip_has_one_top_folder_and_the_plugin_header(plugin_site):
    with zipfile.ZipFile(plugin_site.zip) as archive:
        names = archive.namelist()
        header = archive.read("audiocast/audiocast.php").decode()
    assert plugin_site.zip.name == f"audiocast-wordpress-{__version__}.zip"
    assert all(name.startswith("audiocast/") for name in names)
    assert {"audiocast/uninstall.php", "audiocast/readme.txt"} <= set(names)
    assert re.search(r"^ \* Plugin Name: +Audiocast$", header, re.M)
    assert re.search(rf"^ \* Version: +{re.escape(__version__)}$", header, re.M)
    assert re.search(r"^ \* Text Domain: +audiocast$", header, re.M)
    assert re.search(r"^ \* License: +GPL-2.0-or-later$", header, re.M)
    # WordPress installed it from this zip and runs it, in a block theme
    assert plugin_site.setup["plugins"] == ["audiocast/audiocast.php"]
    assert plugin_site.setup["theme"] == "twentytwentythree"
    assert plugin_site.setup["block_theme"] is True


# --- settings -----------------------------------------------------------------------------------


def test_administrator_saves_settings_through_options_php(plugin_site, podcast_host, configured):
    settings = stored(plugin_site)
    assert settings["base_url"] == podcast_host.url  # the trailing slash added
    assert settings["source"] == SOURCE and settings["token"] == TOKEN
    assert settings["post_types"] == ["post"] and settings["place"] == "before"
    assert "Настройки сохранены." in configured["save_page"]  # WordPress's own, in Russian
    assert "задан" in configured["save_page"]
    events = plugin_site.php(
        "$result = [wp_next_scheduled('audiocast_refresh_index'),"
        " wp_next_scheduled('audiocast_refresh_index', ['settings'])];"
    )
    assert all(events)  # the ten-minute refresh, and one soon after the save


def test_a_bad_url_is_refused_with_a_settings_error(plugin_site, admin_browser, configured):
    before = stored(plugin_site)
    status, page = save_settings(
        admin_browser, settings_form("javascript:alert(1)//", **{"audiocast_settings[label]": "Х"})
    )
    assert status == 200
    assert page.count("Адрес подкаста должен быть полным адресом") == 1
    after = stored(plugin_site)
    assert after["base_url"] == before["base_url"] and after["label"] == "Х"
    save_settings(admin_browser, settings_form(before["base_url"]))  # as it was
    assert stored(plugin_site) == before


def test_the_settings_page_labels_its_fields_and_the_token_is_replaced_or_cleared(
    plugin_site, admin_browser, configured
):
    before = stored(plugin_site)
    status, page = admin_browser.get("/wp-admin/options-general.php?page=audiocast")
    for field in ("base-url", "source", "desk-url", "token", "label"):
        assert f'<label for="audiocast-{field}">' in page and f'id="audiocast-{field}"' in page
    token_input = '<input type="password" id="audiocast-token" name="audiocast_settings[token_new]"'
    assert token_input + ' value=""' in page
    assert "Удалить токен" in page
    clear = settings_form(before["base_url"], **{"audiocast_settings[token_clear]": "1"})
    status, page = save_settings(admin_browser, clear)
    assert stored(plugin_site)["token"] == "" and "не задан" in page and "Удалить токен" not in page
    again = settings_form(before["base_url"], **{"audiocast_settings[token_new]": TOKEN})
    save_settings(admin_browser, again)
    assert stored(plugin_site) == before


def test_settings_refused_without_nonce_and_to_an_editor(
    plugin_site, admin_browser, editor_browser, configured
):
    before = stored(plugin_site)
    change = settings_form("https://evil.example/", **{"audiocast_settings[token_clear]": "1"})
    status, page = save_settings(admin_browser, change, nonce=False)
    assert status == 403 and "expired" in page
    status, page = editor_browser.get("/wp-admin/options-general.php?page=audiocast")
    assert status == 403
    form = {"option_page": "audiocast", "action": "update", "_wpnonce": "0"} | change
    status, page = editor_browser.post("/wp-admin/options.php", form)
    assert status == 403
    assert stored(plugin_site) == before


# --- the index ----------------------------------------------------------------------------------


def test_the_cron_job_reads_the_index_from_the_podcast_host(
    plugin_site, podcast_host, admin_browser, configured
):
    assert configured["refreshed"]["error"] == ""
    assert configured["refreshed"]["posts"] == 3
    assert f"/wordpress/{SOURCE}.json" in podcast_host.requests
    index = plugin_site.php("$result = get_option('audiocast_index');")
    assert index["player"]["js"] == podcast_host.url + "static/player.js"
    assert index["posts"] == 3  # the head counts them; the posts are in the shards
    status, page = admin_browser.get("/wp-admin/options-general.php?page=audiocast")
    assert "статей с эпизодами — 3" in page


_SHARDS = r"""
global $wpdb;
$result = [
    'autoload' => $wpdb->get_results(
        "SELECT option_name, autoload FROM {$wpdb->options}"
        . " WHERE option_name = 'audiocast_index' OR option_name LIKE 'audiocast\\_shard\\_%'",
        OBJECT_K
    ),
    'episodes' => array_map('audiocast_episode_for', $data),
    'shard' => array_keys(get_option('audiocast_shard_' . ($data[0] % 128))),
];
"""


def test_the_index_is_kept_as_a_small_head_and_its_posts_in_shards(
    plugin_site, sample_posts, configured
):
    """A post page reads the autoloaded head and its own shard, never every post's episode."""
    voiced = sample_posts["voiced"]
    result = plugin_site.php(_SHARDS, [voiced, sample_posts["silent"]])
    autoload = {name: row["autoload"] for name, row in result["autoload"].items()}
    assert autoload.pop("audiocast_index") == "yes"
    assert len(autoload) == 128 and set(autoload.values()) == {"no"}
    assert result["episodes"][0]["episode"] == "0123456789abcdef"
    assert result["episodes"][1] is None
    indexed = [voiced, sample_posts["script"], 999999]
    assert result["shard"] == [i for i in indexed if i % 128 == voiced % 128]  # its shard's only


def test_an_index_with_urls_off_the_host_is_refused(plugin_site, podcast_host, configured):
    result = plugin_site.php(
        "$data['player']['js'] = 'https://evil.example/x.js';"
        "$v = audiocast_validate_index($data, audiocast_settings());"
        "$result = is_wp_error($v) ? $v->get_error_code() : 'accepted';",
        json.loads((podcast_host.root / "wordpress" / f"{SOURCE}.json").read_text()),
    )
    assert result == "audiocast_player"
    entries = plugin_site.php(
        "$data['posts']['7']['audio'] = 'https://evil.example/a.mp3';"
        "$data['posts']['8']['page'] = $data['player']['css'] . '/../../x';"
        "$data['posts']['9']['duration'] = 'long';"
        "$data['posts']['x1'] = $data['posts']['999999'];"
        "$result = array_keys(audiocast_validate_index($data, audiocast_settings())['posts']);",
        json.loads((podcast_host.root / "wordpress" / f"{SOURCE}.json").read_text())
        | {"posts": {str(i): podcast_host.episode("00000000000000ff", "Т", 1, "0:01")
                     for i in (7, 8, 9, 999999)}},
    )  # fmt: skip
    assert entries == [999999]  # each bad entry left out, the good one kept


# --- the post page ------------------------------------------------------------------------------


def test_a_voiced_post_has_the_button_and_the_player(
    plugin_site, podcast_host, sample_posts, configured
):
    fetched = list(podcast_host.requests)
    status, page = Browser(plugin_site.url).get(page_path(plugin_site, sample_posts["voiced"]))
    assert status == 200
    assert podcast_host.requests == fetched  # a page view reads the stored index, no fetch
    assert "Слушать статью · 1:03</button>" in page
    assert buttons(page) == [
        {
            "id": "0123456789abcdef",
            "title": "Бюджет",
            "show": "Minval",
            "src": podcast_host.url + "episodes/0123456789abcdef/episode.mp3",
            "page": podcast_host.url + "episodes/0123456789abcdef/",
            "duration": 63.2,
        }
    ]
    assert buttons(page, "data-audiocast-queue") == buttons(page)  # «В очередь», the same episode
    assert ">В очередь</button>" in page
    # inside the theme's post content, before the text
    content = page[page.index("entry-content") :]
    assert content.index("audiocast-button") < content.index("Правительство утвердило бюджет")
    assert f"<script src='{podcast_host.url}static/player.js' id='audiocast-player-js'>" in page
    assert re.search(rf"<link[^>]*href='{re.escape(podcast_host.url)}static/player.css'", page)
    # the plugin's own layout of the buttons (and the lists), served by WordPress
    own = re.search(
        r"<link[^>]*href='([^']*/plugins/audiocast/assets/audiocast\.css\?ver=[^']+)'", page
    )
    assert own, "no audiocast.css"
    status, css = Browser(plugin_site.url).get(urllib.parse.urlsplit(html.unescape(own[1])).path)
    assert status == 200 and ".audiocast-listen" in css


def test_the_button_follows_the_place_and_category_settings(
    plugin_site, podcast_host, sample_posts, admin_browser, configured
):
    before = stored(plugin_site)
    sport = plugin_site.php("$result = wp_insert_term('Спорт', 'category')['term_id'];")
    path = page_path(plugin_site, sample_posts["voiced"])
    try:
        after = {"audiocast_settings[place]": "after"}
        save_settings(admin_browser, settings_form(before["base_url"], **after))
        page = Browser(plugin_site.url).get(path)[1]
        content = page[page.index("entry-content") :]
        assert content.index("Расходы выросли") < content.index("audiocast-button")
        only_sport = {"audiocast_settings[categories][]": [str(sport)]}
        save_settings(admin_browser, settings_form(before["base_url"], **only_sport))
        assert stored(plugin_site)["categories"] == [sport]
        page = Browser(plugin_site.url).get(path)[1]  # the post is in «Политика»
        assert "data-audiocast-play" not in page and "player.js" not in page
    finally:
        save_settings(admin_browser, settings_form(before["base_url"]))
    assert stored(plugin_site) == before


def test_a_post_without_an_episode_gets_nothing(plugin_site, sample_posts, configured):
    status, page = Browser(plugin_site.url).get(page_path(plugin_site, sample_posts["silent"]))
    assert status == 200 and "Эту статью ещё не озвучили" in page
    assert "data-audiocast-play" not in page and "player.js" not in page
    assert "player.css" not in page and "audiocast.css" not in page


def test_an_episode_title_with_a_script_tag_is_text(plugin_site, sample_posts, configured):
    status, page = Browser(plugin_site.url).get(page_path(plugin_site, sample_posts["script"]))
    assert status == 200
    assert "<script>alert" not in page
    assert buttons(page)[0]["title"] == SCRIPT_TITLE


def test_the_token_is_in_no_page(plugin_site, sample_posts, admin_browser, configured):
    pages = [
        admin_browser.get("/wp-admin/options-general.php?page=audiocast")[1],
        admin_browser.get(f"/wp-admin/post.php?post={sample_posts['voiced']}&action=edit")[1],
        Browser(plugin_site.url).get("/")[1],
        *(
            Browser(plugin_site.url).get(page_path(plugin_site, i))[1]
            for i in sample_posts.values()
        ),
        admin_browser.get("/wp-json/wp/v2/settings")[1],
    ]
    assert "Audiocast" in pages[0] and "задан" in pages[0]
    for page in pages:
        assert TOKEN not in page


# --- the meta box and the REST meta ---------------------------------------------------------


def meta_box_form(browser: Browser, post_id: int) -> dict:
    """What the block editor posts when it saves meta boxes: the base form's hidden fields."""
    status, page = browser.get(f"/wp-admin/post.php?post={post_id}&action=edit")
    assert status == 200 and 'id="audiocast-audio"' in page and "Не озвучивать" in page
    start = page.index('class="metabox-base-form"')
    base = page[start : page.index("</form>", start)]
    fields = {
        name: html.unescape(value)
        for name, value in re.findall(r"name=[\"']([^\"']+)[\"'] value=[\"']([^\"']*)[\"']", base)
    }
    assert fields["action"] == "editpost" and fields["post_ID"] == str(post_id)
    return fields | {
        "audiocast_meta_nonce": field_value(page, "audiocast_meta_nonce"),
        "page": page,
    }


def exclude_meta(site, post_id: int):
    """The stored meta ("1"), or None when the post has none (its registered default: false)."""
    return site.php(
        "$result = metadata_exists('post', $data, 'audiocast_exclude')"
        " ? get_post_meta($data, 'audiocast_exclude', true) : null;",
        post_id,
    )


def test_the_meta_box_saves_only_with_its_nonce(
    plugin_site, sample_posts, editor_browser, configured
):
    post_id = sample_posts["voiced"]
    form = meta_box_form(editor_browser, post_id)
    assert "Озвучено · 1:03" in form.pop("page")
    path = "/wp-admin/post.php"  # the editor's own nonce is valid: only ours is missing
    forged = {k: v for k, v in form.items() if k != "audiocast_meta_nonce"}
    assert editor_browser.post(path, forged | {"audiocast_exclude": "1"})[0] == 200
    assert exclude_meta(plugin_site, post_id) is None
    assert editor_browser.post(path, form | {"audiocast_exclude": "1"})[0] == 200
    assert exclude_meta(plugin_site, post_id) == "1"
    try:
        rest = json.loads(Browser(plugin_site.url).get(f"/wp-json/wp/v2/posts/{post_id}")[1])
        assert rest["meta"]["audiocast_exclude"] is True
        # an excluded post has no button
        page = Browser(plugin_site.url).get(page_path(plugin_site, post_id))[1]
        assert "data-audiocast-play" not in page and "player.js" not in page
    finally:
        unticked = meta_box_form(editor_browser, post_id)
        del unticked["page"]
        editor_browser.post(path, unticked)
    assert exclude_meta(plugin_site, post_id) is None


def test_the_meta_is_in_the_rest_api(plugin_site, sample_posts, configured):
    status, body = Browser(plugin_site.url).get(f"/wp-json/wp/v2/posts/{sample_posts['silent']}")
    assert status == 200
    assert json.loads(body)["meta"] == {"audiocast_exclude": False}


# --- in a real browser ------------------------------------------------------------------------

AUDIO = "window.audiocastPlayer.audio"


def test_chromium_plays_the_episode_from_the_post_page(
    plugin_site, podcast_host, sample_posts, configured, browser
):
    """The theme's page, the player's files from the podcast host (another origin, CORS): the
    button pressed, the MP3 plays."""
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(plugin_site.url + page_path(plugin_site, sample_posts["voiced"]))
        page.get_by_role("button", name="В очередь", exact=True).click()
        expect(page.get_by_role("button", name="Очередь (1)")).to_be_visible()
        button = page.get_by_role("button", name="Слушать статью · 1:03")
        button.click()
        page.wait_for_function(f"() => !{AUDIO}.paused && {AUDIO}.currentTime > 0.3", timeout=15000)
        assert page.evaluate(f"{AUDIO}.src") == (
            podcast_host.url + "episodes/0123456789abcdef/episode.mp3"
        )
        assert page.locator("link[href$='player.css']").count() == 1  # ours, not a second one
        page.evaluate(f"{AUDIO}.pause()")
        expect(page.locator(".ac-toggle")).to_have_text("▶\ufe0e")
        # WordPress's emoji script turns a bare ▶ into an image from its CDN; the player's is text
        assert page.locator("img.emoji").count() == 0
        assert errors == []
    finally:
        page.close()


# --- last: deactivated, then deleted ----------------------------------------------------------

_REMOVE = r"""
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/file.php';
audiocast_refresh_soon();
audiocast_refresh_after_desk();  // the events with arguments, too
$events = function () {
    $found = [];
    foreach (_get_cron_array() as $hooks) {
        foreach ($hooks['audiocast_refresh_index'] ?? [] as $event) {
            $found[] = $event['args'][0] ?? 'recurring';
        }
    }
    sort($found);
    return $found;
};
$result = ['before' => $events()];
deactivate_plugins('audiocast/audiocast.php');
$result['after_deactivation'] = $events();
set_transient('audiocast_refreshing', 1, 60);
$deleted = delete_plugins(['audiocast/audiocast.php']);
$result['deleted'] = $deleted === true;
$result['left'] = $GLOBALS['wpdb']->get_col(
    "SELECT option_name FROM {$GLOBALS['wpdb']->options} WHERE option_name LIKE '%audiocast%'"
);
"""


def test_deactivating_stops_the_refresh_and_deleting_removes_every_option(
    plugin_site, sample_posts, configured
):
    """Runs last in this module: it removes the plugin from the session's WordPress."""
    result = plugin_site.php(_REMOVE)
    assert len(result["before"]) == 3 and "recurring" in result["before"]
    assert "settings" in result["before"]
    assert result["after_deactivation"] == []
    assert result["deleted"] is True
    assert result["left"] == []  # settings, token, index, status, the lock transient
    assert not (plugin_site.site / "wp-content" / "plugins" / "audiocast").exists()

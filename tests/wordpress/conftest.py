"""The companion plugin on a real WordPress (tests/wordpress_site.py): the block theme
Twenty Twenty-Three active, the plugin installed from the zip `audiocast wordpress-plugin`
writes (through WordPress's own Plugin_Upgrader, as «Upload plugin» does) and activated, an
administrator and an editor, and a podcast host on loopback serving the real player files, a
real MP3 and the post index the plugin reads."""

from __future__ import annotations

import functools
import http.cookiejar
import json
import re
import shutil
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from audiocast.cli import main
from audiocast.publish.pages import PLAYER_STRINGS, player_strings_js
from audiocast.resources import bundled_dir
from tests.wordpress_site import WordPress, missing_packages, post

THEME = Path("/usr/share/wordpress/wp-content/themes/twentytwentythree")
ADMIN = ("admin", "password-for-tests")
EDITOR = ("redaktor", "editor-password-for-tests")
SOURCE = "minval"


class _PodcastHandler(SimpleHTTPRequestHandler):
    """Static files with CORS, as docs/publishing.md asks of the podcast host (player.js adds
    a module script, which a browser fetches from another host only with CORS)."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript"}

    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, *args) -> None:  # quiet
        pass


@dataclass
class PodcastHost:
    """The loopback podcast host: ROOT is what it serves, URL its base_url."""

    root: Path
    url: str
    requests: list[str]

    def write_index(self, posts: dict[int, dict]) -> None:
        index = {
            "version": 1,
            "source": SOURCE,
            "generated": "2026-01-28T18:40:00Z",
            "player": {"js": self.url + "static/player.js", "css": self.url + "static/player.css"},
            "posts": {str(post_id): entry for post_id, entry in posts.items()},
        }
        path = self.root / "wordpress" / f"{SOURCE}.json"
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")

    def episode(self, episode_id: str, title: str, duration: float, text: str) -> dict:
        return {
            "episode": episode_id,
            "title": title,
            "audio": f"{self.url}episodes/{episode_id}/episode.mp3",
            "duration": duration,
            "duration_text": text,
            "page": f"{self.url}episodes/{episode_id}/",
            "published": "2026-01-28T14:37:00Z",
            "show": "minval",
            "show_title": "Minval",
        }


@pytest.fixture(scope="session")
def podcast_host(tmp_path_factory):
    """The player's files as `audiocast build` lays out public/static/, and one MP3 (a tone
    ffmpeg makes: real MP3 a browser plays)."""
    root = tmp_path_factory.mktemp("podcast")
    shutil.copytree(bundled_dir("templates") / "site" / "static", root / "static")
    (root / "static" / PLAYER_STRINGS).write_bytes(player_strings_js())
    audio = root / "episodes" / "0123456789abcdef" / "episode.mp3"
    audio.parent.mkdir(parents=True)
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=20",
         "-ac", "1", "-b:a", "64k", str(audio)],
        check=True,
    )  # fmt: skip
    requests: list[str] = []

    class Handler(_PodcastHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            super().do_GET()

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=root))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield PodcastHost(root, f"http://127.0.0.1:{server.server_address[1]}/", requests)
    server.shutdown()
    server.server_close()


_SETUP = r"""
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/file.php';
require_once ABSPATH . 'wp-admin/includes/misc.php';
require_once ABSPATH . 'wp-admin/includes/class-wp-upgrader.php';
switch_theme('twentytwentythree');
$upgrader = new Plugin_Upgrader(new Automatic_Upgrader_Skin());
$installed = $upgrader->install($data['zip']);
if ($installed !== true) {
    throw new Exception('install: ' . print_r($upgrader->skin->get_upgrade_messages(), true));
}
$activated = activate_plugin('audiocast/audiocast.php');
if (is_wp_error($activated)) {
    throw new Exception($activated->get_error_message());
}
$editor = wp_insert_user([
    'user_login' => $data['editor'][0], 'user_pass' => $data['editor'][1],
    'user_email' => 'editor@example.org', 'role' => 'editor',
]);
$result = [
    'theme' => wp_get_theme()->get_stylesheet(),
    'block_theme' => wp_is_block_theme(),
    'plugins' => get_option('active_plugins'),
    'editor' => $editor,
];
"""


@pytest.fixture(scope="session")
def plugin_site(tmp_path_factory):
    """A real WordPress, its theme active, the plugin installed from the zip and active."""
    reason = missing_packages()
    if reason:
        pytest.skip(reason)
    if not (THEME / "theme.json").is_file():
        pytest.skip("the theme needs the Debian package wordpress-theme-twentytwentythree")
    out = tmp_path_factory.mktemp("zip")
    assert main(["wordpress-plugin", "--out", str(out)]) == 0
    (zip_path,) = out.glob("audiocast-wordpress-*.zip")
    with WordPress(tmp_path_factory.mktemp("wordpress")) as site:
        site.setup = site.php(_SETUP, {"zip": str(zip_path), "editor": list(EDITOR)})
        site.zip = zip_path
        yield site


_REINSTALL = r"""
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/file.php';
require_once ABSPATH . 'wp-admin/includes/misc.php';
require_once ABSPATH . 'wp-admin/includes/class-wp-upgrader.php';
if (!file_exists(WP_PLUGIN_DIR . '/audiocast/audiocast.php')) {
    $upgrader = new Plugin_Upgrader(new Automatic_Upgrader_Skin());
    if ($upgrader->install($data) !== true) {
        throw new Exception('install: ' . print_r($upgrader->skin->get_upgrade_messages(), true));
    }
}
if (!is_plugin_active('audiocast/audiocast.php')) {
    $activated = activate_plugin('audiocast/audiocast.php');
    if (is_wp_error($activated)) {
        throw new Exception($activated->get_error_message());
    }
}
$result = get_option('active_plugins');
"""


@pytest.fixture(scope="module")
def active_plugin(plugin_site):
    """The plugin installed and active again, for a module that runs after test_plugin.py's
    last test has deleted it (the same zip, through Plugin_Upgrader)."""
    assert plugin_site.php(_REINSTALL, str(plugin_site.zip)) == ["audiocast/audiocast.php"]
    return plugin_site


class Browser:
    """A signed-in (or anonymous) visitor of SITE: cookies kept, redirects followed."""

    def __init__(self, site_url: str):
        self.site = site_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.site + path))

    def post(self, path: str, fields: dict | list) -> tuple[int, str]:
        body = urllib.parse.urlencode(fields, doseq=True).encode()
        return self._open(urllib.request.Request(self.site + path, data=body, method="POST"))

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=60) as answer:
                return answer.status, answer.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def login(self, user: tuple[str, str]) -> Browser:
        self.get("/wp-login.php")  # the test cookie
        status, page = self.post(
            "/wp-login.php",
            {"log": user[0], "pwd": user[1], "wp-submit": "Log In", "testcookie": "1",
             "redirect_to": self.site + "/wp-admin/"},
        )  # fmt: skip
        assert status == 200 and "wp-admin-bar" in page, page[-1500:]
        return self


def field_value(page: str, name: str) -> str:
    """The value of the input NAME in PAGE's HTML."""
    found = re.search(rf'name="{re.escape(name)}"\s+value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)"\s+name="{re.escape(name)}"', page
    )
    assert found, f"no input {name}"
    return found.group(1)


@pytest.fixture(scope="session")
def sample_posts(plugin_site):
    """Three Russian posts: two with episodes (one titled with a script tag), one without."""
    ids = plugin_site.reset(
        [
            post("Бюджет утверждён", ["Правительство утвердило бюджет.", "Расходы выросли."],
                 "2026-01-28 09:00:00", heading="Цифры"),
            post("Без эпизода", ["Эту статью ещё не озвучили."], "2026-01-28 10:00:00"),
            post("Опасный заголовок", ["Заголовок эпизода со скриптом."], "2026-01-28 11:00:00"),
        ]
    )  # fmt: skip
    return dict(zip(("voiced", "silent", "script"), ids, strict=True))


@pytest.fixture(scope="session")
def admin_browser(plugin_site):
    return Browser(plugin_site.url).login(ADMIN)


@pytest.fixture(scope="session")
def editor_browser(plugin_site):
    return Browser(plugin_site.url).login(EDITOR)

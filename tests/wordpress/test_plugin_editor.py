"""The plugin's editor side on a real WordPress, talking to a real desk (audiocast desk under
uvicorn on loopback, its API token made by the CLI): publishing or updating a post queues a
sync at the desk; the panel «Аудио» shows the status and a player, and «Озвучить заново» queues
a voice job (or a sync, for a post without an episode), refused without the nonce or the right
to edit; the posts list's column says voiced / pending / failed / excluded, the desk's failure
reasons fetched by the cron refresh and shown as text; the token is in no page."""

from __future__ import annotations

import contextlib
import html
import io
import re
import socket
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from audiocast.cli import main
from audiocast.config import load_settings
from audiocast.desk.app import create_app
from audiocast.desk.job_records import Job
from audiocast.pipeline import Pipeline
from audiocast.state import STATE_FILE, SyncState
from tests.conftest import ARTICLES
from tests.desk.conftest import run_cli, running
from tests.wordpress.conftest import SOURCE, Browser

BOT = ("wpbot", "wordpress bot password 1")
CONTRIBUTOR = ("avtor", "contributor-password-for-tests")
SUBSCRIBER = ("chitatel", "subscriber-password-for-tests")
HOSTILE_REASON = "<script>window.pwned = 3</script> синтез «упал» & <b>жирно</b>"
UNKNOWN_EPISODE = "00000000000000ff"


class Recorder:
    """The desk's ASGI app, every HTTP request it gets written down (method, path, query)."""

    def __init__(self, app):
        self.app = app
        self.requests: list[str] = []

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            query = scope.get("query_string", b"").decode()
            self.requests.append(
                f"{scope['method']} {scope['path']}" + (f"?{query}" if query else "")
            )
        await self.app(scope, receive, send)


@dataclass
class Desk:
    url: str
    token: str
    episode: str  # the one episode in its store
    app: object
    recorder: Recorder

    def jobs(self) -> list[Job]:
        """Every job the desk has queued, oldest first (it runs none: run_jobs=False)."""
        return list(reversed(self.app.state.desk.jobs.recent_jobs(200)))

    def new_jobs(self, before: int, wanted: int = 1, wait: float = 10) -> list[Job]:
        """The jobs after the first BEFORE, once there are WANTED of them (or WAIT passed)."""
        deadline = time.monotonic() + wait
        while len(self.jobs()) < before + wanted and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.jobs()[before:]


_POSTS = r"""
$admin = get_user_by('login', 'admin')->ID;
wp_set_current_user($admin);
$result = [];
foreach ($data['titles'] as $key => $title) {
    $result[$key] = wp_insert_post([
        'post_title' => $title, 'post_status' => 'publish', 'post_type' => 'post',
        'post_author' => $admin,
        'post_content' => "<!-- wp:paragraph -->\n<p>Текст статьи «{$title}».</p>\n"
            . "<!-- /wp:paragraph -->",
    ], true);
}
update_post_meta($result['excluded'], 'audiocast_exclude', true);
foreach ([['avtor', 'contributor'], ['chitatel', 'subscriber']] as $i => $user) {
    if (!get_user_by('login', $user[0])) {
        wp_insert_user(['user_login' => $user[0], 'user_email' => $user[0] . '@example.org',
            'role' => $user[1], 'user_pass' => $data['passwords'][$user[0]]]);
    }
}
"""

_CONFIGURE = r"""
update_option('audiocast_settings', array_merge(audiocast_settings(), $data));
do_action('audiocast_refresh_index');
$result = get_option('audiocast_index_status');
"""


@pytest.fixture(scope="module")
def posts(active_plugin) -> dict[str, int]:
    """Five published posts by the administrator, one of them «Не озвучивать»; a contributor
    and a subscriber. Made before the desk is configured, so they tell it nothing."""
    titles = {
        "voiced": "Озвученная статья",
        "failed": "Статья со сбоем",
        "excluded": "Неозвучиваемая статья",
        "pending": "Новая статья",
        "unknown": "Статья с чужим эпизодом",
    }
    passwords = dict([CONTRIBUTOR, SUBSCRIBER])
    active_plugin.php(
        "update_option('audiocast_settings', array_merge(audiocast_settings(),"
        " ['desk_url' => '', 'token' => '']));"
    )
    ids = active_plugin.php(_POSTS, {"titles": titles, "passwords": passwords})
    return {key: ids[key] for key in titles}


def token_by_cli(root: Path, user: str) -> str:
    """`audiocast desk token add USER`: the token it prints once."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert (
            main(["--site", str(root), "desk", "token", "add", user, "--label", "WordPress"]) == 0
        )
    return out.getvalue().strip()


@pytest.fixture(scope="module")
def desk(tmp_path_factory, active_plugin, posts) -> Iterator[Desk]:
    """A desk whose site reads this WordPress, with one real episode, a failure recorded by
    sync for the «failed» post (a hostile reason), and the editor wpbot with an API token.
    Jobs are queued, not run: what the plugin asked for is in the desk's job records."""
    root = tmp_path_factory.mktemp("desk-for-wordpress")
    (root / "audiocast.toml").write_text(
        'show = "Minval Politika"\nepisodes_dir = "episodes"\ncache_dir = "cache"\n'
        'timezone = "Asia/Baku"\n\n[[sources]]\n'
        f'name = "{SOURCE}"\nkind = "wordpress"\nurl = "{active_plugin.url}/"\n',
        encoding="utf-8",
    )
    settings = load_settings(root)
    episode = Pipeline(settings).make_episode(str(ARTICLES / "short-news.json")).folder.name
    state = SyncState(settings.episodes_dir / STATE_FILE)
    try:
        identity = f"site-id:{SOURCE}:{posts['failed']}"
        state.seen(identity, SOURCE, "Статья со сбоем", f"{active_plugin.url}/?p={posts['failed']}",
                   "Политика", "2026-01-30T09:00:00+00:00", "hash-failed")  # fmt: skip
        state.failed(identity, HOSTILE_REASON)
    finally:
        state.close()
    assert run_cli("--site", str(root), "desk", "user", "add", BOT[0], "--role", "editor",
                   stdin=BOT[1] + "\n") == 0  # fmt: skip
    token = token_by_cli(root, BOT[0])
    app = create_app(settings, warm_up=False, run_jobs=False)
    recorder = Recorder(app)
    with running(recorder) as url:
        yield Desk(url, token, episode, app, recorder)


@pytest.fixture(scope="module")
def configured(active_plugin, podcast_host, posts, desk) -> dict:
    """The index names the «voiced» post (the desk's episode) and the «unknown» one (an episode
    the desk does not have); the settings name the desk and its token; the cron refresh has
    run (it reads the index and asks the desk for its failures)."""
    episode = podcast_host.episode
    podcast_host.write_index(
        {
            posts["voiced"]: episode(desk.episode, "Озвученная <i>статья</i>", 63.2, "1:03"),
            posts["unknown"]: episode(UNKNOWN_EPISODE, "Чужой эпизод", 5, "0:05"),
        }
    )
    settings = {
        "base_url": podcast_host.url,
        "source": SOURCE,
        "desk_url": desk.url,
        "token": desk.token,
        "post_types": ["post"],
        "categories": [],
    }
    return active_plugin.php(_CONFIGURE, settings)


def edit_page(browser: Browser, post_id: int) -> str:
    status, page = browser.get(f"/wp-admin/post.php?post={post_id}&action=edit")
    assert status == 200 and 'id="audiocast-audio"' in page
    return page


def panel(page: str) -> str:
    """The meta box «Аудио»'s inside."""
    start = page.index('id="audiocast-audio"')
    return page[start : page.index("</form>", start) if "</form>" in page[start:] else None]


def revoice_form(page: str) -> dict[str, str]:
    """The fields of the form «Озвучить заново» submits."""
    found = re.search(r'<form id="audiocast-revoice-form"[^>]*action="([^"]*)"[^>]*>(.*?)</form>',
                      page, re.S)  # fmt: skip
    assert found, "no «Озвучить заново» form"
    assert html.unescape(found.group(1)).endswith("/wp-admin/admin-post.php")
    return dict(re.findall(r'name="([^"]+)" value="([^"]*)"', found.group(2)))


def notice(page: str) -> str:
    found = re.search(
        r'<div class="notice inline [^"]*audiocast-notice" role="status"><p>(.*?)</p>', page
    )
    assert found, "no notice in the panel"
    return html.unescape(found.group(1))


# --- publishing tells the desk ------------------------------------------------------------------

_QUIET = r"""
wp_set_current_user(get_user_by('login', 'admin')->ID);
$draft = wp_insert_post(
    ['post_title' => 'Черновик', 'post_status' => 'draft', 'post_type' => 'post']
);
wp_update_post(['ID' => $draft, 'post_title' => 'Черновик, правка']);
wp_insert_post(['post_title' => 'Страница', 'post_status' => 'publish', 'post_type' => 'page']);
$result = $draft;
"""

_PUBLISH = r"""
wp_set_current_user(get_user_by('login', 'admin')->ID);
$id = wp_insert_post([
    'post_title' => 'Свежая новость', 'post_status' => 'draft', 'post_type' => 'post',
    'post_content' => "<!-- wp:paragraph -->\n<p>Только что.</p>\n<!-- /wp:paragraph -->"]);
wp_publish_post($id);
wp_update_post(['ID' => $id, 'post_title' => 'Свежая новость, уточнено']);
$result = $id;
"""


def test_publishing_a_post_queues_one_sync_at_the_desk(active_plugin, desk, configured):
    before = len(desk.jobs())
    active_plugin.php(_QUIET)  # a draft, its edit, a page (not a type the settings name)
    active_plugin.php(_PUBLISH)  # published, then updated: one request, one sync
    desk.new_jobs(before)  # the sync, once it is there
    time.sleep(0.5)  # anything more the two requests sent would be here by now
    jobs = desk.jobs()[before:]
    assert [(job.kind, job.requested_by) for job in jobs] == [("sync", BOT[0])]


def test_an_editor_updating_a_published_post_queues_a_sync(
    active_plugin, desk, configured, posts, editor_browser
):
    """Through the REST API as the block editor saves: the editor's cookie and wp_rest nonce."""
    page = edit_page(editor_browser, posts["pending"])
    rest_nonce = re.search(r'wp\.apiFetch\.createNonceMiddleware\( "([0-9a-f]+)" \)', page)
    assert rest_nonce, "no REST nonce on the editor's page"
    before = len(desk.jobs())
    request = urllib.request.Request(
        f"{active_plugin.url}/wp-json/wp/v2/posts/{posts['pending']}",
        data=b'{"excerpt": "\\u041a\\u0440\\u0430\\u0442\\u043a\\u043e."}',
        headers={"Content-Type": "application/json", "X-WP-Nonce": rest_nonce.group(1)},
        method="POST",
    )
    status, body = editor_browser._open(request)
    assert status == 200, body[:500]
    jobs = desk.new_jobs(before)
    assert [(job.kind, job.requested_by) for job in jobs] == [("sync", BOT[0])]


_SCHEDULE_THEN_TRASH = r"""
wp_set_current_user(get_user_by('login', 'admin')->ID);
$id = wp_insert_post([
    'post_title' => 'Завтрашняя новость', 'post_status' => 'future', 'post_type' => 'post',
    'post_date' => wp_date('Y-m-d H:i:s', time() + DAY_IN_SECONDS),
    'post_content' => "<!-- wp:paragraph -->\n<p>Выйдет завтра.</p>\n<!-- /wp:paragraph -->"]);
$result = $id;
"""

_TRASH = r"""
wp_set_current_user(get_user_by('login', 'admin')->ID);
$result = (bool) wp_trash_post($data);
"""

_REFRESHES = r"""
$found = [];
foreach (_get_cron_array() as $time => $hooks) {
    foreach ($hooks['audiocast_refresh_index'] ?? [] as $event) {
        if (str_starts_with($event['args'][0] ?? '', 'desk-')) {
            $found[] = $time - time();
            if ($data === 'forget') {
                wp_unschedule_event($time, 'audiocast_refresh_index', $event['args']);
            }
        }
    }
}
$result = $found;
"""


def test_scheduling_and_trashing_a_post_each_queue_a_sync(active_plugin, desk, configured):
    """Scheduled: audiocast voices it in advance; trashed: its episode leaves the feeds now."""
    before = len(desk.jobs())
    scheduled = active_plugin.php(_SCHEDULE_THEN_TRASH)
    jobs = desk.new_jobs(before)
    assert [(job.kind, job.requested_by) for job in jobs] == [("sync", BOT[0])]
    before = len(desk.jobs())
    assert active_plugin.php(_TRASH, scheduled) is True
    jobs = desk.new_jobs(before)
    assert [(job.kind, job.requested_by) for job in jobs] == [("sync", BOT[0])]


def test_telling_the_desk_fetches_the_index_again_a_minute_and_a_half_later(
    active_plugin, desk, configured
):
    active_plugin.php(_REFRESHES, "forget")  # those the tests before left
    before = len(desk.jobs())
    active_plugin.php(_PUBLISH)
    desk.new_jobs(before)
    (seconds,) = active_plugin.php(_REFRESHES)  # one, for this minute's publications
    assert 60 <= seconds <= 90


# --- the panel «Аудио» ---------------------------------------------------------------------


def test_the_panel_shows_each_status_with_no_call_to_the_desk(
    desk, configured, posts, podcast_host, editor_browser
):
    assert configured["error"] == "" and configured["desk_error"] == ""
    assert configured["failures"] == {str(posts["failed"]): HOSTILE_REASON}
    asked = list(desk.recorder.requests)
    voiced = panel(edit_page(editor_browser, posts["voiced"]))
    assert "Озвучено · 1:03</a>" in voiced
    mp3 = f"{podcast_host.url}episodes/{desk.episode}/episode.mp3"
    audio = f'<audio controls preload="none" style="width:100%" src="{mp3}"'
    assert audio in voiced
    assert 'aria-label="Эпизод: Озвученная &lt;i&gt;статья&lt;/i&gt;"' in voiced
    assert (
        '<button type="submit" form="audiocast-revoice-form" class="button">'
        "Озвучить заново</button>" in voiced
    )
    failed = panel(edit_page(editor_browser, posts["failed"]))
    assert html.escape("ошибка: " + HOSTILE_REASON, quote=False) in failed
    assert "<script>window.pwned" not in failed and "<b>жирно" not in failed
    assert "Не озвучивается: отмечено «Не озвучивать»." in panel(
        edit_page(editor_browser, posts["excluded"])
    )
    pending = panel(edit_page(editor_browser, posts["pending"]))
    assert "<p>ждёт озвучки</p>" in pending and "<audio" not in pending
    assert desk.recorder.requests == asked  # pages are drawn from what the refresh stored


def test_revoicing_a_voiced_post_queues_a_voice_job_for_its_episode(
    desk, configured, posts, editor_browser
):
    form = revoice_form(edit_page(editor_browser, posts["voiced"]))
    assert form["action"] == "audiocast_revoice" and form["post_id"] == str(posts["voiced"])
    before = len(desk.jobs())
    status, page = editor_browser.post("/wp-admin/admin-post.php", form)
    assert status == 200  # redirected back to the editor
    (job,) = desk.jobs()[before:]
    assert (job.kind, job.requested_by) == ("voice", BOT[0])
    assert job.arguments["article"] == {"episode": desk.episode}
    assert notice(page) == f"Задание №{job.id} поставлено в очередь: статья будет озвучена заново."
    assert f"POST /api/articles/{desk.episode}/voice" in desk.recorder.requests
    assert 'audiocast-notice"' not in edit_page(editor_browser, posts["voiced"])  # shown once


def test_revoicing_a_post_without_an_episode_asks_for_a_sync(
    desk, configured, posts, editor_browser
):
    form = revoice_form(edit_page(editor_browser, posts["pending"]))
    before = len(desk.jobs())
    status, page = editor_browser.post("/wp-admin/admin-post.php", form)
    (job,) = desk.jobs()[before:]
    assert (job.kind, job.requested_by) == ("sync", BOT[0])
    assert notice(page) == (
        f"Задание №{job.id} поставлено в очередь: пульт синхронизирует сайт и озвучит новые статьи."
    )


def test_the_desks_refusal_is_shown_as_its_sentence(desk, configured, posts, editor_browser):
    form = revoice_form(edit_page(editor_browser, posts["unknown"]))
    before = len(desk.jobs())
    status, page = editor_browser.post("/wp-admin/admin-post.php", form)
    assert desk.jobs()[before:] == []
    assert notice(page) == f"Пульт не принял задание: no episode '{UNKNOWN_EPISODE}' in the store"
    assert "notice-error" in page


def logged_in_cookie(browser: Browser) -> str:
    (cookie,) = [c for c in browser.jar if c.name.startswith("wordpress_logged_in_")]
    return urllib.parse.unquote(cookie.value)


_NONCE_AS = r"""
$_COOKIE[LOGGED_IN_COOKIE] = $data['cookie'];
wp_set_current_user(get_user_by('login', $data['user'])->ID);
$result = wp_create_nonce('audiocast_revoice_' . $data['post']);
"""


def test_revoicing_is_refused_without_the_nonce_or_the_right_to_edit(
    active_plugin, plugin_site, desk, configured, posts, editor_browser
):
    post_id = posts["voiced"]
    form = revoice_form(edit_page(editor_browser, post_id))
    other = revoice_form(edit_page(editor_browser, posts["pending"]))["_wpnonce"]
    asked, before = list(desk.recorder.requests), len(desk.jobs())
    path = "/wp-admin/admin-post.php"
    for forged in ({k: v for k, v in form.items() if k != "_wpnonce"}, form | {"_wpnonce": other}):
        status, page = editor_browser.post(path, forged)
        assert status == 403 and "Ссылка устарела" in page
    for user in (CONTRIBUTOR, SUBSCRIBER):  # their own valid nonce for this post
        browser = Browser(plugin_site.url).login(user)
        nonce = active_plugin.php(
            _NONCE_AS, {"cookie": logged_in_cookie(browser), "user": user[0], "post": post_id}
        )
        status, page = browser.post(path, form | {"_wpnonce": nonce})
        assert status == 403 and "У вас нет прав озвучивать эту запись." in page, page[-800:]
    status, page = Browser(plugin_site.url).post(path, form)  # nobody signed in
    assert "Задание" not in page
    assert desk.recorder.requests == asked and len(desk.jobs()) == before


# --- the posts list ---------------------------------------------------------------------------


def column_cells(page: str) -> dict[int, str]:
    """Post id → the inside of its «Аудио» cell on the posts list."""
    cells = {}
    for row in re.findall(r'<tr id="post-\d+".*?</tr>', page, re.S):
        post_id = re.match(r'<tr id="post-(\d+)"', row)
        cell = re.search(r"<td class='audiocast column-audiocast'[^>]*>(.*?)</td>", row, re.S)
        assert post_id and cell, row[:300]
        cells[int(post_id.group(1))] = cell.group(1)
    return cells


def desk_status(page: str) -> str:
    found = re.search(r'<p id="audiocast-desk-status">(.*?)</p>', page)
    assert found, "no desk status on the settings page"
    return html.unescape(found.group(1))


def test_the_settings_page_says_what_the_desk_answered_or_why_not(
    active_plugin, desk, configured, posts, admin_browser
):
    page = admin_browser.get("/wp-admin/options-general.php?page=audiocast")[1]
    assert "записей, которые не удалось озвучить, — 1." in desk_status(page)
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/"
    try:
        status = active_plugin.php(_CONFIGURE, {"desk_url": closed})
        assert status["desk_error"].startswith("пульт недоступен (")
        assert status["failures"] == configured["failures"]  # the last good ones kept
        page = admin_browser.get("/wp-admin/options-general.php?page=audiocast")[1]
        said = desk_status(page)
        assert said.startswith("Пульт не ответил при проверке ") and "пульт недоступен (" in said
        assert said.endswith("с прошлой удачной проверки (1).")
        assert desk.token not in page
    finally:
        active_plugin.php(_CONFIGURE, {"desk_url": desk.url})


_HOSTILE_STATUS = r"""
$status = get_option('audiocast_index_status');
$saved = $status;
$status['desk_error'] = $data;
update_option('audiocast_index_status', $status, false);
$result = $saved;
"""


def test_the_desks_reason_on_the_settings_page_is_text(
    active_plugin, desk, configured, posts, admin_browser
):
    """Whatever a desk answers (a broken or hostile one) is printed as text."""
    saved = active_plugin.php(_HOSTILE_STATUS, HOSTILE_REASON)
    try:
        page = admin_browser.get("/wp-admin/options-general.php?page=audiocast")[1]
        assert HOSTILE_REASON in desk_status(page)  # unescaped by the reader: the same text
        assert "<script>window.pwned" not in page and "<b>жирно" not in page
    finally:
        active_plugin.php("update_option('audiocast_index_status', $data, false);", saved)


def test_the_column_shows_the_four_states(desk, configured, posts, admin_browser):
    asked = list(desk.recorder.requests)
    status, page = admin_browser.get("/wp-admin/edit.php?post_type=post")
    assert status == 200
    assert re.search(
        r"<th scope=\"col\" id='audiocast' class='manage-column column-audiocast'\s*>Аудио</th>",
        page,
    )
    cells = column_cells(page)
    state = {
        key: re.sub(r"<[^>]+>", "|", cells[post_id]).strip("|") for key, post_id in posts.items()
    }
    assert state["voiced"] == "озвучена · 1:03"
    assert state["pending"] == "ждёт озвучки"
    assert state["excluded"] == "не озвучивать"
    assert cells[posts["failed"]] == (
        '<span class="audiocast-state audiocast-state-failed">ошибка</span><br>'
        f'<span class="audiocast-reason">{html.escape(HOSTILE_REASON, quote=False)}</span>'
    )
    assert "<script>window.pwned" not in page
    assert desk.recorder.requests == asked


def test_the_token_is_in_no_page(desk, configured, posts, admin_browser, editor_browser):
    pages = [edit_page(editor_browser, post_id) for post_id in posts.values()]
    pages += [admin_browser.get("/wp-admin/edit.php")[1],
              admin_browser.get("/wp-admin/options-general.php?page=audiocast")[1]]  # fmt: skip
    for page in pages:
        assert desk.token not in page and desk.token[3:] not in page

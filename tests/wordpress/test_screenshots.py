"""Screenshots of the WordPress plugin, taken by the tests in real Chromium on the real
WordPress with Twenty Twenty-Three (installed in Russian): a post page with its buttons and the
global player playing, the Podcast List and an Episode List in the theme, the block editor with
the panel «Аудио», the posts list's column «Аудио» in its states, and Settings → Audiocast.

Everything in them is real: a site folder whose store `build` publishes (the Podcast List, the
Episode Lists, the post index from sync's records) to a podcast host on loopback (`audiocast
serve`'s server) with a real MP3, a real desk under uvicorn that reports one failed post, and the
plugin's own cron refresh reading both.

The committed images in docs/images/wordpress/ (shown in docs/wordpress.md) are made by this
module: `AUDIOCAST_SCREENSHOTS=docs/images/wordpress .venv/bin/python -m pytest -n0
tests/wordpress/test_screenshots.py` (a relative folder is taken from the repository's root).
Without the variable the images go to a temporary folder, and the tests still check each one:
a PNG that opens, of the viewport's size (cut to what it shows), small, not blank, and a page that
showed what it should. The session's WordPress is shared with other modules: the plugin's
options are put back as they were found, and the posts and pages made here are deleted."""

from __future__ import annotations

import math
import subprocess
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect

from audiocast.config import Settings, SiteSource
from audiocast.desk.app import create_app
from audiocast.errors import ArticleError
from audiocast.publish.build import build
from audiocast.publish.serve import make_server, server_url
from audiocast.state import STATE_FILE, SyncState
from tests.conftest import make_settings
from tests.desk.conftest import run_cli, running
from tests.publish.conftest import SHOWS, write_episode
from tests.screenshots import screenshot_folder
from tests.screenshots import shoot as take_screenshot
from tests.wordpress.conftest import ADMIN, EDITOR, SOURCE
from tests.wordpress.test_journeys import sign_in
from tests.wordpress.test_plugin import page_path
from tests.wordpress.test_plugin_editor import token_by_cli
from tests.wordpress_site import WordPress

DESKTOP = {"width": 1280, "height": 860}
MAX_BYTES = 150_000  # each committed image: the repository stays light
OFFLINE = ("s.w.org", ".gravatar.com")  # hosts WordPress's pages load from: no internet here
TEMPLATES = "/wp-json/wp/v2/templates/"
AUDIO = "window.audiocastPlayer.audio"
BOT = ("wpbot", "wordpress bot password 1")
CATEGORY = "Новости"  # the posts made here, and only they: the posts list filtered by it
DURATION = 72  # seconds of the real MP3 every episode here plays: «1:12»

# The posts: key, title, paragraphs, date (site time). «voiced» and «rates» have episodes,
# «failed» failed at the desk, «excluded» is marked «Не озвучивать», «pending» is new.
POSTS = [
    ("excluded", "Колонка редактора: о чём молчат цифры",
     ["Цифры бюджета говорят о многом, но не обо всём.",
      "Мнение автора может не совпадать с позицией редакции."], "2026-11-24 08:30:00"),
    ("rates", "Центробанк сохранил учётную ставку",
     ["Правление Центрального банка оставило учётную ставку на уровне 7,25 процента.",
      "Следующее заседание по ставке пройдёт в январе."], "2026-11-24 12:00:00"),
    ("voiced", "Парламент утвердил бюджет на 2027 год",
     ["Милли Меджлис во втором чтении утвердил государственный бюджет на 2027 год.",
      "Доходы бюджета запланированы в объёме 37,4 миллиарда манатов, расходы — "
      "40,1 миллиарда. Больше всего средств получат образование, здравоохранение и "
      "строительство дорог в регионах.",
      "Министр финансов ответил на вопросы депутатов о дефиците и о том, как он будет "
      "покрыт. По его словам, заимствования останутся в пределах, установленных законом.",
      "Окончательное голосование по законопроекту назначено на следующую неделю."],
     "2026-11-25 09:00:00"),
    ("failed", "Фоторепортаж: открытие приморского парка", [], "2026-11-25 11:00:00"),
    ("pending", "В Баку открылся новый парк у моря",
     ["В центре города открыли новый парк площадью шесть гектаров."], "2026-11-25 14:00:00"),
]  # fmt: skip

# The store: the two voiced posts' episodes and the back catalogue, oldest first (title,
# category, description, published); the show «Minval: экономика» takes «Экономика».
EPISODES = [
    ("Правительство обсудило цены на хлеб", "Экономика",
     "Кабинет министров обсудил меры по сдерживанию цен.", "2026-11-19T10:00:00+04:00"),
    ("Депутаты приняли закон о медиа", "Политика",
     "Поправки к закону о медиа приняты в третьем чтении.", "2026-11-20T09:30:00+04:00"),
    ("Экспорт вырос на двенадцать процентов", "Экономика",
     "Ненефтяной экспорт за десять месяцев вырос на 12 процентов.",
     "2026-11-21T11:00:00+04:00"),
    ("Министр иностранных дел встретился с коллегами", "Политика",
     "Переговоры прошли в Брюсселе.", "2026-11-22T15:00:00+04:00"),
    ("Выборы в муниципалитеты назначены на весну", "Политика",
     "Центризбирком объявил дату муниципальных выборов.", "2026-11-23T12:00:00+04:00"),
    ("Центробанк сохранил учётную ставку", "Экономика",
     "Правление Центрального банка оставило учётную ставку на уровне 7,25 процента.",
     "2026-11-24T12:05:00+04:00"),
    ("Парламент утвердил бюджет на 2027 год", "Политика",
     "Милли Меджлис во втором чтении утвердил государственный бюджет на 2027 год.",
     "2026-11-25T09:05:00+04:00"),
]  # fmt: skip
EPISODE_OF_POST = {"rates": 6, "voiced": 7}  # the episodes' numbers in EPISODES, from 1
NO_TEXT = "no body text found (empty or image-only article)"  # ingest's reason, as sync keeps it
HIDDEN = ["tags", "comments"]  # the posts list's columns the editor hides (Screen Options)


@dataclass
class Newsroom:
    """The WordPress with the posts and pages made here, the podcast host, the desk."""

    site: WordPress
    posts: dict[str, int]  # key → post id
    pages: dict[str, str]  # key → path on the site
    category: int
    host: str


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """Where the images go (tests/screenshots.py)."""
    return screenshot_folder(tmp_path_factory)


_MAKE = r"""
// no desk while the posts are published: one left by a module before would be told of them
$no_desk = ['desk_url' => '', 'token' => ''];
update_option('audiocast_settings', array_merge(audiocast_settings(), $no_desk));
wp_set_current_user(get_user_by('login', 'admin')->ID);
$term = term_exists($data['category'], 'category');
$result = ['own_category' => !$term, 'posts' => [], 'pages' => []];
$term = $term ?: wp_insert_term($data['category'], 'category');
$category = (int) $term['term_id'];
$result['category'] = $category;
foreach ($data['posts'] as [$key, $title, $content, $date]) {
    $result['posts'][$key] = wp_insert_post([
        'post_type' => 'post', 'post_status' => 'publish', 'post_title' => $title,
        'post_content' => $content, 'post_date' => $date, 'post_category' => [$category],
    ], true);
}
update_post_meta($result['posts']['excluded'], 'audiocast_exclude', true);
$editor = get_user_by('login', $data['editor'])->ID;
$result['hidden'] = metadata_exists('user', $editor, 'manageedit-postcolumnshidden')
    ? get_user_meta($editor, 'manageedit-postcolumnshidden', true) : null;
update_user_meta($editor, 'manageedit-postcolumnshidden', $data['hidden']);
foreach ($data['pages'] as $key => [$title, $content]) {
    $result['pages'][$key] = wp_insert_post([
        'post_type' => 'page', 'post_status' => 'publish', 'post_title' => $title,
        'post_content' => $content,
    ], true);
}
"""

_SNAPSHOT = r"""
global $wpdb;
$result = $wpdb->get_results(
    "SELECT option_name, option_value, autoload FROM {$wpdb->options}"
    . " WHERE option_name LIKE 'audiocast%'", ARRAY_A
);
"""

_CONFIGURE = r"""
update_option('audiocast_settings', array_merge(audiocast_settings(), $data));
do_action('audiocast_refresh_index');
$result = [get_option('audiocast_index_status'), get_option('audiocast_lists')['error'] ?? null];
"""

_PUT_BACK = r"""
global $wpdb;
$wpdb->query("DELETE FROM {$wpdb->options} WHERE option_name LIKE 'audiocast%'");
foreach ($data['ids'] as $id) {
    wp_delete_post($id, true);
}
foreach ($data['options'] as $row) {
    $wpdb->insert($wpdb->options, $row);
}
if ($data['own_category']) {
    wp_delete_term($data['category'], 'category');
}
$editor = get_user_by('login', $data['editor'])->ID;
if (null === $data['hidden']) {
    delete_user_meta($editor, 'manageedit-postcolumnshidden');
} else {
    update_user_meta($editor, 'manageedit-postcolumnshidden', $data['hidden']);
}
"""


def paragraphs(texts: list[str]) -> str:
    return "\n\n".join(f"<!-- wp:paragraph -->\n<p>{t}</p>\n<!-- /wp:paragraph -->" for t in texts)


def real_mp3(path: Path) -> bytes:
    """DURATION seconds of a tone as MP3 (ffmpeg): audio a browser really plays."""
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", f"sine=frequency=330:duration={DURATION}",
         "-ac", "1", "-b:a", "32k", str(path)],
        check=True,
    )  # fmt: skip
    return path.read_bytes()


def publish(settings: Settings, posts: dict[str, int], site_url: str, mp3: bytes) -> None:
    """The store as sync would have left it: EPISODES with the real MP3, the voiced posts
    mapped to their episodes and the failed one recorded with its reason; then `build`."""
    for number, (title, category, description, published) in enumerate(EPISODES, start=1):
        write_episode(
            settings.episodes_dir, number, title=title, category=category,
            description=description, published=published, duration=float(DURATION), audio=mp3,
            chapters=[{"start": 0.0, "end": float(DURATION), "title": title}],
        )  # fmt: skip
    state = SyncState(settings.episodes_dir / STATE_FILE)
    try:
        for key, post_id in posts.items():
            if key not in EPISODE_OF_POST and key != "failed":
                continue
            identity, url = f"site-id:{SOURCE}:{post_id}", f"{site_url}/?p={post_id}"
            title = next(p[1] for p in POSTS if p[0] == key)
            state.seen(identity, SOURCE, title, url, "Политика", "2026-11-25T09:00:00+00:00",
                       f"hash-{key}")  # fmt: skip
            if key == "failed":
                state.failed(identity, str(ArticleError(url, NO_TEXT)))
            else:
                state.made(identity, f"hash-{key}", f"{EPISODE_OF_POST[key]:016x}")
    finally:
        state.close()
    build(settings)


@pytest.fixture(scope="module")
def newsroom(active_plugin, tmp_path_factory) -> Iterator[Newsroom]:
    """The posts and pages; the site folder built and served as the podcast host; a desk with
    an API token for the plugin; the plugin set to both and its cron refresh run. After the
    module, the plugin's options as they were and the posts and pages gone."""
    site = active_plugin
    found = site.php(_SNAPSHOT)
    root = tmp_path_factory.mktemp("screenshots-site")
    (root / "audiocast.toml").write_text(
        'show = "Minval Politika"\nepisodes_dir = "episodes"\ncache_dir = "cache"\n'
        'timezone = "Asia/Baku"\n\n[[sources]]\n'
        f'name = "{SOURCE}"\nkind = "wordpress"\nurl = "{site.url}/"\n',
        encoding="utf-8",
    )
    public = root / "public"
    public.mkdir()
    server = make_server(public, "127.0.0.1", 0)  # CORS for static/, Range for seeking
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    made = site.php(
        _MAKE,
        {
            "category": CATEGORY,
            "editor": EDITOR[0],
            "hidden": HIDDEN,
            "posts": [(key, title, paragraphs(texts), date) for key, title, texts, date in POSTS],
            "pages": {
                "podcasts": ["Подкасты", "[audiocast_podcasts]"],
                "episodes": ["Все выпуски", '[audiocast_episodes show="politika" per_page="3"]'],
            },
        },
    )
    posts: dict[str, int] = made["posts"]
    try:
        host = server_url(server)
        settings = make_settings(
            root, base_url=host, shows=SHOWS, page_size=10, public_dir=public,
            sources=(SiteSource(SOURCE, "wordpress", site.url + "/"),),
        )  # fmt: skip
        publish(settings, posts, site.url, real_mp3(root / "tone.mp3"))
        assert run_cli("--site", str(root), "desk", "user", "add", BOT[0], "--role", "editor",
                       stdin=BOT[1] + "\n") == 0  # fmt: skip
        token = token_by_cli(root, BOT[0])
        with running(create_app(settings, warm_up=False, run_jobs=False)) as desk:
            status, lists_error = site.php(
                _CONFIGURE,
                {"base_url": host, "source": SOURCE, "desk_url": desk, "token": token,
                 "post_types": ["post"], "categories": [], "place": "before",
                 "label": "Слушать статью"},
            )  # fmt: skip
            assert status["error"] == "" and status["posts"] == 2, status
            assert status["desk_error"] == "" and list(status["failures"]) == [str(posts["failed"])]
            assert lists_error == ""
            pages = {key: page_path(site, post_id) for key, post_id in made["pages"].items()}
            yield Newsroom(site, posts, pages, made["category"], host)
    finally:
        ids = [*posts.values(), *made["pages"].values()]
        keys = ("category", "own_category", "hidden")
        site.php(_PUT_BACK, {"options": found, "ids": ids, "editor": EDITOR[0]}
                 | {key: made[key] for key in keys})  # fmt: skip
        server.shutdown()
        server.server_close()


@pytest.fixture
def visitor(browser) -> Iterator[BrowserContext]:
    """A new reader: nothing played before, so no player offers to resume."""
    context = browser.new_context(viewport=DESKTOP)
    yield context
    context.close()


def signed_in(browser, newsroom: Newsroom, user: tuple[str, str]) -> BrowserContext:
    """A desktop browser signed in as USER through wp-login.php's form."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(20_000)
    sign_in(page, newsroom.site.url, user)
    page.close()
    return context


@pytest.fixture(scope="module")
def editor(browser, newsroom) -> Iterator[BrowserContext]:
    context = signed_in(browser, newsroom, EDITOR)
    yield context
    context.close()


@pytest.fixture(scope="module")
def admin(browser, newsroom) -> Iterator[BrowserContext]:
    context = signed_in(browser, newsroom, ADMIN)
    yield context
    context.close()


def ours(message: ConsoleMessage) -> bool:
    """Whether MESSAGE is an error of the page's own: not a load that must fail on a machine
    without the internet (WordPress's emoji images and the block editor's welcome images from
    WordPress.org's CDN, the admin bar's Gravatar), the favicon the browser asks for (the site
    has none), nor WordPress 6.1's block editor asking for the theme's template, which it
    refuses to an editor (no edit_theme_options): WordPress's own, not the plugin's."""
    url = urllib.parse.urlsplit(message.location.get("url", ""))
    offline = (url.hostname or "").endswith(OFFLINE) or url.path == "/favicon.ico"
    return message.type == "error" and not offline and not url.path.startswith(TEMPLATES)


def open_page(context: BrowserContext, url: str) -> tuple[Page, list[str]]:
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda m: problems.append(f"{m.text} ({m.location.get('url')})") if ours(m) else None,
    )
    page.goto(url)
    return page, problems


def shoot(page: Page, folder: Path, name: str) -> Image.Image:
    """The viewport as FOLDER/NAME.png, checked (tests/screenshots.py)."""
    return take_screenshot(page, folder, name, MAX_BYTES)


def down_to(page: Page, selector: str, margin: int = 48) -> None:
    """The viewport as tall as the page down to SELECTOR's bottom, and MARGIN more: the image
    ends where what it shows ends, with no empty screenful below."""
    page.set_viewport_size({"width": DESKTOP["width"], "height": 3000})
    box = page.locator(selector).bounding_box()
    assert box, f"no {selector}"
    bottom = page.evaluate("window.scrollY") + box["y"] + box["height"]
    page.set_viewport_size({"width": DESKTOP["width"], "height": math.ceil(bottom) + margin})


def images_loaded(page: Page, selector: str) -> int:
    """How many of SELECTOR's images have loaded (a broken one has no natural width)."""
    return page.evaluate(
        f"() => [...document.querySelectorAll({selector!r})]"
        ".filter(img => img.complete && img.naturalWidth > 0).length"
    )


# --- the readers' side ------------------------------------------------------------------------


def test_a_post_with_its_buttons_and_the_player_playing(newsroom, visitor, folder):
    page, problems = open_page(
        visitor, newsroom.site.url + page_path(newsroom.site, newsroom.posts["voiced"])
    )
    listen = page.get_by_role("button", name="Слушать статью · 1:12")
    expect(listen).to_be_in_viewport(ratio=1)
    expect(page.get_by_role("button", name="В очередь", exact=True)).to_be_in_viewport(ratio=1)
    listen.click()
    page.wait_for_function(f"() => !{AUDIO}.paused && {AUDIO}.currentTime > 1.5", timeout=15000)
    assert page.evaluate(f"{AUDIO}.src") == f"{newsroom.host}episodes/{7:016x}/episode.mp3"
    expect(page.locator(".ac-bar")).to_be_in_viewport(ratio=1)
    expect(page.locator(".ac-title")).to_have_text("Парламент утвердил бюджет на 2027 год")
    expect(page.get_by_text("Окончательное голосование")).to_be_in_viewport()
    shoot(page, folder, "post")
    assert problems == [], problems


def test_the_podcast_list_in_the_theme(newsroom, visitor, folder):
    page, problems = open_page(visitor, newsroom.site.url + newsroom.pages["podcasts"])
    shows = page.locator(".audiocast-podcast")
    expect(shows).to_have_count(2)
    down_to(page, ".audiocast-podcast >> nth=1")
    expect(shows.first).to_contain_text("7 выпусков")
    expect(shows.nth(1)).to_contain_text("Minval: экономика")
    expect(shows.nth(1)).to_be_in_viewport(ratio=1)
    page.wait_for_function("() => [...document.images].every(img => img.complete)")
    assert images_loaded(page, ".audiocast-podcast img") == 2  # the covers, from the host
    shoot(page, folder, "podcast-list")
    assert problems == [], problems


def test_an_episode_list_in_the_theme(newsroom, visitor, folder):
    page, problems = open_page(visitor, newsroom.site.url + newsroom.pages["episodes"])
    episodes = page.locator(".audiocast-episode")
    expect(episodes).to_have_count(3)
    down_to(page, ".audiocast-pagination")  # the three episodes and the pages
    expect(episodes.first).to_contain_text("Парламент утвердил бюджет на 2027 год")
    expect(episodes.first.get_by_role("button", name="Слушать")).to_be_visible()
    expect(page.get_by_text("Страница 1 из 3")).to_be_in_viewport(ratio=1)
    shoot(page, folder, "episode-list")
    assert problems == [], problems


# --- the newsroom's side ----------------------------------------------------------------------


def test_the_block_editor_with_the_panel_audio(newsroom, editor, folder):
    url = f"{newsroom.site.url}/wp-admin/post.php?post={newsroom.posts['voiced']}&action=edit"
    page, problems = open_page(editor, url)
    page.wait_for_function(
        "() => window.wp && wp.data && wp.data.select('core/editor').getCurrentPostId()"
    )
    page.evaluate(
        "() => wp.data.select('core/edit-post').isFeatureActive('welcomeGuide')"
        " && wp.data.dispatch('core/edit-post').toggleFeature('welcomeGuide')"
    )
    page.wait_for_load_state("networkidle")  # the sidebar's panels drawn, none still to come
    panel = page.locator("#audiocast-audio")
    status = panel.get_by_role("link", name="Озвучено · 1:12")
    audio = panel.locator("audio")
    expect(audio).to_have_attribute("src", f"{newsroom.host}episodes/{7:016x}/episode.mp3")
    do_not_voice = panel.get_by_label("Не озвучивать")
    expect(do_not_voice).not_to_be_checked()
    revoice = panel.get_by_role("button", name="Озвучить заново")
    revoice.scroll_into_view_if_needed()  # the sidebar scrolled down to the panel's end
    for part in (panel.get_by_role("heading", name="Аудио"), do_not_voice, status, audio, revoice):
        expect(part).to_be_in_viewport(ratio=1)
    expect(page.locator(".components-modal__frame")).to_have_count(0)  # no welcome guide
    shoot(page, folder, "editor-panel")
    assert problems == [], problems


def test_the_posts_list_with_the_column_audio(newsroom, editor, folder):
    url = f"{newsroom.site.url}/wp-admin/edit.php?cat={newsroom.category}"
    page, problems = open_page(editor, url)
    expect(page.locator("#posts-filter")).to_be_visible()
    down_to(page, "#posts-filter", margin=16)  # above the admin's footer
    expect(page.locator("th#audiocast")).to_have_text("Аудио")
    cells = {key: page.locator(f"tr#post-{post_id} td.column-audiocast")
             for key, post_id in newsroom.posts.items()}  # fmt: skip
    expect(cells["voiced"]).to_have_text("озвучена · 1:12")
    expect(cells["rates"]).to_have_text("озвучена · 1:12")
    expect(cells["pending"]).to_have_text("ждёт озвучки")
    expect(cells["excluded"]).to_have_text("не озвучивать")
    expect(cells["failed"]).to_contain_text("ошибка")
    expect(cells["failed"]).to_contain_text(NO_TEXT)
    expect(page.locator("#the-list tr")).to_have_count(len(POSTS))
    for cell in cells.values():
        expect(cell).to_be_in_viewport(ratio=1)
    shoot(page, folder, "posts-list")
    assert problems == [], problems


def test_the_settings_page(newsroom, admin, folder):
    page, problems = open_page(
        admin, newsroom.site.url + "/wp-admin/options-general.php?page=audiocast"
    )
    expect(page.locator("#audiocast-base-url")).to_have_value(newsroom.host)
    expect(page.get_by_text("статей с эпизодами — 2")).to_be_visible()
    expect(page.locator("#audiocast-desk-status")).to_contain_text("не удалось озвучить, — 1.")
    down_to(page, "#submit", margin=16)
    expect(page.locator("#submit")).to_be_in_viewport(ratio=1)
    shoot(page, folder, "settings")
    assert problems == [], problems

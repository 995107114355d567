"""A real WordPress for tests: Debian's `wordpress` package on its own MariaDB, served by PHP's
built-in server on 127.0.0.1, everything in one temporary folder and torn down after.

    reason = missing_packages()            # None when the Debian packages are installed
    with WordPress(tmp_folder) as wp:      # ~3 s: database, site, install, server
        ids = wp.reset([post(...), ...])   # the site holds these posts and no others
        wp.set_modified(ids, "2026-01-28 18:37:00")  # all saved within one second
        wp.url                             # a `wordpress` source's url
        wp.load(load_posts())              # posts shaped as the REST API gives them, own ids
        wp.edit(124123, title="…")         # and touch(), add(make_post(…)), remove(), link()
        wp.record_requests(); wp.requests()  # what was asked of it: path, query, User-Agent
    site = shared_wordpress(tmp_path_factory)  # one for all modules of a test process that
                                               # only load posts of their own

How it is wired (as measured in ../shared/FACTS.md):

- MariaDB: `mariadb-install-db` into D/db, then `mariadbd` on the socket D/run/m.sock with no
  network; user root without a password (`--auth-root-authentication-method=normal`).
- The site: a copy of /usr/share/wordpress with its own wp-config.php. Debian's own
  wp-config.php does not configure a site: it loads /etc/wordpress/config-<host>.php chosen by
  the Host header, so the copy replaces it (DB_HOST `localhost:D/run/m.sock`, WP_HOME and
  WP_SITEURL the loopback address, wp-cron off: PHP's server answers one request at a time).
- Installed without a browser: a PHP script loads wp-load.php with WP_INSTALLING and calls
  wp_install(); posts are made by wp_insert_post() in a PHP script too, their modification
  times then set by a direct $wpdb update (wp_insert_post stamps its own).
- The site's time zone is Asia/Baku (UTC+4), so a post's `modified` (site time, which
  WordPress sorts and filters by) and `modified_gmt` differ, as on the real site.
- Permalinks are pretty (`/%postname%/`): PHP's server sends every path that is not a file to
  index.php, so /wp-json/wp/v2/posts is routed by WordPress itself; `?rest_route=` works too.
"""

from __future__ import annotations

import atexit
import ctypes
import html
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
import zlib
from dataclasses import dataclass, field
from pathlib import Path

PACKAGES = ("wordpress", "wordpress-l10n", "mariadb-server", "php-cli", "php-mysql")
WORDPRESS = Path("/usr/share/wordpress")
TIMEZONE = "Asia/Baku"
AUTHOR = "Редакция Minval"
LANGUAGE = "ru_RU"  # the newsroom's; its files come with Debian's wordpress-l10n


def missing_packages() -> str | None:
    """Why a real WordPress cannot start here (the Debian packages it needs are not all
    installed), or None."""
    needed = {
        "wordpress": (WORDPRESS / "wp-load.php").is_file(),
        "wordpress-l10n": (WORDPRESS / "wp-content" / "languages" / f"{LANGUAGE}.mo").is_file(),
        "mariadb-server": bool(_binary("mariadbd") and _binary("mariadb-install-db")),
        "php-cli": bool(shutil.which("php")),
    }
    if needed["php-cli"]:
        modules = subprocess.run(["php", "-m"], capture_output=True, text=True).stdout.split()
        needed["php-mysql"] = "mysqli" in modules
    else:
        needed["php-mysql"] = False
    absent = [name for name in PACKAGES if not needed[name]]
    if not absent:
        return None
    return (
        f"a real WordPress needs the Debian packages {' '.join(absent)} "
        "(`bash .ci/setup --test` installs them)"
    )


def _binary(name: str) -> str | None:
    """NAME on PATH or in /usr/sbin (not on a normal user's PATH)."""
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin")


@dataclass
class Post:
    """A post to create. DATE is site time ('2026-01-28 18:37:00'); MODIFIED too, and defaults
    to DATE. CONTENT is HTML as the block editor saves it."""

    title: str
    content: str
    date: str
    modified: str | None = None
    category: str = "Политика"
    tags: list[str] = field(default_factory=list)
    excerpt: str = ""


def post(
    title: str, paragraphs: list[str], date: str, *, heading: str | None = None, **fields
) -> Post:
    """A Post whose content is PARAGRAPHS, with HEADING (an h2) before the last one."""
    blocks = [f"<!-- wp:paragraph -->\n<p>{p}</p>\n<!-- /wp:paragraph -->" for p in paragraphs]
    if heading:
        blocks.insert(
            len(blocks) - 1,
            f'<!-- wp:heading -->\n<h2 class="wp-block-heading">{heading}</h2>\n'
            "<!-- /wp:heading -->",
        )
    return Post(title, "\n\n".join(blocks), date, **fields)


class WordPress:
    """One WordPress in ROOT (a folder of its own): start() it, stop() it (or use `with`)."""

    def __init__(self, root: Path):
        self.root = root
        self.site = root / "site"
        self.socket = root / "run" / "m.sock"
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.timings: dict[str, float] = {}  # start-up steps, seconds
        self._db: subprocess.Popen | None = None
        self._php: subprocess.Popen | None = None

    def __enter__(self) -> WordPress:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- start and stop ---------------------------------------------------------------------

    def start(self) -> None:
        begin = time.perf_counter()
        self._step("database files", self._install_database)
        self._step("database server", self._start_database)
        self._step("site copy", self._copy_site)
        self._step("install", self._install_wordpress)
        self._step("web server", self._start_php)
        self.timings["total"] = time.perf_counter() - begin

    def stop(self) -> None:
        """End the PHP server and MariaDB (ours, by their process ids)."""
        for process in (self._php, self._db):
            if process is None or process.poll() is not None:
                continue
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._php = self._db = None

    def _run(self, command: list) -> None:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {done.stdout[-1500:]}{done.stderr[-1500:]}")

    def _step(self, name: str, action) -> None:
        begin = time.perf_counter()
        action()
        self.timings[name] = time.perf_counter() - begin

    def _install_database(self) -> None:
        (self.root / "run").mkdir(parents=True, exist_ok=True)
        self._run(
            [
                _binary("mariadb-install-db"),
                *_as_root(),
                f"--datadir={self.root / 'db'}",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                "--skip-name-resolve",
            ],
        )

    def _start_database(self) -> None:
        log = open(self.root / "mariadbd.log", "wb")  # noqa: SIM115 - the server's stderr
        self._db = subprocess.Popen(
            [
                _binary("mariadbd"),
                "--no-defaults",
                *_as_root(),
                f"--datadir={self.root / 'db'}",
                f"--socket={self.socket}",
                f"--pid-file={self.root / 'run' / 'm.pid'}",
                "--skip-networking",
                "--skip-name-resolve",
                "--skip-log-bin",
                "--innodb-buffer-pool-size=32M",
                "--innodb-flush-log-at-trx-commit=0",
                "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_unicode_ci",
            ],
            stdout=log,
            stderr=log,
            preexec_fn=_end_with_parent,
        )
        log.close()
        deadline = time.monotonic() + 30
        while True:
            done = subprocess.run(
                [
                    "mariadb",
                    "--no-defaults",
                    f"--socket={self.socket}",
                    "-uroot",
                    "-e",
                    "CREATE DATABASE IF NOT EXISTS wordpress",
                ],
                capture_output=True,
                text=True,
            )
            if done.returncode == 0:
                return
            if self._db.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "MariaDB did not start: "
                    + (self.root / "mariadbd.log").read_text(errors="replace")[-2000:]
                )
            time.sleep(0.1)

    def _copy_site(self) -> None:
        shutil.copytree(WORDPRESS, self.site, symlinks=True)
        _mend_links(WORDPRESS, self.site)
        (self.site / "wp-config.php").write_text(self._config(), encoding="utf-8")
        (self.site / "wp-content" / "uploads").mkdir(exist_ok=True)

    def _config(self) -> str:
        salts = "".join(
            f"define('{name}', 'audiocast-tests-{name.lower()}');\n"
            for name in (
                "AUTH_KEY",
                "SECURE_AUTH_KEY",
                "LOGGED_IN_KEY",
                "NONCE_KEY",
                "AUTH_SALT",
                "SECURE_AUTH_SALT",
                "LOGGED_IN_SALT",
                "NONCE_SALT",
            )
        )
        return (
            "<?php\n"
            "define('DB_NAME', 'wordpress');\n"
            "define('DB_USER', 'root');\n"
            "define('DB_PASSWORD', '');\n"
            f"define('DB_HOST', 'localhost:{self.socket}');\n"
            "define('DB_CHARSET', 'utf8mb4');\n"
            "define('DB_COLLATE', '');\n"
            f"{salts}"
            "$table_prefix = 'wp_';\n"
            f"define('WP_HOME', '{self.url}');\n"
            f"define('WP_SITEURL', '{self.url}');\n"
            "define('WP_DEBUG', false);\n"
            "define('DISABLE_WP_CRON', true);\n"
            "define('AUTOMATIC_UPDATER_DISABLED', true);\n"
            "define('WP_HTTP_BLOCK_EXTERNAL', true);\n"
            "if (!defined('ABSPATH')) { define('ABSPATH', __DIR__ . '/'); }\n"
            "require_once ABSPATH . 'wp-settings.php';\n"
        )

    def _install_wordpress(self) -> None:
        self.php(
            _INSTALL,
            {
                "timezone": TIMEZONE,
                "author": AUTHOR,
                "permalinks": "/%postname%/",
                "language": LANGUAGE,
            },
            installing=True,
        )

    def _start_php(self) -> None:
        log = open(self.root / "php.log", "wb")  # noqa: SIM115 - the server's output
        self._php = subprocess.Popen(
            ["php", "-S", f"127.0.0.1:{self.port}", "-t", str(self.site)],
            cwd=self.site,
            stdout=log,
            stderr=log,
            stdin=subprocess.DEVNULL,
            preexec_fn=_end_with_parent,
        )
        log.close()
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(self.url + "/wp-json/", timeout=5) as answer:
                    answer.read()
                return
            except OSError:
                if self._php.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "php -S did not answer: "
                        + (self.root / "php.log").read_text(errors="replace")[-2000:]
                    ) from None
                time.sleep(0.05)

    # --- the site's posts -------------------------------------------------------------------

    def php(self, script: str, data=None, *, installing: bool = False):
        """Run SCRIPT (PHP code, after `<?php`) with WordPress loaded; DATA (JSON) is in
        $data, and what the script assigns to $result comes back (through JSON)."""
        path = self.root / "script.php"
        head = "define('WP_INSTALLING', true);\n" if installing else ""
        path.write_text(
            "<?php\n"
            "$_SERVER['HTTP_HOST'] = '127.0.0.1';\n"
            "$_SERVER['REQUEST_URI'] = '/';\n"
            f"{head}"
            f"require '{self.site}/wp-load.php';\n"
            "add_filter('pre_wp_mail', '__return_true');  // no sendmail here\n"
            "$data = json_decode(stream_get_contents(STDIN), true);\n"
            "$result = null;\n"
            f"{script}\n"
            'fwrite(STDOUT, "\\n@@RESULT@@" . json_encode($result));\n',
            encoding="utf-8",
        )
        done = subprocess.run(
            ["php", str(path)],
            input=json.dumps(data),
            capture_output=True,
            text=True,
            cwd=self.site,
            timeout=120,
        )
        if done.returncode != 0 or "@@RESULT@@" not in done.stdout:
            raise RuntimeError(
                f"PHP script failed ({done.returncode}): {done.stdout[-2000:]}{done.stderr[-2000:]}"
            )
        return json.loads(done.stdout.rsplit("@@RESULT@@", 1)[1])

    def reset(self, posts: list[Post]) -> list[int]:
        """Delete every post, then create POSTS (published, in order); their ids."""
        specs = [vars(p) | {"modified": p.modified or p.date} for p in posts]
        return self.php(_RESET, {"posts": specs})

    def set_modified(self, ids: list[int], modified: str) -> None:
        """Posts IDS last modified at MODIFIED (site time), as a bulk edit leaves them."""
        self.php(_SET_MODIFIED, {"ids": ids, "modified": modified})

    def update(self, post_id: int, **fields) -> None:
        """Save a post as an editor would (wp_update_post: modified becomes now)."""
        self.php(_UPDATE, {"id": post_id, "fields": fields})

    def delete(self, post_id: int) -> None:
        self.php("wp_delete_post($data['id'], true);", {"id": post_id})

    def query(self, sql: str) -> list[dict]:
        """Rows of SQL, run through $wpdb (ARRAY_A)."""
        return self.php("$result = $GLOBALS['wpdb']->get_results($data, ARRAY_A);", sql)

    # --- posts given as the REST API shows them (tests/fakes/site.py's load_posts, make_post) --

    def load(self, posts: list[dict]) -> list[int]:
        """Delete every post, then create POSTS: dicts shaped as GET /wp/v2/posts?_embed=1
        gives them (tests/fixtures/site/posts.json, make_post()), so that a test written for
        the stand-in reads the same posts from a real WordPress. Kept: the id (`import_id`),
        title, content, date, modification time, author (a user of that display name),
        category, tags, a hand-written excerpt (an automatic one is left to WordPress to make)
        and password protection. The links are this site's own permalinks."""
        return self.php(_EDITOR + _LOAD, {"posts": [_spec(p) for p in posts], "clear": True})

    def add(self, post: dict) -> int:
        """Publish POST (shaped as for load()) beside the posts already there; its id."""
        return self.php(_EDITOR + _LOAD, {"posts": [_spec(post)], "clear": False})[0]

    def edit(self, post_id: int, *, modified: str | None = None, **changes) -> None:
        """Save a post as an editor would: `title`, `content` (HTML), `excerpt`, `slug`,
        `author` (display name), `category`, `tags`. MODIFIED (site time) defaults to a minute
        after the newest post's, so an edit is always the newest modification."""
        if "author" in changes:
            changes["author"] = _login(changes["author"])
        self.php(_EDITOR + _EDIT, {"id": post_id, "changes": changes, "modified": modified})

    def touch(self, post_id: int) -> None:
        """Save a post without changing anything: only its modification time moves."""
        self.edit(post_id)

    def remove(self, post_id: int) -> None:
        """Delete a post for good: the REST API and the feed no longer list it."""
        self.delete(post_id)

    def link(self, post_id: int) -> str:
        """The post's permalink, as WordPress gives it."""
        return self.php("$result = get_permalink($data);", post_id)

    # --- what was asked of it -----------------------------------------------------------------

    def record_requests(self) -> None:
        """From now on PHP's server writes down every request WordPress answers (path, query,
        User-Agent), for requests(); a must-use plugin of its own."""
        plugins = self.site / "wp-content" / "mu-plugins"
        plugins.mkdir(parents=True, exist_ok=True)
        (plugins / "audiocast-tests-requests.php").write_text(
            _REQUEST_LOG.replace("LOG", repr(str(self._request_log))), encoding="utf-8"
        )
        self.forget_requests()

    def requests(self) -> list[Request]:
        """The requests WordPress answered since forget_requests(), in order."""
        if not self._request_log.exists():
            return []
        lines = self._request_log.read_text(encoding="utf-8").splitlines()
        return [Request.of(json.loads(line)) for line in lines]

    def listings(self) -> list[Request]:
        """The requests of the post listing (/wp-json/wp/v2/posts) since forget_requests()."""
        return [r for r in self.requests() if r.path == "/wp-json/wp/v2/posts"]

    def forget_requests(self) -> None:
        self._request_log.write_text("", encoding="utf-8")

    @property
    def _request_log(self) -> Path:
        return self.root / "requests.log"


_INSTALL = r"""
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
// as wp-admin/install.php does: the language loaded first, so that the defaults the install
// writes (the date format, «Без рубрики», the sample page) are the language's own
load_default_textdomain($data['language']);
$GLOBALS['wp_locale'] = new WP_Locale();
$installed = wp_install(
    'Minval', 'admin', 'admin@example.org', true, '', 'password-for-tests', $data['language']
);
update_option('timezone_string', $data['timezone']);
update_option('gmt_offset', '');
update_option('blog_public', '1');
$user = get_user_by('id', $installed['user_id']);
wp_update_user(
    ['ID' => $user->ID, 'display_name' => $data['author'], 'nickname' => $data['author']]
);
global $wp_rewrite;
$wp_rewrite->set_permalink_structure($data['permalinks']);
flush_rewrite_rules(false);
$result = $installed['user_id'];
"""

_RESET = r"""
global $wpdb;
foreach ($wpdb->get_col("SELECT ID FROM {$wpdb->posts} WHERE post_type = 'post'") as $id) {
    wp_delete_post((int) $id, true);
}
$author = get_user_by('login', 'admin')->ID;
$result = [];
foreach ($data['posts'] as $spec) {
    $category = term_exists($spec['category'], 'category');
    if (!$category) {
        $category = wp_insert_term($spec['category'], 'category');
    }
    $id = wp_insert_post([
        'post_title' => $spec['title'],
        'post_content' => $spec['content'],
        'post_excerpt' => $spec['excerpt'],
        'post_status' => 'publish',
        'post_type' => 'post',
        'post_author' => $author,
        'post_date' => $spec['date'],
        'post_category' => [(int) $category['term_id']],
        'tags_input' => $spec['tags'],
    ], true);
    if (is_wp_error($id)) {
        throw new Exception($id->get_error_message());
    }
    $wpdb->update($wpdb->posts, [
        'post_modified' => $spec['modified'],
        'post_modified_gmt' => get_gmt_from_date($spec['modified']),
    ], ['ID' => $id]);
    clean_post_cache($id);
    $result[] = $id;
}
"""

_SET_MODIFIED = r"""
global $wpdb;
foreach ($data['ids'] as $id) {
    $wpdb->update($wpdb->posts, [
        'post_modified' => $data['modified'],
        'post_modified_gmt' => get_gmt_from_date($data['modified']),
    ], ['ID' => $id]);
    clean_post_cache($id);
}
"""

_UPDATE = r"""
$fields = ['ID' => $data['id']];
foreach ($data['fields'] as $key => $value) {
    $fields['post_' . $key] = $value;
}
$result = wp_update_post($fields, true);
if (is_wp_error($result)) {
    throw new Exception($result->get_error_message());
}
"""


@dataclass(frozen=True)
class Request:
    """One request WordPress answered: its path, its query (one value a name) and who asked."""

    path: str
    query: dict[str, str]
    user_agent: str

    @classmethod
    def of(cls, logged: dict) -> Request:
        parts = urllib.parse.urlsplit(logged["uri"])
        return cls(parts.path, dict(urllib.parse.parse_qsl(parts.query)), logged["agent"])


_shared: WordPress | None = None


def shared_wordpress(folders) -> WordPress:
    """One WordPress for every module of this test process that asks for it (FOLDERS is
    pytest's tmp_path_factory), started at the first request and stopped when the process
    ends: the modules that only read posts they load themselves need not pay ~3-10 s each.
    A module that installs plugins or changes options starts its own instead."""
    global _shared
    if _shared is None:
        site = WordPress(folders.mktemp("wordpress-shared"))
        site.start()
        atexit.register(site.stop)
        _shared = site
    return _shared


def _spec(post: dict) -> dict:
    """What _LOAD needs of a post shaped as the REST API gives it."""
    embedded = post.get("_embedded", {})
    authors = embedded.get("author") or [{"name": AUTHOR}]
    terms = embedded.get("wp:term") or [[], []]
    excerpt = post.get("excerpt", {}).get("rendered", "")
    return {
        "id": post["id"],
        "title": html.unescape(post["title"]["rendered"]),
        "content": post["content"]["rendered"],
        "excerpt": "" if _is_automatic(excerpt, post["content"]["rendered"]) else _text(excerpt),
        "password": "for-subscribers" if post["content"].get("protected") else "",
        "date": post["date"].replace("T", " "),
        "date_gmt": post["date_gmt"].replace("T", " "),
        "modified": post["modified"].replace("T", " "),
        "modified_gmt": post["modified_gmt"].replace("T", " "),
        "author": _login(html.unescape(authors[0]["name"])),
        "categories": [html.unescape(t["name"]) for t in terms[0]],
        "tags": [html.unescape(t["name"]) for t in terms[1]] if len(terms) > 1 else [],
    }


def _login(name: str) -> dict:
    """A user for the display name NAME: the site's admin is the newsroom (AUTHOR)."""
    login = "admin" if name == AUTHOR else f"author-{zlib.crc32(name.encode()):08x}"
    return {"login": login, "name": name}


def _is_automatic(excerpt: str, content: str) -> bool:
    """Whether EXCERPT is WordPress's automatic one: the first 55 words of the paragraphs,
    then " [&hellip;]" when there are more (as tests/fakes/site.py makes it)."""
    words = " ".join(_text(p) for p in re.findall(r"<p>(.*?)</p>", content, re.S)).split()
    said = _text(excerpt).removesuffix("[…]").split()
    return said == words[:55]


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


_REQUEST_LOG = r"""<?php
if (PHP_SAPI === 'cli-server') {
    $line = ['uri' => $_SERVER['REQUEST_URI'], 'agent' => $_SERVER['HTTP_USER_AGENT'] ?? ''];
    file_put_contents(LOG, json_encode($line) . "\n", FILE_APPEND | LOCK_EX);
}
"""

_EDITOR = r"""
function audiocast_tests_author($who) {
    $user = get_user_by('login', $who['login']);
    if ($user) {
        return $user->ID;
    }
    $id = wp_insert_user([
        'user_login' => $who['login'], 'user_pass' => wp_generate_password(),
        'user_email' => $who['login'] . '@example.org', 'role' => 'author',
        'display_name' => $who['name'], 'nickname' => $who['name'],
    ]);
    if (is_wp_error($id)) {
        throw new Exception($id->get_error_message());
    }
    return $id;
}
function audiocast_tests_categories($names) {
    $ids = [];
    foreach ($names as $name) {
        $term = term_exists($name, 'category') ?: wp_insert_term($name, 'category');
        $ids[] = (int) $term['term_id'];
    }
    return $ids;
}
// an editor's save: the admin may post any HTML (no kses), and no revisions take ids
wp_set_current_user(get_user_by('login', 'admin')->ID);
add_filter('wp_revisions_to_keep', '__return_zero');
global $wpdb;
"""

_LOAD = r"""
if ($data['clear']) {
    foreach ($wpdb->get_col("SELECT ID FROM {$wpdb->posts} WHERE post_type = 'post'") as $id) {
        wp_delete_post((int) $id, true);
    }
}
$result = [];
foreach ($data['posts'] as $spec) {
    $id = wp_insert_post(wp_slash([
        'import_id' => $spec['id'],
        'post_title' => $spec['title'],
        'post_content' => $spec['content'],
        'post_excerpt' => $spec['excerpt'],
        'post_password' => $spec['password'],
        'post_status' => 'publish',
        'post_type' => 'post',
        'post_author' => audiocast_tests_author($spec['author']),
        'post_date' => $spec['date'],
        'post_date_gmt' => $spec['date_gmt'],
        'post_category' => audiocast_tests_categories($spec['categories']),
        'tags_input' => $spec['tags'],
        'guid' => home_url('/?p=' . $spec['id']),  // as a post begun in the editor has it
    ]), true);
    if (is_wp_error($id) || $id !== $spec['id']) {
        throw new Exception('post ' . $spec['id'] . ' not made with its id');
    }
    $wpdb->update($wpdb->posts, [
        'post_modified' => $spec['modified'], 'post_modified_gmt' => $spec['modified_gmt'],
    ], ['ID' => $id]);
    clean_post_cache($id);
    $result[] = $id;
}
"""

_EDIT = r"""
$fields = ['ID' => $data['id']];
foreach ($data['changes'] as $key => $value) {
    if ($key === 'author') {
        $fields['post_author'] = audiocast_tests_author($value);
    } elseif ($key === 'category') {
        $fields['post_category'] = audiocast_tests_categories([$value]);
    } elseif ($key === 'tags') {
        $fields['tags_input'] = $value;
    } elseif ($key === 'slug') {
        $fields['post_name'] = $value;
    } else {
        $fields['post_' . $key] = $value;
    }
}
$saved = wp_update_post(wp_slash($fields), true);
if (is_wp_error($saved)) {
    throw new Exception($saved->get_error_message());
}
$modified = $data['modified'];
if (!$modified) {
    $newest = $wpdb->get_var(
        "SELECT MAX(post_modified) FROM {$wpdb->posts} WHERE post_type = 'post'"
        . " AND post_status = 'publish'"
    );
    $modified = date('Y-m-d H:i:s', strtotime($newest . ' UTC') + 60);
}
$wpdb->update($wpdb->posts, [
    'post_modified' => $modified, 'post_modified_gmt' => get_gmt_from_date($modified),
], ['ID' => $data['id']]);
clean_post_cache($data['id']);
"""


def _mend_links(original: Path, copy: Path) -> None:
    """Debian's WordPress links some files elsewhere under /usr/share (underscore.js, getID3's
    modules, the image cropper) by relative symlinks, which a copy keeps and so breaks: the
    admin's pages would fail ("_ is not defined"). Each broken one points at its original's
    target again."""
    for folder, _folders, files in os.walk(original):
        for name in files:
            source = Path(folder) / name
            copied = copy / source.relative_to(original)
            if source.is_symlink() and copied.is_symlink() and not copied.exists():
                copied.unlink()
                copied.symlink_to(source.resolve())


def _as_root() -> list[str]:
    """mariadbd refuses to run as root unless told to; as another user it runs as that user."""
    return ["--user=root"] if os.geteuid() == 0 else []


def _end_with_parent() -> None:
    """In the child, before exec: SIGTERM it when the test process dies, however it dies (a
    killed pytest leaves no MariaDB or PHP server behind). Linux's prctl(PR_SET_PDEATHSIG)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]

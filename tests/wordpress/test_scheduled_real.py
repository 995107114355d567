"""Scheduled posts voiced in advance, against a real WordPress (Debian's, as
tests/wordpress_site.py starts it): with an application password (WordPress core) `audiocast
sync` lists posts whose status is "future" and voices them; the build keeps their episodes
out of every file under public/ until WordPress has published the post and its time has
passed; unscheduled or trashed before then, the episode goes as a removed post's does. Without
the password scheduled posts are not listed; a wrong one is one error line naming the source.
The password itself is in no message, no public file and not in the state database."""

from __future__ import annotations

import dataclasses
import json
import os
import time
from pathlib import Path

import pytest

from audiocast.config import SiteSource, load_settings
from audiocast.errors import ConfigError
from audiocast.state import STATE_FILE
from tests.conftest import CountingEspeak, make_settings
from tests.wordpress.runs import Run, wordpress_with
from tests.wordpress_site import WordPress, post

BASE_URL = "https://podcast.example.org/"
# WordPress 6.1 offers application passwords over https, or on a site whose environment type
# is "local"; this one is served over http on loopback, so it says they are available. No
# WP-Cron: a post whose time has come stays "future" (a missed schedule) until the test
# publishes it as WP-Cron would (check_and_publish_future_post)
MU_PLUGIN = """<?php
add_filter('wp_is_application_passwords_available', '__return_true');
define('DISABLE_WP_CRON', true);
"""
CREATE_PASSWORD = r"""
$user = get_user_by('login', 'admin');
[$password, $item] = WP_Application_Passwords::create_new_application_password(
    $user->ID, ['name' => 'audiocast']
);
$result = $password;
"""
# a post scheduled $data['seconds'] from now, as the editor's «Запланировать» saves it (which
# takes a time at least a minute ahead: a nearer one is moved there in the table afterwards)
SCHEDULE = r"""
$category = term_exists('Политика', 'category');
$id = wp_insert_post([
    'post_title' => $data['title'],
    'post_content' => $data['content'],
    'post_status' => 'future',
    'post_type' => 'post',
    'post_author' => get_user_by('login', 'admin')->ID,
    'post_date' => wp_date('Y-m-d H:i:s', time() + max(3600, $data['seconds'])),
    'post_category' => [(int) $category['term_id']],
], true);
if (is_wp_error($id)) {
    throw new Exception($id->get_error_message());
}
if ($data['seconds'] < 3600) {
    $at = time() + $data['seconds'];
    $GLOBALS['wpdb']->update($GLOBALS['wpdb']->posts, [
        'post_date' => wp_date('Y-m-d H:i:s', $at), 'post_date_gmt' => gmdate('Y-m-d H:i:s', $at),
    ], ['ID' => $id]);
    clean_post_cache($id);
}
$result = ['id' => $id, 'status' => get_post_status($id),
           'at' => get_post_time('U', true, $id)];
"""
SOON = "Завтрашнее решение парламента"
NOW = "Сегодняшнее заседание"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One real WordPress for this module, with application passwords available, and one for
    its administrator; skipped only when its Debian packages are absent."""
    folder = tmp_path_factory.mktemp("wordpress")
    with wordpress_with(folder, "audiocast-app-passwords.php", MU_PLUGIN) as wordpress:
        wordpress.password = wordpress.php(CREATE_PASSWORD)
        yield wordpress


def password_file(folder: Path, secret: str) -> Path:
    path = folder / "wordpress-password"
    path.write_text(secret + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


def run_for(tmp_path: Path, site: WordPress, secret: str | None = None) -> Run:
    keys = {}
    if secret is not None:
        keys = {"user": "admin", "application_password_file": password_file(tmp_path, secret)}
    wordpress = SiteSource("minval", "wordpress", site.url, **keys)
    settings = make_settings(
        tmp_path, sources=(wordpress,), base_url=BASE_URL, workers=1, public_dir=tmp_path / "pub"
    )
    return Run(settings, CountingEspeak())


def schedule(site: WordPress, title: str, text: str, seconds: int) -> dict:
    content = f"<!-- wp:paragraph -->\n<p>{text}</p>\n<!-- /wp:paragraph -->"
    made = site.php(SCHEDULE, {"title": title, "content": content, "seconds": seconds})
    assert made["status"] == "future"
    return made


def published_now(title: str, text: str):
    return post(title, [text], "2026-11-20 10:00:00")


def test_a_scheduled_post_is_voiced_ahead_and_public_only_once_published(site, tmp_path):
    """Voiced at the first sync; in no file under public/ (feeds, pages, JSON, the post
    index: neither its title nor its episode id) while WordPress says "future", even once
    its time has passed (WordPress's cron missed it); published by WordPress, the next sync
    voices nothing and the build publishes the same episode."""
    (now_id,) = site.reset([published_now(NOW, "Депутаты собрались утром.")])
    soon = schedule(site, SOON, "Парламент примет закон о бюджете.", seconds=4)
    run = run_for(tmp_path, site, site.password)
    report = run.sync()
    assert sorted(o.title for o in report.outcomes) == sorted([NOW, SOON])
    assert not report.failed and not report.source_errors and report.scheduled == [SOON]
    assert "Парламент примет закон о бюджете." in run.engine.calls
    episode = run.episodes()[soon["id"]]

    built = run.build()
    assert built.waiting == [episode]
    text = run.public_text()
    assert SOON not in text
    assert episode not in text
    assert NOW in text and run.episodes()[now_id] in text
    index = json.loads((run.settings.public_dir / "wordpress" / "minval.json").read_bytes())
    assert index["posts"].keys() == {str(now_id)}

    time.sleep(max(0.0, soon["at"] + 1.2 - time.time()))  # its time has passed, but
    assert site.php("$result = get_post_status($data);", soon["id"]) == "future"  # not published
    report = run.sync()
    assert report.outcomes == [] and report.scheduled == [SOON]
    assert run.build().waiting == [episode]
    assert SOON not in run.public_text()
    site.php("check_and_publish_future_post($data); $result = get_post_status($data);", soon["id"])
    report = run.sync()
    assert report.outcomes == [] and run.engine.calls == [] and report.scheduled == []
    built = run.build()
    assert built.waiting == []
    text = run.public_text()
    assert SOON in text and f"episodes/{episode}/episode.mp3" in built.written
    assert run.episodes()[soon["id"]] == episode
    index = json.loads((run.settings.public_dir / "wordpress" / "minval.json").read_bytes())
    assert index["posts"][str(soon["id"])]["episode"] == episode

    secret = site.password.encode()
    assert secret not in (run.settings.episodes_dir / STATE_FILE).read_bytes()
    assert site.password not in text


def test_a_scheduled_post_unscheduled_or_trashed_before_its_time_goes(site, tmp_path):
    site.reset([published_now(NOW, "Депутаты собрались утром.")])
    draft = schedule(site, "Черновик на завтра", "Этот текст вернут в черновики.", 3600)
    trash = schedule(site, "Удалённая заметка", "Эту заметку удалят.", 3600)
    run = run_for(tmp_path, site, site.password)
    report = run.sync()
    assert len(report.outcomes) == 3 and not report.failed
    episodes = run.episodes()
    site.php("wp_update_post(['ID' => $data, 'post_status' => 'draft']);", draft["id"])
    site.php("wp_trash_post($data);", trash["id"])
    report = run.sync()
    assert sorted(report.removed) == ["Удалённая заметка", "Черновик на завтра"]
    assert report.outcomes == []
    for post_id in (draft["id"], trash["id"]):
        assert not (run.settings.episodes_dir / episodes[post_id]).exists()
    built = run.build()
    assert built.waiting == []
    text = run.public_text()
    assert "Черновик" not in text and "Удалённая" not in text and NOW in text


def test_without_the_password_scheduled_posts_are_not_listed_and_a_wrong_one_is_one_error(
    site, tmp_path
):
    (now_id,) = site.reset([published_now(NOW, "Депутаты собрались утром.")])
    schedule(site, SOON, "Парламент примет закон о бюджете.", 3600)
    run = run_for(tmp_path, site)
    report = run.sync()
    assert [o.title for o in report.outcomes] == [NOW] and report.scheduled == []
    assert "Парламент" not in "\n".join(run.engine.calls)

    wrong = "abcd efgh ijkl mnop qrst uvwx"
    run = dataclasses.replace(run, settings=run_for(tmp_path, site, wrong).settings)
    report = run.sync()
    assert report.outcomes == [] and report.removed == []
    (error,) = report.source_errors
    assert error.startswith("minval: ") and "\n" not in error
    assert "did not accept the application password of user 'admin'" in error
    assert "application_password_file" in error
    assert wrong not in error and wrong.replace(" ", "") not in error
    assert (run.settings.episodes_dir / run.episodes()[now_id]).is_dir()
    assert wrong.encode() not in (run.settings.episodes_dir / STATE_FILE).read_bytes()


# --- audiocast.toml: what it refuses (no WordPress needed) ------------------------------------


def config_error(folder: Path, source: str) -> str:
    (folder / "audiocast.toml").write_text(
        f'[[sources]]\nname = "minval"\nkind = "wordpress"\n{source}', encoding="utf-8"
    )
    with pytest.raises(ConfigError) as refused:
        load_settings(folder)
    return str(refused.value)


def test_the_password_file_must_exist_and_be_its_owners_alone(tmp_path):
    https = 'url = "https://minval.az"\nuser = "audiocast"\n'
    missing = config_error(tmp_path, https + 'application_password_file = "secret"\n')
    assert "application_password_file" in missing and "cannot be read" in missing

    secret = password_file(tmp_path, "abcd efgh ijkl mnop qrst uvwx")
    secret.chmod(0o644)
    readable = config_error(tmp_path, https + f'application_password_file = "{secret.name}"\n')
    assert "other users" in readable and "chmod 600" in readable and "abcd" not in readable

    secret.chmod(0o600)
    plain = config_error(
        tmp_path,
        'url = "http://minval.az"\nuser = "audiocast"\n'
        f'application_password_file = "{secret.name}"\n',
    )
    assert "must be https" in plain
    alone = config_error(tmp_path, https)
    assert "go together" in alone

    (tmp_path / "audiocast.toml").write_text(
        '[[sources]]\nname = "minval"\nkind = "wordpress"\nurl = "http://127.0.0.1:8080"\n'
        f'user = "audiocast"\napplication_password_file = "{secret.name}"\n',
        encoding="utf-8",
    )
    (source,) = load_settings(tmp_path).sources
    assert source.user == "audiocast" and source.application_password_file == secret
    assert oct(os.stat(secret).st_mode & 0o777) == "0o600"

"""audiocast's side of the WordPress plugin, against a real WordPress (Debian's, as
tests/wordpress_site.py starts it) whose posts are real Gutenberg block markup: `audiocast sync`
over its REST API and its paged RSS feed, the «Не озвучивать» post meta (`audiocast_exclude`,
registered here by a minimal mu-plugin, as the plugin registers it), and the post index that
`audiocast build` publishes for the plugin (public/wordpress/<source>.json). Espeak is real;
CountingEspeak says what was spoken."""

from __future__ import annotations

import dataclasses
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from audiocast.config import SiteSource
from audiocast.ingest.site import read_source
from audiocast.publish.write import MANIFEST
from audiocast.state import STATE_FILE, ExcludedBy, SyncState
from tests.conftest import CountingEspeak, make_settings
from tests.wordpress.runs import Run, wordpress_with
from tests.wordpress_site import Post, WordPress, post

BASE_URL = "https://podcast.example.org/"
META = "audiocast_exclude"
# what the plugin registers (wordpress/audiocast/), and no more
MU_PLUGIN = """<?php
add_action('init', function () {
    register_post_meta('post', 'audiocast_exclude', [
        'type' => 'boolean', 'single' => true, 'default' => false, 'show_in_rest' => true,
        'auth_callback' => function () { return current_user_can('edit_posts'); },
    ]);
});
"""

CAPTION = "Фото пресс-службы правительства"
EMBED = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
CELLS = ("Бакинская нефть", "Восемьдесят два")
PULL = "Мы не отступим от плана"
RICH = "\n\n".join(
    [
        "<!-- wp:paragraph -->\n<p>Правительство Азербайджана одобрило новый план развития "
        "регионов.</p>\n<!-- /wp:paragraph -->",
        '<!-- wp:heading -->\n<h2 class="wp-block-heading">Главные пункты</h2>\n'
        "<!-- /wp:heading -->",
        "<!-- wp:list -->\n<ul><!-- wp:list-item -->\n<li>Новые дороги.</li>\n"
        "<!-- /wp:list-item --><!-- wp:list-item -->\n<li>Новые школы.</li>\n"
        "<!-- /wp:list-item --></ul>\n<!-- /wp:list -->",
        '<!-- wp:quote -->\n<blockquote class="wp-block-quote"><!-- wp:paragraph -->\n'
        "<p>Это важный шаг.</p>\n<!-- /wp:paragraph --></blockquote>\n<!-- /wp:quote -->",
        '<!-- wp:image {"sizeSlug":"large"} -->\n<figure class="wp-block-image size-large">'
        '<img src="https://example.org/plan.jpg" alt=""/><figcaption class="wp-element-caption">'
        f"{CAPTION}</figcaption></figure>\n<!-- /wp:image -->",
        f'<!-- wp:embed {{"url":"{EMBED}","type":"video","providerNameSlug":"youtube"}} -->\n'
        '<figure class="wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube">'
        f'<div class="wp-block-embed__wrapper">\n{EMBED}\n</div></figure>\n<!-- /wp:embed -->',
        '<!-- wp:table -->\n<figure class="wp-block-table"><table><tbody><tr>'
        f"<td>{CELLS[0]}</td><td>{CELLS[1]}</td></tr></tbody></table>"
        '<figcaption class="wp-element-caption">Цены за баррель</figcaption></figure>\n'
        "<!-- /wp:table -->",
        '<!-- wp:pullquote -->\n<figure class="wp-block-pullquote"><blockquote>'
        f"<p>{PULL}</p><cite>Министр</cite></blockquote></figure>\n<!-- /wp:pullquote -->",
        "<!-- wp:paragraph -->\n<p>Работы начнутся весной.</p>\n<!-- /wp:paragraph -->",
    ]
)
SPOKEN = ("Главные пункты", "Новые дороги", "Новые школы", "Это важный шаг", "начнутся весной")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One real WordPress for this module, with the `audiocast_exclude` meta registered;
    skipped only when its Debian packages are absent (`.ci/setup --test` installs them)."""
    folder = tmp_path_factory.mktemp("wordpress")
    with wordpress_with(folder, "audiocast-meta.php", MU_PLUGIN) as wordpress:
        yield wordpress


def run_for(tmp_path: Path, site: WordPress, **source) -> Run:
    wordpress = SiteSource("minval", "wordpress", site.url, **({"per_page": 2} | source))
    settings = make_settings(
        tmp_path, sources=(wordpress,), base_url=BASE_URL, workers=1, public_dir=tmp_path / "pub"
    )
    return Run(settings, CountingEspeak())


def short(title: str, *sentences: str, day: int = 20) -> Post:
    return post(title, list(sentences), f"2026-11-{day:02d} 10:00:00")


def set_meta(site: WordPress, post_id: int, value: bool) -> None:
    site.php("update_post_meta($data['id'], 'audiocast_exclude', $data['on']);",
             {"id": post_id, "on": value})  # fmt: skip


def spoken(run: Run) -> str:
    return "\n".join(run.engine.calls)


def test_a_site_of_several_pages_is_voiced_and_indexed_for_the_plugin(site, tmp_path):
    """Five posts, two a page, one of them every kind of block: all voiced once; captions,
    the embed's URL and the table's cells are not spoken; the index maps each post to its
    episode with URLs that are files in public/, and a build with nothing new leaves it as
    it was, byte for byte."""
    posts = [Post("Правительство одобрило план", RICH, "2026-11-20 09:00:00")] + [
        short(f"Новость номер {n}", f"Событие номер {n} произошло.", day=20 + n)
        for n in range(1, 5)
    ]
    ids = site.reset(posts)
    run = run_for(tmp_path, site)
    report = run.sync()
    assert sorted(o.title for o in report.outcomes) == sorted(p.title for p in posts)
    assert not report.failed and not report.problems and not report.gaps
    words = spoken(run)
    for text in SPOKEN:
        assert text in words
    for text in (CAPTION, "youtube", "Цены за баррель", *CELLS, PULL):
        assert text.lower() not in words.lower(), text

    built = run.build()
    index = run.index()
    episodes = run.episodes()
    assert set(index) == {"version", "source", "generated", "player", "posts"}
    assert (index["version"], index["source"]) == (1, "minval")
    assert index["posts"].keys() == {str(i) for i in ids}
    for post_id, entry in index["posts"].items():
        assert entry["episode"] == episodes[int(post_id)]
        assert entry["audio"].startswith(BASE_URL) and entry["page"].startswith(BASE_URL)
        assert (run.public / entry["audio"].removeprefix(BASE_URL)).stat().st_size > 1000
        assert (run.public / entry["page"].removeprefix(BASE_URL) / "index.html").is_file()
        assert re.fullmatch(r"\d+:\d\d", entry["duration_text"]) and entry["duration"] > 0
        assert entry["show"] and entry["published"].startswith("2026-11-2")
        assert entry["show_title"] == run.settings.show  # what the player shows, not the slug
    rich = index["posts"][str(ids[0])]
    assert rich["title"] == "Правительство одобрило план"
    assert rich["published"] == "2026-11-20T09:00:00+04:00"
    for url in index["player"].values():
        assert (run.public / url.removeprefix(BASE_URL)).is_file()
    assert "wordpress/minval.json" in built.written

    before = (run.public / "wordpress" / "minval.json").read_bytes()
    assert run.sync().outcomes == []
    again = run.build()
    assert "wordpress/minval.json" not in again.written
    assert (run.public / "wordpress" / "minval.json").read_bytes() == before
    (run.public / MANIFEST).unlink()  # every output rendered again: "generated" is kept
    run.build()
    assert (run.public / "wordpress" / "minval.json").read_bytes() == before

    run.settings = dataclasses.replace(run.settings, sources=())  # the source is gone
    assert "wordpress/minval.json" in run.build().removed
    assert not (run.public / "wordpress").exists()


def test_an_edit_keeps_the_guid_and_voices_only_the_changed_sentence(site, tmp_path):
    (post_id,) = site.reset([short("Парламент собрался", "Депутаты пришли рано.",
                                   "Заседание длилось час.", "Решений не было.")])  # fmt: skip
    run = run_for(tmp_path, site)
    run.sync()
    run.build()
    episode = run.episodes()[post_id]
    guid = re.search(r"<guid[^>]*>([^<]+)</guid>", run.feed()).group(1)

    content = site.query(f"SELECT post_content FROM wp_posts WHERE ID = {post_id}")[0]
    site.update(post_id, content=content["post_content"].replace("длилось час", "длилось два часа"))
    report = run.sync()
    assert [o.title for o in report.outcomes] == ["Парламент собрался"]
    assert run.engine.calls == ["Заседание длилось два часа."]
    run.build()
    assert run.episodes()[post_id] == episode
    assert re.findall(r"<guid[^>]*>([^<]+)</guid>", run.feed()) == [guid]


def test_a_trashed_post_leaves_the_feed_and_the_index(site, tmp_path):
    ids = site.reset([short("Первая", "Первый текст."), short("Вторая", "Второй текст.", day=21)])
    run = run_for(tmp_path, site)
    run.sync()
    run.build()
    gone = run.episodes()[ids[0]]
    assert gone in run.feed()
    site.php("wp_trash_post($data);", ids[0])
    report = run.sync()
    assert report.removed == ["Первая"]
    built = run.build()
    assert gone not in run.feed()
    assert run.index()["posts"].keys() == {str(ids[1])}
    assert f"episodes/{gone}/episode.mp3" in built.removed


def test_the_do_not_voice_meta_excludes_and_its_clearing_brings_back(site, tmp_path):
    """A post marked «Не озвучивать» before sync is never voiced; a voiced post marked later
    leaves the feed and the index at the next build; cleared, it comes back without being
    voiced again. Clearing it lifts only WordPress's exclusion: an editor's stands."""
    ids = site.reset([short("Открытая", "Открытый текст."), short("Скрытая", "Тайный текст.")])
    open_id, hidden_id = ids
    set_meta(site, hidden_id, True)
    run = run_for(tmp_path, site)
    report = run.sync()
    assert [o.title for o in report.outcomes] == ["Открытая"]
    assert report.excluded == ["Скрытая"] and "Тайный" not in spoken(run)
    run.build()
    assert run.index()["posts"].keys() == {str(open_id)}

    set_meta(site, open_id, True)
    report = run.sync()
    assert report.outcomes == [] and sorted(report.excluded) == ["Открытая", "Скрытая"]
    run.build()
    episode = run.episodes()[open_id]
    assert run.index()["posts"] == {} and episode not in run.feed()
    state = SyncState(run.settings.episodes_dir / STATE_FILE)
    assert [r.excluded_by for r in state.exclusions().of(episode)] == [ExcludedBy.WORDPRESS]
    state.exclude(episode, None, ExcludedBy.EDITOR, title="Открытая", user="editor")
    state.close()

    set_meta(site, open_id, False)
    run.sync()
    run.build()
    assert episode not in run.feed()  # the editor's exclusion stands
    state = SyncState(run.settings.episodes_dir / STATE_FILE)
    assert [r.excluded_by for r in state.exclusions().of(episode)] == [ExcludedBy.EDITOR]
    state.include(episode, ExcludedBy.EDITOR)
    state.close()
    report = run.sync()
    assert report.outcomes == [] and run.engine.calls == []
    run.build()
    assert episode in run.feed()
    assert run.index()["posts"][str(open_id)]["episode"] == episode

    set_meta(site, hidden_id, False)
    report = run.sync()
    assert [o.title for o in report.outcomes] == ["Скрытая"] and "Тайный текст" in spoken(run)
    run.build()
    assert run.index()["posts"].keys() == {str(open_id), str(hidden_id)}


def test_a_feed_source_reads_every_page_of_wordpress_rss(site, tmp_path):
    """posts_per_rss = 2 and five posts: the feed source reads /feed/, ?paged=2 and 3 and
    stops at WordPress's 404 for page 4; max_pages still bounds it."""
    titles = [f"Лента номер {n}" for n in range(1, 6)]
    site.reset([short(t, f"Текст ленты {n}.", day=20 + n) for n, t in enumerate(titles)])
    site.php("update_option('posts_per_rss', 2);")
    try:
        settings = make_settings(tmp_path)
        feed = SiteSource("rss", "feed", site.url + "/feed/", max_pages=5)
        listing = read_source(feed, settings)
        assert sorted(i.article.title for i in listing.articles) == sorted(titles)
        assert not listing.problems and not listing.gaps
        modified = {i.article.title: i.modified for i in listing.articles}
        # removals are judged by the first page alone (its two newest items)
        assert listing.would_list(modified[titles[-2]])
        assert not listing.would_list(modified[titles[-3]])
        with pytest.raises(urllib.error.HTTPError) as past_the_last:
            urllib.request.urlopen(site.url + "/feed/?paged=4", timeout=30)
        assert past_the_last.value.code == 404
        two = read_source(dataclasses.replace(feed, max_pages=2), settings)
        assert [i.article.title for i in two.articles] == titles[::-1][:4]
    finally:
        site.php("update_option('posts_per_rss', 10);")

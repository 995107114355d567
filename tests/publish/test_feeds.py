"""The feeds as podcast apps read them: two real client parsers (gPodder's podcastparser and
feedparser), the Podcasting 2.0 tags by XPath, and the rules a strict feed validator applies."""

from __future__ import annotations

import dataclasses
import email.utils
import json
import re
import uuid
from datetime import datetime

import feedparser
import podcastparser
import pytest
from lxml import etree

from audiocast.config import Show
from audiocast.errors import ConfigError
from audiocast.publish.build import build
from audiocast.publish.feeds import APPLE_CATEGORIES
from audiocast.publish.podcast20 import (
    PODCAST_NS,
    Podcast20EntryExtension,
    Podcast20Extension,
    podcast_guid,
)
from tests.publish.conftest import BASE_URL, SHOWS, synthetic_settings, write_episode

NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "atom": "http://www.w3.org/2005/Atom",
    "podcast": PODCAST_NS,
}


def stored_episodes(settings) -> dict[str, dict]:
    """episode.json of every stored episode, by GUID: what the feeds must agree with."""
    infos = (json.loads(p.read_text("utf-8")) for p in settings.episodes_dir.glob("*/episode.json"))
    return {info["guid"]: info for info in infos}


def public_file(settings, url: str):
    assert url.startswith(BASE_URL), url
    return settings.public_dir / url.removeprefix(BASE_URL)


def feed_path(settings, slug: str):
    return settings.public_dir / slug / "feed.xml"


def members(settings, show: Show) -> list[dict]:
    episodes = [e for e in stored_episodes(settings).values() if show.includes(e["category"])]
    return sorted(episodes, key=lambda e: e["published"], reverse=True)


@pytest.mark.parametrize("show", SHOWS, ids=lambda s: s.slug)
def test_podcastparser_reads_every_episode_as_stored(real_site, show):
    path = feed_path(real_site, show.slug)
    with path.open("rb") as stream:
        parsed = podcastparser.parse(BASE_URL + f"{show.slug}/feed.xml", stream)
    expected = members(real_site, show)
    assert parsed["title"] == show.title
    assert parsed["cover_url"].startswith(BASE_URL + "covers/")
    assert public_file(real_site, parsed["cover_url"]).is_file()
    assert [e["title"] for e in parsed["episodes"]] == [e["title"] for e in expected]
    for episode, info in zip(parsed["episodes"], expected, strict=True):
        assert episode["guid"] == info["guid"]
        assert episode["total_time"] == round(info["duration"])
        (enclosure,) = episode["enclosures"]
        assert enclosure["mime_type"] == "audio/mpeg"
        audio = public_file(real_site, enclosure["url"])
        assert enclosure["file_size"] == audio.stat().st_size == info["audio_bytes"]
        assert audio.read_bytes()[:3] == b"ID3"  # the tagged MP3 itself
        # read only because the podcast prefix is bound to the address podcastparser knows
        assert (
            public_file(real_site, episode["transcript_url"])
            .read_text("utf-8")
            .startswith("WEBVTT")
        )
        chapters = json.loads(public_file(real_site, episode["chapters_json_url"]).read_text())
        assert [c["title"] for c in chapters["chapters"]] == [c["title"] for c in info["chapters"]]


@pytest.mark.parametrize("show", SHOWS, ids=lambda s: s.slug)
def test_feedparser_reads_the_same(real_site, show):
    parsed = feedparser.parse(feed_path(real_site, show.slug).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    assert parsed.feed.title == show.title
    assert parsed.feed.link == BASE_URL + f"{show.slug}/"
    assert parsed.feed.language == show.language
    # feedparser predates Apple's true/false and maps only "yes" to True: not explicit either way
    assert not parsed.feed.itunes_explicit
    assert parsed.feed.podcast_guid == podcast_guid(BASE_URL + f"{show.slug}/feed.xml")
    assert parsed.feed.author_detail.email == show.owner_email
    expected = members(real_site, show)
    assert [e.title for e in parsed.entries] == [e["title"] for e in expected]
    for entry, info in zip(parsed.entries, expected, strict=True):
        assert entry.id == info["guid"] and entry.guidislink is False
        assert entry.itunes_duration == str(round(info["duration"]))
        assert entry.link == BASE_URL + f"episodes/{info['episode_id']}/"
        (enclosure,) = entry.enclosures
        assert enclosure.type == "audio/mpeg"
        assert int(enclosure.length) == public_file(real_site, enclosure.href).stat().st_size
        published = email.utils.parsedate_to_datetime(entry.published)
        stored = datetime.fromisoformat(info["published"]).replace(microsecond=0)
        assert published.isoformat() == stored.isoformat()  # the article's own offset kept


def test_podcasting20_tags(real_site):
    show = SHOWS[0]
    root = etree.parse(str(feed_path(real_site, show.slug)))
    feed_url = BASE_URL + "politika/feed.xml"
    assert root.xpath("string(/rss/channel/podcast:guid)", namespaces=NS) == str(
        uuid.uuid5(uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"), feed_url[8:])
    )
    (locked,) = root.xpath("/rss/channel/podcast:locked", namespaces=NS)
    assert (locked.text, locked.get("owner")) == ("yes", show.owner_email)
    items = root.xpath("/rss/channel/item")
    assert len(items) == len(members(real_site, show))
    for item in items:
        (transcript,) = item.xpath("podcast:transcript", namespaces=NS)
        assert transcript.get("type") == "text/vtt"
        assert transcript.get("rel") == "captions" and transcript.get("language") == "ru"
        assert public_file(real_site, transcript.get("url")).is_file()
        (chapters,) = item.xpath("podcast:chapters", namespaces=NS)
        assert chapters.get("type") == "application/json+chapters"
        document = json.loads(public_file(real_site, chapters.get("url")).read_text("utf-8"))
        assert document["version"] == "1.2.0" and document["chapters"]


def test_podcast_guid_follows_the_specification():
    # the worked example of the Podcasting 2.0 specification
    expected = "9b024349-ccf0-5f69-a609-6b82873eab3c"
    assert podcast_guid("https://podnews.net/rss") == expected
    assert podcast_guid("http://podnews.net/rss/") == expected


def test_show_guid_setting_wins(tmp_path):
    chosen = "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    settings = synthetic_settings(tmp_path, shows=(dataclasses.replace(SHOWS[0], guid=chosen),))
    write_episode(settings.episodes_dir, 1)
    build(settings)
    root = etree.parse(str(feed_path(settings, "politika")))
    assert root.xpath("string(//podcast:guid)", namespaces=NS) == chosen


@pytest.mark.parametrize("show", SHOWS, ids=lambda s: s.slug)
def test_feed_passes_a_strict_validators_rules(real_site, show):
    """What the W3C feed validator checks for an RSS 2.0 + iTunes feed, as errors or warnings."""
    raw = feed_path(real_site, show.slug).read_bytes()
    assert raw.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    channel = etree.fromstring(raw).find("channel")

    def one(parent, path):
        found = parent.xpath(path, namespaces=NS)
        assert len(found) == 1, f"{path}: {len(found)} found"
        return found[0]

    assert one(channel, "itunes:explicit").text in ("true", "false")
    category = one(channel, "itunes:category")
    assert category.get("text") in APPLE_CATEGORIES
    for sub in category.xpath("itunes:category", namespaces=NS):
        assert sub.get("text") in APPLE_CATEGORIES[category.get("text")]
    assert re.match(r"^https://\S+\.(jpg|png)$", one(channel, "itunes:image").get("href"))
    assert "@" in one(channel, "itunes:owner/itunes:email").text
    assert one(channel, "itunes:type").text == "episodic"
    self_link = one(channel, "atom:link[@rel='self']")
    assert self_link.get("href") == BASE_URL + f"{show.slug}/feed.xml"
    assert self_link.get("type") == "application/rss+xml"
    for name in ("title", "link", "description", "language", "generator", "lastBuildDate"):
        assert one(channel, name).text.strip()
    assert one(channel, "generator").text == "audiocast"
    dates = []
    guids = []
    for item in channel.findall("item"):
        guid = one(item, "guid")
        assert guid.get("isPermaLink") == "false"
        guids.append(guid.text)
        dates.append(_rfc822(one(item, "pubDate").text))
        enclosure = one(item, "enclosure")
        assert enclosure.get("type") == "audio/mpeg" and enclosure.get("url").endswith(".mp3")
        assert int(enclosure.get("length")) > 0
        assert re.fullmatch(r"\d+", one(item, "itunes:duration").text)
        assert one(item, "itunes:episodeType").text == "full"
        for name in ("title", "description", "link"):
            assert one(item, name).text.strip()
    assert len(set(guids)) == len(guids) > 0
    assert dates == sorted(dates, reverse=True)
    assert _rfc822(one(channel, "lastBuildDate").text) == dates[0]


def _rfc822(text: str):
    """An RFC 822 date with the right day of the week (the validator checks it too)."""
    parsed = email.utils.parsedate_to_datetime(text)
    assert parsed.tzinfo is not None, text
    assert text.startswith(parsed.strftime("%a, ")), f"{text}: wrong day of the week"
    return parsed


def test_feed_bytes_do_not_depend_on_when_or_where_it_is_built(real_site, tmp_path):
    again = dataclasses.replace(real_site, public_dir=tmp_path / "public")
    build(again)
    for show in SHOWS:
        assert (
            feed_path(again, show.slug).read_bytes() == feed_path(real_site, show.slug).read_bytes()
        )


def test_feed_keeps_the_newest_feed_limit_episodes(tmp_path):
    settings = synthetic_settings(tmp_path, feed_limit=10, page_size=10)
    for number in range(1, 26):
        write_episode(settings.episodes_dir, number, audio=b"ID3" + b"x" * number)
    build(settings)
    parsed = feedparser.parse(feed_path(settings, "politika").read_bytes())
    assert [e.title for e in parsed.entries] == [f"Выпуск номер {n}" for n in range(25, 15, -1)]
    assert [int(e.enclosures[0].length) - 3 for e in parsed.entries] == list(range(25, 15, -1))
    # the pages list every one of them
    listed = "".join(
        p.read_text("utf-8") for p in (settings.public_dir / "politika").rglob("index.html")
    )
    assert all(f"Выпуск номер {n}<" in listed for n in range(1, 26))


def test_a_show_without_episodes_has_a_valid_feed_without_a_build_date(tmp_path):
    empty = dataclasses.replace(SHOWS[1], categories=("Спорт",))
    settings = synthetic_settings(tmp_path, shows=(SHOWS[0], empty))
    write_episode(settings.episodes_dir, 1)
    build(settings)
    with feed_path(settings, "economy").open("rb") as stream:
        parsed = podcastparser.parse(BASE_URL + "economy/feed.xml", stream)
    assert parsed["title"] == empty.title and parsed["episodes"] == []
    channel = etree.parse(str(feed_path(settings, "economy"))).getroot().find("channel")
    assert channel.find("lastBuildDate") is None
    assert channel.find("item") is None


def test_bad_show_values_are_refused_all_at_once(tmp_path):
    bad = dataclasses.replace(
        SHOWS[0], category="Politics", language="Russian", owner_email="nobody", guid="x"
    )
    settings = synthetic_settings(tmp_path, shows=(bad,), base_url="podcasts.example.com")
    with pytest.raises(ConfigError) as raised:
        build(settings)
    message = str(raised.value)
    for expected in ("category 'Politics'", "language 'Russian'", "owner_email 'nobody'",
                     "guid 'x'", "base_url"):  # fmt: skip
        assert expected in message
    assert not settings.public_dir.exists()


def test_a_show_without_owner_email_is_warned_about(tmp_path):
    settings = synthetic_settings(tmp_path, shows=(dataclasses.replace(SHOWS[0], owner_email=""),))
    write_episode(settings.episodes_dir, 1)
    report = build(settings)
    assert any("owner_email is not set" in w for w in report.warnings)
    root = etree.parse(str(feed_path(settings, "politika")))
    assert root.xpath("//itunes:owner", namespaces=NS) == []
    assert root.xpath("string(//podcast:locked)", namespaces=NS) == "no"


def test_the_extension_raises_on_bad_values_instead_of_keeping_them():
    entry = Podcast20EntryExtension()
    with pytest.raises(ValueError, match="MIME type"):
        entry.transcript("https://example.com/t.vtt", "vtt")
    with pytest.raises(ValueError, match="absolute"):
        entry.chapters("chapters.json")
    with pytest.raises(ValueError, match="UUID"):
        Podcast20Extension().guid("not-a-uuid")
    rss = etree.fromstring(b"<rss><channel/></rss>")
    feed = Podcast20Extension()
    feed.locked(False)
    feed.extend_rss(rss)
    (locked,) = rss[0]
    assert (locked.tag, locked.text, locked.get("owner")) == (f"{{{PODCAST_NS}}}locked", "no", None)

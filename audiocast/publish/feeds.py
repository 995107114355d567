"""A show's podcast RSS feed, made with feedgen: RSS 2.0, the iTunes tags as Apple documents
them today, an atom:link rel="self" and the Podcasting 2.0 tags (see podcast20.py).

Output is byte-stable: lastBuildDate is the newest episode's date (feedgen would stamp the
current time), the generator is "audiocast", and entries are appended in the order given
(feedgen would put each new one first).
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator
from lxml import etree

from audiocast.config import Show
from audiocast.episode import store as store_files
from audiocast.publish.catalogue import PublishedEpisode
from audiocast.publish.layout import Layout
from audiocast.publish.podcast20 import (
    ItunesExplicitExtension,
    Podcast20EntryExtension,
    Podcast20Extension,
    podcast_guid,
)

GENERATOR = "audiocast"
AUDIO_TYPE = "audio/mpeg"
TRANSCRIPT_TYPE = "text/vtt"

# Apple Podcasts categories and their subcategories, as Apple lists them today
APPLE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "Arts": ("Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"),
    "Business": (
        "Careers", "Entrepreneurship", "Investing", "Management", "Marketing", "Non-Profit",
    ),
    "Comedy": ("Comedy Interviews", "Improv", "Stand-Up"),
    "Education": ("Courses", "How To", "Language Learning", "Self-Improvement"),
    "Fiction": ("Comedy Fiction", "Drama", "Science Fiction"),
    "Government": (),
    "History": (),
    "Health & Fitness": (
        "Alternative Health", "Fitness", "Medicine", "Mental Health", "Nutrition", "Sexuality",
    ),
    "Kids & Family": ("Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"),
    "Leisure": (
        "Animation & Manga", "Automotive", "Aviation", "Crafts", "Games", "Hobbies",
        "Home & Garden", "Video Games",
    ),
    "Music": ("Music Commentary", "Music History", "Music Interviews"),
    "News": (
        "Business News", "Daily News", "Entertainment News", "News Commentary", "Politics",
        "Sports News", "Tech News",
    ),
    "Religion & Spirituality": (
        "Buddhism", "Christianity", "Hinduism", "Islam", "Judaism", "Religion", "Spirituality",
    ),
    "Science": (
        "Astronomy", "Chemistry", "Earth Sciences", "Life Sciences", "Mathematics",
        "Natural Sciences", "Nature", "Physics", "Social Sciences",
    ),
    "Society & Culture": (
        "Documentary", "Personal Journals", "Philosophy", "Places & Travel", "Relationships",
    ),
    "Sports": (
        "Baseball", "Basketball", "Cricket", "Fantasy Sports", "Football", "Golf", "Hockey",
        "Rugby", "Running", "Soccer", "Swimming", "Tennis", "Volleyball", "Wilderness",
        "Wrestling",
    ),
    "Technology": (),
    "True Crime": (),
    "TV & Film": ("After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"),
}  # fmt: skip
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*\Z")  # \Z: `$` lets a final \n by
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+\Z")


def check_show(show: Show) -> list[str]:
    """Values a podcast directory would refuse, checked here: feedgen keeps some bad values
    quietly (its itunes_image setter builds a ValueError and drops it)."""
    where = f"shows[{show.slug}]"
    problems = []
    if show.category not in APPLE_CATEGORIES:
        problems.append(
            f"{where}: category {show.category!r} is not an Apple Podcasts category "
            f"(one of: {', '.join(APPLE_CATEGORIES)})"
        )
    elif show.subcategory and show.subcategory not in APPLE_CATEGORIES[show.category]:
        allowed = ", ".join(APPLE_CATEGORIES[show.category]) or "none"
        problems.append(
            f"{where}: subcategory {show.subcategory!r} is not one of {show.category!r} "
            f"(allowed: {allowed}; or leave it empty)"
        )
    if not _LANGUAGE.match(show.language):
        problems.append(f"{where}: language {show.language!r} is not a language code like 'ru'")
    if show.owner_email and not _EMAIL.match(show.owner_email):
        problems.append(f"{where}: owner_email {show.owner_email!r} is not an e-mail address")
    if show.guid:
        try:
            uuid.UUID(show.guid)
        except ValueError:
            problems.append(f"{where}: guid {show.guid!r} is not a UUID")
    return problems


def show_warnings(show: Show) -> list[str]:
    """What a feed validator would warn about that only the site's settings can fix."""
    if show.owner_email:
        return []
    return [
        f"shows[{show.slug}]: owner_email is not set, so the feed has no itunes:owner; "
        "Apple Podcasts wants one and feed validators warn"
    ]


def base_url_warnings(base_url: str, configured: bool) -> list[str]:
    """A base_url on this machine (the default, http://localhost:8000/, when audiocast.toml
    sets none) makes feeds for a local preview: copied to a server, every enclosure, link and
    image in them still points at the machine of whoever listens, and no podcast app plays it."""
    host = (urlsplit(base_url).hostname or "").lower()
    try:
        local = ipaddress.ip_address(host).is_loopback or ipaddress.ip_address(host).is_unspecified
    except ValueError:
        local = host == "localhost" or host.endswith(".localhost")
    if not local:
        return []
    where = f"base_url is {base_url}" if configured else "base_url is not set in audiocast.toml"
    return [
        f"{where}: every URL in the feeds is {base_url}…, so they are a local preview "
        "(audiocast serve) that no podcast app can use from a server; set base_url to the "
        "address public/ is served from, e.g. https://podcasts.example.com/"
    ]


def feed_xml(
    show: Show, episodes: list[PublishedEpisode], layout: Layout, cover_path: str
) -> bytes:
    """The RSS feed of SHOW with EPISODES (newest first), as UTF-8 XML bytes."""
    feed_url = layout.absolute(Layout.feed(show.slug))
    generator = _channel(show, layout, feed_url, layout.absolute(cover_path))
    for episode in episodes:
        _item(generator.add_entry(order="append"), episode, layout)
    if episodes:
        generator.lastBuildDate(episodes[0].published)
        return generator.rss_str(pretty=True)
    # feedgen cannot leave lastBuildDate out; an empty show has no date to give it
    root = etree.fromstring(generator.rss_str())
    root[0].remove(root[0].find("lastBuildDate"))
    etree.indent(root, space="  ")
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)


def _channel(show: Show, layout: Layout, feed_url: str, cover_url: str) -> FeedGenerator:
    if not cover_url.endswith((".jpg", ".png")):
        raise ValueError(f"itunes:image must end in .jpg or .png, got {cover_url!r}")
    generator = FeedGenerator()
    generator.load_extension("podcast")
    generator.register_extension("podcast20", Podcast20Extension, Podcast20EntryExtension)
    generator.register_extension("itunes_explicit", ItunesExplicitExtension, None)
    generator.title(show.title)
    # feedgen makes the last link the RSS <link>: the self link must come first
    generator.link(href=feed_url, rel="self", type="application/rss+xml")
    generator.link(href=layout.absolute(Layout.show_page(show.slug)), rel="alternate")
    generator.description(show.description or show.title)
    generator.language(show.language)
    generator.generator(GENERATOR)
    podcast = generator.podcast
    podcast.itunes_author(show.author or show.title)
    if show.owner_email:
        owner = show.owner_name or show.author or show.title
        podcast.itunes_owner(name=owner, email=show.owner_email)
    category = {"cat": show.category}
    if show.subcategory:
        category["sub"] = show.subcategory
    podcast.itunes_category(category)
    podcast.itunes_image(cover_url)
    podcast.itunes_type("episodic")
    generator.itunes_explicit.explicit(show.explicit)
    generator.podcast20.guid(show.guid or podcast_guid(feed_url))
    # locked: other platforms may not import the feed unless its owner confirms by e-mail
    generator.podcast20.locked(bool(show.owner_email), show.owner_email)
    return generator


def _item(entry, episode: PublishedEpisode, layout: Layout) -> None:
    def url(name: str) -> str:
        return layout.absolute(Layout.episode_file(episode.episode_id, name))

    entry.title(episode.title)
    entry.link(href=layout.absolute(Layout.episode_page(episode.episode_id)))
    entry.description(episode.description or episode.title)
    entry.guid(episode.guid, permalink=False)
    entry.pubDate(episode.published)
    entry.enclosure(url(store_files.AUDIO_FILE), str(episode.audio_bytes), AUDIO_TYPE)
    entry.podcast.itunes_duration(round(episode.duration))
    entry.podcast.itunes_episode_type("full")
    if episode.author:
        entry.podcast.itunes_author(episode.author)
    if episode.has_transcript:
        transcript = url(store_files.TRANSCRIPT_FILE)
        entry.podcast20.transcript(transcript, TRANSCRIPT_TYPE, episode.language, "captions")
    if episode.has_chapters:
        entry.podcast20.chapters(url(store_files.CHAPTERS_FILE))

"""feedgen extensions for what feedgen lacks: Podcasting 2.0 tags, and itunes:explicit as Apple
documents it today (true/false; feedgen's podcast extension only writes yes/no/clean).

Modelled on feedgen/ext/podcast.py and podcast_entry.py: setters keep values, extend_rss()
writes them into the channel or item. Unlike feedgen's own extension, every setter raises on a
bad value instead of keeping it quietly.

The `podcast` prefix is bound to the namespace's GitHub address, not to the canonical
https://podcastindex.org/namespace/1.0: the namespace's own specification obliges every client
that knows the canonical address to accept the GitHub one too, while gPodder's podcastparser
reads podcast:transcript and podcast:chapters only under the GitHub one. One binding, read by
both kinds of client, and no tag written twice.
"""

from __future__ import annotations

import re
import uuid

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.util import xml_elem

PODCAST_NS = "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
# the Podcasting 2.0 specification's namespace for podcast:guid (uuidv5 of the feed URL)
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
CHAPTERS_TYPE = "application/json+chapters"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def podcast_guid(feed_url: str) -> str:
    """podcast:guid as the specification derives it: the feed URL without scheme and trailing
    slashes, as a uuidv5 in the Podcast Index namespace."""
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, _SCHEME.sub("", feed_url).rstrip("/")))


def _check_url(value: str, what: str) -> str:
    if not re.fullmatch(r"https?://\S+", value):
        raise ValueError(f"{what} must be an absolute http(s) URL, got {value!r}")
    return value


class Podcast20Extension(BaseExtension):
    """Channel tags: podcast:guid and podcast:locked."""

    def __init__(self) -> None:
        self._guid: str | None = None
        self._locked: tuple[bool, str] | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def extend_rss(self, rss_feed):
        channel = rss_feed[0]
        if self._locked is not None:
            locked, owner = self._locked
            element = xml_elem(f"{{{PODCAST_NS}}}locked", channel)
            element.text = "yes" if locked else "no"
            if owner:
                element.attrib["owner"] = owner
        if self._guid is not None:
            xml_elem(f"{{{PODCAST_NS}}}guid", channel).text = self._guid
        return rss_feed

    def guid(self, value: str) -> str:
        try:
            self._guid = str(uuid.UUID(value))
        except ValueError as exc:
            raise ValueError(f"podcast:guid must be a UUID, got {value!r}") from exc
        return self._guid

    def locked(self, locked: bool, owner: str = "") -> None:
        """Whether other platforms may import the feed; OWNER is the e-mail that can unlock it."""
        if owner and "@" not in owner:
            raise ValueError(f"podcast:locked owner must be an e-mail address, got {owner!r}")
        self._locked = (bool(locked), owner)


class Podcast20EntryExtension(BaseEntryExtension):
    """Item tags: podcast:transcript and podcast:chapters."""

    def __init__(self) -> None:
        self._transcripts: list[dict[str, str]] = []
        self._chapters: dict[str, str] | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def extend_rss(self, entry):
        for attributes in self._transcripts:
            xml_elem(f"{{{PODCAST_NS}}}transcript", entry, **attributes)
        if self._chapters is not None:
            xml_elem(f"{{{PODCAST_NS}}}chapters", entry, **self._chapters)
        return entry

    def transcript(self, url: str, mime_type: str, language: str = "", rel: str = "") -> None:
        if not re.fullmatch(r"[\w.+-]+/[\w.+-]+", mime_type):
            raise ValueError(f"podcast:transcript type must be a MIME type, got {mime_type!r}")
        if rel not in ("", "captions"):
            raise ValueError(f"podcast:transcript rel can only be 'captions', got {rel!r}")
        attributes = {"url": _check_url(url, "podcast:transcript url"), "type": mime_type}
        if language:
            attributes["language"] = language
        if rel:
            attributes["rel"] = rel
        self._transcripts.append(attributes)

    def chapters(self, url: str) -> None:
        self._chapters = {"url": _check_url(url, "podcast:chapters url"), "type": CHAPTERS_TYPE}


class ItunesExplicitExtension(BaseExtension):
    """<itunes:explicit>true|false</itunes:explicit> on the channel."""

    def __init__(self) -> None:
        self._explicit: bool | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"itunes": ITUNES_NS}

    def extend_rss(self, rss_feed):
        if self._explicit is not None:
            element = xml_elem(f"{{{ITUNES_NS}}}explicit", rss_feed[0])
            element.text = "true" if self._explicit else "false"
        return rss_feed

    def explicit(self, value: bool) -> None:
        if not isinstance(value, bool):
            raise ValueError(f"itunes:explicit must be true or false, got {value!r}")
        self._explicit = value

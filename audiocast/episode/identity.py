"""An episode's GUID and folder name, from what it is made of and never from the time of the
run: an edited article, or the day's edition made again, replaces its episode in place, and
podcast apps see no duplicate."""

from __future__ import annotations

import uuid
from datetime import datetime

from audiocast.config import Edition
from audiocast.model import Article

GUID_NAMESPACE = uuid.UUID("0b7a3c2e-5d1f-4e8a-9c6b-2f4d8e1a7b3c")


def episode_guid(article: Article) -> str:
    """Stable across runs and edits: derived from the article's identity only."""
    return str(uuid.uuid5(GUID_NAMESPACE, article.identity))


def edition_guid(edition: Edition, when: datetime) -> str:
    """One per edition and day: re-making the day's edition replaces it in place."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"edition:{edition.slug}:{when.date().isoformat()}"))


def episode_id(guid: str) -> str:
    """The episode's folder name in the store."""
    return guid.replace("-", "")[:16]

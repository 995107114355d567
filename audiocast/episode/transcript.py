"""WebVTT transcript and Podcasting 2.0 JSON chapters, as text."""

from __future__ import annotations

import html
import json

from audiocast.model import Chapter, Cue


def vtt_timestamp(seconds: float) -> str:
    millis = int(round(seconds * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def webvtt(cues: list[Cue]) -> str:
    """One cue per spoken sentence; the text is what the page shows, not the spoken form."""
    lines = ["WEBVTT", ""]
    for number, cue in enumerate(cues, start=1):
        # cue text is markup in WebVTT: & < > must be escaped; "-->" would end the cue early
        text = html.escape(cue.text.replace("-->", "→"), quote=False)
        lines += [str(number), f"{vtt_timestamp(cue.start)} --> {vtt_timestamp(cue.end)}", text, ""]
    return "\n".join(lines)


def chapters_json(chapters: list[Chapter], title: str) -> str:
    """Podcasting 2.0 JSON chapters (version 1.2.0)."""
    document = {
        "version": "1.2.0",
        "title": title,
        "chapters": [
            {"startTime": round(c.start, 3), "endTime": round(c.end, 3), "title": c.title}
            for c in chapters
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def plain_transcript(cues: list[Cue]) -> str:
    return "\n".join(cue.text for cue in cues)

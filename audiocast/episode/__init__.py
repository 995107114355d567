"""Episode: takes + pauses + jingle → loudness-normalized, tagged MP3 with transcript and
chapters, stored atomically."""

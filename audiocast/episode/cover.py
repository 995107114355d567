"""The show's square cover image: the configured one, or one drawn with Pillow."""

from __future__ import annotations

import hashlib
import io
import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from audiocast.errors import ConfigError
from audiocast.files import write_atomically

COVER_SIZE = 1400  # Apple asks for 1400–3000 px square
_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
)
_BACKGROUND = (18, 44, 84)
_ACCENT = (226, 62, 48)


def cover_jpeg(show: str, configured: Path | None, cache_dir: Path) -> bytes:
    """JPEG bytes of the cover. A drawn cover is kept in CACHE_DIR: it is made once per show."""
    if configured is not None:
        return _configured_cover(configured)
    key = hashlib.sha256(f"{show}|{COVER_SIZE}|v1".encode()).hexdigest()[:16]
    path = cache_dir / "covers" / f"{key}.jpg"
    if path.exists():
        return path.read_bytes()
    data = draw_cover(show)
    write_atomically(path, data)
    return data


def draw_cover(show: str, size: int = COVER_SIZE) -> bytes:
    image = Image.new("RGB", (size, size), _BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, int(size * 0.78), size, int(size * 0.80)), fill=_ACCENT)
    lines = textwrap.wrap(show, width=12) or [show]
    font = _font(int(size * 0.11))
    line_height = int(size * 0.13)
    top = int(size * 0.40) - line_height * len(lines) // 2
    for index, line in enumerate(lines):
        draw.text(
            (size // 2, top + index * line_height), line, font=font, fill="white", anchor="mm"
        )
    badge = _font(int(size * 0.05))
    draw.text((size // 2, int(size * 0.88)), "ПОДКАСТ", font=badge, fill="white", anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def _font(pixels: int):
    for candidate in _FONT_CANDIDATES:
        if Path(candidate).exists():
            return ImageFont.truetype(candidate, pixels)
    return ImageFont.load_default(size=pixels)


def _configured_cover(path: Path) -> bytes:
    try:
        with Image.open(path) as image:
            width, height = image.size
            if width != height or not 1400 <= width <= 3000:
                raise ConfigError(
                    f"cover {path}: {width}×{height}; podcast apps want a square of 1400–3000 px"
                )
            if image.format == "JPEG":
                return path.read_bytes()
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, "JPEG", quality=90)
            return buffer.getvalue()
    except OSError as exc:
        raise ConfigError(f"cover {path}: cannot read image ({exc})") from exc

"""What the screenshot tests share (tests/desk/test_screenshots.py for the desk's images,
tests/wordpress/test_screenshots.py for the plugin's): where the images go, and one image taken
from Chromium, saved small, and checked.

With AUDIOCAST_SCREENSHOTS=<folder> the images go there (a relative folder is taken from the
repository's root): that is how the committed ones under docs/images/ are refreshed. Without it
they go to a temporary folder, and the tests still check each one."""

from __future__ import annotations

import io
import os
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[1]
COLOURS = 128  # a palette PNG: text and a site's few colours need no more


def screenshot_folder(tmp_path_factory) -> Path:
    """The folder AUDIOCAST_SCREENSHOTS names, else a temporary one."""
    named = os.environ.get("AUDIOCAST_SCREENSHOTS", "").strip()
    if not named:
        return tmp_path_factory.mktemp("screenshots")
    path = Path(named) if Path(named).is_absolute() else ROOT / named
    path.mkdir(parents=True, exist_ok=True)
    return path


def shoot(page: Page, folder: Path, name: str, max_bytes: int) -> Image.Image:
    """The viewport as a small palette PNG in FOLDER/NAME.png, checked: a PNG that opens, of
    the viewport's size, under MAX_BYTES (the repository stays light), not blank."""
    page.evaluate("document.activeElement && document.activeElement.blur()")  # no focus ring
    raw = page.screenshot(animations="disabled", caret="hide")
    with Image.open(io.BytesIO(raw)) as shot:
        small = shot.convert("RGB").quantize(COLOURS, method=Image.Quantize.MEDIANCUT)
    path = folder / f"{name}.png"
    small.save(path, format="PNG", optimize=True)
    with Image.open(path) as saved:
        saved.load()
    viewport = page.viewport_size
    assert viewport, "no viewport"
    assert (saved.format, saved.mode) == ("PNG", "P"), (saved.format, saved.mode)
    assert saved.size == (viewport["width"], viewport["height"]), (saved.size, viewport)
    assert path.stat().st_size < max_bytes, (name, path.stat().st_size)
    colours = saved.convert("RGB").getcolors(maxcolors=COLOURS)
    assert colours and len(colours) >= 16, f"{name}: an almost blank image"
    return saved

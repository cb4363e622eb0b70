"""The README's pictures: the meeting page, a company page and a filtered list.

Run by ``make screenshots``, which sets SCREENSHOT_DIR=docs/screenshots; otherwise the
pictures go to a temporary folder, so that the suite checks that they can be taken.
"""

import os
from pathlib import Path

import pytest

from .conftest import DESKTOP, MEETING, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.screenshots]

# Tall pages are cut at this height, so the pictures stay small enough for the repository.
MAX_HEIGHT = 1400
# (file name, page, viewport, the element the picture starts at: None for the top)
SHOTS = [
    ("meeting", MEETING, DESKTOP, None),
    ("meeting-points", MEETING, DESKTOP, "section[aria-labelledby=matrix]"),
    ("meeting-phone", MEETING, PHONE, "section[aria-labelledby=matrix]"),
    ("company", "/companies/chalco/", DESKTOP, None),
    ("commitments-filtered", "/commitments/?company=chalco&company=east-hope-group", DESKTOP, None),
]


@pytest.fixture
def screenshot_dir(tmp_path):
    folder = os.environ.get("SCREENSHOT_DIR")
    return Path(folder) if folder else tmp_path


@pytest.mark.parametrize(("name", "path", "viewport", "start"), SHOTS, ids=[shot[0] for shot in SHOTS])
def test_screenshot(page, site, screenshot_dir, name, path, viewport, start):
    page.set_viewport_size(viewport)
    page.goto(site + path)
    top = 0
    if start:
        top = max(0, page.locator(start).evaluate("e => e.getBoundingClientRect().top + window.scrollY") - 16)
    height = min(page.evaluate("document.documentElement.scrollHeight") - top, MAX_HEIGHT)
    target = screenshot_dir / f"{name}.png"
    page.screenshot(
        path=target,
        full_page=True,
        clip={"x": 0, "y": top, "width": viewport["width"], "height": height},
        animations="disabled",
    )
    assert target.stat().st_size > 10_000

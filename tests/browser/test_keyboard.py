"""Keyboard only: every stop on the way shows where the focus is; the filters and the
language switcher work without a mouse."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import MEETING, PHONE

pytestmark = pytest.mark.browser

FOCUS_RING = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  return {
    element: `${e.tagName.toLowerCase()}#${e.id}.${e.className} ${(e.textContent || "").trim().slice(0, 30)}`,
    visible: outline || style.boxShadow !== "none",
    outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
  };
}"""


def tab_to(page, selector, limit=60):
    """Press Tab until ``selector`` has the focus; every element passed on the way must show
    a focus ring (an outline of 2 px or more, or a box shadow)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_RING)
        assert focused["visible"], f"no visible focus on {focused['element']} ({focused['outline']})"
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} was not reached in {limit} presses of Tab")


def test_the_skip_link_comes_first_and_shows_itself(page, site):
    page.goto(site + "/commitments/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(site + "/commitments/#main")


def test_the_commitment_filters_work_from_the_keyboard(page, site):
    page.goto(site + "/commitments/")
    tab_to(page, "#id_company")
    page.keyboard.press("Home")  # a list box: Home chooses its first company
    expect(page.locator("#id_company")).to_have_values(["chalco"])
    tab_to(page, "#id_status")
    page.keyboard.press("ArrowDown")  # the first status after "---------"
    expect(page.locator("#id_status")).to_have_value("no_record")
    tab_to(page, ".filters button[type=submit]")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"company=chalco.*status=no_record"))
    expect(page.get_by_role("status")).to_have_text("5 commitments")
    expect(page.locator("#id_company")).to_have_values(["chalco"])


def test_the_language_switcher_works_from_the_keyboard(page, site):
    page.goto(site + "/meetings/")
    tab_to(page, "#language-switcher")
    page.keyboard.press("ArrowDown")  # English → 简体中文
    tab_to(page, ".language-switcher button")
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("会议")
    expect(page).to_have_url(site + "/meetings/")

    tab_to(page, "#language-switcher")
    page.keyboard.press("ArrowDown")  # 简体中文 → 繁體中文
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page.get_by_role("heading", level=1)).to_have_text("會議")


def test_on_a_phone_the_pledge_matrix_takes_the_focus_and_scrolls_with_the_arrow_keys(page, site):
    page.set_viewport_size(PHONE)
    page.goto(site + MEETING)
    tab_to(page, ".matrix-scroll", limit=80)
    scroller = page.locator(".matrix-scroll")
    assert scroller.evaluate("e => e.scrollLeft") == 0
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.matrix-scroll').scrollLeft > 0")

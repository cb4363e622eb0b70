"""Phone (375 px) and desktop (1280 px) widths: no page scrolls sideways; the pledge matrix
scrolls inside its box on a phone, with the company column kept in view."""

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, MEETING, PHONE
from .test_accessibility import PUBLIC_PAGES

pytestmark = pytest.mark.browser

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("body *")]
    .filter((e) => !e.closest(".matrix-scroll") && e.getBoundingClientRect().right > width + 1)
    .map((e) => `${e.tagName.toLowerCase()}.${e.className}`);
  return {scrollWidth: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5)};
}"""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_no_page_is_wider_than_the_screen(page, tracked_site, viewport):
    page.set_viewport_size(viewport)
    for path in PUBLIC_PAGES.values():
        page.goto(tracked_site + path)
        found = page.evaluate(OVERFLOW)
        assert found["scrollWidth"] <= found["width"], f"{path} at {viewport['width']} px: {found}"
        assert not found["wide"], f"{path} at {viewport['width']} px: {found}"


def box(locator):
    """The element's left and right edges on the screen."""
    edges = locator.evaluate("e => e.getBoundingClientRect().toJSON()")
    return {"left": edges["left"], "right": edges["right"]}


def test_on_a_phone_the_matrix_scrolls_sideways_with_the_company_column_in_view(page, site):
    page.set_viewport_size(PHONE)
    page.goto(site + MEETING)
    scroller = page.locator(".matrix-scroll")
    sizes = scroller.evaluate("e => ({scroll: e.scrollWidth, client: e.clientWidth})")
    assert sizes["scroll"] > sizes["client"], "the matrix fits a phone, so nothing shows that it scrolls"

    scroller.evaluate("e => e.scrollIntoView({block: 'start'})")
    company = page.get_by_role("rowheader", name="Aluminum Corporation of China Limited")
    point_5 = page.locator(".matrix tbody tr").first.locator("td").last
    expect(point_5).not_to_be_in_viewport()
    before = box(company)

    scroller.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    expect(point_5).to_be_in_viewport()
    after = box(company)
    assert after == before, "the company column moved out of view with the scroll"
    assert box(point_5)["left"] >= before["right"] - 1, "a status cell slid under the company column"


def test_on_a_desktop_the_matrix_fits_without_scrolling(page, site):
    page.set_viewport_size(DESKTOP)
    page.goto(site + MEETING)
    sizes = page.locator(".matrix-scroll").evaluate("e => ({scroll: e.scrollWidth, client: e.clientWidth})")
    assert sizes["scroll"] <= sizes["client"]

"""Printed meeting and commitment pages: the record without the site's controls, rows kept
whole, and the addresses of the sources written out."""

import pytest
from playwright.sync_api import expect

from .conftest import MEETING

pytestmark = pytest.mark.browser


def test_a_printed_meeting_page_leaves_out_the_controls_and_keeps_rows_whole(page, site):
    page.goto(site + MEETING)
    page.emulate_media(media="print")
    for hidden in (".site-header", ".language-switcher", ".site-footer", ".feed-link", ".skip-link"):
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".matrix")).to_be_visible()
    row = page.locator(".matrix tbody tr").first
    assert row.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
    assert page.locator(".commitment").first.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
    # The whole matrix is printed: nothing is left hidden in a scrolling box.
    assert page.locator(".matrix-scroll").evaluate("e => getComputedStyle(e).overflowX") == "visible"
    assert page.locator(".matrix tbody th").first.evaluate("e => getComputedStyle(e).position") == "static"
    assert len(page.pdf(format="A4")) > 10_000


def test_printed_pages_write_out_where_source_links_lead(page, tracked_site):
    page.goto(tracked_site + "/commitments/gallium-symposium-2023/4/")
    link = page.locator(".timeline a[href^='http']").first
    assert link.evaluate("e => getComputedStyle(e, '::after').content") == "none"
    page.emulate_media(media="print")
    after = link.evaluate("e => getComputedStyle(e, '::after').content")
    assert "https://news.example.org/gallium" in after


def test_the_list_pages_print_without_their_filters(page, site):
    page.goto(site + "/commitments/?company=chalco")
    page.emulate_media(media="print")
    expect(page.get_by_role("search", name="Filter this list")).to_be_hidden()
    expect(page.locator(".downloads")).to_be_hidden()
    expect(page.locator("table.list tbody tr")).to_have_count(5)

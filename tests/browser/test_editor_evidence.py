"""An editor signs in, records evidence in the admin, and readers see the new status."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import MEETING

pytestmark = pytest.mark.browser


def choose_in_autocomplete(page, field_id, search, option):
    """Pick ``option`` in the admin's autocomplete box for ``field_id``, by typing ``search``."""
    page.locator(f"#{field_id} + .select2-container .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option).click()
    chosen = page.locator(f"#{field_id} + .select2-container .select2-selection__rendered")
    expect(chosen).to_contain_text(option)


def test_an_editor_adds_evidence_and_the_public_pages_show_the_new_status(
    page, site, admin_signed_in, browser, live_server
):
    from tests.factories import make_source

    make_source(title="鎵業動態", publisher="測試網", url="https://news.example.org/gallium-2025")

    page.get_by_role("link", name="Evidence").first.click()
    page.get_by_role("link", name=re.compile("Add evidence")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add evidence")

    choose_in_autocomplete(page, "id_pledge", "Aluminum comply", "(中國鋁業股份有限公司) pledged")
    page.get_by_label("Observed on:", exact=True).fill("2025-03-01")
    page.get_by_label("Observed on precision").select_option(label="day")
    page.get_by_label("Verdict").select_option(label="not met")
    page.get_by_label("What happened (English)").fill("Test data: a made-up finding for this test only.")
    page.get_by_label("Reason").fill("Test data: the reason for the made-up finding.")
    choose_in_autocomplete(page, "id_source", "鎵業動態", "鎵業動態")
    page.get_by_label("Quote").fill("測試原文。")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")

    # A reader, who is not signed in, sees the new status at once.
    reader = browser.new_context().new_page()
    reader.goto(site + "/companies/chalco/")
    point_4 = reader.locator("ol.pledges > li", has_text="Point 4")
    expect(point_4.locator(".status")).to_have_text("not met")
    expect(point_4).to_contain_text("as of 2025-03-01")
    reader.goto(site + MEETING)
    row = reader.get_by_role("row", name=re.compile("^Aluminum Corporation of China Limited"))
    expect(row.get_by_role("cell").nth(3)).to_have_text("not met")
    expect(reader.locator(".matrix .status--not_met")).to_have_count(1)
    reader.context.close()

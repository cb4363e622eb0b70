"""A reader finds a company's pledges from the home page and downloads them."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from .conftest import MEETING

pytestmark = pytest.mark.browser


def test_a_reader_goes_from_home_to_a_companys_pledges_and_downloads_them(page, site):
    page.goto(site + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Who agreed to what")

    page.get_by_role("link", name="鎵產業高質量發展專題座談會").first.click()
    expect(page).to_have_url(site + MEETING)
    expect(page.get_by_role("heading", level=1)).to_have_text("鎵產業高質量發展專題座談會")
    matrix = page.get_by_role("region", name=re.compile("Each cell is a company"))
    expect(matrix.get_by_role("row")).to_have_count(8)  # the header and seven companies

    matrix.get_by_role("link", name="Aluminum Corporation of China Limited").click()
    expect(page).to_have_url(site + "/companies/chalco/")
    expect(page.get_by_role("heading", name="Pledges (5)")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Commitments").click()
    expect(page).to_have_url(site + "/commitments/")
    filters = page.get_by_role("search", name="Filter this list")
    chalco = "Aluminum Corporation of China Limited (中國鋁業股份有限公司)"
    filters.get_by_label("Pledged by").select_option(label=chalco)
    filters.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"/commitments/\?(.*&)?company=chalco(&|$)"))
    expect(page.get_by_role("status")).to_have_text("5 commitments")
    expect(page.locator("table.list tbody tr")).to_have_count(5)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV (for spreadsheets)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(io.StringIO(file.read())))
    assert len(rows) == 5
    assert {row["organization_slug"] for row in rows} == {"chalco"}
    assert [int(row["commitment_number"]) for row in rows] == [1, 2, 3, 4, 5]
    assert {row["meeting_slug"] for row in rows} == {"gallium-symposium-2023"}
    assert rows[3]["heading"] == "嚴格遵守國家法規,積極爭取政策支持"

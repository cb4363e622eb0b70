"""The header's language switcher: 简体中文, 繁體中文 and back, staying on the same page."""

import pytest
from playwright.sync_api import expect

from .conftest import MEETING

pytestmark = pytest.mark.browser

# (option, its value, <html lang>, the main navigation, its first link, the switcher's label)
LANGUAGES = [
    ("简体中文", "zh-hans", "zh-Hans", "主导航", "会议", "语言"),
    ("繁體中文", "zh-hant", "zh-Hant", "主要導覽", "會議", "語言"),
    ("English", "en", "en", "Main", "Meetings", "Language"),
]


def test_the_switcher_changes_the_language_and_keeps_the_page_and_its_filters(page, site):
    page.goto(site + MEETING)
    for option, value, lang, nav_name, meetings, label in LANGUAGES:
        page.locator(".language-switcher select").select_option(label=option)
        page.locator(".language-switcher button").click()
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page).to_have_url(site + MEETING)
        nav = page.get_by_role("navigation", name=nav_name)
        expect(nav.get_by_role("link").first).to_have_text(meetings)
        expect(page.get_by_label(label)).to_have_value(value)

    page.goto(site + "/commitments/?company=chalco")
    page.locator(".language-switcher select").select_option(label="繁體中文")
    page.locator(".language-switcher button").click()
    expect(page).to_have_url(site + "/commitments/?company=chalco")
    expect(page.get_by_role("status")).to_have_text("5 條承諾")


def test_simplified_pages_show_traditional_originals_converted_and_marked(page, site, choose_language):
    choose_language("zh-hans")
    page.goto(site + MEETING)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("镓产业高质量发展专题座谈会")
    expect(heading).to_have_attribute("lang", "zh-Hans")
    page.get_by_role("link", name="查看原文").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("鎵產業高質量發展專題座談會")

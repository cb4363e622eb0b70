"""axe-core finds no violation on any public page, in every interface language, nor on the
admin screens this project adds or changes."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings

from .conftest import MEETING

pytestmark = pytest.mark.browser

PUBLIC_PAGES = {
    "home": "/",
    "meeting list": "/meetings/",
    "meeting list, filtered": "/meetings/?company=chalco&year=2023",
    "meeting": MEETING,
    "meeting, originals exactly as printed": MEETING + "?original=1",
    "meeting changes": MEETING + "changes/",
    "company list": "/companies/",
    "company": "/companies/chalco/",
    "organization": "/organizations/cnia/",
    "commitment list": "/commitments/",
    "commitment list, filtered": "/commitments/?company=chalco&company=east-hope-group&status=fulfilled",
    "commitment list, a filter naming nothing": "/commitments/?company=no-such-company",
    "commitment": "/commitments/gallium-symposium-2023/4/",
    "commitment with an overdue item": "/commitments/gallium-symposium-2023/3/",
    "not found": "/no-such-page/",
}
LANGUAGES = ["en", "zh-hans", "zh-hant"]
HTML_LANG = {"en": "en", "zh-hans": "zh-Hans", "zh-hant": "zh-Hant"}
ADMIN_PAGES = {
    "admin index": "/admin/",
    "meeting changelist": "/admin/meetings/meeting/",
    "meeting change form": None,  # the founding meeting's page, found by its id
    "new meeting from article": "/admin/meetings/meeting/from-article/",
    "new meeting from article, the draft": "/admin/meetings/meeting/from-article/",
}
ARTICLE = settings.BASE_DIR / "tests" / "data" / "gallium-symposium-2023.txt"


def violations(page):
    """axe-core's violations on the page, as readable lines (empty when there are none)."""
    # No preload: axe-core would copy the page's stylesheets into <style> elements of its own,
    # which the Content-Security-Policy refuses (its one rule that reads them, orientation
    # locking, does not apply: no page locks the orientation).
    results = Axe().run(page, options={"resultTypes": ["violations"], "preload": False})
    lines = []
    for violation in results.response["violations"]:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:40]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary'].splitlines()[-1].strip()}")
    return lines


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_public_page_has_axe_violations(page, tracked_site, choose_language, language):
    """Every page in one test per language (loading the data once); the report names each
    page's violations, and ``pytest -rP`` prints the count for every page."""
    choose_language(language)
    found = {}
    for name, path in PUBLIC_PAGES.items():
        response = page.goto(tracked_site + path)
        assert response.status == (404 if path == "/no-such-page/" else 200), path
        assert page.get_attribute("html", "lang") == HTML_LANG[language], path
        where = f"{name} ({path})"
        found[where] = violations(page)
        print(f"axe-core, {language}, {where}: {len(found[where])} violations")
    failing = {page_name: lines for page_name, lines in found.items() if lines}
    assert not failing, f"axe-core in {language}:\n" + "\n".join(
        f"{page_name}:\n  " + "\n  ".join(lines) for page_name, lines in failing.items()
    )


@pytest.mark.parametrize("name", ADMIN_PAGES.keys())
def test_admin_screen_has_no_axe_violations(page, tracked_site, admin_signed_in, founding_record, name):
    path = ADMIN_PAGES[name] or f"/admin/meetings/meeting/{founding_record.pk}/change/"
    response = page.goto(tracked_site + path)
    assert response.status == 200
    if name.endswith("the draft"):
        page.get_by_label("Paste the article").fill(ARTICLE.read_text(encoding="utf-8"))
        page.get_by_role("button", name="Read the article").click()
        page.get_by_role("heading", name="The draft").wait_for()
    found = violations(page)
    print(f"axe-core, admin, {name}: {len(found)} violations")
    assert not found, f"axe-core on {name}:\n" + "\n".join(found)

"""The admin's tables of forms name every box for screen readers (their column headers are
not <label>s), so that the browser checks in tests/browser/ find no unnamed field."""

import re

from meetings.models import Meeting
from tests.test_admin import admin_url
from tests.test_admin_from_article import SEED, paste


def boxes(html, prefix):
    """The visible <input>, <select> and <textarea> tags of the rows named ``prefix-N-…``."""
    tags = re.findall(rf'<(?:input|select|textarea)\b[^>]*name="{prefix}-\d+-[^"]*"[^>]*>', html)
    return [tag for tag in tags if 'type="hidden"' not in tag]


def test_every_box_of_the_meeting_forms_inline_rows_has_its_columns_name(editor_client, founding_record):
    html = editor_client.get(admin_url(Meeting, "change", founding_record.pk)).content.decode()
    for prefix in ("participations", "attendances", "source_links"):
        found = boxes(html, prefix)
        assert found, prefix
        unnamed = [tag for tag in found if "aria-label=" not in tag]
        assert not unnamed, unnamed
    assert re.search(r'<select[^>]*name="participations-0-organization"[^>]*aria-label="Organization"', html)
    assert re.search(r'<input[^>]*name="participations-0-DELETE"[^>]*aria-label="Delete"', html)


def test_every_box_of_the_article_reviews_people_and_points_has_its_columns_name(editor_client):
    html = paste(editor_client, SEED.read_text(encoding="utf-8")).content.decode()
    for prefix in ("people", "points"):
        found = boxes(html, prefix)
        assert found, prefix
        unnamed = [tag for tag in found if "aria-label=" not in tag]
        assert not unnamed, unnamed
    assert re.search(r'<textarea[^>]*name="points-0-heading"[^>]*aria-label="Heading \(original\)"', html)
    assert 'class="article-text" lang="zh" tabindex="0" role="region"' in html


def test_the_admin_pages_load_the_accessibility_fixes(editor_client):
    html = editor_client.get("/admin/").content.decode()
    assert "css/admin.css" in html
    assert "js/admin-a11y.js" in html

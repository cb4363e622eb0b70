"""Filters whose choices are too many for a <select> become text boxes for slugs."""

import re

import pytest

from meetings import filters
from tests.factories import make_meeting_with_pledges


@pytest.fixture
def three_companies(db):
    meeting, firms, _points = make_meeting_with_pledges(companies=3, commitments=2)
    return meeting, firms


def _field(html, name):
    return re.search(rf'<div class="filters__field">\s*<label for="id_{name}".*?</div>', html, re.S).group(0)


def test_a_short_list_is_a_select(client, three_companies):
    _meeting, firms = three_companies
    html = client.get("/commitments/").content.decode()
    company = _field(html, "company")
    assert "<select" in company
    assert all(f'value="{firm.slug}"' in company for firm in firms)


def test_a_long_list_becomes_slug_boxes_that_keep_the_choice(client, three_companies, monkeypatch):
    monkeypatch.setattr(filters, "LONGEST_SELECT", 2)
    meeting, (a, b, _c) = three_companies
    response = client.get(f"/commitments/?company={a.slug}&company={b.slug}")
    html = response.content.decode()
    company = _field(html, "company")
    assert "<select" not in company
    boxes = re.findall(r'<input type="text" name="company" value="([^"]*)" id="([^"]+)"', company)
    assert boxes == [(a.slug, "id_company"), (b.slug, "id_company_1"), ("", "id_company_2")]
    assert "such as chalco in /companies/chalco/" in company
    # The filter itself works the same.
    assert response.context["page"].paginator.count == 2
    # A single-choice field (meeting) has one box, with the chosen slug.
    meeting_field = _field(client.get(f"/commitments/?meeting={meeting.slug}").content.decode(), "meeting")
    assert "<select" in meeting_field  # one meeting only: still short
    monkeypatch.setattr(filters, "LONGEST_SELECT", 0)
    meeting_field = _field(client.get(f"/commitments/?meeting={meeting.slug}").content.decode(), "meeting")
    assert re.findall(r'name="meeting" value="([^"]*)"', meeting_field) == [meeting.slug]


def test_an_unknown_slug_in_a_box_gets_the_forms_message(client, three_companies, monkeypatch):
    monkeypatch.setattr(filters, "LONGEST_SELECT", 2)
    response = client.get("/commitments/?company=no-such-company")
    assert response.context["page"].paginator.count == 0
    assert "no-such-company is not one of the available choices" in response.content.decode()


def test_a_box_escapes_what_was_typed(client, three_companies, monkeypatch):
    monkeypatch.setattr(filters, "LONGEST_SELECT", 2)
    html = client.get('/commitments/?company="><script>alert(1)</script>').content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&quot;&gt;&lt;script&gt;" in html


def test_the_meetings_list_uses_boxes_too(client, three_companies, monkeypatch):
    monkeypatch.setattr(filters, "LONGEST_SELECT", 0)
    html = client.get("/meetings/").content.decode()
    assert "<select" not in _field(html, "organizer")
    assert "<select" not in _field(html, "company")


def test_slug_boxes_read_plain_dictionaries_as_well_as_query_strings(three_companies, monkeypatch):
    from meetings.filters import CommitmentFilter
    from meetings.models import Commitment

    monkeypatch.setattr(filters, "LONGEST_SELECT", 0)
    meeting, (a, _b, _c) = three_companies
    commitments = Commitment.objects.all()
    for data in (
        {"company": [a.slug, ""], "meeting": meeting.slug},
        {"company": a.slug, "meeting": [meeting.slug]},
    ):
        filterset = CommitmentFilter(data, queryset=commitments)
        assert filterset.is_valid(), filterset.errors
        assert list(filterset.form.cleaned_data["company"]) == [a]
        assert filterset.form.cleaned_data["meeting"] == meeting

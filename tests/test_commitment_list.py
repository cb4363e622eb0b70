"""The commitments list and its filters: company (repeatable), meeting, industry, q."""

import pytest

from meetings.models import Meeting
from tests.factories import (
    make_commitment,
    make_industry,
    make_meeting,
    make_meeting_with_pledges,
    make_pledge,
)

URL = "/commitments/"


def _listed(response):
    return [(c.meeting.slug, c.number) for c in response.context["page"].object_list]


def test_company_filter_lists_exactly_that_companys_five_commitments(client, founding_record):
    response = client.get(URL, {"company": "chalco"})
    assert response.status_code == 200
    assert _listed(response) == [("gallium-symposium-2023", n) for n in range(1, 6)]
    assert "5 commitments" in response.content.decode()


def test_company_filter_excludes_commitments_the_company_did_not_pledge(client, founding_record):
    meeting, (firm, _), _points = make_meeting_with_pledges(companies=2, commitments=3)
    other_meeting, _, _ = make_meeting_with_pledges(companies=1, commitments=2)
    response = client.get(URL, {"company": firm.slug})
    assert _listed(response) == [(meeting.slug, 1), (meeting.slug, 2), (meeting.slug, 3)]
    assert other_meeting.slug not in {slug for slug, _ in _listed(response)}


def test_several_companies_list_what_any_of_them_pledged_once_each(client, db):
    meeting = make_meeting(slug="m")
    first, second, third = (make_commitment(meeting) for _ in range(3))
    a, b = make_meeting_with_pledges(companies=2, commitments=0)[1]
    make_pledge(a, first)
    make_pledge(a, second)
    make_pledge(b, second)
    make_pledge(b, third)
    response = client.get(URL, {"company": [a.slug]})
    assert _listed(response) == [("m", 1), ("m", 2)]
    response = client.get(f"{URL}?company={a.slug}&company={b.slug}")
    assert _listed(response) == [("m", 1), ("m", 2), ("m", 3)]


def test_meeting_and_industry_filters_narrow_the_list(client, db):
    gallium = make_industry(slug="gallium")
    kept, _, _ = make_meeting_with_pledges(commitments=2, industries=[gallium])
    make_meeting_with_pledges(commitments=3)
    assert len(_listed(client.get(URL, {"meeting": kept.slug}))) == 2
    assert len(_listed(client.get(URL, {"industry": "gallium"}))) == 2
    assert len(_listed(client.get(URL))) == 5


def test_search_matches_original_and_english_text(client, founding_record):
    assert [n for _, n in _listed(client.get(URL, {"q": "出口管制"}))] == [4]
    assert [n for _, n in _listed(client.get(URL, {"q": "EXPORT CONTROLS"}))] == [4]
    assert _listed(client.get(URL, {"q": "no such words anywhere"})) == []


def test_draft_meetings_commitments_are_not_listed(client, db):
    make_meeting_with_pledges(commitments=2, status=Meeting.Status.DRAFT)
    response = client.get(URL)
    assert _listed(response) == []
    assert "No commitments match these filters." in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"company": "no-such-company"},
        {"meeting": "no-such-meeting"},
        {"industry": "<script>alert(1)</script>"},
        {"company": ["chalco", "nope"]},
        {"page": "-1"},
        {"page": "99999999999999999999"},
        {"q": "x" * 5000},
        {"q": "'; DROP TABLE meetings_commitment; --"},
    ],
)
def test_bad_filter_values_never_fail(client, founding_record, query):
    response = client.get(URL, query)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_an_unknown_company_shows_the_forms_message_and_no_results(client, founding_record):
    response = client.get(URL, {"company": "no-such-company"})
    html = response.content.decode()
    assert "Some filters could not be used" in html
    assert "Select a valid choice" in html
    assert _listed(response) == []


def test_paging_links_keep_the_filters(client, db, settings):
    settings.PAGE_SIZE = 2
    _meeting, (firm,), _ = make_meeting_with_pledges(companies=1, commitments=5)
    response = client.get(URL, {"company": firm.slug, "page": 2})
    html = response.content.decode()
    assert [n for _, n in _listed(response)] == [3, 4]
    assert f'href="?company={firm.slug}&amp;page=3"' in html
    assert f'href="?company={firm.slug}&amp;page=1"' in html


def test_the_filter_form_is_on_the_page_with_companies_to_choose(client, founding_record):
    html = client.get(URL).content.decode()
    assert '<form class="filters" method="get"' in html
    assert 'name="company"' in html
    assert 'value="chalco"' in html


def test_the_pledgers_are_listed_escaped_in_one_cell(client, db):
    from tests.factories import make_commitment, make_company, make_meeting, make_pledge

    meeting = make_meeting()
    point = make_commitment(meeting)
    make_commitment(meeting)  # pledged by no one
    for name in ("甲<b>公司", "乙公司"):
        make_pledge(make_company(name=name, name_en=""), point)
    html = client.get("/commitments/", {"meeting": meeting.slug}).content.decode()
    assert 'data-label="Pledged by">乙公司, 甲&lt;b&gt;公司</td>' in html
    assert 'data-label="Pledged by">—</td>' in html
    assert "甲<b>" not in html


def test_the_pledgers_are_read_with_only_the_columns_shown_the_others_deferred(client, founding_record):
    response = client.get("/commitments/", {"company": "chalco"})
    pledgers = {cell.organization for c in response.context["page"].object_list for cell in c.pledged}
    assert {o.slug for o in pledgers} >= {"chalco", "east-hope-group"}
    for organization in pledgers:
        assert organization.name and organization.get_absolute_url().startswith("/companies/")
        # Not read: a column left out loads from the database when asked for, never a default.
        assert {"province", "is_public", "published_pledge_count"} <= organization.get_deferred_fields()
    chalco = next(o for o in pledgers if o.slug == "chalco")
    assert chalco.published_pledge_count == 5  # loaded when asked for

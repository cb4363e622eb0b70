"""The meetings list and its filters: q, industry, organizer, company, year."""

import datetime

from meetings.models import Meeting
from tests.factories import make_industry, make_meeting, make_meeting_with_pledges, make_organization


def _slugs(client, query=None):
    return [m.slug for m in client.get("/meetings/", query or {}).context["page"].object_list]


def test_it_lists_published_meetings_newest_first(client, db):
    make_meeting(slug="old", held_on=datetime.date(2021, 3, 1), held_on_precision="day")
    make_meeting(slug="reported", reported_on=datetime.date(2023, 10, 12))
    make_meeting(slug="new", held_on=datetime.date(2024, 1, 1), held_on_precision="year")
    make_meeting(slug="hidden", status=Meeting.Status.DRAFT)
    assert _slugs(client) == ["new", "reported", "old"]


def test_the_founding_meeting_is_found_by_every_filter(client, founding_record):
    for query in (
        {"q": "鎵產業"},
        {"q": "gallium"},
        {"q": "銀川"},
        {"industry": "gallium"},
        {"organizer": "cnia"},
        {"company": "chalco"},
        {"year": "2023"},
    ):
        assert _slugs(client, query) == ["gallium-symposium-2023"], query


def test_filters_exclude_what_does_not_match(client, founding_record):
    make_industry(slug="germanium")
    make_meeting_with_pledges(companies=1)
    assert _slugs(client, {"industry": "germanium"}) == []
    assert _slugs(client, {"year": "2022"}) == []
    assert _slugs(client, {"q": "nothing like this"}) == []


def test_the_year_of_a_dated_meeting_is_its_own_not_its_report(client, db):
    make_meeting(
        slug="dated",
        held_on=datetime.date(2022, 12, 30),
        held_on_precision="day",
        reported_on=datetime.date(2023, 1, 4),
    )
    assert _slugs(client, {"year": "2022"}) == ["dated"]
    assert _slugs(client, {"year": "2023"}) == []


def test_an_organizer_known_only_from_drafts_is_not_a_choice(client, db):
    secret = make_organization(slug="secret-convener")
    make_meeting(organizer=secret, status=Meeting.Status.DRAFT)
    response = client.get("/meetings/", {"organizer": "secret-convener"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_bad_values_give_a_message_and_no_error(client, founding_record):
    for query in ({"year": "abc"}, {"year": "-5"}, {"year": "10**9"}, {"industry": "%00"}, {"page": "x"}):
        response = client.get("/meetings/", query)
        assert response.status_code == 200, query


def _table(html):
    """The list's table, without the filter form (whose industry choices name every industry)."""
    return html[html.index('<table class="list">') : html.index("</table>")]


def _row_of(html, title):
    """The table row of the meeting with this title."""
    start = html.index(title)
    return html[html.rindex("<tr>", 0, start) : html.index("</tr>", start)]


def test_each_row_shows_its_own_meetings_industries_by_english_name(client, db):
    zinc = make_industry(slug="zinc", name="锌", name_en="Zinc")
    gallium = make_industry(slug="gallium", name="镓", name_en="Gallium")
    make_industry(slug="lithium", name="锂", name_en="Lithium")
    day = {"held_on_precision": "day"}
    both = make_meeting(slug="both", title="两种会议", held_on=datetime.date(2024, 5, 1), **day)
    both.industries.set([zinc, gallium])
    make_meeting(slug="none", title="无行业会议", held_on=datetime.date(2023, 5, 1), **day)
    html = client.get("/meetings/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    row = _row_of(html, "两种会议")
    assert row.index("Gallium") < row.index("Zinc")
    assert "Lithium" not in _table(html)
    assert 'class="tags"' not in _row_of(html, "无行业会议")


def test_a_later_page_shows_the_industries_of_its_own_meetings(client, db, settings):
    settings.PAGE_SIZE = 2
    tin = make_industry(slug="tin", name="锡", name_en="Tin")
    precision = {"held_on_precision": "day"}
    for day in range(1, 6):
        held_on = datetime.date(2024, 1, day)
        meeting = make_meeting(slug=f"m{day}", title=f"第{day}次会议", held_on=held_on, **precision)
        if day == 1:
            meeting.industries.set([tin])
    last = client.get("/meetings/", {"page": 3}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Tin" in _row_of(last, "第1次会议")
    first = client.get("/meetings/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Tin" not in _table(first)

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

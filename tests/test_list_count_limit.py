"""The public lists count matching rows up to LIST_COUNT_LIMIT and page through that many."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.paging import CappedPaginator
from tests.factories import make_commitment, make_company, make_meeting, make_pledge


@pytest.fixture
def seven_meetings(db):
    """Seven published meetings, one a year from 2017, each with one point pledged by one company."""
    firm = make_company(slug="firm")
    meetings = []
    for year in range(2017, 2024):
        meeting = make_meeting(slug=f"m{year}", held_on=datetime.date(year, 1, 1), held_on_precision="year")
        make_pledge(firm, make_commitment(meeting))
        meetings.append(meeting)
    return meetings


@pytest.fixture
def limit_three(settings):
    settings.LIST_COUNT_LIMIT = 3
    settings.PAGE_SIZE = 2


def _slugs(response):
    return [row.slug for row in response.context["page"].object_list]


def test_past_the_limit_the_list_says_more_than_and_offers_that_many_rows(
    client, seven_meetings, limit_three
):
    first = client.get("/meetings/")
    html = first.content.decode()
    assert "More than 3 meetings match: the list shows the first 3." in html
    assert "7 meetings" not in html
    assert first.context["page"].paginator.num_pages == 2
    assert _slugs(first) == ["m2023", "m2022"]
    second = client.get("/meetings/", {"page": 2})
    assert _slugs(second) == ["m2021"]  # the third row, and no further
    assert 'rel="next"' not in second.content.decode()
    # A page past the limit is answered with the last page offered, as any page past the end is.
    assert _slugs(client.get("/meetings/", {"page": 4})) == ["m2021"]


def test_below_the_limit_the_count_is_exact(client, seven_meetings, limit_three):
    html = client.get("/meetings/", {"year": "2019"}).content.decode()
    assert "1 meeting" in html and "More than" not in html
    # Exactly at the limit is not "more than".
    response = client.get("/commitments/", {"q": "標題", "meeting": "m2023"})
    assert "More than" not in response.content.decode()


def test_each_list_says_more_than_with_its_own_noun(client, seven_meetings, limit_three):
    assert "More than 3 commitments match" in client.get("/commitments/").content.decode()
    for n in range(4):
        make_pledge(make_company(), seven_meetings[n].commitments.get())
    assert "More than 3 companies match" in client.get("/companies/").content.decode()


def test_the_download_still_holds_every_matching_row(client, seven_meetings, limit_three):
    body = b"".join(client.get("/meetings/export.csv").streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert sorted(row["meeting_slug"] for row in rows) == [f"m{year}" for year in range(2017, 2024)]


def test_the_count_stops_at_the_limit(seven_meetings, django_assert_num_queries):
    from meetings.models import Meeting

    paginator = CappedPaginator(Meeting.objects.order_by("slug"), 2, count_limit=5)
    with django_assert_num_queries(1) as context:
        assert paginator.count == 5
    assert paginator.count_is_lower_bound
    assert "LIMIT 6" in context.captured_queries[0]["sql"]
    exact = CappedPaginator(Meeting.objects.order_by("slug"), 2, count_limit=7)
    assert (exact.count, exact.count_is_lower_bound) == (7, False)


@pytest.fixture
def ranked_search(db):
    """Eleven points containing 標, one a year: five in the heading, six only in the body."""
    points = []
    for year in range(2013, 2024):
        meeting = make_meeting(slug=f"s{year}", held_on=datetime.date(year, 1, 1), held_on_precision="year")
        in_heading = year % 2 == 0
        points.append(
            make_commitment(
                meeting,
                heading="標準" if in_heading else "其他",
                body="正文" if in_heading else "按標準執行",
            )
        )
    return points


@pytest.mark.parametrize("page_size", [1, 2, 3, 4, 5, 6, 11, 25])
def test_each_page_of_a_ranked_search_is_its_slice_of_the_whole_ranked_list(
    client, ranked_search, settings, page_size
):
    """Heading matches first, newest first, then body-only matches, newest first; cut into pages."""
    settings.PAGE_SIZE = page_size
    expected = [f"s{y}" for y in (2022, 2020, 2018, 2016, 2014)] + [
        f"s{y}" for y in (2023, 2021, 2019, 2017, 2015, 2013)
    ]
    listed, number = [], 1
    while True:
        response = client.get("/commitments/", {"q": "標", "page": number})
        page = response.context["page"]
        assert page.number == number
        rows = [c.meeting.slug for c in page.object_list]
        assert rows == expected[(number - 1) * page_size : number * page_size]
        # Pledges are loaded for the whole page, both groups.
        assert all(hasattr(c, "pledged") for c in page.object_list)
        listed += rows
        if not page.has_next():
            break
        number += 1
    assert listed == expected


def test_a_ranked_search_past_the_count_limit_stops_at_the_limit(client, ranked_search, settings):
    settings.PAGE_SIZE, settings.LIST_COUNT_LIMIT = 4, 7
    last = client.get("/commitments/", {"q": "標", "page": 2})
    assert last.context["page"].paginator.count_is_lower_bound
    assert [c.meeting.slug for c in last.context["page"].object_list] == ["s2014", "s2023", "s2021"]
    assert "More than 7 commitments match" in last.content.decode()


def _id_queries(queries):
    return [q["sql"] for q in queries if q["sql"].startswith('SELECT "meetings_commitment"."id" AS')]


def test_a_ranked_search_reads_the_matching_ids_once_while_fewer_match_than_the_list_offers(
    client, ranked_search, settings
):
    settings.PAGE_SIZE, settings.LIST_COUNT_LIMIT = 4, 11
    with CaptureQueriesContext(connection) as context:
        page = client.get("/commitments/", {"q": "標", "page": 2}).context["page"]
    assert [c.meeting.slug for c in page.object_list] == ["s2014", "s2023", "s2021", "s2019"]
    assert not page.paginator.count_is_lower_bound
    # One query with each row's rank, not one per rank: each read every row of the table.
    assert len(_id_queries(context.captured_queries)) == 1


def test_past_the_limit_a_ranked_search_reads_the_title_matches_on_their_own(client, ranked_search, settings):
    """The first rows in the list's order lack title matches further down: those are read too."""
    settings.PAGE_SIZE, settings.LIST_COUNT_LIMIT = 3, 5
    with CaptureQueriesContext(connection) as context:
        pages = [client.get("/commitments/", {"q": "標", "page": n}).context["page"] for n in (1, 2)]
    assert [[c.meeting.slug for c in page.object_list] for page in pages] == [
        ["s2022", "s2020", "s2018"],
        ["s2016", "s2014"],
    ]
    assert pages[1].paginator.count_is_lower_bound
    assert len(_id_queries(context.captured_queries)) == 4  # two a page

"""Every public page runs a fixed number of SQL queries, however much data there is.

The same pages are measured on the founding record alone and with more meetings,
companies and pledges added: the counts must not change.
"""

import pytest

from meetings.models import CommitmentReview, Organization, Participation
from tests.factories import (
    make_action_item,
    make_attendance,
    make_commitment,
    make_evidence,
    make_meeting,
    make_meeting_with_pledges,
    make_person,
)

PAGES = {
    # url: queries (each list page: the matching rows' ids, which give the count, the page's
    # rows, the filter form's choices, and the per-row counts, made for the page's rows;
    # the companies' counts are stored on each company and come with the page's rows)
    "/": 2,
    "/meetings/": 7,
    # A ranked search reads the matching ids with their ranks in one query while fewer rows
    # match than the list offers, as here; past that, the rows matching in a title in a second
    # (meetings/paging.py, tests/test_list_count_limit.py).
    "/meetings/?company=chalco&organizer=cnia&industry=gallium&year=2023&q=g": 10,
    "/meetings/gallium-symposium-2023/": 7,
    # the form's industries, the ids, the page's rows
    "/companies/": 3,
    # the same, and the industry chosen
    "/companies/?industry=gallium&province=guangdong&q=a": 4,
    # the company, its meetings' ids (with its overdue pledges), a page of them, the page's
    # pledges, overdue items
    "/companies/chalco/": 5,
    "/organizations/cnia/": 4,
    # a government body taking part (in more meetings, with the added data)
    "/organizations/mofcom-bureau-of-industrial-security-import-and-export-control/": 4,
    "/commitments/": 6,
    "/commitments/?company=chalco": 7,
    # A search whose page holds rows matching in a heading, then rows matching elsewhere:
    # the ids with their ranks, then the page's rows (meetings/paging.py).
    "/commitments/?company=chalco&company=east-hope-group&q=x&industry=gallium": 8,
    "/commitments/gallium-symposium-2023/1/": 6,
    # Point 3 has a yearly item kept by a meeting series: one more query for its editions.
    "/commitments/gallium-symposium-2023/3/": 7,
    "/commitments/?company=chalco&status=no_record&overdue=on": 5,  # no rows: nothing is overdue
    "/meetings/gallium-symposium-2023/changes/": 9,
}


def _more_data(founding_record):
    """Four more meetings, each with six companies pledging six points, one of them Chalco."""
    chalco = founding_record.participations.get(organization__slug="chalco").organization
    bureau = Organization.objects.get(slug="mofcom-bureau-of-industrial-security-import-and-export-control")
    for _ in range(4):
        meeting, _firms, points = make_meeting_with_pledges(
            companies=6, commitments=6, organizer=founding_record.organizer
        )
        meeting.industries.set(founding_record.industries.all())
        meeting.participations.create(organization=chalco)
        meeting.participations.create(organization=bureau, role=Participation.Role.GOVERNMENT)
        for point in points:
            chalco.pledges.create(commitment=point)
        make_attendance(meeting, make_person())
    # Point 1: evidence on each of its pledges and on two action items, and reviews by later
    # meetings that amended it: each is shown with its company, item or successor.
    point = founding_record.commitments.get(number=1)
    for pledge in point.pledges.all():
        make_evidence(pledge=pledge)
    for _ in range(2):
        make_evidence(action_item=make_action_item(point))
    for _ in range(2):
        later = make_meeting(status=founding_record.status)
        CommitmentReview.objects.create(
            meeting=later,
            commitment=point,
            outcome=CommitmentReview.Outcome.AMENDED,
            successor=make_commitment(later, number=7),
        )


@pytest.mark.parametrize(("url", "queries"), PAGES.items())
def test_the_page_runs_a_fixed_number_of_queries(
    client, founding_record, django_assert_num_queries, url, queries
):
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(("url", "queries"), PAGES.items())
def test_the_count_does_not_grow_with_the_data(
    client, founding_record, django_assert_num_queries, url, queries
):
    _more_data(founding_record)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_the_counts_hold_on_generated_data_with_long_choice_lists(
    client, founding_record, django_assert_num_queries, monkeypatch
):
    """Hundreds of pledges and evidence entries, and filter choices too many for a <select>."""
    from django.core.management import call_command

    from meetings import filters

    call_command("generate_synthetic", scale="tiny", seed=2, verbosity=0)
    monkeypatch.setattr(filters, "LONGEST_SELECT", 5)
    for url, queries in PAGES.items():
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200, url

"""Organization.published_meeting_count and published_pledge_count: stored, and equal to their
definition after every kind of write.

The definition, counted here with plain aggregate queries: an organization's participations
in published meetings, and its pledges of the commitments of published meetings.
"""

import csv
import io
import json
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.db.models.deletion import ProtectedError
from django.urls import reverse

from meetings.models import Meeting, Organization, Participation, Pledge
from meetings.public import refresh_counts
from tests.conftest import FOUNDING_FILE
from tests.factories import (
    make_commitment,
    make_company,
    make_meeting,
    make_meeting_with_pledges,
    make_participation,
    make_pledge,
    pledge_in_another_transaction,
)

PUBLISHED, DRAFT = Meeting.Status.PUBLISHED, Meeting.Status.DRAFT


def _grouped(rows):
    counted = rows.order_by().values("organization_id").annotate(n=Count("pk"))
    return Counter({row["organization_id"]: row["n"] for row in counted})


def counts_by_definition():
    """``{organization id: (meetings, pledges)}`` for every organization, counted afresh."""
    meetings = _grouped(Participation.objects.filter(meeting__status=PUBLISHED))
    pledges = _grouped(Pledge.objects.filter(commitment__meeting__status=PUBLISHED))
    return {pk: (meetings[pk], pledges[pk]) for pk in Organization.objects.values_list("pk", flat=True)}


def stored_counts():
    rows = Organization.objects.values_list("pk", "published_meeting_count", "published_pledge_count")
    return {pk: (meetings, pledges) for pk, meetings, pledges in rows}


def assert_counts_follow_the_definition():
    """The stored counts of every organization equal the definition; returns them."""
    stored = stored_counts()
    assert stored == counts_by_definition()
    return stored


def counts_of(organization):
    return stored_counts()[organization.pk]


# --- Participations ---------------------------------------------------------------------


def test_the_founding_record_gives_each_company_one_meeting_and_five_pledges(founding_record):
    stored = assert_counts_follow_the_definition()
    chalco = Organization.objects.get(slug="chalco")
    assert stored[chalco.pk] == (1, 5)


def test_adding_and_removing_a_participation(db):
    meeting, firm = make_meeting(), make_company()
    taking_part = make_participation(meeting, firm)
    assert assert_counts_follow_the_definition()[firm.pk] == (1, 0)
    make_participation(make_meeting(), firm)
    assert assert_counts_follow_the_definition()[firm.pk] == (2, 0)
    taking_part.delete()
    assert assert_counts_follow_the_definition()[firm.pk] == (1, 0)


def test_a_participation_in_a_draft_counts_for_nothing(db):
    firm = make_company()
    make_participation(make_meeting(status=DRAFT), firm)
    assert assert_counts_follow_the_definition()[firm.pk] == (0, 0)


def test_a_participation_moved_to_another_company_or_meeting(db):
    first, second = make_company(), make_company()
    taking_part = make_participation(make_meeting(), first)
    taking_part.organization = second
    taking_part.save()
    stored = assert_counts_follow_the_definition()
    assert (stored[first.pk], stored[second.pk]) == ((0, 0), (1, 0))
    taking_part.meeting = make_meeting(status=DRAFT)
    taking_part.save()
    assert assert_counts_follow_the_definition()[second.pk] == (0, 0)


def test_editing_a_participations_quote_writes_no_count(db, django_assert_num_queries):
    taking_part = make_participation(make_meeting(), make_company())
    taking_part.source_quote = "出席"
    # the row as stored, the UPDATE, and its edit history: nothing derived changes
    with django_assert_num_queries(3):
        taking_part.save()
    assert_counts_follow_the_definition()


# --- Pledges ----------------------------------------------------------------------------


def test_adding_and_removing_a_pledge(db):
    meeting = make_meeting()
    firm = make_company()
    first, second = make_commitment(meeting), make_commitment(meeting)
    pledge = make_pledge(firm, first)
    assert assert_counts_follow_the_definition()[firm.pk] == (1, 1)
    make_pledge(firm, second)
    assert assert_counts_follow_the_definition()[firm.pk] == (1, 2)
    pledge.delete()
    assert assert_counts_follow_the_definition()[firm.pk] == (1, 1)


def test_a_pledge_moved_to_another_company_or_point(db):
    meeting = make_meeting()
    first, second = make_company(), make_company()
    make_participation(meeting, second)
    pledge = make_pledge(first, make_commitment(meeting))
    pledge.organization = second
    pledge.save()
    stored = assert_counts_follow_the_definition()
    assert (stored[first.pk], stored[second.pk]) == ((1, 0), (1, 1))
    draft = make_meeting(status=DRAFT)
    make_participation(draft, second)
    pledge.commitment = make_commitment(draft)
    pledge.save()
    assert assert_counts_follow_the_definition()[second.pk] == (1, 0)


def test_pledging_every_commitment_counts_each_pledge(db):
    from meetings.services import pledge_every_commitment

    meeting = make_meeting()
    firms = [make_company() for _ in range(3)]
    for firm in firms:
        make_participation(meeting, firm)
    for _ in range(4):
        make_commitment(meeting)
    assert pledge_every_commitment(meeting) == 12
    stored = assert_counts_follow_the_definition()
    assert {stored[firm.pk] for firm in firms} == {(1, 4)}


# --- Commitments ------------------------------------------------------------------------


def test_deleting_a_commitment_and_its_pledges(db):
    _meeting, firms, points = make_meeting_with_pledges(companies=2, commitments=3)
    with pytest.raises(ProtectedError):  # its pledges go first
        points[0].delete()
    assert {assert_counts_follow_the_definition()[firm.pk] for firm in firms} == {(1, 3)}
    points[0].pledges.all().delete()
    points[0].delete()
    assert {assert_counts_follow_the_definition()[firm.pk] for firm in firms} == {(1, 2)}


def test_a_commitment_moved_to_a_draft_meeting_takes_its_pledges_along(db):
    meeting, firms, points = make_meeting_with_pledges(companies=2, commitments=3)
    draft = make_meeting(status=DRAFT)
    points[0].meeting = draft
    points[0].save()
    assert {assert_counts_follow_the_definition()[firm.pk] for firm in firms} == {(1, 2)}
    points[0].meeting = meeting
    points[0].save()
    assert {assert_counts_follow_the_definition()[firm.pk] for firm in firms} == {(1, 3)}


# --- Meetings ---------------------------------------------------------------------------


def test_unpublishing_and_publishing_a_meeting(founding_record):
    companies = set(founding_record.participations.values_list("organization_id", flat=True))
    founding_record.status = DRAFT
    founding_record.save()
    stored = assert_counts_follow_the_definition()
    assert {stored[pk] for pk in companies} == {(0, 0)}
    founding_record.status = PUBLISHED
    founding_record.save()
    stored = assert_counts_follow_the_definition()
    assert stored[Organization.objects.get(slug="chalco").pk] == (1, 5)


def test_saving_a_meeting_without_changing_its_status_leaves_the_counts(founding_record):
    before = assert_counts_follow_the_definition()
    founding_record.title_en = "Renamed"
    founding_record.save()
    assert assert_counts_follow_the_definition() == before


def _run_action(client, action, *meetings):
    data = {"action": action, "_selected_action": [meeting.pk for meeting in meetings]}
    return client.post(reverse("admin:meetings_meeting_changelist"), data, follow=True)


def test_the_admins_publish_and_return_to_draft_actions(editor_client):
    meeting, firms, _points = make_meeting_with_pledges(companies=2, commitments=2, status=DRAFT)
    other, _firms, _points = make_meeting_with_pledges(companies=1, commitments=1, status=DRAFT)
    make_participation(other, firms[0])
    assert {assert_counts_follow_the_definition()[firm.pk] for firm in firms} == {(0, 0)}
    assert _run_action(editor_client, "publish", meeting, other).status_code == 200
    stored = assert_counts_follow_the_definition()
    assert (stored[firms[0].pk], stored[firms[1].pk]) == ((2, 2), (1, 2))
    _run_action(editor_client, "return_to_draft", meeting)
    stored = assert_counts_follow_the_definition()
    assert (stored[firms[0].pk], stored[firms[1].pk]) == ((1, 0), (0, 0))


def test_deleting_a_meeting_updates_everyone_in_it(db):
    firms = [make_company() for _ in range(3)]
    meeting = make_meeting()
    for firm in firms:
        make_participation(meeting, firm)
    make_participation(make_meeting(), firms[0])
    assert assert_counts_follow_the_definition()[firms[0].pk] == (2, 0)
    meeting.delete()
    stored = assert_counts_follow_the_definition()
    assert [stored[firm.pk] for firm in firms] == [(1, 0), (0, 0), (0, 0)]


# --- Organizations ----------------------------------------------------------------------


def test_saving_an_organization_read_before_the_counts_changed_keeps_the_counts(db):
    """An instance holds the counts it was read with; its save must not write them back."""
    firm = make_company()
    meeting = make_meeting()
    make_participation(meeting, firm)
    make_pledge(firm, make_commitment(meeting))
    assert firm.published_meeting_count == 0  # as read before
    firm.notes = "Edited."
    firm.save()
    assert assert_counts_follow_the_definition()[firm.pk] == (1, 1)
    firm.refresh_from_db()
    assert firm.notes == "Edited."


def test_the_admin_change_form_of_an_organization_keeps_the_counts(editor_client, founding_record):
    chalco = Organization.objects.get(slug="chalco")
    url = reverse("admin:meetings_organization_change", args=[chalco.pk])
    from tests.test_admin import submitted

    data = submitted(editor_client.get(url))
    data["notes"] = "Checked."
    assert editor_client.post(url, data).status_code == 302
    assert assert_counts_follow_the_definition()[chalco.pk] == (1, 5)


# --- Bulk writers, imports, failures ----------------------------------------------------


def test_importing_the_founding_record_again_changes_nothing(founding_record):
    before = assert_counts_follow_the_definition()
    call_command("import_meetings", str(FOUNDING_FILE), verbosity=0)
    assert assert_counts_follow_the_definition() == before


def test_importing_every_shipped_file(db):
    from pathlib import Path

    files = sorted(str(path) for path in (Path(FOUNDING_FILE).parent).glob("*.yaml"))
    call_command("import_meetings", *files, verbosity=0)
    stored = assert_counts_follow_the_definition()
    assert sum(pledges for _meetings, pledges in stored.values()) == Pledge.objects.count()


def test_generated_data_gets_its_counts(db):
    call_command("generate_synthetic", scale="tiny", seed=4, verbosity=0)
    stored = assert_counts_follow_the_definition()
    assert sum(pledges for _meetings, pledges in stored.values()) > 100
    call_command("generate_synthetic", scale="tiny", seed=5, replace=True, verbosity=0)
    assert assert_counts_follow_the_definition() != stored


def test_refreshing_everything_repairs_counts_written_by_other_means(founding_record):
    expected = assert_counts_follow_the_definition()
    Organization.objects.update(published_meeting_count=7, published_pledge_count=0)
    refresh_counts()
    assert assert_counts_follow_the_definition() == expected


def test_refresh_statuses_also_repairs_the_organizations(founding_record):
    from io import StringIO

    expected = assert_counts_follow_the_definition()
    Organization.objects.filter(slug="chalco").update(published_pledge_count=9, is_public=False)
    out = StringIO()
    call_command("refresh_statuses", stdout=out)
    assert "flags, counts and industries; 2 values changed." in out.getvalue()
    assert assert_counts_follow_the_definition() == expected
    assert Organization.objects.get(slug="chalco").is_public
    out = StringIO()
    call_command("refresh_statuses", stdout=out)
    assert "flags, counts and industries; 0 values changed." in out.getvalue()


def test_a_failed_write_rolled_back_leaves_the_counts(founding_record):
    before = assert_counts_follow_the_definition()
    chalco = Organization.objects.get(slug="chalco")
    firm = make_company()
    before[firm.pk] = (0, 0)
    with pytest.raises(RuntimeError), transaction.atomic():
        make_participation(make_meeting(), chalco)
        Pledge.objects.filter(organization=chalco).first().delete()
        founding_record.status = DRAFT
        founding_record.save()
        raise RuntimeError("the request failed")
    assert assert_counts_follow_the_definition() == before
    with pytest.raises(IntegrityError), transaction.atomic():
        make_participation(make_meeting(), firm)
        make_participation(founding_record, chalco)  # already taking part
    assert assert_counts_follow_the_definition() == before


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_two_pledges_saved_at_once_are_both_counted():
    """The second refresh waits for the first transaction and counts its pledge too."""
    import time

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time")
    meeting = make_meeting()
    firm = make_company()
    make_participation(meeting, firm)
    first, second = make_commitment(meeting), make_commitment(meeting)

    with transaction.atomic():
        Pledge.objects.create(organization=firm, commitment=first)
        other = pledge_in_another_transaction(firm, second)
        other.start()
        time.sleep(1)
        assert other.is_alive()  # waiting for the company's row
    other.join(30)
    assert assert_counts_follow_the_definition()[firm.pk] == (1, 2)


# --- Migration --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_counts_of_existing_rows():
    call_command("import_meetings", str(FOUNDING_FILE), verbosity=0)
    make_meeting_with_pledges(companies=2, commitments=2, status=DRAFT)
    expected = assert_counts_follow_the_definition()
    call_command("migrate", "meetings", "0011", verbosity=0)
    call_command("migrate", "meetings", verbosity=0)
    assert assert_counts_follow_the_definition() == expected
    assert any(counts != (0, 0) for counts in expected.values())


# --- What the public sees ---------------------------------------------------------------


def test_the_companies_list_and_its_download_show_the_stored_numbers(client, founding_record):
    """Whatever is stored is what is shown: the list and the export read the columns."""
    Organization.objects.filter(slug="chalco").update(published_meeting_count=41, published_pledge_count=42)
    page = client.get("/companies/")
    chalco = next(c for c in page.context["page"].object_list if c.slug == "chalco")
    assert (chalco.published_meeting_count, chalco.published_pledge_count) == (41, 42)
    assert ">41</td>" in page.content.decode()
    assert ">42</a></td>" in page.content.decode()

    rows = json.loads(b"".join(client.get("/companies/export.json").streaming_content))["rows"]
    row = next(r for r in rows if r["organization_slug"] == "chalco")
    assert (row["meeting_count"], row["pledge_count"]) == (41, 42)
    text = b"".join(client.get("/companies/export.csv").streaming_content).decode("utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["organization_slug"] == "chalco")
    assert (row["meeting_count"], row["pledge_count"]) == ("41", "42")


def test_the_export_counts_nothing_itself(client, founding_record):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        b"".join(client.get("/companies/export.csv").streaming_content)
    read = " ".join(query["sql"] for query in queries.captured_queries)
    assert "meetings_organization" in read
    assert "meetings_pledge" not in read and "meetings_participation" not in read

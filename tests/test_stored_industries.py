"""OrganizationIndustry: which industries each organization took part in, through published
meetings; stored, and equal to its definition after every kind of write.

The definition, read here with a plain query: the (organization, industry) pairs of every
participation in a published meeting and each industry of that meeting.
"""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from meetings.models import Industry, Meeting, Organization, OrganizationIndustry, Participation
from tests.conftest import FOUNDING_FILE
from tests.factories import make_company, make_industry, make_meeting, make_participation

PUBLISHED, DRAFT = Meeting.Status.PUBLISHED, Meeting.Status.DRAFT


def pairs_by_definition():
    rows = Participation.objects.filter(meeting__status=PUBLISHED, meeting__industries__isnull=False)
    return set(rows.values_list("organization_id", "meeting__industries"))


def stored_pairs():
    return set(OrganizationIndustry.objects.values_list("organization_id", "industry_id"))


def assert_pairs_follow_the_definition():
    stored = stored_pairs()
    assert stored == pairs_by_definition()
    assert OrganizationIndustry.objects.count() == len(stored)  # each pair once
    return stored


def industries_of(organization):
    return {industry for org, industry in assert_pairs_follow_the_definition() if org == organization.pk}


@pytest.fixture
def two_industries(db):
    return make_industry(), make_industry()


# --- Participations ---------------------------------------------------------------------


def test_the_founding_record_puts_its_companies_in_gallium(founding_record):
    gallium = Industry.objects.get(slug="gallium")
    stored = assert_pairs_follow_the_definition()
    chalco = Organization.objects.get(slug="chalco")
    assert (chalco.pk, gallium.pk) in stored
    industries = set(founding_record.industries.values_list("pk", flat=True))
    assert {industry for _org, industry in stored} == industries


def test_adding_moving_and_removing_a_participation(two_industries):
    first, second = two_industries
    meeting = make_meeting(industries=[first, second])
    firm, other = make_company(), make_company()
    taking_part = make_participation(meeting, firm)
    assert industries_of(firm) == {first.pk, second.pk}
    make_participation(make_meeting(industries=[first]), firm)
    taking_part.organization = other
    taking_part.save()
    assert (industries_of(firm), industries_of(other)) == ({first.pk}, {first.pk, second.pk})
    taking_part.meeting = make_meeting(status=DRAFT, industries=[second])
    taking_part.save()
    assert industries_of(other) == set()
    Participation.objects.filter(organization=firm).delete()
    assert industries_of(firm) == set()


def test_a_draft_or_a_meeting_without_industries_gives_none(two_industries):
    firm = make_company()
    make_participation(make_meeting(status=DRAFT, industries=list(two_industries)), firm)
    make_participation(make_meeting(), firm)
    assert industries_of(firm) == set()


# --- Meetings and their industries ------------------------------------------------------


def test_publishing_and_unpublishing_a_meeting(two_industries):
    first, _second = two_industries
    meeting = make_meeting(status=DRAFT, industries=[first])
    firm = make_company()
    make_participation(meeting, firm)
    assert industries_of(firm) == set()
    meeting.status = PUBLISHED
    meeting.save()
    assert industries_of(firm) == {first.pk}
    meeting.status = DRAFT
    meeting.save()
    assert industries_of(firm) == set()


def test_the_admins_publish_and_return_to_draft_actions(editor_client, two_industries):
    first, second = two_industries
    meeting = make_meeting(status=DRAFT, industries=[first, second])
    firm = make_company()
    make_participation(meeting, firm)
    url = reverse("admin:meetings_meeting_changelist")
    editor_client.post(url, {"action": "publish", "_selected_action": [meeting.pk]}, follow=True)
    assert industries_of(firm) == {first.pk, second.pk}
    editor_client.post(url, {"action": "return_to_draft", "_selected_action": [meeting.pk]}, follow=True)
    assert industries_of(firm) == set()


def test_a_meetings_industries_added_removed_set_and_cleared(two_industries):
    first, second = two_industries
    meeting = make_meeting()
    firm = make_company()
    make_participation(meeting, firm)
    make_participation(make_meeting(industries=[second]), firm)
    meeting.industries.add(first)
    assert industries_of(firm) == {first.pk, second.pk}
    meeting.industries.remove(first)
    assert industries_of(firm) == {second.pk}
    meeting.industries.set([first, second])
    assert industries_of(firm) == {first.pk, second.pk}
    meeting.industries.clear()
    assert industries_of(firm) == {second.pk}


def test_an_industrys_meetings_changed_from_the_industrys_side(two_industries):
    first, second = two_industries
    meetings = [make_meeting(), make_meeting()]
    firms = [make_company(), make_company()]
    for meeting, firm in zip(meetings, firms, strict=True):
        make_participation(meeting, firm)
    first.meetings.add(*meetings)
    assert [industries_of(firm) for firm in firms] == [{first.pk}, {first.pk}]
    first.meetings.remove(meetings[0])
    assert [industries_of(firm) for firm in firms] == [set(), {first.pk}]
    second.meetings.set(meetings)
    first.meetings.clear()
    assert [industries_of(firm) for firm in firms] == [{second.pk}, {second.pk}]


def test_a_drafts_industries_changed_give_nothing(two_industries):
    meeting = make_meeting(status=DRAFT)
    firm = make_company()
    make_participation(meeting, firm)
    meeting.industries.set(two_industries)
    assert industries_of(firm) == set()


def test_deleting_a_meeting_or_an_industry(two_industries):
    first, second = two_industries
    meeting = make_meeting(industries=[first, second])
    firm = make_company()
    make_participation(meeting, firm)
    make_participation(make_meeting(industries=[second]), firm)
    meeting.delete()
    assert industries_of(firm) == {second.pk}
    second.delete()
    assert industries_of(firm) == set()


# --- Imports, bulk writes, failures -----------------------------------------------------


def test_importing_the_founding_record_again_changes_nothing(founding_record):
    before = assert_pairs_follow_the_definition()
    call_command("import_meetings", str(FOUNDING_FILE), verbosity=0)
    assert assert_pairs_follow_the_definition() == before


def test_generated_data_gets_its_industries(db):
    call_command("generate_synthetic", scale="tiny", seed=4, verbosity=0)
    stored = assert_pairs_follow_the_definition()
    assert len(stored) > 20
    call_command("generate_synthetic", scale="tiny", seed=5, replace=True, verbosity=0)
    assert assert_pairs_follow_the_definition() != stored


def test_refresh_statuses_repairs_the_pairs(founding_record):
    expected = assert_pairs_follow_the_definition()
    OrganizationIndustry.objects.filter(organization__slug="chalco").delete()
    OrganizationIndustry.objects.create(organization=founding_record.organizer, industry=make_industry())
    call_command("refresh_statuses", verbosity=0)
    assert assert_pairs_follow_the_definition() == expected


def test_a_failed_write_rolled_back_leaves_the_pairs(founding_record, two_industries):
    before = assert_pairs_follow_the_definition()
    with pytest.raises(RuntimeError), transaction.atomic():
        founding_record.industries.add(*two_industries)
        make_participation(make_meeting(industries=list(two_industries)), make_company())
        founding_record.status = DRAFT
        founding_record.save()
        raise RuntimeError("the request failed")
    assert assert_pairs_follow_the_definition() == before


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_pairs_of_existing_rows():
    call_command("import_meetings", str(FOUNDING_FILE), verbosity=0)
    make_participation(make_meeting(status=DRAFT, industries=[make_industry()]), make_company())
    expected = assert_pairs_follow_the_definition()
    call_command("migrate", "meetings", "0012", verbosity=0)
    call_command("migrate", "meetings", verbosity=0)
    assert assert_pairs_follow_the_definition() == expected
    assert expected


# --- What the public sees ---------------------------------------------------------------


def test_the_industry_filter_reads_the_stored_pairs(client, founding_record):
    gallium = Industry.objects.get(slug="gallium")
    listed = client.get("/companies/", {"industry": "gallium"}).context["page"].object_list
    assert {company.slug for company in listed} >= {"chalco"}
    OrganizationIndustry.objects.filter(organization__slug="chalco").delete()
    outsider = make_company(slug="not-there")
    make_participation(make_meeting(), outsider)  # public, in no industry
    OrganizationIndustry.objects.create(organization=outsider, industry=gallium)
    slugs = {company.slug for company in client.get("/companies/", {"industry": "gallium"}).context["page"]}
    assert "chalco" not in slugs and "not-there" in slugs
    export = b"".join(client.get("/companies/export.csv", {"industry": "gallium"}).streaming_content)
    assert b"not-there" in export and b"chalco," not in export

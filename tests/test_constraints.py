"""Rules the database itself enforces, whatever code path writes."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from meetings.models import (
    Commitment,
    Meeting,
    Organization,
    OrganizationAlias,
    Pledge,
)
from tests.factories import (
    make_commitment,
    make_company,
    make_meeting,
    make_meeting_with_pledges,
    make_organization,
    make_pledge,
)


def test_a_commitment_number_is_unique_within_its_meeting(db):
    meeting = make_meeting()
    make_commitment(meeting, number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.create(meeting=meeting, number=1, heading="重複")
    make_commitment(make_meeting(), number=1)  # another meeting may use the number


def test_commitment_number_zero_is_refused_by_the_database(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.create(meeting=make_meeting(), number=0, heading="零")


def test_a_duplicate_pledge_is_refused(db):
    _meeting, (firm,), (point,) = make_meeting_with_pledges(companies=1, commitments=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Pledge.objects.create(organization=firm, commitment=point)


def test_an_organization_with_pledges_cannot_be_deleted(db):
    _, (firm,), _ = make_meeting_with_pledges(companies=1, commitments=2)
    with pytest.raises(ProtectedError):
        firm.delete()
    assert Pledge.objects.filter(organization=firm).count() == 2


def test_a_meeting_with_commitments_cannot_be_deleted(db):
    meeting, _, _ = make_meeting_with_pledges(companies=1, commitments=1)
    with pytest.raises(ProtectedError):
        meeting.delete()


def test_a_commitment_with_pledges_cannot_be_deleted(db):
    _, _, (point,) = make_meeting_with_pledges(companies=1, commitments=1)
    with pytest.raises(ProtectedError):
        point.delete()


def test_an_organizer_cannot_be_deleted_while_it_has_meetings(db):
    meeting = make_meeting()
    with pytest.raises(ProtectedError):
        meeting.organizer.delete()


def test_a_date_and_its_precision_go_together(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_meeting(held_on="2024-01-01")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_meeting(held_on_precision=Meeting.DatePrecision.DAY)


def test_a_month_precision_date_must_be_the_first_of_the_month(db):
    meeting = make_meeting(held_on=datetime.date(2024, 5, 1), held_on_precision="month")
    meeting.held_on = datetime.date(2024, 5, 7)
    with pytest.raises(ValidationError, match="first day of the month"):
        meeting.full_clean()


def test_top_level_organization_names_are_unique_but_branches_may_share_names(db):
    first, second = make_organization(name="甲協會"), make_organization(name="乙協會")
    make_organization(name="輕金屬部", parent=first)
    make_organization(name="輕金屬部", parent=second)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_organization(name="輕金屬部", parent=first)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_organization(name="甲協會")


def test_an_alias_cannot_be_another_organizations_name(db):
    make_organization(name="甲公司")
    alias = OrganizationAlias(organization=make_company(), name="甲公司")
    with pytest.raises(ValidationError, match="already has this as its name"):
        alias.full_clean()


def test_an_organization_cannot_be_its_own_ancestor(db):
    parent = make_organization(kind=Organization.Kind.ASSOCIATION)
    child = make_organization(parent=parent)
    parent.parent = child
    with pytest.raises(ValidationError, match="own parent or ancestor"):
        parent.full_clean()


def test_a_pledge_by_an_organization_not_at_the_meeting_is_refused(db):
    point = make_commitment(make_meeting())
    pledge = Pledge(organization=make_company(), commitment=point)
    with pytest.raises(ValidationError, match="did not take part in the meeting"):
        pledge.full_clean()
    make_pledge(pledge.organization, point).full_clean()  # once a participant, it is accepted

"""Recording that every participating company pledged every commitment of a meeting."""

from meetings.models import Organization, Participation, Pledge
from meetings.services import pledge_every_commitment
from tests.factories import make_commitment, make_company, make_meeting, make_organization, make_participation


def test_every_participating_company_pledges_every_commitment_once(db):
    meeting = make_meeting()
    firms = [make_company() for _ in range(3)]
    for firm in firms:
        make_participation(meeting, firm)
    for _ in range(4):
        make_commitment(meeting)
    assert pledge_every_commitment(meeting) == 12
    assert pledge_every_commitment(meeting) == 0
    assert Pledge.objects.filter(commitment__meeting=meeting).count() == 12
    assert set(Pledge.objects.values_list("basis", flat=True)) == {Pledge.Basis.PARTICIPATION}


def test_government_bodies_and_organizers_staff_pledge_nothing(db):
    meeting = make_meeting()
    make_commitment(meeting)
    bureau = make_organization(kind=Organization.Kind.GOVERNMENT)
    make_participation(meeting, bureau, role=Participation.Role.GOVERNMENT)
    branch = make_organization(kind=Organization.Kind.ASSOCIATION)
    make_participation(meeting, branch, role=Participation.Role.ORGANIZER)
    assert pledge_every_commitment(meeting) == 0


def test_an_existing_named_pledge_keeps_its_basis(db):
    meeting = make_meeting()
    firm = make_company()
    make_participation(meeting, firm)
    point = make_commitment(meeting)
    Pledge.objects.create(organization=firm, commitment=point, basis=Pledge.Basis.NAMED)
    make_commitment(meeting)
    assert pledge_every_commitment(meeting) == 1
    assert Pledge.objects.get(commitment=point).basis == Pledge.Basis.NAMED

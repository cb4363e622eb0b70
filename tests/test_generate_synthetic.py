"""`manage.py generate_synthetic` fills the database with marked, deterministic, valid benchmark data."""

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Exists, OuterRef

from meetings.models import (
    ActionItem,
    Attendance,
    Commitment,
    Evidence,
    Industry,
    Meeting,
    MeetingSeries,
    MeetingSource,
    Organization,
    OrganizationAlias,
    Participation,
    Person,
    Pledge,
    Source,
    Verdict,
)
from meetings.status import Tracking
from meetings.synthetic import MARKER
from tests.factories import make_meeting, make_meeting_with_pledges, make_participation

pytestmark = pytest.mark.django_db

# The hidden "tiny" scale with seed 1: the totals of the scale are exact by construction,
# the rest follow from the seed.
TINY = {
    Industry: 11,
    Organization: 60,
    OrganizationAlias: 18,
    Person: 15,
    MeetingSeries: 1,
    Meeting: 12,
    Meeting.industries.through: 16,
    Source: 29,
    MeetingSource: 17,
    Participation: 114,
    Attendance: 28,
    Commitment: 60,
    ActionItem: 12,
    Pledge: 400,
    Evidence: 120,
}


def generate(*args, seed=1):
    out = StringIO()
    call_command("generate_synthetic", "--scale", "tiny", "--seed", str(seed), *args, stdout=out)
    return out.getvalue()


def dump():
    """A stable digest of the synthetic data: slugs in order and a hash of every text and link."""
    rows = [
        sorted(
            Organization.objects.values_list("slug", "name", "name_en", "kind", "province", "parent__slug")
        ),
        sorted(OrganizationAlias.objects.values_list("organization__slug", "name")),
        sorted(Person.objects.values_list("name", "name_en")),
        sorted(Meeting.objects.values_list("slug", "title", "summary", "held_on", "status", "series__slug")),
        sorted(Source.objects.values_list("url", "title", "published_on")),
        sorted(Participation.objects.values_list("meeting__slug", "organization__slug", "role")),
        sorted(Attendance.objects.values_list("meeting__slug", "person__name", "role", "title")),
        sorted(Commitment.objects.values_list("meeting__slug", "number", "heading", "body", "body_en")),
        sorted(ActionItem.objects.values_list("commitment__meeting__slug", "commitment__number", "deadline")),
        sorted(
            Pledge.objects.values_list(
                "commitment__meeting__slug",
                "commitment__number",
                "organization__slug",
                "status",
                "status_as_of",
            )
        ),
        sorted(
            Evidence.objects.values_list(
                "recorded_at", "observed_on", "verdict", "reason", "quote", "supersedes__recorded_at"
            )
        ),
    ]
    slugs = [slug for slug, *_ in rows[0]] + [slug for slug, *_ in rows[3]]
    return slugs, hashlib.sha256(repr(rows).encode()).hexdigest()


def test_it_creates_the_documented_counts():
    out = generate()
    assert {model: model.objects.count() for model in TINY} == TINY
    assert "Generated tiny (seed 1)" in out
    assert "pledges 400" in out


def test_it_marks_every_record_as_synthetic():
    generate()
    assert not Organization.objects.exclude(slug__startswith="syn-").exists()
    assert not Meeting.objects.exclude(slug__startswith="syn-").exists()
    assert not Person.objects.exclude(notes=MARKER).exists()
    assert not Source.objects.exclude(notes=MARKER).exists()


def test_the_same_seed_gives_the_same_data():
    generate(seed=5)
    first = dump()
    generate("--replace", seed=5)
    assert dump() == first
    generate("--replace", seed=6)
    assert dump() != first


def test_every_pledge_is_by_a_participant_of_its_meeting():
    generate()
    took_part = Participation.objects.filter(
        meeting=OuterRef("commitment__meeting"), organization=OuterRef("organization")
    )
    assert Pledge.objects.exclude(Exists(took_part)).count() == 0


def test_it_has_realistic_shapes():
    generate()
    assert set(Evidence.objects.values_list("verdict", flat=True)) == set(Verdict.values)
    assert Meeting.objects.filter(status=Meeting.Status.DRAFT).count() == 1
    assert Evidence.objects.filter(supersedes__isnull=False).count() == 1
    assert Organization.objects.filter(kind=Organization.Kind.GOVERNMENT).exists()
    assert Organization.objects.filter(parent__isnull=False).exists()
    assert Organization.objects.filter(name__contains="鎵").exists()
    assert ActionItem.objects.filter(recurrence=ActionItem.Recurrence.YEARLY).exists()
    busiest = Participation.objects.values("organization").order_by().annotate(n=Count("pk"))
    counts = sorted((row["n"] for row in busiest), reverse=True)
    assert counts[0] >= 3 * counts[len(counts) // 2]  # a few companies in many meetings


def test_stored_statuses_follow_the_rule():
    generate()
    ids = list(Commitment.objects.values_list("pk", flat=True))
    tracking = Tracking(ids)
    pledges = list(Pledge.objects.all())
    assert {p.status for p in pledges} - {Verdict.NO_RECORD}
    for pledge in pledges:
        finding = tracking.finding(pledge)
        expected = (finding.verdict, finding.as_of) if finding else (Verdict.NO_RECORD, None)
        assert (pledge.status, pledge.status_as_of) == expected, pledge


def test_it_refuses_a_second_run_without_replace():
    generate()
    with pytest.raises(CommandError, match="--replace"):
        generate()


def test_replace_deletes_only_synthetic_data():
    real, _, _ = make_meeting_with_pledges(companies=2, commitments=2)
    generate()
    out = generate("--replace", seed=2)
    assert "deleted" in out
    assert Meeting.objects.filter(pk=real.pk).exists()
    assert Pledge.objects.filter(commitment__meeting=real).count() == 4
    assert Pledge.objects.count() == 400 + 4
    assert Meeting.objects.filter(slug__startswith="syn-").count() == 12


def test_public_pages_of_synthetic_records_answer(client):
    generate()
    meeting = Meeting.objects.published().filter(commitments__pledges__isnull=False).first()
    company = meeting.participations.filter(organization__kind=Organization.Kind.COMPANY).first().organization
    commitment = meeting.commitments.first()
    for url in (meeting.get_absolute_url(), company.get_absolute_url(), commitment.get_absolute_url()):
        assert client.get(url).status_code == 200, url


def test_replace_refuses_when_real_records_use_synthetic_ones():
    generate()
    firm = Organization.objects.filter(kind=Organization.Kind.COMPANY).first()
    real = make_meeting(slug="real-meeting")
    make_participation(real, firm)
    with pytest.raises(CommandError, match="real records use it"):
        generate("--replace")
    assert Pledge.objects.count() == 400
    assert Participation.objects.filter(meeting=real, organization=firm).exists()

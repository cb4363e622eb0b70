"""Organization.is_public: stored, and always equal to its rule after any write."""

import pytest
from django.core.management import call_command

from meetings.models import Meeting, Organization, Participation
from tests.factories import make_company, make_meeting, make_organization, make_participation


def assert_flags_follow_the_rule():
    stored = set(Organization.objects.filter(is_public=True).values_list("slug", flat=True))
    rule = set(Organization.objects.filter(Organization.public_condition()).values_list("slug", flat=True))
    assert stored == rule
    return stored


def test_the_founding_record_makes_its_organizations_public(founding_record):
    public = assert_flags_follow_the_rule()
    assert {
        "chalco",
        "cnia",
        "mofcom",
        "mofcom-bureau-of-industrial-security-import-and-export-control",
    } <= public
    # 商務部 itself did not take part: its bureau did, which makes it public as the parent.
    assert Organization.objects.public().filter(slug="mofcom").exists()


def test_unpublishing_and_publishing_a_meeting(founding_record):
    founding_record.status = Meeting.Status.DRAFT
    founding_record.save()
    assert assert_flags_follow_the_rule() == set()
    assert not Organization.objects.public().exists()
    founding_record.status = Meeting.Status.PUBLISHED
    founding_record.save()
    assert "chalco" in assert_flags_follow_the_rule()


def test_a_company_known_only_from_a_draft_is_not_public(db):
    draft = make_meeting(status=Meeting.Status.DRAFT)
    firm = make_company()
    make_participation(draft, firm)
    assert firm.slug not in assert_flags_follow_the_rule()


def test_deleting_the_only_participation_makes_it_private_again(db):
    meeting = make_meeting()
    firm = make_company()
    taking_part = make_participation(meeting, firm)
    assert firm.slug in assert_flags_follow_the_rule()
    taking_part.delete()
    assert firm.slug not in assert_flags_follow_the_rule()


def test_a_new_organizer_is_public_and_the_old_one_no_longer(db):
    old, new = make_organization(), make_organization()
    meeting = make_meeting(organizer=old)
    assert old.slug in assert_flags_follow_the_rule()
    meeting.organizer = new
    meeting.save()
    public = assert_flags_follow_the_rule()
    assert new.slug in public and old.slug not in public


def test_moving_a_branch_moves_the_parents_publicity(db):
    first, second = make_organization(), make_organization()
    branch = make_organization(parent=first)
    make_participation(make_meeting(), branch)
    assert first.slug in assert_flags_follow_the_rule()
    branch.parent = second
    branch.save()
    public = assert_flags_follow_the_rule()
    assert second.slug in public and first.slug not in public


def test_deleting_a_meeting_updates_everyone_in_it(db):
    organizer, firm = make_organization(), make_company()
    meeting = make_meeting(organizer=organizer)
    make_participation(meeting, firm)
    meeting.delete()
    public = assert_flags_follow_the_rule()
    assert organizer.slug not in public and firm.slug not in public


def test_bulk_generated_data_gets_its_flags(db):
    call_command("generate_synthetic", scale="tiny", seed=5, verbosity=0)
    public = assert_flags_follow_the_rule()
    assert len(public) > 10
    assert Participation.objects.exists()
    conveners = assert_convenes_follows_the_rule()
    assert conveners and conveners <= public


@pytest.mark.parametrize("url", ["/companies/", "/companies/chalco/", "/organizations/mofcom/"])
def test_public_pages_read_the_flag(client, founding_record, url):
    assert client.get(url).status_code == 200
    Organization.objects.update(is_public=False)  # as if nothing were published
    assert client.get(url).status_code in (200, 404)
    if url != "/companies/":
        assert client.get(url).status_code == 404
    else:
        assert client.get(url).context["page"].paginator.count == 0


def assert_convenes_follows_the_rule():
    stored = set(Organization.objects.filter(convenes=True).values_list("slug", flat=True))
    rule = set(Organization.objects.filter(Organization.convening_condition()).values_list("slug", flat=True))
    assert stored == rule
    return stored


def _organizer_choices(client):
    return [
        slug for slug, _label in client.get("/meetings/").context["filter"].form.fields["organizer"].choices
    ][1:]


def test_convenes_follows_the_founding_record_and_its_status(client, founding_record):
    assert assert_convenes_follows_the_rule() == {"cnia"}
    assert _organizer_choices(client) == ["cnia"]
    founding_record.status = Meeting.Status.DRAFT
    founding_record.save()
    assert assert_convenes_follows_the_rule() == set()
    assert _organizer_choices(client) == []


def test_a_new_organizer_convenes_and_the_old_one_no_longer(client, db):
    old, new = make_organization(slug="old-org"), make_organization(slug="new-org")
    meeting = make_meeting(organizer=old)
    draft = make_meeting(organizer=new, status=Meeting.Status.DRAFT)
    assert assert_convenes_follows_the_rule() == {"old-org"}
    meeting.organizer = new
    meeting.save()
    assert assert_convenes_follows_the_rule() == {"new-org"}
    assert _organizer_choices(client) == ["new-org"]
    meeting.delete()
    draft.delete()
    assert assert_convenes_follows_the_rule() == set()


def test_taking_part_does_not_make_an_organization_a_convener(db):
    meeting = make_meeting()
    firm = make_company()
    make_participation(meeting, firm)
    assert firm.slug not in assert_convenes_follows_the_rule()


def test_a_participation_saved_leaves_convenes_alone(db):
    """Only a meeting's status or organizer changes who convenes; imports save many participations."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    meeting = make_meeting()
    firm = make_company()
    with CaptureQueriesContext(connection) as queries:
        make_participation(meeting, firm)
    assert any('"is_public"' in q["sql"] for q in queries.captured_queries)
    assert not any('"convenes"' in q["sql"] for q in queries.captured_queries)
    assert_convenes_follows_the_rule()

"""The admin's roles: an editor edits, a viewer reads, an outsider gets nothing.

The groups come from the migration ``0010_editor_and_viewer_groups``; the ``roles`` fixture
runs it again (it is idempotent), since tests that empty the database remove them.
"""

import datetime
import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from meetings.models import Evidence, Meeting, Verdict
from tests.factories import make_commitment, make_company, make_meeting, make_participation, make_source
from tests.test_admin import submitted

groups_migration = importlib.import_module("meetings.migrations.0010_editor_and_viewer_groups")
PASSWORD = "a-long-password"


def admin_url(model, view, *args):
    return reverse(f"admin:meetings_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def roles(db):
    groups_migration.create_groups(apps, None)


@pytest.fixture
def person(roles, django_user_model, client):
    """``person("editor")``: the test client, signed in as a staff member of that group."""

    def sign_in(group=None, is_staff=True):
        user = django_user_model.objects.create_user(f"user-of-{group}", password=PASSWORD, is_staff=is_staff)
        if group:
            user.groups.add(Group.objects.get(name=group))
        client.force_login(user)
        return client

    return sign_in


# --- The groups ----------------------------------------------------------------------------


def test_the_migration_made_both_groups_with_this_apps_permissions(roles):
    editor = set(Group.objects.get(name="editor").permissions.values_list("codename", flat=True))
    viewer = set(Group.objects.get(name="viewer").permissions.values_list("codename", flat=True))
    assert {"add_meeting", "change_meeting", "delete_meeting", "view_meeting", "add_evidence"} <= editor
    assert viewer == {codename for codename in editor if codename.startswith("view_")}
    assert len(viewer) == 16  # one per model of the app, the edit history's aside
    assert "delete_published_meeting" not in editor
    every = Permission.objects.filter(group__name__in=["editor", "viewer"])
    assert set(every.values_list("content_type__app_label", flat=True)) == {"meetings"}


def test_running_the_migration_again_changes_nothing(roles):
    before = {group.name: set(group.permissions.all()) for group in Group.objects.all()}
    groups_migration.create_groups(apps, None)
    after = {group.name: set(group.permissions.all()) for group in Group.objects.all()}
    assert before == after
    assert Group.objects.count() == 2


def test_running_it_again_never_takes_a_permission_away(roles):
    viewer = Group.objects.get(name="viewer")
    extra = Permission.objects.get(codename="add_source")
    viewer.permissions.add(extra)
    groups_migration.create_groups(apps, None)
    assert extra in viewer.permissions.all()


# --- Editor --------------------------------------------------------------------------------


def test_an_editor_opens_and_saves_a_meetings_change_form(person):
    client = person("editor")
    meeting = make_meeting()
    url = admin_url(Meeting, "change", meeting.pk)
    data = submitted(client.get(url)) | {"title_en": "Corrected English title"}

    response = client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    meeting.refresh_from_db()
    assert meeting.title_en == "Corrected English title"


def test_an_editor_adds_evidence(person):
    client = person("editor")
    commitment = make_commitment(make_meeting())
    data = {
        "commitment": commitment.pk,
        "observed_on": "2024-06-01",
        "observed_on_precision": "day",
        "verdict": Verdict.IN_PROGRESS,
        "summary_en": "The second symposium was announced.",
        "source": make_source().pk,
        "quote": "第二屆座談會將於明年舉行。",
    }
    response = client.post(admin_url(Evidence, "add"), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert commitment.evidence.get().verdict == Verdict.IN_PROGRESS


def test_an_editor_sees_no_delete_button_and_is_refused_deleting_a_published_meeting(person):
    client = person("editor")
    meeting = make_meeting(status=Meeting.Status.PUBLISHED)

    change = client.get(admin_url(Meeting, "change", meeting.pk))
    assert change.status_code == 200
    assert admin_url(Meeting, "delete", meeting.pk) not in change.text
    assert client.get(admin_url(Meeting, "delete", meeting.pk)).status_code == 403
    assert client.post(admin_url(Meeting, "delete", meeting.pk), {"post": "yes"}).status_code == 403
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_an_editor_cannot_delete_a_meeting_that_was_published_and_returned_to_draft(person):
    client = person("editor")
    meeting = make_meeting(status=Meeting.Status.PUBLISHED)
    meeting.status = Meeting.Status.DRAFT
    meeting.save()

    assert client.post(admin_url(Meeting, "delete", meeting.pk), {"post": "yes"}).status_code == 403
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_an_editor_deletes_a_draft_that_was_never_published(person):
    client = person("editor")
    draft = make_meeting(status=Meeting.Status.DRAFT)

    assert admin_url(Meeting, "delete", draft.pk) in client.get(admin_url(Meeting, "change", draft.pk)).text
    response = client.post(admin_url(Meeting, "delete", draft.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Meeting.objects.filter(pk=draft.pk).exists()


def bulk_delete(client, *meetings):
    data = {"action": "delete_selected", "_selected_action": [m.pk for m in meetings], "post": "yes"}
    return client.post(admin_url(Meeting, "changelist"), data, follow=True)


def test_an_editors_bulk_delete_with_a_published_meeting_deletes_nothing_and_names_it(person):
    client = person("editor")
    draft = make_meeting(status=Meeting.Status.DRAFT)
    published = make_meeting(status=Meeting.Status.PUBLISHED, title_en="The published one")

    response = bulk_delete(client, draft, published)

    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith("Nothing was deleted: these meetings have been published")
    assert "The published one" in message
    assert Meeting.objects.count() == 2


def test_an_editors_bulk_delete_of_drafts_deletes_them(person):
    client = person("editor")
    drafts = [make_meeting(status=Meeting.Status.DRAFT) for _ in range(2)]
    bulk_delete(client, *drafts)
    assert not Meeting.objects.exists()


def test_an_administrator_may_delete_a_published_meeting(editor_client):
    published = make_meeting(status=Meeting.Status.PUBLISHED)
    response = editor_client.post(admin_url(Meeting, "delete", published.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("url", ["/admin/auth/user/", "/admin/auth/group/", "/admin/auth/user/add/"])
def test_an_editor_cannot_manage_users_or_groups(person, url):
    client = person("editor")
    assert client.get(url).status_code == 403
    index = client.get("/admin/").text
    assert "/admin/auth/user/" not in index and "/admin/auth/group/" not in index
    assert "/admin/meetings/meeting/" in index


def test_an_editor_cannot_see_sign_in_records(person):
    assert person("editor").get("/admin/axes/accessattempt/").status_code == 403


# --- Viewer --------------------------------------------------------------------------------


@pytest.mark.parametrize("model", [Meeting, Evidence])
def test_a_viewer_sees_the_lists(person, model):
    meeting = make_meeting()
    commitment = make_commitment(meeting)
    Evidence.objects.create(
        commitment=commitment,
        observed_on=datetime.date(2024, 6, 1),
        verdict=Verdict.IN_PROGRESS,
        summary_en="Announced.",
        source=make_source(),
        quote="宣布。",
    )
    response = person("viewer").get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert 'name="action"' not in response.text  # no actions, no bulk delete


def test_a_viewer_sees_a_change_page_read_only_and_cannot_post_changes(person):
    client = person("viewer")
    meeting = make_meeting(title_en="Read only")
    make_participation(meeting, make_company())
    url = admin_url(Meeting, "change", meeting.pk)

    page = client.get(url)
    assert page.status_code == 200
    assert "Read only" in page.text
    assert 'name="_save"' not in page.text and 'name="title_en"' not in page.text

    response = client.post(url, {"title_en": "Changed by a viewer"})
    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.title_en == "Read only"


@pytest.mark.parametrize("view", ["add", "delete"])
def test_a_viewer_cannot_add_or_delete(person, view):
    meeting = make_meeting()
    args = [meeting.pk] if view == "delete" else []
    client = person("viewer")
    assert client.get(admin_url(Meeting, view, *args)).status_code == 403
    assert client.post(admin_url(Meeting, view, *args), {"post": "yes"}).status_code == 403
    assert Meeting.objects.count() == 1


def test_a_viewer_cannot_open_the_article_screen(person):
    assert person("viewer").get("/admin/meetings/meeting/from-article/").status_code == 403


# --- Outsiders -----------------------------------------------------------------------------


def test_staff_without_a_group_sees_nothing(person):
    client = person(None)
    meeting = make_meeting()
    index = client.get("/admin/")
    assert index.status_code == 200
    assert "/admin/meetings/" not in index.text
    for url in [admin_url(Meeting, "changelist"), admin_url(Meeting, "change", meeting.pk)]:
        assert client.get(url).status_code == 403
    assert client.post(admin_url(Meeting, "change", meeting.pk), {"title_en": "x"}).status_code == 403


@pytest.mark.parametrize("signed_in", [True, False], ids=["non-staff user", "anonymous"])
def test_a_non_staff_user_or_anonymous_visitor_is_sent_to_sign_in(person, client, signed_in):
    if signed_in:
        person("editor", is_staff=False)
    meeting = make_meeting()
    for url in ["/admin/", admin_url(Meeting, "changelist"), admin_url(Meeting, "change", meeting.pk)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    response = client.post(admin_url(Meeting, "change", meeting.pk), {"title_en": "x"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title_en != "x"

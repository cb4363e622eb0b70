"""The admin, where editors enter the record."""

from datetime import date
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from simple_history.models import HistoricalChanges

from meetings.models import (
    ActionItem,
    Commitment,
    CommitmentReview,
    Meeting,
    MeetingSource,
    Organization,
    OrganizationAlias,
    OrganizationIndustry,
    Participation,
    Pledge,
)
from tests.factories import (
    make_action_item,
    make_attendance,
    make_commitment,
    make_company,
    make_evidence,
    make_industry,
    make_meeting,
    make_organization,
    make_participation,
    make_person,
    make_pledge,
    make_series,
    make_source,
)

pytestmark = pytest.mark.django_db

REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "meetings"),
    key=lambda model: model._meta.model_name,
)
NOT_AT_THE_MEETING = "This organization did not take part in the meeting"


def make_record():
    """A meeting with a row in every table, so every changelist has something to show."""
    series = make_series()
    meeting = make_meeting(
        industries=[make_industry()],
        held_on=date(2023, 5, 1),
        held_on_precision="day",
        series=series,
        edition=1,
    )
    company = make_company()
    OrganizationAlias.objects.create(organization=company, name=f"{company.name_en} alias")
    commitment = make_commitment(meeting)
    pledge = make_pledge(company, commitment)
    make_attendance(meeting, make_person(), organization=company)
    MeetingSource.objects.create(meeting=meeting, source=make_source(), quote="原文")
    item = make_action_item(
        commitment, recurrence=ActionItem.Recurrence.YEARLY, recurs_from=2023, series=series
    )
    make_evidence(pledge=pledge)
    make_evidence(action_item=item, occurrence=2024)
    later = make_meeting(organizer=meeting.organizer, held_on=date(2024, 5, 1), held_on_precision="day")
    CommitmentReview.objects.create(meeting=later, commitment=commitment, outcome="reaffirmed")
    return meeting


def admin_url(model, view, *args):
    return reverse(f"admin:meetings_{model._meta.model_name}_{view}", args=args)


def submitted(response):
    """What the browser would send back for the change form in ``response``, unchanged."""
    data, forms = {}, [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(key): value for key, value in management.initial.items()})
        forms += inline.formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None and value is not False:  # an unticked box sends nothing
                data[form.add_prefix(name)] = value
    return data


@pytest.fixture
def meeting_with_participants():
    """Two companies and a government body at a meeting with three points."""
    meeting = make_meeting()
    for _ in range(2):
        make_participation(meeting, make_company())
    government = make_organization(kind=Organization.Kind.GOVERNMENT)
    make_participation(meeting, government, role=Participation.Role.GOVERNMENT)
    for _ in range(3):
        make_commitment(meeting)
    return meeting


def run_action(client, action, *meetings):
    data = {"action": action, "_selected_action": [meeting.pk for meeting in meetings]}
    return client.post(admin_url(Meeting, "changelist"), data, follow=True)


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


# --- Every page loads --------------------------------------------------------------


def test_every_model_but_the_alias_has_its_own_admin():
    models = {m for m in admin.site._registry if m._meta.app_label == "meetings"}
    expected = {
        model
        for model in apps.get_app_config("meetings").get_models()
        if not issubclass(model, HistoricalChanges)  # edit history: shown on each record's page
    } - {OrganizationAlias, OrganizationIndustry}  # edited on its organization; derived, never edited
    assert models == expected


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.model_name)
def test_every_admin_screen_shows_the_edit_history_of_a_record(editor_client, model):
    make_record()
    obj = model.objects.first()
    response = editor_client.get(admin_url(model, "history", obj.pk))
    assert response.status_code == 200
    assert 'id="change-history"' in response.text


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.model_name)
def test_changelist_add_and_change_pages_load_for_an_editor(editor_client, model):
    make_record()
    obj = model.objects.first()
    for url in [
        admin_url(model, "changelist"),
        admin_url(model, "add"),
        admin_url(model, "change", obj.pk),
    ]:
        assert editor_client.get(url).status_code == 200, url


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.model_name)
def test_changelist_queries_do_not_grow_with_the_rows(editor_client, model):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(admin_url(model, "changelist")).status_code == 200
        return len(queries)

    make_record()
    one_record = count_queries()
    make_record(), make_record()
    assert count_queries() == one_record


def test_meeting_changelist_searches_and_links_to_the_public_page(editor_client):
    meeting = make_meeting(title_en="Gallium symposium")
    make_meeting(title_en="Germanium forum")
    response = editor_client.get(admin_url(Meeting, "changelist"), {"q": "gallium"})
    assert list(response.context["cl"].result_list) == [meeting]
    assert f'href="/meetings/{meeting.slug}/"' in response.text


def test_organization_changelist_finds_an_organization_by_its_alias(editor_client):
    company = make_company(name="中國鋁業股份有限公司", name_en="Aluminum Corporation of China")
    OrganizationAlias.objects.create(organization=company, name="中鋁")
    make_company()
    response = editor_client.get(admin_url(Organization, "changelist"), {"q": "中鋁"})
    assert list(response.context["cl"].result_list) == [company]


@pytest.mark.parametrize("url", ["/admin/", "/admin/meetings/meeting/"])
def test_an_anonymous_visitor_is_sent_to_the_admin_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(f"{reverse('admin:login')}?next=")


# --- View on site ------------------------------------------------------------------


def test_view_on_site_for_a_meeting_redirects_to_its_public_page(editor_client):
    meeting = make_meeting(slug="gallium-symposium-2023")
    content_type = ContentType.objects.get_for_model(Meeting)
    view_on_site = reverse("admin:view_on_site", args=[content_type.pk, meeting.pk])

    assert view_on_site in editor_client.get(admin_url(Meeting, "change", meeting.pk)).text
    response = editor_client.get(view_on_site)
    assert response.status_code == 302
    assert urlsplit(response.url).path == "/meetings/gallium-symposium-2023/"


def test_a_draft_meeting_offers_no_view_on_site_link(editor_client):
    meeting = make_meeting(status=Meeting.Status.DRAFT)
    response = editor_client.get(admin_url(Meeting, "change", meeting.pk))
    assert "View on site" not in response.text


# --- Editing a meeting -------------------------------------------------------------


def test_editing_a_meeting_saves_a_new_english_title_and_keeps_its_rows(editor_client):
    meeting = make_record()
    url = admin_url(Meeting, "change", meeting.pk)
    data = submitted(editor_client.get(url)) | {"title_en": "Gallium industry symposium"}

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    meeting.refresh_from_db()
    assert meeting.title_en == "Gallium industry symposium"
    assert meeting.participations.count() == 1
    assert meeting.commitments.get().pledges.count() == 1


# --- Pledges -----------------------------------------------------------------------


def test_pledge_action_pledges_every_commitment_for_every_company(editor_client, meeting_with_participants):
    response = run_action(editor_client, "pledge_every_commitment", meeting_with_participants)

    assert messages_of(response) == ["Created 6 pledges across 1 meeting."]
    assert Pledge.objects.count() == 6
    assert not Pledge.objects.exclude(organization__kind=Organization.Kind.COMPANY).exists()


def test_pledge_action_run_twice_creates_nothing_new_and_says_so(editor_client, meeting_with_participants):
    run_action(editor_client, "pledge_every_commitment", meeting_with_participants)
    response = run_action(editor_client, "pledge_every_commitment", meeting_with_participants)

    assert Pledge.objects.count() == 6
    assert messages_of(response)[0].startswith("Created no pledges across 1 meeting:")


def test_pledge_action_does_not_run_on_a_get(editor_client, meeting_with_participants):
    url = admin_url(Meeting, "changelist")
    params = {"action": "pledge_every_commitment", "_selected_action": meeting_with_participants.pk}
    editor_client.get(url, params)
    assert not Pledge.objects.exists()


def test_commitment_form_refuses_a_pledge_by_an_organization_not_at_the_meeting(editor_client):
    commitment = make_commitment(make_meeting())
    make_pledge(make_company(), commitment)
    url = admin_url(Commitment, "change", commitment.pk)
    data = submitted(editor_client.get(url))
    data |= {"pledges-TOTAL_FORMS": 2, "pledges-1-organization": make_company().pk}
    data |= {"pledges-1-basis": Pledge.Basis.NAMED}

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert NOT_AT_THE_MEETING in response.text
    assert Pledge.objects.count() == 1


def test_pledge_add_form_refuses_an_organization_not_at_the_meeting(editor_client):
    commitment = make_commitment(make_meeting())
    data = {
        "commitment": commitment.pk,
        "organization": make_company().pk,
        "basis": Pledge.Basis.NAMED,
    }

    response = editor_client.post(admin_url(Pledge, "add"), data)

    assert response.status_code == 200
    assert NOT_AT_THE_MEETING in response.text
    assert not Pledge.objects.exists()


def test_pledge_add_form_accepts_a_participant(editor_client):
    commitment = make_commitment(make_meeting())
    company = make_company()
    make_participation(commitment.meeting, company)
    data = {"commitment": commitment.pk, "organization": company.pk, "basis": "participation"}

    response = editor_client.post(admin_url(Pledge, "add"), data)

    assert response.status_code == 302
    assert Pledge.objects.get().organization == company


# --- Drafts ------------------------------------------------------------------------


def test_publish_and_return_to_draft_actions_change_the_status(editor_client):
    draft = make_meeting(status=Meeting.Status.DRAFT)

    response = run_action(editor_client, "publish", draft)
    draft.refresh_from_db()
    assert draft.status == Meeting.Status.PUBLISHED
    assert messages_of(response) == ["1 meeting is now published."]

    run_action(editor_client, "return_to_draft", draft)
    draft.refresh_from_db()
    assert draft.status == Meeting.Status.DRAFT


def test_meeting_changelist_filters_drafts(editor_client):
    draft = make_meeting(status=Meeting.Status.DRAFT)
    make_meeting(status=Meeting.Status.PUBLISHED)
    response = editor_client.get(admin_url(Meeting, "changelist"), {"status__exact": "draft"})
    assert list(response.context["cl"].result_list) == [draft]

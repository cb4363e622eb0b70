"""No lost edits: two editors on one record, and deleting what other records depend on."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from meetings.models import (
    ActionItem,
    Commitment,
    Evidence,
    Meeting,
    Organization,
    Participation,
    Person,
    Pledge,
    Source,
)
from tests.factories import (
    make_action_item,
    make_commitment,
    make_company,
    make_evidence,
    make_meeting,
    make_participation,
    make_person,
    make_pledge,
    make_source,
)
from tests.test_admin import submitted

CHANGED_SINCE = "after you opened it. Nothing was saved"


def admin_url(model, view, *args):
    return reverse(f"admin:meetings_{model._meta.model_name}_{view}", args=args)


def signed_in(django_user_model, name):
    client = Client()
    client.force_login(django_user_model.objects.create_superuser(name, f"{name}@example.org", "a-long-pass"))
    return client


@pytest.fixture
def first(django_user_model):
    return signed_in(django_user_model, "first")


@pytest.fixture
def second(django_user_model):
    return signed_in(django_user_model, "second")


def errors_of(response):
    return " ".join(str(error) for error in response.context["adminform"].form.non_field_errors())


def two_editors_save(first, second, url, first_change, second_change):
    """Both open the page, the first saves, then the second; returns the second's answer."""
    first_form, second_form = submitted(first.get(url)), submitted(second.get(url))
    response = first.post(url, first_form | first_change)
    assert response.status_code == 302, response.context and response.context["errors"]
    return second.post(url, second_form | second_change)


def make_meeting_record():
    meeting = make_meeting(title_en="Before")
    make_participation(meeting, make_company())
    make_pledge(make_company(), make_commitment(meeting))
    return meeting


RECORDS = {
    "meeting": (Meeting, make_meeting_record, "title_en"),
    "organization": (Organization, make_company, "name_en"),
    "person": (Person, make_person, "name_en"),
    "commitment": (Commitment, lambda: make_commitment(make_meeting()), "heading_en"),
    "pledge": (Pledge, lambda: make_pledge(make_company(), make_commitment(make_meeting())), "source_quote"),
    "source": (Source, make_source, "title_en"),
    "action item": (ActionItem, lambda: make_action_item(make_commitment(make_meeting())), "text_en"),
}


@pytest.mark.parametrize("kind", RECORDS)
def test_the_second_of_two_concurrent_saves_is_refused_and_the_first_is_kept(first, second, kind):
    model, make, field = RECORDS[kind]
    record = make()
    url = admin_url(model, "change", record.pk)

    response = two_editors_save(first, second, url, {field: "First editor's words"}, {field: "Second's"})

    assert response.status_code == 200
    message = errors_of(response)
    assert message.startswith("This record was changed by first at ")
    assert CHANGED_SINCE in message
    assert "Nothing was saved" in response.text
    record.refresh_from_db()
    assert getattr(record, field) == "First editor's words"


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_save_waits_for_one_in_progress_and_then_sees_it(first, second):
    # Two saves at the same moment: the row lock makes the second wait for the first to commit,
    # so its check reads the first's change instead of the row as it was before both.
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks: it runs one write transaction at a time")
    person = make_person(name_en="Before")
    url = admin_url(Person, "change", person.pk)
    opened = submitted(second.get(url))
    answers = []

    def second_saves():
        try:
            answers.append(second.post(url, opened | {"name_en": "Second"}))
        finally:
            connection.close()

    with transaction.atomic():
        saving = Person.objects.select_for_update().get(pk=person.pk)  # the first save, under way
        waiting = threading.Thread(target=second_saves)
        waiting.start()
        time.sleep(1)
        assert waiting.is_alive()  # blocked on the row
        saving.name_en = "First"
        saving.save()
    waiting.join(30)

    assert answers[0].status_code == 200
    assert CHANGED_SINCE in errors_of(answers[0])
    person.refresh_from_db()
    assert person.name_en == "First"


def test_the_refusal_names_the_time_of_the_first_save(first, second):
    meeting = make_meeting_record()
    url = admin_url(Meeting, "change", meeting.pk)
    response = two_editors_save(first, second, url, {"title_en": "One"}, {"title_en": "Two"})
    saved = meeting.history.latest("history_date").history_date
    assert f"changed by first at {saved:%Y-%m-%d %H:%M} UTC" in errors_of(response)


def test_nothing_of_the_refused_page_is_saved_not_even_its_inline_rows(first, second):
    meeting = make_meeting_record()
    participation = meeting.participations.get(organization__pledges__isnull=True)
    url = admin_url(Meeting, "change", meeting.pk)
    rows = {f"participations-{i}-id": p.pk for i, p in enumerate(meeting.participations.all())}
    row = next(key for key, pk in rows.items() if pk == participation.pk).removesuffix("-id")

    response = two_editors_save(
        first, second, url, {"summary_en": "First"}, {f"{row}-source_quote": "The second editor's quote"}
    )

    assert response.status_code == 200
    participation.refresh_from_db()
    assert participation.source_quote == ""
    meeting.refresh_from_db()
    assert meeting.summary_en == "First"


def test_an_inline_row_changed_on_its_own_page_is_not_overwritten_from_the_meeting_page(first, second):
    meeting = make_meeting_record()
    participation = meeting.participations.first()
    meeting_url = admin_url(Meeting, "change", meeting.pk)
    stale = submitted(second.get(meeting_url))
    row = next(key for key, value in stale.items() if key.endswith("-id") and value == participation.pk)
    row = row.removesuffix("-id")

    own_page = admin_url(Participation, "change", participation.pk)
    change = {"source_quote": "Quoted by the first editor"}
    assert first.post(own_page, submitted(first.get(own_page)) | change).status_code == 302

    response = second.post(meeting_url, stale | {f"{row}-source_quote": "Quoted by the second editor"})

    assert response.status_code == 200
    inlines = response.context["inline_admin_formsets"]
    formset = next(inline.formset for inline in inlines if inline.formset.prefix == "participations")
    assert any(CHANGED_SINCE in str(form.non_field_errors()) for form in formset.forms)
    participation.refresh_from_db()
    assert participation.source_quote == "Quoted by the first editor"


def test_a_pledge_changed_on_its_page_is_not_overwritten_from_its_commitments_page(first, second):
    pledge = make_pledge(make_company(), make_commitment(make_meeting()))
    commitment_url = admin_url(Commitment, "change", pledge.commitment_id)
    stale = submitted(second.get(commitment_url))

    pledge_url = admin_url(Pledge, "change", pledge.pk)
    change = {"source_quote": "First"}
    assert first.post(pledge_url, submitted(first.get(pledge_url)) | change).status_code == 302
    response = second.post(commitment_url, stale | {"pledges-0-source_quote": "Second"})

    assert response.status_code == 200
    pledge.refresh_from_db()
    assert pledge.source_quote == "First"


def test_one_editor_saving_again_from_a_fresh_page_is_not_refused(first):
    meeting = make_meeting_record()
    url = admin_url(Meeting, "change", meeting.pk)
    for title in ["One", "Two", "Three"]:
        assert first.post(url, submitted(first.get(url)) | {"title_en": title}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.title_en == "Three"


def test_evidence_added_meanwhile_does_not_refuse_an_open_pledge_page(first, second):
    # Adding evidence rewrites the pledges' derived status, which is not on the form.
    pledge = make_pledge(make_company(), make_commitment(make_meeting()))
    url = admin_url(Pledge, "change", pledge.pk)
    opened = submitted(first.get(url))
    entry = {
        "pledge": pledge.pk,
        "observed_on": "2024-06-01",
        "observed_on_precision": "day",
        "verdict": "fulfilled",
        "summary_en": "Done.",
        "source": make_source().pk,
        "quote": "已完成。",
    }
    assert second.post(admin_url(Evidence, "add"), entry).status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == "fulfilled"

    assert first.post(url, opened | {"source_quote": "Still mine"}).status_code == 302
    pledge.refresh_from_db()
    assert pledge.source_quote == "Still mine"


def test_a_form_without_the_version_it_was_opened_at_is_refused(first):
    person = make_person(name_en="Before")
    url = admin_url(Person, "change", person.pk)
    data = submitted(first.get(url))
    del data["loaded_version"]

    response = first.post(url, data | {"name_en": "After"})

    assert response.status_code == 200
    assert CHANGED_SINCE in errors_of(response)
    person.refresh_from_db()
    assert person.name_en == "Before"


def test_the_history_revert_page_still_saves(first):
    person = make_person(name_en="Original")
    url = admin_url(Person, "change", person.pk)
    first.post(url, submitted(first.get(url)) | {"name_en": "Changed"})
    original = person.history.earliest("history_date")
    revert_url = reverse("admin:meetings_person_simple_history", args=[person.pk, original.history_id])

    form = first.get(revert_url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}

    response = first.post(revert_url, data)

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name_en == "Original"


def test_the_version_is_a_hidden_field_on_the_page_and_on_each_saved_row(first):
    meeting = make_meeting_record()
    html = first.get(admin_url(Meeting, "change", meeting.pk)).text
    assert html.count('type="hidden" name="loaded_version"') == 1
    assert 'type="hidden" name="participations-0-loaded_version"' in html
    assert 'type="hidden" name="commitments-0-loaded_version"' in html
    assert '<fieldset class="module aligned hidden">' in html  # its fieldset is not shown


# --- Deleting what others depend on ----------------------------------------------------------


def test_deleting_an_organization_with_pledges_lists_them_and_deletes_nothing(first):
    company = make_company(name_en="Pledging Co")
    pledge = make_pledge(company, make_commitment(make_meeting()))
    url = admin_url(Organization, "delete", company.pk)

    page = first.get(url)
    assert page.status_code == 200
    assert "would require deleting the following protected related objects" in page.text
    assert str(pledge) in page.text

    response = first.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert Organization.objects.filter(pk=company.pk).exists()
    assert Pledge.objects.filter(pk=pledge.pk).exists()


def test_deleting_a_meeting_with_commitments_lists_them_and_deletes_nothing(first):
    meeting = make_meeting_record()
    commitment = meeting.commitments.get()
    before = {model: model.objects.count() for model in (Meeting, Commitment, Pledge, Participation)}
    url = admin_url(Meeting, "delete", meeting.pk)

    page = first.get(url)
    assert "would require deleting the following protected related objects" in page.text
    assert str(commitment) in page.text

    first.post(url, {"post": "yes"})
    assert {model: model.objects.count() for model in before} == before


def test_bulk_deleting_organizations_with_dependants_deletes_none_of_them(first):
    pledging = make_company()
    make_pledge(pledging, make_commitment(make_meeting()))
    free = make_company()
    data = {"action": "delete_selected", "_selected_action": [pledging.pk, free.pk], "post": "yes"}

    response = first.post(admin_url(Organization, "changelist"), data)

    assert "protected related objects" in response.text
    assert Organization.objects.filter(pk__in=[pledging.pk, free.pk]).count() == 2


def test_deleting_a_source_cited_by_evidence_is_refused(first):
    source = make_source()
    make_evidence(commitment=make_commitment(make_meeting()), source=source)
    first.post(admin_url(Source, "delete", source.pk), {"post": "yes"})
    assert Source.objects.filter(pk=source.pk).exists()
    assert Evidence.objects.count() == 1


def test_an_organization_nothing_depends_on_can_be_deleted(first):
    company = make_company()
    response = first.post(admin_url(Organization, "delete", company.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Organization.objects.filter(pk=company.pk).exists()

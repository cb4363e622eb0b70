"""The admin's tracking screens: append-only evidence, action items, derived statuses, overdue filters."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.admin.evidence import APPEND_ONLY
from meetings.admin.filters import overdue_action_items
from meetings.models import ActionItem, Commitment, Evidence, Meeting, Pledge, Verdict
from meetings.status import Tracking, refresh_pledge_statuses
from tests.factories import (
    make_action_item,
    make_commitment,
    make_company,
    make_evidence,
    make_meeting,
    make_meeting_with_pledges,
    make_participation,
    make_series,
    make_source,
)
from tests.test_admin import admin_url, run_action, submitted

pytestmark = pytest.mark.django_db

D = datetime.date
NEEDS_A_REASON = "'Not met' and 'withdrawn' need a written reason."


@pytest.fixture
def point():
    """One commitment pledged by two companies: (commitment, pledge of A, pledge of B)."""
    _, firms, (commitment,) = make_meeting_with_pledges(companies=2, commitments=1)
    first, second = (Pledge.objects.get(organization=firm) for firm in firms)
    return commitment, first, second


def entry_fields(*, verdict=Verdict.FULFILLED, on="2024-06-01", **fields):
    """What an editor types for a new evidence entry."""
    return {
        "observed_on": on,
        "observed_on_precision": "day",
        "verdict": verdict,
        "summary_en": "The company reported it done.",
        "source": make_source().pk,
        "quote": "原文。",
        **fields,
    }


def with_new_entry(data, prefix="evidence", **fields):
    """The change form ``data`` with one more row in the ``prefix`` inline."""
    n = int(data[f"{prefix}-TOTAL_FORMS"])
    new_row = {f"{prefix}-{n}-{name}": value for name, value in entry_fields(**fields).items()}
    return data | {f"{prefix}-TOTAL_FORMS": n + 1} | new_row


def status_of(pledge):
    pledge.refresh_from_db()
    return pledge.status, pledge.status_as_of


# --- Adding evidence changes the stored status ---------------------------------------


def test_an_entry_on_a_commitment_added_in_the_evidence_form_sets_every_pledges_status(editor_client, point):
    commitment, first, second = point

    response = editor_client.post(admin_url(Evidence, "add"), entry_fields(commitment=commitment.pk))

    assert response.status_code == 302
    assert status_of(first) == status_of(second) == (Verdict.FULFILLED, D(2024, 6, 1))


def test_an_entry_on_a_pledge_added_in_the_evidence_form_sets_that_pledges_status_only(editor_client, point):
    _, first, second = point

    editor_client.post(admin_url(Evidence, "add"), entry_fields(pledge=first.pk, verdict=Verdict.IN_PROGRESS))

    assert status_of(first) == (Verdict.IN_PROGRESS, D(2024, 6, 1))
    assert status_of(second) == (Verdict.NO_RECORD, None)


def test_an_entry_added_in_the_pledge_screens_inline_sets_that_pledges_status(editor_client, point):
    _, first, second = point
    url = admin_url(Pledge, "change", first.pk)
    data = with_new_entry(submitted(editor_client.get(url)), on="2024-07-01")

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    assert first.evidence.get().verdict == Verdict.FULFILLED
    assert status_of(first) == (Verdict.FULFILLED, D(2024, 7, 1))
    assert status_of(second) == (Verdict.NO_RECORD, None)


def test_an_entry_added_in_the_commitment_screens_inline_sets_every_pledges_status(editor_client, point):
    commitment, first, second = point
    url = admin_url(Commitment, "change", commitment.pk)
    data = with_new_entry(submitted(editor_client.get(url)), verdict=Verdict.IN_PROGRESS)

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    assert commitment.evidence.get().verdict == Verdict.IN_PROGRESS
    assert status_of(first) == status_of(second) == (Verdict.IN_PROGRESS, D(2024, 6, 1))


def test_an_entry_added_in_the_action_item_screens_inline_rolls_up_to_every_pledge(editor_client, point):
    commitment, first, second = point
    item = make_action_item(commitment)
    url = admin_url(ActionItem, "change", item.pk)
    data = with_new_entry(submitted(editor_client.get(url)))

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    assert item.evidence.get().verdict == Verdict.FULFILLED
    assert status_of(first) == status_of(second) == (Verdict.FULFILLED, D(2024, 6, 1))


def test_a_pledge_added_after_commitment_evidence_starts_with_that_evidences_status(editor_client, point):
    commitment = point[0]
    make_evidence(commitment=commitment, verdict=Verdict.IN_PROGRESS, observed_on=D(2024, 2, 1))
    company = make_company()
    make_participation(commitment.meeting, company)
    data = {"commitment": commitment.pk, "organization": company.pk, "basis": Pledge.Basis.NAMED}

    response = editor_client.post(admin_url(Pledge, "add"), data)

    assert response.status_code == 302
    assert status_of(Pledge.objects.get(organization=company)) == (Verdict.IN_PROGRESS, D(2024, 2, 1))


def test_a_pledge_added_in_the_commitment_screens_inline_starts_with_the_evidences_status(
    editor_client, point
):
    commitment = point[0]
    make_evidence(commitment=commitment, verdict=Verdict.FULFILLED)
    company = make_company()
    make_participation(commitment.meeting, company)
    url = admin_url(Commitment, "change", commitment.pk)
    data = submitted(editor_client.get(url))
    data |= {"pledges-TOTAL_FORMS": 3, "pledges-2-organization": company.pk, "pledges-2-basis": "named"}

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    assert status_of(Pledge.objects.get(organization=company))[0] == Verdict.FULFILLED


def test_the_pledge_action_gives_new_pledges_the_status_of_existing_evidence(editor_client):
    meeting = make_meeting()
    commitment = make_commitment(meeting)
    make_participation(meeting, make_company())
    make_evidence(commitment=commitment, verdict=Verdict.FULFILLED)

    run_action(editor_client, "pledge_every_commitment", meeting)

    assert status_of(Pledge.objects.get()) == (Verdict.FULFILLED, D(2024, 6, 1))


def test_an_action_item_added_in_the_commitment_screen_can_undo_fulfilment(editor_client, point):
    commitment, first, _ = point
    make_evidence(action_item=make_action_item(commitment), verdict=Verdict.FULFILLED)
    refresh_pledge_statuses([commitment.pk])
    assert status_of(first)[0] == Verdict.FULFILLED
    url = admin_url(Commitment, "change", commitment.pk)
    data = submitted(editor_client.get(url))
    data |= {"action_items-TOTAL_FORMS": 2, "action_items-1-position": 2, "action_items-1-text": "正文"}
    data |= {"action_items-1-checkable": "on"}

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    # One of two checkable items done: progress, not fulfilment.
    assert status_of(first)[0] == Verdict.IN_PROGRESS


def test_unticking_checkable_on_an_action_item_refreshes_the_status(editor_client, point):
    commitment, first, _ = point
    make_evidence(action_item=make_action_item(commitment), verdict=Verdict.FULFILLED)
    vague = make_action_item(commitment, text="正文")
    refresh_pledge_statuses([commitment.pk])
    assert status_of(first)[0] == Verdict.IN_PROGRESS
    url = admin_url(ActionItem, "change", vague.pk)
    data = submitted(editor_client.get(url))
    del data["checkable"]

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    assert status_of(first)[0] == Verdict.FULFILLED


@pytest.fixture
def yearly_item(point):
    """A yearly item kept by a series, a draft meeting held in 2024, and a pledge of the item's point."""
    commitment, first, _ = point
    series = make_series()
    make_action_item(commitment, recurrence=ActionItem.Recurrence.YEARLY, recurs_from=2024, series=series)
    edition = make_meeting(status=Meeting.Status.DRAFT, held_on=D(2024, 9, 1), held_on_precision="day")
    return series, edition, first


def test_publishing_an_edition_of_a_series_refreshes_the_pledges_it_keeps(editor_client, yearly_item):
    series, edition, pledge = yearly_item
    edition.series = series
    edition.save()

    run_action(editor_client, "publish", edition)
    assert status_of(pledge) == (Verdict.IN_PROGRESS, D(2024, 9, 1))

    run_action(editor_client, "return_to_draft", edition)
    assert status_of(pledge) == (Verdict.NO_RECORD, None)


def test_saving_a_published_meeting_into_a_series_refreshes_the_pledges_it_keeps(editor_client, yearly_item):
    series, edition, pledge = yearly_item
    edition.status = Meeting.Status.PUBLISHED
    edition.save()
    url = admin_url(Meeting, "change", edition.pk)
    data = submitted(editor_client.get(url)) | {"series": series.pk, "edition": 1}

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    assert status_of(pledge) == (Verdict.IN_PROGRESS, D(2024, 9, 1))


# --- Evidence is append-only ---------------------------------------------------------


def test_an_existing_entry_cannot_be_changed_in_the_admin(editor_client, point):
    entry = make_evidence(pledge=point[1], verdict=Verdict.IN_PROGRESS)
    data = entry_fields(pledge=point[1].pk, summary_en="Rewritten.")

    response = editor_client.post(admin_url(Evidence, "change", entry.pk), data)

    assert response.status_code == 403
    entry.refresh_from_db()
    assert (entry.verdict, entry.summary_en) == (Verdict.IN_PROGRESS, "Observed.")


def test_an_existing_entry_cannot_be_deleted_in_the_admin(editor_client, point):
    entry = make_evidence(pledge=point[1])

    response = editor_client.post(admin_url(Evidence, "delete", entry.pk), {"post": "yes"})
    assert response.status_code == 403
    action = {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    editor_client.post(admin_url(Evidence, "changelist"), action)

    assert Evidence.objects.filter(pk=entry.pk).exists()


def test_an_entrys_page_is_read_only_and_says_how_to_correct_it(editor_client, point):
    entry = make_evidence(pledge=point[1])

    response = editor_client.get(admin_url(Evidence, "change", entry.pk))

    assert response.status_code == 200
    assert 'name="_save"' not in response.text
    assert 'name="summary_en"' not in response.text
    assert html.escape(APPEND_ONLY) in response.text
    correct = f"{admin_url(Evidence, 'add')}?supersedes={entry.pk}&amp;pledge={point[1].pk}"
    assert f'href="{correct}"' in response.text


def test_the_correction_link_opens_the_add_form_prefilled_with_the_entry_it_corrects(editor_client, point):
    entry = make_evidence(commitment=point[0], verdict=Verdict.IN_PROGRESS)
    query = {"supersedes": entry.pk, "commitment": point[0].pk}

    form = editor_client.get(admin_url(Evidence, "add"), query).context["adminform"].form

    assert form["supersedes"].value() == str(entry.pk)
    assert form["commitment"].value() == str(point[0].pk)
    assert form["pledge"].value() is None
    assert form["source"].value() == entry.source_id
    assert form["verdict"].value() == Verdict.IN_PROGRESS


def test_a_superseding_entry_takes_the_wrong_one_out_of_the_status(editor_client, point):
    commitment, first, second = point
    make_evidence(commitment=commitment, verdict=Verdict.IN_PROGRESS, observed_on=D(2024, 3, 1))
    wrong = make_evidence(commitment=commitment, verdict=Verdict.FULFILLED, observed_on=D(2024, 6, 1))
    refresh_pledge_statuses([commitment.pk])
    assert status_of(first) == (Verdict.FULFILLED, D(2024, 6, 1))
    # The source said 2023, not 2024: the correction is older than the in-progress entry.
    data = entry_fields(commitment=commitment.pk, supersedes=wrong.pk, on="2023-06-01")

    response = editor_client.post(admin_url(Evidence, "add"), data)

    assert response.status_code == 302
    assert Evidence.objects.get(supersedes=wrong).observed_on == D(2023, 6, 1)
    assert status_of(first) == status_of(second) == (Verdict.IN_PROGRESS, D(2024, 3, 1))


def test_a_corrected_entry_links_to_its_correction_instead_of_offering_another(editor_client, point):
    wrong = make_evidence(pledge=point[1])
    correction = make_evidence(pledge=point[1], supersedes=wrong)

    response = editor_client.get(admin_url(Evidence, "change", wrong.pk))

    assert f'href="{admin_url(Evidence, "change", correction.pk)}"' in response.text
    assert "?supersedes=" not in response.text


@pytest.mark.parametrize("verdict", [Verdict.NOT_MET, Verdict.WITHDRAWN])
def test_not_met_or_withdrawn_without_a_reason_is_refused_with_the_models_message(
    editor_client, point, verdict
):
    data = entry_fields(pledge=point[1].pk, verdict=verdict, reason="  ")

    response = editor_client.post(admin_url(Evidence, "add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["reason"] == [NEEDS_A_REASON]
    assert html.escape(NEEDS_A_REASON) in response.text
    assert not Evidence.objects.exists()
    assert status_of(point[1]) == (Verdict.NO_RECORD, None)


def test_the_verdict_menu_shows_the_labels(editor_client):
    response = editor_client.get(admin_url(Evidence, "add"))
    assert '<option value="not_met">not met</option>' in response.text
    assert '<option value="cannot_check">cannot be checked</option>' in response.text


def test_an_entry_needs_exactly_one_subject(editor_client, point):
    data = entry_fields(pledge=point[1].pk, commitment=point[0].pk)
    response = editor_client.post(admin_url(Evidence, "add"), data)
    assert response.status_code == 200
    assert not Evidence.objects.exists()


def test_earlier_entries_in_an_inline_are_read_only_and_cannot_be_deleted(editor_client, point):
    entry = make_evidence(pledge=point[1], summary_en="Shipped the first batch.")

    response = editor_client.get(admin_url(Pledge, "change", point[1].pk))

    assert "Shipped the first batch." in response.text
    assert 'name="evidence-0-summary_en"' not in response.text
    assert 'name="evidence-0-DELETE"' not in response.text
    assert f"?supersedes={entry.pk}&amp;pledge={point[1].pk}" in response.text


def test_an_inline_post_cannot_change_an_earlier_entry(editor_client, point):
    entry = make_evidence(pledge=point[1], summary_en="Shipped the first batch.")
    url = admin_url(Pledge, "change", point[1].pk)
    data = submitted(editor_client.get(url)) | {"evidence-0-summary_en": "Rewritten."}
    data |= {"evidence-0-id": entry.pk, "evidence-0-DELETE": "on"}

    editor_client.post(url, data)

    entry.refresh_from_db()
    assert entry.summary_en == "Shipped the first batch."


def test_a_new_pledge_has_no_evidence_inline_until_it_is_saved(editor_client):
    response = editor_client.get(admin_url(Pledge, "add"))
    assert "evidence-TOTAL_FORMS" not in response.text


# --- The pledge's status is shown, not edited ----------------------------------------


def test_the_pledge_screen_shows_the_status_read_only_with_where_it_comes_from(editor_client, point):
    make_evidence(commitment=point[0], verdict=Verdict.FULFILLED)
    refresh_pledge_statuses([point[0].pk])

    response = editor_client.get(admin_url(Pledge, "change", point[1].pk))

    assert 'name="status"' not in response.text
    assert "Derived from the evidence" in response.text
    assert '<div class="readonly">fulfilled</div>' in response.text


def test_a_posted_status_is_ignored(editor_client, point):
    url = admin_url(Pledge, "change", point[1].pk)
    data = submitted(editor_client.get(url)) | {"status": Verdict.FULFILLED}

    editor_client.post(url, data)

    assert status_of(point[1]) == (Verdict.NO_RECORD, None)


# --- Filters -------------------------------------------------------------------------


def listed(client, model, **params):
    response = client.get(admin_url(model, "changelist"), params)
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


@pytest.fixture
def deadlines(point):
    """Action items on their own commitments, by name, each pledged by one company."""
    today = timezone.localdate()
    start_of_month = today.replace(day=1)
    last_month = (start_of_month - datetime.timedelta(days=1)).replace(day=1)
    meeting = point[0].meeting
    firm = point[1].organization

    def item(name, **kwargs):
        commitment = make_commitment(meeting, heading_en=name)
        Pledge.objects.create(organization=firm, commitment=commitment)
        return name, make_action_item(commitment, **kwargs)

    items = dict(
        [
            item("yesterday", deadline=today - datetime.timedelta(days=1), deadline_precision="day"),
            item("today", deadline=today, deadline_precision="day"),
            item("last month", deadline=last_month, deadline_precision="month"),
            item("this month", deadline=start_of_month, deadline_precision="month"),
            item("this year", deadline=D(today.year, 1, 1), deadline_precision="year"),
            item("last year", deadline=D(today.year - 1, 1, 1), deadline_precision="year"),
            item("done", deadline=D(2020, 1, 1), deadline_precision="day"),
            item("done, then corrected", deadline=D(2020, 1, 1), deadline_precision="day"),
            item("vague", deadline=D(2020, 1, 1), deadline_precision="day", checkable=False),
            item("no deadline"),
        ]
    )
    make_evidence(action_item=items["done"], verdict=Verdict.FULFILLED)
    wrong = make_evidence(action_item=items["done, then corrected"], verdict=Verdict.FULFILLED)
    make_evidence(action_item=items["done, then corrected"], verdict=Verdict.IN_PROGRESS, supersedes=wrong)
    return items


OVERDUE = {"yesterday", "last month", "last year", "done, then corrected"}


def test_the_overdue_rule_of_the_filters_agrees_with_the_status_rule(deadlines):
    commitment_ids = {item.commitment_id for item in deadlines.values()}
    tracking = Tracking(commitment_ids)
    judged = {state.item for pk in commitment_ids for state in tracking.overdue_items(pk)}

    assert set(overdue_action_items()) == judged
    assert {name for name, item in deadlines.items() if item in judged} == OVERDUE


def test_the_action_item_list_filters_overdue_items(editor_client, deadlines):
    overdue = {deadlines[name] for name in OVERDUE}
    assert listed(editor_client, ActionItem, overdue="yes") == overdue
    assert listed(editor_client, ActionItem, overdue="no") == set(deadlines.values()) - overdue


def test_the_commitment_list_filters_commitments_with_an_overdue_item(editor_client, deadlines):
    overdue = {deadlines[name].commitment for name in OVERDUE}
    assert listed(editor_client, Commitment, overdue="yes") == overdue


def test_the_pledge_list_filters_pledges_whose_commitment_has_an_overdue_item(editor_client, deadlines):
    overdue = set(Pledge.objects.filter(commitment__action_items__in=[deadlines[n] for n in OVERDUE]))
    assert len(overdue) == 4
    assert listed(editor_client, Pledge, overdue="yes") == overdue


def test_the_action_item_list_filters_by_recurrence_and_checkable(editor_client, point):
    yearly = make_action_item(point[0], recurrence=ActionItem.Recurrence.YEARLY, recurs_from=2024)
    vague = make_action_item(point[0], checkable=False)
    assert listed(editor_client, ActionItem, recurrence__exact="yearly") == {yearly}
    assert listed(editor_client, ActionItem, checkable__exact="0") == {vague}


def test_the_pledge_list_filters_by_status(editor_client, point):
    make_evidence(pledge=point[1], verdict=Verdict.FULFILLED)
    refresh_pledge_statuses([point[0].pk])
    assert listed(editor_client, Pledge, status__exact="fulfilled") == {point[1]}
    assert listed(editor_client, Pledge, status__exact="no_record") == {point[2]}


def test_the_evidence_list_filters_out_superseded_entries(editor_client, point):
    wrong = make_evidence(pledge=point[1])
    correction = make_evidence(pledge=point[1], supersedes=wrong)
    assert listed(editor_client, Evidence, current="yes") == {correction}
    assert listed(editor_client, Evidence, current="no") == {wrong}


def test_the_series_screen_lists_its_editions(editor_client):
    series = make_series()
    make_meeting(series=series, edition=2, title_en="Second gallium symposium")
    response = editor_client.get(reverse("admin:meetings_meetingseries_change", args=[series.pk]))
    assert "Second gallium symposium" in response.text

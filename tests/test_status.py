"""The derivation of a pledge's status from evidence (the rule is in meetings/status.py)."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from meetings.models import ActionItem, Evidence, Meeting, MeetingSeries, Pledge, Verdict
from meetings.status import Tracking, refresh_pledge_statuses
from tests.factories import make_meeting, make_meeting_with_pledges, make_source

TODAY = datetime.date(2026, 11, 29)
D = datetime.date


def entry(*, on, verdict=Verdict.IN_PROGRESS, **subject):
    if verdict in (Verdict.NOT_MET, Verdict.WITHDRAWN):
        subject.setdefault("reason", "The source says so.")
    return Evidence.objects.create(
        observed_on=on,
        verdict=verdict,
        summary_en="Observed.",
        source=make_source(),
        quote="原文。",
        **subject,
    )


def item(commitment, position=None, **kwargs):
    position = position or commitment.action_items.count() + 1
    return ActionItem.objects.create(commitment=commitment, position=position, text="原文", **kwargs)


def statuses(*pledges):
    refresh_pledge_statuses({p.commitment_id for p in pledges})
    return [Pledge.objects.get(pk=p.pk).status for p in pledges]


@pytest.fixture
def pledges(db):
    """Two companies pledging one commitment: (pledge of A, pledge of B)."""
    _, (a, b), (_point,) = make_meeting_with_pledges(companies=2, commitments=1)
    return Pledge.objects.get(organization=a), Pledge.objects.get(organization=b)


def test_no_evidence_means_no_record_yet_never_not_met(pledges):
    assert statuses(*pledges) == [Verdict.NO_RECORD, Verdict.NO_RECORD]
    assert Pledge.objects.get(pk=pledges[0].pk).status_as_of is None


def test_an_entry_on_the_commitment_applies_to_every_pledge(pledges):
    entry(on=D(2024, 3, 1), verdict=Verdict.FULFILLED, commitment=pledges[0].commitment)
    assert statuses(*pledges) == [Verdict.FULFILLED, Verdict.FULFILLED]
    assert Pledge.objects.get(pk=pledges[1].pk).status_as_of == D(2024, 3, 1)


def test_an_entry_on_one_pledge_applies_to_that_pledge_only(pledges):
    entry(on=D(2024, 3, 1), verdict=Verdict.WITHDRAWN, pledge=pledges[0])
    assert statuses(*pledges) == [Verdict.WITHDRAWN, Verdict.NO_RECORD]


def test_the_latest_entry_wins_whichever_level_it_is_on(pledges):
    first, second = pledges
    entry(on=D(2024, 3, 1), verdict=Verdict.NOT_MET, pledge=first)
    entry(on=D(2024, 6, 1), verdict=Verdict.IN_PROGRESS, commitment=first.commitment)
    assert statuses(first, second) == [Verdict.IN_PROGRESS, Verdict.IN_PROGRESS]
    entry(on=D(2024, 9, 1), verdict=Verdict.FULFILLED, pledge=first)
    assert statuses(first, second) == [Verdict.FULFILLED, Verdict.IN_PROGRESS]


def test_on_the_same_day_the_pledges_own_entry_beats_the_commitments(pledges):
    first, second = pledges
    entry(on=D(2024, 3, 1), verdict=Verdict.NOT_MET, pledge=first)
    entry(on=D(2024, 3, 1), verdict=Verdict.FULFILLED, commitment=first.commitment)
    assert statuses(first, second) == [Verdict.NOT_MET, Verdict.FULFILLED]


def test_conflicting_entries_on_the_same_day_and_level_the_later_recorded_wins(pledges):
    commitment = pledges[0].commitment
    entry(on=D(2024, 3, 1), verdict=Verdict.FULFILLED, commitment=commitment)
    entry(on=D(2024, 3, 1), verdict=Verdict.IN_PROGRESS, commitment=commitment)
    assert statuses(*pledges) == [Verdict.IN_PROGRESS, Verdict.IN_PROGRESS]


def test_a_superseded_entry_no_longer_counts(pledges):
    commitment = pledges[0].commitment
    wrong = entry(on=D(2024, 3, 1), verdict=Verdict.FULFILLED, commitment=commitment)
    assert statuses(*pledges)[0] == Verdict.FULFILLED
    entry(on=D(2024, 2, 1), verdict=Verdict.IN_PROGRESS, commitment=commitment, supersedes=wrong)
    assert statuses(*pledges) == [Verdict.IN_PROGRESS, Verdict.IN_PROGRESS]
    assert Evidence.objects.count() == 2  # the wrong entry stays on the record


def test_action_items_roll_up(pledges):
    commitment = pledges[0].commitment
    first, second = item(commitment), item(commitment)
    item(commitment, checkable=False)  # too vague to check: never holds the roll-up back
    entry(on=D(2024, 1, 1), verdict=Verdict.FULFILLED, action_item=first)
    assert statuses(*pledges) == [Verdict.IN_PROGRESS] * 2
    entry(on=D(2024, 5, 1), verdict=Verdict.FULFILLED, action_item=second)
    assert statuses(*pledges) == [Verdict.FULFILLED] * 2
    entry(on=D(2024, 7, 1), verdict=Verdict.NOT_MET, action_item=second)
    assert statuses(*pledges) == [Verdict.NOT_MET] * 2


def test_a_later_direct_entry_beats_an_earlier_roll_up_and_the_reverse(pledges):
    first_pledge = pledges[0]
    point = item(first_pledge.commitment)
    entry(on=D(2024, 1, 1), verdict=Verdict.FULFILLED, action_item=point)
    entry(on=D(2024, 2, 1), verdict=Verdict.WITHDRAWN, pledge=first_pledge)
    assert statuses(*pledges) == [Verdict.WITHDRAWN, Verdict.FULFILLED]
    entry(on=D(2024, 3, 1), verdict=Verdict.NOT_MET, action_item=point)
    assert statuses(*pledges) == [Verdict.NOT_MET, Verdict.NOT_MET]


def test_an_item_past_its_deadline_without_fulfilment_is_overdue(pledges):
    commitment = pledges[0].commitment
    late = item(commitment, deadline=D(2025, 6, 30), deadline_precision="day")
    this_month = item(commitment, deadline=D(2026, 11, 1), deadline_precision="month")
    last_month = item(commitment, deadline=D(2026, 10, 1), deadline_precision="month")
    done = item(commitment, deadline=D(2025, 1, 1), deadline_precision="year")
    vague = item(commitment, deadline=D(2020, 1, 1), deadline_precision="year", checkable=False)
    entry(on=D(2024, 12, 1), verdict=Verdict.FULFILLED, action_item=done)
    tracking = Tracking([commitment.pk], today=TODAY)
    overdue = {s.item for s in tracking.overdue_items(commitment.pk)}
    assert overdue == {late, last_month}
    assert set(ActionItem.objects.overdue(TODAY)) == overdue
    assert this_month not in overdue and vague not in overdue
    # Overdue is shown beside the status, not folded into it: one of four items is done.
    assert statuses(*pledges) == [Verdict.IN_PROGRESS] * 2


def _yearly(commitment, series=None):
    return item(commitment, recurrence="yearly", recurs_from=2024, series=series)


def test_a_yearly_item_lists_each_year_up_to_this_one(pledges):
    symposium = _yearly(pledges[0].commitment)
    states = Tracking([symposium.commitment_id], today=TODAY).items(symposium.commitment_id)
    assert [(o.year, o.state) for o in states[0].occurrences] == [
        (2024, "no_record"),
        (2025, "no_record"),
        (2026, "due"),
    ]
    states = Tracking([symposium.commitment_id], today=D(2025, 1, 1)).items(symposium.commitment_id)
    assert [(o.year, o.state) for o in states[0].occurrences] == [(2024, "no_record"), (2025, "due")]
    states = Tracking([symposium.commitment_id], today=D(2023, 12, 31)).items(symposium.commitment_id)
    assert states[0].occurrences == []


def test_a_published_edition_of_the_series_meets_that_years_occurrence(pledges):
    series = MeetingSeries.objects.create(slug="annual", name="年會")
    symposium = _yearly(pledges[0].commitment, series=series)
    edition = make_meeting(series=series, edition=1, held_on=D(2025, 8, 1), held_on_precision="month")
    make_meeting(series=series, edition=2, reported_on=D(2024, 5, 1), status=Meeting.Status.DRAFT)
    state = Tracking([symposium.commitment_id], today=TODAY).items(symposium.commitment_id)[0]
    assert [(o.year, o.state) for o in state.occurrences] == [
        (2024, "no_record"),
        (2025, "met"),
        (2026, "due"),
    ]
    assert state.occurrences[1].meeting == edition
    # A recurring duty is never finished: a met year is progress.
    assert statuses(*pledges) == [Verdict.IN_PROGRESS] * 2


def test_a_fulfilling_entry_for_a_year_meets_that_occurrence(pledges):
    symposium = _yearly(pledges[0].commitment)
    proof = entry(on=D(2024, 9, 1), verdict=Verdict.FULFILLED, action_item=symposium, occurrence=2024)
    state = Tracking([symposium.commitment_id], today=TODAY).items(symposium.commitment_id)[0]
    assert (state.occurrences[0].state, state.occurrences[0].evidence) == ("met", proof)


def test_not_met_and_withdrawn_need_a_reason_in_the_database(pledges):
    for verdict in (Verdict.NOT_MET, Verdict.WITHDRAWN):
        with pytest.raises(IntegrityError), transaction.atomic():
            entry(on=D(2024, 1, 1), verdict=verdict, pledge=pledges[0], reason="")


def test_an_entry_is_about_exactly_one_subject(pledges):
    with pytest.raises(IntegrityError), transaction.atomic():
        entry(on=D(2024, 1, 1), pledge=pledges[0], commitment=pledges[0].commitment)
    with pytest.raises(IntegrityError), transaction.atomic():
        entry(on=D(2024, 1, 1))


def test_an_entry_must_quote_its_source(pledges):
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.create(
            observed_on=D(2024, 1, 1),
            verdict=Verdict.FULFILLED,
            summary_en="x",
            source=make_source(),
            quote="",
            pledge=pledges[0],
        )

"""Importing what is tracked after a meeting: series, action items, evidence, reviews, and statuses.

The founding record has action items but no evidence. The later edition of its series
(``tests/data/test-only-gallium-symposium-2024.yaml``) and every follow-up report here
are INVENTED TEST DATA: they exist to exercise the importer, not to record facts.
"""

import datetime
from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.core.management import CommandError

from meetings.models import (
    ActionItem,
    Commitment,
    CommitmentReview,
    Evidence,
    Meeting,
    MeetingSeries,
    Pledge,
    Source,
)
from meetings.status import Tracking
from tests.factories import make_meeting_with_pledges
from tests.test_import_meetings import NAME, founding_text, run, snapshot, write

EDITION_2024 = Path(__file__).parent / "data" / "test-only-gallium-symposium-2024.yaml"
LATE_NOVEMBER_2026 = datetime.date(2026, 11, 29)

# A follow-up report, appended to the founding file's sources (sources[1]). Invented.
LATER_REPORT = """\
  - publisher: 虛構測試網
    publisher_en: Invented Test Network (not a real publisher)
    title: 虛構測試後續報道
    url: https://example.org/test-only/follow-up
    published_on: 2025-03-02
    reports_meeting: false
"""


def entry(**fields):
    """One evidence entry on point 4, as a file writes it; a field given as None is left out."""
    values = {
        "about": {"commitment": 4},
        "observed_on": "2025-03",
        "verdict": "in_progress",
        "summary_en": "INVENTED TEST DATA: a follow-up report.",
        "source": 1,
        "quote": "虛構測試引文。",
        **fields,
    }
    return {name: value for name, value in values.items() if value is not None}


def founding_with_evidence(*entries):
    """The founding file with the later report and these evidence entries appended."""
    text = founding_text()
    assert text.rstrip().splitlines()[-1].startswith("    quote:"), "sources: must be the last section"
    return text + LATER_REPORT + "\nevidence:\n" + yaml.safe_dump(list(entries), allow_unicode=True)


def edition_text():
    return EDITION_2024.read_text(encoding="utf-8")


def statuses(number):
    """The stored statuses of the pledges of the founding record's point ``number``."""
    return set(Pledge.objects.filter(commitment__number=number).values_list("status", flat=True))


def occurrences(*, today):
    """(year, state, meeting slug) for each expected year of the yearly symposium."""
    point_3 = Commitment.objects.get(meeting__slug="gallium-symposium-2023", number=3)
    states = Tracking([point_3.pk], today=today).items(point_3.pk)
    (symposium,) = [s for s in states if s.item.recurrence]
    return [(o.year, o.state, o.meeting.slug if o.meeting else None) for o in symposium.occurrences]


@pytest.fixture
def other_records(db):
    """Unrelated records, so that 'nothing written' is checked on a database that is not empty."""
    make_meeting_with_pledges(companies=2, commitments=2)


def history_rows():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_app_config("meetings").get_models()
        if model.__name__.startswith("Historical")
    }


# -- the founding record's action items ----------------------------------------------------


def test_the_founding_record_has_twelve_action_items_one_yearly_and_two_not_checkable(founding_record):
    items = ActionItem.objects.filter(commitment__meeting=founding_record)

    assert items.count() == 12
    assert [item.commitment.number for item in items] == [1, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 5]
    (yearly,) = items.exclude(recurrence="")
    assert (yearly.commitment.number, yearly.text) == (3, "每年召開一次鎵產業鏈專題座談會")
    assert (yearly.recurrence, yearly.recurs_from) == ("yearly", 2024)
    assert yearly.series == MeetingSeries.objects.get(slug="gallium-industry-chain-symposium")
    assert yearly.series.name == "鎵產業鏈專題座談會"
    assert yearly.series.organizer.slug == "cnia"
    assert list(items.filter(checkable=False).values_list("text", flat=True)) == [
        "抵制行業內卷",
        "防止低水平同質化惡性競爭",
    ]


def test_with_no_evidence_every_one_of_the_35_pledges_has_no_record(founding_record):
    assert Pledge.objects.count() == 35
    assert set(Pledge.objects.values_list("status", "status_as_of")) == {("no_record", None)}


def test_the_yearly_symposium_has_no_record_for_past_years_and_is_due_this_year(founding_record):
    assert occurrences(today=LATE_NOVEMBER_2026) == [
        (2024, "no_record", None),
        (2025, "no_record", None),
        (2026, "due", None),
    ]


def test_on_new_years_day_the_past_year_has_no_record_and_the_new_one_is_due(founding_record):
    assert occurrences(today=datetime.date(2025, 1, 1)) == [(2024, "no_record", None), (2025, "due", None)]


# -- a later edition of the series (invented test data) ------------------------------------


def test_importing_an_edition_of_the_series_meets_that_years_occurrence(founding_record):
    out = run(EDITION_2024)

    assert out == (
        "test-only-gallium-symposium-2024.yaml: test-only-gallium-symposium-2024: created 1 meeting, "
        "1 source, 1 review; updated 7 pledge statuses; linked 1 industry, 1 source\n"
    )
    assert occurrences(today=LATE_NOVEMBER_2026) == [
        (2024, "met", "test-only-gallium-symposium-2024"),
        (2025, "no_record", None),
        (2026, "due", None),
    ]


def test_the_edition_puts_the_pledges_of_point_3_in_progress_and_leaves_the_others(founding_record):
    run(EDITION_2024)

    assert statuses(3) == {"in_progress"}
    assert set(Pledge.objects.filter(commitment__number=3).values_list("status_as_of", flat=True)) == {
        datetime.date(2024, 6, 1)
    }
    for number in (1, 2, 4, 5):
        assert statuses(number) == {"no_record"}, number
    assert Pledge.objects.filter(status="in_progress").count() == 7


def test_the_edition_records_that_it_reaffirmed_point_3(founding_record):
    run(EDITION_2024)

    review = CommitmentReview.objects.get()
    assert (review.meeting.slug, review.commitment.number, review.outcome) == (
        "test-only-gallium-symposium-2024",
        3,
        "reaffirmed",
    )
    assert (review.meeting.series.slug, review.meeting.edition) == ("gallium-industry-chain-symposium", 1)


def test_importing_the_edition_twice_changes_nothing(founding_record):
    run(EDITION_2024)
    before = snapshot()

    assert run(EDITION_2024).endswith(": no changes\n")
    assert snapshot() == before


def test_an_edition_in_draft_meets_nothing(founding_record, tmp_path):
    run(write(tmp_path, edition_text().replace("status: published", "status: draft"), name="draft.yaml"))

    assert occurrences(today=LATE_NOVEMBER_2026)[0] == (2024, "no_record", None)
    assert statuses(3) == {"no_record"}


def test_unpublishing_the_edition_takes_its_occurrence_back(founding_record, tmp_path):
    run(EDITION_2024)

    out = run(write(tmp_path, edition_text().replace("status: published", "status: draft"), name="e.yaml"))

    assert out == "e.yaml: test-only-gallium-symposium-2024: updated 1 meeting, 7 pledge statuses\n"
    assert statuses(3) == {"no_record"}


def test_an_edition_number_already_taken_is_refused(founding_record, tmp_path):
    run(EDITION_2024)
    other = edition_text().replace("slug: test-only-gallium-symposium-2024", "slug: test-only-other")
    before = snapshot()

    with pytest.raises(CommandError) as error:
        run(write(tmp_path, other, name="other.yaml"))

    assert (
        "other.yaml: meeting.edition: edition 1 of 'gallium-industry-chain-symposium' is already "
        "'test-only-gallium-symposium-2024'"
    ) in str(error.value)
    assert snapshot() == before


# -- evidence (invented test data) ------------------------------------------------------------


def test_an_entry_on_a_commitment_sets_the_status_of_all_its_pledges(db, tmp_path):
    out = run(write(tmp_path, founding_with_evidence(entry())))

    assert "created 1 meeting" in out and "1 evidence entry" in out
    assert statuses(4) == {"in_progress"}
    assert Pledge.objects.filter(status="in_progress").count() == 7
    for number in (1, 2, 3, 5):
        assert statuses(number) == {"no_record"}, number


def test_an_entry_on_a_pledge_sets_only_that_pledge(db, tmp_path):
    about = {"pledge": {"organization": "chalco", "commitment": 4}}
    reason = "INVENTED TEST DATA: a made-up breach."

    run(write(tmp_path, founding_with_evidence(entry(about=about, verdict="not_met", reason=reason))))

    changed = Pledge.objects.exclude(status="no_record")
    assert [(p.organization.slug, p.commitment.number, p.status) for p in changed] == [
        ("chalco", 4, "not_met")
    ]
    assert changed.get().status_as_of == datetime.date(2025, 3, 1)


def test_an_entry_on_an_occurrence_of_the_yearly_item_meets_that_year(db, tmp_path):
    about = {"action_item": {"commitment": 3, "position": 4}}

    run(write(tmp_path, founding_with_evidence(entry(about=about, occurrence=2025, verdict="fulfilled"))))

    assert [state for _, state, _ in occurrences(today=LATE_NOVEMBER_2026)] == ["no_record", "met", "due"]
    assert statuses(3) == {"in_progress"}


def test_an_entry_may_cite_a_source_by_its_url(db, tmp_path):
    run(write(tmp_path, founding_with_evidence(entry(source="https://example.org/test-only/follow-up"))))

    assert Evidence.objects.get().source.title == "虛構測試後續報道"


def test_a_source_that_does_not_report_the_meeting_is_recorded_but_not_linked_to_it(db, tmp_path):
    run(write(tmp_path, founding_with_evidence(entry())))

    later = Source.objects.get(url="https://example.org/test-only/follow-up")
    assert later.evidence.count() == 1
    assert Meeting.objects.get().sources.get().publisher == "中國產業經濟信息網"


def test_importing_evidence_twice_adds_no_entry_and_no_history(db, tmp_path):
    path = write(tmp_path, founding_with_evidence(entry(), entry(verdict="fulfilled", observed_on="2025-06")))
    run(path)
    entries, history = list(Evidence.objects.values()), history_rows()

    assert run(path).endswith(": no changes\n")

    assert list(Evidence.objects.values()) == entries
    assert len(entries) == 2
    assert history_rows() == history


def test_an_entry_already_recorded_is_never_updated_by_the_file(db, tmp_path):
    run(write(tmp_path, founding_with_evidence(entry())))
    reworded = entry(summary_en="INVENTED TEST DATA: reworded.")

    assert run(write(tmp_path, founding_with_evidence(reworded))).endswith(": no changes\n")

    assert Evidence.objects.get().summary_en == "INVENTED TEST DATA: a follow-up report."


# -- edit history ------------------------------------------------------------------------------


def test_every_record_an_import_creates_gets_a_history_row(db, tmp_path):
    run(write(tmp_path, founding_with_evidence(entry())))

    assert Commitment.history.count() == Commitment.objects.count() == 5
    assert {h.history_type for h in Commitment.history.all()} == {"+"}
    assert ActionItem.history.filter(history_type="+").count() == 12
    assert MeetingSeries.history.filter(history_type="+").count() == 1
    assert Evidence.history.filter(history_type="+").count() == 1


def test_a_corrected_action_item_gets_a_change_row(founding_record, tmp_path):
    text = founding_text().replace(
        "text_en: recover all that can be recovered", "text_en: recover everything recoverable"
    )

    assert run(write(tmp_path, text)).endswith(": updated 1 action item\n")

    item = ActionItem.objects.get(commitment__number=1, position=1)
    assert [h.history_type for h in item.history.all()] == ["~", "+"]
    assert item.history.first().text_en == "recover everything recoverable"


# -- bad input ----------------------------------------------------------------------------------

_SYMPOSIUM = "    recurrence: yearly\n    recurs_from: 2024\n    series: gallium-industry-chain-symposium\n"


@pytest.mark.parametrize(
    "old, new, problem",
    [
        pytest.param(
            "  slug: gallium-industry-chain-symposium\n",
            "  slug: Gallium Symposium\n",
            "series.slug: use only lowercase letters a-z, digits and hyphens; got 'Gallium Symposium'",
            id="series slug",
        ),
        pytest.param(
            "  name: 鎵產業鏈專題座談會\n",
            "",
            "series.name: required field is missing",
            id="series without a name",
        ),
        pytest.param(
            "  organizer: 中國有色金屬工業協會\n\nindustries:",
            "  organizer: 有色協會\n\nindustries:",
            "series.organizer: no organization named '有色協會' in this file or the database",
            id="series organizer",
        ),
        pytest.param(
            "  participant_list_partial: true\n",
            "  participant_list_partial: true\n  series: no-such-series\n",
            "meeting.series: no meeting series 'no-such-series' in this file's series: or the database",
            id="meeting series unknown",
        ),
        pytest.param(
            "  participant_list_partial: true\n",
            "  participant_list_partial: true\n  series: gallium-industry-chain-symposium\n  edition: 0\n",
            "meeting.edition: Input should be greater than or equal to 1; got 0",
            id="edition 0",
        ),
        pytest.param(
            "  participant_list_partial: true\n",
            "  participant_list_partial: true\n  edition: 1\n",
            "meeting.edition: an edition needs meeting.series",
            id="edition without a series",
        ),
        pytest.param(
            "  - commitment: 1\n    position: 1\n",
            "  - commitment: 6\n    position: 1\n",
            "action_items[0].commitment: there is no commitment number 6",
            id="item of a missing commitment",
        ),
        pytest.param(
            "  - commitment: 1\n    position: 1\n",
            "  - commitment: 1\n    position: 0\n",
            "action_items[0].position: Input should be greater than or equal to 1; got 0",
            id="item position 0",
        ),
        pytest.param(
            "  - commitment: 2\n    position: 2\n",
            "  - commitment: 2\n    position: 1\n",
            "action_items[2].position: position 1 of commitment 2 appears more than once",
            id="item position repeated",
        ),
        pytest.param(
            '    text: "應收盡收"\n',
            '    text: "应收尽收"\n',
            "action_items[0].text: '应收尽收' is not word for word in the heading or body of commitment 1",
            id="item text not verbatim",
        ),
        pytest.param(
            '    text: "應收盡收"\n',
            '    text: "超高純鎵制備技術"\n',
            "action_items[0].text: '超高純鎵制備技術' is not word for word in the heading or body of "
            "commitment 1",
            id="item text from another point",
        ),
        pytest.param(
            '    text: "應收盡收"\n',
            "",
            "action_items[0].text: required field is missing",
            id="item without text",
        ),
        pytest.param(
            "    text_en: recover all that can be recovered\n",
            "    text_en: recover all that can be recovered\n    deadline: 2024-13\n",
            "action_items[0].deadline: '2024-13' is not a real date",
            id="item deadline",
        ),
        pytest.param(
            "    recurrence: yearly\n",
            "    recurrence: monthly\n",
            "action_items[6].recurrence: Input should be 'yearly'; got 'monthly'",
            id="item recurrence",
        ),
        pytest.param(
            _SYMPOSIUM,
            "    recurrence: yearly\n",
            "action_items[6].recurs_from: a recurring item needs the first year it is expected",
            id="recurrence without a first year",
        ),
        pytest.param(
            _SYMPOSIUM,
            "    recurs_from: 2024\n",
            "action_items[6].recurrence: say how often the item recurs (yearly), or leave out recurs_from",
            id="first year without recurrence",
        ),
        pytest.param(
            "    recurs_from: 2024\n",
            "    recurs_from: 24\n",
            "action_items[6].recurs_from: Input should be greater than or equal to 1900; got 24",
            id="item first year",
        ),
        pytest.param(
            "    recurs_from: 2024\n",
            '    recurs_from: "2024"\n',
            "action_items[6].recurs_from: Input should be a valid integer; got '2024'",
            id="item first year quoted",
        ),
        pytest.param(
            "    series: gallium-industry-chain-symposium\n",
            "    series: annual-symposium\n",
            "action_items[6].series: no meeting series 'annual-symposium' in this file's series: "
            "or the database",
            id="item series unknown",
        ),
        pytest.param(
            _SYMPOSIUM,
            "    series: gallium-industry-chain-symposium\n",
            "action_items[6].series: only a recurring item is kept by the editions of a series",
            id="item series without recurrence",
        ),
        pytest.param(
            "    text_en: resist involution within the industry\n    # Too",
            "    text_en: resist involution within the industry\n    chekable: false\n    # Too",
            "action_items[9].chekable: unknown field; did you mean 'checkable'?",
            id="item field misspelt",
        ),
        pytest.param(
            "    checkable: false\n  - commitment: 5\n    position: 3",
            "    checkable: perhaps\n  - commitment: 5\n    position: 3",
            "action_items[10].checkable: Input should be a valid boolean",
            id="item checkable",
        ),
        pytest.param(
            '    quote: "近日',
            '    reports_meeting: false\n    quote: "近日',
            "sources[0].quote: a source that does not report the meeting has no quote here",
            id="quote on a source that does not report the meeting",
        ),
    ],
)
def test_a_bad_tracking_field_is_named_and_nothing_is_written(other_records, tmp_path, old, new, problem):
    text = founding_text()
    assert text.count(old) == 1, old
    _assert_refused(tmp_path, text.replace(old, new), problem)


_ITEM_3_4 = {"action_item": {"commitment": 3, "position": 4}}
_NOT_MET = "not_met"


@pytest.mark.parametrize(
    "bad, problem",
    [
        pytest.param(
            entry(verdict=_NOT_MET),
            "evidence[0].reason: required when the verdict is not_met",
            id="no reason",
        ),
        pytest.param(
            entry(verdict="withdrawn", reason=""),
            "evidence[0].reason: required when the verdict is withdrawn",
            id="empty reason",
        ),
        pytest.param(entry(quote=None), "evidence[0].quote: required field is missing", id="no quote"),
        pytest.param(
            entry(quote=""), "evidence[0].quote: String should have at least 1 character", id="empty quote"
        ),
        pytest.param(
            entry(about={"action_item": {"commitment": 4, "position": 1}}, occurrence=2024),
            "evidence[0].occurrence: Only an entry on a recurring action item names a year.",
            id="occurrence of a one-off item",
        ),
        pytest.param(
            entry(occurrence=2024),
            "evidence[0].occurrence: only an entry about a recurring action item names a year",
            id="occurrence of a commitment",
        ),
        pytest.param(
            entry(about=_ITEM_3_4, occurrence=2023),
            "evidence[0].occurrence: This item is expected from 2024 on.",
            id="occurrence before the first year",
        ),
        pytest.param(
            entry(about={"commitment": 4, "action_item": {"commitment": 4, "position": 1}}),
            "evidence[0].about: give exactly one of pledge, commitment or action_item; "
            "got commitment, action_item",
            id="two subjects",
        ),
        pytest.param(entry(about={}), "evidence[0].about: give exactly one of pledge", id="no subject"),
        pytest.param(
            entry(about={"commitment": 6}),
            "evidence[0].about.commitment: there is no commitment number 6",
            id="no such point",
        ),
        pytest.param(
            entry(about={"action_item": {"commitment": 3, "position": 9}}),
            "evidence[0].about.action_item: commitment 3 has no action item at position 9",
            id="no such item",
        ),
        pytest.param(
            entry(about={"pledge": {"organization": "無名公司", "commitment": 4}}),
            "evidence[0].about.pledge.organization: no organization named '無名公司'",
            id="unknown pledging organization",
        ),
        pytest.param(
            entry(about={"pledge": {"organization": "cnia", "commitment": 4}}),
            "evidence[0].about.pledge: 'cnia' has not pledged commitment 4",
            id="organization that did not pledge",
        ),
        pytest.param(
            entry(verdict="kept"),
            "evidence[0].verdict: Input should be 'no_record', 'in_progress', 'fulfilled', 'not_met', "
            "'withdrawn' or 'cannot_check'; got 'kept'",
            id="verdict",
        ),
        pytest.param(
            entry(observed_on="soon"),
            "evidence[0].observed_on: write the date as YYYY, YYYY-MM or YYYY-MM-DD; got 'soon'",
            id="observed on in words",
        ),
        pytest.param(
            entry(observed_on=None), "evidence[0].observed_on: required field is missing", id="no date"
        ),
        pytest.param(
            entry(summary_en=None), "evidence[0].summary_en: required field is missing", id="no summary"
        ),
        pytest.param(
            entry(source=5),
            "evidence[0].source: there is no sources[5]; the file lists 2 sources, counted from 0",
            id="source position",
        ),
        pytest.param(
            entry(source="https://example.org/nowhere"),
            "evidence[0].source: no source with the URL 'https://example.org/nowhere'",
            id="source url",
        ),
        pytest.param(
            entry(source="the newspaper"),
            "evidence[0].source: give the source's position in this file's sources list (0 for the first) "
            "or its URL; got 'the newspaper'",
            id="source in words",
        ),
        pytest.param(
            entry(sorce=1), "evidence[0].sorce: unknown field; did you mean 'source'?", id="misspelt"
        ),
    ],
)
def test_a_bad_evidence_entry_is_named_and_nothing_is_written(other_records, tmp_path, bad, problem):
    _assert_refused(tmp_path, founding_with_evidence(bad), problem)


def test_the_same_entry_twice_in_a_file_is_refused(other_records, tmp_path):
    _assert_refused(
        tmp_path, founding_with_evidence(entry(), entry()), "evidence[1]: the same entry as evidence[0]"
    )


@pytest.mark.parametrize(
    "old, new, problem",
    [
        pytest.param(
            "{meeting: gallium-symposium-2023, number: 3}",
            "{meeting: gallium-symposium-2022, number: 3}",
            "reviews[0].commitment: no commitment number 3 of the meeting 'gallium-symposium-2022' "
            "in the database",
            id="earlier meeting unknown",
        ),
        pytest.param(
            "{meeting: gallium-symposium-2023, number: 3}",
            "{meeting: gallium-symposium-2023, number: 9}",
            "reviews[0].commitment: no commitment number 9 of the meeting 'gallium-symposium-2023'",
            id="earlier point unknown",
        ),
        pytest.param(
            "{meeting: gallium-symposium-2023, number: 3}",
            "{meeting: test-only-gallium-symposium-2024, number: 3}",
            "reviews[0].commitment.meeting: a meeting reviews the points of an earlier meeting, not its own",
            id="its own point",
        ),
        pytest.param(
            "    outcome: reaffirmed\n",
            "    outcome: confirmed\n",
            "reviews[0].outcome: Input should be 'reaffirmed', 'amended' or 'dropped'; got 'confirmed'",
            id="outcome",
        ),
        pytest.param(
            "    outcome: reaffirmed\n",
            "    outcome: dropped\n    successor: 1\n",
            "reviews[0].successor: a dropped point has no successor",
            id="successor of a dropped point",
        ),
        pytest.param(
            "    outcome: reaffirmed\n",
            "    outcome: amended\n    successor: 1\n",
            "reviews[0].successor: there is no commitment number 1",
            id="successor unknown",
        ),
        pytest.param(
            "  edition: 1\n",
            "  edition: first\n",
            "meeting.edition: Input should be a valid integer; got 'first'",
            id="edition in words",
        ),
    ],
)
def test_a_bad_review_or_edition_is_named_and_nothing_is_written(
    founding_record, tmp_path, old, new, problem
):
    text = edition_text()
    assert text.count(old) == 1, old
    _assert_refused(tmp_path, text.replace(old, new), problem, name="edition.yaml")


def _assert_refused(tmp_path, text, problem, *, name=NAME):
    path = write(tmp_path, text, name=name)
    before = snapshot()

    with pytest.raises(CommandError) as error:
        run(path)

    assert f"{name}: {problem}" in str(error.value)
    assert str(error.value).endswith("1 of 1 file has a problem; nothing was imported.")
    assert snapshot() == before

"""What the import format holds so that an export loses nothing: files without a meeting,
several series with notes, and evidence that keeps its corrections and recording times.

Every entry, source and series here is INVENTED TEST DATA.
"""

import datetime

import pytest
from django.core.management import CommandError

from meetings.models import Evidence, Industry, MeetingSeries, Organization, Person, Pledge, Source, Verdict
from tests.test_import_meetings import counts, run, write
from tests.test_import_tracking import entry, founding_with_evidence

pytestmark = pytest.mark.django_db

SHARED = """\
series:
  - slug: test-only-series-a
    name: 虛構測試系列甲
    notes: "INVENTED TEST DATA: a series no meeting names yet."
    organizer: test-only-association
  - slug: test-only-series-b
    name: 虛構測試系列乙
industries:
  - slug: test-only-indium
    name: 銦
    name_en: indium
organizations:
  - name: 虛構測試協會
    slug: test-only-association
    kind: association
  - name: 輕金屬部
    slug: test-only-association-light-metals
    kind: association
    parent: test-only-association
people:
  - name: 虛構測試人
sources:
  - publisher: 虛構測試網
    title: 虛構測試報道
    url: https://example.org/test-only/shared
"""


def refused(tmp_path, text):
    before = counts()
    with pytest.raises(CommandError) as error:
        run(write(tmp_path, text))
    assert counts() == before
    return str(error.value)


def test_a_file_without_a_meeting_records_shared_records(db, tmp_path):
    out = run(write(tmp_path, SHARED))

    assert "records without a meeting: created 2 meeting series, 2 organizations" in out
    series = MeetingSeries.objects.get(slug="test-only-series-a")
    assert series.notes == "INVENTED TEST DATA: a series no meeting names yet."
    assert series.organizer.slug == "test-only-association"
    assert Organization.objects.get(slug="test-only-association-light-metals").parent == series.organizer
    assert Industry.objects.filter(slug="test-only-indium").exists()
    assert Person.objects.filter(name="虛構測試人").exists()
    assert not Source.objects.get(url="https://example.org/test-only/shared").meetings.exists()
    assert "no changes" in run(write(tmp_path, SHARED))


def test_a_file_without_a_meeting_may_hold_only_shared_records(db, tmp_path):
    message = refused(tmp_path, SHARED + "commitments:\n  - number: 1\n    heading: 虛構\n")
    assert "commitments: only a file with a meeting: section can have commitments" in message


def test_an_empty_file_without_a_meeting_still_asks_for_one(db, tmp_path):
    assert "meeting: required field is missing" in refused(tmp_path, "people: []\n")


def test_a_series_already_recorded_gets_only_its_blank_notes(db, tmp_path):
    run(write(tmp_path, SHARED))
    MeetingSeries.objects.filter(slug="test-only-series-a").update(notes="Edited in the admin.")

    run(
        write(
            tmp_path,
            SHARED.replace('notes: "INVENTED', 'notes: "CHANGED').replace("乙\n", "乙\n    notes: B\n"),
        )
    )

    assert MeetingSeries.objects.get(slug="test-only-series-a").notes == "Edited in the admin."
    assert MeetingSeries.objects.get(slug="test-only-series-b").notes == "B"


def test_two_series_with_one_slug_are_refused(db, tmp_path):
    text = SHARED.replace("test-only-series-b", "test-only-series-a")
    assert "series[1].slug: 'test-only-series-a' appears more than once" in refused(tmp_path, text)


def test_a_correction_names_the_entry_it_supersedes_by_position(db, tmp_path):
    file = founding_with_evidence(
        entry(supersedes=1, verdict="fulfilled", quote="更正。"),
        entry(verdict="not_met", reason="INVENTED TEST DATA: misread."),
    )
    run(write(tmp_path, file))

    correction = Evidence.objects.get(quote="更正。")
    assert correction.supersedes.verdict == Verdict.NOT_MET
    assert set(Pledge.objects.filter(commitment__number=4).values_list("status", flat=True)) == {"fulfilled"}
    assert "no changes" in run(write(tmp_path, file))


def test_an_entry_keeps_the_time_it_was_recorded(db, tmp_path):
    earlier = "2025-03-10T08:00:00+00:00"
    later = "2025-03-09T08:00:00+08:00"  # 01:00 UTC: recorded first, though written second
    file = founding_with_evidence(
        entry(observed_on="2025-03-02", verdict="fulfilled", recorded_at=earlier),
        entry(observed_on="2025-03-02", verdict="not_met", reason="INVENTED.", recorded_at=later),
    )
    run(write(tmp_path, file))

    recorded = dict(Evidence.objects.values_list("verdict", "recorded_at"))
    assert recorded["fulfilled"] == datetime.datetime(2025, 3, 10, 8, tzinfo=datetime.UTC)
    assert recorded["not_met"] == datetime.datetime(2025, 3, 9, 0, tzinfo=datetime.UTC)
    # On the same day the later-recorded entry wins, whatever the order of the file.
    assert set(Pledge.objects.filter(commitment__number=4).values_list("status", flat=True)) == {"fulfilled"}
    assert "no changes" in run(write(tmp_path, file))


@pytest.mark.parametrize(
    "entries, problem",
    [
        ([entry(supersedes=5)], "evidence[0].supersedes: there is no evidence[5]; the file lists 1"),
        ([entry(supersedes=0)], "evidence[0].supersedes: an entry cannot correct itself"),
        (
            [entry(quote="甲。"), entry(supersedes=0, quote="乙。"), entry(supersedes=0, quote="丙。")],
            "evidence[2].supersedes: evidence[0] is already corrected by evidence[1]",
        ),
        (
            [entry(supersedes=1, quote="甲。"), entry(supersedes=0, quote="乙。")],
            "evidence[0].supersedes: the corrections form a loop",
        ),
        ([entry(recorded_at="2025-03-10 08:00")], "evidence[0].recorded_at: Input should have timezone info"),
        (
            [entry(quote="甲。"), entry(about={"commitment": 3}, supersedes=0)],
            "evidence[1].supersedes: A correction is about the same subject as the entry it corrects.",
        ),
    ],
)
def test_a_bad_correction_or_recording_time_is_refused(db, tmp_path, entries, problem):
    assert problem in refused(tmp_path, founding_with_evidence(*entries))

"""`export_meetings --limit N` and `--published`: fewer meetings, files that still import alone."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from meetings.exporting.files import meeting_order
from meetings.models import CommitmentReview, Meeting, Organization, Pledge
from tests.factories import make_commitment, make_meeting
from tests.test_export_meetings import empty_the_database, export, files, import_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def synthetic():
    call_command("generate_synthetic", "--scale", "tiny", "--seed", "3", verbosity=0)
    drafts = Meeting.objects.order_by("-pk").values("pk")[:4]
    Meeting.objects.filter(pk__in=drafts).update(status=Meeting.Status.DRAFT)


def test_limit_exports_the_first_meetings_of_the_whole_export_and_no_shared_records(synthetic, tmp_path):
    export(tmp_path / "all")
    out, _ = export(tmp_path / "first", "--limit", "3")

    whole = files(tmp_path / "all")
    first = files(tmp_path / "first")
    assert list(first) == [name for name in whole if not name.startswith("0000-")][:3]
    assert all(first[name] == whole[name] for name in first)
    assert out.startswith("Exported 3 meetings")


def test_the_first_meetings_import_into_an_empty_database(synthetic, tmp_path):
    slugs = [Meeting.objects.get(pk=pk).slug for pk in meeting_order()[:3]]  # the order the files follow
    pledges = Pledge.objects.filter(commitment__meeting__slug__in=slugs).count()
    export(tmp_path / "first", "--limit", "3")
    empty_the_database()

    import_all(tmp_path / "first")

    assert sorted(Meeting.objects.values_list("slug", flat=True)) == sorted(slugs)
    assert Pledge.objects.count() == pledges > 0
    assert Organization.objects.exists()


def test_published_exports_and_imports_only_the_published_meetings(synthetic, tmp_path):
    published = set(Meeting.objects.filter(status=Meeting.Status.PUBLISHED).values_list("slug", flat=True))
    assert 0 < len(published) < Meeting.objects.count()

    out, _ = export(tmp_path / "published", "--published")
    empty_the_database()
    import_all(tmp_path / "published")

    assert out.startswith(f"Exported {len(published)} meetings")
    assert set(Meeting.objects.values_list("slug", flat=True)) == published
    assert not Path(tmp_path / "published" / "0000-shared-records.yaml").exists()


def test_published_and_limit_together_take_the_first_published_meetings(synthetic, tmp_path):
    published = set(Meeting.objects.filter(status=Meeting.Status.PUBLISHED).values_list("pk", flat=True))
    expected = [Meeting.objects.get(pk=pk).slug for pk in meeting_order() if pk in published][:2]

    export(tmp_path / "two", "--published", "--limit", "2")

    assert [name.split("-", 1)[1] for name in files(tmp_path / "two")] == [
        f"{slug}.yaml" for slug in expected
    ]


@pytest.mark.parametrize("value", ["0", "-5"])
def test_a_limit_below_one_is_refused_and_writes_nothing(synthetic, tmp_path, value):
    with pytest.raises(CommandError, match=f"--limit must be at least 1; got {value}"):
        export(tmp_path / "out", "--limit", value)

    assert not (tmp_path / "out").exists()


def test_a_limit_that_is_not_a_number_is_refused(synthetic, tmp_path):
    with pytest.raises(CommandError, match="--limit: invalid int value: 'ten'"):
        export(tmp_path / "out", "--limit", "ten")

    assert not (tmp_path / "out").exists()


def test_published_refuses_a_meeting_that_reviews_a_draft_and_writes_nothing(db, tmp_path):
    draft = make_meeting(slug="test-only-draft", status=Meeting.Status.DRAFT)
    later = make_meeting(slug="test-only-later")
    CommitmentReview.objects.create(
        meeting=later, commitment=make_commitment(draft), outcome=CommitmentReview.Outcome.REAFFIRMED
    )

    with pytest.raises(CommandError) as error:
        export(tmp_path / "out", "--published")

    assert "test-only-later reviews the points of test-only-draft, which is not published" in str(error.value)
    assert "Nothing was written." in str(error.value)
    assert not (tmp_path / "out").exists()
    # Without --published the draft goes along, and the export works.
    out, _ = export(tmp_path / "out")
    assert out.startswith("Exported 2 meetings")

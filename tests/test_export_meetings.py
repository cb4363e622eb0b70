"""`manage.py export_meetings`: a lossless export in the import format.

Export, import into an empty database, export again: the files are the same bytes, and
the database holds the same records (every field but keys and timestamps) as before.
The evidence and the 2024 edition used here are INVENTED TEST DATA.
"""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from meetings.importing import read_import_file
from meetings.models import (
    Attendance,
    Evidence,
    Meeting,
    MeetingSeries,
    MeetingSource,
    Organization,
    Participation,
    Person,
    Pledge,
    Verdict,
)
from tests.factories import (
    make_evidence,
    make_industry,
    make_organization,
    make_person,
    make_series,
    make_source,
)

pytestmark = pytest.mark.django_db

EDITION_2024 = Path(__file__).parent / "data" / "test-only-gallium-symposium-2024.yaml"
TIMESTAMPS = {"created_at", "updated_at"}


def export(out, *args):
    stdout, stderr = StringIO(), StringIO()
    call_command("export_meetings", "--out", str(out), *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def files(directory):
    return {path.name: path.read_bytes() for path in sorted(Path(directory).glob("*.yaml"))}


def empty_the_database():
    if connection.vendor == "postgresql":
        # Check the deferred keys now: PostgreSQL refuses to TRUNCATE with checks pending.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)


def import_all(directory):
    # The order a shell gives to DIR/*.yaml.
    call_command("import_meetings", *sorted(str(p) for p in Path(directory).glob("*.yaml")), verbosity=0)


def canonical():
    """Every record of every model: all fields but keys and timestamps, references as the
    referenced record's own fields, and the order of the lists the pages show."""
    models = [
        m for m in apps.get_app_config("meetings").get_models() if not m.__name__.startswith("Historical")
    ]
    objects = {model: {obj.pk: obj for obj in model.objects.all()} for model in models}
    memo = {}

    def row(model, pk):
        if (model, pk) not in memo:
            obj, values = objects[model][pk], []
            for f in obj._meta.concrete_fields:
                if f.primary_key or f.name in TIMESTAMPS:
                    continue
                value = f.value_from_object(obj)
                if f.is_relation and value is not None:
                    value = row(f.related_model, value)
                values.append((f.name, value))
            memo[model, pk] = tuple(values)
        return memo[model, pk]

    dump = {model.__name__: sorted((row(model, pk) for pk in objects[model]), key=repr) for model in models}
    dump["meeting industries"] = sorted(
        Meeting.industries.through.objects.values_list("meeting__slug", "industry__slug")
    )
    dump["orders"] = {
        m.slug: (
            list(Attendance.objects.filter(meeting=m).values_list("person__name", flat=True)),
            list(Participation.objects.filter(meeting=m).values_list("organization__slug", flat=True)),
            list(MeetingSource.objects.filter(meeting=m).values_list("source__url", "source__title")),
        )
        for m in Meeting.objects.order_by("slug")
    }
    return dump


def assert_round_trip(tmp_path):
    """Export, empty the database, import, export again: same bytes, same records."""
    before = canonical()
    export(tmp_path / "first")
    first = files(tmp_path / "first")
    for name in first:
        read_import_file(tmp_path / "first" / name)  # passes the importer's checks
    empty_the_database()
    assert not Meeting.objects.exists()
    import_all(tmp_path / "first")
    export(tmp_path / "second")
    assert files(tmp_path / "second") == first
    after = canonical()
    assert after.keys() == before.keys()
    for name in before:
        assert after[name] == before[name], name
    return first


def test_the_founding_record_round_trips_byte_for_byte(founding_record, tmp_path):
    first = assert_round_trip(tmp_path)

    assert list(first) == ["0001-gallium-symposium-2023.yaml"]
    text = first["0001-gallium-symposium-2023.yaml"].decode("utf-8")
    assert "title: 鎵產業高質量發展專題座談會" in text  # Chinese as it is, not escaped
    assert "\\u" not in text
    assert "  summary_en: >-\n    The China Nonferrous" in text  # long prose in block style


@pytest.fixture
def tracked(founding_record):
    """Founding record, the invented 2024 edition, evidence with a correction, and shared
    records that no meeting names."""
    call_command("import_meetings", str(EDITION_2024), verbosity=0)
    pledge = Pledge.objects.get(organization__slug="chalco", commitment__number=4)
    later = make_source(url="https://example.org/test-only/export-follow-up", title="虛構測試後續報道")
    day = datetime.date(2025, 3, 2)
    wrong = make_evidence(pledge=pledge, observed_on=day, verdict=Verdict.NOT_MET, source=later, quote="甲。")
    right = make_evidence(
        pledge=pledge, observed_on=day, verdict=Verdict.FULFILLED, source=later, quote="乙。"
    )
    correction = make_evidence(
        pledge=pledge,
        observed_on=day,
        verdict=Verdict.IN_PROGRESS,
        source=later,
        quote="丙。",
        supersedes=wrong,
    )
    # Recorded in another order than their pks (the wrong entry last): the file keeps the
    # recorded order and time, on which the status rule breaks a same-day tie.
    for entry, day_recorded in ((right, 3), (correction, 4), (wrong, 5)):
        recorded_at = datetime.datetime(2025, 3, day_recorded, 9, tzinfo=datetime.UTC)
        Evidence.objects.filter(pk=entry.pk).update(recorded_at=recorded_at)
    from meetings.status import refresh_pledge_statuses

    refresh_pledge_statuses([pledge.commitment_id])
    cnia = Organization.objects.get(slug="cnia")
    MeetingSeries.objects.filter(slug="gallium-industry-chain-symposium").update(
        notes="Yearly, says point 3."
    )
    make_series(
        slug="test-only-unheld-series", name="虛構測試系列", organizer=make_organization(slug="lonely")
    )
    make_organization(
        slug="cnia-test-only-department", name="輕金屬部", parent=make_organization(slug="other")
    )
    make_organization(
        slug="cnia-test-only-office", name="測試辦公室", parent=cnia, notes="Line one.\nLine two."
    )
    make_person(name="無會議者", name_en="Nobody Attended")
    make_industry(slug="test-only-indium", name="銦", name_en="indium")
    make_source(url="https://example.org/test-only/unlinked", title="無人引用")
    return pledge


def test_founding_edition_and_a_correction_round_trip(tracked, tmp_path):
    first = assert_round_trip(tmp_path)

    assert list(first) == [
        "0000-shared-records.yaml",
        "0001-gallium-symposium-2023.yaml",
        "0002-test-only-gallium-symposium-2024.yaml",  # it reviews a point of the 2023 meeting
    ]
    text = first["0001-gallium-symposium-2023.yaml"].decode("utf-8")
    evidence = text[text.index("\nevidence:") :]
    assert evidence.index("乙。") < evidence.index("丙。") < evidence.index("甲。")
    assert "  supersedes: 2\n" in evidence
    assert "recorded_at: '2025-03-05T09:00:00+00:00'" in evidence
    assert "notes: Yearly, says point 3." in text
    shared = first["0000-shared-records.yaml"].decode("utf-8")
    for name in (
        "無會議者",
        "test-only-indium",
        "test-only-unheld-series",
        "無人引用",
        "cnia-test-only-office",
    ):
        assert name in shared
    # Statuses are derived again by the import, from the same entries in the same order.
    pledge = Pledge.objects.get(organization__slug="chalco", commitment__number=4)
    assert pledge.status == Verdict.IN_PROGRESS


@pytest.mark.parametrize("seed", [1, 5])
def test_generated_data_round_trips(seed, tmp_path):
    call_command("generate_synthetic", "--scale", "tiny", "--seed", str(seed), stdout=StringIO())
    first = assert_round_trip(tmp_path)

    assert len(first) == Meeting.objects.count() + 1  # and the shared records
    assert Evidence.objects.filter(supersedes__isnull=False).exists()


def test_it_prints_progress_on_stderr_and_a_summary(tracked, tmp_path):
    stdout, stderr = export(tmp_path / "out", "--every", "1")

    assert "exported 1/2 meetings" in stderr
    assert "exported 2/2 meetings" in stderr
    assert f"Exported 2 meetings to {tmp_path / 'out'}: 3 files" in stdout
    assert "3 evidence entries" in stdout


def test_it_refuses_a_directory_that_is_not_empty(founding_record, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")

    with pytest.raises(CommandError, match=r"(?s)is not empty.*Nothing was written"):
        export(out)
    with pytest.raises(CommandError, match="holds more than an export"):
        export(out, "--replace")
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_it_refuses_a_file_as_the_directory(founding_record, tmp_path):
    out = tmp_path / "export.yaml"
    out.write_text("")

    with pytest.raises(CommandError, match="is a file, not a directory"):
        export(out)
    assert out.read_text() == ""
    assert [p.name for p in tmp_path.iterdir()] == ["export.yaml"]


def test_replace_replaces_an_earlier_export(founding_record, tmp_path):
    export(tmp_path / "out")
    (tmp_path / "out" / "0007-a-meeting-deleted-since.yaml").write_text("meeting: {}")

    export(tmp_path / "out", "--replace")

    assert list(files(tmp_path / "out")) == ["0001-gallium-symposium-2023.yaml"]


def test_two_people_with_one_name_stop_the_export(founding_record, tmp_path):
    make_person(name="葛紅林", name_en="Another Ge Honglin")

    with pytest.raises(CommandError, match="2 people are named '葛紅林'"):
        export(tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_text_an_import_would_change_stops_the_export(founding_record, tmp_path):
    Person.objects.filter(name="許允").update(notes="trailing space ")

    with pytest.raises(CommandError, match=r"people\[2\].notes: .* starts or ends with spaces"):
        export(tmp_path / "out")
    assert list(tmp_path.iterdir()) == []

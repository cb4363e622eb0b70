"""The import_meetings command: the founding file, idempotency, matching, and every kind of bad file."""

import datetime
import io
import re
from collections import Counter

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command

from meetings.importing import ImportResult
from meetings.models import Meeting, Organization, Participation, Person, Pledge
from tests.factories import make_meeting_with_pledges, make_organization, make_person

FOUNDING_FILE = settings.BASE_DIR / "meetings" / "data" / "gallium-symposium-2023.yaml"
NAME = FOUNDING_FILE.name
FOUNDING_SUMMARY = (
    f"{NAME}: gallium-symposium-2023: created 1 meeting, 1 meeting series, 14 organizations, "
    "14 organization aliases, 3 people, 1 industry, 12 participants, 3 attendance records, 5 commitments, "
    "35 pledges, 1 source, 12 action items; linked 1 industry, 1 source"
)


def run(*paths):
    """Run the command on ``paths``; return what it printed."""
    out = io.StringIO()
    call_command("import_meetings", *map(str, paths), stdout=out)
    return out.getvalue()


def founding_text():
    return FOUNDING_FILE.read_text(encoding="utf-8")


def edited(old, new):
    """The founding file with its one occurrence of ``old`` replaced by ``new``."""
    text = founding_text()
    assert text.count(old) == 1, old
    return text.replace(old, new)


def write(tmp_path, content, name=NAME):
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def snapshot():
    """Every row of every table of the app, in a comparable form (updated_at included)."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("meetings").get_models(include_auto_created=True)
    }


def counts():
    return {label: len(rows) for label, rows in snapshot().items()}


@pytest.fixture
def other_records(db):
    """Unrelated records, so that 'unchanged' is checked on a database that is not empty."""
    make_meeting_with_pledges(companies=2, commitments=2)


# -- the founding file --------------------------------------------------------------------


def test_the_founding_file_imports_and_prints_its_summary(db):
    assert run(FOUNDING_FILE) == FOUNDING_SUMMARY + "\n"
    assert Meeting.objects.get().slug == "gallium-symposium-2023"


def test_importing_the_founding_file_twice_changes_nothing(db):
    run(FOUNDING_FILE)
    before = snapshot()

    assert run(FOUNDING_FILE) == f"{NAME}: gallium-symposium-2023: no changes\n"

    assert counts() == {label: len(rows) for label, rows in before.items()}
    assert snapshot() == before


def test_fields_the_file_leaves_out_keep_what_an_editor_wrote(db):
    run(FOUNDING_FILE)
    # The file does not say named_in_source for the participants.
    Participation.objects.filter(organization__slug="chalco").update(named_in_source=False)

    assert run(FOUNDING_FILE).endswith(": no changes\n")

    assert Participation.objects.get(organization__slug="chalco").named_in_source is False


# -- matching what is already in the database ---------------------------------------------


def test_an_organization_stored_in_simplified_script_is_matched_and_only_its_blanks_filled(db):
    chalco = make_organization(
        name="中国铝业股份有限公司", name_en="", slug="aluminum-corp", kind="other", notes="Editor's note."
    )

    run(FOUNDING_FILE)

    chalco.refresh_from_db()
    assert Organization.objects.filter(name__in=["中国铝业股份有限公司", "中國鋁業股份有限公司"]).count() == 1
    assert Organization.objects.count() == 14
    assert (chalco.name, chalco.slug, chalco.kind, chalco.notes) == (
        "中国铝业股份有限公司",
        "aluminum-corp",
        "other",
        "Editor's note.",
    )
    assert chalco.name_en == "Aluminum Corporation of China Limited"
    assert set(chalco.aliases.values_list("name", flat=True)) == {
        "中國鋁業股份有限公司",
        "中國鋁業",
        "Chalco",
    }
    assert Pledge.objects.filter(organization=chalco).count() == 5


def test_an_organization_known_by_an_alias_is_matched_and_not_overwritten(db):
    chalco = make_organization(name="中鋁股份", name_en="Chalco (editor)", slug="chalco", province="beijing")
    chalco.aliases.create(name="中國鋁業")

    run(FOUNDING_FILE)
    second = run(FOUNDING_FILE)

    chalco.refresh_from_db()
    assert Organization.objects.count() == 14
    assert (chalco.name, chalco.name_en, chalco.province) == ("中鋁股份", "Chalco (editor)", "beijing")
    assert "中國鋁業股份有限公司" in chalco.aliases.values_list("name", flat=True)
    assert chalco.participations.get().meeting.slug == "gallium-symposium-2023"
    assert second.endswith(": no changes\n")


def test_a_person_already_recorded_is_matched_and_not_overwritten(db):
    ge = make_person(name="葛紅林", name_en="Ge Honglin (editor)")

    run(FOUNDING_FILE)

    ge.refresh_from_db()
    assert Person.objects.filter(name="葛紅林").count() == 1
    assert ge.name_en == "Ge Honglin (editor)"
    assert ge.attendances.get().role == "speaker"


def test_a_slug_taken_by_an_unrelated_organization_is_refused(db, tmp_path):
    make_organization(name="另一家公司", slug="chalco")
    before = counts()

    with pytest.raises(CommandError) as error:
        run(FOUNDING_FILE)

    assert f"{NAME}: organizations[7].slug: 'chalco' belongs to '另一家公司'" in str(error.value)
    assert counts() == before


# -- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, date, precision",
    [
        ("2024-05-17", datetime.date(2024, 5, 17), "day"),
        ('"2024-05"', datetime.date(2024, 5, 1), "month"),
        ("2024-05", datetime.date(2024, 5, 1), "month"),
        ("2024", datetime.date(2024, 1, 1), "year"),
        ("null", None, ""),
    ],
)
def test_held_on_stores_the_date_with_the_precision_written(db, tmp_path, written, date, precision):
    run(write(tmp_path, edited("held_on: null", f"held_on: {written}")))

    meeting = Meeting.objects.get()
    assert (meeting.held_on, meeting.held_on_precision) == (date, precision)


# -- bad files --------------------------------------------------------------------------------

_CHALCO_PARTICIPANT = next(
    line
    for line in founding_text().splitlines(keepends=True)
    if line.startswith("  - {organization: chalco,")
)


@pytest.mark.parametrize(
    "old, new, problem",
    [
        pytest.param(
            "  title_en: Symposium on the high-quality development of the gallium industry\n",
            "",
            "meeting.title_en: required field is missing",
            id="missing required field",
        ),
        pytest.param(
            "  title: 鎵產業",
            "  tittle: 鎵產業",
            "meeting.tittle: unknown field; did you mean 'title'?",
            id="unknown field",
        ),
        pytest.param(
            "  status: published",
            "  status: publish",
            "meeting.status: Input should be 'draft' or 'published'; got 'publish'",
            id="wrong choice",
        ),
        pytest.param(
            "    slug: chalco\n    kind: company",
            "    slug: chalco\n    kind: firm",
            "organizations[7].kind: Input should be 'company', 'association', 'government' or 'other'; "
            "got 'firm'",
            id="wrong kind",
        ),
        pytest.param(
            "  - number: 1\n",
            "  - number: 0\n",
            "commitments[0].number: Input should be greater than or equal to 1; got 0",
            id="commitment number 0",
        ),
        pytest.param(
            "  - number: 4\n",
            "  - number: 3\n",
            "commitments[3].number: 3 appears more than once",
            id="duplicate commitment number",
        ),
        pytest.param(
            "{organization: east-hope-group, commitments: all,",
            "{organization: east-hope-group, commitments: [1, 6],",
            "pledges[4].commitments: there is no commitment number 6",
            id="pledge to a missing commitment",
        ),
        pytest.param(
            "  - {organization: zhuhai-sez-fangyuan, quote:",
            "  - {organization: 珠海方源, quote:",
            "participants[8].organization: no organization named '珠海方源' in this file or the database",
            id="unknown organization",
        ),
        pytest.param(
            "  - person: 范順科\n",
            "  - person: 范順\n",
            "attendance[1].person: no person named '范順' under people: or in the database",
            id="unknown person",
        ),
        pytest.param(
            "held_on: null",
            "held_on: 2023-13-01",
            "meeting.held_on: '2023-13-01' is not a real date (month must be in 1..12)",
            id="impossible date",
        ),
        pytest.param(
            "held_on: null",
            "held_on: last week",
            "meeting.held_on: write the date as YYYY, YYYY-MM or YYYY-MM-DD; got 'last week'",
            id="date in words",
        ),
        pytest.param(
            "reported_on: 2023-10-12",
            "reported_on: 2023-10-12 09:30:00",
            "meeting.reported_on: give a date (YYYY-MM-DD), not a date and time",
            id="datetime for a date",
        ),
        pytest.param(
            "reported_on: 2023-10-12",
            "reported_on: 2023-10-12 00:00:00",
            "meeting.reported_on: give a date (YYYY-MM-DD), not a date and time",
            id="datetime at midnight for a date",
        ),
        pytest.param(
            "\ncommitments:\n",
            "  - {organization: 中國鋁業股份有限公司}\n\ncommitments:\n",
            "participants[12].organization: the same organization as participants[5].organization",
            id="one participant under two names",
        ),
        pytest.param(
            "\nsources:\n",
            "  - {organization: 中國鋁業, commitments: [2]}\n\nsources:\n",
            "pledges[7]: the pledge of '中國鋁業' to commitment 2 is already given in pledges[0]",
            id="one pledge given twice",
        ),
        pytest.param(
            "    published_on: 2023-10-12",
            "    published_on: 12/10/2023",
            "sources[0].published_on: write the date as YYYY-MM-DD; got '12/10/2023'",
            id="date in another order",
        ),
        pytest.param(
            "消費領域對接與合作",
            "消費領域?qū)\ue789优c合作",
            "commitments[2].body: character 87 is a private-use character U+E789",
            id="damaged text",
        ),
        pytest.param(
            "  place: 寧夏銀川\n",
            "  place: 寧夏銀川\n  title: 另一個標題\n",
            "line 23, column 3: the key 'title' appears twice in the same section",
            id="repeated key",
        ),
        pytest.param(
            "  place: 寧夏銀川\n",
            "  place: &place 寧夏銀川\n  place_en: *place\n",
            "line 22, column 10: anchors (&name) and aliases (*name) are not allowed in import files",
            id="anchor and alias",
        ),
    ],
)
def test_a_bad_file_names_the_file_the_field_and_the_problem_and_writes_nothing(
    other_records, tmp_path, old, new, problem
):
    path = write(tmp_path, edited(old, new))
    before = snapshot()

    with pytest.raises(CommandError) as error:
        run(path)

    assert f"{NAME}: {problem}" in str(error.value)
    assert str(error.value).endswith("1 of 1 file has a problem; nothing was imported.")
    assert snapshot() == before


def test_invalid_yaml_is_reported_with_its_line_and_column(other_records, tmp_path):
    path = write(
        tmp_path, edited("  title: 鎵產業高質量發展專題座談會", "  title: [鎵產業高質量發展專題座談會")
    )
    before = counts()

    with pytest.raises(CommandError, match=rf"{NAME}: line 17, column 11: not valid YAML: "):
        run(path)

    assert counts() == before


_TOO_BIG = (founding_text() + "#" * (2 * 1024 * 1024)).encode()
_BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join([f'*{chr(97 + n)}'] * 9)}]\n" for n in range(8)
)


@pytest.mark.parametrize(
    "content, problem",
    [
        pytest.param(b"", "the file is empty", id="empty"),
        pytest.param(b"  \n# only a comment\n", "the file is empty", id="only a comment"),
        pytest.param(
            "- meeting\n",
            "the file must be a YAML mapping with a 'meeting:' section, not a list",
            id="a list",
        ),
        pytest.param("會議\n", "the file must be a YAML mapping", id="a single value"),
        pytest.param(
            founding_text().encode("gb18030"),
            "line 4: the file is not UTF-8 text (byte 148); save it as UTF-8",
            id="GB18030 bytes",
        ),
        pytest.param(
            _TOO_BIG, f"the file is {len(_TOO_BIG):,} bytes; the limit is 2,097,152", id="over 2 MB"
        ),
        pytest.param(
            _BILLION_LAUGHS,
            "line 1, column 4: anchors (&name) and aliases (*name) are not allowed",
            id="billion laughs",
        ),
        pytest.param("industries: []\n", "meeting: required field is missing", id="no meeting section"),
    ],
)
def test_a_file_that_is_not_a_meeting_is_refused_and_writes_nothing(
    other_records, tmp_path, content, problem
):
    path = write(tmp_path, content)
    before = counts()

    with pytest.raises(CommandError) as error:
        run(path)

    assert f"{NAME}: {problem}" in str(error.value)
    assert counts() == before


def test_a_missing_path_is_reported(other_records, tmp_path):
    with pytest.raises(CommandError, match=r"missing\.yaml: cannot read the file: No such file or directory"):
        run(tmp_path / "missing.yaml")


def test_a_pledge_by_a_non_participant_writes_nothing_of_the_file(other_records, tmp_path):
    path = write(tmp_path, edited(_CHALCO_PARTICIPANT, ""))
    before = snapshot()

    with pytest.raises(CommandError) as error:
        run(path)

    # Checked by the model when the pledge is written, after the organizations were:
    # the whole file is rolled back, those organizations included.
    assert f"{NAME}: pledges[0].organization: This organization did not take part in the meeting" in str(
        error.value
    )
    assert snapshot() == before
    assert not Organization.objects.filter(slug="chalco").exists()


# -- several files ---------------------------------------------------------------------------


def test_when_one_of_several_files_is_bad_none_is_imported(other_records, tmp_path):
    bad = write(tmp_path, edited("  - number: 1\n", "  - number: 0\n"), name="bad.yaml")
    before = snapshot()

    with pytest.raises(CommandError) as error:
        run(FOUNDING_FILE, bad)

    message = str(error.value)
    assert "bad.yaml: commitments[0].number" in message
    assert f"{NAME}:" not in message
    assert message.endswith("1 of 2 files has a problem; nothing was imported.")
    assert snapshot() == before


def test_a_file_failing_when_written_undoes_the_files_before_it(other_records, tmp_path):
    bad = write(
        tmp_path, edited(_CHALCO_PARTICIPANT, "").replace("gallium-symposium-2023", "x-2023"), name="bad.yaml"
    )
    other = write(tmp_path, _small_meeting("second-meeting", organizer="cnia"), name="second.yaml")
    before = snapshot()

    with pytest.raises(CommandError) as error:
        run(FOUNDING_FILE, bad, other)

    assert "bad.yaml: pledges[0].organization" in str(error.value)
    assert snapshot() == before


def test_a_later_file_may_refer_to_an_organization_an_earlier_file_adds(db, tmp_path):
    second = write(tmp_path, _small_meeting("second-meeting", organizer="cnia"), name="second.yaml")

    out = run(FOUNDING_FILE, second)

    assert out.splitlines() == [
        f"[1/2] {FOUNDING_SUMMARY}",
        "[2/2] second.yaml: second-meeting: created 1 meeting, 1 commitment",
    ]
    assert Meeting.objects.get(slug="second-meeting").organizer.slug == "cnia"


def _small_meeting(slug, *, organizer):
    return (
        f"meeting:\n  slug: {slug}\n  title: 第二次座談會\n  title_en: Second symposium\n"
        f"  organizer: {organizer}\n"
        "commitments:\n  - {number: 1, heading: 每年召開一次座談會}\n"
    )


# -- the summary -----------------------------------------------------------------------------


def test_the_summary_says_one_and_many_correctly(db):
    meeting = Meeting(slug="m")
    result = ImportResult(
        "m.yaml",
        meeting,
        Counter(
            {
                ("created", "person"): 1,
                ("created", "industry"): 2,
                ("updated", "organizationalias"): 1,
                ("updated", "attendance"): 2,
                ("linked", "source"): 1,
            }
        ),
    )

    assert result.summary() == (
        "m.yaml: m: created 1 person, 2 industries; updated 1 organization alias, "
        "2 attendance records; linked 1 source"
    )
    assert ImportResult("m.yaml", meeting).summary() == "m.yaml: m: no changes"


def test_a_corrected_file_updates_what_changed_and_says_so(db, tmp_path):
    run(FOUNDING_FILE)
    path = write(tmp_path, edited("  place_en: Yinchuan, Ningxia", "  place_en: Yinchuan, Ningxia, China"))

    assert run(path) == f"{NAME}: gallium-symposium-2023: updated 1 meeting\n"
    assert Meeting.objects.get().place_en == "Yinchuan, Ningxia, China"


# -- the documentation -----------------------------------------------------------------------


def test_the_examples_in_the_documentation_import(db, tmp_path):
    doc = (settings.BASE_DIR / "docs" / "import-format.md").read_text(encoding="utf-8")
    first, later = re.findall(r"```yaml\n(.*?)```", doc[doc.index("## Example\n") :], re.S)

    out = run(write(tmp_path, first, name="example.yaml"), write(tmp_path, later, name="later.yaml"))

    assert out.splitlines() == [
        "[1/2] example.yaml: example-germanium-symposium-2024: created 1 meeting, 1 meeting series, "
        "3 organizations, 2 organization aliases, 1 person, 1 industry, 2 participants, "
        "1 attendance record, 3 commitments, 3 pledges, 2 sources, 3 action items, 2 evidence entries; "
        "updated 1 pledge status; linked 1 industry, 1 source",
        "[2/2] later.yaml: example-germanium-symposium-2025: created 1 meeting, 1 commitment, "
        "1 source, 2 reviews; updated 1 pledge status; linked 1 industry, 1 source",
    ]
    meeting = Meeting.objects.get(slug="example-germanium-symposium-2024")
    assert (meeting.held_on, meeting.held_on_precision) == (datetime.date(2024, 5, 1), "month")
    assert meeting.sources.get().url == "https://news.example.org/2024/06/03/germanium"
    pledges = Pledge.objects.filter(commitment__meeting=meeting).order_by("commitment__number")
    assert [p.status for p in pledges] == ["no_record", "fulfilled", "in_progress"]

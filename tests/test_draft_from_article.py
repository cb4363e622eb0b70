"""Drafts from articles: valid import files that import as draft meetings, and the batch command."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from meetings.articles import EN_PLACEHOLDER, MAX_ARTICLE_BYTES, draft_article, to_import_dict
from meetings.importing import ImportFile, import_meeting, parse_import_text
from meetings.models import Attendance, Commitment, Meeting, Organization, Participation, Person, Pledge

ARTICLES = Path(__file__).parent / "data" / "articles"
SEED = ARTICLES / "gallium-symposium-2023.txt"
GOOD = sorted(p.name for p in ARTICLES.iterdir() if p.suffix in (".txt", ".html") and p.name != "empty.txt")


def draft_of(name):
    return draft_article((ARTICLES / name).read_bytes(), label=name)


def parsed(draft):
    """The draft's YAML, read and checked by the importer exactly as a file would be."""
    return parse_import_text(draft.yaml.encode("utf-8"), label=draft.label)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("draft_from_article", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("name", GOOD)
def test_every_articles_draft_passes_the_import_format_checks(name):
    parsed(draft_of(name))


def test_the_seed_draft_is_a_draft_with_english_left_to_the_editor():
    data = draft_of(SEED.name).data
    meeting = data["meeting"]

    assert meeting["status"] == "draft"
    assert meeting["title"] == "鎵產業高質量發展專題座談會"
    assert meeting["title_en"] == EN_PLACEHOLDER
    assert (meeting["organizer"], meeting["place"], meeting["date_as_reported"]) == (
        "中國有色金屬工業協會",
        "寧夏銀川",
        "近日",
    )
    assert meeting["held_on"] is None and meeting["participant_list_partial"] is True
    assert meeting["industries"] == ["gallium"]
    # Every English field but the industry's name, a fixed term (gallium), is left to the editor.
    english = [
        value
        for name, section in data.items()
        if name != "industries"
        for item in (section if isinstance(section, list) else [section])
        for key, value in item.items()
        if key.endswith("_en") and key != "title_en"
    ]
    assert english and set(english) == {""}


def test_the_seed_draft_pledges_every_point_for_every_company_by_participation():
    data = draft_of(SEED.name).data
    companies = [o["name"] for o in data["organizations"] if o["kind"] == "company"]

    assert len(companies) == 7
    assert [p["organization"] for p in data["pledges"]] == companies
    assert {(p["commitments"], p["basis"]) for p in data["pledges"]} == {("all", "participation")}


def test_the_seed_draft_shows_the_damaged_span_to_the_editor():
    draft = draft_of(SEED.name)
    (source,) = draft.data["sources"]

    assert "⟦damaged: ?qū)<U+E789>优c⟧合作" in draft.data["commitments"][2]["body"]
    assert "line 13, column 108" in source["notes"]
    assert "# - Damaged text at line 13, column 108" in draft.yaml
    assert (source["publisher"], source["reprinted_from"], source["url"]) == (
        "中國產業經濟信息網",
        "中國有色金屬報",
        "",
    )
    assert str(source["published_on"]) == "2023-10-12"


def test_a_slug_can_be_given_and_the_placeholder_slug_is_stable():
    extraction = draft_of(SEED.name).extraction

    assert to_import_dict(extraction, slug="gallium-2023")["meeting"]["slug"] == "gallium-2023"
    assert (
        to_import_dict(extraction)["meeting"]["slug"]
        == draft_of("gallium-no-glosses.txt").data["meeting"]["slug"]
    )


def test_the_draft_of_an_article_without_points_has_what_was_found_and_says_why(db):
    draft = draft_of("germanium-no-points.txt")

    assert "commitments" not in draft.data and "pledges" not in draft.data
    assert "No numbered points were found" in draft.yaml
    result = import_meeting(parsed(draft), label=draft.label)
    assert result.meeting.commitments.count() == 0
    assert result.meeting.held_on.isoformat() == "2024-06-01"
    assert Organization.objects.companies().count() == 3


def test_importing_the_seed_draft_into_an_empty_database_gives_a_draft_meeting(db):
    draft = draft_of(SEED.name)

    meeting = import_meeting(parsed(draft), label=draft.label).meeting

    assert Meeting.objects.get() == meeting
    assert meeting.status == Meeting.Status.DRAFT
    assert Organization.objects.companies().count() == 7
    assert meeting.participations.filter(organization__kind="company").count() == 7
    assert Commitment.objects.filter(meeting=meeting).count() == 5
    assert Pledge.objects.count() == 35
    assert meeting.organizer.name == "中國有色金屬工業協會"
    attendance = {a.person.name: (a.role, a.title) for a in Attendance.objects.filter(meeting=meeting)}
    assert attendance["范順科"] == ("chair", "中國有色金屬工業協會黨委副書記")
    bureau = Organization.objects.get(name="產業安全與進出口管制局")
    assert bureau.parent.name == "商務部"
    assert meeting.participations.get(organization=bureau).role == Participation.Role.GOVERNMENT


def test_the_draft_dict_imports_without_going_through_yaml(db):
    # The admin screen's path: the dict, corrected in a form, checked by the import schema.
    data = draft_of(SEED.name).data

    meeting = import_meeting(ImportFile.model_validate(data), label="admin").meeting

    assert meeting.commitments.count() == 5 and meeting.status == Meeting.Status.DRAFT


def test_importing_the_seed_draft_beside_the_founding_record_reuses_its_organizations(founding_record):
    organizations, people = Organization.objects.count(), Person.objects.count()
    draft = draft_of(SEED.name)

    meeting = import_meeting(parsed(draft), label=draft.label).meeting

    assert Organization.objects.count() == organizations
    assert Person.objects.count() == people
    assert meeting != founding_record and meeting.status == Meeting.Status.DRAFT
    companies = Organization.objects.companies()
    assert companies.count() == 7
    assert set(
        meeting.participations.filter(organization__kind="company").values_list("organization", flat=True)
    ) == set(companies.values_list("pk", flat=True))
    assert meeting.organizer == founding_record.organizer
    assert Commitment.objects.filter(meeting=meeting).count() == 5


def test_the_simplified_draft_matches_the_founding_records_companies_by_their_aliases(founding_record):
    before = set(Organization.objects.companies().values_list("pk", flat=True))
    draft = draft_of("gallium-simplified.txt")

    meeting = import_meeting(parsed(draft), label=draft.label).meeting

    took_part = set(
        meeting.participations.filter(organization__kind="company").values_list("organization", flat=True)
    )
    # 株洲科能新材料股份有限公司 is written alike in both scripts; the others are aliases.
    assert took_part == before


# -- the command ---------------------------------------------------------------------------


def test_the_command_writes_one_draft_per_article_with_a_progress_line(tmp_path):
    out, err = run(SEED, ARTICLES / "gallium.html", ARTICLES / "germanium-no-points.txt", "--out", tmp_path)

    assert out.splitlines() == [
        "[1/3] gallium-symposium-2023.txt: 7 companies, 5 points, 1 flagged span"
        " → gallium-symposium-2023.yaml",
        "[2/3] gallium.html: 7 companies, 5 points → gallium.yaml",
        "[3/3] germanium-no-points.txt: 3 companies, no numbered points → germanium-no-points.yaml",
    ]
    assert err == ""
    written = tmp_path / "gallium-symposium-2023.yaml"
    assert parse_import_text(written.read_bytes(), label=written.name).meeting.status == "draft"


def test_the_command_reports_bad_files_drafts_the_others_and_fails(tmp_path):
    oversize = tmp_path / "oversize.txt"
    with oversize.open("wb") as file:
        file.truncate(MAX_ARTICLE_BYTES + 1)
    files = [ARTICLES / "empty.txt", SEED, ARTICLES / "garbage.bin", oversize, tmp_path / "missing.txt"]

    with pytest.raises(CommandError, match="4 of 5 files could not be drafted"):
        run(*files, "--out", tmp_path / "drafts")

    assert [p.name for p in (tmp_path / "drafts").iterdir()] == ["gallium-symposium-2023.yaml"]


def test_the_command_names_the_reason_for_each_bad_file(tmp_path):
    oversize = tmp_path / "oversize.txt"
    with oversize.open("wb") as file:
        file.truncate(MAX_ARTICLE_BYTES + 1)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "draft_from_article",
            str(ARTICLES / "empty.txt"),
            str(ARTICLES / "garbage.bin"),
            str(oversize),
            "--out",
            str(tmp_path),
            stdout=io.StringIO(),
            stderr=err,
        )

    assert err.getvalue().splitlines() == [
        "[1/3] empty.txt: the input is empty: there is no article text to read",
        "[2/3] garbage.bin: the input contains NUL bytes: it is a binary file, not text",
        "[3/3] oversize.txt: the input is 2,097,153 bytes;"
        " the limit for an article is 2,097,152 bytes (2 MB)",
    ]


def test_without_out_the_draft_is_written_beside_the_article(tmp_path):
    article = tmp_path / "article.txt"
    article.write_bytes(SEED.read_bytes())

    out, _ = run(article)

    assert out == "article.txt: 7 companies, 5 points, 1 flagged span → article.yaml\n"
    assert (tmp_path / "article.yaml").read_text(encoding="utf-8") == draft_article(
        SEED.read_bytes(), label="article.txt"
    ).yaml


def test_out_dash_prints_the_draft_and_reports_on_standard_error():
    out, err = run(SEED, "--out", "-")

    assert out == draft_of(SEED.name).yaml
    assert err == "gallium-symposium-2023.txt: 7 companies, 5 points, 1 flagged span → standard output\n"


def test_the_command_does_not_replace_a_draft_unless_told(tmp_path):
    run(SEED, "--out", tmp_path)
    (tmp_path / "gallium-symposium-2023.yaml").write_text("# edited", encoding="utf-8")

    with pytest.raises(CommandError):
        run(SEED, "--out", tmp_path)
    assert (tmp_path / "gallium-symposium-2023.yaml").read_text(encoding="utf-8") == "# edited"

    run(SEED, "--out", tmp_path, "--overwrite")
    assert (
        (tmp_path / "gallium-symposium-2023.yaml").read_text(encoding="utf-8").startswith("# A draft meeting")
    )


def test_damage_inside_a_name_still_gives_a_draft_the_importer_reads():
    article = (
        SEED.read_text(encoding="utf-8")
        .replace("杭州錦江集團", "杭州錦\ufffd集團")
        .replace("范順科", "范\ue000科")
    )
    draft = draft_article(article, label="damaged.txt")

    names = [o.name for o in parsed(draft).organizations]
    assert "杭州錦⟦damaged: <U+FFFD>⟧集團有限公司" in names
    assert draft.data["people"][1]["name"] == "范⟦damaged: <U+E000>⟧科"
    assert len(draft.extraction.flags) == 3

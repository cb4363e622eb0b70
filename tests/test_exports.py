"""CSV and JSON downloads of the meetings, companies and commitments lists."""

import csv
import datetime
import io
import json
import re

import jsonschema
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.models import Meeting, Verdict
from meetings.status import refresh_pledge_statuses
from tests.conftest import FOUNDING_COMPANIES
from tests.factories import (
    make_action_item,
    make_commitment,
    make_company,
    make_evidence,
    make_industry,
    make_meeting,
    make_meeting_with_pledges,
    make_pledge,
)

FOUNDING = "gallium-symposium-2023"


def _body(response):
    assert response.streaming, "exports are streamed"
    return b"".join(response.streaming_content)


def _csv(response):
    text = _body(response).decode("utf-8")
    assert text.startswith("\ufeff"), "the byte-order mark lets Excel read UTF-8"
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def _json(response):
    return json.loads(_body(response).decode("utf-8"))


def _schema(client, name):
    response = client.get(f"/{name}/export.schema.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    return json.loads(b"".join(response.streaming_content))


# -- the done-when: one company's five pledges -------------------------------------------


@pytest.mark.parametrize("slug", FOUNDING_COMPANIES)
def test_csv_of_a_founding_company_is_exactly_its_five_pledges(client, founding_record, slug):
    response = client.get("/commitments/export.csv", {"company": slug})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="commitments-\d{4}-\d{2}-\d{2}\.csv"', response["Content-Disposition"]
    )
    rows = _csv(response)
    assert [(r["meeting_slug"], r["commitment_number"], r["organization_slug"]) for r in rows] == [
        (FOUNDING, str(n), slug) for n in range(1, 6)
    ]
    assert {r["status"] for r in rows} == {"no_record"}
    assert {r["basis"] for r in rows} == {"participation"}


def test_csv_keeps_the_chinese_text_and_the_unknown_date_empty(client, founding_record):
    rows = _csv(client.get("/commitments/export.csv", {"company": "chalco"}))
    first = rows[0]
    assert first["meeting_title"] == "鎵產業高質量發展專題座談會"
    assert first["heading"] == "深刻認識資源的稀缺性與戰略重要性,加強鎵資源的綜合回收利用"
    assert first["organization_name"] == "中國鋁業股份有限公司"
    # The article gives no day for the meeting: unknown stays unknown.
    assert first["meeting_held_on"] == "" and first["meeting_held_on_precision"] == ""
    assert first["meeting_reported_on"] == "2023-10-12"
    assert first["latest_evidence_on"] == ""
    assert first["commitment_url"] == "http://testserver/commitments/gallium-symposium-2023/1/"
    assert first["organization_url"] == "http://testserver/companies/chalco/"


def test_csv_opens_as_utf8_with_bom_bytes(client, founding_record):
    body = _body(client.get("/commitments/export.csv", {"company": "chalco"}))
    assert body.startswith(b"\xef\xbb\xbfmeeting_slug,")
    assert "中國鋁業股份有限公司".encode() in body


def test_json_has_the_same_rows_typed_and_validates_against_its_schema(client, founding_record):
    data = _json(client.get("/commitments/export.json", {"company": "chalco"}))
    jsonschema.validate(data, _schema(client, "commitments"))
    assert data["schema"] == "http://testserver/commitments/export.schema.json"
    assert data["filters"] == {"company": "chalco"}
    assert [row["commitment_number"] for row in data["rows"]] == [1, 2, 3, 4, 5]
    assert data["rows"][0]["meeting_held_on"] is None
    assert data["rows"][0]["organization_name"] == "中國鋁業股份有限公司"
    csv_rows = _csv(client.get("/commitments/export.csv", {"company": "chalco"}))
    assert [r["heading"] for r in csv_rows] == [r["heading"] for r in data["rows"]]


def test_without_filters_every_pledge_of_the_founding_record_is_a_row(client, founding_record):
    rows = _csv(client.get("/commitments/export.csv"))
    assert len(rows) == 35
    assert {(r["organization_slug"], r["commitment_number"]) for r in rows} == {
        (slug, str(n)) for slug in FOUNDING_COMPANIES for n in range(1, 6)
    }


# -- the export is the page's list ------------------------------------------------------


def _page_points(client, params):
    """(meeting slug, number) of every commitment the list page shows, over all its pages."""
    points, page = [], 1
    while True:
        response = client.get("/commitments/", {**params, "page": page})
        points += [(c.meeting.slug, c.number) for c in response.context["page"].object_list]
        if not response.context["page"].has_next():
            return points
        page += 1


def _export_points(rows):
    return list(dict.fromkeys((r["meeting_slug"], int(r["commitment_number"])) for r in rows))


@pytest.fixture
def varied(db, settings):
    """Several meetings with overlapping companies, an industry, a draft, and evidence."""
    settings.PAGE_SIZE = 3
    gallium = make_industry(slug="gallium", name="鎵", name_en="gallium")
    first, (a, b), points = make_meeting_with_pledges(
        companies=2, commitments=3, slug="first", held_on=datetime.date(2024, 5, 1), held_on_precision="month"
    )
    second, (c,), _ = make_meeting_with_pledges(
        companies=1,
        commitments=4,
        slug="second",
        industries=[gallium],
        held_on=datetime.date(2023, 1, 1),
        held_on_precision="year",
    )
    for point in second.commitments.all()[:2]:
        make_pledge(a, point)
    draft, _, _ = make_meeting_with_pledges(
        companies=1, commitments=2, slug="draft", status=Meeting.Status.DRAFT
    )
    make_pledge(a, make_commitment(draft))
    make_commitment(first, heading="無人承諾的一點", heading_en="A point nobody pledged")
    make_evidence(
        pledge=a.pledges.get(commitment=points[0]),
        verdict=Verdict.FULFILLED,
        observed_on=datetime.date(2024, 9, 1),
        observed_on_precision="month",
    )
    make_evidence(commitment=points[1], verdict=Verdict.IN_PROGRESS, observed_on=datetime.date(2025, 1, 2))
    item = make_action_item(points[2], text=points[2].body)
    make_evidence(
        action_item=item, verdict=Verdict.NOT_MET, reason="停產。", observed_on=datetime.date(2025, 3, 4)
    )
    refresh_pledge_statuses([p.pk for p in points])
    return {"a": a, "b": b, "c": c, "gallium": gallium, "points": points}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"company": "A"},
        {"company": ["A", "C"]},
        {"meeting": "second"},
        {"industry": "gallium"},
        {"status": "fulfilled"},
        {"status": "not_met", "company": "B"},
        {"q": "Point 2"},
        {"overdue": "true"},
    ],
)
def test_commitment_export_lists_the_pages_points_in_the_pages_order(client, varied, params):
    slugs = {"A": varied["a"].slug, "B": varied["b"].slug, "C": varied["c"].slug}
    for key, value in list(params.items()):
        if key == "company":
            params[key] = [slugs[v] for v in value] if isinstance(value, list) else slugs[value]
    page = _page_points(client, params)
    exported = _csv(client.get("/commitments/export.csv", params))
    assert _export_points(exported) == page
    keys = [(r["meeting_slug"], r["commitment_number"], r["organization_slug"]) for r in exported]
    assert len(keys) == len(set(keys)), "one row per pledge"
    assert "draft" not in {r["meeting_slug"] for r in exported}
    data = _json(client.get("/commitments/export.json", params))
    assert [(r["meeting_slug"], r["commitment_number"]) for r in data["rows"]] == [
        (r["meeting_slug"], int(r["commitment_number"])) for r in exported
    ]
    jsonschema.validate(data, _schema(client, "commitments"))


def test_chosen_companies_and_status_narrow_the_pledges_in_each_row(client, varied):
    a, c = varied["a"], varied["c"]
    rows = _csv(client.get("/commitments/export.csv", {"company": [a.slug, c.slug]}))
    assert {r["organization_slug"] for r in rows} == {a.slug, c.slug}
    assert len(rows) == 3 + 2 + 4  # A: three points of "first" and two of "second"; C: four of "second"
    rows = _csv(client.get("/commitments/export.csv", {"status": "fulfilled"}))
    assert [(r["organization_slug"], r["status"]) for r in rows] == [(a.slug, "fulfilled")]


def test_status_and_latest_evidence_date_at_its_precision(client, varied):
    a, b = varied["a"], varied["b"]
    rows = {
        (r["organization_slug"], r["commitment_number"]): r
        for r in _csv(client.get("/commitments/export.csv", {"meeting": "first"}))
    }
    assert rows[a.slug, "1"]["status"] == "fulfilled"
    assert rows[a.slug, "1"]["latest_evidence_on"] == "2024-09"  # month precision, not a day
    assert rows[b.slug, "1"]["latest_evidence_on"] == ""  # the entry was on A's pledge only
    assert rows[b.slug, "2"]["latest_evidence_on"] == "2025-01-02"  # on the point: every pledge
    assert rows[b.slug, "3"]["status"] == "not_met"  # through the action item
    assert rows[b.slug, "3"]["latest_evidence_on"] == "2025-03-04"
    unpledged = rows["", "4"]
    assert unpledged["heading"] == "無人承諾的一點"
    assert unpledged["status"] == unpledged["basis"] == unpledged["organization_url"] == ""


def test_superseded_evidence_does_not_count_as_latest(client, varied):
    point = varied["points"][1]
    old = point.evidence.get()
    correction = make_evidence(
        commitment=point, verdict=Verdict.IN_PROGRESS, observed_on=datetime.date(2024, 12, 1)
    )
    old.superseded_by = correction
    correction.supersedes = old
    correction.save()
    rows = _csv(client.get("/commitments/export.csv", {"meeting": "first", "company": varied["b"].slug}))
    assert [r["latest_evidence_on"] for r in rows if r["commitment_number"] == "2"] == ["2024-12-01"]


def test_meetings_and_companies_exports_follow_their_pages(client, varied, founding_record):
    for name, params, key in [
        ("meetings", {}, "meeting_slug"),
        ("meetings", {"industry": "gallium"}, "meeting_slug"),
        ("meetings", {"company": "chalco"}, "meeting_slug"),
        ("companies", {}, "organization_slug"),
        ("companies", {"province": "guangdong"}, "organization_slug"),
        ("companies", {"q": "鋁"}, "organization_slug"),
    ]:
        listed, page = [], 1
        while True:
            response = client.get(f"/{name}/", {**params, "page": page})
            listed += [o.slug for o in response.context["page"].object_list]
            if not response.context["page"].has_next():
                break
            page += 1
        assert [r[key] for r in _csv(client.get(f"/{name}/export.csv", params))] == listed, (name, params)
        data = _json(client.get(f"/{name}/export.json", params))
        assert [r[key] for r in data["rows"]] == listed
        jsonschema.validate(data, _schema(client, name))


def test_meetings_export_row(client, founding_record):
    (row,) = _json(client.get("/meetings/export.json"))["rows"]
    assert row["meeting_slug"] == FOUNDING
    assert row["held_on"] is None and row["date_as_reported"] == "近日"
    assert row["organizer_slug"] == "cnia" and row["organizer_name"] == "中國有色金屬工業協會"
    assert row["industries"] == ["gallium"]
    assert row["commitment_count"] == 5
    (csv_row,) = _csv(client.get("/meetings/export.csv"))
    assert csv_row["industries"] == "gallium" and csv_row["place"] == "寧夏銀川"


def test_companies_export_row(client, founding_record):
    rows = {r["organization_slug"]: r for r in _json(client.get("/companies/export.json"))["rows"]}
    assert set(rows) == set(FOUNDING_COMPANIES)
    assert rows["chalco"]["province"] is None  # the source gives none
    assert rows["zhuhai-sez-fangyuan"]["province"] == "guangdong"
    assert rows["chalco"]["meeting_count"] == 1 and rows["chalco"]["pledge_count"] == 5
    assert rows["chalco"]["name_en_official"] is False


# -- spreadsheets and hostile values ----------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_that_would_run_as_a_formula_are_neutralised(client, db, start):
    payload = f'{start}HYPERLINK("http://evil.example","點我")'
    meeting = make_meeting(title=payload, title_en=payload)
    make_pledge(make_company(name=payload, name_en=payload), make_commitment(meeting, heading=payload))
    (row,) = _csv(client.get("/commitments/export.csv"))
    for column in (
        "meeting_title",
        "meeting_title_en",
        "heading",
        "organization_name",
        "organization_name_en",
    ):
        assert row[column] == "'" + payload, column
    # JSON is data, not a spreadsheet: the value is given as it is.
    (json_row,) = _json(client.get("/commitments/export.json"))["rows"]
    assert json_row["heading"] == payload


def test_negative_looking_numbers_are_numbers_not_text(client, founding_record):
    (row,) = _csv(client.get("/meetings/export.csv"))
    assert row["commitment_count"] == "5"


@pytest.mark.parametrize(
    "query",
    [
        "company=no-such-company",
        "meeting=%00",
        "status=everything",
        "industry=' OR 1=1 --",
        "status=%00",
        "q=" + "x" * 10_000,
        "company=%ff%fe",
    ],
)
def test_a_filter_that_cannot_be_used_is_a_400_with_the_reason(client, founding_record, query):
    response = client.get(f"/commitments/export.csv?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("These filters could not be used, so nothing was exported:")
    assert "Traceback" not in text


@pytest.mark.parametrize(
    ("query", "rows"),
    [
        ("q=<script>alert(1)</script>", 0),
        ("q=%27%3B+DROP+TABLE+meetings_pledge%3B--", 0),
        ("page=-1", 35),  # not a filter: the whole list
        ("bogus=1", 35),
    ],
)
def test_hostile_but_valid_values_give_an_empty_or_full_export_never_an_error(
    client, founding_record, query, rows
):
    response = client.get(f"/commitments/export.json?{query}")
    assert response.status_code == 200
    assert len(_json(response)["rows"]) == rows
    assert len(_csv(client.get("/commitments/export.csv"))) == 35  # the tables are still there


def test_exports_answer_only_reads(client, founding_record):
    assert client.post("/commitments/export.csv").status_code == 405
    assert client.head("/commitments/export.csv").status_code == 200


# -- size and links -----------------------------------------------------------------------


def test_a_long_export_runs_a_fixed_number_of_queries_per_chunk(client, db, settings):
    def queries(n_meetings):
        for _ in range(n_meetings):
            make_meeting_with_pledges(companies=3, commitments=4)
        with CaptureQueriesContext(connection) as captured:
            rows = _csv(client.get("/commitments/export.csv"))
        return len(rows), len(captured)

    small = queries(2)
    large = queries(20)
    assert small[0] == 2 * 12 and large[0] == 22 * 12
    assert small[1] == large[1]


@pytest.mark.parametrize(
    "page, name", [("/meetings/", "meetings"), ("/companies/", "companies"), ("/commitments/", "commitments")]
)
def test_list_pages_link_to_their_downloads_with_the_current_filters(client, founding_record, page, name):
    html = client.get(page, {"q": "鎵", "page": "1"}).content.decode()
    for fmt in ("csv", "json"):
        assert f'href="/{name}/export.{fmt}?q=%E9%8E%B5"' in html
    assert f'href="/{name}/export.schema.json"' in html


def test_every_schema_describes_exactly_the_exported_columns(client, founding_record):
    from meetings import exports

    for name, columns in [
        ("meetings", exports.MEETING_COLUMNS),
        ("companies", exports.COMPANY_COLUMNS),
        ("commitments", exports.PLEDGE_COLUMNS),
    ]:
        schema = _schema(client, name)
        jsonschema.Draft202012Validator.check_schema(schema)
        row = schema["properties"]["rows"]["items"]
        assert list(row["properties"]) == [c.name for c in columns]
        assert row["required"] == [c.name for c in columns]
        assert all(p.get("description") for p in row["properties"].values())
        header = next(csv.reader([_body(client.get(f"/{name}/export.csv")).decode()[1:].splitlines()[0]]))
        assert header == [c.name for c in columns]


def test_an_export_with_a_bad_row_would_fail_schema_validation(client, founding_record):
    """The schema is strict: a changed row no longer validates."""
    data = _json(client.get("/commitments/export.json"))
    schema = _schema(client, "commitments")
    data["rows"][0]["status"] = "broken"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)
    del data["rows"][0]["status"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)

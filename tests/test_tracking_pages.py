"""Tracking on the public pages: the pledge matrix, evidence timelines, action items, filters, corrections."""

import datetime

import pytest

from meetings.models import ActionItem, Evidence, MeetingSeries, Pledge, Verdict
from meetings.status import refresh_pledge_statuses
from tests.factories import make_meeting, make_source

MEETING = "/meetings/gallium-symposium-2023/"


def add_entry(*, verdict, on=datetime.date(2024, 6, 1), **subject):
    if verdict in (Verdict.NOT_MET, Verdict.WITHDRAWN):
        subject.setdefault("reason", "The company said it stopped production.")
    entry = Evidence.objects.create(
        observed_on=on,
        verdict=verdict,
        summary_en="Test entry: an observation made up for this test.",
        source=make_source(title="測試來源", url="https://example.org/test-only"),
        quote="測試引文。",
        **subject,
    )
    commitment = entry.about_commitment
    refresh_pledge_statuses([commitment.pk])
    return entry


@pytest.fixture
def point4(founding_record):
    return founding_record.commitments.get(number=4)


def test_the_meeting_page_shows_a_matrix_of_companies_and_points_with_status_text(client, founding_record):
    response = client.get(MEETING)
    matrix = response.context["matrix"]
    assert len(matrix) == 7
    assert all(len(cells) == 5 and all(cells) for _, cells in matrix)
    html = response.content.decode()
    assert html.count(">no record yet</a>") == 35
    assert 'href="/commitments/gallium-symposium-2023/4/#pledge-chalco"' in html


def test_evidence_on_a_commitment_changes_every_pledges_cell(client, point4):
    add_entry(verdict=Verdict.IN_PROGRESS, commitment=point4)
    html = client.get(MEETING).content.decode()
    assert html.count('class="status status--in_progress"') == 7


def test_evidence_on_one_pledge_changes_that_company_everywhere(client, point4):
    pledge = point4.pledges.get(organization__slug="east-hope-group")
    add_entry(verdict=Verdict.NOT_MET, pledge=pledge, on=datetime.date(2025, 3, 1))
    meeting_html = client.get(MEETING).content.decode()
    assert meeting_html.count(">not met</a>") == 1
    company_html = client.get("/companies/east-hope-group/").content.decode()
    assert '<span class="status status--not_met">not met</span>' in company_html
    assert "as of <time" in company_html
    commitment_html = client.get("/commitments/gallium-symposium-2023/4/").content.decode()
    assert "The company said it stopped production." in commitment_html
    assert "for East Hope Group Co., Ltd." in commitment_html
    assert '<span class="status status--not_met">not met</span>' in commitment_html


def test_the_commitment_page_says_no_record_rather_than_not_met(client, founding_record):
    html = client.get("/commitments/gallium-symposium-2023/2/").content.decode()
    assert "No record yet: no evidence of follow-up has been recorded." in html
    assert "status--not_met" not in html


def test_a_yearly_item_shows_each_occurrence_and_a_series_edition_meets_one(
    client, founding_record, settings
):
    point3 = founding_record.commitments.get(number=3)
    series = MeetingSeries.objects.create(slug="test-series", name="測試系列")
    item = ActionItem.objects.create(
        commitment=point3,
        position=99,
        text="每年召開一次鎵產業鏈專題座談會",
        recurrence="yearly",
        recurs_from=2024,
        series=series,
    )
    html = client.get(point3.get_absolute_url()).content.decode()
    assert f'id="item-{item.position}"' in html
    assert '<strong>2024</strong>: <span class="status status--no_record">no record</span>' in html
    edition = make_meeting(
        slug="test-only-edition",
        series=series,
        edition=1,
        held_on=datetime.date(2024, 9, 1),
        held_on_precision="month",
    )
    refresh_pledge_statuses([point3.pk])
    html = client.get(point3.get_absolute_url()).content.decode()
    assert '<strong>2024</strong>: <span class="status status--met">met</span>' in html
    assert f'href="{edition.get_absolute_url()}"' in html


def test_an_overdue_item_shows_on_the_company_page_and_filters_the_list(client, point4):
    ActionItem.objects.create(
        commitment=point4,
        position=98,
        text="做好合規貿易",
        deadline=datetime.date(2024, 1, 1),
        deadline_precision="year",
    )
    html = client.get("/companies/chalco/").content.decode()
    assert '<span class="status status--overdue">overdue</span>' in html
    # Under point 4's pledge only, the one whose point has the overdue item.
    assert html.count("status--overdue") == 1
    point_4 = html.index('<li value="4">')
    assert point_4 < html.index("status--overdue") < html.index('<li value="5">', point_4)
    assert "1 pledge with overdue action items." in html
    response = client.get("/commitments/", {"overdue": "on"})
    assert [c.number for c in response.context["page"].object_list] == [4]


def test_the_status_filter_lists_points_with_a_pledge_in_that_status(client, point4):
    pledge = point4.pledges.get(organization__slug="chalco")
    add_entry(verdict=Verdict.FULFILLED, pledge=pledge)

    def numbers(query):
        return [c.number for c in client.get("/commitments/", query).context["page"].object_list]

    assert numbers({"status": "fulfilled"}) == [4]
    assert numbers({"status": "fulfilled", "company": "chalco"}) == [4]
    assert numbers({"status": "fulfilled", "company": "east-hope-group"}) == []
    assert numbers({"status": "no_record", "company": "chalco"}) == [1, 2, 3, 5]
    response = client.get("/commitments/", {"status": "broken"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_the_home_page_lists_the_latest_evidence(client, point4):
    add_entry(verdict=Verdict.IN_PROGRESS, commitment=point4)
    html = client.get("/").content.decode()
    assert "Test entry: an observation made up for this test." in html
    assert f'href="/commitments/gallium-symposium-2023/4/#evidence-{Evidence.objects.get().pk}"' in html


def test_the_changes_page_lists_corrections_after_publication_without_editors(
    client, founding_record, editor
):
    assert (
        "No corrections have been made since publication."
        in client.get(f"{MEETING}changes/").content.decode()
    )
    point = founding_record.commitments.get(number=1)
    point.heading_en = "Corrected English heading"
    point.save()
    wrong = add_entry(verdict=Verdict.FULFILLED, commitment=point)
    add_entry(verdict=Verdict.IN_PROGRESS, commitment=point, supersedes=wrong)
    html = client.get(f"{MEETING}changes/").content.decode()
    assert "Point 1" in html
    assert "<ins>Corrected English heading</ins>" in html
    assert "Evidence entry corrected" in html
    assert editor.username not in html
    assert Pledge.objects.filter(commitment=point, status=Verdict.IN_PROGRESS).count() == 7


def test_a_draft_meeting_has_no_public_changes_page(client, db):
    draft = make_meeting(status="draft")
    assert client.get(f"/meetings/{draft.slug}/changes/").status_code == 404

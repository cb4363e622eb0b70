"""The companies list and a company's page: meetings attended and every pledge."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.models import Meeting, Organization
from tests.conftest import FOUNDING_COMPANIES
from tests.factories import make_company, make_industry, make_meeting_with_pledges, make_participation


def test_each_founding_company_page_lists_its_five_pledges(client, founding_record):
    for slug in FOUNDING_COMPANIES:
        response = client.get(f"/companies/{slug}/")
        assert response.status_code == 200
        assert response.context["pledge_count"] == 5
        html = response.content.decode()
        assert "Pledges (5)" in html
        for number in range(1, 6):
            assert f'href="/commitments/gallium-symposium-2023/{number}/"' in html
        assert "inferred: took part in the meeting that reached consensus" in html


def test_a_company_page_lists_the_meetings_attended(client, founding_record):
    html = client.get("/companies/east-hope-group/").content.decode()
    assert "東方希望集團有限公司" in html
    assert 'href="/meetings/gallium-symposium-2023/"' in html
    assert "our translation" in html


def test_a_company_page_hides_pledges_made_at_draft_meetings(client, db):
    _published, (firm,), _ = make_meeting_with_pledges(companies=1, commitments=2)
    draft, _, points = make_meeting_with_pledges(companies=0, commitments=3, status=Meeting.Status.DRAFT)
    make_participation(draft, firm)
    for point in points:
        firm.pledges.create(commitment=point)
    response = client.get(firm.get_absolute_url())
    assert response.context["pledge_count"] == 2
    assert draft.slug not in response.content.decode()


def test_a_company_known_only_from_a_draft_is_not_public(client, db):
    _draft, (firm,), _ = make_meeting_with_pledges(companies=1, status=Meeting.Status.DRAFT)
    assert client.get(f"/companies/{firm.slug}/").status_code == 404
    assert firm.slug not in client.get("/companies/").content.decode()


def test_a_non_company_at_the_company_address_is_redirected(client, founding_record):
    response = client.get("/companies/cnia/")
    assert response.status_code == 302
    assert response["Location"] == "/organizations/cnia/"


def test_the_list_shows_the_seven_founding_companies_with_counts(client, founding_record):
    response = client.get("/companies/")
    companies = list(response.context["page"].object_list)
    assert sorted(c.slug for c in companies) == sorted(FOUNDING_COMPANIES)
    assert {(c.published_meeting_count, c.published_pledge_count) for c in companies} == {(1, 5)}
    assert 'href="/commitments/?company=chalco"' in response.content.decode()


def test_the_list_filters_by_province_industry_and_search(client, founding_record):
    def slugs(query):
        return sorted(c.slug for c in client.get("/companies/", query).context["page"].object_list)

    assert slugs({"province": "guangdong"}) == ["guangdong-xiandao-rare-materials", "zhuhai-sez-fangyuan"]
    assert slugs({"industry": "gallium"}) == sorted(FOUNDING_COMPANIES)
    assert slugs({"q": "Chalco"}) == ["chalco"]  # an alias
    assert slugs({"q": "东方希望"}) == ["east-hope-group"]  # the Simplified-script alias
    assert slugs({"q": "錦江"}) == ["hangzhou-jinjiang-group"]
    other = make_industry(slug="germanium")
    assert slugs({"industry": other.slug}) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's plan")
def test_a_provinces_companies_are_read_in_name_order_from_their_index(client, founding_record):
    with CaptureQueriesContext(connection) as queries:
        client.get("/companies/", {"province": "guangdong"})
    (ids,) = [q["sql"] for q in queries if q["sql"].startswith('SELECT "meetings_organization"."id" AS "pk"')]
    with connection.cursor() as cursor:
        # The founding record is a few rows, which PostgreSQL would read whole; on the large
        # data it must not, so reading every row and sorting is made the dearest plan here.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {ids}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Scan using organization_by_province" in plan, plan
    assert "Sort" not in plan, plan


def test_bad_company_filters_give_a_message_not_an_error(client, founding_record):
    response = client.get("/companies/", {"province": "atlantis", "industry": "nope"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert list(response.context["page"].object_list) == []


def test_a_company_with_no_published_meeting_is_not_listed(client, db):
    make_company(slug="lonely")
    assert Organization.objects.filter(slug="lonely").exists()
    assert "lonely" not in client.get("/companies/").content.decode()


def _company_in_twelve_meetings():
    """A company at 12 published meetings (one a month of 2020, two points each) and a draft."""
    import datetime

    firm = make_company()
    meetings = []
    for month in range(1, 13):
        meeting, _, points = make_meeting_with_pledges(
            companies=0, commitments=2, held_on=datetime.date(2020, month, 1), held_on_precision="day"
        )
        if month != 5:  # at the May meeting it pledged without a recorded participation
            make_participation(meeting, firm)
        for point in points:
            firm.pledges.create(commitment=point)
        meetings.append(meeting)
    draft, _, points = make_meeting_with_pledges(companies=0, commitments=1, status=Meeting.Status.DRAFT)
    make_participation(draft, firm)
    firm.pledges.create(commitment=points[0])
    return firm, meetings, draft


def test_a_company_page_shows_its_meetings_a_page_at_a_time_with_totals_over_all(client, db):
    firm, meetings, draft = _company_in_twelve_meetings()
    first = client.get(firm.get_absolute_url())
    html = first.content.decode()
    assert first.context["pledge_count"] == 24  # every published pledge, not only this page's
    assert "Pledges (24)" in html
    assert "Meetings 1–10 of 12, newest first" in html
    newest_ten = [m.slug for m in reversed(meetings[2:])]
    assert [m.slug for m in first.context["page"].object_list] == newest_ten
    assert [m.slug for m, _ in first.context["pledges_by_meeting"]] == newest_ten
    # Attended lists the meetings with a participation; the May meeting only has pledges.
    assert meetings[4].slug not in [m.slug for m in first.context["attended"]]
    assert len(first.context["attended"]) == 9
    assert meetings[0].slug not in html and draft.slug not in html
    assert 'href="?page=2"' in html

    second = client.get(firm.get_absolute_url() + "?page=2")
    assert [m.slug for m in second.context["page"].object_list] == [meetings[1].slug, meetings[0].slug]
    assert second.context["pledge_count"] == 24
    assert "Meetings 11–12 of 12" in second.content.decode()


def test_a_bad_page_number_on_a_company_page_shows_a_real_page(client, db):
    firm, meetings, _ = _company_in_twelve_meetings()
    for page, expected in [("abc", meetings[-1]), ("-3", meetings[1]), ("99", meetings[1])]:
        response = client.get(firm.get_absolute_url(), {"page": page})
        assert response.status_code == 200
        assert response.context["page"].object_list[0].slug == expected.slug


def test_a_company_page_in_one_meeting_has_no_pager(client, founding_record):
    html = client.get("/companies/chalco/").content.decode()
    assert "Meetings 1–" not in html
    assert 'class="pagination"' not in html


def test_each_pledge_on_a_company_page_shows_its_point_status_and_basis(client, in_language, db):
    import datetime

    from meetings.models import Pledge

    meeting, (firm,), (first, second) = make_meeting_with_pledges(companies=1, commitments=2)
    Pledge.objects.filter(commitment=first).update(status="fulfilled", status_as_of=datetime.date(2024, 5, 7))
    second.heading_en = ""
    second.save()
    html = client.get(firm.get_absolute_url()).content.decode()
    entry = html[html.index(f'<li value="{first.number}">') :]
    entry = " ".join(entry[: entry.index("</li>")].split())
    assert entry == (
        f'<li value="{first.number}"> <a href="{first.get_absolute_url()}">Point {first.number}</a>: '
        f'<span lang="{meeting.language}">{first.heading}</span> '
        f'<br><span class="translation" lang="en">{first.heading_en}</span> '
        '<br><span class="status status--fulfilled">fulfilled</span> <span class="meta">as of '
        '<time datetime="2024-05-07">2024-05-07</time></span> '
        '<br><span class="basis">How we know: '
        "inferred: took part in the meeting that reached consensus</span>"
    )
    later = html[html.index(f'<li value="{second.number}">') :]
    later = later[: later.index("</li>")]
    assert 'class="translation"' not in later  # no English heading yet: none shown
    assert "as of" not in later  # no status date: none shown
    assert 'class="status status--no_record"' in later

    translated = in_language("zh-hans").get(firm.get_absolute_url()).content.decode()
    assert f">第{first.number}条</a>:" in translated
    assert '<span class="status status--fulfilled">已履行</span> <span class="meta">截至 ' in translated
    assert '<br><span class="basis">依据： ' in translated

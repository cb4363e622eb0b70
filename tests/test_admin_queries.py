"""The admin on big records and long lists: a fixed number of queries, counts that stay cheap."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.admin.large_tables import LargeTablePaginator
from meetings.models import Commitment, Evidence, Meeting, Organization, Participation, Pledge
from tests.factories import (
    make_action_item,
    make_attendance,
    make_commitment,
    make_company,
    make_evidence,
    make_meeting,
    make_participation,
    make_person,
    make_pledge,
    make_source,
)

pytestmark = pytest.mark.django_db


def admin_url(model, view, *args):
    return reverse(f"admin:meetings_{model._meta.model_name}_{view}", args=args)


def queries_for(client, url, params=None):
    """Queries of a second visit: the first also fills per-process caches (content types)."""
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def make_big_meeting(size):
    """A meeting with ``size`` companies taking part, people, points, sources, pledges and evidence."""
    meeting = make_meeting(title_en="Gallium symposium")
    companies = [make_company(name_en=f"Gallium Works {i}") for i in range(size)]
    points = [make_commitment(meeting, heading=f"回收鎵資源 {i}") for i in range(size)]
    for company in companies:
        make_participation(meeting, company)
        make_attendance(meeting, make_person(), organization=company)
        make_pledge(company, points[0])
    for point in points:
        make_evidence(pledge=point.pledges.first() or make_pledge(companies[0], point))
    for _ in range(size):
        meeting.sources.add(make_source())
    item = make_action_item(points[0])
    for _ in range(size):
        make_evidence(action_item=item)
    return meeting


# --- Queries that do not grow with the rows ----------------------------------------

LISTS = [
    (Pledge, {}),
    (Pledge, {"q": "gallium"}),
    (Pledge, {"q": "gallium works symposium"}),
    (Commitment, {}),
    (Commitment, {"q": "鎵資源"}),
    (Commitment, {"q": "鎵"}),
    (Meeting, {}),
    (Evidence, {}),
    (Evidence, {"q": "gallium"}),
    (Organization, {}),
]


@pytest.mark.parametrize(
    "model, params", LISTS, ids=[f"{model._meta.model_name}{params}" for model, params in LISTS]
)
def test_a_changelist_runs_as_many_queries_for_12_meetings_as_for_2(editor_client, model, params):
    url = admin_url(model, "changelist")
    for _ in range(2):
        make_big_meeting(2)
    few = queries_for(editor_client, url, params)
    for _ in range(10):
        make_big_meeting(2)
    assert queries_for(editor_client, url, params) == few


@pytest.mark.parametrize(
    "model, page",
    [(Meeting, lambda meeting: meeting), (Commitment, lambda meeting: meeting.commitments.first())],
    ids=["meeting", "commitment"],
)
def test_a_change_page_runs_as_many_queries_for_12_rows_as_for_2(editor_client, model, page):
    small, big = make_big_meeting(2), make_big_meeting(12)
    small_count = queries_for(editor_client, admin_url(model, "change", page(small).pk))
    assert queries_for(editor_client, admin_url(model, "change", page(big).pk)) == small_count


def test_the_page_of_a_company_in_12_meetings_runs_as_many_queries_as_in_2(editor_client):
    companies = []
    for meetings in (2, 12):
        company = make_company()
        for _ in range(meetings):
            make_pledge(company, make_commitment(make_participation(make_meeting(), company).meeting))
        companies.append(company)
    counts = [queries_for(editor_client, admin_url(Organization, "change", c.pk)) for c in companies]
    assert counts[0] == counts[1]


def test_the_action_item_page_runs_as_many_queries_for_12_entries_as_for_2(editor_client):
    small, big = make_big_meeting(2), make_big_meeting(12)
    items = [meeting.commitments.first().action_items.get() for meeting in (small, big)]
    counts = [queries_for(editor_client, admin_url(item, "change", item.pk)) for item in items]
    assert counts[0] == counts[1]


# --- The inline boxes show what the rows hold --------------------------------------


def test_the_meeting_page_shows_each_participant_chosen_in_its_box(editor_client):
    meeting = make_big_meeting(3)
    response = editor_client.get(admin_url(Meeting, "change", meeting.pk))
    for participation in meeting.participations.select_related("organization"):
        organization = participation.organization
        assert f'<option value="{organization.pk}" selected>{organization}</option>' in response.text


def test_saved_rows_link_to_their_own_page_and_a_new_row_can_add_an_organization(editor_client):
    meeting = make_big_meeting(2)
    response = editor_client.get(admin_url(Meeting, "change", meeting.pk))
    for participation in meeting.participations.all():
        assert admin_url(Participation, "change", participation.pk) in response.text
    assert 'id="add_id_participations-0-organization"' not in response.text
    assert 'id="add_id_participations-__prefix__-organization"' in response.text


def test_the_commitment_page_shows_each_pledging_company_in_its_box(editor_client):
    meeting = make_big_meeting(3)
    point = meeting.commitments.first()
    response = editor_client.get(admin_url(Commitment, "change", point.pk))
    for pledge in point.pledges.select_related("organization"):
        assert (
            f'<option value="{pledge.organization_id}" selected>{pledge.organization}</option>'
            in response.text
        )


# --- Search finds the same rows through each table ---------------------------------


def search(client, model, term):
    response = client.get(admin_url(model, "changelist"), {"q": term})
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


def test_pledge_search_finds_pledges_by_company_meeting_and_point(editor_client):
    chalco = make_company(name="中國鋁業股份有限公司", name_en="Chalco")
    other = make_company(name_en="Jinjiang Group")
    symposium = make_meeting(title_en="Gallium symposium")
    forum = make_meeting(title_en="Germanium forum")
    recover = make_commitment(forum, heading="加強鎵資源回收", heading_en="Recover more")
    by_chalco = make_pledge(chalco, make_commitment(forum))
    at_symposium = make_pledge(other, make_commitment(symposium))
    on_recovery = make_pledge(other, recover)

    assert search(editor_client, Pledge, "chalco") == {by_chalco}
    assert search(editor_client, Pledge, "中國鋁業") == {by_chalco}
    assert search(editor_client, Pledge, "symposium") == {at_symposium}
    assert search(editor_client, Pledge, "鎵資源") == {on_recovery}
    assert search(editor_client, Pledge, "jinjiang germanium") == {on_recovery}  # every word, anywhere
    assert search(editor_client, Pledge, '"Gallium symposium"') == {at_symposium}
    assert search(editor_client, Pledge, "nowhere") == set()


def test_commitment_search_finds_one_or_two_chinese_characters_in_the_text(editor_client):
    meeting = make_meeting(title_en="Forum")
    recover = make_commitment(meeting, heading="加強鎵資源回收")
    obey = make_commitment(meeting, heading="遵守出口管制", body="鎵相關物項")
    make_commitment(meeting, heading="行業自律")
    assert search(editor_client, Commitment, "資源") == {recover}
    assert search(editor_client, Commitment, "鎵") == {recover, obey}
    assert search(editor_client, Commitment, "forum") == set(meeting.commitments.all())


def test_evidence_search_finds_entries_by_their_text_and_by_the_pledging_company(editor_client):
    meeting = make_meeting()
    company = make_company(name_en="Fangyuan")
    by_company = make_evidence(pledge=make_pledge(company, make_commitment(meeting)))
    by_text = make_evidence(commitment=make_commitment(meeting), summary_en="Fangyuan held a meeting")
    make_evidence(commitment=make_commitment(meeting))
    assert search(editor_client, Evidence, "fangyuan") == {by_company, by_text}


# --- Counting a long list -----------------------------------------------------------


def test_a_long_filtered_list_says_more_than_the_counting_limit(editor_client, monkeypatch):
    monkeypatch.setattr(LargeTablePaginator, "count_limit", 3)
    make_big_meeting(5)
    response = editor_client.get(admin_url(Pledge, "changelist"), {"q": "gallium"})
    assert response.context["cl"].paginator.count_is_lower_bound
    assert "more than 3 pledges" in response.text


def test_a_filtered_list_within_the_counting_limit_gives_its_exact_count(editor_client, monkeypatch):
    monkeypatch.setattr(LargeTablePaginator, "count_limit", 100)
    make_big_meeting(5)  # every pledge is at the "Gallium symposium"
    response = editor_client.get(admin_url(Pledge, "changelist"), {"q": "gallium"})
    paginator = response.context["cl"].paginator
    assert not (paginator.count_is_lower_bound or paginator.count_is_estimate)
    assert f"{Pledge.objects.count()} pledges" in response.text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate comes from PostgreSQL")
def test_a_whole_large_table_is_counted_from_the_table_statistics(editor_client, monkeypatch):
    monkeypatch.setattr(LargeTablePaginator, "estimate_above", 1)
    make_big_meeting(5)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE meetings_pledge")
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'meetings_pledge'::regclass")
        estimate = int(cursor.fetchone()[0])
    response = editor_client.get(admin_url(Pledge, "changelist"))
    assert response.context["cl"].paginator.count_is_estimate
    assert f"about {estimate} pledges" in response.text

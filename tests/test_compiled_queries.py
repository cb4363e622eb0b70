"""Querysets compiled once (meetings.compiled) give the rows the ORM gives, for every call's values."""

import datetime

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from meetings.compiled import CompiledQueryError, by_ids, compiled_query
from meetings.models import Commitment, Meeting, Pledge
from tests.factories import make_commitment, make_company, make_meeting, make_pledge


def _points(meeting_slug, number):
    return Commitment.objects.select_related("meeting__organizer").filter(
        meeting__slug=meeting_slug, number=number
    )


points = compiled_query(str, int)(_points)


@compiled_query(int)
def pledges_of(commitment_id):
    return Pledge.objects.filter(commitment_id=commitment_id).select_related("organization").order_by("pk")


@compiled_query(int)
def statuses_of(commitment_id):
    return Pledge.objects.filter(commitment_id=commitment_id).order_by("pk").values_list("status", flat=True)


@compiled_query(datetime.date)
def held_on(day):
    return Meeting.objects.filter(held_on=day).order_by("slug")


@pytest.fixture
def two_meetings(db):
    first = make_meeting(slug="first", held_on=datetime.date(2023, 9, 1), held_on_precision="day")
    second = make_meeting(
        slug='it\'s 100% "second"', held_on=datetime.date(2024, 3, 2), held_on_precision="day"
    )
    acme, bolt = make_company(slug="acme"), make_company(slug="bolt")
    for meeting in (first, second):
        for number in (1, 2):
            commitment = make_commitment(meeting, number=number)
            make_pledge(acme, commitment)
            if number == 2:
                make_pledge(bolt, commitment, status="fulfilled")
    return first, second


def test_each_call_gets_the_rows_of_its_own_values(two_meetings):
    for meeting in two_meetings:
        for number in (1, 2, 3):
            expected = list(_points(meeting.slug, number))
            got = list(points(meeting.slug, number))
            assert got == expected
            assert [c.meeting.organizer.slug for c in got] == [c.meeting.organizer.slug for c in expected]
    assert len(list(points("first", 2))) == 1
    assert list(points("no such meeting", 1)) == []


def test_a_value_with_quotes_and_percent_signs_is_bound_not_written_into_the_sql(two_meetings):
    second = two_meetings[1]
    assert [c.meeting.slug for c in points(second.slug, 1)] == [second.slug]
    assert list(points("' OR '1'='1", 1)) == []


def test_related_records_of_select_related_come_with_the_row_and_cost_no_query(two_meetings):
    commitment = Commitment.objects.get(meeting__slug="first", number=2)
    with CaptureQueriesContext(connection) as queries:
        names = [pledge.organization.slug for pledge in pledges_of(commitment.pk)]
    assert names == ["acme", "bolt"]
    assert len(queries) == 1


def test_values_lists_and_dates_compile_too(two_meetings):
    commitment = Commitment.objects.get(meeting=two_meetings[1], number=2)
    assert list(statuses_of(commitment.pk)) == ["no_record", "fulfilled"]
    assert [m.slug for m in held_on(datetime.date(2024, 3, 2))] == [two_meetings[1].slug]
    assert list(held_on(datetime.date(2024, 3, 3))) == []


def test_a_write_between_calls_is_seen_by_the_next_call(two_meetings):
    commitment = Commitment.objects.get(meeting__slug="first", number=1)
    assert len(pledges_of(commitment.pk)) == 1
    make_pledge(make_company(slug="cobalt"), commitment)
    assert [p.organization.slug for p in pledges_of(commitment.pk)] == ["acme", "cobalt"]


def test_the_result_cannot_be_filtered_further(two_meetings):
    with pytest.raises(CompiledQueryError, match="cannot be filtered or changed"):
        points("first", 1).filter(number=2)
    with pytest.raises(CompiledQueryError):
        points("first", 1).count()


def test_a_wrong_type_or_number_of_values_is_refused(two_meetings):
    with pytest.raises(CompiledQueryError, match="takes int, not str"):
        pledges_of("1")
    with pytest.raises(CompiledQueryError, match="takes int, not bool"):
        pledges_of(True)
    with pytest.raises(CompiledQueryError, match="takes 2 arguments"):
        points("first")


def test_a_lookup_that_changes_the_value_is_refused_on_the_first_call(db):
    @compiled_query(str)
    def search(text):
        return Meeting.objects.filter(title__contains=text)

    @compiled_query(int)
    def of_year(year):
        return Meeting.objects.filter(held_on__year=year)

    with pytest.raises(CompiledQueryError, match="must reach the SQL as it is given"):
        list(search("gallium"))
    with pytest.raises(CompiledQueryError, match="must reach the SQL as it is given"):
        list(of_year(2023))


def test_a_value_used_twice_is_bound_in_both_places(two_meetings):
    @compiled_query(str)
    def meeting_or_organizer(slug):
        return Meeting.objects.filter(Q(slug=slug) | Q(organizer__slug=slug)).order_by("pk")

    first, second = two_meetings
    assert list(meeting_or_organizer(first.slug)) == [first]
    assert list(meeting_or_organizer(second.organizer.slug)) == [second]
    assert list(meeting_or_organizer("neither")) == []


def test_sql_whose_shape_depends_on_the_values_is_refused(db):
    @compiled_query(int)
    def first_rows(count):
        return Meeting.objects.filter(pk__in=list(range(count)))

    with pytest.raises(CompiledQueryError, match="shape depends on its arguments"):
        list(first_rows(3))


def test_only_str_int_and_date_arguments_are_taken():
    with pytest.raises(CompiledQueryError, match="not <class 'float'>"):
        compiled_query(float)


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def _prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@postgresql_only
def test_on_postgresql_the_sql_is_prepared_once_and_each_call_runs_it_with_its_values(two_meetings):
    first, second = two_meetings
    for _ in range(8):  # past the five runs after which PostgreSQL may keep a generic plan
        for meeting in (first, second):
            got = list(points(meeting.slug, 2))
            assert [(c.meeting_id, c.number) for c in got] == [(meeting.pk, 2)]
            assert got[0].meeting.organizer == meeting.organizer
    with CaptureQueriesContext(connection) as queries:
        list(points(first.slug, 1))
    assert '"meetings_meeting"."slug" = $1' in queries[0]["sql"]  # logged, with its placeholders
    # Other tests on this connection may have prepared other statements; this one is there once.
    prepared = [
        sql
        for sql in _prepared_statements()
        if '"meetings_meeting"."slug" = $1' in sql and '"meetings_commitment"."number" = $2' in sql
    ]
    assert len(prepared) == 1


@postgresql_only
def test_prepared_statements_return_times_in_the_same_zone_as_the_orm(two_meetings):
    @compiled_query(str)
    def meeting_by_slug(slug):
        return Meeting.objects.filter(slug=slug)

    for meeting in two_meetings:
        expected = Meeting.objects.get(pk=meeting.pk)
        (got,) = meeting_by_slug(meeting.slug)
        for field in Meeting._meta.concrete_fields:
            assert getattr(got, field.attname) == getattr(expected, field.attname), field.name
        stamps = [f for f in Meeting._meta.concrete_fields if f.get_internal_type() == "DateTimeField"]
        assert stamps and all(getattr(got, f.attname).utcoffset() is not None for f in stamps)


@postgresql_only
def test_with_preparing_turned_off_nothing_is_prepared(two_meetings, settings):
    settings.PREPARE_COMPILED_QUERIES = False

    @compiled_query(int)
    def numbered(number):
        return Commitment.objects.filter(number=number).order_by("pk")

    assert len(list(numbered(2))) == 2
    assert not [sql for sql in _prepared_statements() if '"meetings_commitment"."number" = $1' in sql]


def _pledges_by_commitment(*ids):
    return Pledge.objects.filter(commitment_id__in=ids).order_by("pk")


def test_rows_by_ids_are_read_with_one_sql_for_any_number_of_ids_up_to_the_most(two_meetings):
    commitments = list(Commitment.objects.order_by("pk"))
    for count in (1, 2, 4):
        ids = [c.pk for c in commitments[:count]]
        got = list(by_ids("test pledges", _pledges_by_commitment, ids, 4))
        assert got == list(Pledge.objects.filter(commitment_id__in=ids).order_by("pk"))
    with CaptureQueriesContext(connection) as queries:
        for count in (1, 3):
            list(by_ids("test pledges", _pledges_by_commitment, [c.pk for c in commitments[:count]], 4))
    # The same SQL for one id and for three: four in the IN list, the last repeated.
    first, second = (query["sql"].split(" IN (") for query in queries)
    assert first[0] == second[0]
    assert first[1].split(")")[0].count(",") == second[1].split(")")[0].count(",") == 3


def test_rows_by_ids_refuse_no_ids_and_too_many(db):
    with pytest.raises(CompiledQueryError, match="takes 1 to 3 ids, not 0"):
        by_ids("test pledges", _pledges_by_commitment, [], 3)
    with pytest.raises(CompiledQueryError, match="takes 1 to 3 ids, not 4"):
        by_ids("test pledges", _pledges_by_commitment, [1, 2, 3, 4], 3)


@pytest.mark.parametrize("number", [2**63, -(2**63) - 1, 10**30])
def test_an_int_no_column_can_hold_matches_no_row_without_a_query(two_meetings, number):
    list(points("first", 1))  # compiled already
    with CaptureQueriesContext(connection) as queries:
        assert list(points("first", number)) == []
    assert len(queries) == 0
    assert [c.number for c in points("first", 2)] == [2]


def test_the_converters_of_the_columns_are_worked_out_once_and_convert_every_run(two_meetings, monkeypatch):
    from django.db.models.sql.compiler import SQLCompiler

    @compiled_query(str)
    def meetings_at(slug):
        return Meeting.objects.filter(slug=slug)

    expected = {m.slug: (m.held_on, m.created_at, m.title) for m in Meeting.objects.all()}
    calls = []
    original = SQLCompiler.get_converters

    def counted(self, expressions):
        calls.append(len(expressions))
        return original(self, expressions)

    monkeypatch.setattr(SQLCompiler, "get_converters", counted)
    for meeting in (*two_meetings, *two_meetings):
        (got,) = meetings_at(meeting.slug)
        assert (got.held_on, got.created_at, got.title) == expected[meeting.slug]
        assert isinstance(got.held_on, datetime.date)
    assert len(calls) == 1


def test_on_postgresql_constants_are_written_into_the_sql_and_only_the_values_bound(two_meetings):
    """A prepared statement keeps one plan for all values: its constants are known to that plan."""
    tricky = 'it\'s 100% "sure"'
    Meeting.objects.filter(slug="first").update(title=tricky)

    @compiled_query(str)
    def titled(slug):
        return Meeting.objects.filter(slug=slug, title=tricky, held_on__isnull=False, edition=None)

    assert [m.slug for m in titled("first")] == ["first"]
    assert list(titled(two_meetings[1].slug)) == []  # the same slug filter, another title
    sql, params = titled("first").query.kept_compiler.as_sql()
    if connection.vendor != "postgresql":
        assert tricky in params
        return
    assert params == ["first"]
    assert "100%%" in sql and "'it''s" in sql  # quoted, and its % kept from the placeholders

"""Search (`q`) on the list pages matches Chinese in either script, English renderings and aliases."""

import re

import pytest

from tests.factories import make_commitment, make_company, make_meeting, make_organization, make_participation

FOUNDING = "/meetings/gallium-symposium-2023/"


def _meeting_links(html):
    return html.count('href="/meetings/gallium-symposium-2023/"')


MEETING_QUERIES = ["镓", "鎵", "gallium", "GALLIUM", "镓产业", "鎵產業", "银川", "中国有色金属"]


@pytest.mark.parametrize("query", MEETING_QUERIES)
def test_the_meeting_list_finds_the_founding_meeting(client, founding_record, query):
    html = client.get("/meetings/", {"q": query}).content.decode()
    assert "1 meeting" in html
    assert _meeting_links(html) == 1


@pytest.mark.parametrize("query", ["镓", "鎵", "gallium"])
def test_the_commitment_list_finds_every_point_of_the_founding_meeting(client, founding_record, query):
    html = client.get("/commitments/", {"q": query}).content.decode()
    assert "5 commitments" in html
    for number in range(1, 6):
        assert f'href="/commitments/gallium-symposium-2023/{number}/"' in html


@pytest.mark.parametrize("query", ["综合回收", "綜合回收", "应收尽收", "export control"])
def test_the_commitment_list_finds_one_point_in_either_script(client, founding_record, query):
    html = client.get("/commitments/", {"q": query}).content.decode()
    assert "1 commitment" in html


@pytest.mark.parametrize("query", ["中国铝业", "中國鋁業", "Aluminum Corporation", "Chalco"])
def test_the_company_list_matches_names_in_either_script_english_and_aliases(client, founding_record, query):
    html = client.get("/companies/", {"q": query}).content.decode()
    assert "1 company" in html
    assert 'href="/companies/chalco/"' in html


def test_a_traditional_query_finds_a_simplified_original(client, db):
    meeting = make_meeting(slug="simplified", title="镓产业链座谈会", language="zh-Hans")
    make_commitment(meeting, number=1, heading="加强资源综合回收利用")
    make_company(slug="simplified-co", name="东方希望集团有限公司")
    assert "1 meeting" in client.get("/meetings/", {"q": "鎵產業"}).content.decode()
    assert "1 commitment" in client.get("/commitments/", {"q": "加強資源"}).content.decode()


def test_a_query_that_matches_nothing_lists_nothing(client, founding_record):
    html = client.get("/meetings/", {"q": "鋰"}).content.decode()
    assert "0 meetings" in html
    assert "No meetings match these filters." in html


def test_search_works_in_the_chinese_interface(client, founding_record, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    html = client.get("/commitments/", {"q": "镓"}).content.decode()
    assert "5 条承诺" in html


def test_matches_in_a_heading_come_before_matches_in_a_body(client, db):
    meeting = make_meeting(slug="lithium", title="鋰產業座談會", language="zh-Hant")
    make_commitment(meeting, number=1, heading="加強行業自律", body="穩定鋰價格。")
    make_commitment(meeting, number=2, heading="保障鋰資源供應", body="正文。", heading_en="Lithium supply")
    html = client.get("/commitments/", {"q": "锂"}).content.decode()
    assert "2 commitments" in html
    assert html.index('href="/commitments/lithium/2/"') < html.index('href="/commitments/lithium/1/"')
    # Without a search the points keep their own order.
    html = client.get("/commitments/").content.decode()
    assert html.index('href="/commitments/lithium/1/"') < html.index('href="/commitments/lithium/2/"')


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("银川", True),
        ("銀川", True),
        ("宁夏", True),
        ("ga", True),
        ("GA", True),
        ("Ga", True),
        ("川银", False),
    ],
)
def test_two_character_searches_match_whatever_the_case_and_script(client, founding_record, query, found):
    """Short searches without letter case skip UPPER() (meetings.filters.SearchFilter) and find the same."""
    html = client.get("/meetings/", {"q": query}).content.decode()
    assert ("1 meeting" in html) is found


def test_short_searches_read_the_stored_search_text_and_longer_ones_the_indexed_like(founding_record):
    """Below three characters no index helps: one strpos() a row, in the upper-cased search_text."""
    from django.db import connection

    from meetings.filters import CompanyFilter, MeetingFilter
    from meetings.models import Meeting, Organization

    if connection.vendor != "postgresql":
        pytest.skip("search_text and strpos() are PostgreSQL's; SQLite searches with LIKE")

    def sql(query, filterset=MeetingFilter, model=Meeting):
        return str(filterset({"q": query}, queryset=model.objects.all()).qs.query)

    for word in ("银川", "ga"):
        assert 'strpos("meetings_meeting"."search_text", UPPER(' in sql(word)
        assert 'strpos(U0."search_text", UPPER(' in sql(word)  # the organizers' names
        assert '"meetings_meeting"."title"' not in sql(word).partition("WHERE")[2].partition("ORDER BY")[0]
    companies = sql("ga", CompanyFilter, Organization)
    assert 'strpos("meetings_organization"."search_text", UPPER(' in companies
    assert 'strpos(U0."search_text", UPPER(' in companies  # the aliases
    # From three characters on, UPPER() … LIKE on each text, which the trigram indexes serve.
    assert "strpos" not in sql("银川市") and 'UPPER("meetings_meeting"."title"::text) LIKE' in sql("银川市")


def test_the_stored_search_text_holds_the_searched_texts_as_the_filters_name_them(db):
    """search_text holds exactly the texts each list searches, so a short word finds the same rows."""
    from django.db import connection

    from meetings.filters import CompanyFilter, MeetingFilter
    from meetings.lookups import SEARCH_TEXT_FIELDS

    if connection.vendor != "postgresql":
        pytest.skip("search_text is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, generation_expression FROM information_schema.columns "
            "WHERE column_name = 'search_text' AND is_generated = 'ALWAYS'"
        )
        defined = dict(cursor.fetchall())
    assert set(defined) == set(SEARCH_TEXT_FIELDS)
    for table, fields in SEARCH_TEXT_FIELDS.items():
        assert re.findall(r'upper\(\(?"?(\w+)"?', defined[table]) == list(fields), defined[table]
    assert tuple(MeetingFilter.base_filters["q"].search_fields) == (
        *SEARCH_TEXT_FIELDS["meetings_meeting"],
        *(f"organizer__{name}" for name in SEARCH_TEXT_FIELDS["meetings_organization"]),
    )
    assert tuple(CompanyFilter.base_filters["q"].search_fields) == SEARCH_TEXT_FIELDS["meetings_organization"]


def _listed(client, path, query):
    return sorted(row.slug for row in client.get(path, {"q": query}).context["page"].object_list)


# A short word in each searched text, in either letter case, is found; one spanning two texts
# (the end of one and the start of the next) is not.
MEETING_WORDS = [
    ("甲乙", True),  # title
    ("會", True),
    ("ph", True),  # title_en "Alpha Beta", lower case
    ("丙丁", True),  # place
    ("MM", True),  # place_en "Gamma"
    ("戊己", True),  # the organizer's name
    ("eP", True),  # the organizer's English name "Epsilon Society"
    ("議A", False),  # title's end and title_en's start
    ("議丙", False),
    ("ty", True),
    ("子丑", False),
]


@pytest.mark.parametrize(("word", "found"), MEETING_WORDS)
def test_a_short_word_is_found_in_each_text_of_a_meeting_and_not_across_two(client, db, word, found):
    from meetings.models import Organization

    society = make_organization(
        slug="society", name="戊己協會", name_en="Epsilon Society", kind=Organization.Kind.ASSOCIATION
    )
    make_meeting(
        slug="m", title="甲乙會議", title_en="Alpha Beta", place="丙丁市", place_en="Gamma", organizer=society
    )
    assert _listed(client, "/meetings/", word) == (["m"] if found else [])


@pytest.mark.parametrize(
    ("word", "found"),
    [
        ("庚辛", True),
        ("壬癸", True),
        ("ap", True),
        ("MB", True),
        ("辛壬", False),
        ("aL", False),
        ("癸K", False),
    ],
)
def test_a_short_word_is_found_in_each_text_of_a_commitment_and_not_across_two(client, db, word, found):
    meeting = make_meeting(slug="m", title="會議", title_en="Meeting")
    make_commitment(meeting, number=1, heading="庚辛", body="壬癸", heading_en="Kappa", body_en="Lambda")
    points = client.get("/commitments/", {"q": word}).context["page"].object_list
    assert [point.number for point in points] == ([1] if found else [])


@pytest.mark.parametrize(
    ("word", "found"),
    [("子丑", True), ("eg", True), ("寅卯", True), ("司O", False), ("卯", True), ("辰", False)],
)
def test_a_short_word_is_found_in_a_companys_names_and_aliases_and_not_across_two(client, db, word, found):
    company = make_company(slug="omega", name="子丑公司", name_en="Omega Corp")
    company.aliases.create(name="寅卯")
    make_participation(make_meeting(slug="m"), company)
    assert _listed(client, "/companies/", word) == (["omega"] if found else [])


def test_the_stored_search_text_follows_an_edit(client, db):
    meeting = make_meeting(slug="m", title="甲乙會議", title_en="Alpha")
    assert _listed(client, "/meetings/", "甲乙") == ["m"]
    meeting.title = "丙丁會議"
    meeting.save()
    assert _listed(client, "/meetings/", "甲乙") == []
    assert _listed(client, "/meetings/", "丙丁") == ["m"]


@pytest.mark.parametrize(
    ("lookup", "word", "found"),
    [
        ("substring", "川市", True),
        ("substring", "市川", False),
        ("substring", "%", False),  # no wildcards: the word as written
        ("substring", "_", False),
        ("substring", "5 ", True),
        ("substring", "ga", False),  # as written: the title has "Ga"
        ("isubstring", "ga", True),
        ("isubstring", "GA", True),
        ("isubstring", "gx", False),
    ],
)
def test_the_substring_lookups_find_the_word_as_written_or_in_any_case(db, lookup, word, found):
    from meetings.models import Meeting

    make_meeting(slug="yinchuan", title="银川市 Gallium 5 forum")
    assert Meeting.objects.filter(**{f"title__{lookup}": word}).exists() is found


@pytest.mark.parametrize(
    ("word", "postgresql", "sqlite"),
    [
        ("镓", "substring", "contains"),
        ("银川", "substring", "contains"),
        ("12", "substring", "contains"),
        ("ga", "isubstring", "icontains"),
        ("Ω镓", "isubstring", "icontains"),
        ("银川市", "icontains", "icontains"),
        ("gallium", "icontains", "icontains"),
    ],
)
def test_each_word_is_searched_with_the_fastest_lookup_that_finds_the_same_rows(word, postgresql, sqlite):
    from meetings.lookups import contains_lookup

    assert contains_lookup(word, "postgresql") == postgresql
    assert contains_lookup(word, "sqlite") == sqlite


def test_a_meeting_is_found_by_its_organizer_s_name_once_published(client, db):
    """The search reads the organizers of published meetings only; publishing adds one at once."""
    from meetings.models import Meeting, Organization

    association = Organization.objects.create(
        slug="rare-earths", name="稀土行業協會", name_en="Rare Earths Trade Association", kind="association"
    )
    meeting = make_meeting(slug="draft", title="座談會", organizer=association, status=Meeting.Status.DRAFT)
    # Another organization whose name matches convenes nothing: it changes no result.
    Organization.objects.create(slug="namesake", name="稀土工業協會", kind="association")
    assert "0 meetings" in client.get("/meetings/", {"q": "稀土"}).content.decode()
    meeting.status = Meeting.Status.PUBLISHED
    meeting.save()
    for query in ("稀土", "稀土行业", "rare earths"):
        html = client.get("/meetings/", {"q": query}).content.decode()
        assert "1 meeting" in html, query
        assert 'href="/meetings/draft/"' in html
    meeting.status = Meeting.Status.DRAFT
    meeting.save()
    assert "0 meetings" in client.get("/meetings/", {"q": "稀土"}).content.decode()

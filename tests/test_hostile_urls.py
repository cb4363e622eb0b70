"""Every public URL and every filter, driven with random and hostile values (hypothesis).

Values: huge and negative numbers, control characters and %00, invalid UTF-8 sent raw in
the query string, SQL and HTML fragments, 10 kB strings, repeated parameters, right-to-left
marks, emoji and CJK, mixed with real slugs so that filters also match. Every request must
be answered (the test client raises whatever a view lets through, so a crash fails the
test), with a status from the page's expected set, and nothing the request sent as markup
may come back unescaped: the hostile markers below never appear verbatim in a response.

The number of examples comes from the hypothesis profile (tests/conftest.py); the run
prints how many cases each test tried.
"""

import datetime
from urllib.parse import quote, quote_from_bytes, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from meetings.models import Organization, Verdict
from meetings.provinces import Province
from tests.conftest import FOUNDING_COMPANIES, tried
from tests.factories import (
    make_action_item,
    make_commitment,
    make_company,
    make_evidence,
    make_industry,
    make_meeting,
    make_organization,
    make_pledge,
)

MEETING = "gallium-symposium-2023"

# What a hostile request sends, and must never see again as it was sent.
MARKERS = [
    "<script>alert(1)</script>",
    '"><x-hostile>',
    "'><x-hostile>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
]
SQL = ["' OR 1=1--", "'; DROP TABLE meetings_meeting; --", '" OR ""="', "1; SELECT pg_sleep(10)", "%' --"]
TEMPLATES = ["{{ 7|add:7 }}", "{% debug %}", "${7*7}", "#{7*7}"]
ODD = [
    "\x00",
    "a\x00b",
    "\r\nSet-Cookie: hostile=1",
    "\x1b[31m",
    "\u202eRTL\u202c",
    "\u200f\u061c",
    "\ufeff",
    "\ud7ff\ue000",
    "🏭🔥👩‍🔬",
    "鎵產業",
    "镓",
    "ガリウム",
    "\U0010ffff",
    "../../etc/passwd",
    "%00",
    "%2e%2e%2f",
    "\\",
    "",
    " ",
]
NUMBERS = [
    "0",
    "-1",
    "-0",
    "2023",
    "2023.5",
    "1e400",
    "-1e400",
    "nan",
    "inf",
    "0x7e7",
    "1_000",
    "٢٠٢٣",
    "２０２３",
    "9" * 30,
    "9" * 5000,
]
KNOWN = [
    MEETING,
    "germanium-roundtable-2024",
    *FOUNDING_COMPANIES,
    "yunnan-germanium",
    "cnia",
    "test-association",
    "gallium",
    "germanium",
    "secret-draft-company",
    "guangdong",
    "yunnan",
    *Verdict.values,
    "on",
    "1",
    "true",
]
PARAMETERS = [
    "q",
    "industry",
    "organizer",
    "company",
    "year",
    "province",
    "meeting",
    "status",
    "overdue",
    "page",
    "original",
    "sort",
    "format",
    "next",
    "language",
]

fragments = st.sampled_from(MARKERS + SQL + TEMPLATES + ODD + NUMBERS + KNOWN)
numbers = st.integers(min_value=-(10**40), max_value=10**40).map(str)
texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
long_values = st.builds(
    lambda piece, size: (piece * size)[:size], fragments.filter(bool), st.sampled_from([10_240])
)
values = st.one_of(
    fragments,
    numbers,
    texts,
    st.lists(st.one_of(fragments, texts), min_size=2, max_size=4).map("".join),
    long_values,
)
names = st.one_of(st.sampled_from(PARAMETERS), texts)


def _encode(text):
    return quote(text, safe="")


@st.composite
def query_strings(draw):
    """A raw QUERY_STRING as a WSGI server passes it on: bytes shown one per character (latin-1)."""
    pairs = draw(st.lists(st.tuples(names, values), max_size=6))
    if draw(st.booleans()):  # one parameter repeated
        name, value = draw(st.sampled_from(PARAMETERS)), draw(values)
        pairs += [(name, value)] * draw(st.integers(min_value=2, max_value=60))
    parts = []
    for name, value in pairs:
        how = draw(st.sampled_from(["encoded", "raw", "bytes"]))
        if how == "encoded":  # as a browser sends it
            parts.append(f"{_encode(name)}={_encode(value)}")
        elif how == "raw":  # unencoded: quotes, <, >, spaces and UTF-8 bytes as they are
            parts.append(f"{name}={value}".replace("&", "%26").encode().decode("latin-1"))
        else:  # percent-encoded bytes that are not UTF-8 at all
            garbage = draw(st.binary(min_size=1, max_size=12))
            parts.append(f"{_encode(name)}={_encode(value[:50])}{quote_from_bytes(garbage, safe='')}")
    return draw(st.sampled_from(["&", ";", "&&"])).join(parts)


# A page, and the answers it may give. Filters that name nothing are a message on a list
# page (200) and a 400 on an export; an unknown record is a 404; a company's slug under
# /organizations/ (and the reverse) is a redirect to its own page.
LISTS = ["/", "/meetings/", "/companies/", "/commitments/"]
EXPORTS = [
    f"/{name}/export.{fmt}" for name in ("meetings", "companies", "commitments") for fmt in ("csv", "json")
]
SCHEMAS = [f"/{name}/export.schema.json" for name in ("meetings", "companies", "commitments")]
FEEDS = ["/feeds/meetings/", "/feeds/evidence/"]

slugs = st.one_of(
    st.sampled_from(KNOWN),
    st.from_regex(r"[-a-zA-Z0-9_]{1,80}", fullmatch=True),
    values.map(_encode).filter(bool),
)
detail_paths = st.one_of(
    slugs.map(lambda s: f"/meetings/{s}/"),
    slugs.map(lambda s: f"/meetings/{s}/changes/"),
    slugs.map(lambda s: f"/meetings/{s}/feed/"),
    slugs.map(lambda s: f"/companies/{s}/"),
    slugs.map(lambda s: f"/companies/{s}/feed/"),
    slugs.map(lambda s: f"/organizations/{s}/"),
    st.tuples(slugs, st.one_of(st.integers(min_value=0, max_value=10**30), st.sampled_from([1, 5, 6]))).map(
        lambda p: f"/commitments/{p[0]}/{p[1]}/"
    ),
)
headers = st.fixed_dictionaries(
    {},
    optional={
        "HTTP_ACCEPT_LANGUAGE": st.one_of(
            st.sampled_from(["zh-CN", "zh-TW", "zh-HK", "en", "*", "zh-Hant-TW;q=0.9, x;q=1e9"]),
            texts,
            long_values,
        ).map(lambda header: header.encode().decode("latin-1")),
        "HTTP_COOKIE": st.one_of(
            st.sampled_from(["django_language=zh-hant", "django_language=zh-hans"]), texts
        )
        .map(lambda c: c if c.startswith("django_language=") else f"django_language={c}")
        .map(lambda c: c.encode().decode("latin-1")),
    },
)


@pytest.fixture
def varied(founding_record):
    """The founding record, a second published meeting and a draft, so that every filter matches something."""
    germanium = make_industry(slug="germanium", name="鍺", name_en="germanium")
    host = make_organization(slug="test-association", name="測試協會", kind=Organization.Kind.ASSOCIATION)
    meeting = make_meeting(
        slug="germanium-roundtable-2024",
        title="鍺產業座談會",
        title_en="Germanium roundtable",
        organizer=host,
        held_on=datetime.date(2024, 5, 1),
        held_on_precision="day",
        industries=[germanium],
    )
    yunnan = make_company(slug="yunnan-germanium", name="雲南鍺業", province=Province.YUNNAN)
    chalco = Organization.objects.get(slug="chalco")
    points = [make_commitment(meeting) for _ in range(3)]
    pledges = [make_pledge(company, point) for company in (yunnan, chalco) for point in points]
    make_evidence(pledge=pledges[0], verdict=Verdict.FULFILLED)
    make_evidence(commitment=points[1], verdict=Verdict.NOT_MET)
    make_action_item(points[2], deadline=datetime.date(2024, 12, 31), deadline_precision="day")
    secret = make_company(slug="secret-draft-company", name="未公開企業")
    make_pledge(secret, make_commitment(make_meeting(status="draft", organizer=host)))
    call_command("refresh_statuses", verbosity=0)
    return meeting


def get(path, query="", extra=None):
    """GET through every middleware; the client raises any exception a view did not handle."""
    browser = Client(raise_request_exception=True)
    response = browser.generic("GET", path, QUERY_STRING=query, **(extra or {}))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body.decode("utf-8", errors="replace")


def assert_nothing_reflected(response, body):
    for marker in MARKERS:
        assert marker not in body, marker
        for name, value in response.items():
            assert marker not in value, (name, marker)


@given(path=st.sampled_from(LISTS), query=query_strings(), extra=headers)
def test_list_pages_answer_every_query_string_with_the_page(varied, path, query, extra):
    tried("list pages")
    response, body = get(path, query, extra)

    assert response.status_code == 200
    assert_nothing_reflected(response, body)


@given(path=st.sampled_from(EXPORTS + SCHEMAS + FEEDS), query=query_strings())
def test_exports_and_feeds_answer_every_query_string_with_the_file_or_a_400(varied, path, query):
    tried("exports and feeds")
    response, body = get(path, query)

    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert path in EXPORTS
        assert body.startswith("These filters could not be used, so nothing was exported:")
        assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert_nothing_reflected(response, body)


@given(path=detail_paths, query=query_strings(), extra=headers)
def test_record_pages_answer_every_address_with_the_page_a_redirect_or_a_404(varied, path, query, extra):
    tried("record pages")
    response, body = get(path, query, extra)

    assert response.status_code in (200, 301, 302, 404)
    if response.status_code in (301, 302):
        assert response["Location"].startswith("/")
        assert not response["Location"].startswith("//")
    assert_nothing_reflected(response, body)


@given(
    method=st.sampled_from(["POST", "PUT", "DELETE", "PATCH"]),
    path=st.sampled_from(EXPORTS + SCHEMAS + ["/healthz", "/readyz"]),
    query=query_strings(),
)
def test_downloads_and_health_checks_refuse_writes(varied, method, path, query):
    tried("writes refused")
    response = Client(raise_request_exception=True).generic(method, path, QUERY_STRING=query)

    assert response.status_code == 405


@given(
    language=values, next_=st.one_of(values, st.sampled_from(["//evil.example/", "https://evil.example/"]))
)
def test_the_language_switcher_never_sends_the_reader_elsewhere(db, language, next_):
    tried("language switcher")
    browser = Client(raise_request_exception=True)
    response = browser.post("/i18n/setlang/", {"language": language, "next": next_})

    assert response.status_code == 302
    location = response["Location"]
    # This site: a path, or a relative address, never another host (//host or /\\host too).
    assert not urlsplit(location).scheme and not urlsplit(location).netloc
    assert not location.startswith(("//", "/\\", "\\"))
    assert_nothing_reflected(response, location)


@pytest.mark.parametrize(
    "query",
    [
        "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        'q="><x-hostile>',
        "company=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "status=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
        "company=chalco&company=%22%3E%3Cx-hostile%3E",
    ],
)
@pytest.mark.parametrize("path", ["/commitments/", "/commitments/export.csv", "/commitments/export.json"])
def test_markup_sent_in_a_filter_comes_back_escaped(varied, path, query):
    response, body = get(path, query)

    assert_nothing_reflected(response, body)
    if response.status_code == 400 or path.endswith(".json"):
        assert "\\u003c" in body  # shown escaped, not dropped


def test_a_raw_nul_and_invalid_utf8_in_the_query_string_are_a_message_or_ignored(varied):
    response, body = get("/meetings/", "q=%00&company=%ff%fe&year=%c0%af&page=%ed%a0%80")
    assert response.status_code == 200
    assert "Some filters could not be used" in body

    response, body = get("/meetings/export.csv", "organizer=%ff")
    assert response.status_code == 400
    assert "organizer: Select a valid choice." in body


@pytest.mark.parametrize("number", [2**63 - 1, 2**63, 10**30])
def test_a_point_number_too_large_for_any_column_is_a_404(client, founding_record, number):
    assert client.get(f"/commitments/{MEETING}/{number}/").status_code == 404
    assert client.get(f"/commitments/{MEETING}/2/").status_code == 200

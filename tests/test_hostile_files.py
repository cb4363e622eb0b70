"""Hostile files for the YAML importer and the article import: refused with a message, nothing written.

Billion laughs, deep nesting, 50 MB, a million values, binary garbage, wrong encodings, NUL
bytes, empty files, through every way in: ``import_meetings``, ``draft_from_article`` and
the admin's "New meeting from article" (upload and review). Each is refused with a message
naming the problem, quickly and in little memory, and leaves every table as it was. The
large files are made in ``tmp_path`` by the test and removed after it. Property-based
tests (hypothesis) then feed both readers random bytes and random YAML documents: a file
is read, or refused with a message, and nothing else ever happens.
"""

import copy
import io
import random
import time
import tracemalloc
from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from meetings.articles import ArticleError, draft_article
from meetings.importing import ImportFile, ImportProblem, parse_import_text
from meetings.importing.reading import MAX_DEPTH, MAX_FILE_BYTES, MAX_VALUES
from tests.conftest import FOUNDING_FILE, tried
from tests.factories import make_meeting_with_pledges
from tests.test_admin_from_article import URL, paste, submit

ARTICLES = Path(__file__).parent / "data" / "articles"
SEED = ARTICLES / "gallium-symposium-2023.txt"
FOUNDING = FOUNDING_FILE.read_text(encoding="utf-8")
MB = 1024 * 1024


def counts():
    """Rows in every table of the app, and the admin's log."""
    tables = {m._meta.label: m.objects.count() for m in apps.get_app_config("meetings").get_models()}
    return tables | {"admin.LogEntry": LogEntry.objects.count()}


def fill(unit, size):
    """``unit`` repeated to exactly ``size`` bytes."""
    return (unit * (size // len(unit) + 1))[:size]


def _billion_laughs():
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join([f'*{chr(97 + n)}'] * 9)}]" for n in range(8)]
    return "\n".join(lines).encode() + b"\n"


def _german_in_latin1():
    return ("meeting:\n  title: Größe der Gießerei, übermäßig ärgerlich\n" * 20).encode("latin-1")


# name: (the file's bytes, made when the test runs; what the message says)
HOSTILE_YAML = {
    "billion laughs": (
        _billion_laughs,
        "line 1, column 4: anchors (&name) and aliases (*name) are not allowed",
    ),
    "merge key through an alias": (
        lambda: b"base: &base {slug: x}\nmeeting:\n  <<: *base\n",
        "line 1, column 7: anchors (&name) and aliases (*name) are not allowed",
    ),
    "100,000 levels of [": (
        lambda: b"meeting: " + b"[" * 100_000 + b"]" * 100_000,
        "line 1, column 1009: not valid YAML: exceeded maximum nesting depth",
    ),
    "100,000 levels of {": (
        lambda: b"meeting: " + b"{a: " * 100_000 + b"}" * 100_000,
        f"line 1, column 86: the YAML is nested more than {MAX_DEPTH} levels deep",
    ),
    "1,000 indented levels": (
        lambda: "".join("  " * n + "a:\n" for n in range(1000)).encode(),
        f"line 21, column 41: the YAML is nested more than {MAX_DEPTH} levels deep",
    ),
    "50 MB": (
        lambda: fill(FOUNDING.encode(), 50 * MB),
        f"the file is {50 * MB:,} bytes; the limit is 2,097,152",
    ),
    "a million values in 2 MB": (
        lambda: b"a: [" + b"1," * 1_000_000 + b"1]\n",
        f"line 1, column 399999: the file has more than {MAX_VALUES:,} values; split it into smaller files",
    ),
    "a number of 100,000 digits": (
        lambda: FOUNDING.replace("number: 1\n", "number: " + "9" * 100_000 + "\n", 1).encode(),
        "line 193, column 13: a number of 100,000 digits is too long for any field",
    ),
    "binary garbage": (
        lambda: random.Random(8).randbytes(100_000),
        "line 1: the file is not UTF-8 text (byte 5); save it as UTF-8",
    ),
    "UTF-16": (lambda: FOUNDING.encode("utf-16"), "the file is UTF-16 text; save it as UTF-8"),
    "UTF-16 without a byte-order mark": (
        lambda: FOUNDING.encode("utf-16-be"),
        "the file is UTF-16 text; save it as UTF-8",
    ),
    "GBK": (
        lambda: FOUNDING.encode("gbk", errors="replace"),
        "line 4: the file is not UTF-8 text (byte 148); save it as UTF-8",
    ),
    "Latin-1": (_german_in_latin1, "line 2: the file is not UTF-8 text (byte 21); save it as UTF-8"),
    "a NUL byte": (
        lambda: FOUNDING.replace("  place: 寧夏銀川", "  place: 寧夏\x00銀川").encode(),
        "line 22, column 12: the control character U+0000 is not allowed",
    ),
    "a control character": (
        lambda: FOUNDING.replace("  place: 寧夏銀川", "  place: 寧夏\x1b[31m銀川").encode(),
        "line 22, column 12: the control character U+001B is not allowed",
    ),
    "an empty file": (lambda: b"", "the file is empty; it needs at least a 'meeting:' section"),
    "a Python object": (
        lambda: b"meeting: !!python/object/apply:os.system ['echo owned']\n",
        "line 1, column 10: not valid YAML: could not determine a constructor for the tag",
    ),
}


@pytest.fixture
def other_records(db):
    """A database that is not empty, so that 'unchanged' means something."""
    make_meeting_with_pledges(companies=2, commitments=2)


def _measured(action):
    """(what ``action`` raised, seconds, peak MB of Python memory)."""
    tracemalloc.start()
    begun = time.perf_counter()
    try:
        action()
    except Exception as error:  # the caller checks which
        raised = error
    else:
        raised = None
    seconds = time.perf_counter() - begun
    peak = tracemalloc.get_traced_memory()[1] / MB
    tracemalloc.stop()
    return raised, seconds, peak


@pytest.mark.parametrize(("make", "message"), HOSTILE_YAML.values(), ids=HOSTILE_YAML)
def test_import_meetings_refuses_a_hostile_file_quickly_and_writes_nothing(
    other_records, tmp_path, make, message
):
    path = tmp_path / "hostile.yaml"
    path.write_bytes(make())
    before = counts()

    raised, seconds, peak = _measured(
        lambda: call_command("import_meetings", str(path), stdout=io.StringIO())
    )

    path.unlink()
    assert isinstance(raised, CommandError), raised
    assert f"hostile.yaml: {message}" in str(raised)
    assert str(raised).endswith("1 of 1 file has a problem; nothing was imported.")
    assert "Traceback" not in str(raised)
    assert counts() == before
    # Refused before building: the worst of these took 28 s and 750 MB when it was built.
    assert peak < 60, f"{peak:.0f} MB"
    assert seconds < 10, f"{seconds:.1f} s"


def test_the_largest_file_within_the_limits_is_read_in_bounded_time_and_memory(db):
    almost = b"a: [" + b"1," * (MAX_VALUES - 10) + b"1]\n"

    raised, seconds, peak = _measured(lambda: parse_import_text(almost, label="almost.yaml"))

    assert isinstance(raised, ImportProblem)
    assert raised.problems == ["a: unknown field (the fields are listed in docs/import-format.md)"]
    assert peak < 200, f"{peak:.0f} MB"
    assert seconds < 20, f"{seconds:.1f} s"


def test_a_hostile_file_among_good_ones_keeps_the_good_ones_out_too(db, tmp_path):
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(FOUNDING, encoding="utf-8")
    bad.write_bytes(_billion_laughs())

    with pytest.raises(CommandError, match="1 of 2 files has a problem; nothing was imported"):
        call_command("import_meetings", str(good), str(bad), stdout=io.StringIO())

    assert all(count == 0 for count in counts().values())


# -- the article import --------------------------------------------------------------------

# name: (the article's bytes; why it is not one)
HOSTILE_ARTICLES = {
    "50 MB": (
        lambda: fill(SEED.read_bytes(), 50 * MB),
        f"the input is {50 * MB:,} bytes; the limit for an article is 2,097,152 bytes (2 MB)",
    ),
    "binary garbage": (
        lambda: random.Random(8).randbytes(100_000),
        "the input contains NUL bytes: it is a binary file, not text",
    ),
    "UTF-16 without a byte-order mark": (
        lambda: SEED.read_text(encoding="utf-8").encode("utf-16-le"),
        "the input is UTF-16 text without a byte-order mark; save it as UTF-8",
    ),
    "Latin-1": (
        _german_in_latin1,
        "the input is not UTF-8, and read as GB18030 or Big5 it is not Chinese text",
    ),
    "a NUL byte": (
        lambda: SEED.read_bytes().replace("寧夏".encode(), "寧\x00夏".encode(), 1),
        "the input contains NUL bytes: it is a binary file, not text",
    ),
    "an empty file": (lambda: b"", "the input is empty: there is no article text to read"),
    "2 MB of markup": (
        lambda: fill(b"<div><p></p></div>", 2 * MB),
        "the input has no article text: nothing is left once page chrome, markup",
    ),
}


@pytest.mark.parametrize(("make", "message"), HOSTILE_ARTICLES.values(), ids=HOSTILE_ARTICLES)
def test_draft_from_article_reports_a_hostile_file_and_writes_no_draft(tmp_path, make, message):
    article = tmp_path / "hostile.txt"
    article.write_bytes(make())
    err = io.StringIO()

    with pytest.raises(CommandError, match="1 of 1 file could not be drafted"):
        call_command("draft_from_article", str(article), stdout=io.StringIO(), stderr=err)

    article.unlink()
    assert err.getvalue().startswith(f"hostile.txt: {message}")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("make", "message"), HOSTILE_ARTICLES.values(), ids=HOSTILE_ARTICLES)
def test_the_admin_refuses_a_hostile_upload_with_a_message_and_saves_nothing(
    editor_client, other_records, make, message
):
    before = counts()
    upload = SimpleUploadedFile("hostile.txt", make())

    response = editor_client.post(URL, {"step": "article", "upload": upload})

    assert response.status_code == 200
    html = response.content.decode()
    assert "This cannot be read as an article: " + message.replace("'", "&#x27;") in html
    assert counts() == before


@pytest.mark.parametrize("encoding", ["utf-16", "gb18030", "big5"])
def test_an_article_in_another_encoding_the_reader_knows_gives_the_same_draft(encoding):
    # Not hostile: UTF-16 with its byte-order mark, GB18030 (GBK) and Big5 are read, not refused.
    text = SEED.read_text(encoding="utf-8")
    if encoding == "big5":
        text = (ARTICLES / "gallium-repaired.big5.txt").read_bytes().decode("big5")
    expected = draft_article(text.encode("utf-8"), label="article.txt")

    draft = draft_article(text.encode(encoding), label="article.txt")

    assert draft.summary() == expected.summary()
    assert draft.extraction.companies == expected.extraction.companies


HOSTILE_DRAFTS = {
    "billion laughs": (_billion_laughs, "anchors (&amp;name) and aliases (*name) are not allowed"),
    "100,000 levels of {": (
        lambda: b"meeting: " + b"{a: " * 100_000 + b"}" * 100_000,
        f"the YAML is nested more than {MAX_DEPTH} levels deep",
    ),
    "a million values": (
        lambda: b"a: [" + b"1," * 1_000_000 + b"1]\n",
        "values; split it into smaller files",
    ),
    "a number of 100,000 digits": (
        lambda: b"meeting:\n  edition: " + b"9" * 100_000 + b"\n",
        "a number of 100,000 digits is too long for any field",
    ),
    "a NUL byte": (
        lambda: b"meeting:\n  title: a\x00b\n",
        "The YAML draft: Null characters are not allowed.",
    ),
    "over 2 MB": (
        lambda: FOUNDING.encode() + b"#" * MAX_FILE_BYTES,
        f"the file is {len(FOUNDING.encode()) + MAX_FILE_BYTES:,} bytes; the limit is 2,097,152",
    ),
}


@pytest.mark.parametrize(("make", "message"), HOSTILE_DRAFTS.values(), ids=HOSTILE_DRAFTS)
def test_a_hostile_yaml_draft_on_the_review_page_is_an_error_and_saves_nothing(
    editor_client, other_records, make, message
):
    review = paste(editor_client, SEED.read_text(encoding="utf-8"))
    before = counts()

    response = submit(editor_client, review, draft=make().decode("utf-8"))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert counts() == before


# -- any bytes, any YAML (hypothesis) --------------------------------------------------------

FOUNDING_DATA = yaml.safe_load(FOUNDING)


def _places(data, path=()):
    """Every place in ``data`` (a path of keys and indexes), containers included."""
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _places(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _places(value, (*path, index))


PLACES = list(_places(FOUNDING_DATA))[1:]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(),
    st.dates(),
    st.text(max_size=30),
    st.sampled_from(["", "all", "9" * 5000, "2023-13-45", "\ue000", "\ufffd", "<script>", "' OR 1=1--"]),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.one_of(st.text(max_size=12), scalars), children)
    ),
    max_leaves=20,
)


def _read(raw):
    """The importer's answer: the parsed file, or its problems; any other exception fails the test."""
    try:
        return parse_import_text(raw, label="fuzzed.yaml")
    except ImportProblem as problem:
        assert problem.problems and all(isinstance(p, str) and p for p in problem.problems)
        return problem


@given(raw=st.one_of(st.binary(max_size=3000), st.text(max_size=3000).map(str.encode)))
def test_any_bytes_are_read_as_an_import_file_or_refused_with_a_message(raw):
    tried("import file: any bytes")
    _read(raw)


@given(document=documents)
def test_any_yaml_document_is_read_as_an_import_file_or_refused_with_a_message(document):
    tried("import file: any YAML document")
    _read(yaml.safe_dump(document, allow_unicode=True).encode())


@given(place=st.sampled_from(PLACES), value=st.one_of(scalars, documents))
def test_the_founding_file_with_any_value_anywhere_is_read_or_refused_with_a_message(place, value):
    tried("import file: the founding file, one value replaced")
    data = copy.deepcopy(FOUNDING_DATA)
    container = data
    for part in place[:-1]:
        container = container[part]
    container[place[-1]] = value

    result = _read(yaml.safe_dump(data, allow_unicode=True).encode())

    assert isinstance(result, ImportFile | ImportProblem)


@given(
    raw=st.one_of(
        st.binary(max_size=3000),
        st.text(max_size=3000).map(str.encode),
        st.lists(st.sampled_from(SEED.read_text(encoding="utf-8").splitlines()), max_size=40).map(
            lambda lines: "\n".join(lines).encode()
        ),
    )
)
def test_any_bytes_are_drafted_as_an_article_or_refused_with_a_message(raw):
    tried("article: any bytes")
    try:
        draft = draft_article(raw, label="fuzzed.txt")
    except ArticleError as error:
        assert str(error)
        return
    # A draft is always YAML that the importer reads, or refuses with a message.
    _read(draft.yaml.encode("utf-8"))

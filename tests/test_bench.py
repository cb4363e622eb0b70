"""The parts of `make bench` that need no server: the URL lists, the results table, the floor page."""

import argparse
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.test.utils import modify_settings, override_settings

from bench.imports import _sizes, commands, export_first, measure_all, time_import
from bench.pages import PAGE_TYPES, build_urls
from bench.report import (
    Row,
    floors,
    format_imports,
    format_report,
    format_table,
    measurement_order,
    problems,
    ratios,
)
from bench.run import Config
from tests.test_export_meetings import empty_the_database


@pytest.fixture
def synthetic(db):
    call_command("generate_synthetic", "--scale", "tiny", "--seed", "1", verbosity=0)


def test_every_page_type_gets_distinct_urls_that_answer(synthetic, client):
    urls = build_urls(count=20, seed=1)

    assert list(urls) == PAGE_TYPES
    assert urls["home"] == ["/"]
    for page, paths in urls.items():
        assert paths, page
        assert len(paths) == len(set(paths)), page
        for path in paths:
            assert client.get(path).status_code == 200, path


def test_detail_urls_are_a_sample_of_the_published_records(synthetic):
    urls = build_urls(count=5, seed=1)

    assert len(urls["meeting-detail"]) == 5
    assert all(re.fullmatch(r"/meetings/syn-[\w-]+/", path) for path in urls["meeting-detail"])
    assert all(re.fullmatch(r"/meetings/syn-[\w-]+/changes/", path) for path in urls["meeting-changes"])
    assert all(re.fullmatch(r"/companies/syn-[\w-]+/", path) for path in urls["company-detail"])
    assert all(re.fullmatch(r"/commitments/syn-[\w-]+/\d+/", path) for path in urls["commitment-detail"])


def test_list_urls_combine_filters_and_page_numbers(synthetic):
    urls = build_urls(count=40, seed=1)

    queries = [parse_qs(urlsplit(path).query) for path in urls["commitment-list"]]
    used = {name for query in queries for name in query}
    assert {"q", "company", "meeting", "industry", "status"} <= used
    assert any(len(query) >= 2 for query in queries)
    assert any("page" in query and int(query["page"][0]) > 1 for query in queries)
    assert {"q", "industry", "organizer", "company", "year"} <= {
        name for path in urls["meeting-list"] for name in parse_qs(urlsplit(path).query)
    }
    assert {"q", "industry", "province"} <= {
        name for path in urls["company-list"] for name in parse_qs(urlsplit(path).query)
    }


def test_the_same_seed_gives_the_same_urls(synthetic):
    assert build_urls(count=15, seed=3) == build_urls(count=15, seed=3)
    assert build_urls(count=15, seed=3) != build_urls(count=15, seed=4)


def _row(page, mode="uncached", requests=1000, **kwargs):
    values = {"urls": 1, "seconds": 10.0, "p50_ms": 4.0, "p99_ms": 9.5, "non_2xx": 0, "socket_errors": 0}
    return Row(page=page, mode=mode, requests=requests, **{**values, **kwargs})


def test_the_table_gives_each_page_its_share_of_the_fortunes_rate():
    rows = [
        _row("fortunes", requests=20000, queries="1", kilobytes=1.1, in_process_ms=0.84),
        _row(
            "meeting-detail",
            urls=300,
            requests=4000,
            p50_ms=38.25,
            p99_ms=120.0,
            queries="7",
            kilobytes=29.06,
        ),
        _row("company-list", urls=300, requests=6000, queries="3–4"),
        _row("fortunes", mode="warm", requests=10000),
        _row("company-list", mode="warm", requests=6000),
    ]

    table = format_table(rows).splitlines()

    assert table[0].startswith("| page | mode | URLs | req/s | p50 ms | p99 ms | non-2xx |")
    assert table[2] == "| fortunes | uncached | 1 | 2,000 | 4.0 | 9.5 | 0 | 0 | 1 | 1.1 | 0.8 | 1.00 |"
    assert table[3] == (
        "| meeting-detail | uncached | 300 | 400 | 38.2 | 120.0 | 0 | 0 | 7 | 29.1 | – | 0.20 **slow** |"
    )
    assert table[4] == "| company-list | uncached | 300 | 600 | 4.0 | 9.5 | 0 | 0 | 3–4 | – | – | 0.30 |"
    assert table[6].endswith("| 0.60 |")  # against the warm fortunes rate, not the uncached one
    assert ratios(rows)[("company-list", "warm")] == pytest.approx(0.6)


def test_failed_responses_are_shown_in_bold_and_listed():
    rows = [_row("fortunes"), _row("company-detail", non_2xx=12, socket_errors=3)]

    report = format_report(rows, title="Benchmark", facts={"Scale": "tiny"})

    assert "| **12** | **3** |" in report
    assert "**Some requests failed:**" in report
    assert "- company-detail (uncached): 12 responses not 2xx, 3 socket errors" in report
    assert "- Scale: tiny" in report
    assert problems([_row("fortunes")]) == []


def test_a_page_type_that_completed_no_request_is_a_problem():
    assert problems([_row("fortunes"), _row("home", requests=0)]) == ["home (uncached): no request completed"]


def test_without_a_fortunes_row_there_is_no_share():
    assert format_table([_row("home")]).splitlines()[2].endswith("| – |")


@pytest.fixture
def bench_app(transactional_db):
    """The bench app installed and migrated, and its URLs in use, as under bench.settings."""
    with modify_settings(INSTALLED_APPS={"append": "bench"}), override_settings(ROOT_URLCONF="bench.urls"):
        call_command("migrate", "bench", verbosity=0)
        yield
        call_command("migrate", "bench", "zero", verbosity=0)


def test_fortunes_lists_thirteen_sorted_and_escaped_rows(bench_app, client):
    response = client.get("/bench/fortunes/")

    assert response.status_code == 200
    rows = re.findall(r"<tr><td>(\d+)</td><td>(.*?)</td></tr>", response.content.decode())
    assert len(rows) == 13
    messages = [message for _id, message in rows]
    assert ("0", "Additional fortune added at request time.") in rows
    assert "&lt;script&gt;alert(&#x27;this should be escaped&#x27;);&lt;/script&gt;" in messages
    assert "Fortune: &quot;quotes&quot; &amp; &lt;ampersands&gt; survive the template." in messages
    assert "共識不是結論,而是起點。" in messages
    assert "<script>" not in response.content.decode()
    unescaped = [m.replace("&lt;", "<").replace("&quot;", '"').replace("&#x27;", "'") for m in messages]
    unescaped = [m.replace("&gt;", ">").replace("&amp;", "&") for m in unescaped]
    assert unescaped == sorted(unescaped)


def test_the_project_urls_stay_without_the_fortunes_page(client, db):
    assert client.get("/bench/fortunes/").status_code == 404


def test_the_admin_pages_are_timed_signed_in(synthetic):
    from bench.admin import format_table as format_admin
    from bench.admin import measure_admin

    results = measure_admin(repeats=1)
    labels = [result["label"] for result in results]
    assert labels[:4] == ["pledge list", "commitment list", "meeting list", "evidence list"]
    assert any(label.startswith("largest meeting's change page") for label in labels)
    assert all(result["status"] == 200 and result["queries"] > 0 for result in results), results
    table = format_admin(results)
    assert table.count("\n") == len(results) + 2
    assert "/admin/meetings/pledge/" in table


def test_imports_are_measured_unless_bench_imports_is_0():
    assert Config.from_environment({}).imports
    assert Config.from_environment({"BENCH_IMPORTS": "1"}).imports
    assert not Config.from_environment({"BENCH_IMPORTS": "0"}).imports
    assert Config.from_environment({"BENCH_IMPORTS": "0"}).exports


def test_the_import_table_gives_seconds_per_meeting_and_the_ratio_to_the_first_size():
    results = [
        {"size": 100, "meetings": 100, "seconds": 12.5, "per_meeting": 0.125},
        {"size": 1000, "meetings": 1000, "seconds": 1500.0, "per_meeting": 1.5},
    ]

    text = format_imports(results, commands([100, 1000]))

    assert text.startswith("## Importing meetings\n")
    assert "| 100 | 12.5 | 0.125 | 1.00 |" in text
    assert "| 1,000 | 1,500.0 | 1.500 | 12.00 |" in text
    assert "    python manage.py export_meetings --limit 1000 --out DIR" in text
    assert "import_meetings the first 100 files of DIR/*.yaml" in text
    assert "import_meetings DIR/*.yaml" in text


def test_import_sizes_are_a_list_of_whole_numbers_of_at_least_one():
    assert _sizes("100,1000") == (100, 1000)
    for bad in ("0,100", "ten", "100,", "-1"):
        with pytest.raises(argparse.ArgumentTypeError):
            _sizes(bad)


def test_sizes_larger_than_the_data_set_are_left_out(synthetic):
    said = []

    assert measure_all({}, "unused", sizes=(100, 1000), report=said.append) == []
    assert said == ["    skipped: the data set has 12 meetings, too few to measure"]


def test_an_import_is_timed_per_meeting(synthetic, tmp_path):
    paths = export_first(3, tmp_path / "export")
    assert len(paths) == 3
    empty_the_database()

    result = time_import(paths)

    assert result["meetings"] == 3
    assert result["seconds"] > 0
    assert result["per_meeting"] == pytest.approx(result["seconds"] / 3)


def test_a_server_s_log_tail_holds_only_the_lines_it_wrote(tmp_path):
    """The servers of a run share one log: the shutdown tracebacks of those before are not shown."""
    from bench.load import Server

    log = tmp_path / "gunicorn.log"
    log.write_text("Traceback (most recent call last):\nSystemExit: 0\n")
    server = Server({}, log)
    server.log_start = log.stat().st_size  # as __enter__ records it before starting gunicorn
    assert server.log_tail() == ""
    with log.open("a") as out:
        out.write("[ERROR] Worker failed\nline 2\nline 3\n")
    assert server.log_tail() == "[ERROR] Worker failed\nline 2\nline 3"
    assert server.log_tail(lines=2) == "line 2\nline 3"
    assert Server({}, tmp_path / "missing.log").log_tail() == "(no log)"


def test_the_report_names_the_commit_and_changed_code_but_not_its_own_results(tmp_path):
    import subprocess

    from bench.run import git_commit

    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    (tmp_path / "bench" / "results").mkdir(parents=True)
    (tmp_path / "bench" / "results" / "latest.md").write_text("old\n")
    (tmp_path / "app.py").write_text("x = 1\n")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "first")
    clean = git_commit(tmp_path)
    assert clean and "uncommitted" not in clean
    (tmp_path / "bench" / "results" / "latest.md").write_text("new\n")
    (tmp_path / "bench" / "results" / "urls-large.json").write_text("{}\n")
    assert git_commit(tmp_path) == clean
    (tmp_path / "app.py").write_text("x = 2\n")
    assert git_commit(tmp_path) == f"{clean} (with uncommitted changes)"


def test_a_page_is_compared_with_the_higher_of_the_fortunes_rates_next_to_it():
    """Fortunes is measured before each page type and after the last: a disturbed floor flatters no page."""
    rows = [
        _row("fortunes", urls=1, requests=8800, seconds=10),  # other work on the machine: 880/s
        _row("meeting-detail", requests=3000, seconds=10),
        _row("fortunes", urls=1, requests=13750, seconds=10),
        _row("company-detail", requests=3000, seconds=10),
        _row("fortunes", urls=1, requests=12000, seconds=10),
    ]
    assert floors(rows) == pytest.approx([1375, 1375, 1375, 1375, 1375])
    assert ratios(rows)[("meeting-detail", "uncached")] == pytest.approx(300 / 1375)
    table = format_table(rows).splitlines()
    assert table[2].endswith("| 0.64 |")  # the disturbed measurement, against the highest of the mode
    assert table[3].endswith("| 0.22 **slow** |")
    assert table[4].endswith("| 1.00 |")
    assert table[6].endswith("| 0.87 |")


def test_a_page_is_not_compared_with_a_floor_measured_far_from_it():
    """The machine got quieter after the first pages: they are judged by the floor of their own moment."""
    rows = [
        _row("fortunes", requests=10000),
        _row("home", requests=3000),
        _row("fortunes", requests=10000),
        _row("company-list", requests=3000),
        _row("fortunes", requests=20000),
        _row("fortunes", mode="warm", requests=15000),
        _row("company-list", mode="warm", requests=12000),
        _row("fortunes", mode="warm", requests=15000),
    ]
    assert ratios(rows) == {
        ("home", "uncached"): pytest.approx(0.30),
        ("company-list", "uncached"): pytest.approx(0.15),  # next to the quieter floor
        ("company-list", "warm"): pytest.approx(0.80),  # the warm floors only
    }
    assert floors(rows)[0] == pytest.approx(2000)  # a fortunes row: against the highest of its mode


def test_a_page_with_a_floor_on_one_side_only_is_compared_with_that_one():
    rows = [_row("home", requests=3000), _row("fortunes", requests=10000), _row("static", requests=30000)]
    assert floors(rows) == pytest.approx([1000, 1000, 1000])
    assert ratios(rows) == {
        ("home", "uncached"): pytest.approx(0.3),
        ("static", "uncached"): pytest.approx(3.0),
    }


def test_the_floor_is_measured_before_each_page_type_and_after_the_last():
    assert measurement_order({"fortunes": [], "home": [], "meeting-list": [], "static": []}) == [
        "fortunes",
        "home",
        "fortunes",
        "meeting-list",
        "fortunes",
        "static",
        "fortunes",
    ]
    assert measurement_order(["fortunes"]) == ["fortunes"]

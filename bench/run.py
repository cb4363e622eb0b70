"""Driver of ``make bench``: load every public page type through gunicorn with wrk and report.

Steps: make sure the PostgreSQL database ``consensus_bench_<scale>`` holds the synthetic data
of that scale (generated once, then reused); collect the static files into a temporary
folder; build the URL lists (``bench.pages``); count each page type's queries in-process;
then, for each mode, start gunicorn (2 sync workers, production settings plus the bench
app) and run wrk on each page type in turn. Failed responses are counted and reported
loudly, with the URLs that fail. The table goes to ``bench/results/latest.md``.

Modes: "uncached" serves without ``REDIS_URL``; "warm" serves with
``REDIS_URL=redis://127.0.0.1:6379/<BENCH_REDIS_DB>`` (flushed first), after a warm-up pass
that requests every URL once.

Environment: ``BENCH_SCALE`` (tiny, small, medium, large; default large), ``BENCH_DURATION``
(seconds of wrk per page type and mode; default 30), ``BENCH_URLS`` (URLs per page type;
default 300), ``BENCH_SEED`` (default 1), ``BENCH_REDIS_DB`` (default 13), ``BENCH_MODES``
(default "uncached,warm"), ``BENCH_EXPORTS`` (0 skips measuring the exports of the whole data
set), ``BENCH_IMPORTS`` (0 skips measuring imports: the first 100 and 1,000 meetings
exported and imported into fresh databases, ``bench/imports.py``), ``BENCH_WARMUP`` (seconds
at most to request every URL of a page type before the warm mode; default 180).
``python -m bench.run --prepare-only`` only makes the database.
"""

import datetime
import json
import os
import platform
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .load import (
    CONNECTIONS,
    FORTUNES,
    THREADS,
    WORKERS,
    BenchError,
    Server,
    cancel_queries,
    ensure_wrk,
    redis_command,
    request_every_url,
    run_wrk,
)

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "bench"
RESULTS = BENCH_DIR / "results" / "latest.md"
SCALES = ("tiny", "small", "medium", "large")
MODES = ("uncached", "warm")
SAMPLE_URLS = 3  # URLs per page type whose queries are counted in-process
STATIC_SAMPLE = "bench/page-sized.html"


@dataclass(frozen=True)
class Config:
    scale: str
    seed: int
    duration: int
    urls: int
    redis_db: int
    modes: tuple
    exports: bool = True
    warmup: int = 180
    imports: bool = True

    @classmethod
    def from_environment(cls, environ=os.environ):
        scale = environ.get("BENCH_SCALE", "large")
        if scale not in SCALES:
            raise BenchError(f"BENCH_SCALE must be one of {', '.join(SCALES)}; got {scale!r}")
        modes = tuple(m.strip() for m in environ.get("BENCH_MODES", ",".join(MODES)).split(",") if m.strip())
        unknown = [mode for mode in modes if mode not in MODES]
        if unknown or not modes:
            raise BenchError(f"BENCH_MODES must name some of {', '.join(MODES)}; got {unknown or modes}")
        return cls(
            scale=scale,
            seed=_whole(environ, "BENCH_SEED", 1),
            duration=_whole(environ, "BENCH_DURATION", 30, minimum=1),
            urls=_whole(environ, "BENCH_URLS", 300, minimum=1),
            redis_db=_whole(environ, "BENCH_REDIS_DB", 13),
            exports=environ.get("BENCH_EXPORTS", "1") != "0",
            imports=environ.get("BENCH_IMPORTS", "1") != "0",
            # "Warm" means every URL of the list is in the cache: long enough to request them all.
            warmup=_whole(environ, "BENCH_WARMUP", 180, minimum=1),
            modes=modes,
        )


def _whole(environ, name, default, minimum=0):
    value = environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < minimum:
        raise BenchError(f"{name} must be a whole number of at least {minimum}; got {value!r}")
    return int(value)


def say(message=""):
    print(message, flush=True)


def report_failures(mode, failures):
    for page, failed in failures.items():
        say(f"!!! [{mode}] {page}: {len(failed)} URLs failed, for example {failed[:3]}")


# --- in-process measurements ---------------------------------------------------------------


def url_lists(dataset, config, build):
    """``build(count, seed)``, kept in ``bench/results/urls-<scale>.json`` for the same data and settings.

    Building needs a row count for each list URL with a later page, which takes minutes on the
    large scale; a regenerated database has a new ``generated_at`` and gets new lists.
    """
    from django.conf import settings

    path = RESULTS.parent / f"urls-{dataset.scale}.json"
    key = {
        "generated_at": dataset.generated_at.isoformat(),
        "seed": config.seed,
        "count": config.urls,
        # Later pages are chosen among the pages a list offers, which depend on these.
        "page_size": settings.PAGE_SIZE,
        "list_count_limit": settings.LIST_COUNT_LIMIT,
    }
    try:
        saved = json.loads(path.read_text())
        if saved["key"] == key:
            say(f"Reusing the URL lists in {path.relative_to(BASE_DIR)}.")
            return saved["urls"]
    except (OSError, ValueError, KeyError):
        pass
    say(f"Building the URL lists ({config.urls} per page type) …")
    urls = build(config.urls, config.seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"key": key, "urls": urls}, ensure_ascii=False, indent=1) + "\n")
    return urls


def measure_in_process(urls):
    """``{page type: (queries text, median kB, median ms, [bodies])}`` from the first URLs of each list."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.get(FORTUNES)  # first request: loads the URL conf and templates
    measured = {}
    for page, paths in urls.items():
        counts, sizes, times, bodies = [], [], [], []
        client.get(paths[0])  # templates and caches of this page type are loaded before timing
        for path in paths[:SAMPLE_URLS]:
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise BenchError(f"{path} answers {response.status_code} in-process")
            counts.append(len(queries.captured_queries))
            sizes.append(len(response.content) / 1024)
            bodies.append(response.content)
        low, high = min(counts), max(counts)
        measured[page] = (
            str(low) if low == high else f"{low}–{high}",
            statistics.median(sizes),
            statistics.median(times),
            bodies,
        )
    return measured


def page_sized_file(bodies, folder):
    """Write the body of median size among ``bodies`` as the static file the static row fetches."""
    body = sorted(bodies, key=len)[len(bodies) // 2]
    target = Path(folder) / Path(STATIC_SAMPLE).relative_to("bench")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(body)
    return len(body)


def hashed_static_path(static_root, name):
    manifest = json.loads((Path(static_root) / "staticfiles.json").read_text())
    from django.conf import settings

    return "/" + settings.STATIC_URL.strip("/") + "/" + manifest["paths"][name]


# --- facts about the run -------------------------------------------------------------------


def machine_facts():
    cpu = "unknown CPU"
    memory = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, {memory} memory; {platform.platform()}"


def software_facts(wrk):
    import django
    import gunicorn
    import psycopg
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    wrk_version = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False)
    wrk_line = (wrk_version.stdout or wrk_version.stderr).splitlines()[0:1]
    return (
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"gunicorn {gunicorn.__version__}, psycopg {psycopg.__version__}, PostgreSQL {postgres}, "
        f"{wrk_line[0] if wrk_line else 'wrk'}"
    )


def git_commit(base=BASE_DIR):
    """The commit measured, and whether the code differs from it (the bench's own results aside)."""

    def git(*args):
        return subprocess.run(["git", *args], cwd=base, capture_output=True, text=True, check=False).stdout

    commit = git("rev-parse", "--short", "HEAD").strip() or "unknown"
    # bench/results/ holds what the bench writes (this report, the URL lists): not code.
    changed = git("status", "--porcelain", "--", ".", ":(exclude)bench/results").strip()
    return commit + (" (with uncommitted changes)" if changed else "")


def dataset_facts(scale):
    from meetings.models import Commitment, Evidence, Meeting, Organization, Pledge

    counts = {
        "meetings": Meeting.objects.count(),
        "organizations": Organization.objects.count(),
        "commitments": Commitment.objects.count(),
        "pledges": Pledge.objects.count(),
        "evidence entries": Evidence.objects.count(),
    }
    return f"{scale}: " + ", ".join(f"{n:,} {name}" for name, n in counts.items())


# --- the run -------------------------------------------------------------------------------


def configure(config, static_root, static_extra):
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    os.environ["LOG_LEVEL"] = os.environ.get("LOG_LEVEL", "WARNING")
    os.environ["STATIC_ROOT"] = str(static_root)
    os.environ["BENCH_STATIC_EXTRA"] = str(static_extra)
    os.environ.pop("REDIS_URL", None)
    from .database import database_url

    os.environ["DATABASE_URL"] = database_url(config.scale)


def _stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        config = Config.from_environment()
        with tempfile.TemporaryDirectory(prefix="consensus-bench-") as work:
            return run(config, Path(work), prepare_only="--prepare-only" in argv)
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted; gunicorn is stopped.", file=sys.stderr)
        return 130


def run(config, work, prepare_only=False):
    started = time.monotonic()
    phases = {}
    static_root, static_extra = work / "static", work / "static-extra"
    static_extra.mkdir()
    configure(config, static_root, static_extra)
    wrk = None if prepare_only else ensure_wrk()

    from .database import ensure_database

    if ensure_database(config.scale):
        say(f"Created the database consensus_bench_{config.scale}.")
    import django

    django.setup()
    from django.core.management import call_command

    from .database import ensure_dataset
    from .pages import PAGE_TYPES, build_urls
    from .report import FLOOR, Row, format_report, measurement_order, problems

    dataset = ensure_dataset(config.scale, config.seed, report=say)
    phases["database"] = time.monotonic() - started
    if prepare_only:
        return 0

    load_before = os.getloadavg()
    if load_before[0] > 0.5:
        say(f"!!! The machine is busy (load average {load_before[0]:.2f}): the numbers will be lower.")
    mark = time.monotonic()
    call_command("collectstatic", interactive=False, verbosity=0)
    urls = {FLOOR: [FORTUNES], **url_lists(dataset, config, build_urls)}
    phases["URL lists"] = time.monotonic() - mark
    for page in PAGE_TYPES:
        if not urls[page]:
            raise BenchError(f"the {config.scale} database has no {page} pages to request")

    mark = time.monotonic()
    measured = measure_in_process(urls)
    size = page_sized_file(measured["meeting-detail"][3], static_extra)
    call_command("collectstatic", interactive=False, verbosity=0)
    urls["static"] = [hashed_static_path(static_root, STATIC_SAMPLE)]
    measured["static"] = ("0", size / 1024, None, [])
    phases["in-process pass"] = time.monotonic() - mark

    url_files = {}
    for page, paths in urls.items():
        url_files[page] = work / f"urls-{page}.txt"
        url_files[page].write_text("\n".join(paths) + "\n")

    rows, warm_notes = [], []
    for mode in config.modes:
        env = {**os.environ, "PYTHONPATH": str(BASE_DIR)}
        if mode == "warm":
            try:
                redis_command(config.redis_db, "FLUSHDB")
            except OSError as error:
                raise BenchError(f"the warm mode needs Redis on 127.0.0.1:6379: {error}") from None
            env["REDIS_URL"] = f"redis://127.0.0.1:6379/{config.redis_db}"
        mark = time.monotonic()
        log_path = work / f"gunicorn-{mode}.log"
        failures = {}
        if mode == "warm":
            with Server(env, log_path) as server:
                say(f"[{mode}] gunicorn on {server.base}; warming up: requesting every URL once …")
                failures, warmed = request_every_url(server.base, urls, seconds=config.warmup)
                report_failures(mode, failures)
                warm_notes.append(
                    f"Warm-up ({config.warmup} s at most per page type), URLs requested: "
                    + ", ".join(f"{page} {warmed[page]:,} of {len(urls[page]):,}" for page in urls)
                    + "."
                )
            cancel_queries(os.environ["DATABASE_URL"])
        for page in measurement_order(urls):
            paths = urls[page]
            # A fresh gunicorn for each page type: requests a slow page leaves queued when
            # wrk stops must not be served during the next page type's measurement.
            with Server(env, log_path) as server:
                request_every_url(server.base, {page: paths[: WORKERS * 2]})  # untimed: loads each worker
                say(f"[{mode}] wrk {page} ({len(paths)} URLs, {config.duration} s) …")
                numbers = run_wrk(wrk, server.base, url_files[page], config.duration)
                if numbers["non_2xx"] and page not in failures:
                    # Name the failing URLs, so the report says which ones to look at.
                    report_failures(mode, request_every_url(server.base, {page: paths}, seconds=60)[0])
                log = server.log_tail(5)
            cancel_queries(os.environ["DATABASE_URL"])
            queries, kilobytes, in_process_ms, _bodies = measured[page]
            row = Row(
                page=page,
                mode=mode,
                urls=len(paths),
                requests=numbers["requests"],
                seconds=numbers["duration_us"] / 1e6,
                p50_ms=numbers["p50_us"] / 1000,
                p99_ms=numbers["p99_us"] / 1000,
                non_2xx=numbers["non_2xx"] + len(failures.get(page, [])),
                socket_errors=sum(numbers[k] for k in ("connect", "read", "write", "timeout")),
                queries=queries,
                kilobytes=kilobytes,
                in_process_ms=in_process_ms,
            )
            rows.append(row)
            say(
                f"    {row.rate:,.0f} req/s, p50 {row.p50_ms:.1f} ms, p99 {row.p99_ms:.1f} ms"
                + (f", {row.non_2xx:,} NOT 2xx" if row.non_2xx else "")
                + (f", {row.socket_errors:,} socket errors (timeouts)" if row.socket_errors else "")
            )
        phases[f"{mode} mode"] = time.monotonic() - mark
        if log.strip():
            say(f"[{mode}] last lines of the gunicorn log:\n{log}")

    export_results = []
    if config.exports:
        from .exports import measure_all

        mark = time.monotonic()
        say("Exports of the whole data set, each in a process of its own …")
        export_results = measure_all({**os.environ, "PYTHONPATH": str(BASE_DIR)})
        for result in export_results:
            say(
                f"    {result['path']}: {result['rows']:,} rows in {result['seconds']:.1f} s "
                f"({result['rows_per_second']:,.0f} rows/s), peak RSS {result['peak_rss_mb']:.0f} MB"
            )
        phases["exports"] = time.monotonic() - mark

    import_results = []
    if config.imports:
        from .database import database_url
        from .imports import measure_all as measure_imports

        mark = time.monotonic()
        say("Imports of the first meetings into empty databases, each in a process of its own …")
        import_results = measure_imports(
            {**os.environ, "PYTHONPATH": str(BASE_DIR)},
            prefix=database_url(config.scale).rsplit("/", 1)[1],
            report=say,
        )
        phases["imports"] = time.monotonic() - mark

    from .admin import measure_admin

    mark = time.monotonic()
    say("Admin pages, signed in, in-process …")
    admin_results = measure_admin()
    for result in admin_results:
        say(f"    {result['label']}: {result['median_ms']:,.0f} ms ({result['queries']} queries)")
    phases["admin"] = time.monotonic() - mark

    phases["total"] = time.monotonic() - started
    load_after = os.getloadavg()
    facts = {
        "Date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "Commit": git_commit(),
        "Data": (
            f"{dataset_facts(config.scale)} (seed {config.seed}; generated once, in {dataset.seconds:.0f} s)"
        ),
        "Machine": machine_facts(),
        "Software": software_facts(wrk),
        "Server": f"gunicorn, {WORKERS} sync workers, DEBUG off, PostgreSQL on the same machine",
        "Load": (
            f"wrk -t{THREADS} -c{CONNECTIONS} -d{config.duration}s per page type and mode, "
            "on the same machine, spread over the URL list (bench/wrk/spread.lua)"
        ),
        "Load average (1 min) before / after": f"{load_before[0]:.2f} / {load_after[0]:.2f}"
        + (
            "" if max(load_before[0], load_after[0]) < 0.5 else " (other work was running: numbers are lower)"
        ),
        "Durations": ", ".join(f"{name} {seconds:.0f} s" for name, seconds in phases.items()),
    }
    notes = [
        "Columns: `URLs` distinct paths the load was spread over (list pages: filter combinations and "
        "page numbers; detail pages: a random sample); `non-2xx` responses outside 200–299 under load plus "
        "URLs that failed the warm-up pass; `queries` SQL queries per page, counted in-process on the "
        f"first {SAMPLE_URLS} URLs (without any cache); `kB` median body size of those; "
        "`in-process ms` median time of one of those requests through Django's test client, "
        "without concurrency; `× fortunes` this rate over the fortunes rate of the same mode "
        "(**slow** below 0.25): fortunes is measured before each page type and again after the last, "
        "and each page's ratio is to the higher of the two fortunes rates measured just before and "
        "just after it.",
        "Modes: `uncached` serves without `REDIS_URL`; `warm` serves with `REDIS_URL` set to a flushed "
        "Redis database, after one request to every URL. Each page type is measured on a freshly "
        "started gunicorn (after a few untimed requests), so requests left queued by a slow page "
        "are not served during the next one. `socket errors` are mostly wrk's 10 s timeouts.",
        f"`static` is a page-sized file ({size / 1024:.1f} kB, the median meeting page) "
        "served by WhiteNoise.",
        *warm_notes,
    ]
    report = format_report(rows, title=f"Benchmark: {config.scale} scale", facts=facts, notes=notes)
    if export_results:
        from .exports import format_table as format_exports

        report += (
            "\n## Exports of the whole data set\n\n"
            "Each download of a whole list, run in a process of its own through Django's test client "
            "(`bench/exports.py`); peak RSS is the process's maximum resident memory, with its size "
            "after start-up in brackets.\n\n" + format_exports(export_results) + "\n"
        )
    if import_results:
        from .imports import commands
        from .report import format_imports

        report += "\n" + format_imports(import_results, commands([r["size"] for r in import_results]))
    from .admin import LIMIT_MS, REPEATS
    from .admin import format_table as format_admin

    report += (
        "\n## Admin pages\n\n"
        f"Signed in as a superuser, through Django's test client, without concurrency (`bench/admin.py`): "
        f"the median and the slowest of {REPEATS} requests after an untimed one; **slow** above "
        f"{LIMIT_MS} ms.\n\n" + format_admin(admin_results)
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report)
    say()
    say(report)
    failed = problems(rows)
    if failed:
        say("!!! SOME REQUESTS FAILED:\n" + "\n".join(failed))
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

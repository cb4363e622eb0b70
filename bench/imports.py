"""Import scaling: seconds per meeting when importing 100 and 1,000 meetings into an empty database.

The first 1,000 meetings of the bench database are exported (``export_meetings --limit``:
files in an order that imports, each complete in itself). Then, for each size, a fresh
PostgreSQL database is created and migrated, and the first N files are imported into it in
a process of its own (``python -m bench.imports --import FILE ...``, which migrates, then
times ``import_meetings`` alone and prints one JSON line). The databases are named after the
bench database (``consensus_bench_large_import_100``) and dropped afterwards.

``python -m bench.imports [--prefix NAME] [--sizes 100,1000]`` runs the whole measurement
against ``DATABASE_URL`` and prints the table.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

from .database import SERVER
from .report import format_imports

SIZES = (100, 1000)


def target_name(prefix, size):
    return f"{prefix}_import_{size}"


def drop_database(name, server=SERVER):
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def recreate_database(name, server=SERVER):
    drop_database(name, server)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')


def export_first(count, out):
    """Export the first ``count`` meetings of the configured database into ``out``. Returns the files."""
    from django.core.management import call_command

    call_command("export_meetings", "--limit", str(count), "--out", str(out), verbosity=0)
    return sorted(Path(out).glob("*.yaml"))


def time_import(paths):
    """In this process, on the configured (empty) database: migrate, then time the import of ``paths``."""
    import django

    django.setup()
    from django.core.management import call_command

    from meetings.models import Meeting

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    call_command("import_meetings", *map(str, paths), verbosity=0)
    seconds = time.perf_counter() - started
    meetings = Meeting.objects.count()
    return {"meetings": meetings, "seconds": seconds, "per_meeting": seconds / meetings}


def measure(environ, files, size, database, server=SERVER):
    """Import the first ``size`` of ``files`` into a fresh database ``database``, in a process of its own."""
    recreate_database(database, server)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.imports", "--import", *map(str, files[:size])],
            env={**environ, "DATABASE_URL": f"{server}/{database}"},
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        drop_database(database, server)
    if done.returncode != 0:
        raise RuntimeError(f"importing {size} meetings failed:\n{done.stderr[-2000:]}")
    return {"size": size, **json.loads(done.stdout.strip().splitlines()[-1])}


def measure_all(environ, prefix, sizes=SIZES, report=print):
    """Export the largest size once, then import each size into a database of its own.

    Sizes larger than the data set are left out; returns one dict per size measured.
    """
    from meetings.models import Meeting

    available = Meeting.objects.count()
    sizes = [size for size in sizes if size <= available]
    if not sizes:
        report(f"    skipped: the data set has {available:,} meetings, too few to measure")
        return []
    with tempfile.TemporaryDirectory(prefix="consensus-bench-import-") as work:
        started = time.perf_counter()
        files = export_first(max(sizes), Path(work) / "export")
        report(f"    exported {len(files):,} meetings in {time.perf_counter() - started:.1f} s")
        results = []
        for size in sizes:
            result = measure(environ, files, size, target_name(prefix, size))
            report(
                f"    {result['meetings']:,} meetings in {result['seconds']:.1f} s "
                f"({result['per_meeting']:.3f} s per meeting)"
            )
            results.append(result)
        return results


def commands(sizes=SIZES):
    """The command lines the measurement runs, for the report."""
    largest = max(sizes)
    lines = [f"python manage.py export_meetings --limit {largest} --out DIR"]
    for size in sizes:
        files = "DIR/*.yaml" if size == largest else f"the first {size} files of DIR/*.yaml"
        lines.append(f"python manage.py migrate; python manage.py import_meetings {files}")
    return lines


def _sizes(text):
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"a comma-separated list of numbers; got {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"sizes of at least 1; got {text!r}")
    return sizes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--import", dest="paths", nargs="+", metavar="FILE", help=argparse.SUPPRESS)
    parser.add_argument("--prefix", help="names of the databases to create: PREFIX_import_SIZE")
    parser.add_argument("--sizes", type=_sizes, default=SIZES, help="meetings to import (default 100,1000)")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    if args.paths:
        print(json.dumps(time_import(args.paths)))
        return 0
    import django

    django.setup()
    from django.db import connection

    prefix = args.prefix or connection.settings_dict["NAME"]
    results = measure_all(dict(os.environ), prefix, args.sizes)
    print(format_imports(results, commands([r["size"] for r in results])))
    return 0


if __name__ == "__main__":
    sys.exit(main())

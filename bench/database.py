"""The bench database: one PostgreSQL database per scale, generated once and reused."""

import time

import psycopg
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

SERVER = "postgres://postgres@127.0.0.1:5432"


def database_url(scale, server=SERVER):
    return f"{server}/consensus_bench_{scale}"


def ensure_database(scale, server=SERVER):
    """Create ``consensus_bench_<scale>`` if it is missing. Returns True when it was created."""
    name = f"consensus_bench_{scale}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        admin.execute(f'CREATE DATABASE "{name}"')
        return True


def ensure_dataset(scale, seed, report=print):
    """Migrate, then generate the synthetic data unless this scale and seed are loaded already.

    Needs Django set up with ``bench.settings`` on the bench database. Returns the
    ``Dataset`` row, whose ``seconds`` says how long the generation took.
    """
    from meetings.synthetic import synthetic_exists

    from .models import Dataset

    call_command("migrate", verbosity=0, interactive=False)
    dataset = Dataset.objects.order_by("-generated_at").first()
    if dataset and (dataset.scale, dataset.seed) == (scale, seed):
        report(
            f"Reusing {dataset}, generated {dataset.generated_at:%Y-%m-%d %H:%M} in {dataset.seconds:.0f} s."
        )
        return dataset
    report(f"Generating the {scale} scale (seed {seed}); this is done once per database.")
    started = time.monotonic()
    args = ["--scale", scale, "--seed", str(seed)]
    if synthetic_exists():
        args.append("--replace")
    call_command("generate_synthetic", *args)
    seconds = time.monotonic() - started
    Dataset.objects.all().delete()
    dataset = Dataset.objects.create(scale=scale, seed=seed, generated_at=timezone.now(), seconds=seconds)
    # Fresh statistics, so the planner sees the tables as they are after a million inserts.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    report(f"Generated in {seconds:.0f} s.")
    return dataset

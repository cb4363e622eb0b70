"""Trigram indexes for the list pages' `q` search, on PostgreSQL only.

The search is `icontains` (see meetings/filters.py SearchFilter), which PostgreSQL runs as
UPPER(column::text) LIKE UPPER('%…%'): a B-tree cannot serve a leading wildcard, a
trigram GIN index on that same expression can (for queries of three characters or more;
pg_trgm hashes CJK characters, so 鎵產業 works as well as gallium). SQLite has no such
index and does not need one at the sizes it is used for, so these run on PostgreSQL only;
being expression indexes, they are kept out of the models' state on purpose.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

SEARCHED = {
    # table: columns searched by the filter of the page named
    "meetings_meeting": ["title", "title_en", "place", "place_en"],  # /meetings/?q=
    "meetings_organization": ["name", "name_en"],  # /companies/?q=, organizer in /meetings/?q=
    "meetings_organizationalias": ["name"],  # /companies/?q=
    "meetings_commitment": ["heading", "body", "heading_en", "body_en"],  # /commitments/?q=
}


def _index_name(table, column):
    return f"{table.removeprefix('meetings_')}_{column}_trgm"[:63]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, columns in SEARCHED.items():
        for column in columns:
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{_index_name(table, column)}" ON "{table}" '
                f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
            )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, columns in SEARCHED.items():
        for column in columns:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{_index_name(table, column)}"')


class Migration(migrations.Migration):

    dependencies = [
        ("meetings", "0003_tracking_rules"),
    ]

    operations = [
        # CreateExtension does nothing on databases other than PostgreSQL.
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]

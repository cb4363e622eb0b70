"""A column of the meetings' and organizations' searched texts, upper-cased and joined, on PostgreSQL only.

A search word of one or two characters is below what the trigram indexes (migration 0004)
serve, so every row is read. Looking for it in each text meant one ``strpos()`` a text and,
for a word with letter case, an ``UPPER()`` of each text of each row at every search. This
column holds ``UPPER(text)`` of the texts the page searches, joined by a line break, kept by
PostgreSQL on every write (``GENERATED ALWAYS … STORED``): one ``strpos()`` a row, nothing
upper-cased at search time (``meetings.lookups.InSearchText``). Like the trigram indexes it is
kept out of the models' state: only the short searches read it, and SQLite has no need of it.

PostgreSQL will not change the type of a column a generated column reads ("cannot alter type
of a column used by a generated column"): a later migration that changes one of these texts'
type, such as a ``max_length``, drops ``search_text`` from that table first and adds it back
after, as ``drop_columns`` and ``add_columns`` do here.
"""

from django.db import migrations

# table: the columns searched by the page's filter (meetings.filters), in order.
SEARCHED = {
    "meetings_meeting": ["title", "title_en", "place", "place_en"],  # /meetings/?q=
    "meetings_organization": ["name", "name_en"],  # /companies/?q=, organizer in /meetings/?q=
    "meetings_organizationalias": ["name"],  # /companies/?q=
}
# Not the commitments: with their bodies in it the column made the commitments' rows twice as
# wide, and the list's short searches, which read rows in the list's order, took 6 % longer.


def generation(columns):
    """The SQL expression of the stored column: each text upper-cased, joined by line breaks."""
    return " || E'\\n' || ".join(f"coalesce(upper(\"{column}\"::text), '')" for column in columns)


def add_columns(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, columns in SEARCHED.items():
        schema_editor.execute(
            f'ALTER TABLE "{table}" ADD COLUMN IF NOT EXISTS "search_text" text '
            f"GENERATED ALWAYS AS ({generation(columns)}) STORED"
        )


def drop_columns(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in SEARCHED:
        schema_editor.execute(f'ALTER TABLE "{table}" DROP COLUMN IF EXISTS "search_text"')


class Migration(migrations.Migration):

    dependencies = [
        ("meetings", "0015_organization_by_province"),
    ]

    operations = [
        migrations.RunPython(add_columns, drop_columns),
    ]

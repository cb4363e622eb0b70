"""An index in the meetings lists' order (newest_first()), on PostgreSQL only.

/meetings/ and the home page sort by COALESCE(held_on, reported_on) DESC NULLS LAST, slug,
and show a page at a time: with this index PostgreSQL reads the first rows in order
instead of sorting every meeting. SQLite cannot index NULLS LAST and does not need to at
the sizes it is used for; being an expression index, it is kept out of the models' state.
"""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'CREATE INDEX IF NOT EXISTS "meeting_newest_first" ON "meetings_meeting" '
            '((COALESCE("held_on", "reported_on")) DESC NULLS LAST, "slug")'
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('DROP INDEX IF EXISTS "meeting_newest_first"')


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0006_evidence_concerns_required"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]

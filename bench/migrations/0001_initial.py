from django.db import migrations, models

# The fortunes floor: twelve rows, as in the TechEmpower "fortunes" test, a few carrying
# markup and non-ASCII text so that escaping and encoding are part of the cost.
MESSAGES = [
    "A bug in the hand is better than one as yet undetected.",
    "Measure twice, optimize once.",
    "<script>alert('this should be escaped');</script>",
    "Any program that runs right is obsolete.",
    "An index is a promise the planner may keep.",
    "Caches are like umbrellas: the day you need one, it is at home.",
    "Premature optimization is the root of all evil.",
    "The count is always slower than the rows.",
    "共識不是結論,而是起點。",
    'Fortune: "quotes" & <ampersands> survive the template.',
    "A list with no limit is a denial of service waiting to happen.",
    "Every page has a floor; this is the floor.",
]


def add_fortunes(apps, schema_editor):
    Fortune = apps.get_model("bench", "Fortune")
    Fortune.objects.bulk_create(Fortune(message=message) for message in MESSAGES)


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Fortune",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("message", models.CharField(max_length=2048)),
            ],
        ),
        migrations.CreateModel(
            name="Dataset",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("scale", models.CharField(max_length=20)),
                ("seed", models.IntegerField()),
                ("generated_at", models.DateTimeField()),
                ("seconds", models.FloatField(help_text="how long generate_synthetic took")),
            ],
        ),
        migrations.RunPython(add_fortunes, migrations.RunPython.noop),
    ]

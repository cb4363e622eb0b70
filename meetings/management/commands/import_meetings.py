from django.core.management.base import BaseCommand, CommandError

from meetings.importing import ImportFailed, import_files


class Command(BaseCommand):
    help = (
        "Import meetings from YAML files (format: docs/import-format.md). Every file is checked "
        "before anything is written, and the files are imported together or not at all. "
        "Safe to run again: an unchanged file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="+",
            metavar="PATH",
            help="YAML files, one meeting each (or shared records without a meeting)",
        )

    def handle(self, *args, paths, verbosity, **options):
        try:
            results = import_files(paths)
        except ImportFailed as failed:
            raise CommandError(str(failed)) from None
        if verbosity:
            for number, result in enumerate(results, start=1):
                prefix = f"[{number}/{len(results)}] " if len(results) > 1 else ""
                self.stdout.write(prefix + result.summary())

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from meetings.exporting import ExportProblem, export_meetings


class Command(BaseCommand):
    help = (
        "Export every meeting (drafts too) and every shared record as import files, one per meeting, "
        "into a new directory. 'import_meetings DIR/*.yaml' into an empty database gives the data back; "
        "the edit history needs a database dump (README.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--out",
            metavar="DIR",
            help="directory to create (default: meetings-export-YYYY-MM-DD in the current directory); "
            "it must not exist or be empty",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="replace an earlier export in DIR (a directory of .yaml files only)",
        )
        parser.add_argument("--every", type=int, default=100, help="a progress line every N meetings")

    def handle(self, *args, out, replace, every, verbosity, **options):
        out = out or f"meetings-export-{timezone.localdate():%Y-%m-%d}"
        progress = (lambda line: self.stderr.write(line)) if verbosity else None
        try:
            result = export_meetings(out, replace=replace, progress=progress, every=max(1, every))
        except ExportProblem as problem:
            raise CommandError(f"{problem}\nNothing was written.") from None
        if verbosity:
            self.stdout.write(result.summary())

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from meetings.exporting import ExportProblem, export_meetings


class Command(BaseCommand):
    help = (
        "Export every meeting (drafts too) and every shared record as import files, one per meeting, "
        "into a new directory (--limit and --published export fewer meetings). "
        "'import_meetings DIR/*.yaml' into an empty database gives the data back; "
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
        parser.add_argument(
            "--limit",
            type=int,
            metavar="N",
            help="only the first N meetings in the files' order (each after the meetings whose points "
            "it reviews, otherwise oldest first), with the shared records they refer to; "
            "no files of records no meeting names",
        )
        parser.add_argument(
            "--published",
            action="store_true",
            help="only the published meetings, with the shared records they refer to; "
            "no files of records no meeting names",
        )
        parser.add_argument("--every", type=int, default=100, help="a progress line every N meetings")

    def handle(self, *args, out, replace, every, limit, published, verbosity, **options):
        if limit is not None and limit < 1:
            raise CommandError(f"--limit must be at least 1; got {limit}. Nothing was written.")
        out = out or f"meetings-export-{timezone.localdate():%Y-%m-%d}"
        progress = (lambda line: self.stderr.write(line)) if verbosity else None
        try:
            result = export_meetings(
                out, replace=replace, progress=progress, every=max(1, every), limit=limit, published=published
            )
        except ExportProblem as problem:
            raise CommandError(f"{problem}\nNothing was written.") from None
        if verbosity:
            self.stdout.write(result.summary())

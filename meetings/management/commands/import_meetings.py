from django.core.management.base import BaseCommand, CommandError

from meetings.importer import ImportProblem, import_meeting, read_import_file


class Command(BaseCommand):
    help = (
        "Import meetings from YAML files (format: docs/import-format.md). Every file is checked "
        "before anything is written; a file with a problem writes nothing. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="YAML files, one meeting each")

    def handle(self, *args, paths, **options):
        parsed, problems = [], []
        for path in paths:
            try:
                parsed.append((path, read_import_file(path)))
            except ImportProblem as problem:
                problems.append(problem)
        if problems:
            raise CommandError(self._report(problems, written=0, total=len(paths)))
        written = 0
        for number, (path, data) in enumerate(parsed, start=1):
            try:
                result = import_meeting(data, label=path.rsplit("/", 1)[-1])
            except ImportProblem as problem:
                problems.append(problem)
                continue
            written += 1
            prefix = f"[{number}/{len(parsed)}] " if len(parsed) > 1 else ""
            self.stdout.write(prefix + result.summary())
        if problems:
            raise CommandError(self._report(problems, written=written, total=len(paths)))

    def _report(self, problems, *, written, total):
        lines = [str(problem) for problem in problems]
        lines.append(
            f"{len(problems)} of {total} file(s) not imported; {written} imported. "
            "A file with a problem writes nothing."
        )
        return "\n".join(lines)

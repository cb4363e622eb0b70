from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meetings.articles import MAX_ARTICLE_BYTES, ArticleError, ArticleTooLarge, draft_article
from meetings.importing import ImportProblem, parse_import_text


class Command(BaseCommand):
    help = (
        "Draft meetings from scraped news articles (.txt or .html; UTF-8, GB18030 or Big5), one YAML "
        "file in the import format per article (docs/import-format.md), by rule and offline. Each "
        "draft is written beside its article (NAME.yaml), into --out DIR, or to standard output "
        "with --out -. A bad file is reported and the others are still drafted; the command "
        f"fails if any file could not be. Articles over {MAX_ARTICLE_BYTES:,} bytes are refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="FILE", help="articles, one meeting each")
        parser.add_argument(
            "--out",
            metavar="DIR",
            help="folder for the drafts (created if missing), or - to print the draft of one article",
        )
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="replace drafts that exist already (they may have been edited)",
        )

    def handle(self, *args, paths, out, overwrite, verbosity, **options):
        to_stdout = out == "-"
        if to_stdout and len(paths) > 1:
            raise CommandError("--out - prints the draft of one article; give one FILE, or a folder")
        folder = Path(out) if out and not to_stdout else None
        if folder:
            folder.mkdir(parents=True, exist_ok=True)
        # With the draft on standard output, the progress lines go to standard error.
        report = self.stderr if to_stdout else self.stdout
        failed, written = 0, set()
        for number, path in enumerate(map(Path, paths), start=1):
            prefix = f"[{number}/{len(paths)}] " if len(paths) > 1 else ""
            try:
                draft = draft_article(_read(path), label=path.name)
                target = None if to_stdout else (folder or path.parent) / f"{path.stem}.yaml"
                if target is not None:
                    _refuse_to_replace(target, written, overwrite)
            except (ArticleError, OSError) as error:
                failed += 1
                self.stderr.write(f"{prefix}{path.name}: {_reason(error)}")
                continue
            if target is None:
                self.stdout.write(draft.yaml, ending="")
            else:
                target.write_text(draft.yaml, encoding="utf-8")
                written.add(target.resolve())
            if verbosity:
                line = (
                    f"{prefix}{path.name}: {draft.summary()} → {target.name if target else 'standard output'}"
                )
                report.write(line + _still_to_do(draft))
        if failed:
            raise CommandError(
                f"{failed} of {len(paths)} file{'s' if len(paths) != 1 else ''} could not be drafted"
            )


def _read(path):
    size = path.stat().st_size
    if size > MAX_ARTICLE_BYTES:
        raise ArticleTooLarge(size)
    return path.read_bytes()


def _refuse_to_replace(target, written, overwrite):
    if target.resolve() in written:
        raise ArticleError(f"{target.name} was written for another article of this run; rename one of them")
    if target.exists() and not overwrite:
        raise ArticleError(
            f"{target} exists already (it may have been edited); use --overwrite to replace it"
        )


def _reason(error):
    if isinstance(error, OSError):
        return f"cannot read the file: {error.strerror or error}"
    return str(error)


def _still_to_do(draft):
    """What keeps the draft from importing as it is, in a few words; '' when it would import."""
    try:
        parse_import_text(draft.yaml.encode("utf-8"), label="draft")
    except ImportProblem as problem:
        return f" (to complete before importing: {'; '.join(problem.problems)})"
    return ""

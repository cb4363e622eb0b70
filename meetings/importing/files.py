"""Importing files: each all or nothing, several together or not at all, and what each changed."""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..models import Meeting
from ..public import deferred
from .reading import ImportProblem, read_import_file
from .recorder import Rejected
from .writer import MeetingWriter

# How the summary names what changed, in the order it lists them: (singular, plural).
_NOUNS = {
    "meeting": ("meeting", "meetings"),
    "meetingseries": ("meeting series", "meeting series"),
    "organization": ("organization", "organizations"),
    "organizationalias": ("organization alias", "organization aliases"),
    "person": ("person", "people"),
    "industry": ("industry", "industries"),
    "participation": ("participant", "participants"),
    "attendance": ("attendance record", "attendance records"),
    "commitment": ("commitment", "commitments"),
    "pledge": ("pledge", "pledges"),
    "source": ("source", "sources"),
    "meetingsource": ("source quote", "source quotes"),
    "actionitem": ("action item", "action items"),
    "evidence": ("evidence entry", "evidence entries"),
    "commitmentreview": ("review", "reviews"),
    "pledgestatus": ("pledge status", "pledge statuses"),
}


def _plural(n, noun):
    singular, plural = _NOUNS[noun]
    return f"{n} {singular if n == 1 else plural}"


@dataclass
class ImportResult:
    """What one file changed: ``counts`` maps (verb, noun) to a number, verbs being
    created, updated and linked."""

    label: str
    meeting: Meeting
    counts: Counter = field(default_factory=Counter)

    @property
    def changed(self):
        return any(self.counts.values())

    def summary(self):
        """One line: 'file: slug: created 1 meeting, 5 commitments; linked 1 source' or 'no changes'."""
        clauses = []
        for verb in ("created", "updated", "linked"):
            items = [_plural(self.counts[verb, noun], noun) for noun in _NOUNS if self.counts[verb, noun]]
            if items:
                clauses.append(f"{verb} " + ", ".join(items))
        subject = self.meeting.slug if self.meeting else "records without a meeting"
        return f"{self.label}: {subject}: " + ("; ".join(clauses) or "no changes")


class ImportFailed(Exception):
    """Some of several files could not be imported, so none was."""

    def __init__(self, problems, *, total):
        self.problems = problems
        bad = len(problems)
        verb = "has a problem" if bad == 1 else "have problems"
        lines = [str(problem) for problem in problems]
        lines.append(f"{bad} of {total} file{'' if total == 1 else 's'} {verb}; nothing was imported.")
        super().__init__("\n".join(lines))


def import_files(paths):
    """Check every file, then import them all in one transaction; all or nothing.

    Returns an ``ImportResult`` per file, or raises ``ImportFailed`` listing every
    file that has a problem. A later file may refer to what an earlier one adds. The
    organizations' derived values are refreshed once, for all the files (``deferred()``).
    """
    parsed, problems = [], []
    for path in paths:
        try:
            parsed.append((Path(path).name, read_import_file(path)))
        except ImportProblem as problem:
            problems.append(problem)
    if problems:
        raise ImportFailed(problems, total=len(paths))
    with deferred():
        results = []
        for label, data in parsed:
            try:
                results.append(import_meeting(data, label=label))
            except ImportProblem as problem:
                problems.append(problem)
        if problems:
            raise ImportFailed(problems, total=len(paths))  # inside atomic(): rolls back every file
    return results


def import_meeting(parsed, *, label):
    """Write one checked ``ImportFile``; all or nothing. Returns an ``ImportResult``.

    The organizations' derived values (``meetings.public``) are refreshed once, when the
    file is written, or, inside another ``deferred()`` block, when that one ends.
    """
    writer = MeetingWriter(parsed, label)
    # parse_import_text has run problems() already; a caller that built the file in code may not have.
    problems = parsed.problems() or writer.check()
    if problems:
        raise ImportProblem(label, problems)
    try:
        with deferred():
            meeting = writer.write()
    except Rejected as rejected:
        raise ImportProblem(label, rejected.problems) from None
    return ImportResult(label, meeting, writer.recorder.counts)

"""Writing a whole export: checks first, then one file per meeting, then the records no meeting names.

Files are named so that the shell's order (``import_meetings DIR/*.yaml``) is an order the
importer can follow: ``0000-shared-records.yaml`` first, then ``0001-<slug>.yaml`` … with a
meeting after every meeting whose points it reviews, otherwise oldest first. Everything is
written into a new directory beside the target and moved into place only when complete, so
an export that fails leaves nothing behind.
"""

import datetime
import heapq
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Count, Exists, OuterRef

from ..importing.reading import MAX_FILE_BYTES
from ..importing.schema import ImportFile
from ..models import (
    CommitmentReview,
    Industry,
    Meeting,
    MeetingSeries,
    Organization,
    OrganizationAlias,
    Person,
    Source,
)
from .documents import (
    ExportProblem,
    MeetingDocument,
    industry_item,
    load_meetings,
    organization_items,
    organizations_with_ancestors,
    person_item,
    referenced_organizations,
    series_item,
    source_item,
    source_order,
)
from .text import dump, text_problems

CHUNK = 20  # meetings loaded together
SHARED_PER_FILE = 2000  # records per file of shared records, to stay far below the import limit
HEADER = (
    "Exported by manage.py export_meetings; the format is docs/import-format.md.\n"
    "Import the whole directory with: python manage.py import_meetings DIR/*.yaml"
)


@dataclass
class ExportResult:
    directory: Path
    files: int = 0
    meetings: int = 0
    counts: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    def summary(self):
        records = sum(self.counts.values())
        return (
            f"Exported {self.meetings:,} meetings to {self.directory}: {self.files:,} files, "
            f"{records:,} records ({self.counts['pledges']:,} pledges, {self.counts['evidence']:,} "
            f"evidence entries) in {self.seconds:.1f} s."
        )


def export_meetings(out, *, replace=False, progress=None, every=100, limit=None, published=False):
    """Export the whole database into the directory ``out``; returns an ``ExportResult``.

    ``out`` must not exist, or be empty, or (with ``replace``) hold only an earlier export's
    ``.yaml`` files, which are replaced. ``published`` exports the published meetings only,
    and ``limit`` the first ``limit`` meetings in the files' order; either leaves out the
    files of records no meeting names, and what is exported still imports into an empty
    database, since each meeting's file holds every shared record it refers to. Raises
    ``ExportProblem``; then nothing is written.
    """
    started = time.monotonic()
    if limit is not None and limit < 1:
        raise ExportProblem([f"the number of meetings to export must be at least 1; got {limit}"])
    out = Path(out)
    _check_target(out, replace)
    problems = ambiguities()
    if problems:
        raise ExportProblem(problems)
    order = meeting_order()
    if published:
        order = published_order(order)
    order = order[:limit]
    whole = limit is None and not published
    width = max(4, len(str(len(order))))
    result = ExportResult(out.resolve())
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.resolve().parent))
    try:
        seen = {
            "organizations": set(),
            "people": set(),
            "industries": set(),
            "series": set(),
            "sources": set(),
        }
        for start in range(0, len(order), CHUNK):
            chunk = load_meetings(order[start : start + CHUNK])
            orgs = organizations_with_ancestors(
                {pk for m in chunk for pk in referenced_organizations(m)},
            )
            for number, meeting in enumerate(chunk, start=start + 1):
                doc = MeetingDocument(meeting, orgs)
                _write(staging / f"{number:0{width}d}-{meeting.slug}.yaml", doc.document, result)
                seen["organizations"] |= doc.organizations
                seen["people"] |= doc.people.keys()
                seen["industries"] |= doc.industries.keys()
                seen["series"] |= doc.series.keys()
                seen["sources"] |= {s.pk for s in doc.sources}
                result.meetings += 1
                if progress and result.meetings % every == 0:
                    progress(
                        f"exported {result.meetings:,}/{len(order):,} meetings "
                        f"({time.monotonic() - started:.1f} s)"
                    )
        for k, document in enumerate(shared_documents(seen) if whole else (), start=1):
            suffix = "" if k == 1 else f"-{k}"
            _write(staging / f"{0:0{width}d}-shared-records{suffix}.yaml", document, result)
        _move_into_place(staging, out, replace)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    result.seconds = time.monotonic() - started
    return result


def _write(path, document, result):
    problems = text_problems(document, "")
    if not problems:
        parsed = ImportFile.model_validate(document)
        problems = parsed.problems()
    text = dump(document, header=HEADER)
    if len(text) > MAX_FILE_BYTES:
        problems.append(f"the file would be {len(text):,} bytes; imports take at most {MAX_FILE_BYTES:,}")
    if problems:
        raise ExportProblem(f"{path.name}: {problem}" for problem in problems)
    path.write_bytes(text)
    result.files += 1
    for section, value in document.items():
        if section == "meeting":
            result.counts["meetings"] += 1
        elif section == "pledges":
            result.counts["pledges"] += sum(len(item["commitments"]) for item in value)
        else:
            result.counts[section] += len(value) if isinstance(value, list) else 1


# -- before writing --------------------------------------------------------------------------


def _check_target(out, replace):
    if out.exists() and not out.is_dir():
        raise ExportProblem([f"{out} is a file, not a directory; choose a directory for the export"])
    if not out.resolve().parent.is_dir():
        raise ExportProblem([f"{out.resolve().parent} does not exist; create it first"])
    if out.is_dir():
        present = sorted(p.name for p in out.iterdir())
        others = [name for name in present if not name.endswith(".yaml") or name.startswith(".")]
        if present and not replace:
            raise ExportProblem(
                [f"{out} is not empty; choose a new directory, or --replace an earlier export"]
            )
        if others:
            raise ExportProblem(
                [
                    f"{out} holds more than an export ({', '.join(others[:3])}); --replace only replaces a "
                    "directory of .yaml files"
                ]
            )


def ambiguities():
    """Records an import could not tell apart, so that it would merge them. Queries."""
    problems = []
    people = Person.objects.values("name").annotate(n=Count("pk")).filter(n__gt=1).order_by("name")
    for row in people:
        problems.append(
            f"{row['n']} people are named {row['name']!r}; imports match people by name, so they would "
            "become one. Merge them, or tell them apart in the name (as the source does), in the admin"
        )
    urls = Source.objects.exclude(url="").values("url").annotate(n=Count("pk")).filter(n__gt=1)
    for row in urls.order_by("url"):
        problems.append(
            f"{row['n']} sources have the URL {row['url']}; imports match sources by URL, so they would "
            "become one. Merge them in the admin"
        )
    unnamed = (
        Source.objects.filter(url="")
        .values("publisher", "title", "published_on")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("publisher", "title")
    )
    for row in unnamed:
        problems.append(
            f"{row['n']} sources without a URL are {row['publisher']!r}, {row['title']!r}, "
            f"{row['published_on']}; imports match such sources by these three, so they would become one"
        )
    clashes = OrganizationAlias.objects.filter(
        Exists(
            Organization.objects.filter(name=OuterRef("name"), parent__isnull=True).exclude(
                pk=OuterRef("organization_id")
            )
        )
    ).select_related("organization")
    for alias in clashes.order_by("name"):
        problems.append(
            f"{alias.name!r}, an alias of {alias.organization.slug!r}, is another organization's name; "
            "imports would take the two for one. Remove the alias in the admin"
        )
    return problems


def meeting_order():
    """Meeting pks in an order the importer can follow. Queries twice.

    A meeting comes after every meeting whose points it reviews; otherwise the oldest
    (by the day held, or else first reported) first, then by slug.
    """
    key = {
        pk: (held_on or reported_on or datetime.date.max, slug)
        for pk, slug, held_on, reported_on in Meeting.objects.values_list(
            "pk", "slug", "held_on", "reported_on"
        )
    }
    needs = {pk: set() for pk in key}
    needed_by = {pk: [] for pk in key}
    for meeting_id, reviewed_id in CommitmentReview.objects.values_list(
        "meeting_id", "commitment__meeting_id"
    ):
        if reviewed_id != meeting_id and reviewed_id not in needs[meeting_id]:
            needs[meeting_id].add(reviewed_id)
            needed_by[reviewed_id].append(meeting_id)
    ready = [(key[pk], pk) for pk, before in needs.items() if not before]
    heapq.heapify(ready)
    order = []
    while ready:
        _, pk = heapq.heappop(ready)
        order.append(pk)
        for later in needed_by[pk]:
            needs[later].discard(pk)
            if not needs[later]:
                heapq.heappush(ready, (key[later], later))
    if len(order) < len(key):
        stuck = sorted(key[pk][1] for pk in key if needs[pk])
        raise ExportProblem(
            [
                "these meetings review each other's points in a loop, so no import order works: "
                + ", ".join(stuck)
            ]
        )
    return order


def published_order(order):
    """The published meetings of ``order``, in that order. Queries twice.

    Raises ``ExportProblem`` when one of them reviews the points of a meeting that is not
    published: its file could not be imported without that meeting's.
    """
    published = set(Meeting.objects.filter(status=Meeting.Status.PUBLISHED).values_list("pk", flat=True))
    reviews = CommitmentReview.objects.filter(meeting__in=published).exclude(
        commitment__meeting__in=published
    )
    stuck = sorted(reviews.values_list("meeting__slug", "commitment__meeting__slug").distinct())
    if stuck:
        raise ExportProblem(
            f"{meeting} reviews the points of {reviewed}, which is not published; export every meeting, "
            "or publish it first"
            for meeting, reviewed in stuck
        )
    return [pk for pk in order if pk in published]


# -- records no meeting names ------------------------------------------------------------------


def shared_documents(seen):
    """Documents without a meeting for the industries, organizations, people, series and sources
    no meeting file names, at most SHARED_PER_FILE records each. Queries."""
    records = []
    for industry in Industry.objects.order_by("slug").iterator():
        if industry.pk not in seen["industries"]:
            records.append(("industries", industry))
    for series in MeetingSeries.objects.order_by("slug").iterator():
        if series.pk not in seen["series"]:
            records.append(("series", series))
    for org in Organization.objects.order_by("slug").only("pk").iterator():
        if org.pk not in seen["organizations"]:
            records.append(("organizations", org.pk))
    for person in Person.objects.order_by("name").iterator():
        if person.pk not in seen["people"]:
            records.append(("people", person))
    for source in Source.objects.iterator():
        if source.pk not in seen["sources"]:
            records.append(("sources", source))
    for start in range(0, len(records), SHARED_PER_FILE):
        yield _shared_document(records[start : start + SHARED_PER_FILE])


def _shared_document(records):
    sections = {"industries": [], "series": [], "organizations": [], "people": [], "sources": []}
    for section, record in records:
        sections[section].append(record)
    org_pks = set(sections["organizations"]) | {s.organizer_id for s in sections["series"] if s.organizer_id}
    orgs = organizations_with_ancestors(org_pks)
    document = {
        "series": [series_item(s, orgs) for s in sections["series"]],
        "industries": [industry_item(i) for i in sections["industries"]],
        "organizations": organization_items(orgs.keys(), orgs),
        "people": [person_item(p) for p in sections["people"]],
        "sources": [source_item(s) for s in sorted(sections["sources"], key=source_order)],
    }
    return {name: value for name, value in document.items() if value}


# -- into place ------------------------------------------------------------------------------


def _move_into_place(staging, out, replace):
    if out.is_dir():
        _check_target(out, replace)  # nothing else appeared in the meantime
        for old in out.glob("*.yaml"):
            old.unlink()
        out.rmdir()
    staging.rename(out)

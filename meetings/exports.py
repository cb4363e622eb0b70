"""CSV and JSON downloads of the public lists, with the same filters and order as the pages.

Each list has its columns defined once (``Column``); the CSV header, the JSON keys and
the JSON Schema served beside the export (``meetings/schemas/``) use the same names.
Rows are produced lazily, a chunk of records at a time, and streamed, so memory stays
flat however long the list.

CSV is written for spreadsheets: UTF-8 with a byte-order mark so that Excel reads the
Chinese text correctly, and text cells that a spreadsheet would run as a formula (those
starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) prefixed with an
apostrophe. JSON carries the values as they are, with ``null`` for what is unknown.
"""

import csv
import json
from collections import defaultdict
from dataclasses import dataclass
from itertools import chain, islice

from django.http import StreamingHttpResponse
from django.utils import timezone

from . import counting
from .models import Evidence
from .partial_dates import format_partial

CHUNK = 1000
# Commitments per chunk of the pledge export: each brings its pledges (ten or so) along.
PLEDGE_CHUNK = 300
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # string, integer, boolean, list, or date (partial: YYYY, YYYY-MM or YYYY-MM-DD)


def _chunks(iterable, size=CHUNK):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _date(value, precision="day"):
    return format_partial(value, precision) or None


# -- meetings ---------------------------------------------------------------------------

MEETING_COLUMNS = [
    Column("meeting_slug", "string"),
    Column("title", "string"),
    Column("title_en", "string"),
    Column("held_on", "date"),
    Column("held_on_precision", "string"),
    Column("date_as_reported", "string"),
    Column("reported_on", "date"),
    Column("place", "string"),
    Column("place_en", "string"),
    Column("organizer_slug", "string"),
    Column("organizer_name", "string"),
    Column("organizer_name_en", "string"),
    Column("industries", "list"),
    Column("commitment_count", "integer"),
    Column("meeting_url", "string"),
]


def _counted(records, count):
    """(record, counts) for each record, ``count`` run once per chunk of record ids."""
    for chunk in _chunks(records.iterator(chunk_size=CHUNK)):
        counts = count([record.pk for record in chunk])
        for record in chunk:
            yield record, counts


def meeting_rows(meetings, absolute):
    """One row per meeting of the filtered list; ``absolute`` makes a path a full URL."""
    for meeting, counts in _counted(meetings, counting.commitment_counts):
        yield _meeting_row(meeting, counts.get(meeting.pk, 0), absolute)


def _meeting_row(meeting, commitment_count, absolute):
    return {
        "meeting_slug": meeting.slug,
        "title": meeting.title,
        "title_en": meeting.title_en,
        "held_on": _date(meeting.held_on, meeting.held_on_precision),
        "held_on_precision": meeting.held_on_precision or None,
        "date_as_reported": meeting.date_as_reported,
        "reported_on": _date(meeting.reported_on),
        "place": meeting.place,
        "place_en": meeting.place_en,
        "organizer_slug": meeting.organizer.slug,
        "organizer_name": meeting.organizer.name,
        "organizer_name_en": meeting.organizer.name_en,
        "industries": sorted(industry.slug for industry in meeting.industries.all()),
        "commitment_count": commitment_count,
        "meeting_url": absolute(meeting.get_absolute_url()),
    }


# -- companies --------------------------------------------------------------------------

COMPANY_COLUMNS = [
    Column("organization_slug", "string"),
    Column("name", "string"),
    Column("name_en", "string"),
    Column("name_en_official", "boolean"),
    Column("province", "string"),
    Column("meeting_count", "integer"),
    Column("pledge_count", "integer"),
    Column("organization_url", "string"),
]


def company_rows(companies, absolute):
    """One row per company, a chunk of companies at a time; the counts are stored on each company."""
    for company in companies.iterator(chunk_size=CHUNK):
        yield _company_row(company, absolute)


def _company_row(company, absolute):
    return {
        "organization_slug": company.slug,
        "name": company.name,
        "name_en": company.name_en,
        "name_en_official": company.name_en_official,
        "province": company.province or None,
        "meeting_count": company.published_meeting_count,
        "pledge_count": company.published_pledge_count,
        "organization_url": absolute(company.get_absolute_url()),
    }


# -- commitments: one row per pledge ----------------------------------------------------

PLEDGE_COLUMNS = [
    Column("meeting_slug", "string"),
    Column("meeting_title", "string"),
    Column("meeting_title_en", "string"),
    Column("meeting_held_on", "date"),
    Column("meeting_held_on_precision", "string"),
    Column("meeting_reported_on", "date"),
    Column("commitment_number", "integer"),
    Column("heading", "string"),
    Column("heading_en", "string"),
    Column("organization_slug", "string"),
    Column("organization_name", "string"),
    Column("organization_name_en", "string"),
    Column("basis", "string"),
    Column("status", "string"),
    Column("latest_evidence_on", "date"),
    Column("meeting_url", "string"),
    Column("commitment_url", "string"),
    Column("organization_url", "string"),
]


def _latest_evidence(commitment_ids):
    """The latest current entry's date for each pledge and each commitment of a chunk.

    Returns (by_commitment, by_pledge), each mapping an id to (observed_on, precision).
    An entry on a commitment or one of its action items concerns every pledge of it.
    """
    entries = (
        Evidence.objects.current()
        .filter(concerns_id__in=commitment_ids)
        .values_list("concerns_id", "pledge_id", "observed_on", "observed_on_precision")
    )
    by_commitment, by_pledge = {}, defaultdict(lambda: None)
    for commitment_id, pledge_id, observed_on, precision in entries:
        if pledge_id is not None:
            if by_pledge[pledge_id] is None or observed_on > by_pledge[pledge_id][0]:
                by_pledge[pledge_id] = (observed_on, precision)
        elif commitment_id not in by_commitment or observed_on > by_commitment[commitment_id][0]:
            by_commitment[commitment_id] = (observed_on, precision)
    return by_commitment, by_pledge


def pledge_rows(commitments, absolute):
    """One row per pledge of each listed commitment, in the list's order.

    ``commitments`` must prefetch ``pledges`` (already narrowed to the chosen companies and
    status) with their organizations. A listed commitment with no such pledge still gets
    one row, with the organization columns empty, so every listed point is in the export.
    """
    organization_urls = {}  # an address per organization, made once: reverse() is slow a million times
    for chunk in _chunks(commitments.iterator(chunk_size=PLEDGE_CHUNK), PLEDGE_CHUNK):
        by_commitment, by_pledge = _latest_evidence([c.pk for c in chunk])
        for commitment in chunk:
            meeting = commitment.meeting
            base = {
                "meeting_slug": meeting.slug,
                "meeting_title": meeting.title,
                "meeting_title_en": meeting.title_en,
                "meeting_held_on": _date(meeting.held_on, meeting.held_on_precision),
                "meeting_held_on_precision": meeting.held_on_precision or None,
                "meeting_reported_on": _date(meeting.reported_on),
                "commitment_number": commitment.number,
                "heading": commitment.heading,
                "heading_en": commitment.heading_en,
            }
            urls = {
                "meeting_url": absolute(meeting.get_absolute_url()),
                "commitment_url": absolute(commitment.get_absolute_url()),
            }
            general = by_commitment.get(commitment.pk)
            pledges = commitment.pledges.all()
            if not pledges:
                yield {
                    **base,
                    **dict.fromkeys(["organization_slug", "organization_name", "organization_name_en"]),
                    **dict.fromkeys(["basis", "status"]),
                    "latest_evidence_on": _date(*general) if general else None,
                    **urls,
                    "organization_url": None,
                }
                continue
            for pledge in pledges:
                organization = pledge.organization
                own = by_pledge[pledge.pk]
                latest = max(filter(None, [own, general]), default=None, key=lambda value: value[0])
                yield {
                    **base,
                    "organization_slug": organization.slug,
                    "organization_name": organization.name,
                    "organization_name_en": organization.name_en,
                    "basis": pledge.basis,
                    "status": pledge.status,
                    "latest_evidence_on": _date(*latest) if latest else None,
                    **urls,
                    "organization_url": organization_urls.get(organization.pk)
                    or organization_urls.setdefault(
                        organization.pk, absolute(organization.get_absolute_url())
                    ),
                }


# -- writing ----------------------------------------------------------------------------


def neutralise(value):
    """A text cell a spreadsheet would evaluate as a formula, made inert with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return neutralise(";".join(value))
    return neutralise(value)


class _Line:
    """A file-like object whose write() returns what it was given, for csv.writer."""

    def write(self, value):
        return value


def csv_chunks(columns, rows):
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow([column.name for column in columns])
    for chunk in _chunks(rows, 200):
        yield "".join(writer.writerow([_csv_cell(row[column.name]) for column in columns]) for row in chunk)


# The header repeats the request's filters: written with <, > and & escaped (as JSON allows),
# so that a hostile filter value is never sent back as markup.
_REFLECTED = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def json_chunks(rows, header):
    """``{...header, "rows": [...]}``, written row by row."""
    fields = [
        f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False).translate(_REFLECTED)}"
        for key, value in header.items()
    ]
    yield "{\n" + "".join(field + ",\n" for field in fields) + ' "rows": ['
    first = True
    for chunk in _chunks(rows, 200):
        text = ",".join("\n  " + json.dumps(row, ensure_ascii=False) for row in chunk)
        yield text if first else "," + text
        first = False
    yield "\n ]\n}\n"


def _started(chunks):
    """``chunks`` with its first two pieces (the head and the first rows) already made.

    The first query then runs before the status line is sent: a database outage is a 503
    page (consensus/outage.py) rather than a 200 whose file is cut short.
    """
    return chain(list(islice(chunks, 2)), chunks)


def download(name, fmt, columns, rows, *, header):
    """A streamed attachment: ``name-YYYY-MM-DD.csv`` or ``.json``."""
    filename = f"{name}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            _started(csv_chunks(columns, rows)), content_type="text/csv; charset=utf-8"
        )
    else:
        response = StreamingHttpResponse(
            _started(json_chunks(rows, header)), content_type="application/json; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

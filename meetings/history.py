"""Corrections to a published meeting's record, read from the edit history for the public.

The public sees what changed and when, never who: editors' names stay in the admin.
"""

import itertools
from dataclasses import dataclass, field

from .models import ActionItem, Attendance, Commitment, Evidence, Meeting, Participation, Pledge

# Bookkeeping, not content: never shown as a correction.
_IGNORED = {"id", "created_at", "updated_at", "recorded_at", "status", "status_as_of", "is_public"}


@dataclass
class Change:
    when: object
    record: str
    fields: list = field(default_factory=list)  # (label, old, new)


def _first_published(meeting):
    first = (
        meeting.history.filter(status=Meeting.Status.PUBLISHED)
        .order_by("history_date")
        .only("history_date")
        .first()
    )
    return first.history_date if first else None


def _show(model_field, value):
    if value in (None, ""):
        return "(empty)"
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    if model_field.is_relation:
        return "another record"
    return str(value)


def _changes(rows, fields, label, since):
    """Diff consecutive history rows of each object; keep changes made after ``since``."""
    by_object = {}
    for row in rows:
        by_object.setdefault(row.id, []).append(row)
    found = []
    for versions in by_object.values():
        versions.sort(key=lambda r: (r.history_date, r.history_id))
        for before, after in itertools.pairwise(versions):
            if after.history_date < since or after.history_type != "~":
                continue
            diffs = [
                (f.verbose_name, _show(f, getattr(before, f.attname)), _show(f, getattr(after, f.attname)))
                for f in fields
                if getattr(before, f.attname) != getattr(after, f.attname)
            ]
            if diffs:
                found.append(Change(after.history_date, label(after), diffs))
    return found


def corrections(meeting):
    """Every change to the meeting's published record, newest first. Runs a fixed number of queries."""
    since = _first_published(meeting)
    if since is None:
        return []

    def fields(model):
        return [f for f in model._meta.concrete_fields if f.name not in _IGNORED]

    def point(row):
        return f"Point {row.number}"

    sources = [
        (meeting.history.all(), Meeting, lambda row: "Meeting"),
        (Commitment.history.filter(meeting_id=meeting.pk), Commitment, point),
        (Participation.history.filter(meeting_id=meeting.pk), Participation, lambda row: "Participant"),
        (Attendance.history.filter(meeting_id=meeting.pk), Attendance, lambda row: "Person at the meeting"),
        (Pledge.history.filter(commitment__meeting_id=meeting.pk), Pledge, lambda row: "Pledge"),
        (
            ActionItem.history.filter(commitment__meeting_id=meeting.pk),
            ActionItem,
            lambda row: f"Action item {row.position}",
        ),
    ]
    found = []
    for rows, model, label in sources:
        found += _changes(list(rows), fields(model), label, since)
    # Evidence is never edited: a correction is a new entry superseding the old one.
    corrected = (
        Evidence.objects.about_meeting(meeting.pk)
        .filter(supersedes__isnull=False, recorded_at__gte=since)
        .select_related("supersedes")
    )
    for entry in corrected:
        old, new = entry.supersedes, entry
        found.append(
            Change(
                entry.recorded_at,
                "Evidence entry corrected",
                [
                    (
                        "entry",
                        f"{old.observed_on_display}: {old.get_verdict_display()}",
                        f"{new.observed_on_display}: {new.get_verdict_display()}",
                    )
                ],
            )
        )
    found.sort(key=lambda c: c.when, reverse=True)
    return found

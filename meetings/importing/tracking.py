"""Writing the tracking sections of a file: action items, evidence and reviews; then the statuses.

Evidence is append-only: an entry already recorded (same subject and occurrence,
date, verdict, source and quote) is matched and left exactly as it is; the importer
never updates or deletes an entry. After writing, in the same transaction, the stored
status of every pledge the file can affect is derived again (``meetings.status``).
"""

from .. import status
from ..models import (
    ActionItem,
    Commitment,
    CommitmentReview,
    Evidence,
    MeetingSeries,
    Pledge,
    Source,
)
from .fields import stored_partial
from .recorder import Rejected


class TrackingWriter:
    def __init__(self, writer):
        self.writer = writer
        self.data = writer.data
        self.recorder = writer.recorder

    # -- checks that need no writes -------------------------------------------------

    def check(self):
        """Problems with the references of the tracking sections. Queries."""
        d = self.data
        numbers = self.writer.commitment_numbers
        problems = []
        for i, a in enumerate(d.action_items):
            if a.commitment not in numbers:
                problems.append(f"action_items[{i}].commitment: there is no commitment number {a.commitment}")
            problem = a.series and self.writer.series_problem(a.series)
            if problem:
                problems.append(f"action_items[{i}].series: {problem}")
        for i, e in enumerate(d.evidence):
            problems += self._check_entry(f"evidence[{i}]", e, numbers)
        for i, r in enumerate(d.reviews):
            ref = r.commitment
            if not Commitment.objects.filter(meeting__slug=ref.meeting, number=ref.number).exists():
                problems.append(
                    f"reviews[{i}].commitment: no commitment number {ref.number} of the meeting "
                    f"{ref.meeting!r} in the database"
                )
            if r.successor is not None and r.successor not in numbers:
                problems.append(f"reviews[{i}].successor: there is no commitment number {r.successor}")
        return problems

    def _check_entry(self, where, entry, numbers):
        about, problems = entry.about, []
        kind = about.given[0]
        number = about.commitment_number
        if number not in numbers:
            field = "about.commitment" if kind == "commitment" else f"about.{kind}.commitment"
            problems.append(f"{where}.{field}: there is no commitment number {number}")
        elif kind == "action_item" and not self._item_known(number, about.action_item.position):
            problems.append(
                f"{where}.about.action_item: commitment {number} has no action item at position "
                f"{about.action_item.position} in this file or the database"
            )
        file_urls = {s.url for s in self.data.sources if s.url}
        if (
            isinstance(entry.source, str)
            and entry.source not in file_urls
            and not Source.objects.filter(url=entry.source).exists()
        ):
            problems.append(
                f"{where}.source: no source with the URL {entry.source!r} in this file's sources "
                "or the database"
            )
        return problems

    def _item_known(self, number, position):
        if any((a.commitment, a.position) == (number, position) for a in self.data.action_items):
            return True
        return ActionItem.objects.filter(
            commitment__meeting__slug=self.data.meeting.slug, commitment__number=number, position=position
        ).exists()

    # -- writing ------------------------------------------------------------------------

    def write(self, meeting, commitments, sources, *, series_before):
        """Write the tracking sections, then refresh the pledges' statuses. Call inside a transaction."""
        self.meeting, self.commitments, self.sources = meeting, commitments, sources
        for i, item in enumerate(self.data.action_items):
            self._write_item(f"action_items[{i}]", item)
        self.entries = {}
        for i in range(len(self.data.evidence)):
            self._write_entry(i)
        reviewed = set()
        for i, review in enumerate(self.data.reviews):
            reviewed.add(self._write_review(f"reviews[{i}]", review).commitment_id)
        # Every pledge of this meeting, of the points it reviews, and of the items kept by
        # the series it belongs to (or belonged to before this import) or that the file
        # declares: an edition held, moved or unpublished changes whether a year's
        # occurrence was met.
        affected = set(meeting.commitments.values_list("pk", flat=True)) | reviewed
        series = {meeting.series_id, series_before}
        series |= set(
            MeetingSeries.objects.filter(slug__in=[s.slug for s in self.data.series]).values_list(
                "pk", flat=True
            )
        )
        affected |= status.commitments_affected_by_series(series)
        self.recorder.counts["updated", "pledgestatus"] += status.refresh_pledge_statuses(affected)

    def _commitment(self, number):
        return self.commitments.get(number) or self.meeting.commitments.get(number=number)

    def _write_item(self, where, item):
        commitment = self._commitment(item.commitment)
        if item.text not in commitment.heading and item.text not in commitment.body:
            raise Rejected(
                [
                    f"{where}.text: {item.text!r} is not word for word in the heading or body of "
                    f"commitment {commitment.number}; copy the words exactly as the commitment has them"
                ]
            )
        values = {
            **item.model_dump(exclude={"commitment", "position", "deadline", "series"}),
            **stored_partial(item.deadline, "deadline"),
            "recurrence": item.recurrence or "",
            "series": MeetingSeries.objects.get(slug=item.series) if item.series else None,
        }
        lookup = {"commitment": commitment, "position": item.position}
        return self.recorder.save(ActionItem, where, lookup, values, item)

    def _write_entry(self, i):
        """Write evidence[i] (after the entry it corrects, which may come later in the file)."""
        if i in self.entries:
            return self.entries[i]
        where, entry = f"evidence[{i}]", self.data.evidence[i]
        lookup = {
            **self._subject(where, entry.about),
            "occurrence": entry.occurrence,
            **entry.observed_on.stored("observed_on"),
            "verdict": entry.verdict,
            "source": self._source(entry.source),
            "quote": entry.quote,
        }
        if entry.supersedes is not None:
            lookup["supersedes"] = self._write_entry(entry.supersedes)
        if entry.recorded_at is not None:
            lookup["recorded_at"] = entry.recorded_at
        found = Evidence.objects.filter(**lookup).order_by("pk").first()
        if found is None:  # evidence is never updated: a recorded entry is left as it is
            values = {**lookup, "summary_en": entry.summary_en, "reason": entry.reason}
            found = self.recorder.create(Evidence, where, values)
            if entry.recorded_at is not None:
                # recorded_at is set on saving (auto_now_add); the file's time replaces the clock's.
                Evidence.objects.filter(pk=found.pk).update(recorded_at=entry.recorded_at)
                found.recorded_at = entry.recorded_at
        self.entries[i] = found
        return found

    def _subject(self, where, about):
        commitment = self._commitment(about.commitment_number)
        if about.commitment is not None:
            return {"commitment": commitment}
        if about.action_item is not None:
            return {"action_item": commitment.action_items.get(position=about.action_item.position)}
        ref = about.pledge.organization
        pledge = Pledge.objects.filter(organization=self.writer.orgs.get(ref), commitment=commitment).first()
        if pledge is None:
            raise Rejected(
                [
                    f"{where}.about.pledge: {ref!r} has not pledged commitment {commitment.number}; "
                    "add the pledge under pledges:"
                ]
            )
        return {"pledge": pledge}

    def _source(self, ref):
        """The source an entry cites: by its position in the file's sources, or by URL."""
        if isinstance(ref, int):
            return self.sources[ref]
        for listed, source in zip(self.data.sources, self.sources, strict=True):
            if listed.url == ref:
                return source
        return Source.objects.filter(url=ref).order_by("pk").first()

    def _write_review(self, where, review):
        ref = review.commitment
        reviewed = Commitment.objects.get(meeting__slug=ref.meeting, number=ref.number)
        values = {
            "outcome": review.outcome,
            "successor": self._commitment(review.successor) if review.successor else None,
            "note_en": review.note_en,
            "quote": review.quote,
        }
        lookup = {"meeting": self.meeting, "commitment": reviewed}
        return self.recorder.save(CommitmentReview, where, lookup, values, review)

"""The tracking sections of an import file: a meeting series, action items, evidence, reviews.

They say what happened after a meeting, or what a later meeting decided about an
earlier one. Action items and evidence refer to the file's own commitments by
number; a review refers to an earlier meeting's commitment by that meeting's slug.
"""

import re
from typing import Annotated

from pydantic import AwareDatetime, Field, PlainValidator

from ..models import ActionItem, CommitmentReview, Evidence, Verdict
from .fields import (
    Number,
    OptionalPartialDate,
    Required,
    RequiredPartialDate,
    Slug,
    Strict,
    Text,
    Year,
    choice,
)

_URL = re.compile(r"^https?://\S+$")


class SeriesIn(Strict):
    slug: Slug
    name: Required = Field(max_length=300)
    name_en: Text = Field("", max_length=300)
    organizer: Text = ""
    notes: Text = ""


class ActionItemIn(Strict):
    commitment: Number
    position: Number
    text: Required
    text_en: Text = ""
    deadline: OptionalPartialDate = None
    recurrence: choice(ActionItem.Recurrence) | None = None
    recurs_from: Year | None = None
    series: Slug | None = None
    checkable: bool = True


class PledgeRef(Strict):
    organization: Required
    commitment: Number


class ItemRef(Strict):
    commitment: Number
    position: Number


class AboutIn(Strict):
    """What an evidence entry is about: exactly one of the three."""

    pledge: PledgeRef | None = None
    commitment: Number | None = None
    action_item: ItemRef | None = None

    @property
    def given(self):
        return [name for name in ("pledge", "commitment", "action_item") if getattr(self, name) is not None]

    @property
    def commitment_number(self):
        """The number of the commitment the entry concerns, directly or through a pledge or item."""
        if self.commitment is not None:
            return self.commitment
        return (self.pledge or self.action_item).commitment


def _source_ref(value):
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and _URL.match(value.strip()):
        return value.strip()
    raise ValueError(
        f"give the source's position in this file's sources list (0 for the first) or its URL; got {value!r}"
    )


SourceRef = Annotated[int | str, PlainValidator(_source_ref)]


class EvidenceIn(Strict):
    about: AboutIn
    occurrence: Year | None = None
    observed_on: RequiredPartialDate
    verdict: choice(Verdict)
    summary_en: Required
    reason: Text = ""
    source: SourceRef
    quote: Required
    # The position (from 0) in this file's evidence of the entry this one corrects.
    supersedes: Annotated[int, Field(ge=0, strict=True)] | None = None
    # When the entry was recorded; the later-recorded of two entries on one day wins.
    # Left out, it is the time of the import, so entries are recorded in file order.
    recorded_at: AwareDatetime | None = None


class ReviewedRef(Strict):
    meeting: Slug
    number: Number


class ReviewIn(Strict):
    commitment: ReviewedRef
    outcome: choice(CommitmentReview.Outcome)
    successor: Number | None = None
    note_en: Text = ""
    quote: Text = ""


def tracking_problems(file):
    """The rules between the fields of the tracking sections, as 'where: what'."""
    return _item_problems(file.action_items) + _evidence_problems(file) + _review_problems(file)


def _item_problems(items):
    problems, seen = [], set()
    for i, item in enumerate(items):
        where = f"action_items[{i}]"
        key = (item.commitment, item.position)
        if key in seen:
            problems.append(
                f"{where}.position: position {item.position} of commitment {item.commitment} "
                "appears more than once"
            )
        seen.add(key)
        if item.recurrence and item.recurs_from is None:
            problems.append(f"{where}.recurs_from: a recurring item needs the first year it is expected")
        if item.recurs_from is not None and not item.recurrence:
            problems.append(
                f"{where}.recurrence: say how often the item recurs (yearly), or leave out recurs_from"
            )
        if item.series and not item.recurrence:
            problems.append(
                f"{where}.series: only a recurring item is kept by the editions of a series; "
                "add recurrence: yearly"
            )
    return problems


def _evidence_problems(file):
    problems, seen, corrected = [], {}, {}
    for i, entry in enumerate(file.evidence):
        where = f"evidence[{i}]"
        if len(entry.about.given) != 1:
            problems.append(
                f"{where}.about: give exactly one of pledge, commitment or action_item"
                + (f"; got {', '.join(entry.about.given)}" if entry.about.given else "")
            )
        if entry.occurrence is not None and entry.about.action_item is None:
            problems.append(f"{where}.occurrence: only an entry about a recurring action item names a year")
        if entry.verdict in Evidence.NEEDS_REASON and not entry.reason:
            problems.append(f"{where}.reason: required when the verdict is {entry.verdict}")
        if isinstance(entry.source, int) and entry.source >= len(file.sources):
            count = len(file.sources)
            problems.append(
                f"{where}.source: there is no sources[{entry.source}]; the file lists "
                f"{count} source{'' if count == 1 else 's'}, counted from 0"
            )
        if entry.supersedes is not None:
            problems += _supersedes_problems(file.evidence, i, entry, corrected)
        key = entry.model_dump_json(exclude={"summary_en", "reason"})
        if key in seen:
            problems.append(f"{where}: the same entry as evidence[{seen[key]}]")
        seen.setdefault(key, i)
    return problems


def _supersedes_problems(entries, i, entry, corrected):
    where, target = f"evidence[{i}].supersedes", entry.supersedes
    if target >= len(entries):
        return [f"{where}: there is no evidence[{target}]; the file lists {len(entries)}, counted from 0"]
    if target == i:
        return [f"{where}: an entry cannot correct itself"]
    if target in corrected:
        return [f"{where}: evidence[{target}] is already corrected by evidence[{corrected[target]}]"]
    corrected[target] = i
    # A chain of corrections must end: evidence[0] correcting [1] correcting [0] is refused.
    seen, step = {i}, target
    while step is not None and step < len(entries):
        if step in seen:
            return [f"{where}: the corrections form a loop"]
        seen.add(step)
        step = entries[step].supersedes
    return []


def _review_problems(file):
    problems, seen = [], {}
    for i, review in enumerate(file.reviews):
        where = f"reviews[{i}]"
        ref = review.commitment
        if file.meeting and ref.meeting == file.meeting.slug:
            problems.append(
                f"{where}.commitment.meeting: a meeting reviews the points of an earlier meeting, not its own"
            )
        if (ref.meeting, ref.number) in seen:
            problems.append(f"{where}.commitment: the same point as reviews[{seen[ref.meeting, ref.number]}]")
        seen.setdefault((ref.meeting, ref.number), i)
        if review.successor is not None and review.outcome == CommitmentReview.Outcome.DROPPED:
            problems.append(f"{where}.successor: a dropped point has no successor")
    return problems

"""How the status of a pledge is derived from evidence: the one place the rule lives.

The rule, applied to each pledge:

1. Entries superseded by a correction are ignored.
2. **Direct evidence** is every entry on the pledge itself and on its commitment (an
   entry on a commitment applies to every organization that pledged it). The latest
   by date wins; on the same date an entry on the pledge beats one on the commitment
   (it is more specific), and then the later-recorded entry wins.
3. **Action items roll up.** Each checkable item takes the verdict of its latest entry.
   A recurring item is never finished: a met occurrence (a fulfilling entry, or a
   published edition of its meeting series that year) counts as "in progress". The
   roll-up is "not met" if any item is not met, "fulfilled" if every checkable item
   is fulfilled, "in progress" if any is fulfilled or in progress, and otherwise says
   nothing. It is dated by its latest entry.
4. The pledge's status is the later of (2) and (3); on the same date, direct evidence wins.
5. With no evidence at all, the status is "no record yet", never "not met".

Separately, a checkable action item whose deadline has passed with no fulfilling
entry is **overdue**. That depends on today's date, so it is computed when shown,
not stored.

Why: the newest dated observation is what a reader would call "the current state";
specificity breaks ties because a statement about one company outranks a general one
made the same day; action items are rolled up rather than read one by one because
"one of three items done" is progress, not fulfilment.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from . import cache as page_cache
from .compiled import compiled_query
from .models import ActionItem, Evidence, Meeting, Pledge, Verdict
from .partial_dates import end_of

V = Verdict


@dataclass(frozen=True)
class Finding:
    """A verdict and the date it rests on."""

    verdict: str
    as_of: datetime.date

    @property
    def label(self):
        return Verdict(self.verdict).label


@dataclass
class Occurrence:
    """One expected occurrence of a recurring action item."""

    year: int
    state: str  # "met", "no_record" or "due"
    evidence: Evidence | None = None
    meeting: Meeting | None = None

    @property
    def label(self):
        return {"met": "met", "no_record": "no record", "due": "due"}[self.state]


@dataclass
class ItemState:
    item: ActionItem
    entries: list = field(default_factory=list)
    finding: Finding | None = None
    overdue: bool = False
    occurrences: list = field(default_factory=list)


def occurrences(item, entries, series_meetings, today):
    """Each expected year of a recurring item up to this year: met, no record, or due."""
    if not item.recurrence:
        return []
    met_by_evidence = {}
    for entry in sorted(entries, key=lambda e: (e.observed_on, e.recorded_at)):
        if entry.occurrence is not None and entry.verdict == V.FULFILLED:
            met_by_evidence[entry.occurrence] = entry
    met_by_meeting = {}
    for meeting in series_meetings:
        date = meeting.known_date
        if date is not None:
            met_by_meeting.setdefault(date.year, meeting)
    result = []
    for year in range(item.recurs_from, today.year + 1):
        if year in met_by_meeting or year in met_by_evidence:
            result.append(Occurrence(year, "met", met_by_evidence.get(year), met_by_meeting.get(year)))
        else:
            result.append(Occurrence(year, "due" if year == today.year else "no_record"))
    return result


def item_state(item, entries, series_meetings, today):
    """The state of one action item from its current entries (and its series' meetings)."""
    state = ItemState(item=item, entries=entries)
    latest = max(entries, key=lambda e: (e.observed_on, e.recorded_at, e.pk), default=None)
    if item.recurrence:
        state.occurrences = occurrences(item, entries, series_meetings, today)
        met_dates = [
            o.meeting.known_date if o.meeting else o.evidence.observed_on
            for o in state.occurrences
            if o.state == "met"
        ]
        if (
            latest is not None
            and latest.verdict in (V.NOT_MET, V.WITHDRAWN)
            and (not met_dates or latest.observed_on >= max(met_dates))
        ):
            state.finding = Finding(latest.verdict, latest.observed_on)
        elif met_dates:
            state.finding = Finding(V.IN_PROGRESS, max(met_dates))
        elif latest is not None:
            state.finding = Finding(latest.verdict, latest.observed_on)
    elif latest is not None:
        state.finding = Finding(latest.verdict, latest.observed_on)
    fulfilled = any(e.verdict == V.FULFILLED for e in entries)
    state.overdue = bool(
        item.checkable
        and item.deadline
        and end_of(item.deadline, item.deadline_precision) < today
        and not fulfilled
    )
    return state


def roll_up(states):
    """One finding from the checkable items' states, or None when they say nothing."""
    checkable = [s for s in states if s.item.checkable]
    found = [s.finding for s in checkable if s.finding is not None]
    if not found:
        return None
    as_of = max(f.as_of for f in found)
    verdicts = [f.verdict for f in found]
    if V.NOT_MET in verdicts:
        return Finding(V.NOT_MET, as_of)
    if len(found) == len(checkable) and all(v == V.FULFILLED for v in verdicts):
        return Finding(V.FULFILLED, as_of)
    if V.FULFILLED in verdicts or V.IN_PROGRESS in verdicts:
        return Finding(V.IN_PROGRESS, as_of)
    return None


def direct_finding(pledge_entries, commitment_entries):
    """The latest entry on the pledge or its commitment; the pledge's own wins a same-day tie."""
    ranked = [(e.observed_on, 1, e.recorded_at, e.pk, e) for e in pledge_entries]
    ranked += [(e.observed_on, 0, e.recorded_at, e.pk, e) for e in commitment_entries]
    if not ranked:
        return None
    entry = max(ranked, key=lambda r: r[:4])[4]
    return Finding(entry.verdict, entry.observed_on)


def pledge_finding(pledge_entries, commitment_entries, states):
    """The status of one pledge by the rule above, as a Finding (None means no record yet)."""
    direct = direct_finding(pledge_entries, commitment_entries)
    rolled = roll_up(states)
    if direct is None:
        return rolled
    if rolled is None or direct.as_of >= rolled.as_of:
        return direct
    return rolled


def _entries(evidence):
    return evidence.select_related("source", "pledge").order_by("-observed_on", "-recorded_at", "-pk")


def _items(items):
    return items.order_by("commitment_id", "position")


@compiled_query(int)
def _entries_of_one(commitment_id):
    return _entries(Evidence.objects.current().filter(concerns_id=commitment_id))


@compiled_query(int)
def _items_of_one(commitment_id):
    return _items(ActionItem.objects.filter(commitment_id=commitment_id))


class Tracking:
    """Everything needed to judge the pledges of some commitments, loaded in three queries."""

    def __init__(self, commitment_ids, *, today=None):
        self.today = today or timezone.localdate()
        ids = list(commitment_ids)
        if len(ids) == 1:  # a commitment's page: the same SQL each time, compiled once
            entries, items = list(_entries_of_one(ids[0])), list(_items_of_one(ids[0]))
        else:
            entries = list(_entries(Evidence.objects.current().filter(concerns_id__in=ids)))
            items = list(_items(ActionItem.objects.filter(commitment_id__in=ids)))
        series_ids = {item.series_id for item in items if item.series_id}
        series_meetings = {}
        if series_ids:
            for meeting in Meeting.objects.published().filter(series_id__in=series_ids):
                series_meetings.setdefault(meeting.series_id, []).append(meeting)
        self.entries = entries
        self.by_pledge, self.by_commitment, by_item = {}, {}, {}
        for entry in entries:
            if entry.pledge_id:
                self.by_pledge.setdefault(entry.pledge_id, []).append(entry)
            elif entry.commitment_id:
                self.by_commitment.setdefault(entry.commitment_id, []).append(entry)
            else:
                by_item.setdefault(entry.action_item_id, []).append(entry)
        self.item_states = {}
        for item in items:
            for entry in by_item.get(item.pk, []):
                entry.action_item = item  # loaded here already: the timeline shows each entry's item
            state = item_state(
                item, by_item.get(item.pk, []), series_meetings.get(item.series_id, []), self.today
            )
            self.item_states.setdefault(item.commitment_id, []).append(state)

    def items(self, commitment_id):
        return self.item_states.get(commitment_id, [])

    def overdue_items(self, commitment_id):
        return [s for s in self.items(commitment_id) if s.overdue]

    def timeline(self, commitment_id):
        """Every current entry about the commitment, its pledges and its items, newest first."""
        item_ids = {s.item.pk for s in self.items(commitment_id)}
        return [
            e
            for e in self.entries
            if e.commitment_id == commitment_id
            or (e.pledge_id and e.pledge.commitment_id == commitment_id)
            or e.action_item_id in item_ids
        ]

    def finding(self, pledge):
        return pledge_finding(
            self.by_pledge.get(pledge.pk, []),
            self.by_commitment.get(pledge.commitment_id, []),
            self.items(pledge.commitment_id),
        )


def refresh_pledge_statuses(commitment_ids):
    """Recompute and store the status of every pledge of these commitments. Queries.

    Call after any write that can change a status: evidence, action items, pledges,
    or a meeting of a series. Returns the number of pledges whose status changed.
    """
    ids = list(commitment_ids)
    tracking = Tracking(ids)
    changed = []
    for pledge in Pledge.objects.filter(commitment_id__in=ids).only(
        "pk", "commitment_id", "status", "status_as_of"
    ):
        finding = tracking.finding(pledge)
        status, as_of = (finding.verdict, finding.as_of) if finding else (V.NO_RECORD, None)
        if (pledge.status, pledge.status_as_of) != (status, as_of):
            pledge.status, pledge.status_as_of = status, as_of
            changed.append(pledge)
    # The status is a stored derivation, not an edit, so it bypasses the edit history.
    Pledge.objects.bulk_update(changed, ["status", "status_as_of"], batch_size=500)
    if changed:
        page_cache.bump_after_commit()  # bulk_update sends no signal
    return len(changed)


def commitments_affected_by_series(series_ids):
    """Commitments whose action items are kept by meetings of these series. Queries."""
    return set(
        ActionItem.objects.filter(series_id__in=[s for s in series_ids if s]).values_list(
            "commitment_id", flat=True
        )
    )

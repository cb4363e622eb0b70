"""The documents of an export: one per meeting with every record it refers to, and the rest.

A meeting's document is an import file (``docs/import-format.md``) that describes the
meeting completely: the organizations (with their parents), people, industries and series
it refers to, and its own records. Inside a document everything is in a fixed order taken
from the records themselves: slugs, numbers, names and dates; the lists whose order the
pages show (participants by role, attendance and the meeting's sources as the source names
them) keep that order, which an import writes back in file order. References to
organizations are slugs, which are unique even where branch names repeat.
"""

import datetime
from collections import defaultdict

from django.db.models import Prefetch

from ..importing.schema import (
    AttendanceIn,
    CommitmentIn,
    MeetingIn,
    OrganizationIn,
    ParticipantIn,
    PersonIn,
    PledgeIn,
    SourceIn,
)
from ..importing.tracking_schema import ActionItemIn, EvidenceIn, ReviewIn, SeriesIn
from ..models import (
    ActionItem,
    Attendance,
    Commitment,
    CommitmentReview,
    Evidence,
    Industry,
    Meeting,
    MeetingSource,
    Organization,
    Participation,
)
from .text import Flow, FlowMap


class ExportProblem(Exception):
    """Records the export cannot write so that an import gives them back; nothing is written."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def _trim(schema, values, keep=()):
    """The values without those equal to the format's default, which an import gives anyway."""
    fields = schema.model_fields
    return {
        name: value
        for name, value in values.items()
        if name in keep or fields[name].is_required() or value != fields[name].default
    }


def _partial(date, precision):
    """A partial date as the format writes it: 2024-05-17, '2024-05' or 2024."""
    if date is None:
        return None
    if precision == "year":
        return date.year
    if precision == "month":
        return f"{date:%Y-%m}"
    return date


def organizations_with_ancestors(pks):
    """{pk: organization} for these and every parent above them, aliases prefetched. Queries."""
    found, wanted = {}, set(pks)
    while wanted:
        batch = Organization.objects.filter(pk__in=wanted).prefetch_related("aliases")
        found.update((org.pk, org) for org in batch)
        wanted = {org.parent_id for org in found.values() if org.parent_id and org.parent_id not in found}
    return found


def _closure(pks, orgs):
    """These organizations' pks and their ancestors', from ``orgs`` (which holds them all)."""
    result, stack = set(), [pk for pk in pks if pk]
    while stack:
        pk = stack.pop()
        if pk not in result:
            result.add(pk)
            if orgs[pk].parent_id:
                stack.append(orgs[pk].parent_id)
    return result


def organization_item(org, orgs):
    return _trim(
        OrganizationIn,
        {
            "name": org.name,
            "name_en": org.name_en,
            "name_en_official": org.name_en_official,
            "slug": org.slug,
            "kind": org.kind,
            "parent": orgs[org.parent_id].slug if org.parent_id else "",
            "province": org.province,
            "aliases": Flow(sorted(alias.name for alias in org.aliases.all())),
            "notes": org.notes,
        },
    )


def organization_items(pks, orgs):
    return [organization_item(orgs[pk], orgs) for pk in sorted(pks, key=lambda pk: orgs[pk].slug)]


def person_item(person):
    return _trim(PersonIn, {"name": person.name, "name_en": person.name_en, "notes": person.notes})


def industry_item(industry):
    return {"slug": industry.slug, "name": industry.name, "name_en": industry.name_en}


def series_item(series, orgs):
    organizer = orgs[series.organizer_id].slug if series.organizer_id else ""
    values = {"slug": series.slug, "name": series.name, "name_en": series.name_en}
    return _trim(SeriesIn, {**values, "organizer": organizer, "notes": series.notes})


def source_item(source, **link):
    values = {
        "publisher": source.publisher,
        "publisher_en": source.publisher_en,
        "title": source.title,
        "title_en": source.title_en,
        "url": source.url,
        "published_on": source.published_on,
        "reprinted_from": source.reprinted_from,
        "reprinted_from_en": source.reprinted_from_en,
        "language": source.language,
        "notes": source.notes,
    }
    return _trim(SourceIn, {**values, **link})


def source_order(source):
    return (source.published_on or datetime.date.min, source.url, source.publisher, source.title)


def load_meetings(pks):
    """The meetings with these pks and all their own records, in the order of ``pks``.

    A fixed number of queries whatever the number of meetings, pledges or entries.
    """
    commitments = Commitment.objects.order_by("number").prefetch_related(
        Prefetch("action_items", queryset=ActionItem.objects.select_related("series").order_by("position")),
        "pledges",
    )
    meetings = (
        Meeting.objects.filter(pk__in=pks)
        .select_related("series")
        .prefetch_related(
            Prefetch("industries", queryset=Industry.objects.order_by("slug")),
            Prefetch("participations", queryset=Participation.objects.order_by("role", "pk")),
            Prefetch("attendances", queryset=Attendance.objects.select_related("person").order_by("pk")),
            Prefetch("commitments", queryset=commitments),
            Prefetch(
                "source_links",
                queryset=MeetingSource.objects.select_related("source").order_by(
                    "source__published_on", "pk"
                ),
            ),
            Prefetch(
                "reviews",
                queryset=CommitmentReview.objects.select_related("commitment__meeting", "successor"),
            ),
        )
    )
    by_pk = {meeting.pk: meeting for meeting in meetings}
    _attach_evidence(by_pk.values())
    return [by_pk[pk] for pk in pks]


def _attach_evidence(meetings):
    """Set ``meeting.entries``: the evidence about each meeting's commitments. Three queries."""
    meeting_of = {c.pk: m for m in meetings for c in m.commitments.all()}
    for m in meetings:
        m.entries = []
    base = Evidence.objects.select_related("source")
    paths = {"commitment": "commitment_id", "pledge": "pledge__commitment_id"}
    paths["action_item"] = "action_item__commitment_id"
    for subject, path in paths.items():
        query = base.filter(**{f"{path}__in": list(meeting_of)})
        if subject != "commitment":
            query = query.select_related(subject)
        for entry in query:
            commitment_id = entry.commitment_id or getattr(entry, subject).commitment_id
            meeting_of[commitment_id].entries.append(entry)


def referenced_organizations(meeting):
    """The pks of the organizations a loaded meeting refers to directly."""
    pks = {meeting.organizer_id}
    pks.update(p.organization_id for p in meeting.participations.all())
    pks.update(a.organization_id for a in meeting.attendances.all() if a.organization_id)
    for c in meeting.commitments.all():
        pks.update(p.organization_id for p in c.pledges.all())
        pks.update(i.series.organizer_id for i in c.action_items.all() if i.series_id)
    if meeting.series_id:
        pks.add(meeting.series.organizer_id)
    pks.discard(None)
    return pks


class MeetingDocument:
    """One meeting's import file as a dict (``document``), and the shared records it names."""

    def __init__(self, meeting, orgs):
        self.meeting, self.orgs = meeting, orgs
        self.organizations = _closure(referenced_organizations(meeting), orgs)
        self.numbers = {c.pk: c.number for c in meeting.commitments.all()}
        self.series = {}
        self.sources = []  # in file order
        self.people = {a.person.pk: a.person for a in meeting.attendances.all()}
        self.industries = {i.pk: i for i in meeting.industries.all()}
        self.document = self._build()

    def slug(self, org_id):
        return self.orgs[org_id].slug if org_id else ""

    def _build(self):
        m = self.meeting
        if m.series_id:
            self.series[m.series_id] = m.series
        items = self._action_items()
        sources = self._sources()
        document = {
            "meeting": self._meeting(),
            "series": [series_item(s, self.orgs) for s in sorted(self.series.values(), key=lambda s: s.slug)],
            "industries": [industry_item(i) for i in self.industries.values()],
            "organizations": organization_items(self.organizations, self.orgs),
            "people": [person_item(p) for p in sorted(self.people.values(), key=lambda p: p.name)],
            "participants": [self._participant(p) for p in m.participations.all()],
            "attendance": [self._attendance(a) for a in m.attendances.all()],
            "commitments": [self._commitment(c) for c in m.commitments.all()],
            "pledges": self._pledges(),
            "sources": sources,
            "action_items": items,
            "evidence": self._evidence(),
            "reviews": self._reviews(),
        }
        if len(document["series"]) == 1:
            document["series"] = document["series"][0]
        return {name: value for name, value in document.items() if value}

    def _meeting(self):
        m = self.meeting
        values = {
            "slug": m.slug,
            "title": m.title,
            "title_en": m.title_en,
            "language": m.language,
            "status": m.status,
            "industries": Flow(i.slug for i in self.industries.values()),
            "organizer": self.slug(m.organizer_id),
            "place": m.place,
            "place_en": m.place_en,
            "held_on": _partial(m.held_on, m.held_on_precision),
            "date_as_reported": m.date_as_reported,
            "date_as_reported_en": m.date_as_reported_en,
            "reported_on": m.reported_on,
            "participant_list_partial": m.participant_list_partial,
            "summary": m.summary,
            "summary_en": m.summary_en,
            "series": m.series.slug if m.series_id else None,
            "edition": m.edition,
        }
        return _trim(MeetingIn, values, keep=("status",))

    def _participant(self, p):
        values = {"organization": self.slug(p.organization_id), "role": p.role}
        values.update(named_in_source=p.named_in_source, quote=p.source_quote)
        return _trim(ParticipantIn, values)

    def _attendance(self, a):
        values = {"person": a.person.name, "organization": self.slug(a.organization_id), "role": a.role}
        values.update(title=a.title, title_en=a.title_en, quote=a.source_quote)
        return _trim(AttendanceIn, values)

    def _commitment(self, c):
        values = {"number": c.number, "heading": c.heading, "body": c.body}
        return _trim(CommitmentIn, {**values, "heading_en": c.heading_en, "body_en": c.body_en})

    def _pledges(self):
        """One item per organization, basis and quote, with the numbers it pledged."""
        groups = defaultdict(list)
        for c in self.meeting.commitments.all():
            for p in c.pledges.all():
                groups[self.slug(p.organization_id), p.basis, p.source_quote].append(c.number)
        items = []
        for (org, basis, quote), numbers in sorted(groups.items(), key=lambda g: (g[0][0], min(g[1]), g[0])):
            values = {"organization": org, "commitments": Flow(sorted(numbers)), "basis": basis}
            items.append(_trim(PledgeIn, {**values, "quote": quote}))
        return items

    def _sources(self):
        """The meeting's own sources as the page lists them, then those only its evidence cites."""
        items, seen = [], set()
        for link in self.meeting.source_links.all():
            items.append(source_item(link.source, quote=link.quote))
            self.sources.append(link.source)
            seen.add(link.source_id)
        cited = {e.source_id: e.source for e in self.meeting.entries if e.source_id not in seen}
        for source in sorted(cited.values(), key=source_order):
            items.append(source_item(source, reports_meeting=False))
            self.sources.append(source)
        self.source_index = {source.pk: index for index, source in enumerate(self.sources)}
        return items

    def _action_items(self):
        items = []
        for c in self.meeting.commitments.all():
            for i in c.action_items.all():
                if i.series_id:
                    self.series[i.series_id] = i.series
                values = {
                    "commitment": c.number,
                    "position": i.position,
                    "text": i.text,
                    "text_en": i.text_en,
                    "deadline": _partial(i.deadline, i.deadline_precision),
                    "recurrence": i.recurrence or None,
                    "recurs_from": i.recurs_from,
                    "series": i.series.slug if i.series_id else None,
                    "checkable": i.checkable,
                }
                items.append(_trim(ActionItemIn, values))
        return items

    def _about(self, entry):
        if entry.commitment_id:
            return FlowMap(commitment=self.numbers[entry.commitment_id])
        if entry.pledge_id:
            pledge = entry.pledge
            ref = {
                "organization": self.slug(pledge.organization_id),
                "commitment": self.numbers[pledge.commitment_id],
            }
            return FlowMap(pledge=FlowMap(ref))
        item = entry.action_item
        return FlowMap(
            action_item=FlowMap(commitment=self.numbers[item.commitment_id], position=item.position)
        )

    def _evidence(self):
        """Entries in the order they were recorded; a correction names the entry it supersedes."""
        rows = []
        for entry in self.meeting.entries:
            about = self._about(entry)
            values = {
                "about": about,
                "occurrence": entry.occurrence,
                "observed_on": _partial(entry.observed_on, entry.observed_on_precision),
                "verdict": entry.verdict,
                "summary_en": entry.summary_en,
                "reason": entry.reason,
                "source": self.source_index[entry.source_id],
                "quote": entry.quote,
            }
            recorded = entry.recorded_at.astimezone(datetime.UTC)
            order = (recorded, repr(sorted(about.items())), entry.observed_on, entry.verdict, entry.quote)
            rows.append((order, entry, values, recorded.isoformat()))
        rows.sort(key=lambda row: row[0])
        position = {entry.pk: index for index, (_, entry, _, _) in enumerate(rows)}
        items = []
        for _, entry, values, recorded in rows:
            if entry.supersedes_id and entry.supersedes_id not in position:
                raise ExportProblem(
                    [f"{self.meeting.slug}: an evidence entry corrects an entry about another meeting"]
                )
            values["supersedes"] = position[entry.supersedes_id] if entry.supersedes_id else None
            values["recorded_at"] = recorded
            items.append(_trim(EvidenceIn, values))
        return items

    def _reviews(self):
        reviews = sorted(
            self.meeting.reviews.all(), key=lambda r: (r.commitment.meeting.slug, r.commitment.number)
        )
        items = []
        for r in reviews:
            values = {
                "commitment": FlowMap(meeting=r.commitment.meeting.slug, number=r.commitment.number),
                "outcome": r.outcome,
                "successor": r.successor.number if r.successor_id else None,
                "note_en": r.note_en,
                "quote": r.quote,
            }
            items.append(_trim(ReviewIn, values))
        return items

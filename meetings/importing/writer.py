"""Writing one checked file: the meeting, its series, people, participants, commitments, pledges, sources.

``check()`` finds every problem that needs the database but no writes; ``write()``
then writes the file (the caller holds the transaction), and hands the tracking
sections to ``tracking.TrackingWriter``. For the meeting's own records the file is
the authority for the fields it writes; a field it leaves out keeps its value.
"""

from ..models import (
    Attendance,
    Commitment,
    Industry,
    Meeting,
    MeetingSeries,
    MeetingSource,
    Participation,
    Person,
    Pledge,
    Source,
)
from .fields import stored_partial
from .organizations import Organizations
from .recorder import Recorder
from .tracking import TrackingWriter


class MeetingWriter:
    def __init__(self, parsed, label):
        self.data = parsed
        self.label = label
        self.recorder = Recorder()
        self.orgs = Organizations(parsed.organizations, self.recorder)
        self.file_people = {person.name: person for person in parsed.people}
        self.resolved_people = {}
        self.tracking = TrackingWriter(self)

    # -- checks that need no writes -------------------------------------------------

    def check(self):
        d = self.data
        problems = []
        refs = [("meeting.organizer", d.meeting.organizer)] if d.meeting else []
        where = "series" if len(d.series) == 1 else "series[{}]"
        refs += [(where.format(i) + ".organizer", s.organizer) for i, s in enumerate(d.series) if s.organizer]
        refs += [(f"organizations[{i}].parent", o.parent) for i, o in enumerate(d.organizations) if o.parent]
        refs += [(f"participants[{i}].organization", p.organization) for i, p in enumerate(d.participants)]
        refs += [
            (f"attendance[{i}].organization", a.organization)
            for i, a in enumerate(d.attendance)
            if a.organization
        ]
        refs += [(f"pledges[{i}].organization", p.organization) for i, p in enumerate(d.pledges)]
        refs += [
            (f"evidence[{i}].about.pledge.organization", e.about.pledge.organization)
            for i, e in enumerate(d.evidence)
            if e.about.pledge
        ]
        identity = {}
        for where, ref in refs:
            problem, identity[where] = self.orgs.identify(ref)
            if problem:
                problems.append(f"{where}: {problem}")
        problems += self.orgs.check_parents()
        problems += self._repeated("participants", identity)
        problems += self._check_people()
        problems += self._check_commitments(identity)
        problems += self._check_series()
        file_industries = {i.slug for i in d.industries}
        for slug in d.meeting.industries if d.meeting else ():
            if slug not in file_industries and not Industry.objects.filter(slug=slug).exists():
                problems.append(f"meeting.industries: no industry {slug!r} in this file or the database")
        problems += self.tracking.check()
        return problems

    def _repeated(self, section, identity):
        """References in ``section`` that name one organization twice, under two names."""
        seen, problems = {}, []
        for where, key in identity.items():
            if key is None or not where.startswith(f"{section}["):
                continue
            if key in seen:
                problems.append(f"{where}: the same organization as {seen[key]}")
            seen.setdefault(key, where)
        return problems

    def _check_people(self):
        problems = []
        listed = [(f"people[{i}]", p.name) for i, p in enumerate(self.data.people)]
        listed += [
            (f"attendance[{i}].person", a.person)
            for i, a in enumerate(self.data.attendance)
            if a.person not in self.file_people
        ]
        for where, name in listed:
            count = Person.objects.filter(name=name).count()
            if count > 1:
                problems.append(f"{where}: {count} people in the database are named {name!r}")
            elif count == 0 and name not in self.file_people:
                problems.append(f"{where}: no person named {name!r} under people: or in the database")
        return problems

    def _check_commitments(self, identity):
        d = self.data
        problems = []
        numbers = {c.number for c in d.commitments}
        pledged = {}
        for i, p in enumerate(d.pledges):
            if p.commitments == "all" and not numbers:
                problems.append(f"pledges[{i}].commitments: 'all', but the file lists no commitments")
            wanted = sorted(numbers) if p.commitments == "all" else p.commitments
            for n in sorted(set(wanted) - self.commitment_numbers):
                problems.append(f"pledges[{i}].commitments: there is no commitment number {n}")
            org = identity[f"pledges[{i}].organization"]
            for n in dict.fromkeys(wanted):
                if org is not None and (org, n) in pledged:
                    problems.append(
                        f"pledges[{i}]: the pledge of {p.organization!r} to commitment {n} "
                        f"is already given in {pledged[org, n]}"
                    )
                pledged.setdefault((org, n), f"pledges[{i}]")
        return problems

    @property
    def commitment_numbers(self):
        """The numbers of the meeting's commitments: the file's and those already recorded. Queries once."""
        if not hasattr(self, "_commitment_numbers"):
            slug = self.data.meeting.slug if self.data.meeting else None
            existing = Commitment.objects.filter(meeting__slug=slug)
            self._commitment_numbers = {c.number for c in self.data.commitments} | set(
                existing.values_list("number", flat=True)
            )
        return self._commitment_numbers

    def series_problem(self, slug):
        """Why ``slug`` names no meeting series, or None when it names one. Queries."""
        if any(s.slug == slug for s in self.data.series) or MeetingSeries.objects.filter(slug=slug).exists():
            return None
        return f"no meeting series {slug!r} in this file's series: or the database"

    def _check_series(self):
        m = self.data.meeting
        if m is None or not m.series:
            return []
        problem = self.series_problem(m.series)
        if problem:
            return [f"meeting.series: {problem}"]
        if m.edition is None:
            return []
        other = Meeting.objects.filter(series__slug=m.series, edition=m.edition).exclude(slug=m.slug).first()
        if other:
            return [f"meeting.edition: edition {m.edition} of {m.series!r} is already {other.slug!r}"]
        return []

    # -- writing ------------------------------------------------------------------------

    def write(self):
        """Write the checked file; returns the meeting (None for a file without one). Call inside a
        transaction."""
        d = self.data
        for i, industry in enumerate(d.industries):
            if not Industry.objects.filter(slug=industry.slug).exists():
                self.recorder.create(Industry, f"industries[{i}]", industry.model_dump())
        self.orgs.write()
        for i, person in enumerate(d.people):
            self.resolved_people[person.name] = self._write_person(i, person)
        for i, series in enumerate(d.series):
            self._write_series("series" if len(d.series) == 1 else f"series[{i}]", series)
        if d.meeting is None:
            self._write_sources(None)
            return None
        before = Meeting.objects.filter(slug=d.meeting.slug).values_list("series_id", flat=True).first()
        meeting = self._write_meeting()
        for i, p in enumerate(d.participants):
            values = {"role": p.role, "named_in_source": p.named_in_source, "source_quote": p.quote}
            lookup = {"meeting": meeting, "organization": self.orgs.get(p.organization)}
            self.recorder.save(Participation, f"participants[{i}]", lookup, values, p)
        for i, a in enumerate(d.attendance):
            values = {
                "organization": self.orgs.get(a.organization) if a.organization else None,
                "role": a.role,
                "title": a.title,
                "title_en": a.title_en,
                "source_quote": a.quote,
            }
            lookup = {"meeting": meeting, "person": self._person(a.person)}
            self.recorder.save(Attendance, f"attendance[{i}]", lookup, values, a)
        commitments = {}
        for i, c in enumerate(d.commitments):
            lookup, values = {"meeting": meeting, "number": c.number}, c.model_dump(exclude={"number"})
            commitments[c.number] = self.recorder.save(Commitment, f"commitments[{i}]", lookup, values, c)
        for i, p in enumerate(d.pledges):
            numbers = sorted(commitments) if p.commitments == "all" else p.commitments
            values = {"basis": p.basis, "source_quote": p.quote}
            for number in dict.fromkeys(numbers):
                commitment = commitments.get(number) or meeting.commitments.get(number=number)
                lookup = {"organization": self.orgs.get(p.organization), "commitment": commitment}
                self.recorder.save(Pledge, f"pledges[{i}]", lookup, values, p)
        sources = self._write_sources(meeting)
        self.tracking.write(meeting, commitments, sources, series_before=before)
        return meeting

    def _write_series(self, where, s):
        organizer = self.orgs.get(s.organizer) if s.organizer else None
        instance = MeetingSeries.objects.filter(slug=s.slug).first()
        if instance is None:
            values = {**s.model_dump(exclude={"organizer"}), "organizer": organizer}
            self.recorder.create(MeetingSeries, where, values)
            return
        # A series is shared by the files of all its editions: only its blanks are filled.
        blanks = {name: getattr(s, name) for name in ("name_en", "notes") if getattr(s, name)}
        blanks = {name: value for name, value in blanks.items() if not getattr(instance, name)}
        if organizer and instance.organizer_id is None:
            blanks["organizer"] = organizer
        if blanks:
            self.recorder.apply(instance, where, blanks)

    def _write_meeting(self):
        m = self.data.meeting
        values = {
            **m.model_dump(exclude={"slug", "industries", "organizer", "held_on", "series"}),
            "organizer": self.orgs.get(m.organizer),
            "series": MeetingSeries.objects.get(slug=m.series) if m.series else None,
            **stored_partial(m.held_on, "held_on"),
        }
        meeting = self.recorder.save(Meeting, "meeting", {"slug": m.slug}, values, m)
        missing = set(Industry.objects.filter(slug__in=m.industries)) - set(meeting.industries.all())
        if missing:
            meeting.industries.add(*missing)
            self.recorder.counts["linked", "industry"] += len(missing)
        return meeting

    def _write_person(self, i, person):
        instance = Person.objects.filter(name=person.name).first()
        if instance is None:
            return self.recorder.create(Person, f"people[{i}]", person.model_dump())
        blanks = {
            name: getattr(person, name)
            for name in ("name_en", "notes")
            if getattr(person, name) and not getattr(instance, name)
        }
        if blanks:
            self.recorder.apply(instance, f"people[{i}]", blanks)
        return instance

    def _person(self, name):
        return self.resolved_people.get(name) or Person.objects.get(name=name)

    def _write_sources(self, meeting):
        """The file's sources, saved and (when they report the meeting) linked; a list in file order."""
        sources = []
        for i, s in enumerate(self.data.sources):
            values = s.model_dump(exclude={"quote", "reports_meeting"})
            lookup = (
                {"url": s.url}
                if s.url
                else {"url": "", "publisher": s.publisher, "title": s.title, "published_on": s.published_on}
            )
            source = self.recorder.save(Source, f"sources[{i}]", lookup, values, s)
            sources.append(source)
            if meeting is None or not s.reports_meeting:
                continue
            link = MeetingSource.objects.filter(meeting=meeting, source=source).first()
            if link is None:
                self.recorder.create(
                    MeetingSource, f"sources[{i}]", {"meeting": meeting, "source": source, "quote": s.quote}
                )
            elif "quote" in s.model_fields_set and link.quote != s.quote:
                self.recorder.apply(link, f"sources[{i}].quote", {"quote": s.quote})
        return sources


def check_meeting(parsed, *, label):
    """Every problem the database would raise for this checked file, without writing. Queries."""
    return MeetingWriter(parsed, label).check()

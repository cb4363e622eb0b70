"""Import meetings from YAML files (the format is in ``import_format.py`` and ``docs/import-format.md``).

A file is read and checked completely before anything is written; then it is
written in one transaction, every record through ``full_clean()``, so a file
with any problem leaves the database as it was. ``import_files`` imports several
files together or not at all.

Importing is idempotent: records are matched (meetings by slug, commitments by
number, organizations by name or alias, people by name) and only changed fields
are saved. It adds and updates, never deletes: what an editor added in the admin
stays. Organizations and people are shared by many meetings, so a matched one is
never overwritten, only its blanks filled; for the meeting's own records, a field
the file leaves out keeps the value it has in the database.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from .import_format import ImportProblem, parse_import_text, read_import_file
from .models import (
    Attendance,
    Commitment,
    Industry,
    Meeting,
    MeetingSource,
    Organization,
    OrganizationAlias,
    Participation,
    Person,
    Pledge,
    Source,
)

__all__ = ["ImportFailed", "ImportProblem", "import_files", "import_meeting", "parse_import_text"]

# How the summary names what changed, in the order it lists them: (singular, plural).
_NOUNS = {
    "meeting": ("meeting", "meetings"),
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
        return f"{self.label}: {self.meeting.slug}: " + ("; ".join(clauses) or "no changes")


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
    file that has a problem. A later file may refer to what an earlier one adds.
    """
    parsed, problems = [], []
    for path in paths:
        try:
            parsed.append((Path(path).name, read_import_file(path)))
        except ImportProblem as problem:
            problems.append(problem)
    if problems:
        raise ImportFailed(problems, total=len(paths))
    with transaction.atomic():
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
    """Write one checked ``ImportFile``; all or nothing. Returns an ``ImportResult``."""
    writer = _Writer(parsed, label)
    problems = writer.check_references()
    if problems:
        raise ImportProblem(label, problems)
    try:
        with transaction.atomic():
            return writer.write()
    except _Rejected as rejected:
        raise ImportProblem(label, rejected.problems) from None


class _Rejected(Exception):
    def __init__(self, problems):
        self.problems = problems


# File fields stored under other names, for telling which model fields a file sets.
_STORED_AS = {"quote": ("source_quote",), "held_on": ("held_on", "held_on_precision")}


class _Writer:
    def __init__(self, parsed, label):
        self.data = parsed
        self.label = label
        self.counts = Counter()
        # Every name, alias and slug of the file's organizations, for references;
        # a branch name may belong to several (one per parent).
        self.file_orgs = {}
        for org in parsed.organizations:
            for key in dict.fromkeys((org.name, org.slug, *org.aliases)):
                self.file_orgs.setdefault(key, []).append(org)
        self.file_people = {person.name: person for person in parsed.people}
        self.resolved_orgs = {}
        self.resolved_people = {}

    # -- checks that need no writes -------------------------------------------------

    def check_references(self):
        d = self.data
        problems = []
        refs = [("meeting.organizer", d.meeting.organizer)]
        refs += [(f"organizations[{i}].parent", o.parent) for i, o in enumerate(d.organizations) if o.parent]
        refs += [(f"participants[{i}].organization", p.organization) for i, p in enumerate(d.participants)]
        refs += [
            (f"attendance[{i}].organization", a.organization)
            for i, a in enumerate(d.attendance)
            if a.organization
        ]
        refs += [(f"pledges[{i}].organization", p.organization) for i, p in enumerate(d.pledges)]
        identity = {}
        for where, ref in refs:
            problem, identity[where] = self._identify(ref)
            if problem:
                problems.append(f"{where}: {problem}")
        problems += self._check_parents()
        problems += self._repeated("participants", identity)
        problems += self._check_people()
        problems += self._check_commitments(identity)
        file_industries = {i.slug for i in d.industries}
        for slug in d.meeting.industries:
            if slug not in file_industries and not Industry.objects.filter(slug=slug).exists():
                problems.append(f"meeting.industries: no industry {slug!r} in this file or the database")
        return problems

    def _identify(self, ref):
        """(problem or None, a key that is equal for two references to one organization)."""
        in_file = self.file_orgs.get(ref, [])
        if len(in_file) > 1:
            return f"{ref!r} names several organizations in this file; use a slug", None
        if in_file:
            return None, ("file", in_file[0].slug)
        found = self._database_orgs(ref)
        if not found:
            return f"no organization named {ref!r} in this file or the database", None
        if len(found) > 1:
            return f"{ref!r} matches several organizations in the database; use a slug", None
        return None, ("database", found[0].pk)

    def _check_parents(self):
        try:
            self.ordered_orgs = self._parents_first()
        except _Rejected as rejected:
            return rejected.problems
        return []

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
        existing = set(
            Commitment.objects.filter(meeting__slug=d.meeting.slug).values_list("number", flat=True)
        )
        pledged = {}
        for i, p in enumerate(d.pledges):
            if p.commitments == "all" and not numbers:
                problems.append(f"pledges[{i}].commitments: 'all', but the file lists no commitments")
            wanted = sorted(numbers) if p.commitments == "all" else p.commitments
            for n in sorted(set(wanted) - numbers - existing):
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

    def _database_orgs(self, ref):
        return list(
            Organization.objects.filter(Q(slug=ref) | Q(name=ref, parent__isnull=True) | Q(aliases__name=ref))
            .distinct()
            .order_by("pk")[:2]
        )

    def _parents_first(self):
        """Organizations ordered so that a parent in the file is written before its branches."""
        pending = list(enumerate(self.data.organizations))
        ordered, done = [], set()
        while pending:
            ready = [
                (i, o)
                for i, o in pending
                if not o.parent
                or len(self.file_orgs.get(o.parent, [])) != 1
                or self.file_orgs[o.parent][0].slug in done
            ]
            if not ready:
                raise _Rejected([f"organizations[{pending[0][0]}].parent: the parents form a loop"])
            done.update(o.slug for _, o in ready)
            ordered += ready
            pending = [item for item in pending if item not in ready]
        return ordered

    # -- writing ------------------------------------------------------------------------

    def write(self):
        d = self.data
        for i, industry in enumerate(d.industries):
            if not Industry.objects.filter(slug=industry.slug).exists():
                self._create(Industry, f"industries[{i}]", industry.model_dump())
        for i, org in self.ordered_orgs:
            self.resolved_orgs[org.slug] = self._write_organization(i, org)
        for i, person in enumerate(d.people):
            self.resolved_people[person.name] = self._write_person(i, person)
        meeting = self._write_meeting()
        for i, p in enumerate(d.participants):
            values = {"role": p.role, "named_in_source": p.named_in_source, "source_quote": p.quote}
            lookup = {"meeting": meeting, "organization": self._org(p.organization)}
            self._save(Participation, f"participants[{i}]", lookup, values, p)
        for i, a in enumerate(d.attendance):
            values = {
                "organization": self._org(a.organization) if a.organization else None,
                "role": a.role,
                "title": a.title,
                "title_en": a.title_en,
                "source_quote": a.quote,
            }
            lookup = {"meeting": meeting, "person": self._person(a.person)}
            self._save(Attendance, f"attendance[{i}]", lookup, values, a)
        commitments = {}
        for i, c in enumerate(d.commitments):
            lookup, values = {"meeting": meeting, "number": c.number}, c.model_dump(exclude={"number"})
            commitments[c.number] = self._save(Commitment, f"commitments[{i}]", lookup, values, c)
        for i, p in enumerate(d.pledges):
            numbers = sorted(commitments) if p.commitments == "all" else p.commitments
            values = {"basis": p.basis, "source_quote": p.quote}
            for number in dict.fromkeys(numbers):
                commitment = commitments.get(number) or meeting.commitments.get(number=number)
                lookup = {"organization": self._org(p.organization), "commitment": commitment}
                self._save(Pledge, f"pledges[{i}]", lookup, values, p)
        for i, s in enumerate(d.sources):
            values = s.model_dump(exclude={"quote"})
            lookup = (
                {"url": s.url}
                if s.url
                else {"url": "", "publisher": s.publisher, "title": s.title, "published_on": s.published_on}
            )
            source = self._save(Source, f"sources[{i}]", lookup, values, s)
            link = MeetingSource.objects.filter(meeting=meeting, source=source).first()
            if link is None:
                self._create(
                    MeetingSource, f"sources[{i}]", {"meeting": meeting, "source": source, "quote": s.quote}
                )
            elif "quote" in s.model_fields_set and link.quote != s.quote:
                self._apply(link, f"sources[{i}].quote", {"quote": s.quote})
        return ImportResult(self.label, meeting, self.counts)

    def _write_meeting(self):
        m = self.data.meeting
        values = {
            **m.model_dump(exclude={"slug", "industries", "organizer", "held_on"}),
            "organizer": self._org(m.organizer),
            "held_on": m.held_on.date if m.held_on else None,
            "held_on_precision": m.held_on.precision if m.held_on else "",
        }
        meeting = self._save(Meeting, "meeting", {"slug": m.slug}, values, m)
        missing = set(Industry.objects.filter(slug__in=m.industries)) - set(meeting.industries.all())
        if missing:
            meeting.industries.add(*missing)
            self.counts["linked", "industry"] += len(missing)
        return meeting

    def _write_organization(self, i, org):
        where = f"organizations[{i}]"
        parent = self._org(org.parent) if org.parent else None
        # A branch name is unique only within its parent, and an alias across all.
        own_name = Q(name=org.name, parent=parent) if parent else Q(name=org.name, parent__isnull=True)
        names = [*org.aliases] if parent else [org.name, *org.aliases]
        found = list(
            Organization.objects.filter(
                own_name | Q(name__in=org.aliases, parent__isnull=True) | Q(aliases__name__in=names)
            )
            .distinct()
            .order_by("pk")[:2]
        )
        if len(found) > 1:
            raise _Rejected([f"{where}: {org.name!r} matches several organizations in the database"])
        if not found:
            clash = Organization.objects.filter(slug=org.slug).first()
            if clash:
                raise _Rejected(
                    [
                        f"{where}.slug: {org.slug!r} belongs to {clash.name!r}, which has none of this "
                        "organization's names; give that organization's name as an alias, or another slug"
                    ]
                )
            return self._with_aliases(
                where,
                self._create(
                    Organization, where, {**org.model_dump(exclude={"aliases", "parent"}), "parent": parent}
                ),
                org.aliases,
            )
        instance = found[0]
        blanks = {}
        if org.name_en and not instance.name_en:
            blanks.update(name_en=org.name_en, name_en_official=org.name_en_official)
        blanks.update(
            {name: getattr(org, name) for name in ("province", "notes") if not getattr(instance, name)}
        )
        blanks = {name: value for name, value in blanks.items() if getattr(instance, name) != value}
        if blanks:
            self._apply(instance, where, blanks)
        # The file's own name becomes an alias, so that other files can refer to it.
        return self._with_aliases(where, instance, names)

    def _with_aliases(self, where, instance, aliases):
        known = {instance.name, *instance.aliases.values_list("name", flat=True)}
        for alias in dict.fromkeys(aliases):
            if alias not in known:
                self._create(OrganizationAlias, f"{where}.aliases", {"organization": instance, "name": alias})
        return instance

    def _write_person(self, i, person):
        instance = Person.objects.filter(name=person.name).first()
        if instance is None:
            return self._create(Person, f"people[{i}]", person.model_dump())
        blanks = {
            name: getattr(person, name)
            for name in ("name_en", "notes")
            if getattr(person, name) and not getattr(instance, name)
        }
        if blanks:
            self._apply(instance, f"people[{i}]", blanks)
        return instance

    def _org(self, ref):
        if ref in self.file_orgs:
            return self.resolved_orgs[self.file_orgs[ref][0].slug]
        return self._database_orgs(ref)[0]

    def _person(self, name):
        return self.resolved_people.get(name) or Person.objects.get(name=name)

    # -- the upsert primitives ----------------------------------------------------------

    def _save(self, model, where, lookup, values, item):
        """Create from ``lookup`` and ``values``, or update the fields that ``item`` (a part of
        the file) sets explicitly and that differ."""
        instance = model.objects.filter(**lookup).order_by("pk").first()
        if instance is None:
            return self._create(model, where, {**lookup, **values})
        given = {stored for name in item.model_fields_set for stored in _STORED_AS.get(name, (name,))}
        changed = {
            name: values[name] for name in given & values.keys() if getattr(instance, name) != values[name]
        }
        if changed:
            self._apply(instance, where, changed)
        return instance

    def _create(self, model, where, values):
        instance = model(**values)
        self._clean_and_save(instance, where)
        # A new meeting-source link reads as "linked 1 source"; an update changes its quote.
        key = ("linked", "source") if model is MeetingSource else ("created", model._meta.model_name)
        self.counts[key] += 1
        return instance

    def _apply(self, instance, where, values):
        for name, value in values.items():
            setattr(instance, name, value)
        self._clean_and_save(instance, where)
        self.counts["updated", instance._meta.model_name] += 1

    def _clean_and_save(self, instance, where):
        try:
            instance.full_clean()
        except ValidationError as error:
            raise _Rejected(
                [
                    f"{where}.{name}: {message}" if name != "__all__" else f"{where}: {message}"
                    for name, messages in error.message_dict.items()
                    for message in messages
                ]
            ) from None
        instance.save()

"""Import meetings from YAML files (the format is in ``import_format.py`` and ``docs/import-format.md``).

A file is read and checked completely before anything is written; then it is
written in one transaction, every record through ``full_clean()``, so a file
with any problem leaves the database as it was. Importing is idempotent:
records are matched (meetings by slug, commitments by number, organizations by
name, alias or slug, people by name) and only changed fields are saved. It adds
and updates, never deletes: what an editor added in the admin stays.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from pydantic import ValidationError as SchemaError

from .import_format import ImportFile
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

MAX_FILE_BYTES = 2 * 1024 * 1024


class ImportProblem(Exception):
    """A file that cannot be imported; ``problems`` lists every reason as 'where: what'."""

    def __init__(self, label, problems):
        self.label = label
        self.problems = list(problems)
        super().__init__("\n".join(f"{label}: {problem}" for problem in self.problems))


class _NoAliasLoader(yaml.SafeLoader):
    """Safe YAML without anchors and aliases, which no import file needs and which
    let a few lines expand into gigabytes ("billion laughs")."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                problem="anchors and aliases (*name) are not allowed in import files",
                problem_mark=event.start_mark,
            )
        return super().compose_node(parent, index)


def read_import_file(path):
    """Read and check one file; return the parsed ``ImportFile`` or raise ``ImportProblem``."""
    path = Path(path)
    label = path.name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImportProblem(label, [f"the file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}"])
        raw = path.read_bytes()
    except OSError as error:
        raise ImportProblem(label, [f"cannot read the file: {error.strerror or error}"]) from None
    return parse_import_text(raw, label=label)


def parse_import_text(raw, *, label):
    """Parse the bytes of an import file; raise ``ImportProblem`` naming every problem."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportProblem(
            label, [f"the file is not UTF-8 text (byte {error.start:,} cannot be read); save it as UTF-8"]
        ) from None
    try:
        data = yaml.load(text, Loader=_NoAliasLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "YAML"
        reason = getattr(error, "problem", None) or str(error)
        raise ImportProblem(label, [f"{where}: not valid YAML: {reason}"]) from None
    except RecursionError:
        raise ImportProblem(label, ["the YAML is nested too deeply"]) from None
    if not isinstance(data, dict):
        raise ImportProblem(label, ["the file must be a YAML mapping with a 'meeting:' section"])
    try:
        return ImportFile.model_validate(data)
    except SchemaError as error:
        raise ImportProblem(label, [_describe(e) for e in error.errors()]) from None


def _describe(error):
    where = ".".join(f"[{part}]" if isinstance(part, int) else str(part) for part in error["loc"])
    where = where.replace(".[", "[")
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown field (check its spelling in docs/import-format.md)"
    elif error["type"] == "literal_error":
        message = f"{message}; got {error['input']!r}"
    return f"{where}: {message}" if where else message


@dataclass
class ImportResult:
    label: str
    meeting: Meeting
    counts: Counter = field(default_factory=Counter)

    def summary(self):
        changes = [f"{n} {what}" for what, n in sorted(self.counts.items()) if n]
        return f"{self.label}: {self.meeting.slug}: " + (", ".join(changes) if changes else "no changes")


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


class _Writer:
    def __init__(self, parsed, label):
        self.data = parsed
        self.label = label
        self.counts = Counter()
        # Every name, alias and slug of the file's organizations, for references.
        self.file_orgs = {}
        for org in parsed.organizations:
            for key in (org.name, org.slug, *org.aliases):
                self.file_orgs.setdefault(key, org)
        self.file_people = {person.name: person for person in parsed.people}
        self.resolved_orgs = {}

    # -- checks that need no writes -------------------------------------------------

    def check_references(self):
        problems = []
        d = self.data
        refs = [("meeting.organizer", d.meeting.organizer)]
        refs += [(f"participants[{i}].organization", p.organization) for i, p in enumerate(d.participants)]
        refs += [
            (f"attendance[{i}].organization", a.organization)
            for i, a in enumerate(d.attendance)
            if a.organization
        ]
        refs += [(f"pledges[{i}].organization", p.organization) for i, p in enumerate(d.pledges)]
        refs += [(f"organizations[{i}].parent", o.parent) for i, o in enumerate(d.organizations) if o.parent]
        for where, ref in refs:
            if ref not in self.file_orgs:
                found = self._database_orgs(ref)
                if not found:
                    problems.append(f"{where}: no organization named {ref!r} in this file or the database")
                elif len(found) > 1:
                    problems.append(f"{where}: {ref!r} matches several organizations; use a slug")
        for i, a in enumerate(d.attendance):
            if a.person not in self.file_people and Person.objects.filter(name=a.person).count() != 1:
                problems.append(f"attendance[{i}].person: {a.person!r} is not among the file's people")
        numbers = {c.number for c in d.commitments}
        existing = set(
            Commitment.objects.filter(meeting__slug=d.meeting.slug).values_list("number", flat=True)
        )
        for i, p in enumerate(d.pledges):
            if p.commitments != "all":
                for n in sorted(set(p.commitments) - numbers - existing):
                    problems.append(f"pledges[{i}].commitments: there is no commitment number {n}")
        file_industries = {i.slug for i in d.industries}
        for slug in d.meeting.industries:
            if slug not in file_industries and not Industry.objects.filter(slug=slug).exists():
                problems.append(f"meeting.industries: no industry {slug!r} in this file or the database")
        return problems

    def _database_orgs(self, ref):
        return list(
            Organization.objects.filter(
                Q(slug=ref) | Q(name=ref, parent__isnull=True) | Q(aliases__name=ref)
            ).distinct()[:2]
        )

    # -- writing ------------------------------------------------------------------------

    def write(self):
        d = self.data
        for i, industry in enumerate(d.industries):
            self._get_or_create(Industry, f"industries[{i}]", {"slug": industry.slug}, industry.model_dump())
        for i, org in self._parents_first():
            self._write_organization(i, org)
        meeting = self._save(
            Meeting,
            "meeting",
            {"slug": d.meeting.slug},
            {
                **d.meeting.model_dump(exclude={"slug", "industries", "organizer", "held_on"}),
                "organizer": self._org(d.meeting.organizer),
                "held_on": d.meeting.held_on.date if d.meeting.held_on else None,
                "held_on_precision": d.meeting.held_on.precision if d.meeting.held_on else "",
            },
        )
        missing = set(Industry.objects.filter(slug__in=d.meeting.industries)) - set(meeting.industries.all())
        if missing:
            meeting.industries.add(*missing)
            self.counts["industries linked"] += len(missing)
        for i, p in enumerate(d.participants):
            self._save(
                Participation,
                f"participants[{i}]",
                {"meeting": meeting, "organization": self._org(p.organization)},
                {"role": p.role, "named_in_source": p.named_in_source, "source_quote": p.quote},
            )
        for i, a in enumerate(d.attendance):
            self._save(
                Attendance,
                f"attendance[{i}]",
                {"meeting": meeting, "person": self._person(i, a.person)},
                {
                    "organization": self._org(a.organization) if a.organization else None,
                    "role": a.role,
                    "title": a.title,
                    "title_en": a.title_en,
                    "source_quote": a.quote,
                },
            )
        commitments = {}
        for i, c in enumerate(d.commitments):
            commitments[c.number] = self._save(
                Commitment,
                f"commitments[{i}]",
                {"meeting": meeting, "number": c.number},
                c.model_dump(exclude={"number"}),
            )
        for i, p in enumerate(d.pledges):
            numbers = sorted(commitments) if p.commitments == "all" else p.commitments
            for number in numbers:
                commitment = commitments.get(number) or meeting.commitments.get(number=number)
                self._save(
                    Pledge,
                    f"pledges[{i}]",
                    {"organization": self._org(p.organization), "commitment": commitment},
                    {"basis": p.basis, "source_quote": p.quote},
                )
        for i, s in enumerate(d.sources):
            values = s.model_dump(exclude={"quote"})
            lookup = (
                {"url": s.url}
                if s.url
                else {"url": "", "publisher": s.publisher, "title": s.title, "published_on": s.published_on}
            )
            source = self._save(Source, f"sources[{i}]", lookup, values)
            self._save(
                MeetingSource, f"sources[{i}]", {"meeting": meeting, "source": source}, {"quote": s.quote}
            )
        return ImportResult(self.label, meeting, self.counts)

    def _parents_first(self):
        """Organizations ordered so that a parent in the file is written before its branches."""
        pending = list(enumerate(self.data.organizations))
        ordered, done = [], set()
        while pending:
            ready = [
                (i, o)
                for i, o in pending
                if not o.parent or o.parent not in self.file_orgs or id(self.file_orgs[o.parent]) in done
            ]
            if not ready:
                raise _Rejected([f"organizations[{pending[0][0]}].parent: the parents form a loop"])
            for i, o in ready:
                done.add(id(o))
                ordered.append((i, o))
            pending = [item for item in pending if item not in ready]
        return ordered

    def _write_organization(self, i, org):
        where = f"organizations[{i}]"
        parent = self._org(org.parent) if org.parent else None
        names = [org.name, *org.aliases]
        same_name = (
            Q(name__in=names, parent__isnull=True) if parent is None else Q(name=org.name, parent=parent)
        )
        found = list(Organization.objects.filter(same_name | Q(aliases__name__in=names)).distinct()[:2])
        if len(found) > 1:
            raise _Rejected([f"{where}: {org.name!r} matches several organizations in the database"])
        if found:
            instance = found[0]
            # Existing organizations are matched, never overwritten: only blanks are filled.
            blanks = {
                name: value
                for name, value in (
                    ("name_en", org.name_en),
                    ("province", org.province),
                    ("notes", org.notes),
                )
                if value and not getattr(instance, name)
            }
            if blanks:
                self._apply(instance, where, blanks)
        else:
            instance = self._create(
                Organization, where, {**org.model_dump(exclude={"aliases", "parent"}), "parent": parent}
            )
        known = {instance.name, *instance.aliases.values_list("name", flat=True)}
        for alias in org.aliases:
            if alias not in known:
                self._create(OrganizationAlias, f"{where}.aliases", {"organization": instance, "name": alias})
        self.resolved_orgs[id(org)] = instance

    def _org(self, ref):
        if ref in self.file_orgs:
            return self.resolved_orgs[id(self.file_orgs[ref])]
        return self._database_orgs(ref)[0]

    def _person(self, i, name):
        if name not in self.file_people:
            return Person.objects.get(name=name)
        person = self.file_people[name]
        return self._save(
            Person, f"attendance[{i}].person", {"name": name}, person.model_dump(exclude={"name"})
        )

    # -- the upsert primitives ----------------------------------------------------------

    def _save(self, model, where, lookup, values):
        instance = model.objects.filter(**lookup).first()
        if instance is None:
            return self._create(model, where, {**lookup, **values})
        changed = {name: value for name, value in values.items() if getattr(instance, name) != value}
        if changed:
            self._apply(instance, where, changed)
        return instance

    def _get_or_create(self, model, where, lookup, values):
        instance = model.objects.filter(**lookup).first()
        return instance or self._create(model, where, values)

    def _create(self, model, where, values):
        instance = model(**values)
        self._clean_and_save(instance, where)
        self.counts[f"{model._meta.verbose_name_plural} created"] += 1
        return instance

    def _apply(self, instance, where, values):
        for name, value in values.items():
            setattr(instance, name, value)
        self._clean_and_save(instance, where)
        self.counts[f"{instance._meta.verbose_name_plural} updated"] += 1

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

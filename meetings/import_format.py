"""The shape of a meeting import file, checked before anything is written.

One YAML file describes one meeting with everything it needs: the organizations,
people and industries it mentions, who took part, the numbered commitments, the
pledges and the sources. The format is documented in ``docs/import-format.md``;
the pydantic models below are its single definition, and unknown keys are
refused so that a typo in a hand-edited file is reported, not ignored.

``read_import_file`` reads a file and checks it against them; every problem is
reported as "file: where: what", where is a path into the file such as
``commitments[2].number``.
"""

import datetime
import difflib
import re
import types
import typing
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic import ValidationError as SchemaError

from .models import Attendance, Meeting, Organization, Participation, Pledge
from .provinces import Province

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SLUG = re.compile(r"^[-a-z0-9]+$")


def _undamaged(text):
    """Refuse characters that only scraping or a wrong encoding puts into a text."""
    for position, char in enumerate(text, start=1):
        if char == "\ufffd" or "\ue000" <= char <= "\uf8ff":
            kind = "the replacement character" if char == "\ufffd" else "a private-use character"
            raise ValueError(
                f"character {position} is {kind} U+{ord(char):04X}, a sign of a damaged copy; "
                "write the text as the source prints it"
            )
    return text


def _slug(text):
    if not _SLUG.match(text):
        raise ValueError(f"use only lowercase letters a-z, digits and hyphens; got {text!r}")
    return text


Text = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_undamaged)]
Required = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_undamaged)]
Slug = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120), AfterValidator(_slug)]


def choice(choices, *extra):
    """A Literal over a TextChoices' values, so errors list what is allowed."""
    return Literal[(*choices.values, *extra)]


def _full_date(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        raise ValueError("give a date (YYYY-MM-DD), not a date and time")
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    if not _FULL_DATE.match(text):
        raise ValueError(f"write the date as YYYY-MM-DD; got {text!r}")
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise ValueError(f"{text!r} is not a real date ({error})") from None


FullDate = Annotated[datetime.date | None, BeforeValidator(_full_date)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PartialDate(BaseModel):
    """A date known to the day, the month or only the year."""

    date: datetime.date
    precision: str

    @classmethod
    def parse(cls, value):
        if isinstance(value, datetime.datetime):
            raise ValueError("give a date (YYYY-MM-DD), not a date and time")
        if isinstance(value, datetime.date):
            return cls(date=value, precision="day")
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise ValueError(f"write the date as YYYY, YYYY-MM or YYYY-MM-DD; got {value!r}")
        text = str(value).strip()
        match = _PARTIAL_DATE.match(text)
        if not match:
            raise ValueError(f"write the date as YYYY, YYYY-MM or YYYY-MM-DD; got {text!r}")
        year, month, day = (int(part) if part else None for part in match.groups())
        try:
            date = datetime.date(year, month or 1, day or 1)
        except ValueError as error:
            raise ValueError(f"{text!r} is not a real date ({error})") from None
        return cls(date=date, precision="day" if day else "month" if month else "year")


def _commitment_numbers(value):
    """``all``, one number, or a list of numbers from 1."""
    if value == "all":
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value]
    if (
        isinstance(value, list)
        and value
        and all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in value)
    ):
        return value
    raise ValueError(f"write all, or a list of commitment numbers such as [1, 2]; got {value!r}")


class IndustryIn(Strict):
    slug: Slug
    name: Required = Field(max_length=100)
    name_en: Required = Field(max_length=100)


class OrganizationIn(Strict):
    name: Required = Field(max_length=200)
    name_en: Text = Field("", max_length=200)
    name_en_official: bool = False
    slug: Slug
    kind: choice(Organization.Kind)
    parent: Text = ""
    province: choice(Province, "") = ""
    aliases: list[Annotated[Required, Field(max_length=200)]] = []
    notes: Text = ""


class PersonIn(Strict):
    name: Required = Field(max_length=100)
    name_en: Text = Field("", max_length=100)
    notes: Text = ""


class ParticipantIn(Strict):
    organization: Required
    role: choice(Participation.Role) = Participation.Role.PARTICIPANT.value
    named_in_source: bool = True
    quote: Text = ""


class AttendanceIn(Strict):
    person: Required
    organization: Text = ""
    role: choice(Attendance.Role) = Attendance.Role.ATTENDEE.value
    title: Text = Field("", max_length=300)
    title_en: Text = Field("", max_length=300)
    quote: Text = ""


class CommitmentIn(Strict):
    number: int = Field(ge=1, le=999, strict=True)
    heading: Required
    body: Text = ""
    heading_en: Text = ""
    body_en: Text = ""


class PledgeIn(Strict):
    organization: Required
    commitments: Annotated[Literal["all"] | list[int], BeforeValidator(_commitment_numbers)]
    basis: choice(Pledge.Basis) = Pledge.Basis.PARTICIPATION.value
    quote: Text = ""


class SourceIn(Strict):
    publisher: Required = Field(max_length=200)
    publisher_en: Text = Field("", max_length=200)
    title: Required = Field(max_length=300)
    title_en: Text = Field("", max_length=300)
    url: Text = Field("", max_length=500, pattern=r"^(https?://\S+)?$")
    published_on: FullDate = None
    reprinted_from: Text = Field("", max_length=200)
    reprinted_from_en: Text = Field("", max_length=200)
    language: Required = Field("zh-Hant", max_length=20)
    notes: Text = ""
    quote: Text = ""


class MeetingIn(Strict):
    slug: Slug
    title: Required = Field(max_length=300)
    title_en: Required = Field(max_length=300)
    language: Required = Field("zh-Hant", max_length=20)
    status: choice(Meeting.Status) = Meeting.Status.DRAFT.value
    industries: list[Slug] = []
    organizer: Required
    place: Text = Field("", max_length=200)
    place_en: Text = Field("", max_length=200)
    held_on: PartialDate | None = None
    date_as_reported: Text = Field("", max_length=100)
    date_as_reported_en: Text = Field("", max_length=100)
    reported_on: FullDate = None
    participant_list_partial: bool = False
    summary: Text = ""
    summary_en: Text = ""

    @field_validator("held_on", mode="before")
    @classmethod
    def _partial_date(cls, value):
        return None if value in (None, "") else PartialDate.parse(value)


class ImportFile(Strict):
    meeting: MeetingIn
    industries: list[IndustryIn] = []
    organizations: list[OrganizationIn] = []
    people: list[PersonIn] = []
    participants: list[ParticipantIn] = []
    attendance: list[AttendanceIn] = []
    commitments: list[CommitmentIn] = []
    pledges: list[PledgeIn] = []
    sources: list[SourceIn] = []

    @model_validator(mode="after")
    def _no_duplicates(self):
        _unique([c.number for c in self.commitments], "commitments", "number")
        _unique([o.slug for o in self.organizations], "organizations", "slug")
        _unique([(o.parent, o.name) for o in self.organizations], "organizations", "name")
        _unique([p.organization for p in self.participants], "participants", "organization")
        _unique([a.person for a in self.attendance], "attendance", "person")
        _unique([p.name for p in self.people], "people", "name")
        _unique([i.slug for i in self.industries], "industries", "slug")
        _no_shared_names(self.organizations)
        return self


def _unique(values, section, field):
    seen = set()
    for index, value in enumerate(values):
        if value in seen:
            shown = value[1] if isinstance(value, tuple) else value
            raise ValueError(f"{section}[{index}].{field}: {shown!r} appears more than once")
        seen.add(value)


def _no_shared_names(organizations):
    """A top-level name or an alias names one organization of the file, not two.

    Branch names may repeat under different parents ("輕金屬部"), as in the database.
    """
    owner = {}
    for index, org in enumerate(organizations):
        names = [("aliases", alias) for alias in dict.fromkeys(org.aliases)]
        if not org.parent:
            names.insert(0, ("name", org.name))
        for field, name in names:
            other = owner.setdefault(name, index)
            if other != index:
                raise ValueError(
                    f"organizations[{index}].{field}: {name!r} already names organizations[{other}]"
                )


# -- reading and checking a file -----------------------------------------------------

MAX_FILE_BYTES = 2 * 1024 * 1024


class ImportProblem(Exception):
    """A file that cannot be imported; ``problems`` lists every reason as 'where: what'."""

    def __init__(self, label, problems):
        self.label = label
        self.problems = list(problems)
        super().__init__("\n".join(f"{label}: {problem}" for problem in self.problems))


class _Refused(yaml.MarkedYAMLError):
    """Valid YAML that import files may not use."""


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML without anchors, aliases or repeated keys.

    No import file needs anchors and aliases, and they let a few lines expand into
    gigabytes ("billion laughs"); a repeated key would silently drop a value.
    """

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused(
                problem="anchors (&name) and aliases (*name) are not allowed in import files",
                problem_mark=event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    raise _Refused(
                        problem=f"the key {key_node.value!r} appears twice in the same section",
                        problem_mark=key_node.start_mark,
                    )
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node):
        # PyYAML raises a bare ValueError for 2023-13-01; keep the text so that the
        # field's own check reports it with its path.
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _StrictLoader.construct_yaml_timestamp)


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
    if len(raw) > MAX_FILE_BYTES:
        raise ImportProblem(label, [f"the file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}"])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ImportProblem(
            label, [f"line {line}: the file is not UTF-8 text (byte {error.start + 1:,}); save it as UTF-8"]
        ) from None
    try:
        data = yaml.load(text, Loader=_StrictLoader)
    except _Refused as error:
        raise ImportProblem(label, [f"{_where(error)}: {error.problem}"]) from None
    except yaml.YAMLError as error:
        reason = getattr(error, "problem", None) or str(error)
        raise ImportProblem(label, [f"{_where(error)}: not valid YAML: {reason}"]) from None
    except RecursionError:
        raise ImportProblem(label, ["the YAML is nested too deeply"]) from None
    if data is None:
        raise ImportProblem(label, ["the file is empty; it needs at least a 'meeting:' section"])
    if not isinstance(data, dict):
        raise ImportProblem(
            label, [f"the file must be a YAML mapping with a 'meeting:' section, not a {_kind(data)}"]
        )
    try:
        return ImportFile.model_validate(data)
    except SchemaError as error:
        raise ImportProblem(label, [_describe(e) for e in error.errors()]) from None


def _where(error):
    mark = getattr(error, "problem_mark", None)
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark else "YAML"


def _kind(value):
    return "list" if isinstance(value, list) else "single value"


_MESSAGES = {
    "missing": "required field is missing",
    "model_type": "should be a section of 'field: value' lines",
    "model_attributes_type": "should be a section of 'field: value' lines",
    "list_type": "should be a list ('- ' items, or [a, b])",
}


def _describe(error):
    loc = error["loc"]
    where = ".".join(f"[{part}]" if isinstance(part, int) else str(part) for part in loc)
    where = where.replace(".[", "[")
    kind = error["type"]
    message = _MESSAGES.get(kind) or error["msg"].removeprefix("Value error, ")
    if kind == "extra_forbidden":
        message = "unknown field" + _suggestion(loc)
    elif kind != "value_error" and isinstance(error["input"], str | int | float | bool | datetime.date):
        shown = repr(error["input"])
        message += f"; got {shown if len(shown) <= 60 else shown[:57] + '...'}"
    return f"{where}: {message}" if where else message


def _suggestion(loc):
    """'; did you mean ...?' for a misspelt field, from the fields allowed where it stands."""
    model = ImportFile
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if part not in model.model_fields:
            return ""
        annotation = model.model_fields[part].annotation
        while typing.get_origin(annotation) in (list, types.UnionType, typing.Union, Annotated):
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return ""
        model = annotation
    close = difflib.get_close_matches(str(loc[-1]), list(model.model_fields), n=1)
    if close:
        return f"; did you mean {close[0]!r}? (the fields are listed in docs/import-format.md)"
    return " (the fields are listed in docs/import-format.md)"

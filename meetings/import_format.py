"""The shape of a meeting import file, checked before anything is written.

One YAML file describes one meeting with everything it needs: the organizations,
people and industries it mentions, who took part, the numbered commitments, the
pledges and the sources. The format is documented in ``docs/import-format.md``;
the pydantic models below are its single definition, and unknown keys are
refused so that a typo in a hand-edited file is reported, not ignored.
"""

import datetime
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from .models import Attendance, Meeting, Organization, Participation, Pledge
from .provinces import Province

Text = Annotated[str, StringConstraints(strip_whitespace=True)]
Required = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=r"^[-a-z0-9]+$", max_length=120)]

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def choice(choices):
    """A Literal over a TextChoices' values, so errors list what is allowed."""
    return Literal[tuple(choices.values)]


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
            return cls(date=value, precision=Meeting.DatePrecision.DAY)
        text = str(value).strip()
        match = _PARTIAL_DATE.match(text)
        if not match:
            raise ValueError(f"write the date as YYYY, YYYY-MM or YYYY-MM-DD; got {text!r}")
        year, month, day = (int(part) if part else None for part in match.groups())
        try:
            date = datetime.date(year, month or 1, day or 1)
        except ValueError as error:
            raise ValueError(f"{text!r} is not a real date ({error})") from None
        precision = "day" if day else "month" if month else "year"
        return cls(date=date, precision=precision)


class IndustryIn(Strict):
    slug: Slug
    name: Required
    name_en: Required


class OrganizationIn(Strict):
    name: Required = Field(max_length=200)
    name_en: Text = Field("", max_length=200)
    name_en_official: bool = False
    slug: Slug
    kind: choice(Organization.Kind)
    parent: Text = ""
    province: choice(Province) | Literal[""] = ""
    aliases: list[Required] = []
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
    commitments: Literal["all"] | list[Annotated[int, Field(ge=1, strict=True)]]
    basis: choice(Pledge.Basis) = Pledge.Basis.PARTICIPATION.value
    quote: Text = ""


class SourceIn(Strict):
    publisher: Required = Field(max_length=200)
    publisher_en: Text = Field("", max_length=200)
    title: Required = Field(max_length=300)
    title_en: Text = Field("", max_length=300)
    url: Text = Field("", max_length=500, pattern=r"^(https?://\S+)?$")
    published_on: datetime.date | None = None
    reprinted_from: Text = ""
    reprinted_from_en: Text = ""
    language: Required = "zh-Hant"
    notes: Text = ""
    quote: Text = ""

    @field_validator("published_on", mode="before")
    @classmethod
    def _full_date(cls, value):
        if isinstance(value, datetime.datetime):
            raise ValueError("give a date (YYYY-MM-DD), not a date and time")
        return value


class MeetingIn(Strict):
    slug: Slug
    title: Required = Field(max_length=300)
    title_en: Required = Field(max_length=300)
    language: Required = "zh-Hant"
    status: choice(Meeting.Status) = Meeting.Status.DRAFT.value
    industries: list[Slug] = []
    organizer: Required
    place: Text = ""
    place_en: Text = ""
    held_on: PartialDate | None = None
    date_as_reported: Text = ""
    date_as_reported_en: Text = ""
    reported_on: datetime.date | None = None
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
        return self


def _unique(values, section, field):
    seen = set()
    for index, value in enumerate(values):
        if value in seen:
            shown = value[1] if isinstance(value, tuple) else value
            raise ValueError(f"{section}[{index}].{field}: {shown!r} appears more than once")
        seen.add(value)

"""The shape of a meeting import file: its sections and fields, and the rules between them.

One YAML file describes one meeting with everything it needs: the organizations,
people and industries it mentions, who took part, the numbered commitments, the
pledges and the sources, and what is tracked after the meeting (``tracking_schema``).
The format is documented in ``docs/import-format.md``; the pydantic models here are
its single definition, and unknown keys are refused so that a typo in a hand-edited
file is reported, not ignored.

Rules that need no database are ``ImportFile.problems()``; each problem names its
place in the file, such as ``commitments[2].number``.
"""

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from ..models import Attendance, Meeting, Organization, Participation, Pledge
from ..provinces import Province
from .fields import (
    URL_PATTERN,
    FullDate,
    Number,
    OptionalPartialDate,
    Required,
    Slug,
    Strict,
    Text,
    choice,
    unique,
)
from .tracking_schema import ActionItemIn, EvidenceIn, ReviewIn, SeriesIn, tracking_problems


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
    number: Number
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
    url: Text = Field("", max_length=500, pattern=URL_PATTERN)
    published_on: FullDate = None
    reprinted_from: Text = Field("", max_length=200)
    reprinted_from_en: Text = Field("", max_length=200)
    language: Required = Field("zh-Hant", max_length=20)
    notes: Text = ""
    # False for a later report that only evidence entries cite: it is not one of the
    # meeting's own sources, so it is not listed as reporting the meeting.
    reports_meeting: bool = True
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
    held_on: OptionalPartialDate = None
    date_as_reported: Text = Field("", max_length=100)
    date_as_reported_en: Text = Field("", max_length=100)
    reported_on: FullDate = None
    participant_list_partial: bool = False
    summary: Text = ""
    summary_en: Text = ""
    series: Slug | None = None
    edition: int | None = Field(None, ge=1, le=32767, strict=True)


def _one_or_a_list(value):
    """A single mapping is a list of one: most files declare one series."""
    return [value] if isinstance(value, dict) else value


# The sections a file without a ``meeting`` may hold: records shared by many meetings.
SHARED_SECTIONS = ("industries", "organizations", "people", "series", "sources")


class ImportFile(Strict):
    # Without a meeting, a file holds only shared records (SHARED_SECTIONS), such as an
    # organization no meeting refers to yet; export_meetings writes such a file.
    meeting: MeetingIn | None = None
    series: Annotated[list[SeriesIn], BeforeValidator(_one_or_a_list)] = []
    industries: list[IndustryIn] = []
    organizations: list[OrganizationIn] = []
    people: list[PersonIn] = []
    participants: list[ParticipantIn] = []
    attendance: list[AttendanceIn] = []
    commitments: list[CommitmentIn] = []
    pledges: list[PledgeIn] = []
    sources: list[SourceIn] = []
    action_items: list[ActionItemIn] = []
    evidence: list[EvidenceIn] = []
    reviews: list[ReviewIn] = []

    def problems(self):
        """Every rule between fields that the database is not needed for, as 'where: what'."""
        problems = []
        if self.meeting is None:
            problems += [
                f"{name}: only a file with a meeting: section can have {name}"
                for name in type(self).model_fields
                if name not in ("meeting", *SHARED_SECTIONS) and getattr(self, name)
            ]
            if not any(getattr(self, name) for name in SHARED_SECTIONS):
                problems.append("meeting: required field is missing")
            problems += [
                f"sources[{i}].quote: a file without a meeting has no quotes for its sources"
                for i, source in enumerate(self.sources)
                if source.quote
            ]
        problems += unique([c.number for c in self.commitments], "commitments", "number")
        problems += unique([s.slug for s in self.series], "series", "slug")
        problems += unique([o.slug for o in self.organizations], "organizations", "slug")
        problems += unique([(o.parent, o.name) for o in self.organizations], "organizations", "name")
        problems += unique([p.organization for p in self.participants], "participants", "organization")
        problems += unique([a.person for a in self.attendance], "attendance", "person")
        problems += unique([p.name for p in self.people], "people", "name")
        problems += unique([i.slug for i in self.industries], "industries", "slug")
        problems += _shared_names(self.organizations)
        if self.meeting and self.meeting.edition is not None and not self.meeting.series:
            problems.append("meeting.edition: an edition needs meeting.series, the series it belongs to")
        for i, source in enumerate(self.sources):
            if not source.reports_meeting and source.quote:
                problems.append(
                    f"sources[{i}].quote: a source that does not report the meeting has no quote here; "
                    "quote it in the evidence entries that cite it"
                )
        problems += tracking_problems(self)
        return problems


def _shared_names(organizations):
    """A top-level name or an alias names one organization of the file, not two.

    Branch names may repeat under different parents ("輕金屬部"), as in the database.
    """
    owner, problems = {}, []
    for index, org in enumerate(organizations):
        names = [("aliases", alias) for alias in dict.fromkeys(org.aliases)]
        if not org.parent:
            names.insert(0, ("name", org.name))
        for field, name in names:
            other = owner.setdefault(name, index)
            if other != index:
                problems.append(
                    f"organizations[{index}].{field}: {name!r} already names organizations[{other}]"
                )
    return problems

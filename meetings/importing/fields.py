"""The kinds of value an import file holds (checked text, slugs, dates, years, choices), and
``unique`` for values that may not repeat.

Each check raises ``ValueError`` with a message for the person who wrote the file;
``reading.describe`` puts the path of the field in front of it.
"""

import datetime
import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SLUG = re.compile(r"^[-a-z0-9]+$")
URL_PATTERN = r"^(https?://\S+)?$"


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
# A whole number written without quotes: YAML's 3, not "3" or true.
Number = Annotated[int, Field(ge=1, le=999, strict=True)]
Year = Annotated[int, Field(ge=1900, le=2100, strict=True)]


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
        if isinstance(value, cls):
            return value
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

    def stored(self, field):
        """The two model fields this date is stored in: ``{field: date, field_precision: precision}``."""
        return {field: self.date, f"{field}_precision": self.precision}


def _partial_or_none(value):
    return None if value in (None, "") else PartialDate.parse(value)


# YYYY, YYYY-MM or YYYY-MM-DD; empty or null when unknown.
OptionalPartialDate = Annotated[PartialDate | None, BeforeValidator(_partial_or_none)]
RequiredPartialDate = Annotated[PartialDate, BeforeValidator(PartialDate.parse)]


def stored_partial(date, field):
    """The model fields for an optional partial date: both empty when it is unknown."""
    return date.stored(field) if date else {field: None, f"{field}_precision": ""}


def unique(values, section, field):
    """'section[i].field: value appears more than once' for each repeated value."""
    seen, problems = set(), []
    for index, value in enumerate(values):
        if value in seen:
            shown = value[1] if isinstance(value, tuple) else value
            problems.append(f"{section}[{index}].{field}: {shown!r} appears more than once")
        seen.add(value)
    return problems

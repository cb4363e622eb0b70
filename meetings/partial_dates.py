"""Dates known only to the month or the year, as sources often give them.

A partial date is stored as two fields: a ``DateField`` holding the first day of the
period (1 May 2024 for "May 2024") and a precision. An unknown date is empty, never
guessed.
"""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language


class DatePrecision(models.TextChoices):
    DAY = "day", "day"
    MONTH = "month", "month"
    YEAR = "year", "year"


def precision_field(date_field, **kwargs):
    kwargs.setdefault("help_text", f"How much of the {date_field.replace('_', ' ')} the sources give.")
    return models.CharField(max_length=5, choices=DatePrecision.choices, blank=True, **kwargs)


def precision_constraint(date_field, name):
    """A date needs its precision and a precision needs a date, in the database."""
    precision = f"{date_field}_precision"
    return models.CheckConstraint(
        condition=(Q(**{f"{date_field}__isnull": True}) & Q(**{precision: ""}))
        | (Q(**{f"{date_field}__isnull": False}) & ~Q(**{precision: ""})),
        name=name,
        violation_error_message="A date needs its precision, and a precision needs a date.",
    )


def format_partial(date, precision):
    """'2024', '2024-05' or '2024-05-07'; '' when the date is unknown."""
    if date is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{date:%Y}"
    if precision == DatePrecision.MONTH:
        return f"{date:%Y-%m}"
    return date.isoformat()


def end_of(date, precision):
    """The last day a partial date covers: 31 May 2024 for 'May 2024'."""
    if precision == DatePrecision.YEAR:
        return datetime.date(date.year, 12, 31)
    if precision == DatePrecision.MONTH:
        return date.replace(day=calendar.monthrange(date.year, date.month)[1])
    return date


def validate_partial(date, precision, field):
    """Raise ValidationError on ``field`` unless the date and precision fit together."""
    if date is None:
        if precision:
            raise ValidationError({field: "A precision needs a date."})
        return
    if not precision:
        raise ValidationError({f"{field}_precision": "Say how much of the date the sources give."})
    if precision == DatePrecision.MONTH and date.day != 1:
        raise ValidationError({field: "For a month-precision date, enter the first day of the month."})
    if precision == DatePrecision.YEAR and (date.month, date.day) != (1, 1):
        raise ValidationError({field: "For a year-precision date, enter 1 January of that year."})


def local_partial(value):
    """'2024-05' as '2024年5月' on Chinese pages; unchanged (ISO) on English ones.

    Only the visible text: ``datetime=`` attributes keep the ISO form.
    """
    if not value or not (get_language() or "").startswith("zh"):
        return value
    parts = str(value).split("-")
    if not all(part.isdigit() for part in parts) or len(parts) > 3:
        return value
    units = "年月日"[: len(parts)]
    return "".join(f"{part if i == 0 else int(part)}{units[i]}" for i, part in enumerate(parts))

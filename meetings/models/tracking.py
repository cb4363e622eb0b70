"""What happened after a meeting: action items, sourced evidence, series of meetings, reviews.

Evidence is append-only: an entry is never edited or deleted on the public record; a
correction is a new entry that supersedes the old one. The status of a pledge is
derived from evidence by ``meetings.status`` and never typed by hand.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..partial_dates import DatePrecision, format_partial, precision_constraint, validate_partial
from .commitments import Commitment, Pledge, Verdict
from .meetings import Meeting, Source
from .organizations import Organization


class MeetingSeries(models.Model):
    """A recurring meeting, such as the annual gallium industry-chain symposium."""

    slug = models.SlugField(unique=True, max_length=120)
    name = models.CharField("name (original)", max_length=300)
    name_en = models.CharField("name (English)", max_length=300, blank=True)
    organizer = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="series_convened"
    )
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name_en", "name"]
        verbose_name_plural = "meeting series"

    def __str__(self):
        return self.name_en or self.name


class ActionItemQuerySet(models.QuerySet):
    def overdue(self, today):
        """Checkable items whose deadline period ended before ``today`` with no current fulfilling entry.

        A deadline of "May 2024" (month precision) passes only when May is over; the
        same rule as ``partial_dates.end_of`` and ``status.item_state``, in SQL.
        """
        return self.overdue_before(*self.overdue_bounds(today))

    @staticmethod
    def overdue_bounds(today):
        """The dates a deadline of day, month and year precision must fall before to have passed."""
        return today, today.replace(day=1), today.replace(month=1, day=1)

    def overdue_before(self, day, month, year):
        """``overdue(today)`` given its bounds (``overdue_bounds(today)``).

        For a query compiled once (``meetings.compiled``), which takes each date as it is given.
        """
        passed = (
            Q(deadline_precision=DatePrecision.DAY, deadline__lt=day)
            | Q(deadline_precision=DatePrecision.MONTH, deadline__lt=month)
            | Q(deadline_precision=DatePrecision.YEAR, deadline__lt=year)
        )
        fulfilled = Evidence.objects.current().filter(action_item=OuterRef("pk"), verdict=Verdict.FULFILLED)
        return self.filter(passed, checkable=True).exclude(Exists(fulfilled))


class ActionItem(models.Model):
    """A concrete, checkable part of a commitment: "hold a symposium every year"."""

    class Recurrence(models.TextChoices):
        YEARLY = "yearly", _("every year")

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="action_items")
    position = models.PositiveSmallIntegerField(help_text="Order within the commitment, from 1.")
    text = models.TextField("text (original)", help_text="The words of the commitment this item rests on.")
    text_en = models.TextField("text (English)", blank=True)
    deadline = models.DateField(null=True, blank=True, help_text="Only when the source sets one.")
    deadline_precision = models.CharField(max_length=5, choices=DatePrecision.choices, blank=True)
    recurrence = models.CharField(max_length=10, choices=Recurrence.choices, blank=True)
    recurs_from = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The first year an occurrence is expected."
    )
    series = models.ForeignKey(
        MeetingSeries,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
        help_text="For an item kept by holding a meeting: a published edition of this series "
        "in a year fulfils that year's occurrence.",
    )
    checkable = models.BooleanField(
        default=True, help_text="Untick for an aim too vague to verify, such as 'resist involution'."
    )

    objects = ActionItemQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["commitment", "position"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "position"], name="actionitem_unique_position"),
            models.CheckConstraint(condition=Q(position__gte=1), name="actionitem_position_positive"),
            precision_constraint("deadline", "actionitem_deadline_precision_matches_date"),
            models.CheckConstraint(
                condition=Q(recurrence="", recurs_from__isnull=True)
                | (~Q(recurrence="") & Q(recurs_from__isnull=False)),
                name="actionitem_recurrence_has_a_start",
                violation_error_message="A recurring item needs the first year it is expected.",
            ),
            models.CheckConstraint(
                condition=Q(series__isnull=True) | ~Q(recurrence=""),
                name="actionitem_series_only_when_recurring",
                violation_error_message="Only a recurring item is kept by a meeting series.",
            ),
        ]

    def __str__(self):
        return f"{self.commitment} — item {self.position}"

    def get_absolute_url(self):
        return f"{self.commitment.get_absolute_url()}#item-{self.position}"

    @property
    def deadline_display(self):
        return format_partial(self.deadline, self.deadline_precision)

    def clean(self):
        validate_partial(self.deadline, self.deadline_precision, "deadline")
        if self.recurrence and self.recurs_from is None:
            raise ValidationError({"recurs_from": "A recurring item needs the first year it is expected."})
        if self.recurs_from is not None and not self.recurrence:
            raise ValidationError({"recurrence": "Say how often the item recurs, or clear the first year."})
        if self.series_id and not self.recurrence:
            raise ValidationError({"series": "Only a recurring item is kept by a meeting series."})
        if self.commitment_id and self.text:
            commitment = self.commitment
            if self.text not in commitment.heading and self.text not in commitment.body:
                raise ValidationError(
                    {"text": "Copy the words exactly from the commitment's original heading or text."}
                )


class EvidenceQuerySet(models.QuerySet):
    def current(self):
        """Entries not superseded by a correction."""
        # NOT EXISTS rather than superseded_by__isnull: PostgreSQL plans the LEFT JOIN ... IS
        # NULL form as if one row remained, and then joins every entry before sorting.
        corrections = Evidence.objects.filter(supersedes=OuterRef("pk"))
        return self.filter(~Exists(corrections))

    def public(self):
        """Entries about the commitments of published meetings."""
        return self._about(meeting__status=Meeting.Status.PUBLISHED)

    def about_meeting(self, meeting_id):
        """Entries about a meeting's commitments, their pledges and their action items."""
        return self._about(meeting_id=meeting_id)

    def _about(self, **meeting_lookup):
        return self.filter(**{f"concerns__{key}": value for key, value in meeting_lookup.items()})


class Evidence(models.Model):
    """A dated, sourced observation on a pledge, a commitment or an action item, with a verdict.

    An entry on a commitment or an action item applies to every organization that pledged it.
    """

    Verdict = Verdict

    NEEDS_REASON = (Verdict.NOT_MET, Verdict.WITHDRAWN)

    pledge = models.ForeignKey(
        Pledge, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    commitment = models.ForeignKey(
        Commitment, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    action_item = models.ForeignKey(
        ActionItem, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    # The commitment the entry concerns, directly or through its pledge or action item. Set
    # by save() from the subject and never edited: it makes "the evidence about these points"
    # (status, exports, the public filter) one indexed lookup instead of three joins.
    concerns = models.ForeignKey(
        Commitment, on_delete=models.PROTECT, related_name="evidence_concerning", editable=False
    )
    occurrence = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="For a recurring action item: the year this entry is about."
    )
    observed_on = models.DateField(help_text="When it happened, to the precision the source gives.")
    observed_on_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    summary_en = models.TextField("what happened (English)", help_text="Our words.")
    reason = models.TextField(blank=True, help_text="Required for 'not met' and 'withdrawn'.")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="evidence")
    quote = models.TextField(help_text="The exact words of the source this entry rests on.")
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        help_text="The earlier entry this one corrects.",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-observed_on", "-recorded_at", "-pk"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=Q(pledge__isnull=False, commitment__isnull=True, action_item__isnull=True)
                | Q(pledge__isnull=True, commitment__isnull=False, action_item__isnull=True)
                | Q(pledge__isnull=True, commitment__isnull=True, action_item__isnull=False),
                name="evidence_has_exactly_one_subject",
                violation_error_message="An entry is about exactly one pledge, commitment or action item.",
            ),
            models.CheckConstraint(
                condition=~Q(verdict__in=["not_met", "withdrawn"]) | ~Q(reason=""),
                name="evidence_reason_for_not_met_or_withdrawn",
                violation_error_message="'Not met' and 'withdrawn' need a written reason.",
            ),
            models.CheckConstraint(
                condition=Q(occurrence__isnull=True) | Q(action_item__isnull=False),
                name="evidence_occurrence_only_on_action_items",
                violation_error_message="Only an entry on an action item can name an occurrence.",
            ),
            models.CheckConstraint(condition=~Q(quote=""), name="evidence_quotes_its_source"),
        ]
        indexes = [
            # Latest entries first, on the commitment page's timeline and the home page.
            models.Index(fields=["-observed_on", "-recorded_at"], name="evidence_latest"),
        ]

    def __str__(self):
        return f"{self.observed_on_display}: {self.get_verdict_display()} — {self.subject}"

    def save(self, *args, **kwargs):
        subject = self.pledge or self.action_item
        self.concerns_id = self.commitment_id or (subject.commitment_id if subject else None)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.about_commitment.get_absolute_url()}#evidence-{self.pk}"

    @property
    def subject(self):
        return self.pledge or self.commitment or self.action_item

    @property
    def about_commitment(self):
        """The commitment this entry concerns, directly or through its pledge or action item."""
        if self.concerns_id:
            return self.concerns
        if self.commitment_id:
            return self.commitment
        return self.pledge.commitment if self.pledge_id else self.action_item.commitment

    @property
    def observed_on_display(self):
        return format_partial(self.observed_on, self.observed_on_precision)

    def clean(self):
        validate_partial(self.observed_on, self.observed_on_precision, "observed_on")
        subjects = [s for s in (self.pledge_id, self.commitment_id, self.action_item_id) if s]
        if len(subjects) != 1:
            raise ValidationError("Choose exactly one of: a pledge, a commitment or an action item.")
        if self.verdict in self.NEEDS_REASON and not self.reason.strip():
            raise ValidationError({"reason": "'Not met' and 'withdrawn' need a written reason."})
        if self.occurrence is not None:
            item = self.action_item
            if item is None or not item.recurrence:
                raise ValidationError(
                    {"occurrence": "Only an entry on a recurring action item names a year."}
                )
            if self.occurrence < item.recurs_from:
                raise ValidationError({"occurrence": f"This item is expected from {item.recurs_from} on."})
        if self.supersedes_id:
            if self.supersedes.subject != self.subject:
                raise ValidationError(
                    {"supersedes": "A correction is about the same subject as the entry it corrects."}
                )
            if self.supersedes_id == self.pk:
                raise ValidationError({"supersedes": "An entry cannot correct itself."})


class CommitmentReview(models.Model):
    """What a later meeting decided about an earlier commitment: reaffirmed, amended or dropped."""

    class Outcome(models.TextChoices):
        REAFFIRMED = "reaffirmed", _("reaffirmed")
        AMENDED = "amended", _("amended")
        DROPPED = "dropped", _("dropped")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reviews")
    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="reviews")
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    successor = models.ForeignKey(
        Commitment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews_as_successor",
        help_text="For an amended point: the later meeting's point that replaces it.",
    )
    note_en = models.TextField("note (English)", blank=True)
    quote = models.TextField(blank=True, help_text="The words of the source that show it.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["commitment", "meeting"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "commitment"], name="review_unique"),
        ]

    def __str__(self):
        return f"{self.commitment} {self.get_outcome_display()} at {self.meeting}"

    def clean(self):
        if self.commitment_id and self.meeting_id and self.commitment.meeting_id == self.meeting_id:
            raise ValidationError({"commitment": "A meeting reviews the points of an earlier meeting."})
        if self.successor_id and self.outcome == self.Outcome.DROPPED:
            raise ValidationError({"successor": "A dropped point has no replacement."})
        if self.successor_id and self.successor.meeting_id != self.meeting_id:
            raise ValidationError({"successor": "The replacement point belongs to the reviewing meeting."})

"""The numbered points agreed at a meeting, and the pledges organizations made to keep them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..links import commitment_url
from .meetings import Meeting, Participation, newest_first
from .organizations import Organization


class Verdict(models.TextChoices):
    """What the evidence says of a pledge, a commitment or an action item; see meetings.status."""

    NO_RECORD = "no_record", _("no record yet")
    IN_PROGRESS = "in_progress", _("in progress")
    FULFILLED = "fulfilled", _("fulfilled")
    NOT_MET = "not_met", _("not met")
    WITHDRAWN = "withdrawn", _("withdrawn")
    CANNOT_CHECK = "cannot_check", _("cannot be checked")


class CommitmentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(meeting__status=Meeting.Status.PUBLISHED)

    def newest_first(self):
        return self.order_by(*newest_first("meeting__"), "number")


class Commitment(models.Model):
    """One numbered point of consensus agreed at a meeting (第一 … 第五)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="commitments")
    number = models.PositiveSmallIntegerField(help_text="The point's number in the source: 1 for 第一.")
    heading = models.TextField("heading (original)")
    body = models.TextField("text (original)", blank=True)
    heading_en = models.TextField("heading (English)", blank=True)
    body_en = models.TextField("text (English)", blank=True)

    objects = CommitmentQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="commitment_unique_number"),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="commitment_number_positive",
                violation_error_message="Points are numbered from 1.",
            ),
        ]

    def __str__(self):
        return f"{self.meeting} — point {self.number}"

    def get_absolute_url(self):
        return commitment_url(self.meeting.slug, self.number)


class Pledge(models.Model):
    """An organization's undertaking to keep one commitment, and how we know it."""

    class Basis(models.TextChoices):
        NAMED = "named", _("named in the source as agreeing")
        PARTICIPATION = "participation", _("inferred: took part in the meeting that reached consensus")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="pledges")
    # Indexed with the status, below: the index serves lookups by commitment alone as well.
    commitment = models.ForeignKey(
        Commitment, on_delete=models.PROTECT, related_name="pledges", db_index=False
    )
    basis = models.CharField(max_length=20, choices=Basis.choices, default=Basis.PARTICIPATION)
    source_quote = models.TextField(blank=True, help_text="The words of the source that show it.")
    # Derived from the evidence by meetings.status.refresh_pledge_statuses(), never entered by hand;
    # stored so that lists can filter by it.
    status = models.CharField(
        max_length=20, choices=Verdict.choices, default=Verdict.NO_RECORD, editable=False
    )
    status_as_of = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["status", "status_as_of"])

    class Meta:
        ordering = ["commitment", "organization__name_en", "organization__name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "commitment"], name="pledge_unique"),
        ]
        indexes = [
            # The commitments list filtered by status (/commitments/?status=…) asks of each point
            # whether a pledge of it has that status: read from the index alone, without the
            # pledges' rows, the status-filtered lists took 92 ms instead of 105 ms on average on
            # the large data. Also every page's pledges of a commitment or of a meeting's points.
            models.Index(fields=["commitment", "status"], name="pledge_commitment_status"),
        ]

    def __str__(self):
        return f"{self.organization} pledged {self.commitment}"

    def clean(self):
        """Refuse a pledge by an organization that did not take part in the meeting. Queries."""
        if self.organization_id is None or (self.commitment_id is None and not hasattr(self, "commitment")):
            return
        meeting_id = self.commitment.meeting_id
        if (
            meeting_id
            and not Participation.objects.filter(
                meeting_id=meeting_id, organization_id=self.organization_id
            ).exists()
        ):
            raise ValidationError(
                {
                    "organization": "This organization did not take part in the meeting; "
                    "add it as a participant of the meeting first."
                }
            )

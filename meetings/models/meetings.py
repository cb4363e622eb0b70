"""Meetings, the sources that report them, and who took part in what role."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..links import link
from ..partial_dates import DatePrecision, format_partial, precision_constraint, validate_partial
from .organizations import Industry, Organization, Person


class Source(models.Model):
    """A published report a record rests on: a news article, a reprint, an announcement."""

    publisher = models.CharField("publisher (original)", max_length=200)
    publisher_en = models.CharField("publisher (English)", max_length=200, blank=True)
    title = models.CharField("title (original)", max_length=300)
    title_en = models.CharField("title (English)", max_length=300, blank=True)
    url = models.URLField("URL", max_length=500, blank=True)
    published_on = models.DateField(null=True, blank=True)
    reprinted_from = models.CharField("reprinted from (original)", max_length=200, blank=True)
    reprinted_from_en = models.CharField("reprinted from (English)", max_length=200, blank=True)
    language = models.CharField(
        max_length=20,
        default="zh-Hant",
        help_text="BCP 47 tag of the text as published: zh-Hant, zh-Hans, en.",
    )
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "publisher"]

    def __str__(self):
        date = self.published_on.isoformat() if self.published_on else "undated"
        return f"{self.publisher_en or self.publisher}, {date}: {self.title}"


def newest_first(prefix=""):
    """Ordering by the meeting date, or the first report where the date is unknown, newest first."""
    return [
        Coalesce(f"{prefix}held_on", f"{prefix}reported_on").desc(nulls_last=True),
        f"{prefix}slug",
    ]


class MeetingQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Meeting.Status.PUBLISHED)

    def newest_first(self):
        return self.order_by(*newest_first())


class Meeting(models.Model):
    """A dated, located gathering convened by an organizer, as reported by its sources."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft (admin only)")
        PUBLISHED = "published", _("published")

    DatePrecision = DatePrecision

    slug = models.SlugField(unique=True, max_length=120)
    title = models.CharField("title (original)", max_length=300)
    title_en = models.CharField("title (English)", max_length=300)
    language = models.CharField(
        "language of the original",
        max_length=20,
        default="zh-Hant",
        help_text="BCP 47 tag of the original-language fields: zh-Hant, zh-Hans, en.",
    )
    industries = models.ManyToManyField(Industry, related_name="meetings", blank=True)
    organizer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="meetings_convened")
    place = models.CharField("place (original)", max_length=200, blank=True)
    place_en = models.CharField("place (English)", max_length=200, blank=True)
    held_on = models.DateField(
        null=True,
        blank=True,
        help_text="Leave empty when the sources do not say; for a month or year, "
        "enter its first day and set the precision.",
    )
    held_on_precision = models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        blank=True,
        help_text="How much of the date the sources give.",
    )
    date_as_reported = models.CharField(
        "date as the source words it",
        max_length=100,
        blank=True,
        help_text="For example 近日 (recently).",
    )
    date_as_reported_en = models.CharField("date as reported (English)", max_length=100, blank=True)
    reported_on = models.DateField(
        "first reported on",
        null=True,
        blank=True,
        help_text="Publication date of the earliest source that reports the meeting.",
    )
    participant_list_partial = models.BooleanField(
        "participant list may be partial",
        default=False,
        help_text="The source's list ends in 等 (among others) or otherwise says it is incomplete.",
    )
    summary = models.TextField("summary (original)", blank=True)
    summary_en = models.TextField("summary (English)", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    series = models.ForeignKey(
        "MeetingSeries",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="editions",
        help_text="For an edition of a recurring meeting.",
    )
    edition = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1 for the first edition.")
    sources = models.ManyToManyField(Source, through="MeetingSource", related_name="meetings")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    history = HistoricalRecords()

    # What a line of a list of meetings shows (its title and address, its date as the sources
    # give it): for ``.only()``, as every column a query reads costs time to compile and load.
    LISTED = (
        "slug",
        "title",
        "title_en",
        "language",
        "held_on",
        "held_on_precision",
        "date_as_reported",
        "date_as_reported_en",
        "reported_on",
    )

    class Meta:
        ordering = ["-held_on", "-reported_on", "title"]
        constraints = [
            precision_constraint("held_on", "meeting_date_precision_matches_date"),
            models.UniqueConstraint(fields=["series", "edition"], name="meeting_unique_edition"),
            models.CheckConstraint(
                condition=Q(edition__isnull=True) | Q(series__isnull=False, edition__gte=1),
                name="meeting_edition_of_a_series",
                violation_error_message="An edition number (from 1) belongs to a meeting of a series.",
            ),
        ]
        # Editors may delete drafts; a meeting the public has seen (and may have cited) only
        # with this permission, which no group has: administrators only (see MeetingAdmin).
        permissions = [("delete_published_meeting", "Can delete a meeting that has been published")]

    def __str__(self):
        return self.title_en or self.title

    def get_absolute_url(self):
        return link("meetings:meeting-detail", self.slug)

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    def has_been_published(self):
        """Published now, or at some time before (its edit history says so). Queries."""
        return self.is_published or self.history.filter(status=self.Status.PUBLISHED).exists()

    @property
    def date_known(self):
        """The meeting date to the precision the sources give, as text; '' when unknown."""
        return format_partial(self.held_on, self.held_on_precision)

    @property
    def known_date(self):
        """The day it was held, or else the day it was first reported; None when neither is known."""
        return self.held_on or self.reported_on

    def clean(self):
        validate_partial(self.held_on, self.held_on_precision, "held_on")


class MeetingSource(models.Model):
    """A source that reports a meeting, with the passage the record rests on."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="source_links")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="meeting_links")
    quote = models.TextField(blank=True, help_text="The passage of the source this record rests on.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["source__published_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "source"], name="meetingsource_unique"),
        ]
        verbose_name = "source of a meeting"
        verbose_name_plural = "sources of meetings"

    def __str__(self):
        return f"{self.meeting} ← {self.source}"


class Participation(models.Model):
    """An organization that took part in a meeting, and in what role."""

    class Role(models.TextChoices):
        PARTICIPANT = "participant", _("participant")
        ORGANIZER = "organizer", _("organizer's side (branch or department)")
        GOVERNMENT = "government", _("government attendee")
        OTHER = "other", _("other")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participations")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARTICIPANT)
    named_in_source = models.BooleanField(
        default=True, help_text="Untick when the source only implies the organization took part."
    )
    source_quote = models.TextField(blank=True, help_text="The words of the source that show it.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "organization"], name="participation_unique"),
        ]

    def __str__(self):
        return f"{self.organization} at {self.meeting} ({self.get_role_display()})"


class Attendance(models.Model):
    """A person at a meeting, in a role, with the title they held at the time."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("chair")
        SPEAKER = "speaker", _("speaker")
        ATTENDEE = "attendee", _("attendee")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendances")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="attendances"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.ATTENDEE)
    title = models.CharField("title held (original)", max_length=300, blank=True)
    title_en = models.CharField("title held (English)", max_length=300, blank=True)
    source_quote = models.TextField(blank=True, help_text="The words of the source that show it.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "pk"]  # the order the source names them in
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="attendance_unique"),
        ]
        verbose_name_plural = "attendances"

    def __str__(self):
        return f"{self.person} at {self.meeting} ({self.get_role_display()})"

"""Who takes part: industries, organizations (with their branches and other names) and people."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..links import link
from ..provinces import Province


class Industry(models.Model):
    """A material or sector whose producers meet, such as gallium."""

    slug = models.SlugField(unique=True)
    name = models.CharField("name (original)", max_length=100)
    name_en = models.CharField("name (English)", max_length=100)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name_en"]
        verbose_name_plural = "industries"

    def __str__(self):
        return self.name_en


class OrganizationQuerySet(models.QuerySet):
    def companies(self):
        return self.filter(kind=Organization.Kind.COMPANY)

    def public(self):
        """Organizations linked to at least one published meeting (or a branch of one that is).

        Drafts stay private, so an organization known only from a draft is not shown. Reads
        the stored ``is_public`` flag, which ``meetings.public.refresh_public`` keeps equal
        to ``public_condition()``.
        """
        return self.filter(is_public=True)


class Organization(models.Model):
    """A company, an industry association (or one of its branches), a government body, or other."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("company")
        ASSOCIATION = "association", _("industry association")
        GOVERNMENT = "government", _("government body")
        OTHER = "other", _("other")

    slug = models.SlugField(unique=True, max_length=120)
    name = models.CharField("name (original)", max_length=200, help_text="Exactly as the source writes it.")
    name_en = models.CharField(
        "name (English)",
        max_length=200,
        blank=True,
        help_text="Our translation, unless 'official English name' is ticked.",
    )
    name_en_official = models.BooleanField(
        "official English name",
        default=False,
        help_text="Tick only when a source shows the organization uses this English name itself.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="branches",
        help_text="For a branch or department: the organization it belongs to.",
    )
    province = models.CharField(max_length=20, choices=Province.choices, blank=True)
    notes = models.TextField(blank=True)
    # Derived, never entered: linked to a published meeting (see OrganizationQuerySet.public).
    # Stored because the three EXISTS behind it took seconds over 20,000 organizations.
    is_public = models.BooleanField(default=False, editable=False)
    # Convened a published meeting: the organizer choices of /meetings/. Kept equal to
    # convening_condition() by meetings.public, as is_public.
    convenes = models.BooleanField(default=False, editable=False)
    # Published meetings it took part in, and pledges it made at published meetings: the
    # counts of /companies/ and its download. Kept equal to published_count_rows() by
    # meetings.public, as is_public, so that a list page reads them with its rows.
    published_meeting_count = models.PositiveIntegerField(default=0, editable=False)
    published_pledge_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    # Columns the site derives from other records (meetings.public), never written by save().
    DERIVED_FIELDS = ("is_public", "convenes", "published_meeting_count", "published_pledge_count")

    history = HistoricalRecords(excluded_fields=list(DERIVED_FIELDS))

    class Meta:
        ordering = ["name_en", "name"]
        indexes = [
            # /companies/ and the company filters: public companies in name order, a page at a time.
            models.Index(
                fields=["name_en", "name"],
                condition=Q(kind="company", is_public=True),
                name="organization_public_companies",
            ),
            # /companies/?province=…: the province's public companies in name order, read from
            # the index. Without it PostgreSQL read all 20,000 organizations and sorted the
            # province's 1,100 by name (the list's ids took 5.9-12.4 ms instead of 0.5-1 ms).
            models.Index(
                fields=["province", "name_en", "name"],
                condition=Q(kind="company", is_public=True),
                name="organization_by_province",
            ),
            # The organizer filter of /meetings/: its choices in name order, without looking
            # through every meeting (12 ms on 15,000 meetings).
            models.Index(
                fields=["name_en", "name"], condition=Q(convenes=True), name="organization_conveners"
            ),
        ]
        constraints = [
            # Branch names repeat across associations ("輕金屬部"), so a name is
            # unique among top-level organizations and within one parent.
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(parent__isnull=True),
                name="organization_unique_top_level_name",
            ),
            models.UniqueConstraint(
                fields=["parent", "name"],
                condition=Q(parent__isnull=False),
                name="organization_unique_name_within_parent",
            ),
        ]

    def __str__(self):
        return f"{self.name_en} ({self.name})" if self.name_en else self.name

    def save(self, *args, **kwargs):
        """Save; an organization read from the database leaves its derived columns as they are.

        The instance holds them as they were when it was read: an edit saved after the
        organization's meetings or pledges changed (in the same transaction, or in another
        one that committed meanwhile) would otherwise write the old values back over the
        ones ``meetings.public`` refreshed.
        """
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key
                and field.name not in self.DERIVED_FIELDS
                and field.attname not in deferred
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        if self.kind == self.Kind.COMPANY:
            return link("meetings:company-detail", self.slug)
        return link("meetings:organization-detail", self.slug)

    def clean(self):
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError({"parent": "An organization cannot be its own parent or ancestor."})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent

    @staticmethod
    def public_condition():
        """The rule behind ``is_public``, as a filter condition on organizations."""
        from .meetings import Meeting, Participation

        published = Meeting.Status.PUBLISHED
        took_part = Participation.objects.filter(organization=OuterRef("pk"), meeting__status=published)
        convened = Meeting.objects.filter(organizer=OuterRef("pk"), status=published)
        branch_took_part = Participation.objects.filter(
            organization__parent=OuterRef("pk"), meeting__status=published
        )
        return Exists(took_part) | Exists(convened) | Exists(branch_took_part)

    @staticmethod
    def convening_condition():
        """The rule behind ``convenes``: the organizer of a published meeting."""
        from .meetings import Meeting

        return Exists(Meeting.objects.filter(organizer=OuterRef("pk"), status=Meeting.Status.PUBLISHED))

    @staticmethod
    def published_count_rows():
        """The rules behind the stored counts: ``{field: the rows it counts}``, by their ``organization``.

        ``published_meeting_count``: the organization's participations in published meetings
        (one per meeting); ``published_pledge_count``: its pledges of the commitments of
        published meetings. Branches count for themselves only.
        """
        from .commitments import Pledge
        from .meetings import Meeting, Participation

        published = Meeting.Status.PUBLISHED
        return {
            "published_meeting_count": Participation.objects.filter(meeting__status=published),
            "published_pledge_count": Pledge.objects.filter(commitment__meeting__status=published),
        }


class OrganizationIndustry(models.Model):
    """An industry of a published meeting that an organization took part in. Derived, never entered.

    Kept equal to ``industry_pairs()`` by ``meetings.public``, in the same transaction as
    each write that changes it (as ``Organization.is_public``): the companies list's industry
    filter reads it instead of looking through every company's meetings and their industries.
    """

    # Neither key has an index of its own: each of the two below starts with one of them.
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="industry_links", db_index=False
    )
    industry = models.ForeignKey(
        Industry, on_delete=models.CASCADE, related_name="organization_links", db_index=False
    )

    class Meta:
        constraints = [
            # Its index serves the refreshes, which work an organization at a time.
            models.UniqueConstraint(fields=["organization", "industry"], name="organizationindustry_unique")
        ]
        indexes = [
            # The companies of an industry: the filter walks the public companies in name order
            # and looks each up here, index only (4 ms for the first 1,001 of 7,600 companies on
            # the large data, where the lookup through the meetings took 21 ms); for an industry
            # of few companies, PostgreSQL reads them all from it instead, then sorts them.
            models.Index(fields=["industry", "organization"], name="organizationindustry_industry")
        ]
        verbose_name = "industry of an organization"

    def __str__(self):
        return f"{self.organization} in {self.industry}"

    @staticmethod
    def industry_pairs():
        """The rule: participations in published meetings, each with an industry of its meeting
        (``industry_id``), one row per industry. A meeting without an industry gives none."""
        from .meetings import Meeting, Participation

        return (
            Participation.objects.filter(meeting__status=Meeting.Status.PUBLISHED)
            .annotate(industry_id=F("meeting__industries"))
            .filter(industry_id__isnull=False)
        )


class OrganizationAlias(models.Model):
    """Another name an organization is known by: a short form, the other script, an old name."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "organization aliases"

    def __str__(self):
        return self.name

    def clean(self):
        clash = Organization.objects.filter(name=self.name, parent__isnull=True)
        if self.organization_id:
            clash = clash.exclude(pk=self.organization_id)
        if clash.exists():
            raise ValidationError({"name": "Another organization already has this as its name."})


class Person(models.Model):
    """A person named in a source."""

    name = models.CharField("name (original)", max_length=100)
    name_en = models.CharField("name (romanized)", max_length=100, blank=True)
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name_en", "name"]
        verbose_name_plural = "people"

    def __str__(self):
        return f"{self.name_en} ({self.name})" if self.name_en else self.name

"""Editing meetings, with their participants, people, points and sources on one screen."""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.db.models import Q
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext

from .. import services
from ..counting import correlated_count
from ..models import (
    Attendance,
    Commitment,
    Meeting,
    MeetingSource,
    Participation,
    Pledge,
)
from .articles import from_article
from .base import (
    ORIGINAL_VS_ENGLISH,
    SHORT_TEXTAREAS,
    HistoryAdmin,
    PublicOnlyViewOnSite,
    TabularInline,
    refresh_statuses_for_series,
)
from .commitments import CommitmentForm
from .large_tables import SearchRelatedByKey, ShowsLoadedChoices
from .versions import VersionCheckedInline


class ParticipationInline(VersionCheckedInline, ShowsLoadedChoices, TabularInline):
    model = Participation
    loaded_related = ["organization", "meeting"]  # the box and __str__ of each row
    extra = 0
    autocomplete_fields = ["organization"]
    fields = ["organization", "role", "named_in_source", "source_quote"]
    formfield_overrides = SHORT_TEXTAREAS


class AttendanceInline(VersionCheckedInline, ShowsLoadedChoices, TabularInline):
    model = Attendance
    loaded_related = ["person", "organization", "meeting"]  # the boxes and __str__ of each row
    extra = 0
    autocomplete_fields = ["person", "organization"]
    fields = ["person", "organization", "role", "title", "title_en", "source_quote"]
    formfield_overrides = SHORT_TEXTAREAS


class CommitmentInline(VersionCheckedInline, admin.StackedInline):
    """The numbered points; each links to its own page, where its pledges are edited."""

    model = Commitment
    form = CommitmentForm
    extra = 0
    show_change_link = True
    fields = ["number", ("heading", "heading_en"), ("body", "body_en"), "pledge_count"]
    readonly_fields = ["pledge_count"]

    def get_queryset(self, request):
        # select_related: each point's heading line (__str__) names the meeting.
        queryset = super().get_queryset(request).select_related("meeting")
        return queryset.annotate(pledge_count=correlated_count(Pledge.objects.all(), "commitment"))

    @admin.display(description="pledges")
    def pledge_count(self, obj):
        return getattr(obj, "pledge_count", 0)


class MeetingSourceInline(VersionCheckedInline, ShowsLoadedChoices, TabularInline):
    model = MeetingSource
    loaded_related = ["source", "meeting"]  # the box and __str__ of each row
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["source", "quote"]
    formfield_overrides = SHORT_TEXTAREAS


def delete_selected_unpublished(modeladmin, request, queryset):
    """The admin's "Delete selected", refused when the selection holds a meeting that has been
    published and the editor may not delete those (see MeetingAdmin.has_delete_permission)."""
    if not request.user.has_perm("meetings.delete_published_meeting"):
        published = queryset.filter(
            Q(status=Meeting.Status.PUBLISHED)
            | Q(pk__in=Meeting.history.filter(status=Meeting.Status.PUBLISHED).values("id"))
        )
        titles = [str(meeting) for meeting in published[:6]]
        if titles:
            message = gettext(
                "Nothing was deleted: these meetings have been published, and only an administrator "
                "may delete them: %(meetings)s."
            )
            listed = "; ".join(titles[:5]) + (" …" if len(titles) > 5 else "")
            modeladmin.message_user(request, message % {"meetings": listed}, messages.ERROR)
            return None
    return delete_selected(modeladmin, request, queryset)


delete_selected_unpublished.allowed_permissions = delete_selected.allowed_permissions
delete_selected_unpublished.short_description = delete_selected.short_description


@admin.register(Meeting)
class MeetingAdmin(SearchRelatedByKey, PublicOnlyViewOnSite, HistoryAdmin):
    list_display = [
        "title_en",
        "date",
        "organizer",
        "industry_names",
        "status",
        "participant_count",
        "commitment_count",
        "public_page",
    ]
    list_filter = ["status", "industries", "held_on_precision", "participant_list_partial"]
    list_select_related = ["organizer"]
    search_fields = [
        "title",
        "title_en",
        "slug",
        "place",
        "place_en",
        "organizer__name",
        "organizer__name_en",
    ]
    autocomplete_fields = ["organizer", "industries", "series"]
    prepopulated_fields = {"slug": ["title_en"]}
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "held_on"
    inlines = [ParticipationInline, AttendanceInline, CommitmentInline, MeetingSourceInline]
    actions = ["pledge_every_commitment", "publish", "return_to_draft"]
    history_list_display = ["status"]
    fieldsets = [
        (
            "What and where",
            {
                "description": ORIGINAL_VS_ENGLISH,
                "fields": [
                    ("title", "title_en"),
                    ("slug", "language"),
                    "organizer",
                    "industries",
                    ("place", "place_en"),
                    "participant_list_partial",
                ],
            },
        ),
        (
            "Series",
            {
                "description": "For an edition of a recurring meeting. A published edition in a "
                "year keeps that year's occurrence of the action items kept by the series.",
                "fields": [("series", "edition")],
            },
        ),
        (
            "When",
            {
                "description": "Only as precisely as the sources say. " + ORIGINAL_VS_ENGLISH,
                "fields": [
                    ("held_on", "held_on_precision"),
                    ("date_as_reported", "date_as_reported_en"),
                    "reported_on",
                ],
            },
        ),
        ("Summary", {"description": ORIGINAL_VS_ENGLISH, "fields": ["summary", "summary_en"]}),
        (
            "Publication",
            {
                "description": "Drafts are visible here only; published meetings are public.",
                "fields": ["status", ("created_at", "updated_at")],
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("industries")
            .annotate(
                # Counted for the rows shown only: Count over two joins grouped every
                # participation and commitment for each page (2.7 s on 15,000 meetings).
                participant_count=correlated_count(Participation.objects.all(), "meeting"),
                commitment_count=correlated_count(Commitment.objects.all(), "meeting"),
            )
        )

    def is_public(self, obj):
        return obj.is_published

    def has_delete_permission(self, request, obj=None):
        """Editors delete drafts; a meeting that has been published, even if it was returned to
        draft since, only with ``delete_published_meeting`` (administrators)."""
        if not super().has_delete_permission(request, obj):
            return False
        if obj is None or request.user.has_perm("meetings.delete_published_meeting"):
            return True
        return not obj.has_been_published()

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _, name, description = actions["delete_selected"]
            actions["delete_selected"] = (delete_selected_unpublished, name, description)
        return actions

    def get_urls(self):
        # Before the default URLs, whose "<path:object_id>/" would take "from-article/".
        view = self.admin_site.admin_view(self.from_article_view)
        return [path("from-article/", view, name="meetings_meeting_from_article"), *super().get_urls()]

    def from_article_view(self, request):
        """New meeting from article: paste or upload a news article, review the draft, create it."""
        return from_article(self, request)

    def save_model(self, request, obj, form, change):
        # A published edition of a series keeps recurring action items: when an edition
        # changes (or leaves a series), the pledges of those items may change status.
        before = None
        if obj.pk:
            before = Meeting.objects.filter(pk=obj.pk).values_list("series_id", flat=True).first()
        super().save_model(request, obj, form, change)
        refresh_statuses_for_series([before, obj.series_id])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        refresh_statuses_for_series([obj.series_id])

    def delete_queryset(self, request, queryset):
        series_ids = set(queryset.values_list("series_id", flat=True))
        super().delete_queryset(request, queryset)
        refresh_statuses_for_series(series_ids)

    @admin.display(description="held on", ordering="held_on")
    def date(self, obj):
        return obj.date_known or obj.date_as_reported or "—"

    @admin.display(description="industries")
    def industry_names(self, obj):
        return ", ".join(industry.name_en for industry in obj.industries.all())

    @admin.display(description="participants", ordering="participant_count")
    def participant_count(self, obj):
        return obj.participant_count

    @admin.display(description="points", ordering="commitment_count")
    def commitment_count(self, obj):
        return obj.commitment_count

    @admin.display(description="public page")
    def public_page(self, obj):
        if not obj.is_published:
            return "—"
        url = obj.get_absolute_url()
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, url)

    def has_add_pledge_permission(self, request):
        return request.user.has_perm("meetings.add_pledge")

    @admin.action(
        description="Every participating company pledges every commitment",
        permissions=["add_pledge"],
    )
    def pledge_every_commitment(self, request, queryset):
        meetings = list(queryset)
        created = 0
        for meeting in meetings:
            count = services.pledge_every_commitment(meeting)
            if count:
                self.log_change(request, meeting, f"Recorded {count} pledges by participation.")
            created += count
        in_meetings = ngettext("%d meeting", "%d meetings", len(meetings)) % len(meetings)
        if created:
            pledges = ngettext("%d pledge", "%d pledges", created) % created
            self.message_user(request, f"Created {pledges} across {in_meetings}.", messages.SUCCESS)
        else:
            self.message_user(
                request,
                f"Created no pledges across {in_meetings}: every participating company already "
                "pledges every commitment (or there are no companies or no commitments).",
                messages.WARNING,
            )

    @admin.action(description="Publish selected meetings", permissions=["change"])
    def publish(self, request, queryset):
        self._set_status(request, queryset, Meeting.Status.PUBLISHED)

    @admin.action(description="Return selected meetings to draft", permissions=["change"])
    def return_to_draft(self, request, queryset):
        self._set_status(request, queryset, Meeting.Status.DRAFT)

    def _set_status(self, request, queryset, status):
        # One save per meeting, not queryset.update(), so updated_at and the history move.
        changed = [meeting for meeting in queryset if meeting.status != status]
        for meeting in changed:
            meeting.status = status
            meeting.save(update_fields=["status", "updated_at"])
            self.log_change(request, meeting, [{"changed": {"fields": ["Status"]}}])
        refresh_statuses_for_series(meeting.series_id for meeting in changed)
        label = Meeting.Status(status).label
        done = ngettext("%d meeting is now", "%d meetings are now", len(changed)) % len(changed)
        self.message_user(request, f"{done} {label}.", messages.SUCCESS)


@admin.register(MeetingSource)
class MeetingSourceAdmin(HistoryAdmin):
    list_display = ["meeting", "source", "quote_start"]
    list_select_related = ["meeting", "source"]
    search_fields = ["meeting__title", "meeting__title_en", "source__title", "quote"]
    autocomplete_fields = ["meeting", "source"]

    @admin.display(description="quote")
    def quote_start(self, obj):
        return obj.quote[:80]


@admin.register(Participation)
class ParticipationAdmin(SearchRelatedByKey, HistoryAdmin):
    list_display = ["organization", "meeting", "role", "named_in_source"]
    list_filter = ["role", "named_in_source", "organization__kind", "meeting__status"]
    list_select_related = ["organization", "meeting"]
    search_fields = [
        "organization__name",
        "organization__name_en",
        "meeting__title",
        "meeting__title_en",
    ]
    autocomplete_fields = ["meeting", "organization"]
    show_full_result_count = False
    # By meeting as entered, newest first, from the meeting's index: the model's order (by
    # the meetings' dates, over a join) sorted 190,000 rows for each page.
    ordering = ["-meeting_id", "role", "pk"]


@admin.register(Attendance)
class AttendanceAdmin(SearchRelatedByKey, HistoryAdmin):
    list_display = ["person", "title_en", "organization", "meeting", "role"]
    list_filter = ["role", "meeting__status"]
    list_select_related = ["person", "organization", "meeting"]
    search_fields = [
        "person__name",
        "person__name_en",
        "title",
        "title_en",
        "meeting__title",
        "meeting__title_en",
    ]
    autocomplete_fields = ["meeting", "person", "organization"]
    show_full_result_count = False
    ordering = ["-meeting_id", "pk"]  # from the meeting's index, as participations above
    fieldsets = [
        (None, {"fields": ["meeting", "person", "organization", "role"]}),
        ("Title held at the time", {"fields": [("title", "title_en")]}),
        ("Evidence", {"fields": ["source_quote"]}),
    ]

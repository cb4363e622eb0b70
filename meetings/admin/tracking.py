"""Editing what happened after a meeting: action items, series of meetings, and reviews.

Every write that can change a pledge's derived status refreshes the stored statuses.
"""

from django.contrib import admin
from django.db.models import Count, Exists, OuterRef

from ..models import ActionItem, CommitmentReview, Meeting, MeetingSeries
from .base import (
    SHORT_TEXTAREAS,
    HistoryAdmin,
    PublicOnlyViewOnSite,
    TabularInline,
    formsets_saved_anything,
    refresh_statuses,
)
from .evidence import EvidenceInline, EvidenceOnceSaved
from .filters import ActionItemOverdueFilter, overdue_action_items
from .large_tables import SearchRelatedByKey
from .versions import VersionCheckedInline


class ActionItemInline(VersionCheckedInline, admin.StackedInline):
    """The checkable items of a commitment; each links to its page, where its evidence is added."""

    model = ActionItem
    extra = 0
    show_change_link = True
    autocomplete_fields = ["series"]
    fields = [
        ("position", "checkable"),
        ("text", "text_en"),
        ("deadline", "deadline_precision"),
        ("recurrence", "recurs_from", "series"),
    ]
    formfield_overrides = SHORT_TEXTAREAS


@admin.register(ActionItem)
class ActionItemAdmin(SearchRelatedByKey, EvidenceOnceSaved, PublicOnlyViewOnSite, HistoryAdmin):
    list_display = [
        "commitment",
        "position",
        "text_start",
        "deadline_display",
        "recurrence",
        "series",
        "checkable",
        "overdue",
    ]
    list_display_links = ["position", "text_start"]
    list_filter = ["recurrence", "checkable", ActionItemOverdueFilter, "commitment__meeting__status"]
    list_select_related = ["commitment__meeting", "series"]
    search_fields = [
        "text",
        "text_en",
        "commitment__heading",
        "commitment__heading_en",
        "commitment__meeting__title",
        "commitment__meeting__title_en",
    ]
    autocomplete_fields = ["commitment", "series"]
    show_full_result_count = False
    # By commitment as entered, newest first, items in order: read from the index of the
    # (commitment, position) constraint, where the model's order joins two tables and sorts.
    ordering = ["-commitment_id", "position"]
    inlines = [EvidenceInline]
    formfield_overrides = SHORT_TEXTAREAS
    fieldsets = [
        ("Where it belongs", {"fields": ["commitment", ("position", "checkable")]}),
        (
            "What it says",
            {
                "description": "The original words are the authority; the English is our translation.",
                "fields": ["text", "text_en"],
            },
        ),
        (
            "When",
            {
                "description": "A deadline only when the source sets one, to the precision it gives. "
                "A recurring item is expected every year from its first year; an item kept by "
                "holding a meeting names the meeting's series.",
                "fields": [("deadline", "deadline_precision"), ("recurrence", "recurs_from"), "series"],
            },
        ),
    ]

    def get_queryset(self, request):
        # select_related: __str__ (autocomplete results too) names the commitment and meeting;
        # the changelist applies list_select_related only when this does not.
        overdue = Exists(overdue_action_items().filter(pk=OuterRef("pk")))
        queryset = super().get_queryset(request).select_related(*self.list_select_related)
        return queryset.annotate(is_overdue=overdue)

    def is_public(self, obj):
        return obj.commitment.meeting.is_published

    def save_model(self, request, obj, form, change):
        before = None
        if obj.pk:
            before = ActionItem.objects.filter(pk=obj.pk).values_list("commitment_id", flat=True).first()
        super().save_model(request, obj, form, change)
        refresh_statuses([before, obj.commitment_id])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if formsets_saved_anything(formsets):
            refresh_statuses([form.instance.commitment_id])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        refresh_statuses([obj.commitment_id])

    def delete_queryset(self, request, queryset):
        commitment_ids = set(queryset.values_list("commitment_id", flat=True))
        super().delete_queryset(request, queryset)
        refresh_statuses(commitment_ids)

    @admin.display(description="text", ordering="text_en")
    def text_start(self, obj):
        text = obj.text_en or obj.text
        return text if len(text) <= 80 else f"{text[:79]}…"

    @admin.display(description="deadline", ordering="deadline")
    def deadline_display(self, obj):
        return obj.deadline_display or "—"

    @admin.display(description="overdue", boolean=True, ordering="is_overdue")
    def overdue(self, obj):
        return obj.is_overdue


class EditionInline(TabularInline):
    """The meetings of a series, read-only here: a meeting's series is set on the meeting."""

    model = Meeting
    extra = 0
    show_change_link = True
    fields = ["edition", "title_en", "date_known", "status"]
    readonly_fields = ["date_known"]
    ordering = ["edition", "held_on"]
    verbose_name = "edition"
    verbose_name_plural = "editions (set a meeting's series on the meeting)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="held on")
    def date_known(self, obj):
        return obj.date_known or "—"


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(HistoryAdmin):
    list_display = ["name_en", "name", "organizer", "edition_count", "action_item_count"]
    list_select_related = ["organizer"]
    search_fields = ["name", "name_en", "slug"]
    autocomplete_fields = ["organizer"]
    prepopulated_fields = {"slug": ["name_en"]}
    inlines = [EditionInline]
    fieldsets = [
        (
            None,
            {
                "description": "Fields marked <em>(original)</em> hold the name as the sources "
                "print it; <em>(English)</em> is our translation.",
                "fields": [("name", "name_en"), "slug", "organizer", "notes"],
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                # distinct: the two joins multiply rows.
                edition_count=Count("editions", distinct=True),
                action_item_count=Count("action_items", distinct=True),
            )
        )

    @admin.display(description="editions", ordering="edition_count")
    def edition_count(self, obj):
        return obj.edition_count

    @admin.display(description="action items", ordering="action_item_count")
    def action_item_count(self, obj):
        return obj.action_item_count


@admin.register(CommitmentReview)
class CommitmentReviewAdmin(HistoryAdmin):
    list_display = ["commitment", "outcome", "meeting", "successor"]
    list_filter = ["outcome", "meeting__status"]
    list_select_related = ["commitment__meeting", "meeting", "successor__meeting"]
    search_fields = [
        "commitment__heading",
        "commitment__heading_en",
        "meeting__title",
        "meeting__title_en",
        "note_en",
        "quote",
    ]
    autocomplete_fields = ["meeting", "commitment", "successor"]
    show_full_result_count = False
    fieldsets = [
        ("Which point, reviewed where", {"fields": ["commitment", "meeting"]}),
        (
            "What the later meeting decided",
            {"fields": ["outcome", "successor", "note_en"]},
        ),
        ("Evidence", {"fields": ["quote"]}),
    ]

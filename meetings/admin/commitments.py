"""Editing numbered commitments and the pledges made to keep them."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminTextareaWidget

from ..counting import correlated_count
from ..models import (
    Commitment,
    Pledge,
)
from .base import (
    SHORT_TEXTAREAS,
    HistoryAdmin,
    PublicOnlyViewOnSite,
    TabularInline,
    formsets_saved_anything,
    refresh_statuses,
)
from .evidence import EvidenceInline, EvidenceOnceSaved
from .filters import OverdueFilter, PledgeOverdueFilter
from .large_tables import LargeTablePaginator, SearchRelatedByKey, ShowsLoadedChoices
from .tracking import ActionItemInline
from .versions import VersionCheckedInline

DERIVED_STATUS = (
    "Derived from the evidence on this pledge, on its commitment and on the commitment's "
    "action items (see meetings/status.py), and never typed by hand: to change it, add evidence."
)


class CommitmentEvidenceInline(EvidenceInline):
    fk_name = "commitment"  # not ``concerns``, which also points to the commitment


class CommitmentForm(forms.ModelForm):
    class Meta:
        model = Commitment
        fields = ["meeting", "number", "heading", "body", "heading_en", "body_en"]
        widgets = {
            "heading": AdminTextareaWidget(attrs={"rows": 2}),
            "heading_en": AdminTextareaWidget(attrs={"rows": 2}),
            "body": AdminTextareaWidget(attrs={"rows": 5}),
            "body_en": AdminTextareaWidget(attrs={"rows": 5}),
        }


class PledgeInline(VersionCheckedInline, ShowsLoadedChoices, TabularInline):
    """Pledges of one commitment; ``Pledge.clean`` refuses organizations not at the meeting."""

    model = Pledge
    loaded_related = ["organization", "commitment__meeting"]  # the box and __str__ of each row
    extra = 0
    show_change_link = True
    autocomplete_fields = ["organization"]
    fields = ["organization", "basis", "source_quote", "status", "status_as_of"]
    readonly_fields = ["status", "status_as_of"]
    formfield_overrides = SHORT_TEXTAREAS


@admin.register(Commitment)
class CommitmentAdmin(SearchRelatedByKey, EvidenceOnceSaved, PublicOnlyViewOnSite, HistoryAdmin):
    form = CommitmentForm
    list_display = ["meeting", "number", "heading_en", "pledge_count"]
    list_display_links = ["number", "heading_en"]
    list_filter = ["meeting__status", "meeting__industries", OverdueFilter]
    list_select_related = ["meeting"]
    search_fields = [
        "heading",
        "heading_en",
        "body",
        "body_en",
        "meeting__title",
        "meeting__title_en",
    ]
    autocomplete_fields = ["meeting"]
    show_full_result_count = False
    paginator = LargeTablePaginator
    # Newest meeting first, its points in order: read backwards from the index of the
    # (meeting, number) constraint, where the meeting's own order would sort 100,000 rows.
    ordering = ["-meeting_id", "number"]
    inlines = [PledgeInline, ActionItemInline, CommitmentEvidenceInline]
    fieldsets = [
        ("Where it was agreed", {"fields": ["meeting", "number"]}),
        (
            "As the source printed it (original)",
            {"description": "The authority: copy it exactly.", "fields": ["heading", "body"]},
        ),
        ("English translation (ours)", {"fields": ["heading_en", "body_en"]}),
    ]

    def get_queryset(self, request):
        # select_related: __str__ (autocomplete results too) shows the meeting. The count is
        # computed for the rows shown only (Count over a join grouped every pledge: 2.7 s).
        queryset = super().get_queryset(request).select_related("meeting")
        return queryset.annotate(pledge_count=correlated_count(Pledge.objects.all(), "commitment"))

    def is_public(self, obj):
        return obj.meeting.is_published

    def save_related(self, request, form, formsets, change):
        # New pledges start with the status the evidence gives; new items and entries change it.
        super().save_related(request, form, formsets, change)
        if formsets_saved_anything(formsets):
            refresh_statuses([form.instance.pk])

    @admin.display(description="pledges", ordering="pledge_count")
    def pledge_count(self, obj):
        return obj.pledge_count


@admin.register(Pledge)
class PledgeAdmin(SearchRelatedByKey, EvidenceOnceSaved, HistoryAdmin):
    list_display = ["organization", "meeting", "point", "basis", "status", "status_as_of", "created_at"]
    list_filter = [
        "status",
        PledgeOverdueFilter,
        "basis",
        "commitment__meeting__status",
        "organization__kind",
    ]
    list_select_related = ["organization", "commitment__meeting"]
    search_fields = [
        "organization__name",
        "organization__name_en",
        "commitment__heading",
        "commitment__heading_en",
        "commitment__meeting__title",
        "commitment__meeting__title_en",
    ]
    autocomplete_fields = ["organization", "commitment"]
    readonly_fields = ["created_at", "status", "status_as_of"]
    show_full_result_count = False
    paginator = LargeTablePaginator
    # Newest first, read backwards from the primary key: the model's order (by meeting, point
    # and organization, over three tables) sorted a million rows for each page.
    ordering = ["-pk"]
    inlines = [EvidenceInline]
    fieldsets = [
        (None, {"fields": ["commitment", "organization", "basis", "source_quote", "created_at"]}),
        (
            "Status (derived from evidence)",
            {"description": DERIVED_STATUS, "fields": ["status", "status_as_of"]},
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        # A new pledge has no status to show yet: it is derived when the pledge is saved.
        return super().get_fieldsets(request, obj) if obj is not None else self.fieldsets[:1]

    def get_queryset(self, request):
        # select_related: __str__ (autocomplete results too) names the organization and meeting.
        return super().get_queryset(request).select_related(*self.list_select_related)

    def save_model(self, request, obj, form, change):
        # Always: a new pledge takes the status the existing evidence gives, and a reverted
        # one comes back from the history (which leaves the derived status out) without it.
        super().save_model(request, obj, form, change)
        refresh_statuses([obj.commitment_id])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if formsets_saved_anything(formsets):
            refresh_statuses([form.instance.commitment_id])

    @admin.display(description="meeting", ordering="commitment__meeting")
    def meeting(self, obj):
        return obj.commitment.meeting

    @admin.display(description="point", ordering="commitment__number")
    def point(self, obj):
        return obj.commitment.number

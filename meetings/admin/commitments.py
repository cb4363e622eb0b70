"""Editing numbered commitments and the pledges made to keep them."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminTextareaWidget
from django.db.models import Count

from ..models import (
    Commitment,
    Pledge,
)
from .base import SHORT_TEXTAREAS, PublicOnlyViewOnSite


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


class PledgeInline(admin.TabularInline):
    """Pledges of one commitment; ``Pledge.clean`` refuses organizations not at the meeting."""

    model = Pledge
    extra = 0
    autocomplete_fields = ["organization"]
    fields = ["organization", "basis", "source_quote"]
    formfield_overrides = SHORT_TEXTAREAS


@admin.register(Commitment)
class CommitmentAdmin(PublicOnlyViewOnSite, admin.ModelAdmin):
    form = CommitmentForm
    list_display = ["meeting", "number", "heading_en", "pledge_count"]
    list_display_links = ["number", "heading_en"]
    list_filter = ["meeting__status", "meeting__industries"]
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
    inlines = [PledgeInline]
    fieldsets = [
        ("Where it was agreed", {"fields": ["meeting", "number"]}),
        (
            "As the source printed it (original)",
            {"description": "The authority: copy it exactly.", "fields": ["heading", "body"]},
        ),
        ("English translation (ours)", {"fields": ["heading_en", "body_en"]}),
    ]

    def get_queryset(self, request):
        # select_related: __str__ (autocomplete results too) shows the meeting.
        return super().get_queryset(request).select_related("meeting").annotate(pledge_count=Count("pledges"))

    def is_public(self, obj):
        return obj.meeting.is_published

    @admin.display(description="pledges", ordering="pledge_count")
    def pledge_count(self, obj):
        return obj.pledge_count


@admin.register(Pledge)
class PledgeAdmin(admin.ModelAdmin):
    list_display = ["organization", "meeting", "point", "basis", "created_at"]
    list_filter = ["basis", "commitment__meeting__status", "organization__kind"]
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
    readonly_fields = ["created_at"]
    show_full_result_count = False
    fields = ["commitment", "organization", "basis", "source_quote", "created_at"]

    @admin.display(description="meeting", ordering="commitment__meeting")
    def meeting(self, obj):
        return obj.commitment.meeting

    @admin.display(description="point", ordering="commitment__number")
    def point(self, obj):
        return obj.commitment.number

"""Editing organizations, people, industries and sources."""

from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.html import format_html

from ..models import (
    Industry,
    Organization,
    OrganizationAlias,
    Person,
    Source,
)
from .base import HistoryAdmin, PublicOnlyViewOnSite, TabularInline
from .versions import VersionCheckedInline


@admin.register(Industry)
class IndustryAdmin(HistoryAdmin):
    list_display = ["name_en", "name", "slug", "meeting_count"]
    search_fields = ["name", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(meeting_count=Count("meetings"))

    @admin.display(description="meetings", ordering="meeting_count")
    def meeting_count(self, obj):
        return obj.meeting_count


class OrganizationAliasInline(VersionCheckedInline, TabularInline):
    model = OrganizationAlias
    extra = 1
    verbose_name = "other name"
    verbose_name_plural = "other names (short forms, the other script, former names)"


@admin.register(Organization)
class OrganizationAdmin(PublicOnlyViewOnSite, HistoryAdmin):
    list_display = ["name_en", "name", "kind", "parent", "province", "name_en_official"]
    list_filter = ["kind", "province", "name_en_official"]
    list_select_related = ["parent"]
    search_fields = ["name", "name_en", "slug", "aliases__name"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name_en"]}
    readonly_fields = ["created_at", "updated_at"]
    inlines = [OrganizationAliasInline]
    fieldsets = [
        (
            "Names",
            {
                "description": "The original name, exactly as the source writes it, is the "
                "authority. The English name is our translation unless "
                "<em>official English name</em> is ticked.",
                "fields": ["name", ("name_en", "name_en_official"), "slug"],
            },
        ),
        ("What it is", {"fields": ["kind", "parent", "province"]}),
        ("Notes", {"fields": ["notes"]}),
        ("Record", {"fields": [("created_at", "updated_at")], "classes": ["collapse"]}),
    ]

    def is_public(self, obj):
        return Organization.objects.public().filter(pk=obj.pk).exists()


@admin.register(Person)
class PersonAdmin(HistoryAdmin):
    list_display = ["name_en", "name", "attendance_count"]
    search_fields = ["name", "name_en"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(attendance_count=Count("attendances"))

    @admin.display(description="meetings attended", ordering="attendance_count")
    def attendance_count(self, obj):
        return obj.attendance_count


@admin.register(Source)
class SourceAdmin(HistoryAdmin):
    list_display = ["title", "publisher_display", "published_on", "language", "link"]
    list_filter = ["language", "publisher"]
    search_fields = ["title", "title_en", "publisher", "publisher_en", "reprinted_from", "url"]
    date_hierarchy = "published_on"
    # Sources are cited by their full address; a bare domain is read as https, not http.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (
            "As published (original language)",
            {
                "description": "Exactly as the source prints it.",
                "fields": [
                    "publisher",
                    "title",
                    "reprinted_from",
                    ("published_on", "language"),
                    "url",
                ],
            },
        ),
        (
            "English translation (ours)",
            {"fields": ["publisher_en", "title_en", "reprinted_from_en"]},
        ),
        ("Notes", {"fields": ["notes"]}),
    ]

    @admin.display(description="publisher", ordering="publisher")
    def publisher_display(self, obj):
        return obj.publisher_en or obj.publisher

    @admin.display(description="URL")
    def link(self, obj):
        if not obj.url:
            return "—"
        return format_html('<a href="{}" target="_blank" rel="noopener">open ↗</a>', obj.url)

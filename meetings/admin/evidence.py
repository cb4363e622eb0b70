"""Evidence: dated, sourced observations, append-only in the admin as on the public record.

An entry can be added (on its own screen, or inline on the pledge, commitment or action
item it is about) but never changed or deleted; a correction is a new entry that
supersedes the old one. Adding an entry refreshes the stored pledge statuses.
"""

from urllib.parse import urlencode

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from ..models import ActionItem, Evidence
from .base import SHORT_TEXTAREAS, HistoryAdmin, PublicOnlyViewOnSite, TabularInline, refresh_statuses
from .filters import EvidenceCurrentFilter, EvidenceSubjectFilter
from .large_tables import LargeTablePaginator, SearchRelatedByKey

APPEND_ONLY = (
    "Entries are never changed or deleted, so the record keeps what was said and when. "
    "To correct this entry, add a new entry that supersedes it."
)
# What Evidence.__str__ and the subject column show, loaded with the entry.
EVIDENCE_RELATED = [
    "source",
    "pledge__organization",
    "pledge__commitment__meeting",
    "commitment__meeting",
    "action_item__commitment__meeting",
]


def correction_link(entry):
    """'Add a correction' for a current entry; 'corrected by …' for a superseded one."""
    if entry.pk is None:
        return "—"
    newer = getattr(entry, "superseded_by", None)
    if newer is not None:
        url = reverse("admin:meetings_evidence_change", args=[newer.pk])
        return format_html('Corrected by <a href="{}">entry {}</a>', url, newer.pk)
    subject = next(
        (name, pk)
        for name, pk in [
            ("pledge", entry.pledge_id),
            ("commitment", entry.commitment_id),
            ("action_item", entry.action_item_id),
        ]
        if pk
    )
    query = urlencode({"supersedes": entry.pk, subject[0]: subject[1]})
    url = f"{reverse('admin:meetings_evidence_add')}?{query}"
    return format_html('<a href="{}">Add a correction that supersedes this entry</a>', url)


class EvidenceInline(TabularInline):
    """Add-only: earlier entries are shown read-only, each with a link to correct it."""

    model = Evidence
    extra = 0
    autocomplete_fields = ["source"]
    fields = [
        "observed_on",
        "observed_on_precision",
        "verdict",
        "summary_en",
        "reason",
        "source",
        "quote",
        "correction",
    ]
    readonly_fields = ["correction"]
    formfield_overrides = SHORT_TEXTAREAS
    view_on_site = False  # each row would link to the same public page as the screen it is on
    verbose_name = "evidence entry"
    verbose_name_plural = "evidence (add-only: to correct an entry, add one that supersedes it)"

    def get_queryset(self, request):
        # Each row shows its entry (__str__ names the subject and its meeting) and its source.
        return super().get_queryset(request).select_related(*EVIDENCE_RELATED, "superseded_by")

    def get_fields(self, request, obj=None):
        if isinstance(obj, ActionItem):
            return ["occurrence", *self.fields]
        return self.fields

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="correction")
    def correction(self, obj):
        return correction_link(obj)


class EvidenceOnceSaved:
    """For the screens of what evidence is about: the evidence inline appears once the record
    exists, since an entry is checked against its subject before the subject is saved."""

    def get_inlines(self, request, obj):
        inlines = super().get_inlines(request, obj)
        return inlines if obj is not None else [i for i in inlines if not issubclass(i, EvidenceInline)]


@admin.register(Evidence)
class EvidenceAdmin(SearchRelatedByKey, PublicOnlyViewOnSite, HistoryAdmin):
    list_display = ["observed", "verdict", "subject_display", "source", "is_current", "recorded_at"]
    list_filter = [EvidenceCurrentFilter, "verdict", EvidenceSubjectFilter, "observed_on_precision"]
    list_select_related = [*EVIDENCE_RELATED, "superseded_by"]
    search_fields = [
        "summary_en",
        "reason",
        "quote",
        "source__title",
        "source__publisher",
        "pledge__organization__name",
        "pledge__organization__name_en",
        "commitment__heading_en",
        "action_item__text_en",
    ]
    autocomplete_fields = ["pledge", "commitment", "action_item", "source", "supersedes"]
    readonly_fields = ["correction", "recorded_at"]
    date_hierarchy = "observed_on"
    show_full_result_count = False
    paginator = LargeTablePaginator
    fieldsets = [
        (
            "What it is about",
            {
                "description": "Exactly one of: a pledge (one organization), a commitment (every "
                "organization that pledged it) or an action item (likewise, through the item).",
                "fields": ["pledge", "commitment", "action_item", "occurrence"],
            },
        ),
        (
            "What happened",
            {
                "fields": [
                    ("observed_on", "observed_on_precision"),
                    "verdict",
                    "summary_en",
                    "reason",
                ]
            },
        ),
        ("Source", {"fields": ["source", "quote"]}),
        (
            "Correction",
            {
                "description": "Entries cannot be changed once saved. If this entry corrects an "
                "earlier one, choose it here: the earlier entry then no longer counts.",
                "fields": ["supersedes"],
            },
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.fieldsets
        correcting = ("Correcting this entry", {"description": APPEND_ONLY, "fields": ["correction"]})
        recorded = ("Record", {"fields": ["recorded_at"]})
        return [correcting, *self.fieldsets, recorded]

    def get_queryset(self, request):
        # Also for autocomplete results and the change page: __str__ names the subject and
        # its meeting. (The changelist applies list_select_related only when this does not.)
        return super().get_queryset(request).select_related(*self.list_select_related)

    def get_changeform_initial_data(self, request):
        """Prefill a correction (``?supersedes=<pk>``) with the entry it corrects; the query wins."""
        initial = super().get_changeform_initial_data(request)
        try:
            earlier = Evidence.objects.get(pk=int(initial.get("supersedes", "")))
        except (ValueError, Evidence.DoesNotExist):
            return initial
        copied = ["pledge", "commitment", "action_item", "occurrence", "observed_on_precision"]
        copied += ["verdict", "summary_en", "reason", "source", "quote", "observed_on"]
        for name in copied:
            value = getattr(earlier, Evidence._meta.get_field(name).attname)
            if value not in (None, ""):
                initial.setdefault(name, value)
        return initial

    def is_public(self, obj):
        return obj.about_commitment.meeting.is_published

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # An entry on a commitment, one of its pledges or one of its items: all its pledges.
        refresh_statuses([obj.about_commitment.pk])

    @admin.display(description="observed", ordering="observed_on")
    def observed(self, obj):
        return obj.observed_on_display

    @admin.display(description="about")
    def subject_display(self, obj):
        return obj.subject

    @admin.display(description="current", boolean=True)
    def is_current(self, obj):
        return getattr(obj, "superseded_by", None) is None

    @admin.display(description="correct it")
    def correction(self, obj):
        return correction_link(obj)

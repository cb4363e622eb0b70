"""Pieces shared by the admin screens."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import PermissionDenied
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

from ..status import commitments_affected_by_series, refresh_pledge_statuses
from .versions import VersionCheckedAdmin

ORIGINAL_VS_ENGLISH = (
    "Fields marked <em>(original)</em> hold the text exactly as the source printed it; "
    "fields marked <em>(English)</em> are our translation."
)

# Quotes and notes in table rows: a few lines, not the default ten.
SHORT_TEXTAREAS = {models.TextField: {"widget": AdminTextareaWidget(attrs={"rows": 2})}}


def name_cells(form):
    """Give each visible box of a form shown as a table row its column's name (aria-label).

    In a table of forms each field's label is only the column header, which is not a
    <label>: screen readers announced "edit text" with no name (axe-core: "Form elements
    must have labels").
    """
    for name, field in form.fields.items():
        widget = getattr(field.widget, "widget", field.widget)  # inside the related-object icons
        if not widget.is_hidden:
            widget.attrs["aria-label"] = capfirst(str(field.label or name.replace("_", " ")))


class NamedCellsFormSet(BaseInlineFormSet):
    """The rows of a tabular inline, their boxes named after their columns (``name_cells``)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        name_cells(form)


class TabularInline(admin.TabularInline):
    """A tabular inline whose boxes are named for screen readers (see NamedCellsFormSet)."""

    formset = NamedCellsFormSet


class PublicOnlyViewOnSite:
    """Offer "View on site" only for records the public site shows (drafts are admin-only)."""

    def is_public(self, obj):
        return True

    def get_view_on_site_url(self, obj=None):
        if obj is not None and not self.is_public(obj):
            return None
        return super().get_view_on_site_url(obj)


class HistoryAdmin(VersionCheckedAdmin, SimpleHistoryAdmin):
    """Every admin screen: "History" lists who changed what, field by field, with revert; a save
    over a change made since the page was opened is refused (see versions.py).

    django-simple-history's revert view saves on POST for anyone who may *view* the
    history; only its button is hidden from those who may not change the record. So a
    revert is refused here unless the editor may change the record: this keeps
    append-only evidence append-only.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


def refresh_statuses(commitment_ids):
    """Store the pledge statuses the evidence now gives, for these commitments. Queries."""
    ids = {pk for pk in commitment_ids if pk}
    if ids:
        refresh_pledge_statuses(ids)


def refresh_statuses_for_series(series_ids):
    """After a meeting of a series changed: its editions keep recurring action items. Queries."""
    ids = {pk for pk in series_ids if pk}
    if ids:
        refresh_statuses(commitments_affected_by_series(ids))


def formsets_saved_anything(formsets):
    """Whether saving these inline formsets added, changed or deleted a row."""
    return any(
        formset.new_objects or formset.changed_objects or formset.deleted_objects for formset in formsets
    )

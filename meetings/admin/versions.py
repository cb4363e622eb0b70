"""No lost edits: a change form refuses to save over a change made since it was opened.

Each change page carries, in a hidden field, a digest of the record's stored values when the
page was made (``loaded_version``); so does each saved row of its inline tables. On save the
record is read again, locked until the save commits (SELECT ... FOR UPDATE on PostgreSQL, so
two saves of one record take turns), and when its digest differs the form is refused with who
changed it and when, and nothing of the page is saved. The rows of inline tables are compared
with their values as read for the save, after that lock.

No extra column is needed: the digest covers every editable column and the ``updated_at``
stamps, and derived columns (pledge statuses, ``is_public``) are left out, since the site
rewrites them itself after an edit elsewhere and they are not on the form.
"""

import hashlib
import json

from django import forms
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

FIELD = "loaded_version"


def _tracked(model):
    return [
        field.attname
        for field in model._meta.concrete_fields
        if not field.primary_key and (field.editable or getattr(field, "auto_now", False))
    ]


def _digest(values):
    text = json.dumps([None if value is None else str(value) for value in values])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def version_of(instance):
    """The digest of ``instance``'s values as they are on the object."""
    return _digest([getattr(instance, name) for name in _tracked(type(instance))])


def stored_version(model, pk, lock=False):
    """The digest of the stored row, or None when there is none. Queries; with ``lock`` inside a
    transaction, the row stays locked until it ends."""
    rows = model._base_manager.filter(pk=pk)
    if lock and transaction.get_connection(router.db_for_write(model)).in_atomic_block:
        rows = rows.select_for_update()
    values = rows.values_list(*_tracked(model)).first()
    return None if values is None else _digest(values)


def last_change(instance):
    """Who changed ``instance`` last, and when, from its edit history. Queries."""
    history = getattr(type(instance), "history", None)
    if history is None:
        return None, None
    latest = (
        history.filter(**{instance._meta.pk.attname: instance.pk})
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
        .first()
    )
    if latest is None:
        return None, None
    return latest.history_user, latest.history_date


def conflict_message(instance):
    who, when = last_change(instance)
    when = date_format(timezone.localtime(when), "Y-m-d H:i e") if when else None
    if who is not None and when:
        return gettext(
            "This record was changed by %(who)s at %(when)s, after you opened it. Nothing was saved: "
            "reload the page to see their change, then make yours again."
        ) % {"who": who.get_username(), "when": when}
    return gettext(
        "This record was changed after you opened it. Nothing was saved: reload the page to see "
        "the change, then make yours again."
    )


class VersionField(forms.CharField):
    """The hidden digest. It is never a change of its own: an unchanged inline row stays unsaved."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def has_changed(self, initial, data):
        return False


class VersionCheckedForm(forms.ModelForm):
    """A model form that refuses to save over a record changed since the form was made.

    As the main form of a change page (``reread_stored_row``, set by ``VersionCheckedAdmin``),
    the record is read again, under a lock, for both the digest shown and the one compared.
    As a row of an inline table, the row object itself is used: the formset reads it from the
    database for the save, after the main form has taken its lock.
    """

    loaded_version = VersionField()
    reread_stored_row = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self._existing() and not self.is_bound:
            self.fields[FIELD].initial = self._current_version(lock=False)

    def _existing(self):
        return self.instance.pk is not None and not self.instance._state.adding

    def _current_version(self, lock):
        if self.reread_stored_row:
            # Not the object's values: on the history's "revert" page the object is an old version.
            return stored_version(type(self.instance), self.instance.pk, lock=lock)
        return version_of(self.instance)

    def clean(self):
        cleaned_data = super().clean()
        if self._existing():
            current = self._current_version(lock=True)
            if current is not None and cleaned_data.get(FIELD) != current:
                raise ValidationError(conflict_message(self.instance), code="changed_since_opened")
        return cleaned_data


def version_checked(form):
    """``form`` with the digest and its check added (the admin class's own form is kept)."""
    if issubclass(form, VersionCheckedForm):
        return form
    return type(f"VersionChecked{form.__name__}", (VersionCheckedForm, form), {})


class VersionCheckedAdmin:
    """For a ModelAdmin: its change form carries and checks ``loaded_version``."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs.setdefault("form", version_checked(self.form))
        form = super().get_form(request, obj, change=change, **kwargs)
        form.reread_stored_row = True
        return form

    def get_fields(self, request, obj=None):
        return [name for name in super().get_fields(request, obj) if name != FIELD]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            return fieldsets
        return [*fieldsets, (None, {"fields": [FIELD], "classes": ["hidden"]})]


class VersionCheckedInline:
    """For an InlineModelAdmin: each saved row carries and checks ``loaded_version``."""

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("form", version_checked(self.form))
        return super().get_formset(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return [name for name in super().get_fields(request, obj) if name != FIELD]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self.has_change_permission(request, obj):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], FIELD]}), *rest]

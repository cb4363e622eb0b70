"""List filters of the admin that need more than a field lookup."""

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils import timezone

from ..models import ActionItem


def overdue_action_items(today=None):
    """Action items overdue today: the model's rule, shared with the public filters."""
    return ActionItem.objects.overdue(today or timezone.localdate())


class OverdueFilter(admin.SimpleListFilter):
    """Commitments with (or without) an overdue action item; subclasses say how a row reaches its items."""

    title = "overdue"
    parameter_name = "overdue"
    item_field = "commitment"  # the action item's field matched against ``outer_field``
    outer_field = "pk"
    yes = "has an overdue action item"
    no = "no overdue action item"

    def lookups(self, request, model_admin):
        return [("yes", self.yes), ("no", self.no)]

    def queryset(self, request, queryset):
        if self.value() not in ("yes", "no"):
            return queryset
        overdue = Exists(overdue_action_items().filter(**{self.item_field: OuterRef(self.outer_field)}))
        return queryset.filter(overdue) if self.value() == "yes" else queryset.exclude(overdue)


class PledgeOverdueFilter(OverdueFilter):
    outer_field = "commitment"
    yes = "its commitment has an overdue action item"
    no = "no overdue action item"


class ActionItemOverdueFilter(OverdueFilter):
    item_field = "pk"
    yes = "deadline passed, not fulfilled"
    no = "not overdue"


class EvidenceCurrentFilter(admin.SimpleListFilter):
    title = "current or corrected"
    parameter_name = "current"

    def lookups(self, request, model_admin):
        return [("yes", "current"), ("no", "superseded by a correction")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(superseded_by__isnull=True)
        if self.value() == "no":
            return queryset.filter(superseded_by__isnull=False)
        return queryset


class EvidenceSubjectFilter(admin.SimpleListFilter):
    title = "about"
    parameter_name = "about"
    SUBJECTS = {"pledge": "a pledge", "commitment": "a commitment", "action_item": "an action item"}

    def lookups(self, request, model_admin):
        return list(self.SUBJECTS.items())

    def queryset(self, request, queryset):
        if self.value() in self.SUBJECTS:
            return queryset.filter(**{f"{self.value()}__isnull": False})
        return queryset

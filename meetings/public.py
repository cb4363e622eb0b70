"""Keeping ``Organization.is_public`` and ``Organization.convenes`` equal to their rules.

An organization is public when it took part in, or convened, a published meeting, or
when one of its branches took part in one (``Organization.public_condition``). What can
change that, and whom it concerns:

- a participation saved or deleted: its organization and that organization's parent;
- a meeting saved or deleted (its status or organizer changed): its organizer, before and
  after, and every organization taking part, with their parents;
- an organization's parent changed: the old and the new parent.

``convenes`` (the organizer of a published meeting) changes only with a meeting's status
or organizer, which the same receivers refresh. Each is refreshed in the same transaction
as the write, by the signal receivers below.
Bulk writes that send no signals (the synthetic data generator) call ``refresh_public()``
for everything when they finish.
"""

from django.db.models.signals import post_delete, post_save, pre_save

from .models import Meeting, Organization, Participation


def refresh_public(ids=None, convenes=True):
    """Set ``is_public``, and ``convenes`` unless told not to, from their rules (all organizations when None).

    Two UPDATEs per flag, each touching only the rows whose flag changes. Writes that cannot
    change who convenes what (a participation, an organization's parent) pass
    ``convenes=False``: an import saves thousands of participations.
    """
    organizations = Organization.objects.all() if ids is None else Organization.objects.filter(pk__in=ids)
    flags = [("is_public", Organization.public_condition())]
    if convenes:
        flags.append(("convenes", Organization.convening_condition()))
    for flag, rule in flags:
        organizations.filter(**{flag: False}).filter(rule).update(**{flag: True})
        organizations.filter(**{flag: True}).exclude(rule).update(**{flag: False})


def _with_parents(ids):
    ids = {i for i in ids if i}
    parents = Organization.objects.filter(pk__in=ids, parent__isnull=False).values_list("parent_id")
    return ids | {parent for (parent,) in parents}


def _participation_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_public(_with_parents([instance.organization_id]), convenes=False)


def _meeting_before_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._organizer_before = None
        return
    instance._organizer_before = (
        Meeting.objects.filter(pk=instance.pk).values_list("organizer_id", flat=True).first()
    )


def _meeting_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    taking_part = Participation.objects.filter(meeting_id=instance.pk).values_list("organization_id")
    organizers = [instance.organizer_id, getattr(instance, "_organizer_before", None)]
    refresh_public(_with_parents(organizers + [org for (org,) in taking_part]))


def _organization_before_save(sender, instance, raw=False, **kwargs):
    instance._parent_before = (
        None
        if raw or instance.pk is None
        else Organization.objects.filter(pk=instance.pk).values_list("parent_id", flat=True).first()
    )


def _organization_saved(sender, instance, raw=False, created=False, **kwargs):
    before = getattr(instance, "_parent_before", None)
    if raw or (not created and before == instance.parent_id):
        return
    refresh_public({instance.pk, before, instance.parent_id} - {None}, convenes=False)


def connect_signals():
    post_save.connect(_participation_changed, sender=Participation, dispatch_uid="public-participation-save")
    post_delete.connect(_participation_changed, sender=Participation, dispatch_uid="public-participation-del")
    pre_save.connect(_meeting_before_save, sender=Meeting, dispatch_uid="public-meeting-pre-save")
    post_save.connect(_meeting_changed, sender=Meeting, dispatch_uid="public-meeting-save")
    post_delete.connect(_meeting_changed, sender=Meeting, dispatch_uid="public-meeting-delete")
    pre_save.connect(_organization_before_save, sender=Organization, dispatch_uid="public-org-pre-save")
    post_save.connect(_organization_saved, sender=Organization, dispatch_uid="public-org-save")

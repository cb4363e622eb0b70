"""Saving the records of a file one by one, through ``full_clean()``, and counting what changed.

Every record is saved individually (never in bulk) so that the edit history sees
each import; a record that fails validation stops the file with the problem named
by its place in the file.
"""

from collections import Counter

from django.core.exceptions import ValidationError

from ..models import MeetingSource

# File fields stored under other or several model fields, for telling which model
# fields a file sets. A model has only one of "quote" and "source_quote".
_STORED_AS = {
    "quote": ("quote", "source_quote"),
    "held_on": ("held_on", "held_on_precision"),
    "deadline": ("deadline", "deadline_precision"),
}


class Rejected(Exception):
    """A file that turned out to be wrong while it was being written; rolls it back."""

    def __init__(self, problems):
        self.problems = problems


def _key(model, lookup):
    """A lookup as a set member: records as their model and pk."""
    values = ((name, (type(v), v.pk) if hasattr(v, "_meta") else v) for name, v in lookup.items())
    return model, tuple(sorted(values))


class Recorder:
    """Creates and updates records; ``counts`` maps (verb, model name) to a number."""

    def __init__(self):
        self.counts = Counter()
        self.new = set()  # (model, pk) of the records this recorder created
        self.saved = set()  # _key() of the records save() created

    def save(self, model, where, lookup, values, item):
        """Create from ``lookup`` and ``values``, or update the fields that ``item`` (a part of
        the file) sets explicitly and that differ.

        A lookup by a record this recorder created (a new meeting's participants) is not
        sent to the database: only this recorder can have saved the records that point to
        it, and it remembers the lookups it created them from.
        """
        key = _key(model, lookup)
        parents = [v for v in lookup.values() if hasattr(v, "_meta")]
        if key not in self.saved and any((type(v), v.pk) in self.new for v in parents):
            instance = None
        else:
            instance = model.objects.filter(**lookup).order_by("pk").first()
        if instance is None:
            self.saved.add(key)
            return self.create(model, where, {**lookup, **values})
        given = {stored for name in item.model_fields_set for stored in _STORED_AS.get(name, (name,))}
        changed = {
            name: values[name] for name in given & values.keys() if getattr(instance, name) != values[name]
        }
        if changed:
            self.apply(instance, where, changed)
        return instance

    def create(self, model, where, values):
        instance = model(**values)
        self.clean_and_save(instance, where)
        self.new.add((model, instance.pk))
        # A new meeting-source link reads as "linked 1 source"; an update changes its quote.
        key = ("linked", "source") if model is MeetingSource else ("created", model._meta.model_name)
        self.counts[key] += 1
        return instance

    def apply(self, instance, where, values):
        for name, value in values.items():
            setattr(instance, name, value)
        self.clean_and_save(instance, where)
        self.counts["updated", instance._meta.model_name] += 1

    def clean_and_save(self, instance, where):
        try:
            instance.full_clean()
        except ValidationError as error:
            raise Rejected(
                [
                    f"{where}.{name}: {message}" if name != "__all__" else f"{where}: {message}"
                    for name, messages in error.message_dict.items()
                    for message in messages
                ]
            ) from None
        instance.save()

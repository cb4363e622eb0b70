"""The organizations of a file: finding the ones it refers to, and matching, creating or naming them.

Organizations are shared by many meetings, so one matched in the database is never
overwritten: only its blanks are filled and the file's names added as aliases.
"""

from ..models import Organization, OrganizationAlias
from .recorder import Rejected


def _two_first(*querysets):
    """The two lowest pks among the organization pks the querysets select, each in pk order.

    Each is a simple query on one index (a slug, a top-level name, a name within a parent,
    an alias), asking for its two lowest pks: one query across the aliases with OR and
    DISTINCT took longer the more organizations there were.
    """
    pks = set()
    for queryset in querysets:
        pks.update(queryset[:2])
    return sorted(pks)[:2]


def _pks(**lookup):
    return Organization.objects.filter(**lookup).values_list("pk", flat=True).order_by("pk")


def _alias_owners(names):
    aliases = OrganizationAlias.objects.filter(name__in=names)
    return aliases.values_list("organization_id", flat=True).distinct().order_by("organization_id")


def referenced_organizations(ref):
    """Recorded organizations a reference (slug, top-level name or alias) can mean; at most two, by pk."""
    pks = _two_first(_pks(slug=ref), _pks(name=ref, parent__isnull=True), _alias_owners([ref]))
    return list(Organization.objects.filter(pk__in=pks).order_by("pk")) if pks else []


def matching_organizations(name, aliases=(), parent=None):
    """Recorded organizations an imported one would be matched to, at most two, by pk; the rule's one home.

    Its own name (within its parent, for a branch), one of its aliases as a top-level name,
    or any of those names as an alias. A branch name is unique only within its parent, and
    an alias across all.
    """
    own_name = _pks(name=name, parent=parent) if parent else _pks(name=name, parent__isnull=True)
    names = [*aliases] if parent else [name, *aliases]
    found = [own_name]
    if aliases:
        found.append(_pks(name__in=aliases, parent__isnull=True))
    if names:
        found.append(_alias_owners(names))
    pks = _two_first(*found)
    return Organization.objects.filter(pk__in=pks).order_by("pk") if pks else Organization.objects.none()


class Organizations:
    """The file's ``organizations`` section, and every reference to an organization."""

    def __init__(self, organizations, recorder):
        self.listed = organizations
        self.recorder = recorder
        # Every name, alias and slug of the file's organizations, for references;
        # a branch name may belong to several (one per parent).
        self.in_file = {}
        for org in organizations:
            for key in dict.fromkeys((org.name, org.slug, *org.aliases)):
                self.in_file.setdefault(key, []).append(org)
        self.resolved = {}
        self.ordered = []

    # -- checks that need no writes -------------------------------------------------

    def identify(self, ref):
        """(problem or None, a key that is equal for two references to one organization)."""
        in_file = self.in_file.get(ref, [])
        if len(in_file) > 1:
            return f"{ref!r} names several organizations in this file; use a slug", None
        if in_file:
            return None, ("file", in_file[0].slug)
        found = self.in_database(ref)
        if not found:
            return f"no organization named {ref!r} in this file or the database", None
        if len(found) > 1:
            return f"{ref!r} matches several organizations in the database; use a slug", None
        return None, ("database", found[0].pk)

    def check_parents(self):
        try:
            self.ordered = self._parents_first()
        except Rejected as rejected:
            return rejected.problems
        return []

    def in_database(self, ref):
        return referenced_organizations(ref)

    def _parents_first(self):
        """Organizations ordered so that a parent in the file is written before its branches."""
        pending = list(enumerate(self.listed))
        ordered, done = [], set()
        while pending:
            ready = [
                (i, o)
                for i, o in pending
                if not o.parent
                or len(self.in_file.get(o.parent, [])) != 1
                or self.in_file[o.parent][0].slug in done
            ]
            if not ready:
                raise Rejected([f"organizations[{pending[0][0]}].parent: the parents form a loop"])
            done.update(o.slug for _, o in ready)
            ordered += ready
            pending = [item for item in pending if item not in ready]
        return ordered

    # -- writing ------------------------------------------------------------------------

    def write(self):
        for i, org in self.ordered:
            self.resolved[org.slug] = self._write(i, org)

    def get(self, ref):
        """The organization a checked reference names, once ``write()`` has run."""
        if ref in self.in_file:
            return self.resolved[self.in_file[ref][0].slug]
        return self.in_database(ref)[0]

    def _write(self, i, org):
        where = f"organizations[{i}]"
        parent = self.get(org.parent) if org.parent else None
        names = [*org.aliases] if parent else [org.name, *org.aliases]
        found = list(matching_organizations(org.name, org.aliases, parent)[:2])
        if len(found) > 1:
            raise Rejected([f"{where}: {org.name!r} matches several organizations in the database"])
        if not found:
            clash = Organization.objects.filter(slug=org.slug).first()
            if clash:
                raise Rejected(
                    [
                        f"{where}.slug: {org.slug!r} belongs to {clash.name!r}, which has none of this "
                        "organization's names; give that organization's name as an alias, or another slug"
                    ]
                )
            values = {**org.model_dump(exclude={"aliases", "parent"}), "parent": parent}
            created = self.recorder.create(Organization, where, values)
            return self._with_aliases(where, created, org.aliases, known={created.name})
        instance = found[0]
        blanks = {}
        if org.name_en and not instance.name_en:
            blanks.update(name_en=org.name_en, name_en_official=org.name_en_official)
        blanks.update(
            {name: getattr(org, name) for name in ("province", "notes") if not getattr(instance, name)}
        )
        blanks = {name: value for name, value in blanks.items() if getattr(instance, name) != value}
        if blanks:
            self.recorder.apply(instance, where, blanks)
        # The file's own name becomes an alias, so that other files can refer to it.
        return self._with_aliases(where, instance, names)

    def _with_aliases(self, where, instance, aliases, known=None):
        """Add the names it does not have yet as aliases; ``known``: its names, when they are known."""
        if known is None:
            known = {instance.name, *instance.aliases.values_list("name", flat=True)}
        for alias in dict.fromkeys(aliases):
            if alias not in known:
                self.recorder.create(
                    OrganizationAlias, f"{where}.aliases", {"organization": instance, "name": alias}
                )
        return instance

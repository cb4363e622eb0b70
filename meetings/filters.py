"""The filters of the public list pages: one FilterSet per page, the query string is the API."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import BooleanField, Case, Exists, ExpressionWrapper, OuterRef, Q, Value, When
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from .compiled import kept, padded
from .lookups import contains_lookup, in_search_text, searches_stored
from .models import (
    ActionItem,
    Commitment,
    Industry,
    Meeting,
    Organization,
    OrganizationAlias,
    OrganizationIndustry,
    Participation,
    Pledge,
    Verdict,
)
from .provinces import Province
from .scripts import script_variants
from .widgets import Jinja2FormRenderer

# The annotation a ranked search sorts by first: 0 for a match in a rank field, else 1.
# meetings.paging reads each row's rank with its id and puts rank 0 first.
SEARCH_RANK = "search_rank"
# The alias of the condition "matches in a rank field": meetings.paging reads the rows of rank 0
# with it. Filtered on as it is, PostgreSQL estimates from the columns' statistics how many
# rows match; filtered on as "search_rank = 0" it guessed 0.5 % of them, and read and sorted
# every row where 14 % matched and walking the list's index stopped after the first 1,001
# (141 ms instead of 22 ms for 生產 on 100,000 commitments).
SEARCH_FIRST = "search_first"


class SearchFilter(django_filters.CharFilter):
    """A case-insensitive 'contains' search over several fields, combined with OR.

    Chinese matches in either script: the query is also searched for converted to
    Simplified and to Traditional, so 镓 finds 鎵 and the reverse. Rows matching in one
    of ``rank_fields`` (a name or heading) come before rows matching only elsewhere
    (a body), each group in the page's usual order.
    """

    def __init__(self, *args, search_fields, rank_fields=(), search_aliases=False, related=None, **kwargs):
        """``related``: ``{relation: Q}``, the only related records a field of that relation can match in."""
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)
        self.search_fields = search_fields
        self.rank_fields = rank_fields
        self.search_aliases = search_aliases
        self.related = related or {}

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        variants = script_variants(value)
        vendor = connections[qs.db].vendor
        lookups = {variant: contains_lookup(variant, vendor) for variant in variants}

        def matching(model, fields):
            """The condition "a variant is in one of these fields of ``model``"."""
            found = Q()
            for variant in variants:
                if searches_stored(variant, lookups[variant], model, fields):
                    found |= Q(in_search_text(variant))
                    continue
                for field in fields:
                    found |= Q(**{f"{field}__{lookups[variant]}": variant})
            return found

        own, related = [], {}
        for field in self.search_fields:
            relation, _, rest = field.partition("__")
            if rest:  # a field of a related record: searched in a subquery, below
                related.setdefault(relation, []).append(rest)
            else:
                own.append(field)
        condition = matching(qs.model, own)
        for relation, fields in related.items():
            # organizer IN (SELECT … WHERE name LIKE …) rather than a join: each branch of the
            # OR can then use its own trigram index, where a join forced a scan of every row.
            model = qs.model._meta.get_field(relation).related_model
            records = model.objects.filter(self.related.get(relation, Q()))
            condition |= Q(**{f"{relation}__in": records.filter(matching(model, fields)).values("pk")})
        if self.search_aliases:
            names = matching(OrganizationAlias, ["name"])
            aliases = OrganizationAlias.objects.filter(names, organization=OuterRef("pk"))
            condition |= Exists(aliases)
        qs = qs.filter(condition)
        if self.rank_fields:
            first = Q()
            for field in self.rank_fields:
                for variant in variants:
                    first |= Q(**{f"{field}__{lookups[variant]}": variant})
            rank = Case(When(first, then=Value(0)), default=Value(1))
            ordering = qs.query.order_by or qs.model._meta.ordering
            qs = (
                qs.alias(**{SEARCH_FIRST: ExpressionWrapper(first, output_field=BooleanField())})
                .annotate(**{SEARCH_RANK: rank})
                .order_by(SEARCH_RANK, *ordering)
            )
        return qs


# A choice list longer than this is not sent as a <select> (with 20,000 companies the
# commitments page weighed 4 MB); the field becomes a text box for the slug instead.
LONGEST_SELECT = 100


class SlugsInput(forms.Widget):
    """Text boxes for slugs: one per value chosen, and an empty one to add another."""

    def __init__(self, attrs=None, multiple=False):
        super().__init__(attrs)
        self.multiple = multiple

    def value_from_datadict(self, data, files, name):
        raw = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        values = [value for value in (raw if isinstance(raw, list | tuple) else [raw]) if value]
        if self.multiple:
            return values
        return values[0] if values else None

    def format_value(self, value):
        if value in (None, "", []):
            return []
        return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        values = self.format_value(value)
        if self.multiple or not values:
            values.append("")
        first_id = attrs.pop("id", name)
        return format_html_join(
            "",
            '<input type="text" name="{}" value="{}" id="{}" spellcheck="false" autocomplete="off"{}>',
            (
                (name, text, first_id if index == 0 else f"{first_id}_{index}", flatatt(attrs))
                for index, text in enumerate(values)
            ),
        )


# The filter forms' renderer: Django's Jinja2 form templates, their <select> and <input> written
# in Python (meetings.widgets).
FilterFormRenderer = Jinja2FormRenderer


class FilterForm(forms.Form):
    """The form of a list's filters, its widgets rendered with Django's Jinja2 form templates.

    The same markup as Django's own widget templates, several times faster: rendered in
    Django's template language, a <select> of 34 provinces took 1.5 ms of the companies list.
    """

    # One renderer for every form: it compiles the widget templates once per process.
    default_renderer = FilterFormRenderer()


# What a choice needs: its value (the slug) and its label (the model's __str__: the names).
_CHOICE_COLUMNS = ("slug", "name", "name_en", "title", "title_en")


def use_slug_boxes_for_long_lists(filterset, names):
    """A <select> for each field in ``names`` whose choices are few, else text boxes for slugs.

    One plain query per field whatever the data size: the choices are read once, at most one
    more than the longest list a <select> gets (Django's own choice iterator would open a
    server-side cursor on PostgreSQL: three round trips).
    """
    for name in names:
        field = filterset.form.fields[name]
        # Only the columns a choice shows (its slug and names), as plain rows: 200 full rows,
        # most of them thrown away when the list is long, cost a fifth of the meetings list's
        # time, and 200 model instances still a tenth. Instances are made for a short list only.
        model = field.queryset.model
        columns = [c for c in _CHOICE_COLUMNS if any(f.name == c for f in model._meta.concrete_fields)]
        # Compiled on the first request and kept (meetings.compiled): a filter's choices are
        # the same query for every request, only their rows change.
        choices = kept(
            ("filter choices", type(filterset), name),
            lambda field=field, columns=columns: field.queryset.values_list(*columns)[: LONGEST_SELECT + 1],
        )
        rows = list(choices())
        if len(rows) <= LONGEST_SELECT:
            options = [model(**dict(zip(columns, row, strict=True))) for row in rows]
            choices = [(field.prepare_value(o), field.label_from_instance(o)) for o in options]
            empty = [] if isinstance(field, forms.ModelMultipleChoiceField) else [("", field.empty_label)]
            field.widget.choices = empty + choices
            continue
        multiple = isinstance(field, forms.ModelMultipleChoiceField)
        field.widget = SlugsInput(attrs={"placeholder": _("slug, as in its address")}, multiple=multiple)
        field.help_text = _("The slug from the address of its page, such as chalco in /companies/chalco/.")
        if multiple:
            field.help_text += " " + str(_("Add one more in the empty box."))


# A choice field's lookup of the chosen records by slug, compiled once per process
# (meetings.compiled) rather than built and compiled by Django's ModelChoiceField on every
# request. With the form class kept (ListFilterSet), making, validating and applying the
# filters of the 300 sample commitments-list URLs on the large data took 3.7 ms a request
# instead of 5.0-6.2 ms (meetings list 3.9-4.8 instead of 4.8-5.4, companies 1.5-2.3 instead
# of 2.3-2.9; best of seven runs, alternated, on a busy machine).
# Up to this many slugs chosen at once are looked up compiled, padded to the next power of two
# (one SQL text per size); more go through Django's own lookup.
MOST_KEPT_SLUGS = 64


def _kept_records(field, key, slugs):
    """The records of ``field.queryset`` with these slugs, in the queryset's order, by a compiled query."""
    size = 1 << (len(slugs) - 1).bit_length()
    queryset, name = field.queryset, field.to_field_name

    def build(*values):
        return queryset.filter(**{f"{name}__in": values})

    return list(kept(("filter lookup", *key, size), build, *[str] * size)(*padded(slugs, size)))


class KeptModelChoiceField(django_filters.fields.ModelChoiceField):
    """django-filter's ModelChoiceField, its lookup of the chosen record compiled once per process.

    ``kept_key`` (set by :class:`ListFilterSet`) names the filter whose queryset it looks in.
    The same validation and messages as Django's ``to_python``: an unknown slug is an invalid
    choice.
    """

    kept_key = None

    def to_python(self, value):
        if (
            self.kept_key is None
            or self.null_label is not None
            or not isinstance(value, str)
            or value in self.empty_values
        ):
            return super().to_python(value)
        self.validate_no_null_characters(value)
        records = _kept_records(self, self.kept_key, [value])
        if not records:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return records[0]


class KeptModelMultipleChoiceField(django_filters.fields.ModelMultipleChoiceField):
    """django-filter's ModelMultipleChoiceField, its lookup of the chosen records compiled once per process.

    The same checks, in the same order, as Django's ``_check_values``, and the same result:
    the chosen records in the queryset's order, as a list.
    """

    kept_key = None

    def clean(self, value):
        # Nothing chosen: an empty list rather than Django's ``queryset.none()``, whose every
        # use (``if not companies``) ran the compiler to find it empty, 0.1 ms a request.
        if self.kept_key is not None and not self.required and not self.prepare_value(value):
            return []
        return super().clean(value)

    def _check_values(self, value):
        try:
            chosen = frozenset(value)
        except TypeError:
            return super()._check_values(value)
        if (
            self.kept_key is None
            or self.null_label is not None
            or not 0 < len(chosen) <= MOST_KEPT_SLUGS
            or not all(isinstance(slug, str) for slug in chosen)
        ):
            return super()._check_values(value)
        for slug in chosen:
            self.validate_no_null_characters(slug)
        records = _kept_records(self, self.kept_key, sorted(chosen))
        found = {str(getattr(record, self.to_field_name)) for record in records}
        for slug in chosen:
            if slug not in found:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": slug}
                )
        return records


class KeptModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = KeptModelChoiceField


class KeptModelMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = KeptModelMultipleChoiceField


class ListFilterSet(django_filters.FilterSet):
    """A FilterSet whose form class, with its fields, is built once per process.

    django-filter builds a new form class on every request: each filter makes its field
    (a model choice field calls its queryset function), and ``type()`` makes the class. None
    of it depends on the request or the data (the querysets are lazy, and every form copies
    its fields from the class, with a fresh copy of each queryset), so it is built on the
    first request and kept (measured with the compiled lookups, above ``_kept_records``).
    """

    def get_form_class(self):
        cls = type(self)
        form_class = cls.__dict__.get("_kept_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            for name, field in form_class.base_fields.items():
                if isinstance(field, KeptModelChoiceField | KeptModelMultipleChoiceField):
                    field.kept_key = (cls, name)
            cls._kept_form_class = form_class
        return form_class


def _industries(request):
    return Industry.objects.all()


def _public_companies(request):
    return Organization.objects.companies().public()


class MeetingFilter(ListFilterSet):
    """Published meetings (the list and its download): the filters are written for those only."""

    q = SearchFilter(
        search_fields=["title", "title_en", "place", "place_en", "organizer__name", "organizer__name_en"],
        rank_fields=["title", "title_en"],
        # The organizers of published meetings are the organizations that convene (a flag
        # kept by meetings.public in the same transaction as each write): 500 of 20,000
        # organizations on the large data. Searching their names instead of every
        # organization's took 2 ms instead of 27 ms, of a search of 15,000 meetings' 55 ms.
        related={"organizer": Q(convenes=True)},
    )
    industry = KeptModelChoiceFilter(
        queryset=_industries, to_field_name="slug", field_name="industries", label=_("Industry")
    )
    organizer = KeptModelChoiceFilter(
        # Stored (Organization.convenes, with its own index) rather than looked up in the
        # meetings each time: 12 ms on 15,000 meetings.
        queryset=lambda request: Organization.objects.filter(convenes=True),
        to_field_name="slug",
        label=_("Organizer"),
    )
    company = KeptModelChoiceFilter(
        queryset=_public_companies, to_field_name="slug", method="filter_company", label=_("Company")
    )
    year = django_filters.NumberFilter(method="filter_year", label=_("Year"), min_value=1900, max_value=2999)

    class Meta:
        model = Meeting
        form = FilterForm
        fields = ["q", "industry", "organizer", "company", "year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_slug_boxes_for_long_lists(self, ["industry", "organizer", "company"])

    def filter_company(self, qs, name, value):
        return qs.filter(Exists(Participation.objects.filter(meeting=OuterRef("pk"), organization=value)))

    def filter_year(self, qs, name, value):
        """The year the meeting was held, or, where the day is unknown, first reported."""
        year = int(value)
        return qs.filter(Q(held_on__year=year) | Q(held_on__isnull=True, reported_on__year=year))


class CompanyFilter(ListFilterSet):
    q = SearchFilter(search_fields=["name", "name_en"], search_aliases=True)
    industry = KeptModelChoiceFilter(
        queryset=_industries, to_field_name="slug", method="filter_industry", label=_("Industry")
    )
    province = django_filters.ChoiceFilter(choices=Province.choices, label=_("Province"))

    class Meta:
        model = Organization
        form = FilterForm
        fields = ["q", "industry", "province"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_slug_boxes_for_long_lists(self, ["industry"])

    def filter_industry(self, qs, name, value):
        """Companies that took part in a published meeting of the industry.

        Read from the stored pairs (``OrganizationIndustry``, kept by ``meetings.public``)
        rather than through every company's participations, meetings and their industries.
        """
        took_part = OrganizationIndustry.objects.filter(organization=OuterRef("pk"), industry=value)
        return qs.filter(Exists(took_part))


class CommitmentFilter(ListFilterSet):
    """Commitments; ``company`` may repeat, and then lists what any of those companies pledged."""

    q = SearchFilter(
        search_fields=["heading", "body", "heading_en", "body_en"], rank_fields=["heading", "heading_en"]
    )
    company = KeptModelMultipleChoiceFilter(
        queryset=_public_companies,
        to_field_name="slug",
        method="filter_company",
        label=_("Pledged by"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Choose several to see what any of them pledged."),
    )
    meeting = KeptModelChoiceFilter(
        # Newest first, the order an index serves (meeting_newest_first).
        queryset=lambda request: Meeting.objects.published().newest_first(),
        to_field_name="slug",
        label=_("Meeting"),
    )
    industry = KeptModelChoiceFilter(
        queryset=_industries, to_field_name="slug", field_name="meeting__industries", label=_("Industry")
    )
    status = django_filters.ChoiceFilter(
        choices=Verdict.choices,
        method="filter_status",
        label=_("Status"),
        help_text=_("With companies chosen: the status of their pledges."),
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=_("Overdue items only"), widget=forms.CheckboxInput
    )

    class Meta:
        model = Commitment
        form = FilterForm
        fields = ["q", "company", "meeting", "industry", "status", "overdue"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_slug_boxes_for_long_lists(self, ["company", "meeting", "industry"])

    def filter_company(self, qs, name, value):
        if not value:
            return qs
        return qs.filter(Exists(Pledge.objects.filter(commitment=OuterRef("pk"), organization__in=value)))

    def filter_status(self, qs, name, value):
        pledges = Pledge.objects.filter(commitment=OuterRef("pk"), status=value)
        companies = self.form.cleaned_data.get("company")
        if companies:
            pledges = pledges.filter(organization__in=companies)
        return qs.filter(Exists(pledges))

    def filter_overdue(self, qs, name, value):
        if not value:
            return qs
        overdue = ActionItem.objects.overdue(timezone.localdate()).filter(commitment=OuterRef("pk"))
        return qs.filter(Exists(overdue))

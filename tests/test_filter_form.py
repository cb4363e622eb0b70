"""The filter forms' <select> elements, written in Python, are the markup Django's templates write."""

import pytest
from django import forms
from django.forms.renderers import Jinja2 as Jinja2FormRenderer
from django.test import RequestFactory

from meetings import filters
from meetings.filters import CommitmentFilter, CompanyFilter, FilterFormRenderer, MeetingFilter
from tests.factories import make_company, make_industry, make_meeting_with_pledges

TEMPLATES = Jinja2FormRenderer()
FAST = FilterFormRenderer()


def _both(field, name, value):
    """A field's widget rendered by Django's templates and by the filter forms' renderer."""
    return tuple(
        field.widget.render(name, value, attrs={"id": f"id_{name}"}, renderer=r) for r in (TEMPLATES, FAST)
    )


@pytest.fixture
def choices(db):
    # Names with every character HTML escapes, in the original and in English.
    make_industry(slug="a-b", name='<鎵> & "鍺"', name_en="Gallium & 'germanium' <b>")
    make_industry(slug="plain")
    meeting, firms, _points = make_meeting_with_pledges(companies=3, commitments=2)
    make_company(slug="firm-amp", name="甲&乙", name_en='A "quoted" <firm>')
    return meeting, firms


@pytest.mark.parametrize(
    "filterset, query",
    [
        (CompanyFilter, ""),
        (CompanyFilter, "province=guangdong&industry=a-b"),
        (MeetingFilter, "industry=plain&company=firm-amp"),
        (CommitmentFilter, ""),
        (CommitmentFilter, "company=firm-amp&status=fulfilled&overdue=on"),
    ],
)
def test_each_list_s_form_is_the_templates_markup(choices, filterset, query):
    meeting, firms = choices
    query = query or f"company={firms[0].slug}&company={firms[1].slug}&meeting={meeting.slug}"
    form = filterset(RequestFactory().get(f"/?{query}").GET).form
    selects = 0
    for name, field in form.fields.items():
        value = form[name].value()
        django_html, fast_html = _both(field, name, value)
        assert fast_html == django_html
        selects += "<select" in fast_html
    assert selects >= 2
    # Something is chosen in each query: the chosen option is marked in both.
    assert "selected" in "".join(
        _both(field, name, form[name].value())[1] for name, field in form.fields.items()
    )


def test_option_groups_attributes_and_booleans_are_the_templates_markup():
    field = forms.MultipleChoiceField(
        choices=[("", "—"), ("Metals", [("ga", "Gallium & co"), ("ge", '"Germanium"')]), ("x", "<none>")],
        widget=forms.SelectMultiple(attrs={"size": 6, "disabled": True, "hidden": False, "data-x": "a&b"}),
    )
    for value in ([], ["ga"], ["ga", "x"], ["<none>"]):
        django_html, fast_html = _both(field, "metal", value)
        assert fast_html == django_html
        assert "<optgroup" in fast_html and "multiple" in fast_html


def test_an_option_with_its_own_template_is_left_to_the_templates(monkeypatch):
    widget = forms.Select(choices=[("a", "A")])
    monkeypatch.setattr(widget, "option_template_name", "django/forms/widgets/radio_option.html")
    assert filters.select_html(widget.get_context("x", "a", {})["widget"]) is None
    assert widget.render("x", "a", renderer=FAST) == widget.render("x", "a", renderer=TEMPLATES)

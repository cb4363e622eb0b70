"""The widgets written in Python (meetings.widgets) are the markup Django's templates write.

For the public filter forms (Jinja2) and for the admin (Django's template language), each
compared with the same engine's own templates.
"""

import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.forms.renderers import Jinja2 as Jinja2FormRenderer
from django.test import RequestFactory, override_settings
from django.utils.safestring import mark_safe

from meetings import widgets
from meetings.filters import CommitmentFilter, CompanyFilter, FilterFormRenderer, MeetingFilter
from tests.factories import make_company, make_industry, make_meeting_with_pledges

TEMPLATES = Jinja2FormRenderer()
FAST = FilterFormRenderer()
# (the engine's own templates, the renderer that writes some widgets in Python)
ENGINES = {"jinja2": (TEMPLATES, FAST), "django": (DjangoTemplates(), widgets.FormRenderer())}


def _both(field, name, value, engine="jinja2"):
    """A field's widget rendered by an engine's templates and by the renderer that writes it in Python."""
    return tuple(
        field.widget.render(name, value, attrs={"id": f"id_{name}"}, renderer=r) for r in ENGINES[engine]
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


@pytest.mark.parametrize("engine", ENGINES)
def test_option_groups_attributes_and_booleans_are_the_templates_markup(engine):
    field = forms.MultipleChoiceField(
        choices=[("", "—"), ("Metals", [("ga", "Gallium & co"), ("ge", '"Germanium"')]), ("x", "<none>")],
        widget=forms.SelectMultiple(attrs={"size": 6, "disabled": True, "hidden": False, "data-x": "a&b"}),
    )
    for value in ([], ["ga"], ["ga", "x"], ["<none>"]):
        django_html, fast_html = _both(field, "metal", value, engine)
        assert fast_html == django_html
        assert "<optgroup" in fast_html and "multiple" in fast_html


def test_an_option_with_its_own_template_is_left_to_the_templates(monkeypatch):
    widget = forms.Select(choices=[("a", "A")])
    monkeypatch.setattr(widget, "option_template_name", "django/forms/widgets/radio_option.html")
    assert widgets.select_html(widget.get_context("x", "a", {})["widget"]) is None
    for templates, fast in ENGINES.values():
        assert widget.render("x", "a", renderer=fast) == widget.render("x", "a", renderer=templates)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (forms.HiddenInput(), 5),
        (forms.HiddenInput(), None),
        (forms.TextInput(attrs={"placeholder": 'l\'usine & "co"', "required": True}), "<b>it's</b>"),
        (forms.TextInput(), mark_safe("<i>marked safe</i>")),
        (forms.NumberInput(attrs={"min": 0}), 0),
        (forms.CheckboxInput(), True),
        (forms.CheckboxInput(), False),
        (forms.Select(choices=[("o", "organizer's side"), ("p", '"participant" & <co>')]), "o"),
    ],
)
def test_inputs_and_selects_are_each_engine_s_own_markup(engine, widget, value):
    templates, fast = ENGINES[engine]
    assert widget.render("f", value, attrs={"id": "id_f"}, renderer=fast) == widget.render(
        "f", value, attrs={"id": "id_f"}, renderer=templates
    )


def test_the_admin_s_forms_render_through_the_project_s_renderer(settings):
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == "meetings.widgets.FormRenderer"
    assert isinstance(get_default_renderer(), widgets.FormRenderer)


def test_a_meeting_s_change_page_is_the_markup_django_s_templates_write(admin_client):
    """Selects, hidden inputs and checkboxes of every inline, with apostrophes in their labels."""
    meeting, _firms, _points = make_meeting_with_pledges(companies=3, commitments=2)

    def page():
        html = admin_client.get(f"/admin/meetings/meeting/{meeting.pk}/change/").content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)

    ours = page()
    with override_settings(FORM_RENDERER="django.forms.renderers.DjangoTemplates"):
        theirs = page()
    assert ours == theirs
    assert ours.count("<select") >= 5 and 'type="hidden"' in ours and 'type="checkbox"' in ours
    assert "organizer&#x27;s side" in ours

"""Form widgets written in Python, in exactly the markup Django's own widget templates write.

Django renders each widget through a template, and each option of a ``<select>`` through a
template include of its own. The public lists' filter forms (Jinja2 templates) and the
admin's change pages (Django's template language) write their commonest widgets here
instead: the largest meeting's change page renders 180 selects, 300 hidden inputs and 180
checkboxes, which took 0.3 s of its 0.6 s through the templates.

The two template engines write the same widgets a little differently: Django's language
keeps the line break at the end of each option's include, and formats values with
``stringformat:'s'``. ``DTL`` and ``JINJA2`` name those differences.
``tests/test_filter_form.py`` checks the markup against both engines, character for character.
"""

from django.forms.renderers import DjangoTemplates, Jinja2
from django.utils import html as django_html
from django.utils.safestring import SafeData
from markupsafe import escape as jinja2_escape

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
# The widgets whose template is Django's input.html, included as it is.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html" for name in ("input", "hidden", "text", "number", "checkbox")
)


class Engine:
    """How one template engine escapes text, writes a value and ends an option."""

    def __init__(self, escape, value, option_end):
        self.escape = escape
        self.value = value
        self.option_end = option_end


# Django's language escapes as django.utils.html does (' is &#x27;). "{{ value|stringformat:'s' }}"
# formats the value as text, escaped unless the value was marked safe (the filter keeps that
# mark); each included option keeps its template's final line break.
DTL = Engine(
    escape=django_html.conditional_escape,
    value=lambda value: django_html.conditional_escape(value if isinstance(value, SafeData) else f"{value}"),
    option_end="\n",
)
# Jinja2 escapes as MarkupSafe does (' is &#39;); an included template's final line break is dropped.
JINJA2 = Engine(escape=jinja2_escape, value=jinja2_escape, option_end="")


def attrs_html(attrs, engine=JINJA2):
    """What Django's ``attrs.html`` writes: `` name="value"``, `` name`` for True, nothing for False."""
    return "".join(
        f" {engine.escape(name)}" if value is True else f' {engine.escape(name)}="{engine.value(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def select_html(widget, engine=JINJA2):
    """What Django's ``select.html`` and ``select_option.html`` write for a widget's context, or None.

    None for a select whose options use another template.
    """
    escape = engine.escape
    parts = [f'<select name="{escape(widget["name"])}"{attrs_html(widget["attrs"], engine)}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{escape(group_name)}">')
        for option in options:
            if option["template_name"] != OPTION_TEMPLATE:
                return None
            parts.append(
                f'\n  <option value="{engine.value(option["value"])}"{attrs_html(option["attrs"], engine)}>'
                f"{escape(option['label'])}</option>{engine.option_end}"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def input_html(widget, engine=JINJA2):
    """What Django's ``input.html`` writes for a widget's context."""
    value = "" if widget["value"] is None else f' value="{engine.value(widget["value"])}"'
    escape = engine.escape
    return (
        f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"{value}'
        f"{attrs_html(widget['attrs'], engine)}>"
    )


class _WritesWidgets:
    """A form renderer that writes the widgets this module knows, in the markup of ``markup``.

    (Not ``engine``: Django's renderers keep their template engine under that name.)
    """

    markup = None

    def render(self, template_name, context, request=None):
        if template_name == SELECT_TEMPLATE:
            html = select_html(context["widget"], self.markup)
        elif template_name in INPUT_TEMPLATES:
            html = input_html(context["widget"], self.markup)
        else:
            html = None
        return html if html is not None else super().render(template_name, context, request=request)


class FormRenderer(_WritesWidgets, DjangoTemplates):
    """Django's default form renderer (its template language), with the commonest widgets written here.

    The project's ``FORM_RENDERER``: the admin's forms render through it.
    """

    markup = DTL


class Jinja2FormRenderer(_WritesWidgets, Jinja2):
    """Django's Jinja2 form templates, with the commonest widgets written here: the filter forms' renderer.

    Each option of a <select> is an ``{% include %}`` in Django's template, and each include
    makes a new template context: with its 34 provinces and 11 industries, the companies
    list's whole form took 2.1-3.4 ms to render that way, and takes 1.3 ms with the
    <select> written in Python.
    """

    markup = JINJA2

"""``manage.py makemessages`` finds the messages of the Jinja2 templates as well as Django's own.

Each test runs the command in a small project in a temporary folder, with its own ``locale/``,
and reads the catalogue it writes.
"""

import ast
import os
import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.core.management.utils import find_command

# Skipped where GNU gettext is missing, unless REQUIRE_GETTEXT=1 (as in CI) makes that a failure.
pytestmark = pytest.mark.skipif(
    not (find_command("xgettext") and find_command("msgmerge")) and not os.environ.get("REQUIRE_GETTEXT"),
    reason="GNU gettext is not installed (apt-get install gettext)",
)

JINJA2_PAGE = """\
{% extends "base.html" %}
{% block content %}<h1>{{ _("Plain message") }}</h1>
<p>{{ pgettext("column", "Meetings") }} {{ gettext("Other message") }}</p>
<p>{% trans counter=n %}{{ counter }} item{% pluralize %}{{ counter }} items{% endtrans %}</p>
<p>{{ _("It's \\"quoted\\", “curly” and 中文") }} {{ _(name_of_a_message) }}</p>
<p>{% trans %}First line
second line, 100% sure{% endtrans %}</p>
<p>{{ npgettext("pledges", "%(num)s point", "%(num)s points", n) }} {{ _("Point\u00a0one") }}</p>
{% endblock %}
"""

DJANGO_TEMPLATE = """\
{% load i18n %}
<p>{% translate "Django message" %}</p>
{% blocktranslate count counter=n %}{{ counter }} row{% plural %}{{ counter }} rows{% endblocktranslate %}
"""

PYTHON_MODULE = """\
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

LABEL = pgettext_lazy("menu", "Python message")
print(_("Other Python message"))
"""


def entries(po):
    """The catalogue's current entries by (msgctxt, msgid): their msgid_plural, locations and flags."""
    result = {}
    for block in po.split("\n\n"):
        fields, locations, flags, field = {}, [], "", None
        for line in block.splitlines():
            if line.startswith("#:"):
                locations += line[2:].split()
            elif line.startswith("#,"):
                flags = line[2:].strip()
            elif line.startswith('"') and field:
                fields[field] += ast.literal_eval(line)
            elif line and not line.startswith("#"):
                field, value = line.split(" ", 1)
                fields[field] = ast.literal_eval(value)
        if fields.get("msgid"):
            result[fields.get("msgctxt"), fields["msgid"]] = {
                "plural": fields.get("msgid_plural"),
                "locations": locations,
                "flags": flags,
            }
    return result


@pytest.fixture
def project(tmp_path, monkeypatch, settings):
    """A project folder with a Jinja2 page, a Django template and a module, as the current directory."""
    (tmp_path / "templates" / "jinja2" / "meetings").mkdir(parents=True)
    (tmp_path / "templates" / "jinja2" / "meetings" / "page.html").write_text(JINJA2_PAGE, encoding="utf-8")
    (tmp_path / "templates" / "admin").mkdir()
    (tmp_path / "templates" / "admin" / "page.html").write_text(DJANGO_TEMPLATE, encoding="utf-8")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "labels.py").write_text(PYTHON_MODULE, encoding="utf-8")
    (tmp_path / "locale").mkdir()
    settings.LOCALE_PATHS = [str(tmp_path / "locale")]
    monkeypatch.chdir(tmp_path)
    return tmp_path


def make_messages(project):
    call_command("makemessages", locale=["zh_Hans"], verbosity=0)
    po = (project / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    return po, entries(po)


def test_the_jinja2_messages_are_extracted_with_their_context_plural_and_line(project):
    _po, found = make_messages(project)
    page = "templates/jinja2/meetings/page.html"
    assert found[None, "Plain message"]["locations"] == [f"{page}:2"]
    assert found[None, "Other message"]["locations"] == [f"{page}:3"]
    assert found["column", "Meetings"]["locations"] == [f"{page}:3"]
    items = found[None, "%(counter)s item"]
    assert items["plural"] == "%(counter)s items"
    assert items["locations"] == [f"{page}:4"]
    assert "python-format" in items["flags"]
    points = found["pledges", "%(num)s point"]
    assert points["plural"] == "%(num)s points"
    assert points["locations"] == [f"{page}:8"]
    # A message on several lines is where it starts.
    assert found[None, "First line\nsecond line, 100%% sure"]["locations"] == [f"{page}:6"]


def test_quotes_chinese_newlines_and_invisible_characters_are_kept_exactly(project):
    _po, found = make_messages(project)
    assert (None, 'It\'s "quoted", “curly” and 中文') in found
    # A trans block's "%" is "%%", as Jinja2 looks it up (new-style gettext).
    assert (None, "First line\nsecond line, 100%% sure") in found
    assert (None, "Point\u00a0one") in found


def test_a_message_that_is_not_a_literal_is_left_out(project):
    _po, found = make_messages(project)
    assert not any("name_of_a_message" in msgid for _context, msgid in found)


def test_django_templates_and_python_modules_are_extracted_as_django_does(project):
    _po, found = make_messages(project)
    assert found[None, "Django message"]["locations"] == ["templates/admin/page.html:2"]
    assert found[None, "%(counter)s row"]["plural"] == "%(counter)s rows"
    assert found["menu", "Python message"]["locations"] == ["app/labels.py:4"]
    assert found[None, "Other Python message"]["locations"] == ["app/labels.py:5"]


def test_the_catalogue_is_valid_and_no_work_file_is_left(project):
    po, _found = make_messages(project)
    check = subprocess.run(
        ["msgfmt", "--check", "--output-file=/dev/null", "-"], input=po, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    assert not list(project.rglob("*.html.py"))


def test_existing_translations_stay_current(project):
    make_messages(project)
    po_path = project / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    po = po_path.read_text(encoding="utf-8")
    po_path.write_text(
        po.replace(
            'msgctxt "column"\nmsgid "Meetings"\nmsgstr ""',
            'msgctxt "column"\nmsgid "Meetings"\nmsgstr "会议"',
        ),
        encoding="utf-8",
    )
    po, _found = make_messages(project)
    assert 'msgctxt "column"\nmsgid "Meetings"\nmsgstr "会议"' in po
    assert "#~" not in po


def test_a_jinja2_syntax_error_names_the_template_and_line(project):
    broken = project / "templates" / "jinja2" / "broken.html"
    broken.write_text('<p>{{ _("Fine") }}</p>\n<p>{% trans %}Unclosed</p>\n', encoding="utf-8")
    message = r"^templates/jinja2/broken\.html:2: Jinja2 syntax error: unclosed translation block$"
    with pytest.raises(CommandError, match=message):
        call_command("makemessages", locale=["zh_Hans"], verbosity=0)
    assert not list(project.rglob("*.html.py"))


def test_the_catalogues_hold_every_message_of_the_code_and_templates(tmp_path, monkeypatch, settings):
    """makemessages on a copy of the project finds no message the catalogues lack, nor one they no longer use.

    A message the extraction misses (in an f-string, say) would be shown untranslated.
    """
    from django.conf import settings as django_settings

    copy = tmp_path / "project"
    skipped = shutil.ignore_patterns(
        ".*", "__pycache__", "*.sqlite3", "tests", "docs", "static", "*.mo", "*.png"
    )
    shutil.copytree(django_settings.BASE_DIR, copy, ignore=skipped)
    settings.LOCALE_PATHS = [str(copy / "locale")]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["zh_Hans"], verbosity=0)
    catalogue = "locale/zh_Hans/LC_MESSAGES/django.po"
    committed = entries((django_settings.BASE_DIR / catalogue).read_text(encoding="utf-8"))
    fresh_po = (copy / catalogue).read_text(encoding="utf-8")
    assert set(entries(fresh_po)) - set(committed) == set(), "messages missing from the catalogue"
    assert "#~ msgid" not in fresh_po, "messages no longer used are left in the catalogue"

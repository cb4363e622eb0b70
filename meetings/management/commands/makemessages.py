"""``manage.py makemessages`` that also finds the messages of the Jinja2 templates.

Django's command reads every template as Django template language, so the messages of
the public pages (``templates/jinja2/``: ``_("…")``, ``pgettext(…)``, ``{% trans %}`` blocks)
would be missed and become obsolete in the catalogues. This version reads the templates under
a directory named ``jinja2`` with Jinja2's own extraction, in the environment that renders
the pages (the Jinja2 engine of ``TEMPLATES``, built by ``meetings.templating.environment``),
so the syntax and the message ids (``%(counter)s``, a literal "%" as "%%") are exactly those
looked up at render time. Everything else (the admin's Django templates, Python modules) is
extracted as Django does.

As for Django templates, xgettext reads a Python work file written beside the template: one
gettext call per message, on the template's line of the message, so locations stay right.
"""

import os
from pathlib import Path

from django.core.management.base import CommandError
from django.core.management.commands import makemessages
from django.template import engines
from django.template.backends.jinja2 import Jinja2
from jinja2 import TemplateSyntaxError
from jinja2.ext import GETTEXT_FUNCTIONS, extract_from_ast

# The work file's call for each gettext function, and how many leading string arguments it needs.
CALLS = {
    "_": ("gettext", 1),
    "gettext": ("gettext", 1),
    "ngettext": ("ngettext", 2),
    "pgettext": ("pgettext", 2),
    "npgettext": ("npgettext", 3),
}


def literal(text):
    """A Python string literal for ``text`` as xgettext reads it.

    ``repr`` escapes quotes, backslashes, newlines and invisible characters (``\\xa0``,
    ``\\u2028``); xgettext decodes ``\\x``/``\\u`` escapes to characters only in ``u''`` literals.
    """
    return f"u{text!r}"


def work_file(source, name):
    """The Python source that xgettext reads for the Jinja2 template ``source``."""
    env = next((engine.env for engine in engines.all() if isinstance(engine, Jinja2)), None)
    if env is None:
        raise CommandError(f"No Jinja2 template engine in settings.TEMPLATES to read {name} with.")
    try:
        template = env.parse(source, name, name)
    except TemplateSyntaxError as error:
        raise CommandError(f"{name}:{error.lineno}: Jinja2 syntax error: {error.message}") from error
    lines = {}
    for lineno, function, message in extract_from_ast(template, GETTEXT_FUNCTIONS):
        call, count = CALLS[function]
        strings = (message if isinstance(message, tuple) else (message,))[:count]
        if len(strings) < count or None in strings:
            continue  # not a literal (``_(name)``): nothing to extract, as in Django templates
        args = [literal(s) for s in strings] + (["n"] if call.startswith("n") else [])
        lines.setdefault(lineno, []).append(f"{call}({', '.join(args)})")
    return "".join("; ".join(lines.get(n, ())) + "\n" for n in range(1, max(lines, default=0) + 1))


class BuildFile(makemessages.BuildFile):
    """A file to extract from; templates under a ``jinja2`` directory are read as Jinja2."""

    def preprocess(self):
        if not (self.is_templatized and "jinja2" in Path(self.translatable.dirpath).parts):
            return super().preprocess()
        with open(self.path, encoding="utf-8") as template:
            content = work_file(template.read(), os.path.normpath(self.path))
        with open(self.work_path, "w", encoding="utf-8") as work:
            work.write(content)


class Command(makemessages.Command):
    build_file_class = BuildFile

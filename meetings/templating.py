"""The public pages' Jinja2 environment, and the helpers their templates call.

The public pages are Jinja2 templates (``templates/jinja2/``); the admin keeps Django's own
templates. Jinja2 compiles a template to Python functions, which renders the large pages
(a meeting's pledge matrix, 50-row lists) several times faster than Django's template
language, and so serves more uncached requests from the same machine.

Translation goes through Django's gettext: ``_("…")``, ``pgettext("context", "…")`` and
``{% trans %}`` blocks use the project's catalogues, and ``manage.py makemessages`` (the
project's version of the command) finds the messages in these templates too. Every
translated string is a %-format (Jinja2's "new style" gettext), so a literal "%" is written "%%".

Original Chinese text is shown in the reader's script without ever changing what is stored:
on 简体 pages, Traditional originals are converted to Simplified (OpenCC t2s); on 繁體 pages,
Simplified originals to Traditional (s2tw). English pages, and any page asked for with
``?original=1``, show every original exactly as stored.
"""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaultfilters, defaulttags
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats, translation
from jinja2 import Environment, pass_context
from markupsafe import Markup, escape

from .links import link
from .models import Pledge
from .partial_dates import local_partial
from .scripts import convert

# Language tags of the originals, reduced to the script they are written in. Untagged
# Chinese ("zh", e.g. organization names) may be in either script, so it is converted
# both ways and counts as converted only where the text actually changes.
_TRADITIONAL = {"zh-hant", "zh-tw", "zh-hk", "zh-mo"}
_SIMPLIFIED = {"zh-hans", "zh-cn", "zh-sg"}
_CONVERSIONS = {
    # interface language: (config, original scripts it applies to, tag of the result)
    "zh-hans": ("t2s", _TRADITIONAL | {"zh"}, "zh-Hans"),
    # Taiwan-standard characters (秘, 裡, 著), but no phrase rewording: the words stay the source's.
    "zh-hant": ("s2tw", _SIMPLIFIED | {"zh"}, "zh-Hant"),
}
_BCP47 = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant"}


@dataclass(frozen=True)
class Shown:
    """Original text as shown on a page: the text, its language tag, and whether it was converted."""

    text: str
    lang: str
    converted: bool
    original: str

    def __str__(self):
        return self.text


def conversion_for(request):
    """The conversion the current page applies: (config, scripts, result tag), or None."""
    if request is not None and request.GET.get("original"):
        return None
    return _CONVERSIONS.get(translation.get_language())


def shown_text(text, lang, request=None):
    """``text`` (in language ``lang``) as the page shows it: a :class:`Shown`."""
    text = "" if text is None else str(text)
    lang = lang or "zh"
    conversion = conversion_for(request)
    if text and conversion and lang.lower() in conversion[1]:
        config, _scripts, result_lang = conversion
        converted = convert(text, config)
        if converted != text:
            return Shown(converted, result_lang, True, text)
    return Shown(text, lang, False, text)


def original_html(text, lang="zh", request=None):
    """An inline ``<span lang>`` with the original in the reader's script, marked when converted."""
    result = shown_text(text, lang, request)
    if result.converted:
        return Markup(
            f'<span lang="{escape(result.lang)}" class="converted" title="{escape(result.original)}">'
            f"{escape(result.text)}</span>"
        )
    return Markup(f'<span lang="{escape(result.lang)}">{escape(result.text)}</span>')


def short_name(org, request=None, english=None):
    """An organization's name as lists show it: English on English pages, else the original.

    ``english``: whether the page is in English, when the caller knows it already (a list of
    names looks the language up once).
    """
    if translation.get_language() == "en" if english is None else english:
        return org.name_en or org.name
    return original_html(org.name, "zh", request)


def bcp47(code):
    """Django's language code ("zh-hans") as the BCP 47 tag for ``lang`` ("zh-Hans")."""
    return _BCP47.get(code, code)


# -- what the templates call ---------------------------------------------------------------


@pass_context
def shown(context, text, lang="zh"):
    """``{% set title = shown(meeting.title, meeting.language) %}``: ``title.text``, ``title.lang``."""
    return shown_text(text, lang, context.get("request"))


@pass_context
def original(context, text, lang="zh"):
    return original_html(text, lang, context.get("request"))


@pass_context
def org_short(context, org):
    return short_name(org, context.get("request"))


def absolute_url(request, record):
    """``record.get_absolute_url()``, made once per record and request.

    The meeting page links each company and each point in every cell of its matrix and
    every list of pledgers (1,200 links for 80 companies and 7 points), and each link
    looks up the request's script prefix: a fifth of the page's rendering. Within one
    request the prefix, and so each record's address, stays the same.
    """
    if request is None:
        return record.get_absolute_url()
    memo = request.__dict__.setdefault("_absolute_urls", {})
    key = (type(record), record.pk)
    url = memo.get(key)
    if url is None:
        url = memo[key] = record.get_absolute_url()
    return url


@pass_context
def org_name(context, org):
    """A link to an organization: its original name, then the English (ours unless official)."""
    request = context.get("request")
    english = f' <span class="translation" lang="en">{escape(org.name_en)}</span>' if org.name_en else ""
    name = original_html(org.name, "zh", request)
    return Markup(f'<a href="{escape(absolute_url(request, org))}">{name}{english}</a>')


@pass_context
def pledgers(context, pledges, links=False, empty="—"):
    """The pledging organizations' short names, separated by commas; ``empty`` when there are none."""
    request, english = context.get("request"), translation.get_language() == "en"
    names = [escape(short_name(pledge.organization, request, english)) for pledge in pledges]
    if not names:
        return escape(empty)
    if links:
        names = [
            Markup(f'<a href="{escape(absolute_url(request, pledge.organization))}">{name}</a>')
            for pledge, name in zip(pledges, names, strict=True)
        ]
    return Markup(escape(translation.gettext(", ")).join(names))


@pass_context
def script_conversion(context):
    """The result tag ("zh-Hans"/"zh-Hant") when this page converts originals, else an empty string."""
    conversion = conversion_for(context.get("request"))
    return conversion[2] if conversion else ""


def page_lang():
    """The ``<html lang>`` of the page: the active interface language."""
    return bcp47(translation.get_language() or "en")


@functools.lru_cache(maxsize=4096)
def _local_date(day, language):
    """``day`` (a date) in the DATE_FORMAT of ``language``: formatting is slow, and pages repeat dates."""
    with translation.override(language):
        return formats.date_format(day, "DATE_FORMAT")


def local_date(day):
    """A date in the page language's DATE_FORMAT (as Django's ``date:"DATE_FORMAT"``)."""
    return _local_date(day, translation.get_language())


@pass_context
def meeting_date(context, meeting):
    """When a meeting was held, to the precision the sources give, or what the source says of it.

    "Date not given" (with the source's own words, when it has some) where the day is unknown,
    then the day it was first reported, if known. In Python rather than a template macro: lists
    show it on every row.
    """
    known = meeting.date_known
    if known:
        parts = [f'<time datetime="{escape(known)}">{escape(local_partial(known))}</time>']
    else:
        parts = [escape(translation.gettext("Date not given"))]
        if meeting.date_as_reported:
            source_says = escape(translation.gettext("the source says"))
            reported = original_html(meeting.date_as_reported, meeting.language, context.get("request"))
            parts.append(f" ({source_says} {reported}")
            if meeting.date_as_reported_en:
                parts.append(f", “{escape(meeting.date_as_reported_en)}”")
            parts.append(")")
    if meeting.reported_on:
        day, reported = meeting.reported_on, escape(translation.gettext("; reported"))
        parts.append(f'{reported} <time datetime="{day.isoformat()}">{escape(local_date(day))}</time>')
    return Markup("".join(parts))


@pass_context
def pledge_cells(context, organization, cells):
    """The <td>s of one company's row of the pledge matrix: its status for each point, or "not pledged"."""
    request = context.get("request")
    labels = _choice_labels(Pledge, "status", translation.get_language())
    none = escape(translation.gettext("not pledged"))  # outside the f-string, where xgettext finds it
    not_pledged = f'<td><span class="status status--none">{none}</span></td>'
    anchor = escape(organization.slug)
    return Markup(
        "".join(
            not_pledged
            if pledge is None
            else f'<td><a class="status status--{escape(pledge.status)}" '
            f'href="{escape(absolute_url(request, pledge.commitment))}#pledge-{anchor}">'
            f"{escape(labels.get(pledge.status, pledge.status))}</a></td>"
            for pledge in cells
        )
    )


@pass_context
def querystring(context, **changes):
    """The page's query string with ``changes`` made; a value of None removes a key (Django's tag)."""
    return defaulttags.querystring(None, context["request"].GET, **changes)


@functools.lru_cache(maxsize=1)
def _languages():
    return tuple({"code": code, **translation.get_language_info(code)} for code, _name in settings.LANGUAGES)


def languages():
    """The interface languages, as Django's ``get_language_info_list``: code, name_local, …."""
    return _languages()


def url(name, *args, **kwargs):
    """``reverse()``; without arguments, ``link()``, which reverses each name once per script prefix.

    Every page's header and footer link the lists and feeds: reversed on each request, they
    were a tenth of the commitment page's rendering.
    """
    if args or kwargs:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    return link(name)


# -- translations, memoised -----------------------------------------------------------------
# The pages look up the same few hundred messages on every request, each through Django's
# active-translation machinery (a few microseconds, 300 times on a company's page). The
# catalogues do not change while a process runs, so each message is looked up once per
# language; a test that changes the languages or the catalogues' paths clears the memo.


@functools.lru_cache(maxsize=4096)
def _translated(language, function, *args):
    with translation.override(language):
        return getattr(translation, function)(*args)


def _memoised(function):
    def translate(*args):
        return _translated(translation.get_language(), function, *args)

    translate.__name__ = function
    return translate


@functools.lru_cache(maxsize=256)
def _choice_labels(model, field_name, language):
    with translation.override(language):
        return {value: str(label) for value, label in model._meta.get_field(field_name).flatchoices}


def choice_label(instance, field_name):
    """The label of a choice field's value in the page language, as ``get_FOO_display()``, memoised."""
    value = getattr(instance, field_name)
    return _choice_labels(type(instance), field_name, translation.get_language()).get(value, value)


@receiver(setting_changed)
def _forget_translations(setting, **kwargs):
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"}:
        for memo in (_translated, _choice_labels, _local_date, _languages):
            memo.cache_clear()


def environment(**options):
    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(
        _memoised("gettext"),
        _memoised("ngettext"),
        newstyle=True,
        pgettext=_memoised("pgettext"),
        npgettext=_memoised("npgettext"),
    )
    env.globals.update(
        url=url,
        static=static,
        querystring=querystring,
        current_language=translation.get_language,
        languages=languages,
        page_lang=page_lang,
        shown=shown,
        original=original,
        org_short=org_short,
        org_name=org_name,
        pledgers=pledgers,
        meeting_date=meeting_date,
        local_date=local_date,
        choice_label=choice_label,
        pledge_cells=pledge_cells,
        script_conversion=script_conversion,
    )
    env.filters.update(
        bcp47=bcp47,
        capfirst=defaultfilters.capfirst,
        local_partial=local_partial,
        date=defaultfilters.date,
        truncatewords=defaultfilters.truncatewords,
        urlencode=defaultfilters.urlencode,
    )
    return env

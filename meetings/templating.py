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
from django.utils.translation import gettext_noop
from jinja2 import Environment, pass_context
from markupsafe import Markup, escape

from .links import commitment_url, link, linkable
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


def shown_text(text, lang, conversion):
    """``text`` (in language ``lang``) as a page applying ``conversion`` shows it: a :class:`Shown`."""
    text = "" if text is None else str(text)
    lang = lang or "zh"
    if text and conversion and lang.lower() in conversion[1]:
        config, _scripts, result_lang = conversion
        converted = convert(text, config)
        if converted != text:
            return Shown(converted, result_lang, True, text)
    return Shown(text, lang, False, text)


def original_html(text, lang, conversion):
    """An inline ``<span lang>`` with the original in the reader's script, marked when converted."""
    result = shown_text(text, lang, conversion)
    if result.converted:
        return Markup(
            f'<span lang="{escape(result.lang)}" class="converted" title="{escape(result.original)}">'
            f"{escape(result.text)}</span>"
        )
    return Markup(f'<span lang="{escape(result.lang)}">{escape(result.text)}</span>')


def short_name(org, conversion, english):
    """An organization's name as lists show it: English on English pages, else the original."""
    if english:
        return org.name_en or org.name
    return original_html(org.name, "zh", conversion)


def bcp47(code):
    """Django's language code ("zh-hans") as the BCP 47 tag for ``lang`` ("zh-Hans")."""
    return _BCP47.get(code, code)


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


# -- translations, memoised -----------------------------------------------------------------
# The pages look up the same few hundred messages on every request, each through Django's
# active-translation machinery (a few microseconds, 300 times on a company's page). The
# catalogues do not change while a process runs, so each message is looked up once per
# language; a test that changes the languages or the catalogues' paths clears the memo.

# Messages written by the helpers below, found here by makemessages.
LIST_SEPARATOR = gettext_noop(", ")
DATE_NOT_GIVEN = gettext_noop("Date not given")
SOURCE_SAYS = gettext_noop("the source says")
REPORTED = gettext_noop("; reported")
NOT_PLEDGED = gettext_noop("not pledged")
POINT = gettext_noop("Point %(number)s")
AS_OF = gettext_noop("as of")
OVERDUE = gettext_noop("overdue")
DEADLINE = gettext_noop("deadline")
HOW_WE_KNOW = gettext_noop("How we know:")
IMPLIED = gettext_noop("implied by the source")
ORIGINAL = gettext_noop("Original")
ORIGINAL_CONVERTED = gettext_noop("Original, converted from the original script")
EXACT_ORIGINAL = gettext_noop("exact original")
OUR_TRANSLATION = gettext_noop("English (our translation)")
NOT_YET_TRANSLATED = gettext_noop("Not yet translated.")


@functools.lru_cache(maxsize=4096)
def _translated(language, function, *args):
    with translation.override(language):
        return getattr(translation, function)(*args)


@functools.lru_cache(maxsize=4096)
def _translated_markup(language, message):
    """``{{ _("…") }}`` as a page writes it: the message translated, escaped, "%%" made "%"."""
    return Markup(_translated(language, "gettext", message)) % {}


@functools.lru_cache(maxsize=256)
def _choice_labels(model, field_name, language):
    with translation.override(language):
        return {value: str(label) for value, label in model._meta.get_field(field_name).flatchoices}


@functools.lru_cache(maxsize=4096)
def _local_date(day, language):
    """``day`` (a date) in the DATE_FORMAT of ``language``: formatting is slow, and pages repeat dates."""
    with translation.override(language):
        return formats.date_format(day, "DATE_FORMAT")


@functools.lru_cache(maxsize=4096)
def _local_partial(value, language):
    with translation.override(language):
        return local_partial(value)


@receiver(setting_changed)
def _forget_translations(setting, **kwargs):
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"}:
        memos = (_translated, _translated_markup, _choice_labels, _local_date, _local_partial, _languages)
        for memo in memos:
            memo.cache_clear()


# -- what the templates call ---------------------------------------------------------------


class Page:
    """The helpers a page's template calls, for one page: its language, script conversion and request.

    The context processor (:func:`page_context`) puts them in each page's context, looked
    up once per page. Django keeps the active language in an asgiref ``Local``, 1.5 µs a
    look-up, which the helpers needed for every message, label, name and date: 290 times on
    a company's page. And Jinja2 gives a helper that takes the context (``pass_context``)
    a copy of it on each call from inside a loop: 210 copies on a company's page. These are
    plain methods, with what they need of the page at hand.

    The messages are written as Jinja2's i18n extension writes them ("new style" gettext):
    translated, escaped, then always %-formatted with their variables, so "%%" is "%".
    """

    # The template names of the helpers, each a method of the same name ("_" is gettext).
    HELPERS = (
        "gettext",
        "ngettext",
        "pgettext",
        "npgettext",
        "shown",
        "original",
        "org_short",
        "org_name",
        "pledgers",
        "script_conversion",
        "current_language",
        "page_lang",
        "local_date",
        "meeting_date",
        "choice_label",
        "pledge_matrix_rows",
        "company_pledges",
        "participants",
        "bilingual",
    )

    def __init__(self, language, conversion, request=None):
        self.language = language
        self.conversion = conversion
        self.request = request
        self.english = language == "en"
        self._pledger_names = {}

    @classmethod
    def for_request(cls, request):
        return cls(translation.get_language(), conversion_for(request), request)

    def helpers(self):
        """``{template name: helper}`` for a template's context."""
        helpers = {name: getattr(self, name) for name in self.HELPERS}
        return {**helpers, "_": self.gettext, "page_helpers": self}

    # Messages.

    def _text(self, message):
        """A message of the helpers below (marked above with gettext_noop), translated and escaped."""
        return escape(_translated(self.language, "gettext", message))

    def gettext(self, message, **variables):
        if not variables:
            return _translated_markup(self.language, message)
        return Markup(_translated(self.language, "gettext", message)) % variables

    def ngettext(self, singular, plural, number, **variables):
        variables.setdefault("num", number)
        return Markup(_translated(self.language, "ngettext", singular, plural, number)) % variables

    def pgettext(self, message_context, message, **variables):
        variables.setdefault("context", message_context)
        return Markup(_translated(self.language, "pgettext", message_context, message)) % variables

    def npgettext(self, message_context, singular, plural, number, **variables):
        variables.setdefault("context", message_context)
        variables.setdefault("num", number)
        translated = _translated(self.language, "npgettext", message_context, singular, plural, number)
        return Markup(translated) % variables

    def choice_label(self, instance, field_name):
        """The label of a choice field's value in the page language, as ``get_FOO_display()``, memoised."""
        value = getattr(instance, field_name)
        return _choice_labels(type(instance), field_name, self.language).get(value, value)

    def current_language(self):
        """The page's interface language ("en", "zh-hans", "zh-hant")."""
        return self.language

    def page_lang(self):
        """The ``<html lang>`` of the page: its interface language."""
        return bcp47(self.language or "en")

    def local_date(self, day):
        """A date in the page language's DATE_FORMAT (as Django's ``date:"DATE_FORMAT"``)."""
        return _local_date(day, self.language)

    # Originals and names.

    def shown(self, text, lang="zh"):
        """``{% set title = shown(meeting.title, meeting.language) %}``: ``title.text``, ``title.lang``."""
        return shown_text(text, lang, self.conversion)

    def original(self, text, lang="zh"):
        return original_html(text, lang, self.conversion)

    def script_conversion(self):
        """The result tag ("zh-Hans"/"zh-Hant") when this page converts originals, else an empty string."""
        return self.conversion[2] if self.conversion else ""

    def org_short(self, org):
        return short_name(org, self.conversion, self.english)

    def org_name(self, org):
        """A link to an organization: its original name, then the English (ours unless official)."""
        english = f' <span class="translation" lang="en">{escape(org.name_en)}</span>' if org.name_en else ""
        name = original_html(org.name, "zh", self.conversion)
        return Markup(f'<a href="{escape(absolute_url(self.request, org))}">{name}{english}</a>')

    def participants(self, participations):
        """The items of the meeting page's list of companies: each linked, marked where only implied.

        One call for the list, which has a row for each of up to hundreds of companies.
        """
        implied = self._text(IMPLIED)
        return Markup(
            "".join(
                f"<li>{self.org_name(participation.organization)}"
                + ("" if participation.named_in_source else f' <span class="label">{implied}</span>')
                + "</li>\n"
                for participation in participations
            )
        )

    def bilingual(self, commitment, meeting):
        """A point in its original words, in the reader's script (marked where converted), beside our English.

        One call a point: the meeting page shows every point of the meeting this way.
        """
        lang = meeting.language
        heading = shown_text(commitment.heading, lang, self.conversion)
        body = shown_text(commitment.body, lang, self.conversion)
        converted = heading.converted or body.converted
        label = f'<p class="label" lang="{escape(self.page_lang())}">'
        parts = [
            '<div class="bilingual">\n',
            f'  <div class="original{" converted" if converted else ""}" lang="{escape(heading.lang)}">',
            f"{label}{self._text(ORIGINAL_CONVERTED if converted else ORIGINAL)}</p>",
            f'<p class="heading">{escape(heading.text)}</p>',
            f"<p>{escape(body.text)}</p>" if body.text else "",
            "</div>\n  ",
        ]
        if converted:
            parts += [
                f'<details class="exact-original"><summary>{self._text(EXACT_ORIGINAL)}</summary>',
                f'<p class="heading" lang="{escape(lang)}">{escape(commitment.heading)}</p>',
                f'<p lang="{escape(lang)}">{escape(commitment.body)}</p>' if commitment.body else "",
                "</details>",
            ]
        english = escape(commitment.heading_en) if commitment.heading_en else self._text(NOT_YET_TRANSLATED)
        parts += [
            f'\n  <div class="translation" lang="en">{label}{self._text(OUR_TRANSLATION)}</p>',
            f'<p class="heading">{english}</p>',
            f"<p>{escape(commitment.body_en)}</p>" if commitment.body_en else "",
            "</div>\n</div>",
        ]
        return Markup("".join(parts))

    def pledgers(self, pledges, links=False, empty="—"):
        """The pledging organizations' short names, separated by commas; ``empty`` when there are none.

        Each organization's name is made once per page: the meeting page lists its 80
        companies under each of its points.
        """
        names = [self._pledger(pledge.organization, links) for pledge in pledges]
        if not names:
            return escape(empty)
        return Markup(str(self._text(LIST_SEPARATOR)).join(names))

    def _pledger(self, organization, links):
        """An organization's short name, linked or not, as HTML: made once per page."""
        key = (organization.pk, links)
        name = self._pledger_names.get(key)
        if name is None:
            name = escape(short_name(organization, self.conversion, self.english))
            if links:
                name = f'<a href="{escape(absolute_url(self.request, organization))}">{name}</a>'
            name = self._pledger_names[key] = str(name)
        return name

    def meeting_date(self, meeting):
        """When a meeting was held, to the precision the sources give, or what the source says of it.

        "Date not given" (with the source's own words, when it has some) where the day is
        unknown, then the day it was first reported, if known. In Python rather than a
        template macro: lists show it on every row.
        """
        language = self.language
        known = meeting.date_known
        if known:
            parts = [f'<time datetime="{escape(known)}">{escape(_local_partial(known, language))}</time>']
        else:
            parts = [self._text(DATE_NOT_GIVEN)]
            if meeting.date_as_reported:
                source_says = self._text(SOURCE_SAYS)
                reported = original_html(meeting.date_as_reported, meeting.language, self.conversion)
                parts.append(f" ({source_says} {reported}")
                if meeting.date_as_reported_en:
                    parts.append(f", “{escape(meeting.date_as_reported_en)}”")
                parts.append(")")
        if meeting.reported_on:
            day, reported = meeting.reported_on, self._text(REPORTED)
            shown_day = escape(_local_date(day, language))
            parts.append(f'{reported} <time datetime="{day.isoformat()}">{shown_day}</time>')
        return Markup("".join(parts))

    def pledge_matrix_rows(self, matrix, commitments):
        """The rows of the meeting page's pledge matrix: each company, then its status for each point.

        One call for the whole table, each point's address, each status's label and each
        company's anchor escaped once: written cell by cell from the template (a link, a name
        and a row of cells for each of 80 companies), the matrix was half the page's rendering.
        """
        labels = _choice_labels(Pledge, "status", self.language)
        none = self._text(NOT_PLEDGED)
        not_pledged = f'<td><span class="status status--none">{none}</span></td>'
        points = {commitment.pk: escape(absolute_url(self.request, commitment)) for commitment in commitments}
        # A cell is its point's and status's markup around the company's anchor: made once for each.
        around = {}
        rows = []
        for organization, cells in matrix:
            anchor = escape(organization.slug)
            rows.append(f'<tr><th scope="row">{self._pledger(organization, links=True)}</th>')
            for pledge in cells:
                if pledge is None:
                    rows.append(not_pledged)
                    continue
                key = (pledge.commitment.pk, pledge.status)
                if key not in around:
                    status, label = escape(pledge.status), escape(labels.get(pledge.status, pledge.status))
                    around[key] = (
                        f'<td><a class="status status--{status}" href="{points[key[0]]}#pledge-',
                        f'">{label}</a></td>',
                    )
                before, after = around[key]
                rows.extend((before, anchor, after))
            rows.append("</tr>\n")
        return Markup("".join(rows))

    def company_pledges(self, pledges, meeting):
        """A company's pledges at one meeting, as the items of its page's list.

        ``pledges``: ``meetings.views.CompanyPledge`` rows, each with its point's number and
        headings.

        Each: the point's number, linked, and heading (original, then ours in English); the
        pledge's status, as of when; its overdue action items; how we know of the pledge.
        One call for the list: written from the template, each item made a dozen calls (its
        link, its messages and labels), most of the company page's rendering.
        """
        language = self.language
        as_of, overdue, deadline_label = self._text(AS_OF), self._text(OVERDUE), self._text(DEADLINE)
        point = Markup(_translated(language, "gettext", POINT))
        how_we_know = self._text(HOW_WE_KNOW)
        statuses = _choice_labels(Pledge, "status", language)
        bases = _choice_labels(Pledge, "basis", language)
        items = []
        for pledge in pledges:
            address = escape(commitment_url(meeting.slug, pledge.number))
            items.append(
                f'<li value="{pledge.number}">\n'
                f'<a href="{address}">{point % {"number": pledge.number}}</a>:\n'
                f"{original_html(pledge.heading, meeting.language, self.conversion)}\n"
            )
            if pledge.heading_en:
                items.append(f'<br><span class="translation" lang="en">{escape(pledge.heading_en)}</span>')
            status, label = escape(pledge.status), escape(statuses.get(pledge.status, pledge.status))
            items.append(f'\n<br><span class="status status--{status}">{label}</span>')
            if pledge.status_as_of:
                day = pledge.status_as_of
                items.append(
                    f' <span class="meta">{as_of} <time datetime="{day.isoformat()}">'
                    f"{escape(_local_date(day, language))}</time></span>"
                )
            items.append("\n")
            if pledge.overdue_items:
                items.append('<ul class="overdue">')
                for item in pledge.overdue_items:
                    text = original_html(item.text, meeting.language, self.conversion)
                    deadline = item.deadline_display
                    deadline = escape(_local_partial(deadline, language) if deadline else deadline)
                    items.append(
                        f'<li><span class="status status--overdue">{overdue}</span> {text}'
                        f" ({deadline_label} {deadline})</li>"
                    )
                items.append("</ul>")
            basis = escape(bases.get(pledge.basis, pledge.basis))
            items.append(f'\n<br><span class="basis">{how_we_know} {basis}</span>\n</li>\n')
        return Markup("".join(items))


def page_context(request):
    """The Jinja2 pages' context processor: the helpers, for the page rendered (:class:`Page`)."""
    return Page.for_request(request).helpers()


def _without_request(name):
    """The helper ``name`` for a template rendered without a request (a feed's entry), as a global."""
    method = getattr(Page, name)

    @pass_context
    def helper(context, *args, **kwargs):
        return method(Page.for_request(context.get("request")), *args, **kwargs)

    helper.__name__ = name
    return helper


@pass_context
def page_partial(context, value):
    """A partial date ("2024-05") as the page's language writes it (``partial_dates.local_partial``)."""
    if not value:
        return value
    page = context.get("page_helpers") or Page.for_request(context.get("request"))
    return _local_partial(value, page.language)


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
    """``reverse()``, through ``link()`` (each name reversed once per script prefix) for slugs and numbers.

    Every page's header and footer link the lists and feeds, and the record pages their
    feeds and corrections: reversed on each request, they were a tenth of the commitment
    page's rendering. Other arguments, and keyword arguments, go to ``reverse()``.
    """
    if kwargs or not linkable(*args):
        return reverse(name, args=args or None, kwargs=kwargs or None)
    return link(name, *args)


def environment(**options):
    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    # {% trans %} blocks pass their variables to gettext as keywords ("new style").
    env.newstyle_gettext = True
    helpers = {name: _without_request(name) for name in Page.HELPERS}
    env.globals.update(helpers, _=helpers["gettext"])
    env.globals.update(
        url=url,
        static=static,
        querystring=querystring,
        languages=languages,
    )
    env.filters.update(
        bcp47=bcp47,
        capfirst=defaultfilters.capfirst,
        local_partial=page_partial,
        date=defaultfilters.date,
        truncatewords=defaultfilters.truncatewords,
        urlencode=defaultfilters.urlencode,
    )
    return env

"""Show original Chinese text in the reader's script, without ever changing what is stored.

On 简体 pages, Traditional originals are shown converted to Simplified (OpenCC t2s), and on
繁體 pages Simplified originals are shown converted to Traditional (s2tw). English pages, and
any page asked for with ``?original=1``, show every original exactly as stored.
"""

from dataclasses import dataclass

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from ..scripts import convert

register = template.Library()

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
    return _CONVERSIONS.get(get_language())


def shown(text, lang, request=None):
    text = "" if text is None else str(text)
    lang = lang or "zh"
    conversion = conversion_for(request)
    if text and conversion and lang.lower() in conversion[1]:
        config, _scripts, result_lang = conversion
        converted = convert(text, config)
        if converted != text:
            return Shown(converted, result_lang, True, text)
    return Shown(text, lang, False, text)


@register.simple_tag(takes_context=True, name="shown")
def shown_tag(context, text, lang="zh"):
    """``{% shown meeting.title meeting.language as title %}``: use ``title.text``, ``title.lang``."""
    return shown(text, lang, context.get("request"))


@register.simple_tag(takes_context=True)
def original(context, text, lang="zh"):
    """An inline ``<span lang>`` with the original in the reader's script, marked when converted."""
    result = shown(text, lang, context.get("request"))
    if result.converted:
        return format_html(
            '<span lang="{}" class="converted" title="{}">{}</span>',
            result.lang,
            result.original,
            result.text,
        )
    return format_html('<span lang="{}">{}</span>', result.lang, result.text)


@register.simple_tag(takes_context=True)
def org_short(context, org):
    """An organization's name as lists show it: English on English pages, else the original."""
    if context.get("LANGUAGE_CODE") == "en":
        return org.name_en or org.name
    return original(context, org.name)


@register.simple_tag(takes_context=True)
def pledgers(context, pledges, links=False, empty="—"):
    """The pledging organizations' short names, separated by commas; ``empty`` when there are none.

    One tag for the whole list: as a template loop with a tag per name, the commitments
    list spent a quarter of its rendering time here.
    """
    names = [org_short(context, pledge.organization) for pledge in pledges]
    if links:
        names = [
            format_html('<a href="{}">{}</a>', pledge.organization.get_absolute_url(), name)
            for pledge, name in zip(pledges, names, strict=True)
        ]
    if not names:
        return conditional_escape(empty)
    return mark_safe(conditional_escape(gettext(", ")).join(conditional_escape(n) for n in names))


@register.simple_tag(takes_context=True)
def org_name(context, org):
    """A link to an organization: its original name, then the English (ours unless official)."""
    english = ""
    if org.name_en:
        english = format_html(' <span class="translation" lang="en">{}</span>', org.name_en)
    return format_html('<a href="{}">{}{}</a>', org.get_absolute_url(), original(context, org.name), english)


@register.simple_tag(takes_context=True)
def script_conversion(context):
    """The result tag ("zh-Hans"/"zh-Hant") when this page converts originals, else an empty string."""
    conversion = conversion_for(context.get("request"))
    return conversion[2] if conversion else ""


_BCP47 = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant"}


@register.filter
def bcp47(code):
    """Django's language code ("zh-hans") as the BCP 47 tag for ``lang`` ("zh-Hans")."""
    return _BCP47.get(code, code)


@register.simple_tag
def page_lang():
    """The ``<html lang>`` of the page: the active interface language."""
    return bcp47(get_language() or "en")

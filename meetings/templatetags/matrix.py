"""The cells of the meeting page's pledge matrix, rendered in Python.

A large meeting has a cell for every company and point (80 × 7 and more); as template
loops they were most of the page's rendering time.
"""

import functools

from django import template
from django.utils import translation
from django.utils.html import format_html, format_html_join

from ..models import Verdict

register = template.Library()


@functools.lru_cache(maxsize=16)
def _labels(language):
    """The status labels and "not pledged" in one interface language, translated once per process."""
    with translation.override(language):
        labels = {value: str(label) for value, label in Verdict.choices}
        labels[None] = translation.gettext("not pledged")
    return labels


@register.simple_tag
def pledge_cells(organization, cells):
    """The <td>s of one company's row: its status for each point it pledged, else "not pledged"."""
    labels = _labels(translation.get_language())
    not_pledged = format_html('<td><span class="status status--none">{}</span></td>', labels[None])
    return format_html_join(
        "",
        "{}",
        (
            (
                not_pledged
                if pledge is None
                else format_html(
                    '<td><a class="status status--{}" href="{}#pledge-{}">{}</a></td>',
                    pledge.status,
                    pledge.commitment.get_absolute_url(),
                    organization.slug,
                    labels.get(pledge.status, pledge.status),
                ),
            )
            for pledge in cells
        ),
    )

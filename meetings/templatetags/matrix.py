"""The cells of the meeting page's pledge matrix, rendered in Python.

A large meeting has a cell for every company and point (80 × 7 and more); as template
loops they were most of the page's rendering time.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def pledge_cells(organization, cells):
    """The <td>s of one company's row: its status for each point it pledged, else "not pledged"."""
    not_pledged = format_html('<td><span class="status status--none">{}</span></td>', gettext("not pledged"))
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
                    pledge.get_status_display(),
                ),
            )
            for pledge in cells
        ),
    )

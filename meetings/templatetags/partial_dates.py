"""Partial dates ('2024', '2024-05', '2024-05-07') as text in the page's language."""

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def local_partial(value):
    """'2024-05' as '2024年5月' on Chinese pages; unchanged (ISO) on English ones.

    Only the visible text: ``datetime=`` attributes keep the ISO form.
    """
    if not value or not (get_language() or "").startswith("zh"):
        return value
    parts = str(value).split("-")
    if not all(part.isdigit() for part in parts) or len(parts) > 3:
        return value
    units = "年月日"[: len(parts)]
    return "".join(f"{part if i == 0 else int(part)}{units[i]}" for i, part in enumerate(parts))

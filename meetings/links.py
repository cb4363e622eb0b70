"""Addresses of the public pages, made without a full reverse() each time.

A page such as a meeting's renders hundreds of links (a cell per company and point);
reverse() took a third of its time. ``link()`` reverses each view once per script prefix
and kind of arguments, with placeholders, and fills in the arguments. Arguments are
slugs and numbers, which need no quoting in a path, so the result is the same as
reverse()'s (tested).
"""

import functools
import re

from django.urls import get_script_prefix, reverse


def _placeholder(index, number):
    # A number for an <int:…> part, a word for a <slug:…> part; neither appears in a path.
    return f"{index + 1}{'0' * 12}{index + 1}" if number else f"zqxarg{index}zqx"


@functools.lru_cache(maxsize=128)
def _pieces(viewname, kinds, prefix):
    """The view's path cut around its arguments: (literal, index, literal, index, …, literal)."""
    placeholders = [_placeholder(i, number) for i, number in enumerate(kinds)]
    path = reverse(viewname, args=placeholders)
    if not placeholders:
        return (path,)
    pieces = re.split("(" + "|".join(map(re.escape, placeholders)) + ")", path)
    return tuple(placeholders.index(piece) if i % 2 else piece for i, piece in enumerate(pieces))


# A slug: nothing in it that reverse() would quote.
_SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")


def linkable(*args):
    """Whether ``link()`` gives what ``reverse()`` gives for these arguments: slugs and whole numbers.

    Anything else (a negative number, True, a string to quote) is for ``reverse()``, which
    quotes it or refuses it.
    """
    return all(
        (isinstance(arg, int) and not isinstance(arg, bool) and arg >= 0)
        or (isinstance(arg, str) and _SLUG.match(arg))
        for arg in args
    )


def link(viewname, *args):
    """reverse(viewname, args=args) for slug and number arguments."""
    kinds = tuple(isinstance(arg, int) for arg in args)
    pieces = _pieces(viewname, kinds, get_script_prefix())
    return "".join(str(args[piece]) if i % 2 else piece for i, piece in enumerate(pieces))


def commitment_url(meeting_slug, number):
    """The address of point ``number`` of a meeting: ``Commitment.get_absolute_url()``, from plain values."""
    return link("meetings:commitment-detail", meeting_slug, number)

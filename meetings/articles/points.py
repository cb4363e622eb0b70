"""Numbered points of consensus: 第一, … / 一、… / (一)… / 1. …, each a heading sentence and a body.

A point starts a paragraph with its number. Several numbering styles may occur in
one article (sections and the items inside them); the points are those of the style
whose numbers run 1, 2, 3 … the longest, the earliest on a tie.
"""

import re
from dataclasses import dataclass

from .script import words

_CHINESE_NUMERAL = "[一二三四五六七八九十]{1,3}"
_STYLES = {
    "第一,": re.compile(rf"^第(?P<n>{_CHINESE_NUMERAL})(?:[,，、:：.．]|是)\s*"),
    "一、": re.compile(rf"^(?P<n>{_CHINESE_NUMERAL})[、,，.．]\s*"),
    "(一)": re.compile(rf"^[(（](?P<n>{_CHINESE_NUMERAL})[)）][、,，.．]?\s*"),
    "1.": re.compile(r"^(?P<n>\d{1,3})(?:[.．、](?!\d)|[)）])\s*"),
}
# 達成以下五點共識: how many points the article says there are.
ANNOUNCED = re.compile(
    rf"(?P<n>{_CHINESE_NUMERAL}|兩|两|\d{{1,2}})\s*{words('點 條 項 個方面')}\s*{words('共識 意見 倡議')}"
)
_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


def chinese_number(text):
    """The value of a numeral from 1 to 999 written with 一 … 十 (or digits, or 兩)."""
    if text.isdigit():
        return int(text)
    if text in ("兩", "两"):
        return 2
    if "十" not in text:
        return _DIGITS[text] if len(text) == 1 else None
    tens, _, units = text.partition("十")
    value = (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[units] if units else 0)
    return value if len(tens) <= 1 and len(units) <= 1 else None


@dataclass(frozen=True)
class Point:
    """One numbered point: ``heading`` is its first sentence without the number and the 。."""

    number: int
    marker: str
    heading: str
    body: str
    paragraphs: tuple[int, ...]

    @property
    def text(self):
        return f"{self.heading}。{self.body}" if self.body else self.heading


def find_points(paragraphs):
    """The numbered points among ``paragraphs`` (a list of str), in order; may be empty."""
    best = []
    for pattern in _STYLES.values():
        numbered = []
        for index, paragraph in enumerate(paragraphs):
            match = pattern.match(paragraph)
            number = chinese_number(match["n"]) if match else None
            if number:
                numbered.append((index, number, match))
        run = _longest_run(numbered)
        if len(run) > len(best) or (len(run) == len(best) and run and run[0][0] < best[0][0]):
            best = run
    if len(best) < 2:
        return []
    return _split(paragraphs, best)


def _longest_run(numbered):
    """The longest stretch numbered 1, 2, 3 …, in paragraph order."""
    best, run = [], []
    for item in numbered:
        if item[1] == 1:
            run = [item]
        elif run and item[1] == run[-1][1] + 1:
            run.append(item)
        else:
            continue
        if len(run) > len(best):
            best = list(run)
    return best


def _split(paragraphs, run):
    """Each point's heading (to its first 。) and body.

    A point whose paragraph has no 。 is a heading on its own line: its body is the
    paragraphs up to the next point; the last such point takes as many paragraphs as
    the one before it did, so that the closing paragraphs of the article stay out.
    """
    points = []
    for i, (index, number, match) in enumerate(run):
        rest = paragraphs[index][match.end() :]
        heading, stop, body = rest.partition("。")
        used = [index]
        if not stop:
            if i + 1 < len(run):
                extra = list(range(index + 1, run[i + 1][0]))
            else:
                previous = len(points[-1].paragraphs) - 1 if points else 0
                extra = list(range(index + 1, min(index + 1 + previous, len(paragraphs))))
            body = "\n\n".join(paragraphs[j] for j in extra)
            used += extra
        points.append(Point(number, match.group().strip(), heading.strip(), body.strip(), tuple(used)))
    return points


def announced_count(text):
    """The number of points the article announces (達成以下五點共識 → 5), or None."""
    match = ANNOUNCED.search(text)
    return chinese_number(match["n"]) if match else None

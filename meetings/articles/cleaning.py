"""Cleaning a scraped Chinese page: glosses, page chrome and whitespace out, damaged text flagged.

``clean_article`` keeps the article's characters exactly as printed (its
punctuation too, full-width or not), so that what the extraction quotes is
verbatim; it changes only whitespace and removes what is not the article:

- inline pinyin glosses a scraper put after characters: ``企業(yè)`` → ``企業``
  (a gloss is lowercase pinyin with a tone mark in ASCII parentheses right after a
  Chinese character, so ``(黨委辦公室)`` stays);
- the page chrome after the article: everything after the reprint credit
  (``轉自:…``, which is kept) or from the first copyright, "further reading",
  WeChat, ICP or public-security registration line;
- lines of nothing but icon-font (private-use) characters or question marks.

Damaged text is never repaired here: each span is returned as a ``Flag`` with its
position and the text around it, for the editor to read in the original.
"""

import bisect
import re
from dataclasses import dataclass

from .reading import EmptyArticle, read_article

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN_LETTERS = f"a-zü{_TONED}"
GLOSS = re.compile(rf"(?<=[{_CJK}])\((?P<gloss>[{_PINYIN_LETTERS}]*[{_TONED}][{_PINYIN_LETTERS}]*)\)")

# Whitespace: which characters become a line break, a space, or nothing.
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_SPACES = re.compile(r"[\t\xa0\u1680\u2000-\u200a\u202f\u205f\u3000 ]+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\xad]")

# Lines that end the article: what follows them is the site's, not the article's.
_CHROME = re.compile(
    r"^[【\[]?\s*(?:版權|版权|免責|免责|延伸閱讀|延伸阅读|相關閱讀|相关阅读|相關新聞|相关新闻|推薦閱讀|推荐阅读"
    r"|微信公眾號|微信公众号|微信掃|微信扫|掃一掃|扫一扫|分享到|上一篇|下一篇|責任編輯|责任编辑|關閉窗口|关闭窗口"
    r"|返回頂部|返回顶部|打印本頁|打印本页|Copyright\b|©)"
    r"|ICP備|ICP备|ICP证|ICP證|公網安備|公网安备",
    re.I,
)
# The reprint credit, kept as the last line of the article: 轉自:中國有色金屬報.
REPRINT = re.compile(
    r"^(?:轉自|转自|轉載自|转载自|轉載於|转载于|來源於|来源于|原載|原载)\s*[:：]?\s*(?P<source>\S.*)$"
)
# A line of icon-font glyphs, lost characters or separators, with no text.
_JUNK_LINE = re.compile(r"^[\s?？\ue000-\uf8ff\ufffd•·|>»›\-—_=*~]+$")
# The article proper starts at its first real paragraph; chrome before it is removed line by line.
_PARAGRAPH_CHARS = 40

CONTEXT_CHARS = 12


@dataclass(frozen=True)
class Removal:
    """Something taken out of the page: a gloss (``text`` is ``業(yè)``), chrome or a junk line."""

    kind: str
    text: str


@dataclass(frozen=True)
class Flag:
    """A span of damaged text in the cleaned article, for the editor to read in the original.

    ``start`` and ``end`` index ``Cleaned.text``; ``line`` and ``column`` count from 1.
    """

    start: int
    end: int
    span: str
    before: str
    after: str
    line: int
    column: int
    reasons: tuple[str, ...]

    @property
    def shown(self):
        """The span with invisible and private-use characters written as <U+XXXX>."""
        return printable(self.span)

    @property
    def context(self):
        """The span in its surroundings: ``…下游消費領域⟦?qū)<U+E789>优c⟧合作,發揮需求…``."""
        return f"…{printable(self.before)}⟦{self.shown}⟧{printable(self.after)}…"

    def __str__(self):
        return (
            f"line {self.line}, column {self.column}: damaged text {self.shown!r} in {self.context} "
            f"({'; '.join(self.reasons)})"
        )


@dataclass(frozen=True)
class Cleaned:
    """The article's text, cleaned; the damaged spans in it; what was removed; how it was read."""

    text: str
    flags: tuple[Flag, ...] = ()
    removed: tuple[Removal, ...] = ()
    encoding: str = "unicode"
    kind: str = "text"

    def summary(self):
        """What cleaning did, one short line each, for the editor."""
        lines = []
        if self.kind == "html":
            lines.append("read as HTML: markup, scripts and styles removed")
        if self.encoding not in ("unicode", "utf-8"):
            lines.append(f"decoded from {self.encoding.upper()}")
        glosses = sum(1 for r in self.removed if r.kind == "gloss")
        if glosses:
            lines.append(f"removed {glosses} inline pinyin gloss{'es' if glosses != 1 else ''}")
        chrome = [r for r in self.removed if r.kind == "chrome"]
        if chrome:
            lines.append(f"removed {len(chrome)} line{'s' if len(chrome) != 1 else ''} of page chrome")
        junk = sum(1 for r in self.removed if r.kind == "junk")
        if junk:
            lines.append(f"removed {junk} line{'s' if junk != 1 else ''} of symbols without text")
        if self.flags:
            n = len(self.flags)
            lines.append(f"{n} damaged span{'s' if n != 1 else ''} flagged for the editor")
        return lines


_UNPRINTABLE = re.compile(r"[\ufffd\ue000-\uf8ff\x00-\x09\x0b-\x1f]")


def printable(text):
    """``text`` with private-use, replacement and control characters written as <U+XXXX>."""
    return "".join(f"<U+{ord(c):04X}>" if _UNPRINTABLE.match(c) else c for c in text)


def clean_article(data):
    """Clean an article given as text or bytes (plain text or HTML); return a ``Cleaned``.

    Raises ``ArticleError`` for input that is too large, not text, or empty.
    """
    text, encoding, kind = read_article(data)
    text = _INVISIBLE.sub("", _LINE_BREAKS.sub("\n", text))
    removed = []

    def drop_gloss(match):
        removed.append(Removal("gloss", text[match.start() - 1] + match.group()))
        return ""

    text = GLOSS.sub(drop_gloss, text)
    paragraphs = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    paragraphs = [p for p in paragraphs if p]
    paragraphs = _cut_chrome(paragraphs, removed)
    kept = []
    for paragraph in paragraphs:
        if _JUNK_LINE.match(paragraph):
            removed.append(Removal("junk", paragraph))
        else:
            kept.append(paragraph)
    text = "\n\n".join(kept)
    if not text:
        if paragraphs or removed or kind == "html":
            raise EmptyArticle(
                "the input has no article text: nothing is left once page chrome, markup and "
                "lines of junk characters are removed"
            )
        raise EmptyArticle()
    return Cleaned(text, tuple(find_damage(text)), tuple(removed), encoding, kind)


def _cut_chrome(paragraphs, removed):
    """The paragraphs of the article: chrome before its start dropped, and all after its end."""
    start = next((i for i, p in enumerate(paragraphs) if len(p) >= _PARAGRAPH_CHARS), 0)
    head = []
    for i, paragraph in enumerate(paragraphs[:start]):
        if i and _CHROME.search(paragraph):
            removed.append(Removal("chrome", paragraph))
        else:
            head.append(paragraph)
    body = paragraphs[start:]
    chrome = next((i for i, p in enumerate(body) if i and _CHROME.search(p)), None)
    reprint = next((i for i in reversed(range(len(body))) if i and REPRINT.match(body[i])), None)
    end = len(body)
    if chrome is not None:
        end = chrome
    if reprint is not None and reprint < end and _is_tail(body, reprint):
        end = reprint + 1
    kept, cut = body[:end], body[end:]
    if reprint is not None and reprint >= end:
        # A credit below a copyright line is still the article's credit: keep it last.
        kept.append(body[reprint])
        cut.remove(body[reprint])
    removed.extend(Removal("chrome", p) for p in cut)
    return head + kept


def _is_tail(body, index):
    """Whether the credit at ``index`` ends the article: less text follows it than precedes it."""
    return sum(map(len, body[index + 1 :])) < sum(map(len, body[:index]))


# -- damaged text ----------------------------------------------------------------------------

_MOJIBAKE_CONTINUATION = "\x80-\xbf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
_SEEDS = re.compile(
    rf"(?P<replacement>\ufffd)"
    rf"|(?P<private>[\ue000-\uf8ff])"
    rf"|(?P<mojibake>[ÂÃ][{_MOJIBAKE_CONTINUATION}]|[äåæçèé][{_MOJIBAKE_CONTINUATION}]{{2}}"
    rf"|(?:锟斤拷|錕斤拷)+|(?:烫|燙){{3,}})"
    rf"|(?P<question>\?{{2,}}"
    rf"|(?<=[{_PINYIN_LETTERS}A-Za-z)\ue000-\uf8ff\ufffd])\?"
    rf"|\?(?=[{_PINYIN_LETTERS}A-Za-z)\ue000-\uf8ff\ufffd])"
    rf"|(?<=[{_CJK}])\?(?=[{_CJK}]))"
)
_REASONS = {
    "replacement": "the replacement character U+FFFD: bytes that could not be decoded",
    "private": "a private-use character: not a real character, usually an icon font or a lost one",
    "mojibake": "mojibake: text decoded with the wrong encoding",
    "question": "a '?' where a character was lost (beside pinyin letters or inside a word)",
}
# Characters a damaged span is extended over, by the kind of its seed.
_SUSPECT_LOST = re.compile(rf"[?\ue000-\uf8ff\ufffd()A-Za-z{_PINYIN_LETTERS}]")
_SUSPECT_MOJIBAKE = re.compile(rf"[ÂÃäåæçèé{_MOJIBAKE_CONTINUATION}]")
_CJK_CHAR = re.compile(rf"[{_CJK}]")


def find_damage(text):
    """The damaged spans of ``text`` as ``Flag`` objects, in order, overlapping ones merged."""
    spans = []
    for match in _SEEDS.finditer(text):
        kind = match.lastgroup
        suspect = _SUSPECT_MOJIBAKE if kind == "mojibake" else _SUSPECT_LOST
        start, end = _extend(text, match.start(), match.end(), suspect, bridge=kind != "mojibake")
        if spans and start <= spans[-1][1]:
            previous_start, previous_end, kinds = spans[-1]
            spans[-1] = (previous_start, max(end, previous_end), kinds | {kind})
        else:
            spans.append((start, end, {kind}))
    line_starts = [0] + [match.end() for match in re.finditer("\n", text)]
    return [_flag(text, line_starts, start, end, kinds) for start, end, kinds in spans]


def _extend(text, start, end, suspect, *, bridge):
    """Grow [start, end) over neighbouring suspect characters, and over a single Chinese character
    between two of them (``?qū)<U+E789>优c``: the 优 sits inside the damage)."""
    while start > 0 and (
        suspect.match(text[start - 1])
        or (bridge and start > 1 and _CJK_CHAR.match(text[start - 1]) and suspect.match(text[start - 2]))
    ):
        start -= 1
    while end < len(text) and (
        suspect.match(text[end])
        or (bridge and end + 1 < len(text) and _CJK_CHAR.match(text[end]) and suspect.match(text[end + 1]))
    ):
        end += 1
    return start, end


def _flag(text, line_starts, start, end, kinds):
    line = bisect.bisect_right(line_starts, start)
    line_start = line_starts[line - 1]
    line_end = bisect.bisect_right(line_starts, end)
    line_end = line_starts[line_end] - 1 if line_end < len(line_starts) else len(text)
    return Flag(
        start=start,
        end=end,
        span=text[start:end],
        before=text[max(line_start, start - CONTEXT_CHARS) : start],
        after=text[end : min(line_end, end + CONTEXT_CHARS)],
        line=line,
        column=start - line_start + 1,
        reasons=tuple(_REASONS[kind] for kind in _REASONS if kind in kinds),
    )


DAMAGE_MARK = "⟦damaged: {}⟧"


def mark_damage(text):
    """``text`` with each damaged span replaced by a visible ``⟦damaged: …⟧`` marker.

    For drafts: the import format refuses private-use and replacement characters,
    and the marker keeps the damage in plain sight until the editor corrects it.
    """
    parts, position = [], 0
    for flag in find_damage(text):
        parts += [text[position : flag.start], DAMAGE_MARK.format(flag.shown)]
        position = flag.end
    return "".join(parts) + text[position:]

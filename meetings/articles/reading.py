"""Reading an article: bytes in UTF-8, GB18030 or Big5 to text, HTML to plain text, and the limits.

Scraped Chinese pages come in whatever encoding the site used. Bytes are tried as
UTF-8 first (after a byte-order mark, if any), then as GB18030 and Big5. Big5
bytes are nearly always *also* valid GB18030 and decode to nonsense, so when both
succeed the reading with more of the commonest Chinese characters wins.
"""

import codecs
import re
from html.parser import HTMLParser

# The largest article accepted, in bytes (as UTF-8 for text): the same limit as an
# import file. A news article is a few kilobytes; anything near this is not one.
MAX_ARTICLE_BYTES = 2 * 1024 * 1024


class ArticleError(ValueError):
    """An input that cannot be read as an article; the message says why, for the editor."""


class ArticleTooLarge(ArticleError):
    def __init__(self, size):
        super().__init__(
            f"the input is {size:,} bytes; the limit for an article is {MAX_ARTICLE_BYTES:,} bytes (2 MB)"
        )


class NotText(ArticleError):
    """Bytes that are not text in any encoding tried: an image, an archive, a damaged file."""


class EmptyArticle(ArticleError):
    def __init__(self, message="the input is empty: there is no article text to read"):
        super().__init__(message)


# About 200 of the commonest characters of Chinese news, in both scripts. Real text
# is built mostly from them; a wrong decoding almost never produces them.
_COMMON = frozenset(
    "的一是在不了有和人這这中大為为上個个國国我以要他時时來来用們们生到作地於于出就分對对成會会"
    "可主發发年動动同工也能下過过子說说產产種种面而方後后多定行學学法所民得經经十三之進进着等部"
    "度家電电力裡里如水化高自二理起小物現现實实加量都兩两體体制機机當当使點点從从業业本去把性好"
    "應应開开它合還还因由其些然前外天政四日那社義义事平形相全表間间樣样與与關关各重新線线內内數"
    "数正心反你明看原又麼么利比或但質质氣气第向道命此變变條条只沒没結结解問问意建月公無无系很情"
    "者最立代想已通並并提直題题黨党程展五果料象員员位入常文總总次品式活設设及管特件長长求老頭头"
    "基資资邊边流路級级少圖图山統统接知較较將将組组見见計计別别她手角期根論论運运農农指強强放決"
    "决西被幹干做必先回則则任取據据處处隊队南給给色光門门即保治北造百規规熱热領领七海口東东導导"
    "器壓压志世金增爭争濟济階阶油思術术極极交受聯联什認认六共權权收證证改清己美再轉转更單单風风"
    "切打白教速花帶带安場场身車车例真務务具萬万每目至達达走積积示議议聲声報报完類类八離离華华名"
    "確确才科張张信馬马節节話话米整空元況况今集溫温傳传土許许步群廣广石記记需段研界拉林律叫且究"
    "觀观越織织裝装影算低持音眾众書书布復复容兒儿須须際际商非驗验連连斷断深難难近礦矿千週周委素"
    "技備备半辦办青省列習习響响約约支般史感勞劳便團团往酸歷历市克何除消構构府稱称太準准精值號号"
    "率族維维劃划選选標标寫写存候毛親亲快效斯院查江型眼王按格養养易置派層层片始卻却專专狀状育廠"
    "厂京識识適适屬属圓圆包火住調调滿满縣县局照參参紅红細细引聽听該该鐵铁價价嚴严協协座談谈企"
)

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# C0 and C1 control characters other than tab, line feed, form feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def check_size(size):
    if size > MAX_ARTICLE_BYTES:
        raise ArticleTooLarge(size)


def decode_article(data):
    """``(text, encoding)`` for the bytes of an article; raises ``ArticleError`` when it is none."""
    check_size(len(data))
    if not data.strip():
        raise EmptyArticle()
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return _text_or_refuse(data.decode(encoding)), encoding.removesuffix("-sig")
            except UnicodeDecodeError as error:
                raise NotText(
                    f"the input starts with a {encoding.removesuffix('-sig').upper()} byte-order mark "
                    f"but is not valid {encoding.removesuffix('-sig').upper()} (byte {error.start + 1:,})"
                ) from None
    if b"\x00" in data:
        if utf16_without_bom(data):
            raise NotText("the input is UTF-16 text without a byte-order mark; save it as UTF-8")
        raise NotText("the input contains NUL bytes: it is a binary file, not text")
    try:
        return _text_or_refuse(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    readings = []
    for encoding in ("gb18030", "big5"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        readings.append((_commonness(text), encoding, text))
    if not readings:
        raise NotText(
            "the input is not text in UTF-8, GB18030 or Big5: is it a binary file? Save it as UTF-8"
        )
    # max() keeps the first of equals: GB18030 before Big5.
    commonness, encoding, text = max(readings, key=lambda reading: reading[0])
    if commonness < LEAST_COMMONNESS:
        # Nearly any bytes are "valid" GB18030: Latin-1 or Windows-1252 text (Größe) reads
        # as rare characters (Gr鲞e) that no article is made of.
        raise NotText(
            "the input is not UTF-8, and read as GB18030 or Big5 it is not Chinese text "
            "(is it in another encoding, such as Latin-1?); save it as UTF-8"
        )
    return _text_or_refuse(text), encoding


# Of the Chinese characters of a real article, about three in four are among ``_COMMON``;
# a wrong decoding makes almost none of them.
LEAST_COMMONNESS = 0.2


def utf16_without_bom(data):
    """Whether ``data`` reads as UTF-16 text, without NUL or control characters, in either byte order."""
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text and not _CONTROL.search(text):
            return True
    return False


def _commonness(text):
    cjk = _CJK.findall(text)
    return sum(1 for char in cjk if char in _COMMON) / len(cjk) if cjk else 0.0


def _text_or_refuse(text):
    controls = len(_CONTROL.findall(text))
    if controls > max(2, len(text) // 200):
        raise NotText(f"the input has {controls:,} control characters: it is a binary file, not text")
    return text


# -- HTML ---------------------------------------------------------------------------------

_HTML_START = re.compile(
    r"^\s*(?:<!doctype\s+html|<html|<head|<body|<meta|<!--|<(?:p|div|article|h[1-6])\b)", re.I
)
_HTML_TAGS = re.compile(r"</(?:p|div|span|td|li|h[1-6]|a|article|section)>|<br\s*/?>", re.I)
# Elements whose content is never article text.
_SKIPPED = frozenset(
    {"script", "style", "noscript", "template", "head", "nav", "svg", "iframe", "object", "select"}
)
# Elements that end a paragraph.
_BLOCKS = frozenset(
    re.split(
        r"\s+",
        "address article aside blockquote br dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 h6 "
        "header hr li main nav ol p pre section table tbody td th thead tr ul",
    )
)


def looks_like_html(text):
    """Whether ``text`` is an HTML page or fragment rather than plain text."""
    return bool(_HTML_START.match(text)) or len(_HTML_TAGS.findall(text[:100_000])) >= 2


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skipping = []
        self.heading_at = None  # where the first <h1> starts in ``parts``

    def handle_starttag(self, tag, attrs):
        if tag == "body" and "head" in self.skipping:
            self.skipping.clear()  # a page that never closed its <head>
        if tag in _SKIPPED:
            self.skipping.append(tag)
        elif tag in _BLOCKS:
            self.parts.append("\n")
            if tag == "h1" and self.heading_at is None and not self.skipping:
                self.heading_at = len(self.parts)

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCKS and not self.skipping:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIPPED:
            # Close the innermost open skipped element of this name; a stray end tag is ignored.
            if tag in self.skipping:
                while self.skipping and self.skipping.pop() != tag:
                    pass
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data.replace("\n", " "))


def html_to_text(html):
    """The text of an HTML page, one block element to a line, without scripts, styles, the head
    and navigation; when the page has an <h1>, the text starts there (the article's headline).

    Uses the standard library's tolerant parser: it never executes anything and
    copes with the broken markup scraped pages have.
    """
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return "".join(collector.parts[collector.heading_at or 0 :])


def read_article(data):
    """``(text, encoding, kind)`` for an article given as bytes or text; ``kind`` is text or html."""
    if isinstance(data, bytes | bytearray | memoryview):
        text, encoding = decode_article(bytes(data))
    else:
        check_size(len(data.encode("utf-8", errors="surrogatepass")))
        text, encoding = data, "unicode"
    text = text.removeprefix("\ufeff")
    if looks_like_html(text):
        return html_to_text(text), encoding, "html"
    return text, encoding, "text"

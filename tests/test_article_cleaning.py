"""Cleaning scraped articles: noise out, damaged text flagged, every kind of input read or refused."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings

from meetings.articles import (
    MAX_ARTICLE_BYTES,
    ArticleTooLarge,
    EmptyArticle,
    NotText,
    clean_article,
    find_damage,
    mark_damage,
)

ARTICLES = Path(__file__).parent / "data" / "articles"
SEED = ARTICLES / "gallium-symposium-2023.txt"
FOUNDING = yaml.safe_load(
    (settings.BASE_DIR / "meetings" / "data" / "gallium-symposium-2023.yaml").read_text(encoding="utf-8")
)
DAMAGED = "?qū)\ue789优c"


@pytest.fixture(scope="module")
def seed():
    return clean_article(SEED.read_bytes())


def test_it_removes_the_pinyin_glosses_and_keeps_the_real_parenthesis(seed):
    assert "企業(yè)" in SEED.read_text(encoding="utf-8")
    assert "(yè)" not in seed.text
    assert "金屬鎵企業就產業高質量發展達成共識" in seed.text
    assert "辦公室(黨委辦公室)主任許允" in seed.text
    glosses = [r.text for r in seed.removed if r.kind == "gloss"]
    assert len(glosses) == 157
    assert "業(yè)" in glosses


def test_it_keeps_the_reprint_credit_and_cuts_the_chrome_after_it(seed):
    assert seed.text.endswith("\n\n轉自:中國有色金屬報")
    for chrome in ("版權", "免責聲明", "延伸閱讀", "微信公眾號", "ICP", "公網安備"):
        assert chrome not in seed.text
    chrome = [r.text for r in seed.removed if r.kind == "chrome"]
    assert chrome[0].startswith("【版權及免責聲明】")
    assert chrome[-1].startswith("版權所有")


def test_it_normalises_whitespace_but_not_the_characters(seed):
    paragraphs = seed.text.split("\n\n")

    assert paragraphs[1] == "中國產業經濟信息網 時間:2023-10-12"
    assert all(p == p.strip() and p for p in paragraphs)
    assert "\xa0" not in seed.text and "\n\n\n" not in seed.text
    # The article's half-width punctuation stays as printed.
    assert "近日,中國有色金屬工業協會" in seed.text


def test_it_keeps_full_width_punctuation_as_printed():
    cleaned = clean_article("標題\n\n\u3000\u3000近日，協會在北京召開座談會：會議（擴大）。\u3000\n")

    assert cleaned.text == "標題\n\n近日，協會在北京召開座談會：會議（擴大）。"


def test_the_seed_has_one_damaged_span_flagged_with_its_place_and_context(seed):
    (flag,) = seed.flags

    assert flag.span == DAMAGED
    assert seed.text[flag.start : flag.end] == DAMAGED
    assert (flag.line, flag.column) == (13, 108)
    assert flag.before.endswith("下游消費領域") and flag.after.startswith("合作,發揮")
    assert flag.context == "…,主動加強與下游消費領域⟦?qū)<U+E789>优c⟧合作,發揮需求牽引供給、…"
    assert "U+E789" in str(flag) and "line 13, column 108" in str(flag)


def test_the_founding_records_texts_are_verbatim_once_the_editor_reads_the_span(seed):
    (flag,) = seed.flags
    read = seed.text[: flag.start] + "對接與" + seed.text[flag.end :]

    for commitment in FOUNDING["commitments"]:
        assert f"{commitment['heading']}。{commitment['body']}" in read, commitment["number"]
    assert FOUNDING["meeting"]["summary"] in read
    for item in FOUNDING["attendance"] + FOUNDING["participants"] + FOUNDING["pledges"]:
        assert item["quote"] in read


@pytest.mark.parametrize(
    "text, span, reason",
    [
        ("合作領域\ufffd\ufffd合作", "\ufffd\ufffd", "replacement character"),
        ("合作領域\ue789合作", "\ue789", "private-use"),
        ("領域?qū)合作", "?qū)", "'?'"),
        ("產業有?個環節", "?", "'?'"),
        ("咖啡館cafÃ©的數據", "Ã©", "mojibake"),
        ("某某公司锟斤拷锟斤拷生產", "锟斤拷锟斤拷", "mojibake"),
    ],
)
def test_it_flags_damaged_text_of_every_kind(text, span, reason):
    (flag,) = find_damage(text)

    assert flag.span == span
    assert reason in " ".join(flag.reasons)


def test_it_flags_nothing_in_an_undamaged_article():
    cleaned = clean_article((ARTICLES / "gallium-enumerated.txt").read_bytes())

    assert cleaned.flags == ()
    assert find_damage("怎麼辦？會議(擴大)討論了GaN和5G。") == []


def test_marking_damage_writes_it_visibly_without_the_characters_the_importer_refuses():
    marked = mark_damage(f"下游消費領域{DAMAGED}合作")

    assert marked == "下游消費領域⟦damaged: ?qū)<U+E789>优c⟧合作"


def test_it_reads_an_html_page_without_its_head_scripts_styles_or_navigation():
    cleaned = clean_article((ARTICLES / "gallium.html").read_bytes())
    paragraphs = cleaned.text.split("\n\n")

    assert cleaned.kind == "html"
    assert paragraphs[0] == "金屬鎵企業就產業高質量發展達成共識"
    assert paragraphs[1] == "中國產業經濟信息網 時間:2023-10-12"
    assert paragraphs[-1] == "轉自:中國有色金屬報"
    for noise in ("首頁", "分享到", "廣告腳本", "text-indent", "_hmt", "延伸閱讀", "ICP", "<p>"):
        assert noise not in cleaned.text
    assert len(paragraphs) == 11


def test_html_entities_and_line_breaks_become_text():
    cleaned = clean_article("<p>A&amp;B&nbsp;公司</p><p>第一行<br>第二行</p><script>alert(1)</script>")

    assert cleaned.text == "A&B 公司\n\n第一行\n\n第二行"


@pytest.mark.parametrize(
    "name, encoding",
    [("gallium-symposium-2023.gb18030.txt", "gb18030"), ("gallium-repaired.big5.txt", "big5")],
)
def test_it_reads_gb18030_and_big5_bytes(seed, name, encoding):
    cleaned = clean_article((ARTICLES / name).read_bytes())

    assert cleaned.encoding == encoding
    assert cleaned.text.startswith("金屬鎵企業就產業高質量發展達成共識\n\n中國產業經濟信息網")
    if encoding == "gb18030":
        assert cleaned.text == seed.text and cleaned.flags == seed.flags
    else:
        assert "下游消費領域對接與合作" in cleaned.text


def test_it_reads_a_utf8_byte_order_mark_and_windows_line_ends():
    cleaned = clean_article("\ufeff標題\r\n\r\n正文。\r\n".encode())

    assert cleaned.text == "標題\n\n正文。"


@pytest.mark.parametrize(
    "data", [b"", b"  \n\t\n", "\u3000\n", "<html><body><script>x()</script></body></html>"]
)
def test_it_refuses_empty_input(data):
    with pytest.raises(EmptyArticle, match=r"empty|no article text"):
        clean_article(data)


def test_it_refuses_the_empty_file():
    with pytest.raises(EmptyArticle):
        clean_article((ARTICLES / "empty.txt").read_bytes())


@pytest.mark.parametrize(
    "data, message",
    [
        ((ARTICLES / "garbage.bin").read_bytes(), "NUL bytes"),
        (bytes(range(0x80, 0x100)) * 4, "not text in UTF-8, GB18030 or Big5"),
        (b"\xef\xbb\xbf\xff\xfe", "byte-order mark"),
        (b"text" + b"\x01\x02\x03\x04" * 20, "control characters"),
    ],
)
def test_it_refuses_binary_garbage_with_a_clear_message(data, message):
    with pytest.raises(NotText, match=message):
        clean_article(data)


@pytest.mark.parametrize("kind", [bytes, str])
def test_it_refuses_input_over_the_limit(kind):
    data = "鎵" * (MAX_ARTICLE_BYTES // 3 + 1)

    with pytest.raises(ArticleTooLarge, match="limit for an article is 2,097,152 bytes"):
        clean_article(data.encode() if kind is bytes else data)


def test_the_summary_says_what_cleaning_did(seed):
    assert seed.summary() == [
        "removed 157 inline pinyin glosses",
        "removed 5 lines of page chrome",
        "1 damaged span flagged for the editor",
    ]

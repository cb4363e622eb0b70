"""Originals in the reader's script: 繁體 shown as 简体 on 简体 pages and the reverse, never stored."""

import pytest

from meetings.models import Commitment, Meeting
from meetings.scripts import convert, script_variants
from tests.factories import (
    make_attendance,
    make_commitment,
    make_company,
    make_meeting,
    make_participation,
    make_person,
)

MEETING = "/meetings/gallium-symposium-2023/"
TITLE_HANT = "鎵產業高質量發展專題座談會"
TITLE_HANS = "镓产业高质量发展专题座谈会"


@pytest.fixture
def simplified_meeting(db):
    """A meeting whose source printed it in Simplified script."""
    meeting = make_meeting(slug="simplified", title="镓产业链座谈会", language="zh-Hans")
    make_commitment(meeting, number=1, heading="加强资源综合回收利用", body="应收尽收。")
    make_attendance(meeting, make_person(name="许允"), title="副秘书长")
    make_participation(meeting, make_company(slug="simplified-co", name="东方希望集团有限公司"))
    return meeting


def test_the_converters_work_both_ways():
    assert convert(TITLE_HANT, "t2s") == TITLE_HANS
    assert convert(TITLE_HANS, "s2t") == TITLE_HANT
    assert script_variants("镓") == ["镓", "鎵"]
    assert script_variants("gallium") == ["gallium"]


def test_the_simplified_page_shows_traditional_originals_in_simplified(in_language, founding_record):
    html = in_language("zh-hans").get(MEETING).content.decode()
    assert f'<h1 lang="zh-Hans" class="converted">{TITLE_HANS}</h1>' in html
    # Names of organizations and people, titles held, headings and bodies are converted too.
    for text in (
        "中国有色金属工业协会",
        "中国铝业股份有限公司",
        "葛红林",
        "党委书记、会长",
        "加强镓资源的综合回收利用",
    ):
        assert text in html
    assert "已转换为简体" in html


def test_the_converted_text_is_marked_and_the_exact_original_is_beside_it(in_language, founding_record):
    html = in_language("zh-hans").get(MEETING).content.decode()
    summary = "<summary>已转换为简体 · 查看原文</summary>"
    assert f'<details class="exact-original">{summary}<p lang="zh-Hant">{TITLE_HANT}</p>' in html
    assert '<span lang="zh-Hans" class="converted" title="葛紅林">葛红林</span>' in html


def test_original_1_shows_the_exact_original(in_language, founding_record):
    html = in_language("zh-hans").get(MEETING + "?original=1").content.decode()
    assert f'<h1 lang="zh-Hant">{TITLE_HANT}</h1>' in html
    assert TITLE_HANS not in html
    assert "中文原文按来源原样显示" in html
    assert 'href="?original=1"' not in html


def test_the_simplified_page_links_to_the_exact_original(in_language, founding_record):
    html = in_language("zh-hans").get("/commitments/?company=chalco").content.decode()
    assert 'href="?company=chalco&amp;original=1">查看原文</a>' in html


def test_the_english_page_shows_originals_exactly_as_stored(client, founding_record):
    html = client.get(MEETING).content.decode()
    assert f'<h1 lang="zh-Hant">{TITLE_HANT}</h1>' in html
    assert TITLE_HANS not in html
    assert "converted" not in html


def test_the_traditional_page_leaves_traditional_originals_alone(in_language, founding_record):
    html = in_language("zh-hant").get(MEETING).content.decode()
    assert f'<h1 lang="zh-Hant">{TITLE_HANT}</h1>' in html
    assert 'class="converted"' not in html


def test_the_traditional_page_converts_simplified_originals(in_language, simplified_meeting):
    html = in_language("zh-hant").get("/meetings/simplified/").content.decode()
    assert '<h1 lang="zh-Hant" class="converted">鎵產業鏈座談會</h1>' in html
    for text in ("加強資源綜合回收利用", "應收盡收", "許允", "副秘書長", "東方希望集團有限公司"):
        assert text in html
    assert "已轉換為繁體" in html
    assert '<p lang="zh-Hans">镓产业链座谈会</p>' in html


def test_the_simplified_page_leaves_simplified_originals_alone(in_language, simplified_meeting):
    html = in_language("zh-hans").get("/meetings/simplified/").content.decode()
    assert '<h1 lang="zh-Hans">镓产业链座谈会</h1>' in html


def test_the_company_page_converts_the_company_name(in_language, founding_record):
    html = in_language("zh-hans").get("/companies/chalco/").content.decode()
    assert '<h1 lang="zh-Hans" class="converted">中国铝业股份有限公司</h1>' in html


def test_the_stored_traditional_text_is_unchanged_after_rendering(in_language, founding_record):
    before = list(Commitment.objects.values_list("heading", "body").order_by("number"))
    for url in (MEETING, "/commitments/gallium-symposium-2023/1/", "/companies/chalco/", "/commitments/"):
        assert in_language("zh-hans").get(url).status_code == 200
    meeting = Meeting.objects.get(slug="gallium-symposium-2023")
    assert meeting.title == TITLE_HANT
    assert meeting.organizer.name == "中國有色金屬工業協會"
    assert list(Commitment.objects.values_list("heading", "body").order_by("number")) == before
    assert before[0][0] == "深刻認識資源的稀缺性與戰略重要性,加強鎵資源的綜合回收利用"

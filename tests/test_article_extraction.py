"""Extraction: the seed gives the founding record's facts; variants give the same or say what is missing."""

import datetime
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from meetings.articles import clean_article, extract

ARTICLES = Path(__file__).parent / "data" / "articles"
FOUNDING = yaml.safe_load(
    (settings.BASE_DIR / "meetings" / "data" / "gallium-symposium-2023.yaml").read_text(encoding="utf-8")
)
HEADINGS = [c["heading"] for c in FOUNDING["commitments"]]
BODIES = [c["body"] for c in FOUNDING["commitments"]]
COMPANIES = [o["name"] for o in FOUNDING["organizations"] if o["kind"] == "company"]
QUOTES = {
    "speaker": next(a["quote"] for a in FOUNDING["attendance"] if a["person"] == "葛紅林"),
    "companies": next(p["quote"] for p in FOUNDING["participants"] if p["organization"] == "chalco"),
    "consensus": next(p["quote"] for p in FOUNDING["pledges"] if p["organization"] == "chalco"),
}
CNIA = "中國有色金屬工業協會"
PEOPLE = [
    ("葛紅林", "speaker", "第十三屆全國政協常委,中國有色金屬工業協會黨委書記、會長"),
    ("范順科", "chair", "中國有色金屬工業協會黨委副書記"),
    ("許允", "attendee", "中國有色金屬工業協會副秘書長兼辦公室(黨委辦公室)主任"),
]


def extracted(name):
    return extract(clean_article((ARTICLES / name).read_bytes()))


@pytest.fixture(scope="module")
def seed():
    return extracted("gallium-symposium-2023.txt")


def test_the_seed_gives_the_headline_publisher_date_and_reprint_source(seed):
    assert seed.headline == "金屬鎵企業就產業高質量發展達成共識"
    assert seed.publisher == "中國產業經濟信息網"
    assert seed.published_on == datetime.date(2023, 10, 12)
    assert seed.reprinted_from == "中國有色金屬報"
    assert seed.language == "zh-Hant"


def test_the_seed_gives_the_organizer_place_and_meeting_without_inventing_a_date(seed):
    assert (seed.organizer, seed.organizer_kind) == (CNIA, "association")
    assert seed.place == "寧夏銀川"
    assert seed.meeting_name == "鎵產業高質量發展專題座談會"
    assert seed.date_as_reported == "近日"
    assert (seed.held_on, seed.held_on_precision) == (None, "")
    assert seed.summary == FOUNDING["meeting"]["summary"]


def test_the_seed_gives_the_three_named_people_in_their_roles_with_their_titles(seed):
    assert [(p.name, p.role, p.title) for p in seed.people] == PEOPLE
    assert {p.organization for p in seed.people} == {CNIA}
    assert seed.people[0].quote == QUOTES["speaker"]


def test_the_seed_gives_the_mofcom_bureau_and_the_associations_branches(seed):
    (bureau,) = seed.government
    assert (bureau.name, bureau.parent, bureau.own_name) == (
        "商務部產業安全與進出口管制局",
        "商務部",
        "產業安全與進出口管制局",
    )
    assert bureau.quote == "商務部產業安全與進出口管制局有關領導出席會議并發言。"
    assert [(b.name, b.parent) for b in seed.branches] == [
        ("稀有稀土部", CNIA),
        ("輕金屬部", CNIA),
        ("鋁業分會", CNIA),
        ("稀散金屬分會", CNIA),
    ]


def test_the_seed_gives_the_seven_companies_and_marks_the_list_partial(seed):
    assert list(seed.companies) == COMPANIES
    assert seed.companies_partial is True
    (group,) = seed.company_lists
    assert group.quote == QUOTES["companies"]


def test_the_seed_gives_five_points_with_the_founding_records_headings(seed):
    assert [p.number for p in seed.points] == [1, 2, 3, 4, 5]
    assert [p.heading for p in seed.points] == HEADINGS
    assert [p.marker for p in seed.points] == ["第一,", "第二,", "第三,", "第四,", "第五,"]
    assert seed.points_announced == 5
    assert seed.consensus_quote == QUOTES["consensus"]


def test_the_seed_gives_the_bodies_verbatim_with_the_damaged_span_still_flagged(seed):
    (flag,) = seed.flags
    bodies = [p.body for p in seed.points]

    assert bodies[:2] + bodies[3:] == BODIES[:2] + BODIES[3:]
    assert bodies[2] == BODIES[2].replace("對接與", flag.span)
    assert seed.messages == ()


# The variants: (file, whether the points' texts are the founding record's exactly).
TRADITIONAL_VARIANTS = [
    ("gallium-no-glosses.txt", False),
    ("gallium-symposium-2023.gb18030.txt", False),
    ("gallium-repaired.big5.txt", True),
    ("gallium.html", True),
    ("gallium-enumerated.txt", True),
]


@pytest.mark.parametrize("name, repaired", TRADITIONAL_VARIANTS)
def test_each_traditional_variant_gives_what_the_seed_gives(seed, name, repaired):
    variant = extracted(name)

    for field in (
        "headline",
        "publisher",
        "published_on",
        "reprinted_from",
        "organizer",
        "place",
        "meeting_name",
    ):
        assert getattr(variant, field) == getattr(seed, field), field
    assert [(p.name, p.role, p.title) for p in variant.people] == PEOPLE
    assert variant.government == seed.government and variant.branches == seed.branches
    assert variant.companies == seed.companies and variant.companies_partial
    assert [p.heading for p in variant.points] == HEADINGS
    if repaired:
        assert [p.body for p in variant.points] == BODIES
        assert variant.flags == ()
    else:
        assert len(variant.flags) == 1


def test_the_enumerated_variant_numbers_its_points_with_yi_and_a_comma():
    assert [p.marker for p in extracted("gallium-enumerated.txt").points] == [
        "一、",
        "二、",
        "三、",
        "四、",
        "五、",
    ]


def test_the_parenthesised_variant_reads_headings_on_their_own_lines_and_full_width_punctuation():
    variant = extracted("gallium-parenthesised.txt")

    def full_width(text):
        return text.translate(str.maketrans(",:;()", "，：；（）"))

    assert [p.marker for p in variant.points] == ["（一）", "（二）", "（三）", "（四）", "（五）"]
    assert [p.heading for p in variant.points] == [full_width(h) for h in HEADINGS]
    assert [p.body for p in variant.points] == [full_width(b) for b in BODIES]
    assert variant.published_on == datetime.date(2023, 10, 12)
    assert [(p.name, p.role) for p in variant.people] == [(name, role) for name, role, _ in PEOPLE]
    assert variant.people[2].title == full_width(PEOPLE[2][2])
    assert len(variant.companies) == 7 and len(variant.branches) == 4 and len(variant.government) == 1


def test_the_simplified_variant_gives_the_same_facts_in_simplified_script():
    variant = extracted("gallium-simplified.txt")

    assert variant.language == "zh-Hans"
    assert variant.headline == "金属镓企业就产业高质量发展达成共识"
    assert (variant.publisher, variant.reprinted_from) == ("中国产业经济信息网", "中国有色金属报")
    assert (variant.organizer, variant.place) == ("中国有色金属工业协会", "宁夏银川")
    assert variant.meeting_name == "镓产业高质量发展专题座谈会"
    assert [(p.name, p.role) for p in variant.people] == [
        ("葛红林", "speaker"),
        ("范顺科", "chair"),
        ("许允", "attendee"),
    ]
    assert variant.people[1].title == "中国有色金属工业协会党委副书记"
    assert [(g.name, g.parent) for g in variant.government] == [("商务部产业安全与进出口管制局", "商务部")]
    assert [b.name for b in variant.branches] == ["稀有稀土部", "轻金属部", "铝业分会", "稀散金属分会"]
    assert variant.companies[0] == "中国铝业股份有限公司" and len(variant.companies) == 7
    assert variant.companies_partial
    assert variant.points[0].heading == "深刻认识资源的稀缺性与战略重要性,加强镓资源的综合回收利用"
    assert len(variant.points) == 5 and len(variant.flags) == 1


def test_a_complete_list_is_not_partial_and_an_explicit_day_is_the_date_held():
    variant = extracted("gallium-complete-list.txt")

    assert variant.companies == tuple(COMPANIES)
    assert variant.companies_partial is False
    assert variant.date_as_reported == "10月11日"
    assert (variant.held_on, variant.held_on_precision) == (datetime.date(2023, 10, 11), "day")


def test_an_article_without_numbered_points_gives_what_it_has_and_says_so():
    variant = extracted("germanium-no-points.txt")

    assert variant.points == ()
    assert any("No numbered points were found" in m for m in variant.messages)
    assert (variant.organizer, variant.place, variant.meeting_name) == (
        "示例金属工业协会",
        "云南昆明",
        "锗产业发展座谈会",
    )
    assert variant.held_on == datetime.date(2024, 6, 1)
    assert variant.published_on == datetime.date(2024, 6, 3)
    assert [(p.name, p.role, p.organization) for p in variant.people] == [
        ("王示例", "speaker", "示例金属工业协会"),
        ("李样本", "chair", "稀散金属分会"),
    ]
    assert variant.companies == ("示例锗业有限公司", "样本新材料股份有限公司", "示例光电集团有限公司")
    assert not variant.companies_partial
    # 协会…科技部 is the association's department, not the ministry.
    assert [b.name for b in variant.branches] == ["稀散金属分会", "科技部"]
    assert variant.government == ()


ARABIC = """稀土企業座談會召開

某某網 發布時間：２０２４年１月３日

12月28日，中國稀土行業協會在江西贛州召開稀土產業發展座談會。工業和信息化部原材料工業司有關負責同志出席會議並講話。會議由協會秘書長張三主持。中國稀土集團有限公司總經理李四、北方稀土副總經理王五出席會議。會議達成三點共識：

1. 加強行業自律。堅決抵制惡性競爭。

2. 嚴格執行總量控制指標。不得超指標生產。

3. 推進綠色發展。
"""


def test_arabic_numbering_full_width_digits_and_a_date_in_the_previous_year():
    result = extract(clean_article(ARABIC))

    assert [(p.number, p.heading, p.body) for p in result.points] == [
        (1, "加強行業自律", "堅決抵制惡性競爭。"),
        (2, "嚴格執行總量控制指標", "不得超指標生產。"),
        (3, "推進綠色發展", ""),
    ]
    assert result.published_on == datetime.date(2024, 1, 3)
    assert result.held_on == datetime.date(2023, 12, 28)
    assert [(g.name, g.parent) for g in result.government] == [
        ("工業和信息化部原材料工業司", "工業和信息化部")
    ]
    assert [(p.name, p.role, p.organization) for p in result.people] == [
        ("張三", "chair", "中國稀土行業協會"),
        ("李四", "attendee", "中國稀土集團有限公司"),
        ("王五", "attendee", ""),
    ]
    assert result.companies == ("中國稀土集團有限公司",)
    assert result.points_announced == 3 and result.messages == ()


def test_people_named_together_share_the_verb_after_them():
    result = extract("標題\n\n協會會長張三、副會長李四出席會議,秘書長王五主持會議。")

    assert [(p.name, p.role, p.title) for p in result.people] == [
        ("張三", "attendee", "協會會長"),
        ("李四", "attendee", "副會長"),
        ("王五", "chair", "秘書長"),
    ]


def test_missing_facts_are_left_empty_and_reported():
    result = extract("一篇文章\n\n沒有日期,也沒有會議。")

    assert (result.publisher, result.published_on, result.organizer, result.points) == ("", None, "", ())
    assert len(result.messages) == 4

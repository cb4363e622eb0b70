"""The founding record, as imported: the facts of the 2023 gallium symposium, and no scraping noise.

The facts are checked against the scraped article itself (``tests/data/gallium-symposium-2023.txt``,
a copy of the seed), cleaned here the way DESIGN.md describes.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models

from meetings.models import (
    ActionItem,
    Attendance,
    Evidence,
    Meeting,
    MeetingSeries,
    Organization,
    Participation,
    Pledge,
    Source,
)

SEED = Path(__file__).parent / "data" / "gallium-symposium-2023.txt"

# A pinyin gloss the scraper put after a character: 企業(yè). Tone marks make it a gloss,
# not a real parenthesis such as (黨委辦公室) or (Chalco).
GLOSS = re.compile(r"[\u3400-\u9fff]\([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*\)")
DAMAGE = re.compile(r"\?qū|[\ue000-\uf8ff\ufffd]")
CHROME = ("版權", "免責聲明", "微信公眾號", "ICP", "京公網安備")

CNIA = "中國有色金屬工業協會"
COMPANIES = [
    "中國鋁業股份有限公司",
    "杭州錦江集團有限公司",
    "廣東先導稀材股份有限公司",
    "珠海經濟特區方源有限公司",
    "東方希望集團有限公司",
    "株洲科能新材料股份有限公司",
    "山西森澤能源科技集團有限公司",
]
HEADINGS = [
    "深刻認識資源的稀缺性與戰略重要性,加強鎵資源的綜合回收利用",
    "主動對接國家戰略,為新興產業發展提供堅實原材料保障",
    "堅持自主創新,著力突破產業鏈“卡點、堵點”",
    "嚴格遵守國家法規,積極爭取政策支持",
    "加強行業自律,努力構建產業命運共同體",
]
ORDINALS = "一二三四五"
# (commitment, position, text) of every action item, as the article writes it.
ACTION_ITEMS = [
    (1, 1, "應收盡收"),
    (2, 1, "聚焦高純鎵、超高純鎵等精深加工產品"),
    (2, 2, "自覺開展“三品”行動"),
    (3, 1, "低品位物料提鎵"),
    (3, 2, "超高純鎵制備技術"),
    (3, 3, "大尺寸、半絕緣型化合物半導體材料制備及其裝備研發"),
    (3, 4, "每年召開一次鎵產業鏈專題座談會"),
    (4, 1, "嚴格遵守商務部與海關總署關于對鎵相關物項實施出口管制的規定"),
    (4, 2, "積極爭取政策支持,包括科技專項,國家或商業儲備等"),
    (5, 1, "抵制行業內卷"),
    (5, 2, "防止低水平同質化惡性競爭"),
    (5, 3, "積極開展國際規則與標準對接"),
]


def cleaned_article():
    """The seed article without glosses, with its one damaged span read in context, and without
    the page chrome that follows the credit line (轉自:中國有色金屬報)."""
    text = GLOSS.sub(lambda match: match.group()[0], SEED.read_text(encoding="utf-8"))
    text = text.replace("領域?qū)\ue789优c合作", "領域對接與合作")
    credit = "轉自:中國有色金屬報"
    return text[: text.index(credit) + len(credit)]


ARTICLE = cleaned_article()


def test_the_cleaned_article_is_free_of_noise_and_keeps_the_real_parenthesis():
    assert "企業(yè)" in SEED.read_text(encoding="utf-8")
    assert not GLOSS.search(ARTICLE)
    assert not DAMAGE.search(ARTICLE)
    assert not any(chrome in ARTICLE for chrome in CHROME)
    assert "辦公室(黨委辦公室)主任許允" in ARTICLE
    assert "下游消費領域對接與合作" in ARTICLE


def test_there_is_exactly_one_meeting_published_with_what_the_article_says(founding_record):
    meeting = Meeting.objects.get()

    assert meeting == founding_record
    assert meeting.slug == "gallium-symposium-2023"
    assert meeting.status == Meeting.Status.PUBLISHED
    assert meeting.title == "鎵產業高質量發展專題座談會"
    assert (meeting.organizer.name, meeting.organizer.kind) == (CNIA, Organization.Kind.ASSOCIATION)
    assert meeting.place == "寧夏銀川"
    assert f"近日,{CNIA}在寧夏銀川組織召開了鎵產業高質量發展專題座談會" in ARTICLE
    assert [industry.slug for industry in meeting.industries.all()] == ["gallium"]


def test_the_day_is_unknown_and_the_report_date_is_kept(founding_record):
    assert founding_record.held_on is None
    assert founding_record.held_on_precision == ""
    assert founding_record.date_as_reported == "近日"
    assert founding_record.reported_on == datetime.date(2023, 10, 12)
    assert founding_record.participant_list_partial is True


@pytest.mark.parametrize(
    "name, role, title",
    [
        ("葛紅林", Attendance.Role.SPEAKER, "第十三屆全國政協常委,中國有色金屬工業協會黨委書記、會長"),
        ("范順科", Attendance.Role.CHAIR, "中國有色金屬工業協會黨委副書記"),
        ("許允", Attendance.Role.ATTENDEE, "中國有色金屬工業協會副秘書長兼辦公室(黨委辦公室)主任"),
    ],
)
def test_the_three_named_people_attend_in_their_roles_with_their_titles(founding_record, name, role, title):
    attendance = founding_record.attendances.get(person__name=name)

    assert attendance.role == role
    assert attendance.title == title
    assert attendance.organization.name == CNIA
    assert title + name in ARTICLE
    assert founding_record.attendances.count() == 3


def test_the_mofcom_bureau_took_part_as_government(founding_record):
    participation = founding_record.participations.get(organization__name="產業安全與進出口管制局")
    bureau = participation.organization

    assert participation.role == Participation.Role.GOVERNMENT
    assert bureau.kind == Organization.Kind.GOVERNMENT
    assert bureau.parent.name == "商務部"
    assert "商務部產業安全與進出口管制局" in bureau.aliases.values_list("name", flat=True)
    assert "商務部產業安全與進出口管制局有關領導出席會議并發言" in ARTICLE


def test_the_four_cnia_branches_took_part_on_the_organizers_side(founding_record):
    branches = {
        p.organization.name: p.organization
        for p in founding_record.participations.filter(role=Participation.Role.ORGANIZER)
    }

    assert set(branches) == {"稀有稀土部", "輕金屬部", "鋁業分會", "稀散金屬分會"}
    assert {branch.parent.name for branch in branches.values()} == {CNIA}
    assert "協會稀有稀土部、輕金屬部及鋁業分會、稀散金屬分會相關同志參加座談會" in ARTICLE


def test_exactly_the_seven_companies_of_the_article_took_part(founding_record):
    companies = Organization.objects.companies()
    took_part = founding_record.participations.filter(organization__kind=Organization.Kind.COMPANY)

    assert sorted(companies.values_list("name", flat=True)) == sorted(COMPANIES)
    assert {p.organization.name for p in took_part} == set(COMPANIES)
    assert {p.role for p in took_part} == {Participation.Role.PARTICIPANT}
    assert "、".join(COMPANIES) + "等金屬鎵生產企業主要負責人參加會議" in ARTICLE


def test_the_five_commitments_are_numbered_with_the_exact_headings(founding_record):
    commitments = founding_record.commitments.order_by("number")

    assert [(c.number, c.heading) for c in commitments] == list(enumerate(HEADINGS, start=1))


def test_every_commitments_original_text_is_verbatim_in_the_article(founding_record):
    for commitment in founding_record.commitments.all():
        ordinal = ORDINALS[commitment.number - 1]
        assert f"第{ordinal},{commitment.heading}。{commitment.body}" in ARTICLE, commitment.number


def test_every_company_pledged_every_commitment_by_participation(founding_record):
    pledges = Pledge.objects.all()

    assert pledges.count() == 35
    assert {pledge.basis for pledge in pledges} == {Pledge.Basis.PARTICIPATION}
    for name in COMPANIES:
        assert pledges.filter(organization__name=name).count() == 5, name


def test_the_source_is_the_2023_10_12_reprint_without_an_invented_address(founding_record):
    source = founding_record.sources.get()

    assert Source.objects.count() == 1
    assert source.publisher == "中國產業經濟信息網"
    assert source.published_on == datetime.date(2023, 10, 12)
    assert source.reprinted_from == "中國有色金屬報"
    assert source.url == ""
    assert source.title == ARTICLE.splitlines()[0]
    assert re.search(r"^中國產業經濟信息網\s+時間:2023-10-12$", ARTICLE, re.M)


def test_every_quote_is_verbatim_in_the_article(founding_record):
    quotes = [founding_record.summary, *founding_record.source_links.values_list("quote", flat=True)]
    quotes += Participation.objects.values_list("source_quote", flat=True)
    quotes += Attendance.objects.values_list("source_quote", flat=True)
    quotes += Pledge.objects.values_list("source_quote", flat=True)

    assert all(quotes)
    for quote in quotes:
        assert quote in ARTICLE, quote


def test_the_action_items_are_the_articles_words_in_their_points(founding_record):
    items = ActionItem.objects.filter(commitment__meeting=founding_record)

    assert [(i.commitment.number, i.position, i.text) for i in items] == ACTION_ITEMS
    for item in items:
        assert item.text in item.commitment.heading + item.commitment.body, item
        assert item.text in ARTICLE, item
        assert item.text_en, item


def test_no_action_item_has_a_deadline_the_article_does_not_give(founding_record):
    assert not ActionItem.objects.filter(deadline__isnull=False).exists()


def test_the_yearly_symposium_is_kept_by_a_series_convened_by_cnia(founding_record):
    item = ActionItem.objects.get(text="每年召開一次鎵產業鏈專題座談會")
    series = MeetingSeries.objects.get()

    assert (item.recurrence, item.recurs_from, item.series) == ("yearly", 2024, series)
    assert (series.slug, series.name, series.organizer.name) == (
        "gallium-industry-chain-symposium",
        "鎵產業鏈專題座談會",
        CNIA,
    )
    # The founding meeting is not an edition: the article does not call it one.
    assert founding_record.series is None
    assert "要加強產業鏈上下游協同,每年召開一次鎵產業鏈專題座談會。" in ARTICLE


def test_only_the_two_vague_aims_of_point_5_cannot_be_checked(founding_record):
    unchecked = ActionItem.objects.filter(checkable=False)

    assert [(i.commitment.number, i.text) for i in unchecked] == [
        (5, "抵制行業內卷"),
        (5, "防止低水平同質化惡性競爭"),
    ]


def test_the_export_control_item_names_mofcom_and_customs_as_the_article_writes_them(founding_record):
    item = ActionItem.objects.get(commitment__number=4, position=1)

    assert "商務部與海關總署" in item.text
    assert "關于" in item.text and "關於" not in item.text


def test_there_is_no_evidence_and_every_pledge_has_no_record(founding_record):
    assert not Evidence.objects.exists()
    assert set(Pledge.objects.values_list("status", flat=True)) == {"no_record"}


def _stored_texts():
    """(where, text) for every text field of every row of every model of the app."""
    for model in apps.get_app_config("meetings").get_models():
        fields = [
            f.name for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)
        ]
        for row in model.objects.values("pk", *fields):
            for name in fields:
                if row[name] is None:  # a nullable text, such as a history row's change reason
                    continue
                yield f"{model.__name__}[{row['pk']}].{name}", row[name]


@pytest.mark.parametrize(
    "noise, pattern",
    [
        ("a pinyin gloss", GLOSS),
        ("a damaged span", DAMAGE),
        ("page chrome", re.compile("|".join(CHROME))),
    ],
)
def test_no_stored_text_carries_scraping_noise(founding_record, noise, pattern):
    texts = list(_stored_texts())
    assert len(texts) > 100

    found = [(where, pattern.search(text).group()) for where, text in texts if pattern.search(text)]

    assert found == [], noise


def test_the_noise_patterns_catch_the_noise_and_spare_the_real_parenthesis():
    seed = SEED.read_text(encoding="utf-8")

    assert GLOSS.search("企業(yè)") and GLOSS.search("產(chǎn)")
    assert not GLOSS.search("辦公室(黨委辦公室)主任") and not GLOSS.search("中國鋁業(Chalco)")
    assert len(GLOSS.findall(seed)) > 30
    assert DAMAGE.search(seed) and "\ue789" in seed


def test_xu_yuns_title_keeps_the_real_parenthesis(founding_record):
    title = Attendance.objects.get(person__name="許允").title

    assert "(黨委辦公室)" in title

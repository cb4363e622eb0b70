"""Extraction: the structure of a cleaned meeting report, by rules (no models, nothing invented).

``extract`` reads the headline, the publisher and date line, the reprint credit,
the sentence that says who convened what where ("X在Y組織召開了Z"), when it was
held as the article words it, the people, government bodies, branches and
companies that took part, and the numbered points. What it cannot find it leaves
empty and says so in ``messages``; it never guesses a date or a name.
"""

import datetime
import re
from dataclasses import dataclass

from .cleaning import REPRINT, Cleaned, Flag
from .mentions import (
    CompanyList,
    OrganizationMention,
    PersonMention,
    find_branches,
    find_company_lists,
    find_government,
    find_people,
    organization_kind,
    sentences,
)
from .points import Point, announced_count, find_points
from .script import language_of, words

_DATE = re.compile(r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})")
_DATE_LABEL = re.compile(rf"{words('發布時間 發佈時間 發表時間 時間 發布日期 日期')}\s*[:：]\s*(?=\d)")
_SOURCE_LABEL = re.compile(rf"{words('來源 稿源')}\s*[:：]\s*(?P<source>[^\s|｜]+)")
_HEADER_PARAGRAPHS = 4
# A sentence longer than this is not prose; searching it for names would only cost time.
MAX_SENTENCE_CHARS = 2000

_CONVENE = words("組織召開 召開 舉辦 舉行 主辦 組織 開展")
_MEETING_NOUN = rf"(?:[會会]|{words('論壇 峰會 沙龍 活動')})"
_CLAUSE = r"[^,，。;；:：、\s]"
_ACTIVE = re.compile(
    rf"(?P<org>{_CLAUSE}{{2,40}}?)(?P<when>(?:於|于){_CLAUSE}{{2,20}}?)?在(?P<place>{_CLAUSE}{{2,20}}?)"
    rf"{_CONVENE}了?(?P<name>{_CLAUSE}{{2,80}}?{_MEETING_NOUN})(?=[,，。;；:：\s(（]|$)"
)
_PASSIVE = re.compile(
    rf"由(?P<org>{_CLAUSE}{{2,40}}?){words('主辦 組織 舉辦 牽頭')}的?"
    rf"(?P<name>{_CLAUSE}{{2,80}}?{_MEETING_NOUN})(?P<when>(?:於|于){_CLAUSE}{{2,20}}?)?"
    rf"在(?P<place>{_CLAUSE}{{2,20}}?){words('召開 舉行 開幕 舉辦')}"
)
_VAGUE_DATE = re.compile(words("近日 日前 近期 前不久 不久前 最近 今天 今日 昨天 昨日 本週 上週"))
_DAY = re.compile(r"(?:(?P<y>\d{4})年)?(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})[日號号])?")


@dataclass(frozen=True)
class Extraction:
    """What a meeting report says, as found in its text; empty strings where nothing was found.

    ``held_on`` is set only when the article gives the date itself (10月11日); for
    近日 it is None and ``date_as_reported`` keeps the wording. Names and quotes are
    verbatim from the cleaned text; ``flags`` are the damaged spans cleaning found.
    """

    text: str
    headline: str
    language: str
    publisher: str = ""
    published_on: datetime.date | None = None
    reprinted_from: str = ""
    organizer: str = ""
    place: str = ""
    meeting_name: str = ""
    date_as_reported: str = ""
    held_on: datetime.date | None = None
    held_on_precision: str = ""
    summary: str = ""
    people: tuple[PersonMention, ...] = ()
    government: tuple[OrganizationMention, ...] = ()
    branches: tuple[OrganizationMention, ...] = ()
    company_lists: tuple[CompanyList, ...] = ()
    points: tuple[Point, ...] = ()
    points_announced: int | None = None
    consensus_quote: str = ""
    flags: tuple[Flag, ...] = ()
    messages: tuple[str, ...] = ()

    @property
    def organizer_kind(self):
        return organization_kind(self.organizer) if self.organizer else ""

    @property
    def companies(self):
        """Every company named, once each, in the order of the article."""
        return tuple(dict.fromkeys(name for group in self.company_lists for name in group.names))

    @property
    def companies_partial(self):
        """Whether a list of companies ends in 等: the article may not name them all."""
        return any(group.partial for group in self.company_lists)


def extract(cleaned):
    """The ``Extraction`` of a ``Cleaned`` article (or of text that is already clean)."""
    if isinstance(cleaned, Cleaned):
        text, flags = cleaned.text, cleaned.flags
    else:
        text, flags = cleaned.strip(), ()
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    messages = []
    headline = paragraphs[0] if paragraphs else ""

    publisher, published_on, header = _publisher_line(paragraphs)
    if published_on is None:
        messages.append("No publication date was found (a line such as 時間:2023-10-12 below the headline).")
    reprint = next((REPRINT.match(p) for p in reversed(paragraphs[1:]) if REPRINT.match(p)), None)
    reprinted_from = reprint["source"].strip() if reprint else ""

    points = find_points(paragraphs)
    in_points = {index for point in points for index in point.paragraphs}
    skipped = in_points | {0} | ({header} if header is not None else set())
    prose = [p for i, p in enumerate(paragraphs) if i not in skipped and not REPRINT.match(p)]
    prose_sentences = [s for p in prose for s in sentences(p)]
    too_long = [s for s in prose_sentences if len(s) > MAX_SENTENCE_CHARS]
    if too_long:
        prose_sentences = [s for s in prose_sentences if len(s) <= MAX_SENTENCE_CHARS]
        messages.append(
            f"{len(too_long)} sentence{'s' if len(too_long) != 1 else ''} longer than {MAX_SENTENCE_CHARS:,} "
            "characters (not prose: a list or a damaged page) were not searched for names."
        )

    meeting = _meeting(prose_sentences)
    if meeting is None:
        messages.append("No sentence naming the organizer, place and meeting (X在Y召開Z) was found.")
        organizer = place = name = when = ""
        summary = next((p for p in prose if len(p) <= MAX_SENTENCE_CHARS), "")
    else:
        organizer, place, name, when, sentence = meeting
        summary = next((p for p in prose if sentence in p), sentence)
    date_as_reported, held_on, precision = _held_on(when, published_on)

    branches = find_branches(prose_sentences, organizer)
    # 協會科技部 is the association's department, not the ministry 科技部.
    government = [g for g in find_government(prose_sentences) if g.name not in {b.name for b in branches}]
    known = {organizer, *(g.name for g in government), *(b.name for b in branches)}
    company_lists = find_company_lists(prose_sentences, exclude=known)
    known |= {c for group in company_lists for c in group.names}
    people = find_people(prose_sentences, sorted(known, key=len, reverse=True), organizer)

    consensus = next((s.strip() for s in prose_sentences if re.search(words("共識"), s)), "")
    announced = announced_count(consensus) if consensus else None
    if not points:
        messages.append(
            "No numbered points were found (looked for 第一, 一、, (一) and 1. at the start of a "
            "paragraph): the draft has no commitments and no pledges."
        )
    elif announced and announced != len(points):
        messages.append(
            f"The article announces {announced} points but {len(points)} numbered points were found."
        )
    if not company_lists:
        messages.append("No companies were found (names ending in 有限公司, 集團 … listed with 、).")

    return Extraction(
        text=text,
        headline=headline,
        language=language_of(text),
        publisher=publisher,
        published_on=published_on,
        reprinted_from=reprinted_from,
        organizer=organizer,
        place=place,
        meeting_name=name,
        date_as_reported=date_as_reported,
        held_on=held_on,
        held_on_precision=precision,
        summary=summary,
        people=tuple(people),
        government=tuple(government),
        branches=tuple(branches),
        company_lists=tuple(company_lists),
        points=tuple(points),
        points_announced=announced,
        consensus_quote=consensus,
        flags=tuple(flags),
        messages=tuple(messages),
    )


def _publisher_line(paragraphs):
    """(publisher, date, index of the line) from a line like 中國產業經濟信息網   時間:2023-10-12."""
    for index, line in enumerate(paragraphs[1:_HEADER_PARAGRAPHS], start=1):
        date = _DATE.search(line)
        if not date:
            continue
        try:
            published_on = datetime.date(int(date["y"]), int(date["m"]), int(date["d"]))
        except ValueError:
            continue
        source = _SOURCE_LABEL.search(line)
        if source:
            publisher = source["source"]
        else:
            label = _DATE_LABEL.search(line)
            publisher = line[: label.start() if label else date.start()]
        return publisher.strip(" |｜-—:："), published_on, index
    return "", None, None


def _meeting(prose_sentences):
    """(organizer, place, meeting name, the words about when, sentence) from the first sentence
    that says who convened what where."""
    for sentence in prose_sentences:
        match = _ACTIVE.search(sentence) or _PASSIVE.search(sentence)
        if not match:
            continue
        organizer = match["org"]
        before = sentence[: match.start("org")]
        # 近日中國…協會 without a comma: the date words are not part of the name.
        words_of_date = re.match(rf"^(?:{_VAGUE_DATE.pattern}|{_DAY.pattern})", organizer)
        if words_of_date:
            before += words_of_date.group()
            organizer = organizer[words_of_date.end() :]
        when = before + (match["when"] or "")
        return organizer, match["place"], match["name"], when, sentence.strip()
    return None


def _held_on(when, published_on):
    """(the wording, the date or None, its precision) for the words about when a meeting was held.

    An explicit 10月11日 takes the year of the report (the year before if that would
    put the meeting after the report); 近日 and the like give no date.
    """
    day = _DAY.search(when)
    if day:
        year = int(day["y"]) if day["y"] else (published_on.year if published_on else None)
        if year is None:
            return day.group(), None, ""
        month, dom = int(day["m"]), int(day["d"]) if day["d"] else None
        try:
            held = datetime.date(year, month, dom or 1)
        except ValueError:
            return day.group(), None, ""
        if not day["y"] and published_on and held > published_on:
            try:
                held = held.replace(year=year - 1)
            except ValueError:  # 2月29日 reported in the next year
                return day.group(), None, ""
        return day.group(), held, "day" if dom else "month"
    vague = _VAGUE_DATE.search(when)
    return (vague.group() if vague else ""), None, ""

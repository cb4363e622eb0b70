"""Who was there: people with titles and roles, government bodies, the organizer's branches, companies.

Each finder reads the sentences of the article outside its numbered points and
returns what it recognised with the sentence it came from (the quote a record
rests on). The rules are the house style of Chinese meeting reports:
"TITLE-ORG TITLE NAME 出席會議并講話", "X、Y、Z等企業負責人參加會議",
"商務部…局有關領導出席會議", "協會A部、B分會相關同志參加座談會".
"""

import dataclasses
import re
from dataclasses import dataclass

from .script import words

# Chinese characters, and the characters that stand where one was lost (flagged by cleaning), so
# that a damaged name is still found and shown to the editor with its damage.
_HAN = r"\u3400-\u9fff\uf900-\ufaff\ufffd\ue000-\uf8ff"
_NAME_CHARS = rf"[{_HAN}A-Za-z0-9()（）·]"

# -- roles ------------------------------------------------------------------------------

CHAIR, SPEAKER, ATTENDEE = "chair", "speaker", "attendee"
_ROLE_WORDS = {
    CHAIR: words("主持"),
    SPEAKER: words("講話 發言 致辭 致詞 作報告 作主旨報告 作總結 表示 指出 強調 介紹"),
    ATTENDEE: words("出席 參加 參會 與會 列席 陪同"),
}
_ANY_ROLE = re.compile("|".join(_ROLE_WORDS.values()))
_ROLE_PATTERNS = {role: re.compile(pattern) for role, pattern in _ROLE_WORDS.items()}

# Words a title ends with, just before the name: 會長葛紅林, 副書記范順科, 主任許允.
_TITLE_SUFFIX = words(
    "會長 書記 主任 秘書長 部長 局長 司長 處長 廳長 院長 所長 理事長 董事長 總經理 經理 總裁 總監",
    "主席 常委 委員 成員 總工程師 工程師 總會計師 總經濟師 巡視員 調研員 主管 負責人 教授 院士",
    "市長 省長 縣長 區長 社長 行長 校長 組長 科長 參事 顧問 總師 監事 執行官",
)
# What may follow a name: punctuation, a joining word, or the verb of the sentence.
_AFTER_NAME = (
    rf"(?=[,，、。;；:：\s]|{words('和 及 與 等 同志 一行 分別 先後 代表 在 對 就 向 為')}"
    rf"|{_ANY_ROLE.pattern}|$)"
)
_PERSON = re.compile(rf"(?P<suffix>{_TITLE_SUFFIX})(?P<name>[{_HAN}]{{2,3}}?){_AFTER_NAME}")
# Two or three characters that follow a title but are not a name.
_NOT_A_NAME = re.compile(
    words(
        "領導 同志 負責 代表 人員 相關 有關 會議 分別 先後 一行 出席 參加",
        "主持 講話 發言 單位 企業 部門 成員 工作 等 及 和 與",
    )
)
# Openings of a sentence that are not part of anyone's title.
_LEAD_IN = re.compile(
    rf"^(?:{words('會上 會議上 會議由 會議期間 座談會上 其中 此外 另外 同時 隨後 最後 由')}"
    rf"|{words('出席 參加')}{words('會議 座談會 活動')}的{words('領導 嘉賓 人員')}?有)[,，:：]?"
)

# -- organizations ----------------------------------------------------------------------

_ORG_SUFFIX = words(
    "股份有限公司 有限責任公司 有限公司 集團 公司 協會 學會 聯合會 商會 聯盟 研究院 研究所 設計院 大學",
    "委員會 總署 總局 部 局 署 廳 司 辦公室 分會 中心 政府",
)
_TITLE_HEAD = re.compile(
    words(
        "黨 副 總 常務 執行 主任 書記 會長 董事 理事 秘書 局長 部長 司長 處長 廳長 院長 所長 經理 總裁",
        "巡視 首席 專職 一級 二級 主席 委員 成員 紀委 監事 工會 研究員 教授 高級 原 負責人 辦公室",
    )
)
_COMPANY_SUFFIX = words("股份有限公司 有限責任公司 有限公司 集團 公司")
_COMPANY = re.compile(rf"{_NAME_CHARS}{{2,40}}?{_COMPANY_SUFFIX}")
_NAME = re.compile(rf"{_NAME_CHARS}+")
# What ends a company name in a list: a separator, 等, or the rest of the sentence.
_COMPANY_END = re.compile(
    r"[、,，。;；:：\s]|$|"
    + words("等 的 和 及 與 以及 參加 出席 主要 負責 代表 相關 有關 領導 董事 總經理 在 共同 分別 均 一行")
)
_LIST_SEPARATOR = re.compile(rf"、|{words('以及 和 及 與')}")
_COMPANY_LEAD_IN = re.compile(rf"^.*(?:{words('包括 來自 其中 以及 邀請 的有 代表 組織')}了?|[:：])")
_GOVERNMENT_START = re.compile(
    words(
        "國務院 國家 中央 全國人大 外交部 國防部 教育部 科學技術部 科技部 工業和信息化部 工信部 公安部",
        "民政部 司法部 財政部 人力資源和社會保障部 自然資源部 生態環境部 住房和城鄉建設部 交通運輸部",
        "水利部 農業農村部 商務部 文化和旅遊部 應急管理部 審計署 海關總署 中國人民銀行 省 市 自治區",
    )
    + rf"|^[{_HAN}]{{2,4}}{words('省 市 自治區 縣')}"
)
_GOVERNMENT_END = re.compile(rf"{words('委員會 總署 總局 部 局 署 廳 司 辦公室 政府 銀行')}$")
# A ministry in front of one of its bureaus: 商務部 | 產業安全與進出口管制局.
_MINISTRY = re.compile(
    rf"^(?P<parent>[{_HAN}]{{1,12}}?{words('委員會 總署 部')})"
    rf"(?P<own>[{_HAN}]{{2,20}}{words('局 司 辦公室 中心 廳')})$"
)
_UNNAMED_OFFICIALS = words(
    "有關領導 相關領導 有關負責人 相關負責人 負責同志 有關負責同志 相關負責同志 領導 負責人 官員 代表 同志"
)
_GOVERNMENT = re.compile(
    rf"(?P<body>[{_HAN}]{{2,40}}?{words('委員會 總署 總局 部 局 署 廳 司 辦公室 政府')})"
    rf"{words('有關 相關')}?{_UNNAMED_OFFICIALS}"
)
_UNIT_SUFFIX = words("分會 部 委員會 專委會 中心 辦公室 處 室 研究院 研究所")
_BRANCHES = re.compile(
    rf"(?P<units>[^,，。;；:：]{{1,120}}?)"
    rf"{words('相關同志 有關同志 相關負責人 有關負責人 負責同志 負責人 同志 人員 代表')}?"
    rf"{words('參加 出席 列席')}"
)
# What an article calls the organizer the second time: 協會 for 中國有色金屬工業協會.
_SHORT_FORMS = ("協會", "协会", "學會", "学会", "商會", "商会", "分會", "分会", "聯合會", "联合会")


@dataclass(frozen=True)
class PersonMention:
    """A named person: ``title`` exactly as printed before the name, ``role`` chair/speaker/attendee."""

    name: str
    title: str
    organization: str
    role: str
    quote: str


@dataclass(frozen=True)
class OrganizationMention:
    """An organization taking part: ``name`` as printed, ``parent`` for a branch or a ministry's bureau."""

    name: str
    kind: str
    parent: str = ""
    quote: str = ""

    @property
    def own_name(self):
        """The name without the parent's in front: 產業安全與進出口管制局."""
        return self.name.removeprefix(self.parent) if self.parent else self.name

    @property
    def full_name(self):
        return self.name if self.name.startswith(self.parent) else f"{self.parent}{self.name}"


@dataclass(frozen=True)
class CompanyList:
    """Companies named together; ``partial`` when the list ends in 等 (among others)."""

    names: tuple[str, ...]
    partial: bool
    quote: str


def sentences(paragraph):
    """The sentences of a paragraph, each with its closing punctuation."""
    return [s for s in re.findall(r"[^。！？!；;]+[。！？!；;]?", paragraph) if s.strip()]


def organization_kind(name):
    """company, association, government or other, from the name's ending and beginning."""
    if re.search(rf"{_COMPANY_SUFFIX}$", name):
        return "company"
    if re.search(words("協會 學會 聯合會 商會 聯盟 分會"), name):
        return "association"
    if _GOVERNMENT_START.match(name) and _GOVERNMENT_END.search(name):
        return "government"
    return "other"


def split_ministry(name):
    """``(parent, own name)`` for a ministry's bureau (商務部產業安全與進出口管制局), else ``("", name)``."""
    match = _MINISTRY.match(name)
    if match and organization_kind(match["parent"]) == "government":
        return match["parent"], match["own"]
    return "", name


def find_people(sentences_, known_organizations=(), organizer=""):
    """Named people, in the order they appear; one mention per name (the first).

    ``known_organizations`` are names to look for in titles, longest first; a title
    that starts with the organizer's short form (協會副會長) is the organizer's.
    """
    short = [
        s
        for s in ("本會", "本会", *_SHORT_FORMS)
        if organizer and (s.startswith("本") or organizer.endswith(s))
    ]
    found, seen = [], set()
    for sentence in sentences_:
        for person in _people_in(sentence, known_organizations):
            if not person.organization and any(person.title.startswith(s) for s in short):
                person = dataclasses.replace(person, organization=organizer)
            if person.name not in seen:
                seen.add(person.name)
                found.append(person)
    return found


def _people_in(sentence, known_organizations):
    matches = [m for m in _PERSON.finditer(sentence) if not _NOT_A_NAME.search(m["name"])]
    if not matches:
        return []
    people, previous_end = [], 0
    roles = []
    for i, match in enumerate(matches):
        title = sentence[previous_end : match.end("suffix")]
        # A title starts after the last verb before it: "A出席會議,B主持" gives B no 出席.
        verbs = list(_ANY_ROLE.finditer(title))
        if verbs:
            title = re.sub(r"^[^,，、]*[,，、]", "", title[verbs[-1].end() :], count=1)
        title = _LEAD_IN.sub("", title.lstrip(",，、;；:：和及與与 "))
        following = matches[i + 1].start() if i + 1 < len(matches) else len(sentence)
        roles.append(_role(sentence[match.end() : following]))
        people.append((match["name"], title.strip(), match))
        previous_end = match.end()
    # "A、B出席會議": A takes the role of the next person who has one.
    for i in reversed(range(len(roles))):
        if roles[i] is None and i + 1 < len(roles):
            roles[i] = roles[i + 1]
    return [
        PersonMention(name, title, _organization_in(title, known_organizations), role, sentence.strip())
        for (name, title, _), role in zip(people, roles, strict=True)
        if role
    ]


def _role(text):
    """The role the verbs of ``text`` give: chairing beats speaking beats attending."""
    for role in (CHAIR, SPEAKER, ATTENDEE):
        if _ROLE_PATTERNS[role].search(text):
            return role
    return None


def _organization_in(title, known_organizations):
    """The organization a title names: a known one if any (the last), else the longest name
    that ends in an organization's suffix and is followed by a title (中國…協會 | 黨委書記)."""
    known = [(title.rfind(name), name) for name in known_organizations if name and name in title]
    if known:
        return max(known, key=lambda item: (item[0], len(item[1])))[1]
    clause = re.split(r"[,，]", title)[-1]
    best = ""
    for match in re.finditer(_ORG_SUFFIX, clause):
        candidate, rest = clause[: match.end()], clause[match.end() :]
        if len(candidate) >= 3 and (not rest or _TITLE_HEAD.match(rest)):
            best = candidate
    return best


def find_government(sentences_):
    """Government bodies whose unnamed officials attended: 商務部…局有關領導出席會議."""
    found, seen = [], set()
    for sentence in sentences_:
        if not _ANY_ROLE.search(sentence):
            continue
        for match in _GOVERNMENT.finditer(sentence):
            # The leftmost match may carry words before the body's name: 會議邀請了商務部….
            text = re.split(r"[、,，]", match["body"])[-1]
            body = next(
                (text[i:] for i in range(len(text) - 1) if organization_kind(text[i:]) == "government"), ""
            )
            if not body or body in seen:
                continue
            seen.add(body)
            parent, _ = split_ministry(body)
            found.append(OrganizationMention(body, "government", parent, sentence.strip()))
    return found


def find_branches(sentences_, organizer):
    """The organizer's departments and branches that attended: 協會稀有稀土部、輕金屬部及鋁業分會…"""
    if not organizer:
        return []
    prefixes = [organizer, "本會", "本会", *(s for s in _SHORT_FORMS if organizer.endswith(s))]
    found, seen = [], set()
    for sentence in sentences_:
        for prefix in sorted(set(prefixes), key=len, reverse=True):
            for start in _occurrences(sentence, prefix):
                match = _BRANCHES.match(sentence, start + len(prefix))
                if not match:
                    continue
                units = [u.strip() for u in _LIST_SEPARATOR.split(match["units"])]
                if not units or not all(re.search(rf"{_UNIT_SUFFIX}$", u) and len(u) <= 20 for u in units):
                    continue
                for unit in units:
                    if unit not in seen:
                        seen.add(unit)
                        found.append(OrganizationMention(unit, "association", organizer, sentence.strip()))
    return found


def _occurrences(text, word):
    start = text.find(word)
    while start != -1:
        yield start
        start = text.find(word, start + 1)


def find_company_lists(sentences_, exclude=()):
    """Lists of companies (names ending in 有限公司, 集團 …, separated by 、 or 和) in each sentence."""
    lists = []
    for sentence in sentences_:
        names, partial, position = [], False, 0
        while True:
            separator = _LIST_SEPARATOR.match(sentence, position) if names else None
            span = _complete_company(sentence, separator.end()) if separator else None
            if span is None:
                _close(lists, names, partial, sentence, exclude)
                names = []
                match = _COMPANY.search(sentence, position)
                if not match:
                    break
                span = _complete_company(sentence, match.start())
                if span is None:
                    position = match.start() + 1
                    continue
            start, end = span
            name = sentence[start:end]
            names.append(name if names else _COMPANY_LEAD_IN.sub("", name))
            position = end
            partial = bool(re.match(words("等"), sentence[end:]))
    return lists


def _complete_company(sentence, start):
    """(start, end) of the company name starting at ``start``: the shortest name that ends with
    a company suffix followed by the end of a name (杭州錦江集團 | 有限公司 goes on)."""
    for end_match in re.finditer(_COMPANY_SUFFIX, sentence[start : start + 42]):
        end = start + end_match.end()
        if not _NAME.fullmatch(sentence, start, end):
            return None
        if end - start >= 4 and _COMPANY_END.match(sentence, end):
            return start, end
    return None


def _close(lists, names, partial, sentence, exclude):
    names = [n for n in dict.fromkeys(names) if n not in exclude and len(n) >= 4]
    if names:
        lists.append(CompanyList(tuple(names), partial, sentence.strip()))

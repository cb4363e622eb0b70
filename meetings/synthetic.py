"""Synthetic data at scale, for benchmarks: deterministic for a seed, fast, and marked as synthetic.

Every record the generator makes is findable again: slugs start with ``syn-`` and people
and sources carry ``MARKER`` in their notes, so ``delete_synthetic`` removes exactly them.

Rows are written with ``bulk_create``, which on purpose bypasses the edit history
(simple_history listens to ``save()``): synthetic data is not an edit anyone made.
Pledge statuses are not left to ``refresh_pledge_statuses``: the generator holds every
entry in memory, so it applies the same rule functions of ``meetings.status``
(``item_state`` and ``pledge_finding``, the ones ``Tracking`` calls) before the pledges
are written. Every ``recorded_at`` is unique, so the database id that ``Tracking`` uses
as the last tie-break is never reached and both give the same answer (tested).

The generated world ends on ``ANCHOR``, and timestamps are set from the seed, never from
the clock, so one seed always gives the same rows.
"""

import bisect
import datetime
import itertools
import random
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db import connection, reset_queries, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from .models import (
    ActionItem,
    Attendance,
    Commitment,
    CommitmentReview,
    Evidence,
    Industry,
    Meeting,
    MeetingSeries,
    MeetingSource,
    Organization,
    OrganizationAlias,
    OrganizationIndustry,
    Participation,
    Person,
    Pledge,
    Source,
    Verdict,
)
from .partial_dates import DatePrecision
from .status import item_state, pledge_finding

PREFIX = "syn-"
MARKER = "synthetic: made by manage.py generate_synthetic"
ANCHOR = datetime.date(2025, 6, 30)
CREATED = datetime.datetime(2025, 7, 1, tzinfo=datetime.UTC)
BATCH = 2000  # rows per INSERT
CHUNK = 250  # meetings built and written together, to keep memory flat at a million pledges


@dataclass(frozen=True)
class Scale:
    """Exact totals; everything else (participations, items, people …) follows from them and the seed."""

    meetings: int
    organizations: int
    commitments: int
    pledges: int
    evidence: int


SCALES = {
    "tiny": Scale(12, 60, 60, 400, 120),  # for tests
    "small": Scale(150, 200, 1_000, 10_000, 2_000),
    "medium": Scale(1_500, 2_000, 10_000, 100_000, 20_000),
    "large": Scale(15_000, 20_000, 100_000, 1_000_000, 200_000),
}

# --- words the names and texts are built from: (Traditional, Simplified, English) ---------------

# slug, name (Traditional), name (Simplified), English, company word (Traditional, Simplified)
INDUSTRIES = [
    ("gallium", "鎵", "镓", "Gallium", "鎵業", "镓业"),
    ("germanium", "鍺", "锗", "Germanium", "鍺業", "锗业"),
    ("rare-earths", "稀土", "稀土", "Rare Earths", "稀土", "稀土"),
    ("lithium", "鋰", "锂", "Lithium", "鋰業", "锂业"),
    ("tungsten", "鎢", "钨", "Tungsten", "鎢業", "钨业"),
    ("antimony", "銻", "锑", "Antimony", "銻業", "锑业"),
    ("indium", "銦", "铟", "Indium", "銦業", "铟业"),
    ("cobalt", "鈷", "钴", "Cobalt", "鈷業", "钴业"),
    ("graphite", "石墨", "石墨", "Graphite", "石墨", "石墨"),
    ("magnesium", "鎂", "镁", "Magnesium", "鎂業", "镁业"),
    ("polysilicon", "多晶矽", "多晶硅", "Polysilicon", "矽材料", "硅材料"),
]
# Traditional, Simplified, English, province
PLACES = [
    ("廣西", "广西", "Guangxi", "guangxi"),
    ("雲南", "云南", "Yunnan", "yunnan"),
    ("湖南", "湖南", "Hunan", "hunan"),
    ("江西", "江西", "Jiangxi", "jiangxi"),
    ("內蒙古", "内蒙古", "Inner Mongolia", "inner-mongolia"),
    ("山東", "山东", "Shandong", "shandong"),
    ("貴州", "贵州", "Guizhou", "guizhou"),
    ("四川", "四川", "Sichuan", "sichuan"),
    ("河南", "河南", "Henan", "henan"),
    ("江蘇", "江苏", "Jiangsu", "jiangsu"),
    ("廣東", "广东", "Guangdong", "guangdong"),
    ("福建", "福建", "Fujian", "fujian"),
    ("青海", "青海", "Qinghai", "qinghai"),
    ("新疆", "新疆", "Xinjiang", "xinjiang"),
    ("甘肅", "甘肃", "Gansu", "gansu"),
    ("北京", "北京", "Beijing", "beijing"),
    ("上海", "上海", "Shanghai", "shanghai"),
    ("贛州", "赣州", "Ganzhou", "jiangxi"),
    ("包頭", "包头", "Baotou", "inner-mongolia"),
    ("株洲", "株洲", "Zhuzhou", "hunan"),
    ("昆明", "昆明", "Kunming", "yunnan"),
    ("南寧", "南宁", "Nanning", "guangxi"),
    ("貴陽", "贵阳", "Guiyang", "guizhou"),
    ("西寧", "西宁", "Xining", "qinghai"),
    ("宜春", "宜春", "Yichun", "jiangxi"),
    ("成都", "成都", "Chengdu", "sichuan"),
    ("鄭州", "郑州", "Zhengzhou", "henan"),
    ("長沙", "长沙", "Changsha", "hunan"),
    ("廈門", "厦门", "Xiamen", "fujian"),
    ("蘭州", "兰州", "Lanzhou", "gansu"),
    ("百色", "百色", "Baise", "guangxi"),
    ("個舊", "个旧", "Gejiu", "yunnan"),
    ("郴州", "郴州", "Chenzhou", "hunan"),
]
CORE = [
    ("恒", "恒", "heng"), ("鑫", "鑫", "xin"), ("華", "华", "hua"), ("興", "兴", "xing"),
    ("盛", "盛", "sheng"), ("泰", "泰", "tai"), ("遠", "远", "yuan"), ("達", "达", "da"),
    ("豐", "丰", "feng"), ("寶", "宝", "bao"), ("隆", "隆", "long"), ("通", "通", "tong"),
    ("瑞", "瑞", "rui"), ("源", "源", "yuan"), ("德", "德", "de"), ("利", "利", "li"),
    ("新", "新", "xin"), ("創", "创", "chuang"), ("聯", "联", "lian"), ("鴻", "鸿", "hong"),
    ("東", "东", "dong"), ("方", "方", "fang"), ("中", "中", "zhong"), ("金", "金", "jin"),
    ("光", "光", "guang"), ("明", "明", "ming"), ("陽", "阳", "yang"), ("晶", "晶", "jing"),
    ("科", "科", "ke"), ("龍", "龙", "long"), ("鳳", "凤", "feng"), ("海", "海", "hai"),
    ("天", "天", "tian"), ("匯", "汇", "hui"), ("億", "亿", "yi"), ("嘉", "嘉", "jia"),
    ("凱", "凯", "kai"), ("榮", "荣", "rong"), ("順", "顺", "shun"), ("安", "安", "an"),
    ("長", "长", "chang"), ("江", "江", "jiang"), ("銳", "锐", "rui"), ("智", "智", "zhi"),
    ("環", "环", "huan"), ("宇", "宇", "yu"), ("錦", "锦", "jin"), ("輝", "辉", "hui"),
]  # fmt: skip
SUFFIXES = [
    ("有限公司", "有限公司", "Co., Ltd."),
    ("股份有限公司", "股份有限公司", "Joint-Stock Co., Ltd."),
    ("集團有限公司", "集团有限公司", "Group Co., Ltd."),
    ("集團", "集团", "Group"),
    ("科技有限公司", "科技有限公司", "Technology Co., Ltd."),
]
ASSOCIATION_FORMS = [
    ("{place}{ind}行業協會", "{place}{ind}行业协会", "{place} {ind} Industry Association"),
    ("{place}{ind}產業聯盟", "{place}{ind}产业联盟", "{place} {ind} Industry Alliance"),
    ("{place}{ind}產業技術創新聯盟", "{place}{ind}产业技术创新联盟", "{place} {ind} Innovation Alliance"),
]
GOVERNMENT_FORMS = [
    ("{place}工業和信息化廳", "{place}工业和信息化厅", "{place} Department of Industry and IT"),
    ("{place}發展和改革委員會", "{place}发展和改革委员会", "{place} Development and Reform Commission"),
    ("{place}商務廳", "{place}商务厅", "{place} Department of Commerce"),
    ("{place}自然資源廳", "{place}自然资源厅", "{place} Department of Natural Resources"),
    ("{place}生態環境廳", "{place}生态环境厅", "{place} Department of Ecology and Environment"),
]
BRANCHES = [
    ("{ind}分會", "{ind_en} Chapter"),
    ("秘書處", "Secretariat"),
    ("輕金屬部", "Light Metals Department"),
    ("稀有金屬部", "Rare Metals Department"),
]
SURNAMES = [
    ("王", "王", "Wang"), ("李", "李", "Li"), ("張", "张", "Zhang"), ("劉", "刘", "Liu"),
    ("陳", "陈", "Chen"), ("楊", "杨", "Yang"), ("黃", "黄", "Huang"), ("趙", "赵", "Zhao"),
    ("吳", "吴", "Wu"), ("周", "周", "Zhou"), ("徐", "徐", "Xu"), ("孫", "孙", "Sun"),
    ("馬", "马", "Ma"), ("朱", "朱", "Zhu"), ("胡", "胡", "Hu"), ("郭", "郭", "Guo"),
]  # fmt: skip
CHAIR_TITLES = [
    ("會長", "会长", "President"),
    ("秘書長", "秘书长", "Secretary-General"),
    ("副會長", "副会长", "Vice President"),
]
TITLES = [
    ("董事長", "董事长", "Chairman"),
    ("總經理", "总经理", "General Manager"),
    ("副總經理", "副总经理", "Deputy General Manager"),
    ("技術總監", "技术总监", "Chief Technology Officer"),
]
GOVERNMENT_TITLES = [
    ("副司長", "副司长", "Deputy Director-General"),
    ("處長", "处长", "Division Director"),
    ("副廳長", "副厅长", "Deputy Director"),
]
MEETING_KINDS = [
    ("座談會", "座谈会", "symposium"),
    ("研討會", "研讨会", "seminar"),
    ("自律會議", "自律会议", "self-discipline meeting"),
    ("工作會議", "工作会议", "working meeting"),
    ("高峰論壇", "高峰论坛", "summit forum"),
]
TOPICS = [
    ("產業鏈上下游", "产业链上下游", "upstream and downstream"),
    ("行業自律", "行业自律", "industry self-discipline"),
    ("出口管理", "出口管理", "export management"),
    ("高質量發展", "高质量发展", "high-quality development"),
]
PUBLISHERS = [
    ("中國有色金屬報", "中国有色金属报", "China Nonferrous Metals News"),
    ("上海有色網", "上海有色网", "SMM"),
    ("亞洲金屬網", "亚洲金属网", "Asian Metal"),
    ("中國礦業報", "中国矿业报", "China Mining News"),
]
PHRASES = [
    (
        "堅持行業自律，維護市場秩序",
        "坚持行业自律，维护市场秩序",
        "keep to industry self-discipline and market order",
    ),
    (
        "加強出口管理，杜絕低價傾銷",
        "加强出口管理，杜绝低价倾销",
        "tighten export management and stop dumping",
    ),
    ("推動技術創新，提升產品質量", "推动技术创新，提升产品质量", "innovate and raise product quality"),
    ("合理安排生產，避免盲目擴產", "合理安排生产，避免盲目扩产", "plan output and avoid blind expansion"),
    (
        "共享行業信息，定期報送數據",
        "共享行业信息，定期报送数据",
        "share information and report data regularly",
    ),
    ("反對內捲式競爭", "反对内卷式竞争", "oppose involution-style competition"),
    (
        "落實環保要求，推進綠色生產",
        "落实环保要求，推进绿色生产",
        "meet environmental rules and produce cleanly",
    ),
    ("遵守國家出口管制政策", "遵守国家出口管制政策", "comply with national export controls"),
    ("加強知識產權保護", "加强知识产权保护", "protect intellectual property"),
    ("建立價格監測機制", "建立价格监测机制", "set up price monitoring"),
    ("加強人才培養與交流", "加强人才培养与交流", "train and exchange talent"),
    ("維護供應鏈安全穩定", "维护供应链安全稳定", "keep the supply chain secure and stable"),
]
YEARLY_PHRASE = (
    "每年召開一次產業鏈座談會",
    "每年召开一次产业链座谈会",
    "hold an industry-chain symposium every year",
)
DEADLINE_PHRASES = [
    ("年底前完成產能核查", "年底前完成产能核查", "finish a capacity review by the end of the year"),
    ("兩年內完成環保改造", "两年内完成环保改造", "finish environmental upgrades within two years"),
    ("半年內建立出口台賬", "半年内建立出口台账", "set up an export ledger within six months"),
]
VERDICTS = [
    (Verdict.NO_RECORD, 5),
    (Verdict.IN_PROGRESS, 35),
    (Verdict.FULFILLED, 25),
    (Verdict.NOT_MET, 15),
    (Verdict.WITHDRAWN, 5),
    (Verdict.CANNOT_CHECK, 15),
]
SUMMARIES = [
    "The association's bulletin reports progress.",
    "The company's annual report addresses the point.",
    "Customs data for the period bear on the point.",
    "A follow-up meeting discussed the point.",
    "A trade-press report covers the point.",
]
REASONS = [
    "Exports at prices below the agreed floor were reported.",
    "Output rose well beyond the agreed plan.",
    "The company announced it no longer follows the agreement.",
    "No report was filed by the agreed date.",
]


def synthetic_exists():
    """Whether any synthetic record is in the database. Queries."""
    return (
        Organization.objects.filter(slug__startswith=PREFIX).exists()
        or Meeting.objects.filter(slug__startswith=PREFIX).exists()
        or Industry.objects.filter(slug__startswith=PREFIX).exists()
    )


def delete_synthetic():
    """Delete every synthetic record, children first (the keys PROTECT). Returns rows deleted.

    Raw deletes: no signals, so no history rows for data that never had any, and no
    million-object collector. Real records pointing at synthetic ones make it fail.
    """
    meetings = Meeting.objects.filter(slug__startswith=PREFIX)
    commitments = Commitment.objects.filter(meeting__in=meetings)
    sources = Source.objects.filter(notes=MARKER)
    steps = [
        Evidence.objects.filter(Q(concerns__in=commitments) | Q(source__in=sources)),
        ActionItem.objects.filter(commitment__in=commitments),
        Pledge.objects.filter(commitment__in=commitments),
        CommitmentReview.objects.filter(Q(meeting__in=meetings) | Q(commitment__in=commitments)),
        commitments,
        Participation.objects.filter(meeting__in=meetings),
        Attendance.objects.filter(meeting__in=meetings),
        MeetingSource.objects.filter(meeting__in=meetings),
        Meeting.industries.through.objects.filter(meeting__in=meetings),
        meetings,
        MeetingSeries.objects.filter(slug__startswith=PREFIX),
        OrganizationIndustry.objects.filter(
            Q(organization__slug__startswith=PREFIX) | Q(industry__slug__startswith=PREFIX)
        ),
        OrganizationAlias.objects.filter(organization__slug__startswith=PREFIX),
        Organization.objects.filter(slug__startswith=PREFIX, parent__isnull=False),
        Organization.objects.filter(slug__startswith=PREFIX),
        Person.objects.filter(notes=MARKER),
        sources,
        Meeting.industries.through.objects.filter(industry__slug__startswith=PREFIX),
        Industry.objects.filter(slug__startswith=PREFIX),
    ]
    deleted = 0
    with transaction.atomic():
        for queryset in steps:
            # Materialise ids first: a DELETE whose subquery reads the table it deletes from is
            # refused by some backends, and the id list keeps each statement simple.
            ids = list(queryset.values_list("pk", flat=True))
            model = queryset.model
            for start in range(0, len(ids), 10_000):
                deleted += model.objects.filter(pk__in=ids[start : start + 10_000])._raw_delete(queryset.db)
            reset_queries()
        # Keys are checked at commit on PostgreSQL; check now, so a real record that uses a
        # synthetic one fails here, with nothing deleted.
        connection.check_constraints()
    return deleted


@contextmanager
def _timestamps_as_given():
    """Let bulk_create keep the timestamps we set instead of the clock's (for determinism)."""
    fields = [
        Organization._meta.get_field("created_at"),
        Organization._meta.get_field("updated_at"),
        Meeting._meta.get_field("created_at"),
        Meeting._meta.get_field("updated_at"),
        Pledge._meta.get_field("created_at"),
        Evidence._meta.get_field("recorded_at"),
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def spread(rng, total, n, lo, hi):
    """``n`` random integers in [lo, hi] that add up to exactly ``total``."""
    if not lo * n <= total <= hi * n:
        raise ValueError(f"cannot split {total} into {n} parts of {lo}–{hi}")
    values = [rng.randint(lo, hi) for _ in range(n)]
    diff = total - sum(values)
    step = 1 if diff > 0 else -1
    while diff:
        j = rng.randrange(n)
        if lo <= values[j] + step <= hi:
            values[j] += step
            diff -= step
    return values


def share(rng, total, weights):
    """Split ``total`` in proportion to ``weights`` (largest remainders, ties broken by ``rng``)."""
    whole = sum(weights) or 1
    parts = [total * w // whole for w in weights]
    rest = total - sum(parts)
    order = sorted(range(len(weights)), key=lambda j: (-(total * weights[j] % whole), rng.random()))
    for j in order[:rest]:
        parts[j] += 1
    return parts


class Zipf:
    """Ranks 0…n-1 drawn with weight 1/(rank + offset): a few often, most rarely."""

    def __init__(self, n, offset=10):
        self.cum = list(itertools.accumulate(1 / (r + offset) for r in range(n)))

    def rank(self, rng):
        return min(bisect.bisect(self.cum, rng.random() * self.cum[-1]), len(self.cum) - 1)

    def distinct(self, rng, k, order):
        """``k`` different items of ``order``, the first ones the likeliest."""
        k = min(k, len(order))
        chosen = {}
        while len(chosen) < k:
            chosen[order[self.rank(rng)]] = None
        return list(chosen)


@dataclass
class Counts:
    rows: dict = field(default_factory=dict)

    def add(self, name, n):
        self.rows[name] = self.rows.get(name, 0) + n


def _insert(model, objects):
    model.objects.bulk_create(objects, batch_size=BATCH)
    return len(objects)


def _partial(rng, date):
    """A date with a precision, mostly to the day."""
    roll = rng.random()
    if roll < 0.8:
        return date, DatePrecision.DAY
    if roll < 0.95:
        return date.replace(day=1), DatePrecision.MONTH
    return date.replace(month=1, day=1), DatePrecision.YEAR


class Generator:
    """Builds one scale of synthetic data from one seed; ``run()`` writes it in a transaction."""

    def __init__(self, scale, *, seed=1, report=print, today=None):
        self.scale = SCALES[scale] if isinstance(scale, str) else scale
        self.rng = random.Random(seed)
        self.report = report
        self.today = today or timezone.localdate()
        self.counts = Counts()
        self.entry_no = 0
        self._owners = {}

    def run(self):
        started = time.monotonic()
        with transaction.atomic(), _timestamps_as_given():
            self._industries()
            self._organizations()
            self._people()
            self._plan_meetings()
            self._series()
            for start in range(0, self.scale.meetings, CHUNK):
                self._write_meetings(self.plans[start : start + CHUNK])
                reset_queries()  # with DEBUG on, Django keeps every INSERT's SQL: memory would grow
                done = min(start + CHUNK, self.scale.meetings)
                rows = self.counts.rows
                self.report(
                    f"meetings {done:,}/{self.scale.meetings:,} · commitments {rows['commitments']:,} · "
                    f"pledges {rows['pledges']:,} · evidence {rows['evidence']:,}"
                )
        return self.counts.rows, time.monotonic() - started

    # --- records that meetings share -------------------------------------------------------

    def _industries(self):
        self.industries = [
            Industry(slug=f"{PREFIX}{slug}", name=trad, name_en=en) for slug, trad, _, en, _, _ in INDUSTRIES
        ]
        self.counts.add("industries", _insert(Industry, self.industries))
        self.report(f"industries {len(self.industries):,}/{len(self.industries):,}")

    def _organizations(self):
        rng, n, g = self.rng, self.scale.organizations, len(INDUSTRIES)
        n_assoc, n_gov = max(2, n // 40), max(2, n // 150)
        n_companies = n - 2 * n_assoc - n_gov
        used = set()

        def unique(make):
            for attempt in itertools.count():
                trad, simp, en, province = make()
                if attempt > 50:  # the name pool is nearly used up: number the rest
                    trad, simp, en = f"{trad}（{attempt}）", f"{simp}（{attempt}）", f"{en} ({attempt})"
                if trad not in used and simp not in used:
                    used.update((trad, simp))
                    return trad, simp, en, province

        def company(home):
            place, suffix = rng.choice(PLACES), rng.choice(SUFFIXES)
            a, b = rng.sample(CORE, 2)
            ind = INDUSTRIES[home]
            trad = place[0] + a[0] + b[0] + ind[4] + suffix[0]
            simp = place[1] + a[1] + b[1] + ind[5] + suffix[1]
            en = f"{place[2]} {(a[2] + b[2]).capitalize()} {ind[3]} {suffix[2]}"
            return trad, simp, en, place[3]

        def body(forms, ind):
            def make():
                place, form = rng.choice(PLACES), rng.choice(forms)
                trad = form[0].format(place=place[0], ind=ind[1])
                simp = form[1].format(place=place[1], ind=ind[2])
                return trad, simp, form[2].format(place=place[2], ind=ind[3]), place[3]

            return make

        self.companies, self.company_home, aliases_wanted = [], [], []
        for i in range(n_companies):
            home = i % g
            trad, simp, en, province = unique(lambda home=home: company(home))
            hans = rng.random() < 0.4
            name, other = (simp, trad) if hans else (trad, simp)
            self.companies.append(
                Organization(
                    slug=f"{PREFIX}c{i:05d}-{slugify(en)}"[:120],
                    name=name,
                    name_en=en,
                    name_en_official=rng.random() < 0.1,
                    kind=Organization.Kind.COMPANY,
                    province=province,
                    created_at=CREATED,
                    updated_at=CREATED,
                )
            )
            self.company_home.append(home)
            if other != name:
                aliases_wanted.append((len(self.companies) - 1, other))
        self.associations, self.assoc_home = [], []
        for i in range(n_assoc):
            ind = INDUSTRIES[i % g]
            trad, _, en, province = unique(body(ASSOCIATION_FORMS, ind))
            self.associations.append(
                Organization(
                    slug=f"{PREFIX}a{i:05d}-{slugify(en)}"[:120],
                    name=trad,
                    name_en=en,
                    kind=Organization.Kind.ASSOCIATION,
                    province=province,
                    created_at=CREATED,
                    updated_at=CREATED,
                )
            )
            self.assoc_home.append(i % g)
        self.government = []
        for i in range(n_gov):
            trad, _, en, province = unique(body(GOVERNMENT_FORMS, INDUSTRIES[0]))
            self.government.append(
                Organization(
                    slug=f"{PREFIX}g{i:05d}-{slugify(en)}"[:120],
                    name=trad,
                    name_en=en,
                    kind=Organization.Kind.GOVERNMENT,
                    province=province,
                    created_at=CREATED,
                    updated_at=CREATED,
                )
            )
        top = self.companies + self.associations + self.government
        for start in range(0, len(top), BATCH):
            self.counts.add("organizations", _insert(Organization, top[start : start + BATCH]))
            self.report(f"organizations {self.counts.rows['organizations']:,}/{n:,}")
        self.branches = []
        for i, parent in enumerate(self.associations):
            trad, en = rng.choice(BRANCHES)
            ind = INDUSTRIES[self.assoc_home[i]]
            self.branches.append(
                Organization(
                    slug=f"{parent.slug[:100]}-branch",
                    name=trad.format(ind=ind[1]),
                    name_en=en.format(ind_en=ind[3]),
                    kind=Organization.Kind.ASSOCIATION,
                    parent=parent,
                    province=parent.province,
                    created_at=CREATED,
                    updated_at=CREATED,
                )
            )
        self.counts.add("organizations", _insert(Organization, self.branches))
        self.report(f"organizations {self.counts.rows['organizations']:,}/{n:,}")
        # Other-script names as aliases, for a third of the companies.
        aliases = [
            OrganizationAlias(organization=self.companies[j], name=other)
            for j, other in aliases_wanted[: n_companies // 3]
        ]
        self.counts.add("organization aliases", _insert(OrganizationAlias, aliases))
        self.report(f"organization aliases {len(aliases):,}/{len(aliases):,}")
        # Each industry has its own big players: its companies first, then everyone else.
        self.company_order = []
        for home in range(g):
            own = [j for j in range(n_companies) if self.company_home[j] == home]
            rest = [j for j in range(n_companies) if self.company_home[j] != home]
            rng.shuffle(own)
            rng.shuffle(rest)
            self.company_order.append(own + rest)
        self.company_zipf = Zipf(n_companies)

    def _people(self):
        rng = self.rng
        n = max(10, self.scale.organizations // 4)
        self.people, used = [], set()
        for _ in range(n):
            # Imports (and exports) tell people apart by name, so no two share one.
            for attempt in itertools.count():
                surname = rng.choice(SURNAMES)
                given = rng.sample(CORE, rng.choice((1, 2, 2)) if attempt < 50 else 3)
                name = surname[0] + "".join(c[0] for c in given)
                if name not in used:
                    break
            used.add(name)
            self.people.append(
                Person(
                    name=name,
                    name_en=f"{surname[2]} {''.join(c[2] for c in given).capitalize()}",
                    notes=MARKER,
                )
            )
        self.counts.add("people", _insert(Person, self.people))
        self.person_zipf = Zipf(n, offset=5)
        self.report(f"people {n:,}/{n:,}")

    # --- the plan: small numbers per meeting, decided up front so totals come out exact -------

    def _plan_meetings(self):
        rng, s = self.rng, self.scale
        points = spread(rng, s.commitments, s.meetings, 3, 12)
        n_companies = len(self.companies)
        cap = max(2, min(80, n_companies * 2 // 3))
        mean = 1.15 * s.pledges / s.commitments
        firms = [max(2, min(cap, round(mean * rng.lognormvariate(0, 0.5) / 1.13))) for _ in points]
        possible = sum(k * c for k, c in zip(firms, points, strict=True))
        while possible < s.pledges * 1.05:
            j = rng.randrange(s.meetings)
            if firms[j] < cap:
                firms[j] += 1
                possible += points[j]
        # Drop pledges so the total is exact; each point keeps at least one pledger. (``share``
        # never gives a part more than its weight, as the total is at most the sum of weights.)
        room = [c * (k - 1) for k, c in zip(firms, points, strict=True)]
        dropped = share(rng, possible - s.pledges, room)
        entries = share(rng, s.evidence - s.evidence // 100, points)
        corrections = share(rng, s.evidence // 100, entries)
        with_items = set(rng.sample(range(s.commitments), s.commitments // 5))
        drafts = set(rng.sample(range(s.meetings), max(1, s.meetings // 20)))
        # Runs of yearly editions for a twentieth of the meetings' worth of series.
        self.series_runs = []
        cursor = 0
        for _ in range(max(1, s.meetings // 20)):
            editions = rng.randint(2, 8)
            if cursor + editions > s.meetings // 2:
                break
            self.series_runs.append((cursor, editions))
            cursor += editions
        in_series = {}
        for number, (first, editions) in enumerate(self.series_runs):
            start = rng.randint(2012, ANCHOR.year - editions + 1)
            for e in range(editions):
                in_series[first + e] = (number, e + 1, start + e)
        self.plans, point_no, self.series_dates = [], 0, {}
        for j in range(s.meetings):
            series, edition, year = in_series.get(j, (None, None, rng.randint(2012, ANCHOR.year)))
            if series is not None:
                g, organizer = self._series_owner(series)
            else:
                g = rng.randrange(len(INDUSTRIES))
                organizer = self._organizer_for(g)
            day = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))
            day = min(day, ANCHOR - datetime.timedelta(days=5))
            reported_on = day + datetime.timedelta(days=rng.randint(0, 5))
            held_on, precision = _partial(rng, day) if rng.random() > 0.03 else (None, "")
            plan = SimpleNamespace(
                index=j,
                industry=g,
                organizer=organizer,
                series=series,
                edition=edition,
                held_on=held_on,
                known_date=held_on or reported_on,  # as Meeting.known_date, for meetings.status
                precision=precision,
                reported_on=reported_on,
                draft=j in drafts,
                hans=rng.random() < 0.4,
                points=points[j],
                firms=firms[j],
                dropped=dropped[j],
                entries=entries[j],
                corrections=corrections[j],
                items=[point_no + p in with_items for p in range(points[j])],
            )
            point_no += points[j]
            self.plans.append(plan)
            if series is not None and not plan.draft:
                self.series_dates.setdefault(series, []).append(plan)

    def _organizer_for(self, g):
        homes = [a for a, home in enumerate(self.assoc_home) if home == g] or range(len(self.associations))
        return self.rng.choice(homes)

    def _series_owner(self, series):
        """The industry and organizer of a series (drawn on first use)."""
        if series not in self._owners:
            g = self.rng.randrange(len(INDUSTRIES))
            self._owners[series] = (g, self._organizer_for(g))
        return self._owners[series]

    def _series(self):
        self.series, self.series_kinds = [], []
        for number in range(len(self.series_runs)):
            g, organizer = self._series_owner(number)
            ind, kind = INDUSTRIES[g], self.rng.choice(MEETING_KINDS)
            self.series_kinds.append(kind)
            self.series.append(
                MeetingSeries(
                    slug=f"{PREFIX}s{number:05d}-{ind[0]}",
                    name=f"{self.associations[organizer].name}{ind[1]}產業鏈年度{kind[0]}",
                    name_en=f"Annual {ind[3].lower()} industry-chain {kind[2]}",
                    organizer=self.associations[organizer],
                )
            )
        self.counts.add("meeting series", _insert(MeetingSeries, self.series))
        self.report(f"meeting series {len(self.series):,}/{len(self.series):,}")

    # --- meetings, one chunk at a time ---------------------------------------------------------

    def _write_meetings(self, plans):
        chunk = SimpleNamespace(
            meetings=[], meeting_industries=[], sources=[], meeting_sources=[], participations=[],
            attendances=[], commitments=[], items=[], pledges=[], entries=[], corrections=[],
            items_of={}, pledges_of={}, item_series={},
        )  # fmt: skip
        for plan in plans:
            self._build_meeting(chunk, plan)
        self._set_statuses(chunk)
        self.counts.add("meetings", _insert(Meeting, chunk.meetings))
        self.counts.add("meeting industries", _insert(Meeting.industries.through, chunk.meeting_industries))
        self.counts.add("sources", _insert(Source, chunk.sources))
        self.counts.add("meeting sources", _insert(MeetingSource, chunk.meeting_sources))
        self.counts.add("participations", _insert(Participation, chunk.participations))
        self.counts.add("attendances", _insert(Attendance, chunk.attendances))
        self.counts.add("commitments", _insert(Commitment, chunk.commitments))
        self.counts.add("action items", _insert(ActionItem, chunk.items))
        self.counts.add("pledges", _insert(Pledge, chunk.pledges))
        self.counts.add("evidence", _insert(Evidence, chunk.entries))
        self.counts.add("evidence", _insert(Evidence, chunk.corrections))

    def _set_statuses(self, chunk):
        """The rule of meetings.status, applied to the chunk's entries before the pledges are written."""
        superseded = {id(e.supersedes) for e in chunk.corrections}
        by_subject = {}
        for entry in itertools.chain(chunk.entries, chunk.corrections):
            if id(entry) not in superseded:
                subject = entry.pledge or entry.commitment or entry.action_item
                by_subject.setdefault(id(subject), []).append(entry)
        for commitment in chunk.commitments:
            states = [
                item_state(
                    item,
                    by_subject.get(id(item), []),
                    self.series_dates.get(chunk.item_series.get(id(item)), []),
                    self.today,
                )
                for item in chunk.items_of.get(id(commitment), [])
            ]
            on_commitment = by_subject.get(id(commitment), [])
            for pledge in chunk.pledges_of[id(commitment)]:
                finding = pledge_finding(by_subject.get(id(pledge), []), on_commitment, states)
                if finding:
                    pledge.status, pledge.status_as_of = finding.verdict, finding.as_of

    def next_recorded_at(self, observed_on):
        """A recording time a few days after the observation, unique to the microsecond."""
        self.entry_no += 1
        day = observed_on + datetime.timedelta(days=self.rng.randint(0, 20))
        return datetime.datetime(day.year, day.month, day.day, 9, tzinfo=datetime.UTC) + datetime.timedelta(
            microseconds=self.entry_no
        )

    def _build_meeting(self, chunk, plan):
        rng, hans = self.rng, plan.hans
        ind, kind, place = INDUSTRIES[plan.industry], rng.choice(MEETING_KINDS), rng.choice(PLACES)
        day = plan.held_on or plan.reported_on
        if plan.series is not None:
            kind = self.series_kinds[plan.series]
            edition, chain = ("届", "产业链") if hans else ("屆", "產業鏈")
            title = f"第{plan.edition}{edition}{ind[1 + hans]}{chain}{kind[hans]}"
            title_en = f"{ind[3]} industry-chain {kind[2]}, edition {plan.edition}"
        else:
            topic = rng.choice(TOPICS)
            title = f"{day.year}年{place[hans]}{ind[1 + hans]}{topic[hans]}{kind[hans]}"
            title_en = f"{day.year} {place[2]} {ind[3].lower()} {topic[2]} {kind[2]}"
        organizer = self.associations[plan.organizer]
        long_summary = rng.random() < 0.3
        phrases = rng.sample(PHRASES, rng.randint(4, 10) if long_summary else 1)
        meeting = Meeting(
            slug=f"{PREFIX}m{plan.index:06d}-{day.year}-{ind[0]}",
            title=title,
            title_en=title_en,
            language="zh-Hans" if hans else "zh-Hant",
            organizer=organizer,
            place=place[hans],
            place_en=place[2],
            held_on=plan.held_on,
            held_on_precision=plan.precision,
            date_as_reported="" if plan.held_on else "近日",
            date_as_reported_en="" if plan.held_on else "recently",
            reported_on=plan.reported_on,
            participant_list_partial=rng.random() < 0.3,
            summary="；".join(p[hans] for p in phrases) + "。",
            summary_en="; ".join(p[2] for p in phrases).capitalize() + ".",
            status=Meeting.Status.DRAFT if plan.draft else Meeting.Status.PUBLISHED,
            series=self.series[plan.series] if plan.series is not None else None,
            edition=plan.edition,
            created_at=CREATED,
            updated_at=CREATED,
        )
        chunk.meetings.append(meeting)
        through = Meeting.industries.through
        chunk.meeting_industries.append(through(meeting=meeting, industry=self.industries[plan.industry]))
        if rng.random() < 0.2:
            other = (plan.industry + rng.randrange(1, len(INDUSTRIES))) % len(INDUSTRIES)
            chunk.meeting_industries.append(through(meeting=meeting, industry=self.industries[other]))
        sources = self._sources(chunk, plan, meeting)
        firms = self._participants(chunk, plan, meeting, organizer)
        points = self._commitments(chunk, plan, meeting, day)
        pledges = self._pledges(chunk, plan, points, firms)
        self._evidence(chunk, plan, day, pledges, points, sources)

    def _sources(self, chunk, plan, meeting):
        rng, hans = self.rng, plan.hans
        sources = []
        for k in range(2 if rng.random() < 0.25 else 1):
            publisher = rng.choice(PUBLISHERS)
            source = Source(
                publisher=publisher[hans],
                publisher_en=publisher[2],
                title=f"{meeting.title}{'召开' if hans else '召開'}",
                title_en=f"{meeting.title_en} held",
                url=f"https://example.invalid/syn/{plan.index}/{k}",
                published_on=plan.reported_on + datetime.timedelta(days=k),
                language=meeting.language,
                notes=MARKER,
            )
            sources.append(source)
            chunk.meeting_sources.append(MeetingSource(meeting=meeting, source=source, quote=meeting.summary))
        if plan.entries:
            publisher = rng.choice(PUBLISHERS)
            sources.append(
                Source(
                    publisher=publisher[hans],
                    publisher_en=publisher[2],
                    title=f"{meeting.organizer.name}通報行業自律情況",
                    title_en=f"{meeting.organizer.name_en} reports on self-discipline",
                    url=f"https://example.invalid/syn/{plan.index}/follow-up",
                    published_on=min(plan.reported_on + datetime.timedelta(days=365), ANCHOR),
                    language=meeting.language,
                    notes=MARKER,
                )
            )
        chunk.sources.extend(sources)
        return sources

    def _participants(self, chunk, plan, meeting, organizer):
        rng, hans = self.rng, plan.hans
        order = self.company_order[plan.industry]
        firms = [self.companies[j] for j in self.company_zipf.distinct(rng, plan.firms, order)]
        for firm in firms:
            chunk.participations.append(
                Participation(meeting=meeting, organization=firm, named_in_source=rng.random() > 0.1)
            )
        if rng.random() < 0.5:
            branch = self.branches[plan.organizer]
            chunk.participations.append(
                Participation(meeting=meeting, organization=branch, role=Participation.Role.ORGANIZER)
            )
        officials = []
        if rng.random() < 0.3:
            officials = rng.sample(self.government, min(len(self.government), rng.randint(1, 2)))
            for body in officials:
                chunk.participations.append(
                    Participation(meeting=meeting, organization=body, role=Participation.Role.GOVERNMENT)
                )
        people = self.person_zipf.distinct(rng, rng.randint(1, 4), range(len(self.people)))
        for n, person in enumerate(people):
            if n == 0:
                role, org, title = Attendance.Role.CHAIR, organizer, rng.choice(CHAIR_TITLES)
            elif officials and n == 1:
                role, org, title = Attendance.Role.SPEAKER, officials[0], rng.choice(GOVERNMENT_TITLES)
            else:
                role = rng.choice((Attendance.Role.SPEAKER, Attendance.Role.ATTENDEE))
                org, title = rng.choice(firms), rng.choice(TITLES)
            chunk.attendances.append(
                Attendance(
                    meeting=meeting,
                    person=self.people[person],
                    organization=org,
                    role=role,
                    title=title[hans],
                    title_en=title[2],
                )
            )
        return firms

    def _commitments(self, chunk, plan, meeting, day):
        rng, hans = self.rng, plan.hans
        points = []
        for number, has_item in enumerate(plan.items, start=1):
            kind = rng.choices(("yearly", "deadline", "plain"), (3, 5, 2))[0] if has_item else None
            heading = {"yearly": YEARLY_PHRASE, "deadline": rng.choice(DEADLINE_PHRASES)}.get(
                kind, rng.choice(PHRASES)
            )
            roll = rng.random()
            body = rng.sample(PHRASES, rng.randint(4, 10) if roll < 0.3 else 2 if roll < 0.8 else 0)
            commitment = Commitment(
                meeting=meeting,
                number=number,
                heading=heading[hans],
                heading_en=heading[2].capitalize(),
                body="；".join(p[hans] for p in body) + "。" if body else "",
                body_en="; ".join(p[2] for p in body).capitalize() + "." if body else "",
            )
            chunk.commitments.append(commitment)
            points.append(commitment)
            if kind is None:
                continue
            item = ActionItem(commitment=commitment, position=1, text=commitment.heading, text_en=heading[2])
            if kind == "yearly":
                item.recurrence, item.recurs_from = ActionItem.Recurrence.YEARLY, day.year + 1
                if plan.series is not None:
                    item.series = self.series[plan.series]
                    chunk.item_series[id(item)] = plan.series
            elif kind == "deadline":
                due = day + datetime.timedelta(days=rng.randint(90, 1500))
                item.deadline, item.deadline_precision = _partial(rng, due)
            else:
                item.checkable = rng.random() < 0.5
            chunk.items.append(item)
            chunk.items_of[id(commitment)] = [item]
        return points

    def _pledges(self, chunk, plan, points, firms):
        """Every participating company pledges every point, less ``plan.dropped`` pledges."""
        rng = self.rng
        droppable = []
        for p in range(len(points)):
            keep = rng.randrange(len(firms))
            droppable.extend((p, f) for f in range(len(firms)) if f != keep)
        dropped = set(rng.sample(droppable, plan.dropped))
        named = {p for p, _ in dropped}
        pledges = []
        for p, commitment in enumerate(points):
            basis = Pledge.Basis.NAMED if p in named else Pledge.Basis.PARTICIPATION
            quote = ("與會企業一致同意" if not plan.hans else "与会企业一致同意") if p in named else ""
            mine = [
                Pledge(
                    organization=firm,
                    commitment=commitment,
                    basis=basis,
                    source_quote=quote,
                    created_at=CREATED,
                )
                for f, firm in enumerate(firms)
                if (p, f) not in dropped
            ]
            chunk.pledges_of[id(commitment)] = mine
            pledges.extend(mine)
        chunk.pledges.extend(pledges)
        return pledges

    def _evidence(self, chunk, plan, day, pledges, points, sources):
        rng, hans = self.rng, plan.hans
        items = [item for c in points for item in chunk.items_of.get(id(c), [])]
        verdicts, weights = zip(*VERDICTS, strict=True)
        entries = []
        for _ in range(plan.entries):
            roll = rng.random()
            entry = Evidence(
                verdict=rng.choices(verdicts, weights)[0],
                summary_en=rng.choice(SUMMARIES),
                source=rng.choice(sources),
                quote=rng.choice(PHRASES)[hans] + "。",
            )
            observed = min(day + datetime.timedelta(days=rng.randint(15, 1000)), ANCHOR)
            if items and roll < 0.2:
                entry.action_item = rng.choice(items)
                first = entry.action_item.recurs_from
                if first and first <= ANCHOR.year and rng.random() < 0.7:
                    entry.occurrence = rng.randint(first, ANCHOR.year)
                    observed = min(
                        datetime.date(entry.occurrence, rng.randint(1, 12), rng.randint(1, 28)), ANCHOR
                    )
                    if rng.random() < 0.6:
                        entry.verdict = Verdict.FULFILLED
            elif roll < 0.65:
                entry.pledge = rng.choice(pledges)
            else:
                entry.commitment = rng.choice(points)
            entry.concerns = (entry.pledge or entry.action_item or entry).commitment
            entry.observed_on, entry.observed_on_precision = _partial(rng, observed)
            if entry.verdict in Evidence.NEEDS_REASON or rng.random() < 0.1:
                entry.reason = rng.choice(REASONS)
            entry.recorded_at = self.next_recorded_at(entry.observed_on)
            entries.append(entry)
        for earlier in rng.sample(entries, plan.corrections):
            correction = Evidence(
                pledge=earlier.pledge,
                commitment=earlier.commitment,
                action_item=earlier.action_item,
                occurrence=earlier.occurrence,
                observed_on=min(earlier.observed_on + datetime.timedelta(days=rng.randint(0, 90)), ANCHOR),
                verdict=rng.choices(verdicts, weights)[0],
                summary_en="Corrects an earlier entry: " + rng.choice(SUMMARIES),
                source=rng.choice(sources),
                quote=rng.choice(PHRASES)[hans] + "。",
                supersedes=earlier,
                concerns=earlier.concerns,
            )
            if correction.verdict in Evidence.NEEDS_REASON:
                correction.reason = rng.choice(REASONS)
            correction.recorded_at = self.next_recorded_at(correction.observed_on)
            chunk.corrections.append(correction)
        chunk.entries.extend(entries)

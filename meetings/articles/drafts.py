"""Drafts: an ``Extraction`` as a meeting in the YAML import format (docs/import-format.md).

The draft holds what the article says and nothing more: status ``draft``, the
English fields empty for the editor (``meeting.title_en``, which the format
requires, holds ``EN_PLACEHOLDER``), placeholder slugs, every company pledging
every point by participation when points were found. Damaged text is written as
``⟦damaged: …⟧`` (the format refuses the characters themselves) and listed, with
the extraction's messages, in the source's ``notes`` and the file's opening
comments. Organizations and people are referred to by name, so importing the
draft reuses those already in the database instead of duplicating them.
"""

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property

import yaml

from .cleaning import Cleaned, clean_article, mark_damage
from .extraction import Extraction, extract
from .mentions import organization_kind, split_ministry
from .script import both

EN_PLACEHOLDER = "[English title to be written]"
# How many damaged spans the notes list one by one.
LISTED_FLAGS = 20

# Materials a meeting's name can name, and the industry each is: (characters, slug, name, English).
_INDUSTRIES = (
    ("鎵", "gallium", "鎵", "gallium"),
    ("鍺", "germanium", "鍺", "germanium"),
    ("銻", "antimony", "銻", "antimony"),
    ("稀土", "rare-earths", "稀土", "rare earths"),
    ("鋰", "lithium", "鋰", "lithium"),
    ("鎢", "tungsten", "鎢", "tungsten"),
    ("鈷", "cobalt", "鈷", "cobalt"),
    ("銦", "indium", "銦", "indium"),
    ("鉬", "molybdenum", "鉬", "molybdenum"),
    ("石墨", "graphite", "石墨", "graphite"),
)
_PROVINCES = {
    "安徽": "anhui", "北京": "beijing", "重慶": "chongqing", "福建": "fujian", "甘肅": "gansu",
    "廣東": "guangdong", "廣西": "guangxi", "貴州": "guizhou", "海南": "hainan", "河北": "hebei",
    "黑龍江": "heilongjiang", "河南": "henan", "香港": "hong-kong", "湖北": "hubei", "湖南": "hunan",
    "內蒙古": "inner-mongolia", "江蘇": "jiangsu", "江西": "jiangxi", "吉林": "jilin", "遼寧": "liaoning",
    "澳門": "macao", "寧夏": "ningxia", "青海": "qinghai", "陝西": "shaanxi", "山東": "shandong",
    "上海": "shanghai", "山西": "shanxi", "四川": "sichuan", "臺灣": "taiwan", "台灣": "taiwan",
    "天津": "tianjin", "西藏": "tibet", "新疆": "xinjiang", "雲南": "yunnan", "浙江": "zhejiang",
}  # fmt: skip
_PROVINCE = re.compile("^(?:" + "|".join(f"(?P<p{i}>{both(n)})" for i, n in enumerate(_PROVINCES)) + ")")
_PROVINCE_SLUGS = list(_PROVINCES.values())


def placeholder_slug(prefix, *parts):
    """A stable slug for a draft (``company-1a2b3c4d``): the same name gives the same slug."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:8]
    return f"{prefix}-{digest}"


def province_of(name):
    """The province a name starts with (廣東先導… → guangdong), or ''."""
    match = _PROVINCE.match(name)
    return _PROVINCE_SLUGS[int(match.lastgroup[1:])] if match else ""


def industry_of(*texts):
    """The one industry the texts name (鎵產業… → gallium), as an import-format item, or None."""
    for text in texts:
        found = [item for item in _INDUSTRIES if re.search(both(item[0]), text or "")]
        if len(found) == 1:
            _, slug, name, name_en = found[0]
            return {"slug": slug, "name": name, "name_en": name_en}
    return None


def to_import_dict(extraction, *, slug=None):
    """The draft meeting of ``extraction`` as a dict in the import format."""
    return _Draft(extraction).build(slug)


class _Draft:
    def __init__(self, extraction):
        self.x = extraction
        self.organizations = []

    def organization(self, name, kind, parent="", aliases=()):
        """Add an organization once; return how the file refers to it (its name)."""
        name, parent = mark_damage(name), mark_damage(parent)
        for org in self.organizations:
            if org["name"] == name and org.get("parent", "") == parent:
                return name
        if not parent:
            # A person's organization may be a branch or bureau listed already, by any of its names.
            for org in self.organizations:
                if name in (org["name"], org.get("parent", "") + org["name"], *org.get("aliases", ())):
                    return org["name"]
        item = {
            "name": name,
            "name_en": "",
            "slug": placeholder_slug(kind, parent, name),
            "kind": kind,
        }
        if parent:
            item["parent"] = parent
        province = province_of(name) if kind == "company" else ""
        if province:
            item["province"] = province
        if aliases:
            item["aliases"] = list(aliases)
        self.organizations.append(item)
        return name

    def build(self, slug):
        x = self.x
        marked = mark_damage
        organizer = self.organization(x.organizer, x.organizer_kind or "other") if x.organizer else ""
        participants, seen = [], set()

        def take_part(reference, role, quote):
            if reference and reference not in seen and reference != organizer:
                seen.add(reference)
                participants.append({"organization": reference, "role": role, "quote": marked(quote)})

        for branch in x.branches:
            take_part(self.organization(branch.own_name, "association", organizer), "organizer", branch.quote)
        for body in x.government:
            parent, own = split_ministry(body.name)
            if parent:
                self.organization(parent, "government")
                reference = self.organization(own, "government", parent, aliases=[body.name])
            else:
                reference = self.organization(body.name, "government")
            take_part(reference, "government", body.quote)
        companies = []
        for group in x.company_lists:
            for name in group.names:
                companies.append(self.organization(name, "company"))
                take_part(companies[-1], "participant", group.quote)
        attendance = []
        for person in x.people:
            reference = ""
            if person.organization:
                kind = organization_kind(person.organization)
                reference = self.organization(person.organization, kind)
                take_part(reference, "government" if kind == "government" else "participant", person.quote)
            attendance.append(
                {
                    "person": marked(person.name),
                    "organization": reference,
                    "role": person.role,
                    "title": marked(person.title),
                    "title_en": "",
                    "quote": marked(person.quote),
                }
            )
        commitments = [
            {"number": p.number, "heading": marked(p.heading), "body": marked(p.body)}
            | {"heading_en": "", "body_en": ""}
            for p in x.points
        ]
        consensus = marked(x.consensus_quote)
        pledges = [
            {"organization": name, "commitments": "all", "basis": "participation", "quote": consensus}
            for name in dict.fromkeys(companies)
            if commitments
        ]
        industry = industry_of(x.meeting_name, x.headline)
        data = {
            "meeting": self.meeting(slug, organizer, industry),
            "industries": [industry] if industry else [],
            "organizations": self.organizations,
            "people": [{"name": a["person"], "name_en": ""} for a in attendance],
            "participants": participants,
            "attendance": attendance,
            "commitments": commitments,
            "pledges": pledges,
            "sources": [self.source()] if x.publisher else [],
        }
        return {key: value for key, value in data.items() if value or key == "meeting"}

    def meeting(self, slug, organizer, industry):
        x = self.x
        held_on = None
        if x.held_on:
            held_on = x.held_on if x.held_on_precision == "day" else x.held_on.strftime("%Y-%m")
        digest_of = x.headline or x.text[:200]
        return {
            "slug": slug or placeholder_slug(f"draft-{x.published_on or 'undated'}", digest_of),
            "title": mark_damage(x.meeting_name or x.headline),
            "title_en": EN_PLACEHOLDER,
            "language": x.language,
            "status": "draft",
            "industries": [industry["slug"]] if industry else [],
            "organizer": organizer,
            "place": x.place,
            "place_en": "",
            "held_on": held_on,
            "date_as_reported": x.date_as_reported,
            "date_as_reported_en": "",
            "reported_on": x.published_on,
            "participant_list_partial": x.companies_partial,
            "summary": mark_damage(x.summary),
            "summary_en": "",
        }

    def source(self):
        x = self.x
        return {
            "publisher": x.publisher,
            "publisher_en": "",
            "title": mark_damage(x.headline),
            "title_en": "",
            "url": "",
            "published_on": x.published_on,
            "reprinted_from": x.reprinted_from,
            "reprinted_from_en": "",
            "language": x.language,
            "notes": "\n".join(review_notes(x)),
            "quote": mark_damage(x.summary),
        }


def review_notes(extraction):
    """What the editor must check, one line each: the damaged spans and the extraction's messages."""
    lines = ["Drafted from the article by rule-based extraction; check every value against it."]
    for flag in extraction.flags[:LISTED_FLAGS]:
        lines.append(
            f"Damaged text at line {flag.line}, column {flag.column} of the cleaned article: "
            f"{flag.shown!r} in {flag.context}; shown as ⟦damaged: …⟧ in the texts of this draft. "
            "Read it in the original and write the right characters."
        )
    if len(extraction.flags) > LISTED_FLAGS:
        more = len(extraction.flags) - LISTED_FLAGS
        lines.append(f"… and {more:,} more damaged spans: the copy may be unusable.")
    lines.extend(extraction.messages)
    return lines


# -- YAML -----------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Plain YAML the importer's strict reader accepts: no anchors, text in block style when long."""

    def ignore_aliases(self, data):
        return True


def _represent_str(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def to_yaml(data, *, extraction=None, label=""):
    """The draft as the text of an import file, with opening comments for the editor."""
    header = [
        f"# A draft meeting, extracted by rule from {label or 'an article'}: nothing here has been",
        "# checked by a person. Read every value against the article, then import it with",
        "# `python manage.py import_meetings FILE` (the format: docs/import-format.md).",
        "# - English fields (*_en) are left empty to be written; meeting.title_en is a placeholder.",
        "# - Slugs are placeholders: give the meeting and each new organization a readable one.",
        "# - Organizations and people are matched by name on import: one already recorded is reused.",
    ]
    if extraction is not None:
        header += [f"# - {line}" for line in review_notes(extraction)[1:]]
    sections = [
        yaml.dump({key: value}, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)
        for key, value in data.items()
    ]
    return "\n".join(header) + "\n\n" + "\n".join(sections)


@dataclass
class ArticleDraft:
    """One article taken all the way: cleaned, extracted and drafted (``data``, ``yaml``)."""

    cleaned: Cleaned
    extraction: Extraction
    data: dict
    label: str = ""

    @cached_property
    def yaml(self):
        return to_yaml(self.data, extraction=self.extraction, label=self.label)

    def summary(self):
        """'7 companies, 5 points, 1 flagged span': what the draft holds, for a progress line."""
        x = self.extraction
        parts = [
            _count(len(x.companies), "company", "companies"),
            _count(len(x.points), "point", "points") if x.points else "no numbered points",
        ]
        if x.flags:
            parts.append(_count(len(x.flags), "flagged span", "flagged spans"))
        return ", ".join(parts)


def _count(n, singular, plural):
    return f"{n} {singular if n == 1 else plural}"


def draft_article(data, *, label="", slug=None):
    """Clean, extract and draft an article given as text or bytes; raises ``ArticleError``."""
    cleaned = clean_article(data)
    extraction = extract(cleaned)
    return ArticleDraft(cleaned, extraction, to_import_dict(extraction, slug=slug), label)


__all__ = [
    "EN_PLACEHOLDER",
    "ArticleDraft",
    "draft_article",
    "industry_of",
    "placeholder_slug",
    "province_of",
    "review_notes",
    "to_import_dict",
    "to_yaml",
]

"""From a scraped news article to a draft meeting, by rule and offline.

The steps, each usable on its own (the admin screen shows the result of each):

- ``clean_article(text_or_bytes) -> Cleaned``: decode, strip HTML, remove pinyin
  glosses and page chrome, normalise whitespace, flag damaged spans (``Flag``);
- ``extract(cleaned) -> Extraction``: headline, publisher and date, reprint
  source, organizer, place, meeting name, date wording, people, government bodies,
  branches, companies and numbered points, with ``messages`` on what is missing;
- ``to_import_dict(extraction, slug=None) -> dict`` and ``to_yaml(dict)``: the
  draft in the import format (docs/import-format.md);
- ``draft_article(data, label=..., slug=None) -> ArticleDraft``: all three.

Errors in the input (too large, not text, empty) raise ``ArticleError`` with a
message for the editor. Nothing here touches the database.
"""

from .cleaning import Cleaned, Flag, Removal, clean_article, find_damage, mark_damage
from .drafts import (
    EN_PLACEHOLDER,
    ArticleDraft,
    draft_article,
    placeholder_slug,
    province_of,
    to_import_dict,
    to_yaml,
)
from .extraction import Extraction, extract
from .mentions import CompanyList, OrganizationMention, PersonMention, organization_kind
from .points import Point
from .reading import MAX_ARTICLE_BYTES, ArticleError, ArticleTooLarge, EmptyArticle, NotText

__all__ = [
    "EN_PLACEHOLDER",
    "MAX_ARTICLE_BYTES",
    "ArticleDraft",
    "ArticleError",
    "ArticleTooLarge",
    "Cleaned",
    "CompanyList",
    "EmptyArticle",
    "Extraction",
    "Flag",
    "NotText",
    "OrganizationMention",
    "PersonMention",
    "Point",
    "Removal",
    "clean_article",
    "draft_article",
    "extract",
    "find_damage",
    "mark_damage",
    "organization_kind",
    "placeholder_slug",
    "province_of",
    "to_import_dict",
    "to_yaml",
]

"""The record: meetings, who took part, the numbered points they agreed, and who pledged what.

Original-language fields (``name``, ``title``, ``heading`` …) hold the text exactly as
the source printed it and are the authority; ``*_en`` fields are our English
renderings unless a field says otherwise.
"""

from .commitments import Commitment, CommitmentQuerySet, Pledge, Verdict
from .meetings import Attendance, Meeting, MeetingQuerySet, MeetingSource, Participation, Source, newest_first
from .organizations import (
    Industry,
    Organization,
    OrganizationAlias,
    OrganizationIndustry,
    OrganizationQuerySet,
    Person,
)
from .tracking import ActionItem, CommitmentReview, Evidence, EvidenceQuerySet, MeetingSeries

__all__ = [
    "ActionItem",
    "Attendance",
    "Commitment",
    "CommitmentQuerySet",
    "CommitmentReview",
    "Evidence",
    "EvidenceQuerySet",
    "Industry",
    "Meeting",
    "MeetingQuerySet",
    "MeetingSeries",
    "MeetingSource",
    "Organization",
    "OrganizationAlias",
    "OrganizationIndustry",
    "OrganizationQuerySet",
    "Participation",
    "Person",
    "Pledge",
    "Source",
    "Verdict",
    "newest_first",
]

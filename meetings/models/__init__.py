"""The record: meetings, who took part, the numbered points they agreed, and who pledged what.

Original-language fields (``name``, ``title``, ``heading`` …) hold the text exactly as
the source printed it and are the authority; ``*_en`` fields are our English
renderings unless a field says otherwise.
"""

from .commitments import Commitment, CommitmentQuerySet, Pledge
from .meetings import Attendance, Meeting, MeetingQuerySet, MeetingSource, Participation, Source, newest_first
from .organizations import Industry, Organization, OrganizationAlias, OrganizationQuerySet, Person

__all__ = [
    "Attendance",
    "Commitment",
    "CommitmentQuerySet",
    "Industry",
    "Meeting",
    "MeetingQuerySet",
    "MeetingSource",
    "Organization",
    "OrganizationAlias",
    "OrganizationQuerySet",
    "Participation",
    "Person",
    "Pledge",
    "Source",
    "newest_first",
]

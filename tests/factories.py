"""Small ``make_*`` helpers that build valid records; pass keyword arguments to vary them."""

import datetime
import itertools
import threading

from django.db import connection, transaction

from meetings.models import (
    ActionItem,
    Attendance,
    Commitment,
    Evidence,
    Industry,
    Meeting,
    MeetingSeries,
    Organization,
    Participation,
    Person,
    Pledge,
    Source,
    Verdict,
)

_seq = itertools.count(1)


def make_industry(**kwargs):
    n = next(_seq)
    kwargs.setdefault("slug", f"industry-{n}")
    kwargs.setdefault("name", f"行業{n}")
    kwargs.setdefault("name_en", f"industry {n}")
    return Industry.objects.create(**kwargs)


def make_organization(**kwargs):
    n = next(_seq)
    kwargs.setdefault("slug", f"org-{n}")
    kwargs.setdefault("name", f"測試機構{n}有限公司")
    kwargs.setdefault("name_en", f"Test Organization {n}")
    kwargs.setdefault("kind", Organization.Kind.COMPANY)
    return Organization.objects.create(**kwargs)


def make_company(**kwargs):
    kwargs.setdefault("kind", Organization.Kind.COMPANY)
    return make_organization(**kwargs)


def make_person(**kwargs):
    n = next(_seq)
    kwargs.setdefault("name", f"測試人{n}")
    kwargs.setdefault("name_en", f"Test Person {n}")
    return Person.objects.create(**kwargs)


def make_meeting(**kwargs):
    n = next(_seq)
    kwargs.setdefault("slug", f"meeting-{n}")
    kwargs.setdefault("title", f"測試會議{n}")
    kwargs.setdefault("title_en", f"Test meeting {n}")
    kwargs.setdefault("status", Meeting.Status.PUBLISHED)
    if "organizer" not in kwargs:
        kwargs["organizer"] = make_organization(kind=Organization.Kind.ASSOCIATION)
    industries = kwargs.pop("industries", [])
    meeting = Meeting.objects.create(**kwargs)
    meeting.industries.set(industries)
    return meeting


def make_participation(meeting, organization, **kwargs):
    return Participation.objects.create(meeting=meeting, organization=organization, **kwargs)


def make_attendance(meeting, person, **kwargs):
    return Attendance.objects.create(meeting=meeting, person=person, **kwargs)


def make_commitment(meeting, **kwargs):
    if "number" not in kwargs:
        kwargs["number"] = meeting.commitments.count() + 1
    kwargs.setdefault("heading", f"第{kwargs['number']}點標題")
    kwargs.setdefault("heading_en", f"Point {kwargs['number']} heading")
    kwargs.setdefault("body", "正文。")
    return Commitment.objects.create(meeting=meeting, **kwargs)


def make_pledge(organization, commitment, **kwargs):
    """A pledge; adds the organization as a participant of the meeting when it is not one yet."""
    Participation.objects.get_or_create(meeting=commitment.meeting, organization=organization)
    return Pledge.objects.create(organization=organization, commitment=commitment, **kwargs)


def make_source(**kwargs):
    n = next(_seq)
    kwargs.setdefault("publisher", f"測試網{n}")
    kwargs.setdefault("title", f"測試報道{n}")
    return Source.objects.create(**kwargs)


def make_meeting_with_pledges(companies=2, commitments=3, **kwargs):
    """A published meeting where every company pledged every commitment."""
    meeting = make_meeting(**kwargs)
    firms = [make_company() for _ in range(companies)]
    points = [make_commitment(meeting) for _ in range(commitments)]
    for firm in firms:
        for point in points:
            make_pledge(firm, point)
    return meeting, firms, points


def make_series(**kwargs):
    n = next(_seq)
    kwargs.setdefault("slug", f"series-{n}")
    kwargs.setdefault("name", f"年度座談會{n}")
    kwargs.setdefault("name_en", f"Annual symposium {n}")
    return MeetingSeries.objects.create(**kwargs)


def make_action_item(commitment, **kwargs):
    if "position" not in kwargs:
        kwargs["position"] = commitment.action_items.count() + 1
    kwargs.setdefault("text", commitment.heading)  # an item quotes its commitment
    kwargs.setdefault("text_en", f"Action {kwargs['position']}")
    return ActionItem.objects.create(commitment=commitment, **kwargs)


def make_evidence(**kwargs):
    """An entry; give exactly one subject: ``pledge=``, ``commitment=`` or ``action_item=``.

    Saved as given, without refreshing the stored pledge statuses.
    """
    kwargs.setdefault("observed_on", datetime.date(2024, 6, 1))
    kwargs.setdefault("verdict", Verdict.IN_PROGRESS)
    if kwargs["verdict"] in Evidence.NEEDS_REASON:
        kwargs.setdefault("reason", "The source says so.")
    kwargs.setdefault("summary_en", "Observed.")
    kwargs.setdefault("quote", "原文。")
    if "source" not in kwargs:
        kwargs["source"] = make_source()
    return Evidence.objects.create(**kwargs)


def pledge_in_another_transaction(organization, commitment):
    """A thread (not started) that saves a pledge in a transaction and connection of its own."""

    def pledge():
        try:
            with transaction.atomic():
                Pledge.objects.create(organization=organization, commitment=commitment)
        finally:
            connection.close()

    return threading.Thread(target=pledge)

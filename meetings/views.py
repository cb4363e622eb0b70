"""The public pages. Each view loads everything its template shows in a fixed number of queries."""

import datetime
import re
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, Exists, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from . import exports
from .compiled import by_ids, compiled_query, padded
from .counting import commitment_counts, correlated_count
from .filters import CommitmentFilter, CompanyFilter, MeetingFilter
from .history import corrections
from .models import (
    ActionItem,
    Attendance,
    Commitment,
    CommitmentReview,
    Evidence,
    Industry,
    Meeting,
    MeetingSource,
    Organization,
    Participation,
    Pledge,
    newest_first,
)
from .paging import KnownCountPaginator, ListPaginator
from .status import Tracking

PUBLISHED = Meeting.Status.PUBLISHED
SCHEMAS = Path(__file__).resolve().parent / "schemas"
# Meetings per page of a company's page, each with the company's pledges there.
COMPANY_MEETINGS_PER_PAGE = 10


def _filtered_page(request, filterset, columns):
    """The requested page of a filtered list; an invalid filter gives an empty list, not an error.

    The rows are read with only ``columns``, those the list shows: each column read costs time
    to compile and load. (The downloads use the same filters and read every column.)
    """
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    queryset = queryset.only(*columns)
    return ListPaginator(queryset, settings.PAGE_SIZE).get_page(request.GET.get("page"))


@compiled_query()
def _latest_meetings():
    return (
        Meeting.objects.published()
        .select_related("organizer")
        .only("place_en", "organizer__name", *Meeting.LISTED)
        .annotate(commitment_count=correlated_count(Commitment.objects.all(), "meeting"))
        .newest_first()[:5]
    )


@compiled_query()
def _latest_evidence():
    return (
        Evidence.objects.current()
        .public()
        .select_related("concerns__meeting")
        # What the list shows of each entry: its date, verdict, summary and address.
        .only(
            "observed_on",
            "observed_on_precision",
            "verdict",
            "summary_en",
            "concerns__number",
            "concerns__meeting__slug",
        )[:5]
    )


def home(request):
    # Two queries, each compiled once (meetings.compiled).
    return render(
        request, "meetings/home.html", {"meetings": _latest_meetings(), "evidence": _latest_evidence()}
    )


def _meetings(request, industries=True):
    """The meetings list's filters; ``industries``: each meeting's industries prefetched (the download)."""
    meetings = Meeting.objects.published().select_related("organizer")
    if industries:
        meetings = meetings.prefetch_related("industries")
    return MeetingFilter(request.GET, queryset=meetings.newest_first(), request=request)


def _industry_links_of(*meeting_ids):
    """The industries of these meetings: one row of the many-to-many table each, with its industry."""
    return (
        Meeting.industries.through.objects.filter(meeting_id__in=meeting_ids)
        .select_related("industry")
        .order_by(*(f"industry__{name}" for name in Industry._meta.ordering), "industry_id")
    )


def meeting_list(request):
    filterset = _meetings(request, industries=False)
    page = _filtered_page(
        request, filterset, ("place_en", "organizer__name", "organizer__name_en", *Meeting.LISTED)
    )
    # Counted after paging, for the page's meetings only (a column of the list query would
    # be computed for every row that OFFSET skips).
    ids = [meeting.pk for meeting in page.object_list]
    counts = commitment_counts(ids, most=settings.PAGE_SIZE)
    # The page's industries by one query compiled once (meetings.compiled.by_ids): Django's
    # prefetch built and compiled its query, and made a related manager for each meeting, on
    # every request.
    industries = {}
    if ids:
        for link in by_ids("meeting industries", _industry_links_of, ids, settings.PAGE_SIZE):
            industries.setdefault(link.meeting_id, []).append(link.industry)
    for meeting in page.object_list:
        meeting.commitment_count = counts.get(meeting.pk, 0)
        meeting.listed_industries = industries.get(meeting.pk, [])
    return render(request, "meetings/meeting_list.html", {"filter": filterset, "page": page})


def _one_or_404(queryset):
    """The first row of a compiled query, or a 404 when there is none."""
    for row in queryset:
        return row
    raise Http404(f"No {queryset.model._meta.verbose_name} matches the given query.")


def _with(rows, **loaded):
    """The rows as a list, each given the related records loaded already (``meeting=meeting``)."""
    rows = list(rows)
    for row in rows:
        for name, record in loaded.items():
            setattr(row, name, record)
    return rows


class Cell(NamedTuple):
    """A pledge as the meeting page shows it: which company, which point, and its status."""

    organization: Organization
    commitment: Commitment
    status: str


@compiled_query(str)
def _published_meeting(slug):
    return Meeting.objects.published().select_related("organizer").filter(slug=slug)[:1]


@compiled_query(int)
def _industries_of(meeting_id):
    return Industry.objects.filter(meetings=meeting_id)


@compiled_query(int)
def _participations_in(meeting_id):
    # Only the columns the page shows: each column selected costs time to compile and load.
    return (
        Participation.objects.filter(meeting_id=meeting_id)
        .select_related("organization__parent")
        .only(
            "meeting",
            "role",
            "named_in_source",
            *(f"organization__{name}" for name in ("slug", "name", "name_en", "kind", "parent")),
            "organization__parent__name",
        )
        .order_by("role", "organization__name_en", "organization__name")
    )


@compiled_query(int)
def _attendances_at(meeting_id):
    return (
        Attendance.objects.filter(meeting_id=meeting_id)
        .select_related("person")
        .only("meeting", "role", "title", "title_en", "person__name", "person__name_en")
        .order_by("pk")
    )


@compiled_query(int)
def _points_in_full(meeting_id):
    return Commitment.objects.filter(meeting_id=meeting_id).order_by("number")


@compiled_query(int)
def _source_links_of(meeting_id):
    return MeetingSource.objects.filter(meeting_id=meeting_id).select_related("source")


# What a list of pledges shows of each organization (_pledge_rows); _attach_pledges makes
# the organization from them.
_PLEDGER_COLUMNS = ("id", "slug", "name", "name_en", "kind")


def _pledge_rows(pledges):
    """What a list of pledges shows of each: its point, status and organization, by company name."""
    return pledges.order_by("organization__name_en", "organization__name").values_list(
        "commitment_id", "status", *(f"organization__{column}" for column in _PLEDGER_COLUMNS)
    )


def _pledge_rows_of(*commitment_ids):
    return _pledge_rows(Pledge.objects.filter(commitment_id__in=commitment_ids))


@compiled_query(int)
def _pledge_rows_at(meeting_id):
    return _pledge_rows(Pledge.objects.filter(commitment__meeting_id=meeting_id))


def meeting_detail(request, slug):
    # Seven queries, each compiled once (meetings.compiled): building and compiling them,
    # as prefetches, took a fifth of the page's time.
    meeting = _one_or_404(_published_meeting(slug))
    participations = _with(_participations_in(meeting.pk), meeting=meeting)
    companies = [p for p in participations if p.role == Participation.Role.PARTICIPANT]
    commitments = _with(_points_in_full(meeting.pk), meeting=meeting)
    _attach_pledges(
        commitments,
        _pledge_rows_at(meeting.pk),
        {p.organization_id: p.organization for p in participations},
    )
    context = {
        "meeting": meeting,
        "industries": list(_industries_of(meeting.pk)),
        "attendances": _with(_attendances_at(meeting.pk), meeting=meeting),
        "commitments": commitments,
        "source_links": _with(_source_links_of(meeting.pk), meeting=meeting),
        "companies": companies,
        "others": [p for p in participations if p.role != Participation.Role.PARTICIPANT],
        "matrix": _pledge_matrix(companies, commitments),
    }
    return render(request, "meetings/meeting_detail.html", context)


def _attach_pledges(commitments, rows, organizations=None):
    """Each commitment's pledges as ``commitment.pledged``: :class:`Cell` rows, by company name.

    ``rows``: the pledges of these commitments as :func:`_pledge_rows` reads them: plain
    rows, with one organization object per company rather than one per pledge (a meeting
    of 80 companies and 7 points has 560 pledges, and as model instances they were most of
    the page's time). ``organizations``: ``{id: organization}`` loaded already (the meeting
    page's participants); the others are made from the pledge rows, as Django makes a row's
    instance (``Model.from_db``): the columns not read are deferred, so that reading one
    would load it rather than give its default. That is 5.6 µs an organization instead of
    9.5 µs as ``Organization(id=…, …)``, and the commitments list makes some 250 a page.
    """
    by_id = {commitment.pk: commitment for commitment in commitments}
    organizations = dict(organizations or {})
    for commitment in commitments:
        commitment.pledged = []
    if not by_id:
        return
    for commitment_id, status, organization_id, *names in rows:
        organization = organizations.get(organization_id)
        if organization is None:  # not loaded already (on the meeting page: no recorded participation)
            organization = Organization.from_db(DEFAULT_DB_ALIAS, _PLEDGER_COLUMNS, [organization_id, *names])
            organizations[organization_id] = organization
        commitment = by_id[commitment_id]
        commitment.pledged.append(Cell(organization, commitment, status))


def _pledge_matrix(companies, commitments):
    """Rows of (organization, [pledge or None for each commitment]) for the meeting page."""
    pledged = {(p.organization.pk, c.number): p for c in commitments for p in c.pledged}
    organizations = [p.organization for p in companies]
    # Pledges by organizations outside the company list (if any) get a row too.
    listed = {o.pk for o in organizations}
    for commitment in commitments:
        for pledge in commitment.pledged:
            if pledge.organization.pk not in listed:
                listed.add(pledge.organization.pk)
                organizations.append(pledge.organization)
    return [(org, [pledged.get((org.pk, c.number)) for c in commitments]) for org in organizations]


def _companies(request):
    companies = Organization.objects.companies().public().order_by("name_en", "name")
    return CompanyFilter(request.GET, queryset=companies, request=request)


def company_list(request):
    filterset = _companies(request)
    # Each company's counts are stored on it (published_meeting_count, published_pledge_count,
    # kept by meetings.public): read with the page's rows, no query of their own.
    page = _filtered_page(
        request,
        filterset,
        ("slug", "name", "name_en", "kind", "province", "published_meeting_count", "published_pledge_count"),
    )
    return render(request, "meetings/company_list.html", {"filter": filterset, "page": page})


@compiled_query(int, datetime.date, datetime.date, datetime.date)
def _published_meetings_of(organization_id, *overdue_bounds):
    """Every published meeting the organization took part in or pledged at, newest first.

    Each row: the meeting's id, and the number of the organization's pledges (at any of these
    meetings) with overdue action items. That number does not depend on the row: PostgreSQL
    and SQLite compute the subquery once (an InitPlan), and it costs no query of its own.
    """
    took_part = Participation.objects.filter(organization_id=organization_id).values("meeting_id")
    pledged = Pledge.objects.filter(organization_id=organization_id).values("commitment__meeting_id")
    overdue = ActionItem.objects.overdue_before(*overdue_bounds).filter(commitment=OuterRef("commitment"))
    overdue_pledges = (
        _published_pledges_of(organization_id)
        .filter(Exists(overdue))
        .order_by()
        .values("organization_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    # IN (… UNION …): each side read from its index. With IN (…) OR IN (…), PostgreSQL read
    # every meeting to test both (9.4 ms instead of 1 ms).
    return (
        Meeting.objects.published()
        .filter(pk__in=took_part.order_by().union(pledged.order_by()))
        .annotate(overdue_pledges=Coalesce(Subquery(overdue_pledges), 0))
        .newest_first()
        .values_list("pk", "overdue_pledges")
    )


# A page of a company's meetings is read by their ids, always this many (the last repeated):
# one SQL text, compiled once, whatever the page holds.
_PAGE_IDS = [int] * COMPANY_MEETINGS_PER_PAGE


@compiled_query(int, *_PAGE_IDS)
def _company_meetings(organization_id, *meeting_ids):
    took_part = Participation.objects.filter(organization_id=organization_id, meeting=OuterRef("pk"))
    return (
        Meeting.objects.filter(pk__in=meeting_ids)
        .select_related("organizer")
        .only("organizer__name", *Meeting.LISTED)
        # None where it pledged without a recorded participation.
        .annotate(named_in_source=Subquery(took_part.order_by().values("named_in_source")[:1]))
    )


def _published_pledges_of(organization_id):
    return Pledge.objects.filter(organization_id=organization_id, commitment__meeting__status=PUBLISHED)


class CompanyPledge(NamedTuple):
    """A pledge as a company's page lists it: its point (number, headings), status and basis.

    Plain rows rather than pledges with their commitments: making the two model instances
    of each pledge, and linking them, took a seventh of the page's time.
    """

    commitment_id: int
    meeting_id: int
    number: int
    heading: str
    heading_en: str
    status: str
    status_as_of: datetime.date | None
    basis: str
    overdue_items: list


@compiled_query(int, *_PAGE_IDS)
def _company_pledges_at(organization_id, *meeting_ids):
    return (
        _published_pledges_of(organization_id)
        .filter(commitment__meeting_id__in=meeting_ids)
        .order_by("commitment__number")
        .values_list(
            "commitment_id",
            "commitment__meeting_id",
            "commitment__number",
            "commitment__heading",
            "commitment__heading_en",
            "status",
            "status_as_of",
            "basis",
        )
    )


@compiled_query(int, *_PAGE_IDS, datetime.date, datetime.date, datetime.date)
def _overdue_items_pledged(organization_id, *values):
    """The overdue items of the points the organization pledged at these meetings."""
    meeting_ids, bounds = values[:COMPANY_MEETINGS_PER_PAGE], values[COMPANY_MEETINGS_PER_PAGE:]
    return (
        ActionItem.objects.overdue_before(*bounds)
        .filter(commitment__meeting_id__in=meeting_ids, commitment__pledges__organization_id=organization_id)
        .order_by("commitment_id", "position")
    )


def company_detail(request, slug):
    """A company, and its meetings newest first with its pledges at each, a page of meetings at a time.

    A company in many meetings over the years would otherwise make an unbounded page; the
    totals cover every published meeting. Five queries, each compiled once (meetings.compiled).
    """
    organization = _one_or_404(_public_organization(slug))
    if organization.kind != Organization.Kind.COMPANY:
        return redirect(organization)
    bounds = ActionItem.objects.overdue_bounds(timezone.localdate())
    rows = list(_published_meetings_of(organization.pk, *bounds))
    meeting_ids = [meeting_id for meeting_id, _overdue in rows]
    overdue_count = rows[0][1] if rows else 0  # no published meeting: no published pledge either
    # Stored on the organization, kept by meetings.public in the same transaction as each write.
    pledge_count = organization.published_pledge_count
    page = KnownCountPaginator(meeting_ids, COMPANY_MEETINGS_PER_PAGE, len(meeting_ids)).get_page(
        request.GET.get("page")
    )
    meetings, shown_pledges, overdue = [], [], {}
    if page.object_list:
        shown_ids = padded(page.object_list, COMPANY_MEETINGS_PER_PAGE)
        by_id = {meeting.pk: meeting for meeting in _company_meetings(organization.pk, *shown_ids)}
        meetings = [by_id[pk] for pk in page.object_list]
        for item in _overdue_items_pledged(organization.pk, *shown_ids, *bounds):
            overdue.setdefault(item.commitment_id, []).append(item)
        shown_pledges = [
            CompanyPledge(commitment_id, *columns, overdue.get(commitment_id, []))
            for commitment_id, *columns in _company_pledges_at(organization.pk, *shown_ids)
        ]
    page.object_list = meetings
    by_meeting = {}
    for pledge in shown_pledges:
        by_meeting.setdefault(pledge.meeting_id, []).append(pledge)
    context = {
        "company": organization,
        "page": page,
        "attended": [m for m in meetings if m.named_in_source is not None],
        "pledges_by_meeting": [(m, by_meeting[m.pk]) for m in meetings if m.pk in by_meeting],
        "pledge_count": pledge_count,
        "overdue_count": overdue_count,
    }
    return render(request, "meetings/company_detail.html", context)


@compiled_query(str)
def _public_organization(slug):
    return Organization.objects.public().select_related("parent").filter(slug=slug)[:1]


@compiled_query(int)
def _meetings_convened_by(organization_id):
    return (
        Meeting.objects.published()
        .filter(organizer_id=organization_id)
        .only("organizer", *Meeting.LISTED)
        .newest_first()
    )


@compiled_query(int)
def _published_participations_of(organization_id):
    return (
        Participation.objects.filter(organization_id=organization_id, meeting__status=PUBLISHED)
        .select_related("meeting")
        .only("role", "organization", "meeting", *(f"meeting__{name}" for name in Meeting.LISTED))
        .order_by(*newest_first("meeting__"))
    )


@compiled_query(int)
def _public_branches_of(organization_id):
    return Organization.objects.public().filter(parent_id=organization_id).order_by("name_en", "name")


def organization_detail(request, slug):
    # Four queries, each compiled once (meetings.compiled).
    organization = _one_or_404(_public_organization(slug))
    if organization.kind == Organization.Kind.COMPANY:
        return redirect(organization)
    context = {
        "organization": organization,
        "convened": _with(_meetings_convened_by(organization.pk), organizer=organization),
        "participations": _with(_published_participations_of(organization.pk), organization=organization),
        "branches": _with(_public_branches_of(organization.pk), parent=organization),
    }
    return render(request, "meetings/organization_detail.html", context)


def _commitments(request):
    commitments = Commitment.objects.published().select_related("meeting").newest_first()
    return CommitmentFilter(request.GET, queryset=commitments, request=request)


def commitment_list(request):
    filterset = _commitments(request)
    meeting_columns = (f"meeting__{name}" for name in ("slug", "title", "title_en", "language"))
    page = _filtered_page(request, filterset, ("number", "heading", "heading_en", *meeting_columns))
    # Only what the list shows of each pledge (its organization's names and address), as rows.
    if page.object_list:
        ids = [commitment.pk for commitment in page.object_list]
        rows = list(by_ids("pledge rows", _pledge_rows_of, ids, settings.PAGE_SIZE))
        _attach_pledges(page.object_list, rows)
    return render(request, "meetings/commitment_list.html", {"filter": filterset, "page": page})


@compiled_query(str, int)
def _commitment_at(meeting_slug, number):
    return (
        Commitment.objects.published()
        .select_related("meeting__organizer")
        .filter(meeting__slug=meeting_slug, number=number)[:1]
    )


@compiled_query(int)
def _pledges_of(commitment_id):
    return (
        Pledge.objects.filter(commitment_id=commitment_id)
        .select_related("organization")
        .order_by("organization__name_en")
    )


@compiled_query(int)
def _points_of(meeting_id):
    return (
        Commitment.objects.filter(meeting_id=meeting_id)
        .only("number", "heading", "meeting_id")
        .order_by("number")
    )


@compiled_query(int)
def _published_reviews_of(commitment_id):
    # By the reviewing meetings, as the default order has them after this point's own meeting.
    return (
        CommitmentReview.objects.filter(commitment_id=commitment_id, meeting__status=PUBLISHED)
        .select_related("meeting", "successor__meeting")
        .order_by("-meeting__held_on", "-meeting__reported_on", "meeting__title")
    )


def commitment_detail(request, meeting_slug, number):
    # The page's six queries are compiled once (meetings.compiled): their building and
    # compiling took a third of the page's time.
    commitment = _one_or_404(_commitment_at(meeting_slug, number))
    pledges = _with(_pledges_of(commitment.pk), commitment=commitment)
    tracking = Tracking([commitment.pk])
    items = tracking.items(commitment.pk)
    timeline = tracking.timeline(commitment.pk)
    # Each entry's pledge, with its company, is among those loaded already (Tracking gives the
    # entries on action items theirs): read from the database, each would cost a query.
    pledge_by_id = {pledge.pk: pledge for pledge in pledges}
    for entry in timeline:
        if entry.pledge_id in pledge_by_id:
            entry.pledge = pledge_by_id[entry.pledge_id]
    context = {
        "commitment": commitment,
        "meeting": commitment.meeting,
        "pledges": pledges,
        "siblings": _with(_points_of(commitment.meeting_id), meeting=commitment.meeting),
        "items": items,
        "timeline": timeline,
        "reviews": _published_reviews_of(commitment.pk),
    }
    return render(request, "meetings/commitment_detail.html", context)


def meeting_changes(request, slug):
    meeting = _one_or_404(_published_meeting(slug))
    return render(
        request, "meetings/meeting_changes.html", {"meeting": meeting, "changes": corrections(meeting)}
    )


# -- downloads ---------------------------------------------------------------------------


# Characters a plain-text message shows escaped (\u003c): markup, control characters and
# the invisible ones that reorder a line. A message may quote the value a request sent.
_ESCAPED = re.compile(r"[<>&\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_LONGEST_PROBLEM = 300


def _plain_problem(text):
    """One line of a plain-text message: escaped as above, and cut short past 300 characters."""
    text = _ESCAPED.sub(lambda match: f"\\u{ord(match[0]):04x}", str(text)).replace("\n", " ")
    return text if len(text) <= _LONGEST_PROBLEM else text[: _LONGEST_PROBLEM - 1] + "…"


def _export(request, name, fmt, filterset, columns, rows):
    """The filtered list as a streamed CSV or JSON file; a filter that cannot be used is a 400."""
    if not filterset.is_valid():
        problems = [
            _plain_problem(f"{field}: {error}")
            for field, errors in filterset.errors.items()
            for error in errors
        ]
        return HttpResponseBadRequest(
            "These filters could not be used, so nothing was exported:\n" + "\n".join(problems) + "\n",
            content_type="text/plain; charset=utf-8",
        )
    header = {
        "schema": request.build_absolute_uri(reverse(f"meetings:{name}-export-schema")),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "filters": {
            key: values if len(values) > 1 else values[0]
            for key in filterset.filters
            if (values := [value for value in request.GET.getlist(key) if value])
        },
    }
    return exports.download(name, fmt, columns, rows(filterset.qs, request.build_absolute_uri), header=header)


@require_safe
def meeting_export(request, fmt):
    return _export(
        request, "meetings", fmt, _meetings(request), exports.MEETING_COLUMNS, exports.meeting_rows
    )


@require_safe
def company_export(request, fmt):
    return _export(
        request, "companies", fmt, _companies(request), exports.COMPANY_COLUMNS, exports.company_rows
    )


@require_safe
def commitment_export(request, fmt):
    """One row per pledge; the chosen companies and status narrow the pledges as well as the points."""
    filterset = _commitments(request)
    if filterset.is_valid():
        pledges = Pledge.objects.select_related("organization").order_by(
            "organization__name_en", "organization__name"
        )
        if companies := filterset.form.cleaned_data.get("company"):
            pledges = pledges.filter(organization__in=companies)
        if status := filterset.form.cleaned_data.get("status"):
            pledges = pledges.filter(status=status)
        filterset.queryset = filterset.queryset.prefetch_related(Prefetch("pledges", pledges))
    return _export(request, "commitments", fmt, filterset, exports.PLEDGE_COLUMNS, exports.pledge_rows)


@require_safe
def export_schema(request, name):
    """The JSON Schema of a list's JSON export, from ``meetings/schemas/``."""
    path = SCHEMAS / f"{name}-export.schema.json"
    return FileResponse(path.open("rb"), content_type="application/schema+json")

"""The URL lists the load is spread over, one per page type, built from the database.

Detail pages are a random sample of the published records. List pages combine the
filters the way a visitor would: values are taken from one real record (an "anchor"),
so most combinations have rows, and about a third ask for a later page. The same seed
gives the same lists on the same data.
"""

import random
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from meetings.filters import CommitmentFilter, CompanyFilter, MeetingFilter
from meetings.models import ActionItem, Commitment, Meeting, Organization, Participation, Pledge
from meetings.paging import CappedPaginator

# The page types of the table, in its order (the driver adds the fortunes floor and the static file).
PAGE_TYPES = [
    "home",
    "meeting-list",
    "meeting-detail",
    "meeting-changes",
    "company-list",
    "company-detail",
    "organization-detail",
    "commitment-list",
    "commitment-detail",
]

LATER_PAGE = 0.35  # share of list URLs that ask for a page after the first


def build_urls(count=300, seed=1):
    """``{page type: [path, …]}`` with up to ``count`` distinct paths each. Queries."""
    rng = random.Random(seed)
    return {
        "home": [reverse("meetings:home")],
        "meeting-list": _meeting_list(rng, count),
        "meeting-detail": [reverse("meetings:meeting-detail", args=[slug]) for slug in _meetings(rng, count)],
        "meeting-changes": [
            reverse("meetings:meeting-changes", args=[slug]) for slug in _meetings(rng, count)
        ],
        "company-list": _company_list(rng, count),
        "company-detail": [
            reverse("meetings:company-detail", args=[slug])
            for slug in _sample(rng, Organization.objects.companies().public(), "slug", count)
        ],
        "organization-detail": [
            reverse("meetings:organization-detail", args=[slug])
            for slug in _sample(
                rng, Organization.objects.public().exclude(kind=Organization.Kind.COMPANY), "slug", count
            )
        ],
        "commitment-list": _commitment_list(rng, count),
        "commitment-detail": [
            reverse("meetings:commitment-detail", args=[slug, number])
            for slug, number in _sample(
                rng, Commitment.objects.published(), ("meeting__slug", "number"), count
            )
        ],
    }


def _sample(rng, queryset, fields, count):
    """A seeded random sample of ``fields`` values (one field: plain values), in a stable order."""
    if isinstance(fields, str):
        rows = list(queryset.order_by("pk").values_list(fields, flat=True))
    else:
        rows = list(queryset.order_by("pk").values_list(*fields))
    return rng.sample(rows, min(count, len(rows)))


def _meetings(rng, count):
    return _sample(rng, Meeting.objects.published(), "slug", count)


def _combination(rng, choices):
    """Some of the filter values in ``choices`` (a dict): none, one, two or three of them."""
    available = [name for name, value in choices.items() if value not in (None, "", [])]
    size = min(len(available), rng.choice([0, 1, 1, 2, 2, 3]))
    return {name: choices[name] for name in sorted(rng.sample(available, size))}


def _search_word(rng, text):
    """Two characters of a real name or heading: what someone searching in Chinese types."""
    text = "".join(ch for ch in (text or "") if ch.isalnum())
    if len(text) < 2:
        return text
    start = rng.randrange(len(text) - 1)
    return text[start : start + 2]


def _distinct(rng, count, make):
    """Call ``make()`` until ``count`` distinct URLs or too many repeats."""
    urls, attempts = [], 0
    while len(urls) < count and attempts < count * 5:
        attempts += 1
        url = make()
        if url not in urls:
            urls.append(url)
    return urls


def _meeting_list(rng, count):
    base = reverse("meetings:meeting-list")
    anchors = list(
        Meeting.objects.published()
        .filter(pk__in=_sample(rng, Meeting.objects.published(), "pk", count))
        .select_related("organizer")
        .prefetch_related("industries")
        .order_by("pk")
    )
    companies = {}
    for meeting_id, slug in (
        Participation.objects.filter(
            meeting__in=anchors,
            organization__in=Organization.objects.companies().public(),
        )
        .order_by("pk")
        .values_list("meeting_id", "organization__slug")
    ):
        companies.setdefault(meeting_id, []).append(slug)

    def make():
        meeting = rng.choice(anchors)
        date = meeting.held_on or meeting.reported_on
        params = _combination(
            rng,
            {
                "q": _search_word(rng, meeting.title),
                "industry": rng.choice([i.slug for i in meeting.industries.all()] or [None]),
                "organizer": meeting.organizer.slug,
                "company": rng.choice(companies.get(meeting.pk) or [None]),
                "year": date.year if date else None,
            },
        )
        filterset = MeetingFilter(params, queryset=Meeting.objects.published())
        return _list_url(base, rng, params, filterset)

    return _distinct(rng, count, make) if anchors else [base]


def _company_list(rng, count):
    base = reverse("meetings:company-list")
    companies = Organization.objects.companies().public()
    anchors = list(companies.filter(pk__in=_sample(rng, companies, "pk", count)).order_by("pk"))
    industries = {}
    for organization_id, slug in (
        Participation.objects.filter(organization__in=anchors, meeting__status=Meeting.Status.PUBLISHED)
        .values_list("organization_id", "meeting__industries__slug")
        .distinct()
        .order_by("organization_id", "meeting__industries__slug")
    ):
        if slug:
            industries.setdefault(organization_id, []).append(slug)

    def make():
        company = rng.choice(anchors)
        params = _combination(
            rng,
            {
                "q": _search_word(rng, rng.choice([company.name, company.name_en or company.name])),
                "industry": rng.choice(industries.get(company.pk) or [None]),
                "province": company.province,
            },
        )
        filterset = CompanyFilter(params, queryset=Organization.objects.companies().public())
        return _list_url(base, rng, params, filterset)

    return _distinct(rng, count, make) if anchors else [base]


def _commitment_list(rng, count):
    base = reverse("meetings:commitment-list")
    published = Commitment.objects.published()
    anchors = list(
        published.filter(pk__in=_sample(rng, published, "pk", count))
        .select_related("meeting")
        .prefetch_related("meeting__industries")
        .order_by("pk")
    )
    public_companies = Organization.objects.companies().public()
    pledges = {}
    for commitment_id, slug, status in (
        Pledge.objects.filter(commitment__in=anchors, organization__in=public_companies)
        .order_by("pk")
        .values_list("commitment_id", "organization__slug", "status")
    ):
        pledges.setdefault(commitment_id, []).append((slug, status))
    overdue = set(
        ActionItem.objects.overdue(timezone.localdate())
        .filter(commitment__in=anchors)
        .values_list("commitment_id", flat=True)
    )

    def make():
        commitment = rng.choice(anchors)
        pledged = pledges.get(commitment.pk) or []
        chosen = rng.sample(pledged, min(len(pledged), rng.choice([1, 1, 2])))
        params = _combination(
            rng,
            {
                "q": _search_word(rng, commitment.heading),
                "company": [slug for slug, _status in chosen],
                "meeting": commitment.meeting.slug,
                "industry": rng.choice([i.slug for i in commitment.meeting.industries.all()] or [None]),
                "status": chosen[0][1] if chosen else None,
                "overdue": "on" if commitment.pk in overdue else None,
            },
        )
        filterset = CommitmentFilter(params, queryset=Commitment.objects.published())
        return _list_url(base, rng, params, filterset)

    return _distinct(rng, count, make) if anchors else [base]


def _list_url(base, rng, params, filterset):
    """The list URL for ``params``; some ask for a random later page of those the list offers."""
    if not filterset.is_valid():
        raise ValueError(f"{base} rejects the filters {params}: {filterset.errors.as_json()}")
    if rng.random() < LATER_PAGE:
        # The pages the list offers: its rows up to LIST_COUNT_LIMIT (meetings/paging.py).
        pages = CappedPaginator(filterset.qs, settings.PAGE_SIZE).num_pages
        if pages > 1:
            params = {**params, "page": rng.randint(2, pages)}
    query = urlencode(params, doseq=True)
    return f"{base}?{query}" if query else base

"""Atom feeds for following the tracker: new and updated meetings, and new evidence.

Every feed runs a fixed number of queries, whatever the number of entries: each entry
is built from rows loaded up front with ``select_related``. An entry's id is the
absolute address of what it is about (a meeting page, or an evidence entry's anchor on
its commitment page), so a meeting edited later keeps its id and readers see it as
updated, not as a new entry.
"""

from django.contrib.syndication.views import Feed
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from .counting import correlated_count
from .models import Commitment, Evidence, Meeting, Organization, Participation, Pledge

LIMIT = 50


class TrackerAtomFeed(Atom1Feed):
    """Atom with a ``<content>`` element for entries that carry more than their summary."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


def _both(original, english):
    """'original — English', or whichever of the two is given."""
    if original and english and original != english:
        return f"{original} — {english}"
    return original or english


def _name(original, english):
    """The English name in the English interface (else the original); the original otherwise."""
    if english and (get_language() or "en").startswith("en"):
        return english
    return original


def published_meetings():
    """Published meetings with what an entry shows: the organizer and the number of points."""
    return (
        Meeting.objects.published()
        .select_related("organizer")
        .annotate(commitment_count=correlated_count(Commitment.objects.all(), "meeting"))
        .order_by("-updated_at", "-pk")
    )


def current_evidence():
    """Entries not superseded, with everything an entry shows, newest recorded first."""
    return (
        Evidence.objects.current()
        # The commitment through ``concerns``: joining it three ways made planning the query
        # take longer than running it.
        .select_related("source", "pledge__organization", "action_item", "concerns__meeting")
        .order_by("-recorded_at", "-pk")
    )


def _updated(entry):
    return entry.updated_at if isinstance(entry, Meeting) else entry.recorded_at


def _newest(*querysets):
    """The newest ``LIMIT`` entries of several querysets of meetings and evidence, merged."""
    entries = [entry for queryset in querysets for entry in queryset[:LIMIT]]
    entries.sort(key=_updated, reverse=True)
    return entries[:LIMIT]


def evidence_title(entry):
    """What an entry is about (company, meeting and point, or the action item) and its verdict."""
    commitment = entry.about_commitment
    meeting = commitment.meeting
    about = gettext("%(meeting)s, point %(number)s") % {
        "meeting": _name(meeting.title, meeting.title_en),
        "number": commitment.number,
    }
    if entry.pledge_id:
        organization = entry.pledge.organization
        about = gettext("%(organization)s — %(point)s") % {
            "organization": _name(organization.name, organization.name_en),
            "point": about,
        }
    elif entry.action_item_id:
        about = gettext("%(point)s, action item %(position)s") % {
            "point": about,
            "position": entry.action_item.position,
        }
        if entry.occurrence:
            about = f"{about} ({entry.occurrence})"
    return gettext("%(about)s: %(verdict)s") % {"about": about, "verdict": entry.get_verdict_display()}


class TrackerFeed(Feed):
    """Entries for meetings and evidence; subclasses choose which ones."""

    feed_type = TrackerAtomFeed

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        # The feed's own address identifies it; its link is the page it follows, whose
        # address may also be an entry's id (a meeting's feed holds the meeting itself).
        feed.feed["id"] = feed.feed["feed_url"]
        return feed

    def item_title(self, item):
        if isinstance(item, Meeting):
            return _both(item.title, item.title_en)
        return evidence_title(item)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.created_at if isinstance(item, Meeting) else item.recorded_at

    def item_updateddate(self, item):
        return _updated(item)

    def item_description(self, item):
        if isinstance(item, Meeting):
            return render_to_string("meetings/feeds/meeting_summary.html", {"meeting": item})
        return escape(item.summary_en)

    def item_extra_kwargs(self, item):
        if isinstance(item, Meeting):
            return {}
        return {"content": render_to_string("meetings/feeds/evidence_content.html", {"entry": item})}


class MeetingsFeed(TrackerFeed):
    title = _("Consensus tracker: meetings")
    subtitle = _("Published meetings, newest or most recently updated first.")

    def link(self):
        return reverse("meetings:meeting-list")

    def items(self):
        return published_meetings()[:LIMIT]


class EvidenceFeed(TrackerFeed):
    title = _("Consensus tracker: evidence")
    subtitle = _("New evidence of what happened after the meetings, newest recorded first.")

    def link(self):
        return reverse("meetings:home")

    def items(self):
        return current_evidence().public()[:LIMIT]


class CompanyFeed(TrackerFeed):
    """One company: evidence on its pledges and the points it pledged, and its meetings."""

    def get_object(self, request, slug):
        organization = get_object_or_404(Organization.objects.public(), slug=slug)
        if organization.kind != Organization.Kind.COMPANY:
            # Only companies pledge; other organizations have no feed.
            raise Http404("Only companies have a feed.")
        return organization

    def title(self, obj):
        return gettext("Consensus tracker: %(name)s") % {"name": _both(obj.name, obj.name_en)}

    def subtitle(self, obj):
        return gettext("Evidence about this company's pledges, and the meetings it took part in.")

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        took_part = Participation.objects.filter(meeting=OuterRef("pk"), organization=obj)
        pledged = Pledge.objects.filter(organization=obj).values("commitment_id")
        evidence = (
            current_evidence()
            .public()
            .filter(
                Q(pledge__organization=obj)
                | Q(commitment__in=pledged)
                | Q(action_item__commitment__in=pledged)
            )
        )
        return _newest(published_meetings().filter(Exists(took_part)), evidence)


class MeetingFeed(TrackerFeed):
    """One meeting: the meeting itself, and evidence on its points, pledges and action items."""

    def get_object(self, request, slug):
        return get_object_or_404(published_meetings(), slug=slug)

    def title(self, obj):
        return gettext("Consensus tracker: %(title)s") % {"title": _both(obj.title, obj.title_en)}

    def subtitle(self, obj):
        return gettext("This meeting and new evidence about its points, pledges and action items.")

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return _newest([obj], current_evidence().about_meeting(obj.pk))

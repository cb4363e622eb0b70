"""Atom feeds: new meetings and new evidence site-wide, and one company's or one meeting's follow feed."""

import datetime
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from meetings import feeds
from meetings.models import ActionItem, Meeting, Organization, Verdict
from tests.factories import (
    make_commitment,
    make_company,
    make_evidence,
    make_meeting,
    make_meeting_with_pledges,
    make_participation,
    make_pledge,
    make_source,
)

ATOM = "{http://www.w3.org/2005/Atom}"
SERVER = "http://testserver"
FOUNDING = "/meetings/gallium-symposium-2023/"
TITLE = "鎵產業高質量發展專題座談會"
TITLE_EN = "Symposium on the high-quality development of the gallium industry"


def read_feed(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root


def entries(root):
    """Each entry's elements as text, keyed by tag; the link as its href."""
    found = []
    for entry in root.findall(f"{ATOM}entry"):
        fields = {child.tag.removeprefix(ATOM): child.text or "" for child in entry}
        fields["link"] = entry.find(f"{ATOM}link").get("href")
        found.append(fields)
    ids = [e["id"] for e in found]
    assert len(ids) == len(set(ids)), "entry ids repeat"
    return found


def titles(root):
    return [e["title"] for e in entries(root)]


def entry_for(root, evidence):
    link = f"{SERVER}{evidence.get_absolute_url()}"
    matching = [e for e in entries(root) if e["link"] == link]
    assert len(matching) == 1
    return matching[0]


def evidence_links(root):
    return {e["link"] for e in entries(root) if "#evidence-" in e["link"]}


def link_of(*evidence):
    return {f"{SERVER}{e.get_absolute_url()}" for e in evidence}


@pytest.fixture
def chalco(founding_record):
    return Organization.objects.get(slug="chalco")


@pytest.fixture
def tracked(founding_record, chalco):
    """Evidence on the founding meeting: one per kind of subject, a superseded entry, and others'."""
    point2, point3, point4 = (founding_record.commitments.get(number=n) for n in (2, 3, 4))
    item = ActionItem.objects.get(commitment=point3, position=4)
    old = make_evidence(pledge=point4.pledges.get(organization=chalco), summary_en="Superseded entry.")
    other_draft = make_meeting(status=Meeting.Status.DRAFT, title="草稿會議")
    draft_point = make_commitment(other_draft)
    _other, _firms, other_points = make_meeting_with_pledges(companies=1, commitments=1)
    return {
        "pledge": make_evidence(
            pledge=point4.pledges.get(organization=chalco),
            supersedes=old,
            verdict=Verdict.NOT_MET,
            observed_on=datetime.date(2025, 3, 1),
            observed_on_precision="month",
            summary_en="Chalco was fined for exporting gallium without a licence.",
            quote="中鋁因未經許可出口鎵被罰款。",
            source=make_source(publisher="中國有色金屬報", title="出口管制執法", url="https://example.org/a"),
        ),
        "old": old,
        "commitment": make_evidence(commitment=point2, summary_en="Point 2 in progress."),
        "item": make_evidence(
            action_item=item,
            occurrence=2024,
            verdict=Verdict.FULFILLED,
            observed_on=datetime.date(2024, 1, 1),
            observed_on_precision="year",
            summary_en="The 2024 symposium was held.",
        ),
        "east_hope": make_evidence(
            pledge=point4.pledges.get(organization__slug="east-hope-group"),
            summary_en="East Hope only.",
        ),
        "draft": make_evidence(commitment=draft_point, summary_en="About a draft meeting."),
        "other_meeting": make_evidence(commitment=other_points[0], summary_en="Another meeting."),
    }


# The site's meetings feed


def test_the_meetings_feed_lists_published_meetings_with_original_and_english_titles(client, founding_record):
    make_meeting(status=Meeting.Status.DRAFT, title="草稿會議", title_en="Draft meeting")
    root = read_feed(client, "/feeds/meetings/")
    assert root.find(f"{ATOM}title").text == "Consensus tracker: meetings"
    assert root.find(f"{ATOM}id").text == f"{SERVER}/feeds/meetings/"
    [entry] = entries(root)
    assert entry["title"] == f"{TITLE} — {TITLE_EN}"
    assert entry["link"] == f"{SERVER}{FOUNDING}"
    assert entry["id"] == f"{SERVER}{FOUNDING}"
    assert datetime.datetime.fromisoformat(entry["published"]) == founding_record.created_at
    assert datetime.datetime.fromisoformat(entry["updated"]) == founding_record.updated_at


def test_an_updated_meeting_comes_first_under_the_same_id(client, founding_record):
    make_meeting(title="後來的會議")
    first = entries(read_feed(client, "/feeds/meetings/"))
    assert first[0]["title"].startswith("後來的會議")

    founding_record.summary_en = "Edited."
    founding_record.save()

    second = entries(read_feed(client, "/feeds/meetings/"))
    assert second[0]["title"] == f"{TITLE} — {TITLE_EN}"
    assert second[0]["id"] == first[1]["id"]
    assert second[0]["updated"] > first[1]["updated"]


def test_the_meetings_feed_is_bounded(client, db, monkeypatch):
    monkeypatch.setattr(feeds, "LIMIT", 2)
    for n in range(3):
        make_meeting(title=f"會議{n}")
    assert [t.split(" — ")[0] for t in titles(read_feed(client, "/feeds/meetings/"))] == ["會議2", "會議1"]


def test_a_meeting_summary_gives_the_date_only_as_precisely_as_the_sources_do(client, founding_record):
    make_meeting(
        title="五月會議",
        held_on=datetime.date(2024, 5, 1),
        held_on_precision="month",
        organizer=founding_record.organizer,
    )
    by_title = {
        e["title"].split(" — ")[0]: e["summary"] for e in entries(read_feed(client, "/feeds/meetings/"))
    }
    founding = by_title[TITLE]
    assert "Date not given" in founding and "近日" in founding
    assert "reported" in founding and "2023-10-12" in founding
    assert "中國有色金屬工業協會" in founding
    assert "5 numbered points" in founding
    may = by_title["五月會議"]
    assert '<time datetime="2024-05">2024-05</time>' in may
    assert "2024-05-01" not in may
    assert "0 numbered points" in may


# The site's evidence feed


def test_the_evidence_feed_lists_current_public_entries_newest_recorded_first(client, tracked):
    root = read_feed(client, "/feeds/evidence/")
    expected = [tracked[k] for k in ("other_meeting", "east_hope", "item", "commitment", "pledge")]
    assert [e["link"] for e in entries(root)] == [f"{SERVER}{e.get_absolute_url()}" for e in expected]
    assert link_of(tracked["old"], tracked["draft"]).isdisjoint(evidence_links(root))


def test_an_evidence_entry_says_what_it_is_about_and_carries_its_source(client, tracked, chalco):
    entry = entry_for(read_feed(client, "/feeds/evidence/"), tracked["pledge"])
    assert entry["title"] == f"{chalco.name_en} — {TITLE_EN}, point 4: not met"
    assert entry["link"].endswith(f"/commitments/gallium-symposium-2023/4/#evidence-{tracked['pledge'].pk}")
    assert datetime.datetime.fromisoformat(entry["updated"]) == tracked["pledge"].recorded_at
    assert entry["summary"] == "Chalco was fined for exporting gallium without a licence."
    content = entry["content"]
    assert "Chalco was fined for exporting gallium without a licence." in content
    assert '<time datetime="2025-03">2025-03</time>' in content and "2025-03-01" not in content
    assert "中鋁因未經許可出口鎵被罰款。" in content
    assert "中國有色金屬報" in content and 'href="https://example.org/a"' in content
    assert "The source says so." in content  # the reason a "not met" entry gives


def test_entries_on_a_point_or_an_action_item_name_them(client, tracked):
    root = read_feed(client, "/feeds/evidence/")
    assert entry_for(root, tracked["commitment"])["title"] == f"{TITLE_EN}, point 2: in progress"
    item = entry_for(root, tracked["item"])
    assert item["title"] == f"{TITLE_EN}, point 3, action item 4 (2024): fulfilled"
    assert '<time datetime="2024">2024</time>' in item["content"]
    assert "每年召開一次鎵產業鏈專題座談會" in item["content"]


def test_a_chinese_reader_gets_original_names_in_utf8(client, tracked, chalco):
    response = client.get("/feeds/evidence/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    assert "中國鋁業股份有限公司".encode() in response.content
    root = ET.fromstring(response.content)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-hans"
    assert entry_for(root, tracked["pledge"])["title"].startswith(f"{chalco.name} — {TITLE}，第4条：")


# One company's feed


def test_a_company_feed_follows_its_pledges_points_items_and_meetings(client, tracked, chalco):
    later, _firms, _points = make_meeting_with_pledges(companies=1, commitments=1, title="後來的會議")
    make_participation(later, chalco)
    draft = make_meeting(status=Meeting.Status.DRAFT, title="草稿會議")
    make_pledge(chalco, make_commitment(draft))
    root = read_feed(client, "/companies/chalco/feed/")
    assert root.find(f"{ATOM}title").text == f"Consensus tracker: {chalco.name} — {chalco.name_en}"
    assert evidence_links(root) == link_of(tracked["pledge"], tracked["commitment"], tracked["item"])
    meetings = sorted(e["link"] for e in entries(root) if "#" not in e["link"])
    assert meetings == [f"{SERVER}{FOUNDING}", f"{SERVER}{later.get_absolute_url()}"]


def test_another_company_sees_only_its_own_pledge_evidence(client, tracked):
    root = read_feed(client, "/companies/east-hope-group/feed/")
    assert evidence_links(root) == link_of(tracked["east_hope"], tracked["commitment"], tracked["item"])


@pytest.mark.parametrize("slug", ["no-such-company", "cnia", "draft-only"])
def test_a_company_feed_is_404_for_unknown_private_or_non_company_slugs(client, founding_record, slug):
    make_participation(make_meeting(status=Meeting.Status.DRAFT), make_company(slug="draft-only"))
    assert client.get(f"/companies/{slug}/feed/").status_code == 404


# One meeting's feed


def test_a_meeting_feed_holds_the_meeting_and_evidence_on_its_points(client, tracked):
    root = read_feed(client, f"{FOUNDING}feed/")
    assert root.find(f"{ATOM}title").text == f"Consensus tracker: {TITLE} — {TITLE_EN}"
    assert root.find(f"{ATOM}id").text == f"{SERVER}{FOUNDING}feed/"
    links = [e["link"] for e in entries(root)]
    assert f"{SERVER}{FOUNDING}" in links
    expected = link_of(tracked["pledge"], tracked["commitment"], tracked["item"], tracked["east_hope"])
    assert evidence_links(root) == expected
    assert len(links) == 5


@pytest.mark.parametrize("slug", ["no-such-meeting", "draft-meeting"])
def test_a_meeting_feed_is_404_for_unknown_or_draft_meetings(client, db, slug):
    make_meeting(slug="draft-meeting", status=Meeting.Status.DRAFT)
    assert client.get(f"/meetings/{slug}/feed/").status_code == 404


# Query counts

FEEDS = {
    # url: (queries, entries on the small data, entries on the larger data)
    "/feeds/meetings/": (1, 2, 5),
    "/feeds/evidence/": (1, 5, 46),
    "/companies/chalco/feed/": (3, 4, 39),  # the company, its meetings, the evidence
    f"{FOUNDING}feed/": (2, 5, 10),  # the meeting, the evidence
}


def _more_data(founding_record, chalco):
    """Three more meetings Chalco pledged, with evidence on every kind of subject."""
    for _ in range(3):
        _meeting, firms, points = make_meeting_with_pledges(companies=3, commitments=3)
        for point in points:
            make_evidence(pledge=make_pledge(chalco, point))
            make_evidence(pledge=point.pledges.get(organization=firms[0]))
            make_evidence(commitment=point)
            make_evidence(action_item=ActionItem.objects.create(commitment=point, position=1, text="正文"))
    for point in founding_record.commitments.all():
        make_evidence(commitment=point)


@pytest.mark.parametrize(("url", "expected"), FEEDS.items())
@pytest.mark.parametrize("more", [False, True], ids=["small", "larger"])
def test_a_feed_runs_a_fixed_number_of_queries(
    client, tracked, chalco, django_assert_num_queries, url, expected, more
):
    queries, small, larger = expected
    if more:
        _more_data(chalco.participations.get().meeting, chalco)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert len(entries(ET.fromstring(response.content))) == (larger if more else small)


# Advertised on the pages


class AlternateLinks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.feeds = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "alternate" and attrs.get("type") == "application/atom+xml":
            assert attrs.get("title")
            self.feeds.append(attrs["href"])


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("/", ["/feeds/meetings/", "/feeds/evidence/"]),
        ("/meetings/", ["/feeds/meetings/", "/feeds/evidence/"]),
        (FOUNDING, [f"{FOUNDING}feed/"]),
        ("/companies/chalco/", ["/companies/chalco/feed/"]),
    ],
)
def test_pages_advertise_their_feeds_in_the_head(client, founding_record, page, expected):
    html = client.get(page).content.decode()
    parser = AlternateLinks()
    parser.feed(html[: html.index("</head>")])
    assert parser.feeds == expected
    for href in parser.feeds:
        read_feed(client, href)


@pytest.mark.parametrize("page", [FOUNDING, "/companies/chalco/"])
def test_the_meeting_and_company_pages_show_a_follow_link(client, founding_record, page):
    html = client.get(page).content.decode()
    assert f'<a href="{page}feed/" type="application/atom+xml">Follow (Atom feed)</a>' in html

"""The home page: what the tracker is, the latest meetings, and a search box."""

from meetings.models import Meeting
from tests.factories import make_meeting


def test_it_explains_the_tracker_and_links_the_founding_meeting(client, founding_record):
    html = client.get("/").content.decode()
    assert "points of consensus" in html
    assert 'href="/meetings/gallium-symposium-2023/"' in html
    assert "5 numbered points" in html


def test_its_search_box_searches_meetings(client, founding_record):
    html = client.get("/").content.decode()
    assert 'action="/meetings/"' in html
    assert 'name="q"' in html


def test_it_shows_at_most_five_latest_published_meetings(client, db):
    for year in range(2015, 2022):
        make_meeting(slug=f"m{year}", reported_on=f"{year}-06-01")
    make_meeting(slug="draft", status=Meeting.Status.DRAFT, reported_on="2025-01-01")
    meetings = list(client.get("/").context["meetings"])
    assert [m.slug for m in meetings] == ["m2021", "m2020", "m2019", "m2018", "m2017"]


def test_it_says_so_when_nothing_is_published(client, db):
    assert "No meetings are published yet." in client.get("/").content.decode()


def test_the_page_title_is_plain_text(client, founding_record):
    html = client.get("/").content.decode()
    title = html[html.index("<title>") + 7 : html.index("</title>")]
    assert title == "Industry consensus commitments · Consensus tracker"

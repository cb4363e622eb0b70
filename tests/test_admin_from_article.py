"""The admin screen "New meeting from article": paste or upload, review and correct, create a draft."""

from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from meetings.articles import MAX_ARTICLE_BYTES
from meetings.models import Meeting, Organization, Person
from tests.conftest import FOUNDING_FILE
from tests.factories import make_meeting

pytestmark = pytest.mark.django_db

ARTICLES = Path(__file__).parent / "data" / "articles"
SEED = ARTICLES / "gallium-symposium-2023.txt"
URL = reverse("admin:meetings_meeting_from_article")
FOUNDING = yaml.safe_load(FOUNDING_FILE.read_text(encoding="utf-8"))
FOUNDING_COMPANIES = {o["name"] for o in FOUNDING["organizations"] if o["kind"] == "company"}


class _Forms(HTMLParser):
    """The fields a browser would submit from each form of a page, without pressing a button."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.fields, self.textarea, self.select = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.fields = {}
        elif self.fields is None or (not a.get("name") and tag != "option"):
            return
        elif tag == "input" and a.get("type") not in ("submit", "file"):
            if a.get("type") != "checkbox":
                self.fields[a["name"]] = a.get("value", "")
            elif "checked" in a:
                self.fields[a["name"]] = a.get("value", "on")
        elif tag == "textarea":
            self.textarea = [a["name"], ""]
        elif tag == "select":
            self.select = [a["name"], None]
        elif tag == "option" and self.select and (self.select[1] is None or "selected" in a):
            self.select[1] = a.get("value", "")

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea:
            name, text = self.textarea
            self.fields[name] = text.removeprefix("\n")  # as browsers read a <textarea>
            self.textarea = None
        elif tag == "select" and self.select:
            self.fields[self.select[0]] = self.select[1]
            self.select = None
        elif tag == "form":
            self.forms.append(self.fields)
            self.fields = None


def review_form(response, step="review"):
    parser = _Forms()
    parser.feed(response.content.decode())
    (form,) = [f for f in parser.forms if f.get("step") == step]
    return form


def paste(client, text):
    return client.post(URL, {"step": "article", "text": text})


def upload(client, name, content):
    return client.post(URL, {"step": "article", "upload": SimpleUploadedFile(name, content)})


def submit(client, review, button="confirm", **changes):
    """Post the review page's form as shown, with ``changes``, by pressing ``button``."""
    return client.post(URL, review_form(review) | changes | {button: "pressed"})


def created(response):
    assert response.status_code == 302, review_problems(response)
    meeting = Meeting.objects.get()
    assert response.url == reverse("admin:meetings_meeting_change", args=[meeting.pk])
    return meeting


def review_problems(response):
    return response.context and (response.context.get("problems"), response.context.get("state").errors)


@pytest.fixture(params=["empty database", "founding record imported"])
def database(request, db):
    if request.param == "founding record imported":
        return request.getfixturevalue("founding_record")
    return None


# -- who may use it --------------------------------------------------------------------------


def test_the_page_loads_for_an_editor_and_the_changelist_links_to_it(editor_client):
    assert editor_client.get(URL).status_code == 200
    changelist = editor_client.get(reverse("admin:meetings_meeting_changelist"))
    assert f'href="{URL}"' in changelist.content.decode()


def test_an_anonymous_visitor_is_sent_to_the_admin_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))


def test_a_staff_member_who_may_not_add_meetings_is_refused(client, django_user_model):
    user = django_user_model.objects.create_user("reader", password="a-long-password", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_meeting", "change_meeting"], content_type__app_label="meetings"
        )
    )
    client.force_login(user)

    assert client.get(URL).status_code == 403
    assert paste(client, SEED.read_text(encoding="utf-8")).status_code == 403
    assert URL not in client.get(reverse("admin:meetings_meeting_changelist")).content.decode()


# -- step 2: the review ------------------------------------------------------------------


def test_the_review_shows_the_flagged_span_companies_and_points_before_anything_is_saved(editor_client):
    response = paste(editor_client, SEED.read_text(encoding="utf-8"))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'title="a private-use character' in page
    assert "主動加強與下游消費領域<mark" in page and ">?qū)&lt;U+E789&gt;优c</mark>合作" in page
    assert "removed 157 inline pinyin glosses" in page
    form = review_form(response)
    assert len(form["companies"].splitlines()) == 7
    assert form["points-TOTAL_FORMS"] == "6"  # five points and a blank row to add one
    assert [form[f"points-{i}-number"] for i in range(5)] == ["1", "2", "3", "4", "5"]
    assert {form[f"people-{i}-name"] for i in range(3)} == {"葛紅林", "范順科", "許允"}
    assert Meeting.objects.count() == 0 and Organization.objects.count() == 0


def test_the_review_says_which_organizations_are_recorded_and_which_are_new(editor_client, founding_record):
    response = paste(editor_client, SEED.read_text(encoding="utf-8"))

    rows = {row["org"]["name"]: row["match"] for row in response.context["organizations"]}
    assert rows["中國鋁業股份有限公司"].slug == "chalco"
    assert (
        rows["產業安全與進出口管制局"].slug
        == "mofcom-bureau-of-industrial-security-import-and-export-control"
    )
    assert rows["稀有稀土部"].parent == founding_record.organizer
    assert None not in rows.values()
    assert "will be created" not in response.content.decode()


def test_an_article_without_numbered_points_says_so(editor_client):
    response = paste(editor_client, (ARTICLES / "germanium-no-points.txt").read_text(encoding="utf-8"))

    assert "No numbered points were found" in response.content.decode()
    assert review_form(response)["points-TOTAL_FORMS"] == "1"


def test_html_and_scripts_in_the_pasted_text_are_shown_as_text(editor_client):
    text = SEED.read_text(encoding="utf-8")
    text = "<script>alert(1)</script><img src=x onerror=alert(2)>" + text.replace(
        "范順科主持", "范順科<b onclick=alert(3)>主持"
    )

    response = paste(editor_client, text)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)" not in page and "<img src=x" not in page and "<b onclick" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in page


# -- step 3: creating the meeting ----------------------------------------------------------


def test_confirming_the_seed_without_edits_creates_the_founding_records_meeting_as_a_draft(
    editor_client, database
):
    organizations, people = Organization.objects.count(), Person.objects.count()
    review = paste(editor_client, SEED.read_text(encoding="utf-8"))

    response = submit(editor_client, review)

    meeting = Meeting.objects.exclude(pk=getattr(database, "pk", None)).get()
    assert response.status_code == 302
    assert response.url == reverse("admin:meetings_meeting_change", args=[meeting.pk])
    assert meeting.status == Meeting.Status.DRAFT
    assert meeting.organizer.name == FOUNDING["meeting"]["organizer"]
    assert (meeting.place, meeting.date_as_reported, meeting.held_on) == ("寧夏銀川", "近日", None)
    assert meeting.reported_on.isoformat() == "2023-10-12" and meeting.participant_list_partial
    assert {(a.person.name, a.role) for a in meeting.attendances.select_related("person")} == {
        (a["person"], a["role"]) for a in FOUNDING["attendance"]
    }
    companies = Organization.objects.companies().filter(participations__meeting=meeting)
    assert set(companies.values_list("name", flat=True)) == FOUNDING_COMPANIES
    assert [c.heading for c in meeting.commitments.order_by("number")] == [
        c["heading"] for c in FOUNDING["commitments"]
    ]
    assert meeting.commitments.get(number=3).pledges.count() == 7
    if database is None:
        assert Organization.objects.count() == 14 and Person.objects.count() == 3
    else:
        # Matched by name or alias, not duplicated.
        assert (Organization.objects.count(), Person.objects.count()) == (organizations, people)
        assert set(companies) == set(Organization.objects.companies())
        assert meeting.organizer == database.organizer
    assert "Created the draft meeting" in editor_client.get(response.url).content.decode()
    assert LogEntry.objects.get(object_id=meeting.pk).change_message.startswith("Created from the article")


def test_an_edited_field_is_what_is_saved(editor_client):
    review = paste(editor_client, SEED.read_text(encoding="utf-8"))

    meeting = created(
        submit(
            editor_client, review, title_en="Gallium industry symposium", slug="gallium-symposium-2023-draft"
        )
    )

    assert (meeting.title_en, meeting.slug) == ("Gallium industry symposium", "gallium-symposium-2023-draft")


def test_points_people_and_companies_can_be_corrected(editor_client):
    review = paste(editor_client, SEED.read_text(encoding="utf-8"))
    form = review_form(review)
    companies = form["companies"].splitlines()
    person = next(i for i in range(3) if form[f"people-{i}-name"] == "許允")
    changes = {
        "points-4-DELETE": "on",
        "points-0-heading": "第一點",
        "companies": "\r\n".join([*companies[1:], "測試新材料有限公司"]),
        f"people-{person}-role": "speaker",
        "people-3-name": "王某",
        "people-3-role": "attendee",
        "people-3-organization": "中國有色金屬工業協會",
    }

    meeting = created(submit(editor_client, review, **changes))

    assert [c.heading for c in meeting.commitments.order_by("number")][:2] == [
        "第一點",
        FOUNDING["commitments"][1]["heading"],
    ]
    assert meeting.commitments.count() == 4
    took_part = set(
        meeting.participations.filter(organization__kind="company").values_list(
            "organization__name", flat=True
        )
    )
    assert took_part == set(companies[1:]) | {"測試新材料有限公司"}
    assert not Organization.objects.filter(name=companies[0]).exists()
    assert Organization.objects.get(name="測試新材料有限公司").pledges.count() == 4
    roles = dict(meeting.attendances.values_list("person__name", "role"))
    assert roles["許允"] == "speaker" and roles["王某"] == "attendee"


def test_an_edit_in_the_yaml_is_kept_when_the_fields_are_not_changed(editor_client):
    review = paste(editor_client, SEED.read_text(encoding="utf-8"))
    draft = review_form(review)["draft"]

    meeting = created(
        submit(editor_client, review, draft=draft.replace("place_en: ''", "place_en: Yinchuan"))
    )

    assert meeting.place_en == "Yinchuan"


def test_check_again_applies_the_changes_and_saves_nothing(editor_client):
    review = paste(editor_client, SEED.read_text(encoding="utf-8"))

    response = submit(editor_client, review, button="check", title_en="Gallium symposium")

    assert response.status_code == 200 and Meeting.objects.count() == 0
    assert review_form(response)["title_en"] == "Gallium symposium"
    assert "title_en: Gallium symposium" in review_form(response)["draft"]


def test_uploading_the_html_page_works(editor_client):
    review = upload(editor_client, "gallium.html", (ARTICLES / "gallium.html").read_bytes())

    assert "read as HTML" in review.content.decode()
    meeting = created(submit(editor_client, review))
    assert meeting.commitments.count() == 5
    assert meeting.participations.filter(organization__kind="company").count() == 7


def test_a_problem_the_importer_finds_is_shown_on_the_review_naming_its_field(editor_client):
    review = paste(editor_client, SEED.read_text(encoding="utf-8"))

    response = submit(editor_client, review, **{"people-0-organization": "不存在協會"})

    assert response.status_code == 200 and Meeting.objects.count() == 0
    assert "attendance[0].organization: no organization named" in response.content.decode()
    # The correction is kept on the page, to be put right there.
    assert review_form(response)["people-0-organization"] == "不存在協會"


def test_a_slug_already_taken_is_refused_rather_than_overwriting_that_meeting(editor_client):
    make_meeting(slug="taken")
    review = paste(editor_client, SEED.read_text(encoding="utf-8"))

    response = submit(editor_client, review, slug="taken")

    assert "meeting.slug: &#x27;taken&#x27; is the address of the meeting" in response.content.decode()
    assert Meeting.objects.count() == 1


# -- what is refused -----------------------------------------------------------------------


NOT_AN_ARTICLE = {
    "nothing": ({}, "Paste the article&#x27;s text or upload a .txt or .html file."),
    "blank text": ({"text": " \n "}, "Paste the article&#x27;s text or upload a .txt or .html file."),
    "both": (
        {"text": "某文", "upload": ("a.txt", "某文".encode())},
        "Paste the text or upload a file, not both.",
    ),
    "an empty file": ({"upload": ("empty.txt", b"")}, "the input is empty: there is no article text to read"),
    "binary garbage": (
        {"upload": ("garbage.txt", (ARTICLES / "garbage.bin").read_bytes())},
        "the input contains NUL bytes: it is a binary file, not text",
    ),
    "another kind of file": (
        {"upload": ("article.pdf", b"%PDF-1.4")},
        "File extension “pdf” is not allowed.",
    ),
    "an oversize file": (
        {"upload": ("big.txt", b"a" * (MAX_ARTICLE_BYTES + 1))},
        "the input is 2,097,153 bytes; the limit for an article is 2,097,152 bytes (2 MB)",
    ),
}


@pytest.mark.parametrize(("post", "message"), NOT_AN_ARTICLE.values(), ids=NOT_AN_ARTICLE)
def test_input_that_is_no_article_shows_why_and_saves_nothing(editor_client, post, message):
    if "upload" in post:
        post = post | {"upload": SimpleUploadedFile(*post["upload"])}

    response = editor_client.post(URL, {"step": "article", **post})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Meeting.objects.count() == 0 and Organization.objects.count() == 0


def test_the_confirm_step_without_a_csrf_token_is_refused(editor):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)
    article = review_form(browser.get(URL), step="article") | {"text": SEED.read_text(encoding="utf-8")}
    form = review_form(browser.post(URL, article))
    without_token = {name: value for name, value in form.items() if name != "csrfmiddlewaretoken"}

    assert browser.post(URL, without_token | {"confirm": "pressed"}).status_code == 403
    assert Meeting.objects.count() == 0
    # The same form with its token is accepted.
    assert browser.post(URL, form | {"confirm": "pressed"}).status_code == 302


def test_a_tampered_draft_that_is_not_yaml_shows_an_error_and_saves_nothing(editor_client):
    review = paste(editor_client, SEED.read_text(encoding="utf-8"))

    response = submit(editor_client, review, draft="meeting: [unclosed\n  - {")

    assert response.status_code == 200
    assert "The YAML draft: line" in response.content.decode()
    assert "not valid YAML" in response.content.decode()
    assert Meeting.objects.count() == 0 and Organization.objects.count() == 0

"""The view: step 1 on GET and on its own POST; the review form posts steps 2 and 3."""

from dataclasses import dataclass, field
from functools import cached_property

import yaml
from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join

from ...articles import Cleaned, extract, find_damage, mark_damage, to_import_dict, to_yaml
from ...importing import ImportProblem, check_meeting, import_meeting, parse_import_text
from ...importing.organizations import matching_organizations, referenced_organizations
from ...models import Attendance, Meeting, Person
from .changes import apply_changes, companies_of
from .forms import (
    MEETING_FIELDS,
    ArticleForm,
    DraftState,
    MeetingFields,
    PersonFormSet,
    PointFormSet,
    label_of,
)

TITLE = "New meeting from article"


def from_article(model_admin, request):
    """Step 1 on GET and on its own POST; the review form posts steps 2 and 3."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("step") == "review":
        return review(model_admin, request)
    form = ArticleForm(request.POST, request.FILES) if request.method == "POST" else ArticleForm()
    if form.is_valid():
        cleaned = form.cleaned_data["cleaned"]
        article = Article(form.cleaned_data["label"], cleaned.text, cleaned.summary())
        data = to_import_dict(article.extraction)
        _, problems = check(data, article.label)
        return render_review(model_admin, request, article, fresh_forms(article, data), data, problems)
    context = {**model_admin.admin_site.each_context(request), "opts": model_admin.opts, "title": TITLE}
    return TemplateResponse(request, "admin/meetings/meeting/from_article.html", context | {"form": form})


def review(model_admin, request):
    """Apply the editor's changes; show the draft again, or, on "confirm", create the meeting."""
    state = DraftState(request.POST)
    fields = MeetingFields(request.POST)
    points = PointFormSet(request.POST, prefix="points")
    people = PersonFormSet(request.POST, prefix="people")
    # The draft is the one field of the state the editor types in: its own error (a NUL
    # character, say) is shown like the others; the hidden fields come from this page.
    if not state.is_valid() and set(state.errors) != {"draft"}:
        raise BadRequest("The review form's hidden fields are not what this page wrote.")
    article = Article(
        label_of(state.cleaned_data["label"]), state.cleaned_data["article"], state.cleaned_data["cleaning"]
    )
    data, problems = (
        (None, []) if "draft" in state.errors else read_draft(state.cleaned_data["draft"], article.label)
    )
    for problem in problems:
        state.add_error("draft", problem)
    # A list, not a generator: every form is validated, so that every error is shown.
    valid = all([fields.is_valid(), points.is_valid(), people.is_valid()])
    if data is None or not valid:
        return render_review(model_admin, request, article, (state, fields, points, people), data)
    quote = mark_damage(article.extraction.consensus_quote)
    apply_changes(data, fields, points, people, state.cleaned_data["companies_before"], quote)
    parsed, problems = check(data, article.label)
    if problems or "confirm" not in request.POST:
        return render_review(model_admin, request, article, fresh_forms(article, data), data, problems)
    try:
        with transaction.atomic():
            result = import_meeting(parsed, label=article.label)
            model_admin.log_addition(request, result.meeting, f"Created from the article: {result.summary()}")
    except ImportProblem as problem:
        return render_review(
            model_admin, request, article, fresh_forms(article, data), data, problem.problems
        )
    messages.success(
        request,
        f"Created the draft meeting “{result.meeting}” from {article.label}. Check it against the "
        "article and write the English fields before publishing it.",
    )
    return redirect(reverse("admin:meetings_meeting_change", args=[result.meeting.pk]))


def render_review(model_admin, request, article, forms_, data, problems=()):
    state, fields, points, people = forms_
    names = [a.get("person", "") for a in (data or {}).get("attendance", [])]
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": TITLE,
        "article": article,
        "highlighted": article.highlighted(),
        "flags": article.extraction.flags,
        "found": article.extraction.messages,
        "problems": problems,
        "state": state,
        "fields": fields,
        "points": points,
        "people": people,
        "organizations": organization_rows(data) if data else None,
        "recorded_people": set(Person.objects.filter(name__in=names).values_list("name", flat=True)),
    }
    return TemplateResponse(request, "admin/meetings/meeting/from_article_review.html", context)


# -- the article under review --------------------------------------------------------------


@dataclass
class Article:
    """The article as the review page carries it: its label, cleaned text and what cleaning did."""

    label: str
    text: str
    cleaning: list = field(default_factory=list)

    @cached_property
    def extraction(self):
        # The cleaned text gives the same extraction again; nothing else needs carrying.
        return extract(Cleaned(self.text, tuple(find_damage(self.text))))

    def highlighted(self):
        """The text as HTML, escaped, with each damaged span in a <mark> that gives its reasons."""
        parts, position = [], 0
        for number, flag in enumerate(self.extraction.flags, start=1):
            parts.append(escape(self.text[position : flag.start]))
            parts.append(
                format_html(
                    '<mark id="flag-{}" title="{}">{}</mark>', number, "; ".join(flag.reasons), flag.shown
                )
            )
            position = flag.end
        parts.append(escape(self.text[position:]))
        return format_html_join("", "{}", ((part,) for part in parts))

    def yaml(self, data):
        return to_yaml(data, extraction=self.extraction, label=self.label)


def fresh_forms(article, data):
    """The review forms showing ``data``, the draft as a dict."""
    meeting, companies = data["meeting"], companies_of(data)
    state = DraftState(
        initial={
            "label": article.label,
            "article": article.text,
            "cleaning": article.cleaning,
            "companies_before": companies,
            "draft": article.yaml(data),
        }
    )
    initial = {name: meeting.get(name) for name in MEETING_FIELDS}
    fields = MeetingFields(
        initial={**initial, "held_on": str(meeting.get("held_on") or ""), "companies": companies}
    )
    points = PointFormSet(
        prefix="points",
        initial=[
            {
                "number": c["number"],
                "heading": c["heading"],
                "body": c.get("body", ""),
                "original": c["number"],
            }
            for c in data.get("commitments", [])
        ],
    )
    people = PersonFormSet(
        prefix="people",
        initial=[
            {
                "name": a["person"],
                "role": a.get("role", Attendance.Role.ATTENDEE),
                "title": a.get("title", ""),
                "organization": a.get("organization", ""),
                "original": a["person"],
            }
            for a in data.get("attendance", [])
        ],
    )
    return state, fields, points, people


# -- checking -----------------------------------------------------------------------------


def read_draft(text, label):
    """(the draft as a dict, []) for YAML the importer accepts, else (None, its problems)."""
    try:
        parse_import_text(text.encode("utf-8"), label=label)
    except ImportProblem as problem:
        return None, problem.problems
    # Safe to load plainly now: the importer's strict reader has refused anchors and aliases.
    return yaml.safe_load(text), []


def check(data, label):
    """(the parsed import file, every problem the importer would report, as 'where: what'). Queries."""
    try:
        parsed = parse_import_text(to_yaml(data).encode("utf-8"), label=label)
    except ImportProblem as problem:
        return None, problem.problems
    if parsed.meeting is None:
        return None, ["meeting: required field is missing"]
    problems = []
    existing = Meeting.objects.filter(slug=parsed.meeting.slug).first()
    if existing:
        problems.append(
            f"meeting.slug: {parsed.meeting.slug!r} is the address of the meeting “{existing}” already; "
            "this screen creates new meetings, so give this one another slug"
        )
    return parsed, problems + check_meeting(parsed, label=label)


def organization_rows(data):
    """Each organization of the draft, with the recorded one importing would reuse (or None).

    Uses the importer's own matching rule; one or two queries per organization, which
    is fine for the few organizations an article names.
    """
    orgs = data.get("organizations", [])
    found = {}
    for org in sorted(orgs, key=lambda o: bool(o.get("parent"))):  # parents first
        parent, parent_ref = None, org.get("parent")
        if parent_ref:
            parent = found.get(parent_ref) or next(iter(referenced_organizations(parent_ref)), None)
            if parent is None:  # a new parent: its branches are new too
                found[(parent_ref, org["name"])] = None
                continue
        match = matching_organizations(org["name"], org.get("aliases", ()), parent).first()
        found[(parent_ref, org["name"])] = match
        if not parent_ref:
            found[org["name"]] = match
    return [{"org": org, "match": found[(org.get("parent"), org["name"])]} for org in orgs]

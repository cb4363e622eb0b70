"""Applying the editor's changes to the draft, a dict in the import format (docs/import-format.md).

Each field says whether the editor changed it (``ChangesOnly``); only changed fields are
applied, so an edit the editor made in the YAML survives unless the same value was also
changed in a field.
"""

from ...articles import organization_kind, placeholder_slug, province_of
from ...models import Meeting
from .forms import MEETING_FIELDS


def companies_of(data):
    """The companies of the draft, as the companies field shows them."""
    return [
        o["name"] for o in data.get("organizations", []) if o.get("kind") == "company" and not o.get("parent")
    ]


def apply_changes(data, fields, points, people, companies_before, pledge_quote):
    """Apply what the editor changed in the fields to ``data``, the draft as a dict, in place.

    Sections that depend on a field follow it: a renamed organizer is renamed wherever the
    draft names it; a company added takes part and pledges every point (by participation,
    quoting ``pledge_quote``); a company removed leaves every section; with no points left
    the pledges of "all" points go, and with the first points every company pledges them.
    """
    meeting = data["meeting"]
    for name in fields.changed_data:
        if name in MEETING_FIELDS:
            value = fields.cleaned_data[name]
            if name == "organizer":
                rename_organization(data, meeting.get("organizer", ""), value)
            meeting[name] = None if name == "held_on" and not value else value
    meeting["status"] = Meeting.Status.DRAFT.value  # this screen creates drafts, whatever the YAML says
    had_points = bool(data.get("commitments"))
    apply_points(data.setdefault("commitments", []), points)
    apply_people(data, people)
    after = fields.cleaned_data["companies"]
    for name in companies_before:
        if name not in after:
            remove_company(data, name)
    for name in after:
        if name not in companies_before:
            add_company(data, name, pledge_quote)
    if had_points and not data["commitments"]:
        data["pledges"] = [p for p in data.get("pledges", []) if p.get("commitments") != "all"]
    elif data["commitments"] and not had_points:
        for name in companies_of(data):
            add_company(data, name, pledge_quote)
    for section in [name for name, value in data.items() if value == []]:
        del data[section]  # as the draft leaves them out


def rename_organization(data, old, new):
    """Call the top-level organization ``old`` of the draft ``new``, wherever the draft names it."""
    orgs = data.setdefault("organizations", [])
    if not old or old == new or any(o["name"] == new and not o.get("parent") for o in orgs):
        return
    for org in orgs:
        if org["name"] == old and not org.get("parent"):
            if org.get("slug") == placeholder_slug(org.get("kind", ""), "", old):
                org["slug"] = placeholder_slug(organization_kind(new), "", new)
            org.update(name=new, kind=organization_kind(new))
        if org.get("parent") == old:
            org["parent"] = new
    for section in ("participants", "attendance", "pledges"):
        for item in data.get(section, []):
            if item.get("organization") == old:
                item["organization"] = new
    if (data.get("series") or {}).get("organizer") == old:
        data["series"]["organizer"] = new


def apply_points(commitments, formset):
    """Each row edits the point it was shown with (by its number then), or adds one."""
    by_number = {c.get("number"): c for c in commitments}
    # Every row finds its point before any changes, so that swapping two numbers works.
    rows = [(form, by_number.get(form.cleaned_data.get("original"))) for form in formset.forms]
    for form, point in rows:
        if form in formset.deleted_forms:
            if point in commitments:
                commitments.remove(point)
            continue
        if not form.has_changed():
            continue
        changed = form.changed_data
        if point is None:
            point, changed = {"heading_en": "", "body_en": ""}, ("number", "heading", "body")
            commitments.append(point)
        for name in ("number", "heading", "body"):
            if name in changed:
                point[name] = form.cleaned_data[name]
    commitments.sort(key=lambda c: c["number"])


def apply_people(data, formset):
    """Each row edits the attendance record of the person it was shown with, or adds one."""
    attendance, people = data.setdefault("attendance", []), data.setdefault("people", [])
    by_name = {a.get("person"): a for a in attendance}
    rows = [(form, by_name.get(form.cleaned_data.get("original"))) for form in formset.forms]
    for form, record in rows:
        if form in formset.deleted_forms:
            if record in attendance:
                attendance.remove(record)
                people[:] = [p for p in people if p.get("name") != record["person"]]
            continue
        if not form.has_changed():
            continue
        changed = form.changed_data
        if record is None:
            record, changed = {"title_en": "", "quote": ""}, ("name", "role", "title", "organization")
            attendance.append(record)
        if "name" in changed:
            new = form.cleaned_data["name"]
            listed = next((p for p in people if p.get("name") == record.get("person")), None)
            if not any(p.get("name") == new for p in people):
                if listed is not None:
                    listed["name"] = new
                else:
                    people.append({"name": new, "name_en": ""})
            record["person"] = new
        for name in ("role", "title", "organization"):
            if name in changed:
                record[name] = form.cleaned_data[name]


def remove_company(data, name):
    data["organizations"] = [
        o
        for o in data.get("organizations", [])
        if o["name"] != name or o.get("parent") or o["kind"] != "company"
    ]
    for section in ("participants", "pledges"):
        data[section] = [item for item in data.get(section, []) if item.get("organization") != name]
    for record in data.get("attendance", []):
        if record.get("organization") == name:
            record["organization"] = ""


def add_company(data, name, pledge_quote):
    """The company is in the draft, takes part, and pledges every point if there are points."""
    orgs = data.setdefault("organizations", [])
    if not any(o["name"] == name and not o.get("parent") for o in orgs):
        org = {"name": name, "name_en": "", "slug": placeholder_slug("company", "", name), "kind": "company"}
        orgs.append(org | ({"province": province_of(name)} if province_of(name) else {}))
    participants = data.setdefault("participants", [])
    if not any(p.get("organization") == name for p in participants):
        participants.append({"organization": name, "role": "participant", "quote": ""})
    pledges = data.setdefault("pledges", [])
    if data.get("commitments") and not any(p.get("organization") == name for p in pledges):
        pledges.append(
            {"organization": name, "commitments": "all", "basis": "participation", "quote": pledge_quote}
        )

"""Edit history: who changed what and when, field by field, shown and reverted in the admin."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from meetings.models import Commitment, Evidence, Meeting, Organization, Participation, Pledge, Verdict
from meetings.status import refresh_pledge_statuses
from tests.factories import make_evidence, make_meeting, make_meeting_with_pledges
from tests.test_admin import admin_url, submitted

pytestmark = pytest.mark.django_db

SMALL_FILE = """\
meeting:
  slug: germanium-forum-2024
  title: 鍺產業座談會
  title_en: Germanium industry forum
  organizer: test-association
organizations:
  - name: 測試有色金屬協會
    slug: test-association
    kind: association
  - name: 測試鍺業有限公司
    slug: test-germanium
    kind: company
participants:
  - organization: test-germanium
commitments:
  - number: 1
    heading: 加強資源回收
pledges:
  - organization: test-germanium
    commitments: all
"""


def history_form_url(obj, record):
    name = f"admin:meetings_{obj._meta.model_name}_simple_history"
    return reverse(name, args=[obj.pk, record.history_id])


def revert_data(response):
    """What pressing "Revert" on a history version page sends: the version's values."""
    form = response.context["adminform"].form
    data = {"_save": "Revert"}
    for name in form.fields:
        value = form[name].value()
        if value is not None and value is not False:
            data[form.add_prefix(name)] = value
    return data


@pytest.fixture
def retitled(editor_client):
    """A meeting whose English title an editor changed in the admin: (meeting, old title)."""
    meeting = make_meeting(title_en="Gallium symposium")
    url = admin_url(Meeting, "change", meeting.pk)
    data = submitted(editor_client.get(url)) | {"title_en": "Gallium industry symposium"}
    assert editor_client.post(url, data).status_code == 302
    return meeting, "Gallium symposium"


def test_editing_a_meetings_english_title_records_the_editor_and_the_changed_field(retitled, editor):
    meeting, old_title = retitled
    latest, before = meeting.history.all()[:2]

    assert latest.history_type == "~"
    assert latest.history_user == editor
    delta = latest.diff_against(before)
    assert "title_en" in delta.changed_fields
    (change,) = [c for c in delta.changes if c.field == "title_en"]
    assert (change.old, change.new) == (old_title, "Gallium industry symposium")


def test_the_history_page_in_the_admin_lists_the_change_with_its_editor(editor_client, retitled):
    meeting, old_title = retitled

    response = editor_client.get(admin_url(Meeting, "history", meeting.pk))

    assert response.status_code == 200
    assert ">editor</a>" in response.text
    assert "<strong>Title (English):</strong>" in response.text
    assert old_title in response.text
    assert "Gallium industry symposium" in response.text


def test_reverting_in_the_admin_history_view_restores_the_old_title(editor_client, retitled, editor):
    meeting, old_title = retitled
    url = history_form_url(meeting, meeting.history.earliest())

    response = editor_client.post(url, revert_data(editor_client.get(url)))

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title_en == old_title
    assert meeting.history.first().history_user == editor


def test_reverting_a_pledge_keeps_the_status_its_evidence_gives(editor_client):
    make_meeting_with_pledges(companies=1, commitments=1)
    pledge = Pledge.objects.get()
    make_evidence(pledge=pledge, verdict=Verdict.FULFILLED)
    refresh_pledge_statuses([pledge.commitment_id])
    url = admin_url(Pledge, "change", pledge.pk)
    editor_client.post(url, submitted(editor_client.get(url)) | {"basis": Pledge.Basis.NAMED})
    url = history_form_url(pledge, pledge.history.earliest())

    response = editor_client.post(url, revert_data(editor_client.get(url)))

    assert response.status_code == 302
    pledge.refresh_from_db()
    assert (pledge.basis, pledge.status) == (Pledge.Basis.PARTICIPATION, Verdict.FULFILLED)


def test_an_evidence_entrys_history_offers_no_revert_and_refuses_one(editor_client):
    make_meeting_with_pledges(companies=1, commitments=1)
    entry = make_evidence(pledge=Pledge.objects.get(), summary_en="Shipped.")
    url = history_form_url(entry, entry.history.get())

    response = editor_client.get(url)
    assert response.status_code == 200
    assert 'value="Revert"' not in response.text
    data = revert_data(response) | {"summary_en": "Rewritten."}

    assert editor_client.post(url, data).status_code == 403
    assert Evidence.objects.get().summary_en == "Shipped."


def test_importing_a_file_records_every_new_row_as_created(tmp_path):
    path = tmp_path / "germanium-forum-2024.yaml"
    path.write_text(SMALL_FILE, encoding="utf-8")

    call_command("import_meetings", str(path), verbosity=0)

    for model, count in [(Meeting, 1), (Organization, 2), (Participation, 1), (Commitment, 1), (Pledge, 1)]:
        assert model.objects.count() == count, model
        assert model.history.filter(history_type="+").count() == count, model
    assert model.history.filter(history_user__isnull=False).count() == 0

"""An editor records evidence in the admin; readers see the new status on every public page."""

from django.test import Client

from meetings.models import Evidence
from tests.test_admin import admin_url
from tests.test_admin_tracking import entry_fields


def test_an_entry_added_in_admin_shows_on_the_company_meeting_and_commitment_pages(
    editor_client, founding_record
):
    pledge = founding_record.commitments.get(number=4).pledges.get(organization__slug="chalco")
    reader = Client()
    assert "not met" not in reader.get("/companies/chalco/").content.decode()

    response = editor_client.post(
        admin_url(Evidence, "add"),
        entry_fields(
            pledge=pledge.pk,
            verdict="not_met",
            reason="Test data: a made-up finding for this test only.",
            on="2025-03-01",
        ),
    )

    assert response.status_code == 302
    badge = '<span class="status status--not_met">not met</span>'
    assert badge in reader.get("/companies/chalco/").content.decode()
    assert badge in reader.get("/commitments/gallium-symposium-2023/4/").content.decode()
    meeting_html = reader.get("/meetings/gallium-symposium-2023/").content.decode()
    assert meeting_html.count(">not met</a>") == 1
    assert (
        "Test data: a made-up finding for this test only."
        in reader.get("/commitments/gallium-symposium-2023/4/").content.decode()
    )

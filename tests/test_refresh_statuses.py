"""`manage.py refresh_statuses` repairs stored statuses after writes that bypassed the admin."""

import datetime
from io import StringIO

from django.core.management import call_command

from meetings.models import Evidence, Pledge, Verdict
from tests.factories import make_meeting_with_pledges, make_source


def test_it_recomputes_statuses_written_around_the_admin(db):
    _, _, (point,) = make_meeting_with_pledges(companies=3, commitments=1)
    Evidence.objects.create(
        commitment=point,
        observed_on=datetime.date(2024, 1, 1),
        verdict=Verdict.FULFILLED,
        summary_en="Done.",
        source=make_source(),
        quote="原文。",
    )
    assert set(Pledge.objects.values_list("status", flat=True)) == {Verdict.NO_RECORD}
    out = StringIO()
    call_command("refresh_statuses", stdout=out)
    assert "1 commitments; 3 statuses changed." in out.getvalue()
    assert set(Pledge.objects.values_list("status", flat=True)) == {Verdict.FULFILLED}
    out = StringIO()
    call_command("refresh_statuses", stdout=out)
    assert "0 statuses changed" in out.getvalue()

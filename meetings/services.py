"""Writes that span several models and are shared by the admin, the importer and commands."""

from django.db import transaction

from .models import Commitment, Organization, Participation, Pledge
from .status import refresh_pledge_statuses


@transaction.atomic
def pledge_every_commitment(meeting, *, basis=Pledge.Basis.PARTICIPATION):
    """Record that every participating company pledged every commitment of ``meeting``.

    Used when a source says the participants reached consensus together. Idempotent:
    existing pledges are left as they are (their basis included), so running it
    twice creates nothing the second time. New pledges start with the status the
    evidence already recorded gives them. Returns the number of pledges created.
    """
    company_ids = list(
        Participation.objects.filter(
            meeting=meeting,
            role=Participation.Role.PARTICIPANT,
            organization__kind=Organization.Kind.COMPANY,
        ).values_list("organization_id", flat=True)
    )
    commitment_ids = list(Commitment.objects.filter(meeting=meeting).values_list("pk", flat=True))
    existing = set(
        Pledge.objects.filter(commitment_id__in=commitment_ids).values_list(
            "organization_id", "commitment_id"
        )
    )
    created = 0
    for commitment_id in commitment_ids:
        for company_id in company_ids:
            if (company_id, commitment_id) not in existing:
                # One save per pledge rather than bulk_create, so that per-object
                # hooks (edit history) see every new row.
                Pledge.objects.create(organization_id=company_id, commitment_id=commitment_id, basis=basis)
                created += 1
    if created:
        refresh_pledge_statuses(commitment_ids)
    return created

from django.core.management.base import BaseCommand
from django.db import transaction

from meetings import cache as page_cache
from meetings.models import Commitment
from meetings.public import refresh_all
from meetings.status import refresh_pledge_statuses

BATCH = 500


class Command(BaseCommand):
    help = (
        "Recompute every pledge's stored status from the evidence (the rule is in meetings/status.py), "
        "and every organization's stored flags, counts and industries (meetings/public.py). Every write "
        "through the admin or the importer already does this for what it touched; run it after changing "
        "data any other way."
    )

    def handle(self, *args, **options):
        ids = list(Commitment.objects.order_by("pk").values_list("pk", flat=True))
        changed = 0
        for start in range(0, len(ids), BATCH):
            changed += refresh_pledge_statuses(ids[start : start + BATCH])
            if options["verbosity"] > 1:
                self.stdout.write(f"{min(start + BATCH, len(ids))}/{len(ids)} commitments")
        self.stdout.write(f"Checked the pledges of {len(ids)} commitments; {changed} statuses changed.")
        with transaction.atomic():
            fixed = refresh_all()
            if fixed:
                page_cache.bump_after_commit()  # UPDATEs send no signal
        self.stdout.write(f"Checked the organizations' flags, counts and industries; {fixed} values changed.")

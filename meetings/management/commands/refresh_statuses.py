from django.core.management.base import BaseCommand

from meetings.models import Commitment
from meetings.status import refresh_pledge_statuses

BATCH = 500


class Command(BaseCommand):
    help = (
        "Recompute every pledge's stored status from the evidence (the rule is in meetings/status.py). "
        "Every write through the admin or the importer already does this for what it touched; run it "
        "after changing data any other way."
    )

    def handle(self, *args, **options):
        ids = list(Commitment.objects.order_by("pk").values_list("pk", flat=True))
        changed = 0
        for start in range(0, len(ids), BATCH):
            changed += refresh_pledge_statuses(ids[start : start + BATCH])
            if options["verbosity"] > 1:
                self.stdout.write(f"{min(start + BATCH, len(ids))}/{len(ids)} commitments")
        self.stdout.write(f"Checked the pledges of {len(ids)} commitments; {changed} statuses changed.")

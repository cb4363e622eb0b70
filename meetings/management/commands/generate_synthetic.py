from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction

from meetings import cache as page_cache
from meetings.public import refresh_all
from meetings.synthetic import PREFIX, SCALES, Generator, delete_synthetic, synthetic_exists


class Command(BaseCommand):
    help = (
        "Fill the database with synthetic meetings, companies, pledges and evidence for benchmarks "
        "(meetings/synthetic.py). The same --seed always gives the same data. Every record is marked "
        f"(slugs start with {PREFIX!r}); a second run is refused unless --replace, which deletes the "
        "synthetic records first and nothing else. Rows are bulk-inserted, so they have no edit history."
    )

    def add_arguments(self, parser):
        public = [name for name in SCALES if name != "tiny"]
        parser.add_argument(
            "--scale",
            required=True,
            choices=list(SCALES),
            metavar="{" + ",".join(public) + "}",
            help="; ".join(
                f"{name}: {s.meetings:,} meetings, {s.organizations:,} organizations, "
                f"{s.commitments:,} commitments, {s.pledges:,} pledges, {s.evidence:,} evidence entries"
                for name, s in SCALES.items()
                if name != "tiny"
            ),
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--replace", action="store_true", help="delete the synthetic data already loaded first"
        )

    def handle(self, *args, scale, seed, replace, verbosity, **options):
        report = self.stdout.write if verbosity else (lambda line: None)
        # One transaction: a failed run leaves the data that was there before.
        with transaction.atomic():
            if synthetic_exists():
                if not replace:
                    raise CommandError(
                        "Synthetic data is loaded already; use --replace to delete it and generate again."
                    )
                try:
                    deleted = delete_synthetic()
                except IntegrityError as error:
                    raise CommandError(
                        f"Cannot delete the synthetic data; real records use it: {error}"
                    ) from None
                report(f"deleted {deleted:,} synthetic rows")
            counts, seconds = Generator(scale, seed=seed, report=report).run()
            # Bulk inserts send no signals: derive what the signals would have kept.
            refresh_all()
            page_cache.bump_after_commit()
        summary = ", ".join(f"{count:,} {name}" for name, count in counts.items())
        report(f"Generated {scale} (seed {seed}) in {seconds:.1f} s: {summary}.")

"""Anonymise what is past its retention period: ``python manage.py retention_run [--dry-run]``, once a day.

On the top floor because it runs every app's rule (each app registers its own, ``homestart.retention``). It lists
each kind of record with how many are due and their references (never a name or any other personal value), then
anonymises them, unless ``--dry-run``. A real run is logged in the audit log with its counts. It exits with an
error when a record could not be anonymised (the others are done; the next run tries it again).
"""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from homestart import retention


class Command(BaseCommand):
    help = "Anonymise every record past its retention period (UK GDPR storage limitation). Run it daily."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List what is due and change nothing.")
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            help="Work out what is due as on this day (YYYY-MM-DD), to see ahead with --dry-run. Default: today.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        day = options["date"]
        if day is not None and not dry_run and day != timezone.localdate():
            raise CommandError("--date may only be used with --dry-run: records are anonymised as of today.")
        result = retention.run(today=day, dry_run=dry_run)
        self.stdout.write(
            f"Retention run for {result.day:%-d %B %Y}" + (": dry run, nothing changed." if dry_run else ".")
        )
        for outcome in result.outcomes:
            done = "due" if dry_run else f"due, {outcome.anonymised} anonymised"
            self.stdout.write(f"{outcome.label} ({outcome.name}): {outcome.due} {done}")
            for reference in outcome.references:
                self.stdout.write(f"  {reference}")
            if outcome.due > len(outcome.references):
                self.stdout.write(f"  and {outcome.due - len(outcome.references)} more")
            if outcome.skipped:
                self.stdout.write(f"  {outcome.skipped} no longer due when checked again (a hold placed meanwhile)")
            for reference in outcome.failed:
                self.stderr.write(f"  FAILED: {reference} (see the log; the next run tries again)")
        if result.failed:
            raise CommandError("Some records could not be anonymised; the rest were.")

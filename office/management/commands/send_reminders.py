"""Email today's reminders: ``python manage.py send_reminders [--dry-run]``, once a day (cron or a systemd timer).

On the top floor, beside retention_run, because it runs every app's kinds (each registers its own,
``homestart.reminders``). Each person gets one email with all their kinds, counts and links only; each item is sent
once, and a failed send is tried again on the next run. It prints, for each kind, how many people get it and how
many items (never a name); ``--dry-run`` prints the same and sends and records nothing. It exits with an error when
an email could not be sent (the others went; the next run tries it again).
"""

import datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from homestart import reminders


class Command(BaseCommand):
    help = "Email each coordinator and volunteer their reminders (counts and links only). Run it daily."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Show what would be sent; send and record nothing.")
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            help="Work out what is due as on this day (YYYY-MM-DD), to look ahead with --dry-run. Default: today.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        day = options["date"]
        if day is not None and not dry_run and day != timezone.localdate():
            raise CommandError("--date may only be used with --dry-run: reminders are sent as of today.")
        try:
            result = reminders.run(today=day, dry_run=dry_run)
        except (reminders.AlreadyRunning, ImproperlyConfigured) as exc:
            raise CommandError(str(exc)) from None
        weekly = " (weekly choices are sent today)" if result.day.weekday() == reminders.weekly_day() else ""
        self.stdout.write(
            f"Reminders for {result.day:%A %-d %B %Y}{weekly}" + (": dry run, nothing sent." if dry_run else ".")
        )
        for kind in reminders.KINDS.values():
            people, items = result.count(kind.name)
            self.stdout.write(f"{kind.label} ({kind.name}): {items} to {people} people")
        if dry_run:
            self.stdout.write(f"{len(result.emails)} emails would be sent.")
        else:
            self.stdout.write(f"{result.sent} emails sent, {result.failed} failed.")
        if result.without_address:
            self.stderr.write(
                f"{result.without_address} people have reminders due but no email address on their account."
            )
        if result.failed:
            raise CommandError(
                f"{result.failed} emails could not be sent (see the log); the next run tries them again."
            )

"""Mark signed consents past their review date as expired. Run once a day (cron or a scheduler)."""

from typing import Any

from django.core.management.base import BaseCommand

from consents import services


class Command(BaseCommand):
    help = "Record an 'expired' event on every signed consent whose review date has passed."

    def handle(self, *args: Any, **options: Any) -> None:
        expired = services.consents_expire()
        self.stdout.write(f"{expired} consent{'s' if expired != 1 else ''} expired.")

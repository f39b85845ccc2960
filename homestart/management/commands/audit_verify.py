"""Check the audit log's hash chain: ``python manage.py audit_verify``. Exits 1 at the first broken entry."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from homestart import chain


class Command(BaseCommand):
    help = "Check that no audit entry was changed, removed or inserted since it was written (the hash chain)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            verdict = chain.verify()
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        seconds = time.perf_counter() - started
        rate = verdict.verified / seconds if seconds else 0
        if verdict.broken_id is not None:
            self.stderr.write(
                f"BROKEN: audit entry {verdict.broken_id}: {verdict.reason}.\n"
                f"{verdict.verified:,} entries before it verified."
            )
            raise SystemExit(1)
        self.stdout.write(
            f"OK: {verdict.verified:,} audit entries verified in {seconds:.2f} s ({rate:,.0f} per second)."
        )
        if verdict.head_id is not None:
            self.stdout.write(f"Last entry {verdict.head_id}, hash {verdict.head_hash}")

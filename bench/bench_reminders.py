"""Time ``send_reminders`` against national-scale data on PostgreSQL, and count its queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/homestart_bench_reminders .venv/bin/python bench/bench_reminders.py \
        [--families 60000] [--reuse] [--repeat 3]

Without ``--reuse`` it creates the database if needed, migrates, and runs ``seed_scale --families N``; with it,
seeding is skipped when scale data is already there. Settings are production-like (DEBUG off), the emails go to
Django's in-memory backend and ``SITE_URL`` is a bench address. It measures, on today's date:

- the plan (``send_reminders --dry-run``): every kind's items gathered, people, choices and what was sent loaded;
- a whole run: the plan, every email rendered and sent, and each one recorded with its audit entry. It runs inside
  a transaction that is rolled back, so every repetition sends the same emails and the database stays as seeded.

For each it prints the median and fastest wall-clock seconds and the queries one run makes; then the emails, the
items, the most items one person gets, and the queries per email beyond the plan's, which is what must stay
constant however many families a person has (``tests/homestart/test_reminders.py`` checks 5 against 50).
"""

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_pages import configure_environment, ensure_database  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/homestart_bench_reminders"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=60000, help="Families to seed (default: national, 60000).")
    parser.add_argument("--reuse", action="store_true", help="Skip seeding when scale data is already there.")
    parser.add_argument("--repeat", type=int, default=3, help="Timed runs of each (default 3).")
    args = parser.parse_args()

    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    url = configure_environment()
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench_reminders measures PostgreSQL: set DATABASE_URL to a postgres:// URL.", file=sys.stderr)
        return 2
    os.environ["SITE_URL"] = "https://homestart.example.org"
    os.environ["EMAIL_URL"] = "consolemail://"  # replaced by the in-memory backend below
    ensure_database(url)

    import django

    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from django.conf import settings
    from django.core import mail
    from django.core.management import call_command
    from django.db import connection, transaction

    from families.models import Family
    from homestart import reminders
    from homestart.models import Scheme, User
    from office.management.commands.seed_scale import SCALE_CODE_REGEX

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []

    call_command("migrate", verbosity=0)
    seeded = Scheme.objects.filter(code__regex=SCALE_CODE_REGEX).exists()
    if seeded and not args.reuse:
        print("The database already holds scale data: run with --reuse, or point DATABASE_URL elsewhere.")
        return 2
    if not seeded:
        print(f"seeding {args.families:,} families (seed_scale)...")
        started = time.monotonic()
        call_command("seed_scale", families=args.families)
        print(f"seeded in {time.monotonic() - started:.0f} s")

    print(
        f"database {settings.DATABASES['default']['NAME']}: {Family.objects.count():,} families, "
        f"{User.objects.filter(is_active=True).count():,} active people, kinds: {len(reminders.KINDS)}"
    )

    def plan() -> reminders.RunResult:
        return reminders.run(dry_run=True)

    def whole_run() -> reminders.RunResult:
        mail.outbox = []
        with transaction.atomic():
            result = reminders.run()
            transaction.set_rollback(True)  # the same emails again next time; the database stays as seeded
        return result

    def measure(name: str, work: object) -> tuple[list[float], int, reminders.RunResult]:
        # Counted by a wrapper, not Django's query log: a national run makes more queries than the log keeps.
        counted = [0]

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            counted[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            result = work()  # type: ignore[operator]
        queries = counted[0]
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            work()  # type: ignore[operator]
            times.append(time.perf_counter() - started)
        print(
            f"{name:<40} median {statistics.median(times):7.2f} s   fastest {min(times):7.2f} s   {queries:>6} queries"
        )
        return times, queries, result

    print(f"load average before: {os.getloadavg()[0]:.1f}")
    _times, plan_queries, planned = measure("plan (send_reminders --dry-run)", plan)
    _times, run_queries, ran = measure("whole run (send, record, audit)", whole_run)
    emails = len(ran.emails)
    items = sum(email.count for email in ran.emails)
    most = max((email.count for email in ran.emails), default=0)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print(f"{emails:,} emails, {items:,} items, at most {most:,} items for one person ({ran.sent:,} sent)")
    for kind in reminders.KINDS.values():
        people, kind_items = ran.count(kind.name)
        print(f"  {kind.name:<36} {kind_items:>8,} items to {people:>6,} people")
    if emails:
        # Beyond the plan: the same few queries for every email, and a fixed few for the run (its lock taken and
        # released, the audit entry's content type the first time).
        per_email, fixed = divmod(run_queries - plan_queries, emails)
        print(f"queries: plan {plan_queries}, whole run {run_queries}: {per_email} per email and {fixed} for the run")
        if fixed > 5:
            print("the queries per email are not the same for every email", file=sys.stderr)
            return 1
    if len(planned.emails) != emails:
        print("the dry run and the real run planned different emails", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

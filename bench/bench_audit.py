"""What the audit log's hash chain costs, at national scale on PostgreSQL (ADR 0011).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/homestart_bench .venv/bin/python bench/bench_audit.py

It uses the same database as ``bench_pages.py`` (seeding it with ``seed_scale`` if it holds no scale data) and:

- times ``audit_verify``'s check of the whole chain (``homestart.chain.verify``), ``--verify-runs`` times, and
  prints the entries checked, the median seconds and the entries per second (the goal: at least 200,000/s);
- times the log-a-visit POST (the volunteer of the family with the most visits, through the whole middleware)
  with the chain trigger on and, in the same process and interleaved, with it switched off. Every POST runs in a
  transaction that is rolled back, with the switch (``ALTER TABLE … DISABLE TRIGGER``, transactional in
  PostgreSQL) inside it, so the database is left as it was and its chain unbroken. Only the request is timed.
  It prints each median and p95, and the ratio with / without.
"""

import argparse
import statistics
import sys
import time
import warnings
from typing import Any

from bench_pages import Measurement, configure_environment, ensure_database, signed_in_client


class RolledBack(Exception):
    """Raised inside the transaction wrapped around one timed POST, so that nothing it wrote stays."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=60000, help="Families to seed when seeding (national).")
    parser.add_argument("--verify-runs", type=int, default=3)
    parser.add_argument("--repetitions", type=int, default=40, help="Timed POSTs for each variant.")
    parser.add_argument("--warmups", type=int, default=5)
    args = parser.parse_args()

    url = configure_environment()
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench_audit measures PostgreSQL: set DATABASE_URL to a postgres:// URL.", file=sys.stderr)
        return 2
    ensure_database(url)

    import django

    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Count, Q
    from django.test.utils import override_settings
    from django.urls import reverse
    from django.utils import timezone

    from families.models import Assignment, Family, FamilyStatus, Visit
    from homestart import chain
    from homestart.models import AuditEntry, Scheme
    from office.management.commands.seed_scale import SCALE_CODE_REGEX

    call_command("migrate", verbosity=0)
    if not Scheme.objects.filter(code__regex=SCALE_CODE_REGEX).exists():
        print(f"seeding {args.families:,} families (seed_scale)...")
        call_command("seed_scale", families=args.families)

    # --- audit_verify ------------------------------------------------------------------------------------------
    entries = AuditEntry.objects.count()
    print(f"database {settings.DATABASES['default']['NAME']}: {entries:,} audit entries")
    seconds = []
    for _ in range(args.verify_runs):
        started = time.perf_counter()
        verdict = chain.verify()
        seconds.append(time.perf_counter() - started)
        if verdict.broken_id is not None:
            print(f"the chain is broken at entry {verdict.broken_id}: {verdict.reason}", file=sys.stderr)
            return 1
    median = statistics.median(seconds)
    print(
        f"audit_verify: {verdict.verified:,} entries in {median:.2f} s (median of {args.verify_runs}), "
        f"{verdict.verified / median:,.0f} entries per second"
    )

    # --- log a visit, with and without the chain ------------------------------------------------------------
    scale = Q(scheme__code__regex=SCALE_CODE_REGEX)
    family = (
        Family.objects.filter(scale, status=FamilyStatus.SUPPORTED)
        .annotate(visit_count=Count("visits"))
        .order_by("-visit_count", "pk")
        .first()
    )
    volunteer = Assignment.objects.get(family=family, ended_on__isnull=True).volunteer
    client = signed_in_client(volunteer)
    trigger = next(t for t in AuditEntry._meta.triggers if t.name == "audit_chain").get_pgid(AuditEntry)
    table = AuditEntry._meta.db_table
    form = {
        "visited_on": timezone.localdate().isoformat(),
        "duration_minutes": "60",
        "kind": "home",
        "note_text": "Bench visit: played with the children while Mum made phone calls.",
    }
    path = reverse("families:visit_new", args=[family.pk])
    before = Visit.objects.filter(family=family).count()

    def post(chained: bool) -> float:
        elapsed = 0.0
        try:
            with transaction.atomic():
                if not chained:
                    with connection.cursor() as cursor:
                        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")  # noqa: S608
                started = time.perf_counter()
                response: Any = client.post(path, form)
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 302:
                    raise AssertionError(f"expected a redirect, got {response.status_code}")
                raise RolledBack
        except RolledBack:
            pass
        return elapsed

    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        for _ in range(args.warmups):
            post(True)
            post(False)
        times: dict[bool, list[float]] = {True: [], False: []}
        for _ in range(args.repetitions):
            for chained in (True, False):
                times[chained].append(post(chained))
    if Visit.objects.filter(family=family).count() != before:
        raise AssertionError("a timed visit was kept: the bench must leave the database as it was")
    with_chain = Measurement("log a visit, chained", times[True], 0)
    without = Measurement("log a visit, no chain", times[False], 0)
    print(f"\nlog a visit (POST, {family.reference}, {args.repetitions} each, interleaved):")
    for measured in (with_chain, without):
        print(f"  {measured.name:24} median {measured.median:7.1f} ms   p95 {measured.p95:7.1f} ms")
    print(f"  chained / no chain: {with_chain.median / without.median:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Time the busiest pages against national-scale data on PostgreSQL, next to a trivial view.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/homestart_bench .venv/bin/python bench/bench_pages.py [--reuse]

Without ``--reuse`` it creates the database if needed, migrates, and runs ``seed_scale --families N``; with it,
seeding is skipped when scale data is already there. Requests go through Django's test client with DEBUG off, so
the whole stack (middleware, sessions, auditlog, templates) runs, but no network or WSGI server does. For each page
it prints the median and 95th-percentile time, the queries one request runs, and the median as a multiple of the
trivial view's. Each run logs real visits (warm-ups + repetitions + 1) on the benchmark family: the POSTs go
through the services like any other, so they stay in the database and its audit log.
"""

import argparse
import math
import os
import statistics
import sys
import time
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/homestart_bench"


def configure_environment() -> str:
    """Settings come from the environment: production-like (DEBUG off), with a bench-only key."""
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_urls
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-never-used-for-a-real-system")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")  # the test client speaks plain HTTP
    os.environ["DJANGO_SETTINGS_MODULE"] = "homestart.settings"
    return os.environ["DATABASE_URL"]


def signed_in_client(user: Any) -> Any:
    """A test client signed in as ``user`` with the second factor given, as after the real sign-in pages."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from homestart import services

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        pending = services.two_factor_enrolment_start(user=user)
        if time.time() % pending.step > pending.step - 1:  # codes have no tolerance: wait for a fresh step
            time.sleep(pending.step - time.time() % pending.step + 0.1)
        device, _codes = services.two_factor_enrolment_confirm(
            user=user, key=pending.key, token=f"{totp(pending.bin_key):06d}"
        )
    client = Client()
    client.force_login(user, "django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in the URL when it does not exist yet."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    options = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "password": parts.password,
    }
    try:
        psycopg2.connect(dbname=name, **options).close()
        return
    except psycopg2.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise
    admin = psycopg2.connect(dbname="postgres", **options)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()
    print(f"created database {name}")


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


class Measurement:
    def __init__(self, name: str, times_ms: list[float], queries: int) -> None:
        self.name = name
        self.median = statistics.median(times_ms)
        self.p95 = percentile(times_ms, 0.95)
        self.queries = queries


def measure(
    name: str, request: Callable[[], Any], check: Callable[[Any], None], *, warmups: int, repetitions: int
) -> Measurement:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmups):
        check(request())
    # Queries are counted on one extra request: capturing them slows the cursor, so timed requests run without.
    with CaptureQueriesContext(connection) as captured:
        check(request())
    queries = len(captured.captured_queries)  # now: the next request resets the connection's query log
    times = []
    for _ in range(repetitions):
        started = time.perf_counter()
        response = request()
        times.append((time.perf_counter() - started) * 1000)
        check(response)
    return Measurement(name, times, queries)


def expect_status(status: int) -> Callable[[Any], None]:
    def check(response: Any) -> None:
        if response.status_code != status:
            raise AssertionError(f"expected HTTP {status}, got {response.status_code}: {response.content[:500]!r}")

    return check


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=60000, help="Families to seed (default: national, 60000).")
    parser.add_argument("--reuse", action="store_true", help="Skip seeding when scale data is already there.")
    parser.add_argument("--repetitions", type=int, default=50)
    parser.add_argument("--warmups", type=int, default=5)
    args = parser.parse_args()

    url = configure_environment()
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench_pages measures PostgreSQL: set DATABASE_URL to a postgres:// URL.", file=sys.stderr)
        return 2
    ensure_database(url)

    import django

    # WhiteNoise warns that collectstatic has not been run; static files play no part in these timings.
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db.models import Count, Q
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse
    from django.utils import timezone

    from families.models import Assignment, CaseNote, Family, FamilyStatus, Visit
    from families.selectors import ACTIVE_STATUSES
    from homestart.models import AuditEntry, Role, Scheme, User
    from office.management.commands.seed_scale import SCALE_CODE_REGEX

    call_command("migrate", verbosity=0)
    seeded = Scheme.objects.filter(code__regex=SCALE_CODE_REGEX).exists()
    if seeded and not args.reuse:
        print("The database already holds scale data: run with --reuse, or point DATABASE_URL elsewhere.")
        return 2
    if not seeded:
        print(f"seeding {args.families:,} families (seed_scale)...")
        call_command("seed_scale", families=args.families)

    scale = Q(scheme__code__regex=SCALE_CODE_REGEX)
    coordinator = (
        User.objects.filter(scale, role=Role.COORDINATOR, is_active=True)
        .annotate(active=Count("coordinated_families", filter=Q(coordinated_families__status__in=ACTIVE_STATUSES)))
        .order_by("-active", "pk")
        .first()
    )
    family = (
        Family.objects.filter(scale, status=FamilyStatus.SUPPORTED)
        .annotate(visit_count=Count("visits"))
        .order_by("-visit_count", "pk")
        .first()
    )
    volunteer = Assignment.objects.get(family=family, ended_on__isnull=True).volunteer
    lead = family.lead_coordinator

    print(
        f"database {settings.DATABASES['default']['NAME']}: {Family.objects.count():,} families, "
        f"{Visit.objects.count():,} visits, {CaseNote.objects.count():,} notes, "
        f"{AuditEntry.objects.count():,} audit entries"
    )
    print(f"caseload: {coordinator.username} with {coordinator.active} active families")
    print(
        f"family page: {family.reference} with {family.visit_count} visits, "
        f"lead coordinator {lead.username}, volunteer {volunteer.username}"
    )
    print(f"{args.warmups} warm-ups, {args.repetitions} timed requests each, DEBUG={settings.DEBUG}\n")

    clients: dict[int, Client] = {}

    def client_for(user: User) -> Client:
        if user.pk not in clients:
            clients[user.pk] = signed_in_client(user)
        return clients[user.pk]

    results: list[Measurement] = []
    with override_settings(ROOT_URLCONF="bench_urls", ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        try:
            kw = {"warmups": args.warmups, "repetitions": args.repetitions}
            results.append(
                measure(
                    "trivial view",
                    lambda: client_for(coordinator).get(reverse("bench_trivial")),
                    expect_status(200),
                    **kw,
                )
            )
            results.append(
                measure(
                    "caseload list (coordinator)",
                    lambda: client_for(coordinator).get(reverse("families:list")),
                    expect_status(200),
                    **kw,
                )
            )
            results.append(
                measure(
                    "family page (lead coordinator)",
                    lambda: client_for(lead).get(reverse("families:detail", args=[family.pk])),
                    expect_status(200),
                    **kw,
                )
            )

            posted = {"count": 0}
            visits_before = Visit.objects.filter(family=family).count()
            form = {
                "visited_on": timezone.localdate().isoformat(),
                "duration_minutes": "60",
                "kind": "home",
                "note_text": "Bench visit: played with the children while Mum made phone calls.",
            }

            def post_visit() -> Any:
                posted["count"] += 1
                return client_for(volunteer).post(reverse("families:visit_new", args=[family.pk]), form)

            def saved(response: Any) -> None:
                expect_status(302)(response)
                count = Visit.objects.filter(family=family).count()
                if count != visits_before + posted["count"]:
                    raise AssertionError(f"visit not saved: {count} visits after {posted['count']} posts")

            results.append(measure("log a visit (POST, volunteer)", post_visit, saved, **kw))
        except Exception:  # noqa: BLE001 - report whatever the pages raise, then stop
            print("A page failed; the views are not this script's to fix. The error:\n", file=sys.stderr)
            traceback.print_exc()
            return 1

    trivial = results[0].median
    print(f"{'page':<34} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'× trivial':>10}")
    for result in results:
        print(
            f"{result.name:<34} {result.median:>10.1f} {result.p95:>8.1f} {result.queries:>8} "
            f"{result.median / trivial:>10.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

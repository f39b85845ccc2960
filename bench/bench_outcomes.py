"""Time the scheme outcome report (outcomes.report) at national scale, and count its queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/homestart_bench_outcomes .venv/bin/python bench/bench_outcomes.py
    # --families 500 5000 20000 --repeat 5 --reuse

Each size is a scheme of its own with that many supported families, each assessed three times (a start, a review
six months later and an end), every need of the starter framework scored: 20,000 families are 60,000 assessments and
780,000 scores, a third of the 60,000 families DESIGN.md plans for the whole country in one scheme. The framework is
set up and published through the services; the families, assessments and scores are written in bulk (a benchmark
database, not a scheme's: the audit entries the services would write are left out, and the report never reads them).
The first run creates the database and the data (a few minutes on 2 cores); ``--reuse`` times the data already there.

For each scheme it prints the report's median and slowest time over ``--repeat`` runs (after one warm-up), the
queries one report runs (the same for every size), and the page through Django's test client (DEBUG off) with its
queries, for a 12-month period covering every assessment.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def configure_environment() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-never-used-for-a-real-system")  # noqa: S105
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ["DJANGO_SETTINGS_MODULE"] = "homestart.settings"
    if "DATABASE_URL" not in os.environ:
        sys.exit("Set DATABASE_URL to a PostgreSQL database for the benchmark (it is created if missing).")


def ensure_database() -> None:
    """Create the benchmark database if it is missing (connecting to the server's own "postgres" database)."""
    import psycopg2
    from django.conf import settings

    db = settings.DATABASES["default"]
    conn = psycopg2.connect(
        host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"], dbname="postgres"
    )
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
            if not cursor.fetchone():
                cursor.execute(f'CREATE DATABASE "{db["NAME"]}"')
    finally:
        conn.close()


def build_scheme(size: int) -> Any:
    """A scheme with ``size`` supported families, each with a start, a review and an end assessment."""
    from django.utils import timezone

    from families.models import Family, FamilyStatus, HouseholdMember, MemberKind, SupportPeriod
    from homestart import services
    from homestart.models import Role, Scheme
    from outcomes import selectors
    from outcomes import services as outcome_services
    from outcomes.models import Assessment, AssessmentKind, Score

    code = f"B{size}"[:8]
    existing = Scheme.objects.filter(code=code).first()
    if existing is not None:
        return existing
    scheme = services.scheme_create(name=f"Home-Start Bench {size}", code=code)
    admin = services.user_create(
        scheme=scheme,
        username=f"admin-{code}",
        first_name="Bench",
        last_name="Admin",
        email=f"admin-{code}@example.invalid",
        role=Role.ADMINISTRATOR,
        password="bench-only-password-not-used",  # noqa: S106
        actor=None,
    )
    coordinator = services.user_create(
        scheme=scheme,
        username=f"coordinator-{code}",
        first_name="Bench",
        last_name="Coordinator",
        email=f"coordinator-{code}@example.invalid",
        role=Role.COORDINATOR,
        password="bench-only-password-not-used",  # noqa: S106
        actor=None,
    )
    draft = outcome_services.framework_start(scheme=scheme, actor=admin)
    outcome_services.framework_version_publish(version=draft, actor=admin)
    version = selectors.current_version(scheme.pk)
    needs = [need for area in version.areas.all() for need in area.needs.all()]

    today = timezone.localdate()
    start = today.replace(day=1) - datetime.timedelta(days=330)
    rng = random.Random(size)  # the same data on every run of one size
    batch = 2000
    for offset in range(0, size, batch):
        count = min(batch, size - offset)
        families = Family.objects.bulk_create(
            Family(
                scheme=scheme,
                reference=f"{code}-{offset + i:06d}",
                family_name=f"Bench{offset + i}",
                status=FamilyStatus.ENDED,
                lead_coordinator=coordinator,
                support_started_on=start,
                support_ended_on=start + datetime.timedelta(days=300),
            )
            for i in range(count)
        )
        HouseholdMember.objects.bulk_create(
            HouseholdMember(family=f, kind=MemberKind.ADULT, first_name="Sam") for f in families
        )
        periods = SupportPeriod.objects.bulk_create(
            SupportPeriod(family=f, started_on=start, ended_on=start + datetime.timedelta(days=300)) for f in families
        )
        assessments = Assessment.objects.bulk_create(
            Assessment(
                family=f,
                support_period=p,
                version=version,
                kind=kind,
                assessed_on=start + datetime.timedelta(days=days),
                recorded_by=coordinator,
            )
            for f, p in zip(families, periods, strict=True)
            for kind, days in ((AssessmentKind.START, 5), (AssessmentKind.REVIEW, 150), (AssessmentKind.END, 295))
        )
        Score.objects.bulk_create(
            Score(assessment=a, need=need, value=rng.randint(1, 5)) for a in assessments for need in needs
        )
        print(f"  scheme of {size}: {offset + count} families", flush=True)
    return scheme


def _count(run: Any) -> int:
    """How many queries ``run()`` sends to the database (counted as they go, whatever DEBUG says)."""
    from django.db import connection

    sent = []
    with connection.execute_wrapper(
        lambda execute, sql, params, many, context: sent.append(sql) or execute(sql, params, many, context)
    ):
        run()
    return len(sent)


def time_report(scheme: Any, repeat: int) -> dict[str, Any]:
    from django.test import Client
    from django.utils import timezone

    from homestart.models import User
    from outcomes import report

    last = report.last_complete_month(timezone.localdate())
    period = report.ReportPeriod(report.add_months(last, -11), last)
    report.scheme_report(scheme, period)  # warm-up
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = report.scheme_report(scheme, period)
        times.append(time.perf_counter() - started)
    queries = _count(lambda: report.scheme_report(scheme, period))

    client = Client()
    coordinator = User.objects.get(username=f"coordinator-{scheme.code}")
    client.force_login(coordinator)
    # The page needs the second factor too: the bench signs the session in as verified.
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=coordinator, name="bench", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    url = f"/outcomes/report/?first_month={period.first_month:%Y-%m}&last_month={period.last_month:%Y-%m}"
    client.get(url)
    page_times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        page_times.append(time.perf_counter() - started)
    assert response.status_code == 200, response.status_code
    page_queries = _count(lambda: client.get(url))
    return {
        "median": statistics.median(times),
        "slowest": max(times),
        "queries": queries,
        "page_median": statistics.median(page_times),
        "page_queries": page_queries,
        "assessed": result.assessed,
        "measured": result.measured,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, nargs="+", default=[500, 5000, 20000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="time the data already in the database")
    args = parser.parse_args()
    configure_environment()
    import django

    django.setup()
    from django.core.management import call_command

    if not args.reuse:
        ensure_database()
        call_command("migrate", verbosity=0)
    schemes = [build_scheme(size) for size in args.families]
    print(
        f"\n{'families':>9} {'report median':>14} {'slowest':>9} {'queries':>8} {'page median':>12} {'page queries':>13}"
    )
    for size, scheme in zip(args.families, schemes, strict=True):
        result = time_report(scheme, args.repeat)
        print(
            f"{size:>9} {result['median'] * 1000:>11.0f} ms {result['slowest'] * 1000:>6.0f} ms "
            f"{result['queries']:>8} {result['page_median'] * 1000:>9.0f} ms {result['page_queries']:>13}"
            f"   (shown: assessed {result['assessed']}, measured {result['measured']})"
        )
    print(f"\nload average: {os.getloadavg()}")


if __name__ == "__main__":
    main()

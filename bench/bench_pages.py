"""Time the busiest pages against national-scale data on PostgreSQL, next to the authenticated floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/homestart_bench .venv/bin/python bench/bench_pages.py [--reuse]

Without ``--reuse`` it creates the database if needed, migrates, and runs ``seed_scale --families N``; with it,
seeding is skipped when scale data is already there. Requests go through Django's test client with DEBUG off, so
the whole stack (middleware, sessions, auditlog, templates) runs, but no network or WSGI server does. For each page
it prints the median and 95th-percentile time, the queries one request runs, and the median as a multiple of the
authenticated floor's (``bench_urls.floor``: the same middleware and session, one query for 50 rows of the user's
scheme, rendered through ``base.html``); the visit POST as a multiple of the bare insert view's (one INSERT behind
the same middleware). The pages are timed in rounds, each round one request to every page in turn, so that a machine
whose speed drifts during the run slows the floor as much as the pages; garbage is collected before each timed
request, so that each pays for its own. Each run logs real visits (warm-ups + repetitions + 1) on the benchmark family: the POSTs go
through the services like any other, so they stay in the database and its audit log.

``--only NAME`` times only the pages whose name contains NAME (with the two floors); ``--profile NAME`` runs
cProfile over one page instead and prints where its time goes. ``--lower-bounds`` adds what an audited page cannot
go below: the floor that also records a case-file read, and the family page with only its first sections.
"""

import argparse
import gc
import math
import os
import statistics
import sys
import time
import traceback
import warnings
from collections import defaultdict
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
    client.force_login(user, "homestart.backends.UserWithSchemeBackend")
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


Page = tuple[str, Callable[[], Any], Callable[[Any], None]]


def measure(pages: list[Page], *, warmups: int, repetitions: int) -> list[Measurement]:
    """Each page's times, taken in rounds: every round requests every page once, in turn. A machine whose speed
    drifts during the run (a shared host) then slows the floor and the pages alike, so their ratios hold."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    queries = {}
    for name, request, check in pages:
        for _ in range(warmups):
            check(request())
        # Queries are counted on one extra request: capturing them slows the cursor, so timed requests run without.
        with CaptureQueriesContext(connection) as captured:
            check(request())
        queries[name] = len(captured.captured_queries)  # now: the next request resets the connection's query log
    times: dict[str, list[float]] = {name: [] for name, _request, _check in pages}
    for _ in range(repetitions):
        for name, request, check in pages:
            # Collected before each request, so that no request pays for the garbage of the one before it (the
            # dashboard's thousands of objects would otherwise be collected during whichever page comes next).
            gc.collect()
            started = time.perf_counter()
            response = request()
            times[name].append((time.perf_counter() - started) * 1000)
            check(response)
    return [Measurement(name, times[name], queries[name]) for name, _request, _check in pages]


def expect_status(status: int) -> Callable[[Any], None]:
    def check(response: Any) -> None:
        if response.status_code != status:
            raise AssertionError(f"expected HTTP {status}, got {response.status_code}: {response.content[:500]!r}")

    return check


def profile(request: Callable[[], Any], repetitions: int) -> None:
    """cProfile of ``repetitions`` requests: the 30 functions with the most cumulative time, the product's own 40,
    then the 20 with the most time of their own."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repetitions):
        request()
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(30)
    # The product's own functions (not Django's, not the libraries'): which section, selector or service costs what.
    own = f"^{ROOT}/(?!\\.venv)"
    stats.sort_stats("cumulative").print_stats(own, 40)
    stats.sort_stats("tottime").print_stats(20)


class Split:
    """Exclusive time by kind within a request: building SELECTs (``SQLCompiler.as_sql``, subqueries included in
    their query; inserts and updates have compilers of their own and count in the rest), waiting on the database
    (the driver's ``execute``), rendering templates (``Template.render``, less the queries a template runs), and
    the rest (middleware, views, model instances, forms)."""

    KINDS = ("compile", "database", "render")

    def __init__(self) -> None:
        self.spent = dict.fromkeys(self.KINDS, 0.0)
        self.stack: list[list[Any]] = []  # [kind, started]; entering a kind pauses the one it is inside
        self.patched: list[tuple[Any, str, Any]] = []

    def _wrap(self, owner: Any, attribute: str, kind: str) -> None:
        original = getattr(owner, attribute)
        split = self

        def timed(*args: Any, **kwargs: Any) -> Any:
            now = time.perf_counter()
            if split.stack:
                outer = split.stack[-1]
                split.spent[outer[0]] += now - outer[1]
            split.stack.append([kind, now])
            try:
                return original(*args, **kwargs)
            finally:
                done = time.perf_counter()
                inner = split.stack.pop()
                split.spent[inner[0]] += done - inner[1]
                if split.stack:
                    split.stack[-1][1] = done

        setattr(owner, attribute, timed)
        self.patched.append((owner, attribute, original))

    def __enter__(self) -> "Split":
        from django.db.backends.utils import CursorWrapper
        from django.db.models.sql.compiler import SQLCompiler
        from django.template.backends.django import Template

        self._wrap(SQLCompiler, "as_sql", "compile")
        self._wrap(CursorWrapper, "_execute", "database")
        self._wrap(Template, "render", "render")
        return self

    def __exit__(self, *exc: Any) -> None:
        for owner, attribute, original in reversed(self.patched):
            setattr(owner, attribute, original)


def split_times(pages: list[Page], *, warmups: int, repetitions: int) -> None:
    """Each page's median time split by kind (``Split``), in rounds as ``measure`` times them. The wrappers cost
    a little on every call, so the totals are a few per cent above ``measure``'s."""
    for _name, request, check in pages:
        for _ in range(warmups):
            check(request())
    rows: dict[str, dict[str, list[float]]] = {name: defaultdict(list) for name, _request, _check in pages}
    for _ in range(repetitions):
        for name, request, _check in pages:
            gc.collect()
            with Split() as split:
                started = time.perf_counter()
                request()
                total = time.perf_counter() - started
            row = rows[name]
            row["total"].append(total * 1000)
            for kind in Split.KINDS:
                row[kind].append(split.spent[kind] * 1000)
            row["rest"].append((total - sum(split.spent.values())) * 1000)
    columns = ("total", *Split.KINDS, "rest")
    print(f"{'page (median ms)':<32}" + "".join(f"{column:>10}" for column in columns))
    for name, row in rows.items():
        print(f"{name:<32}" + "".join(f"{statistics.median(row[column]):>10.1f}" for column in columns))


def explain_queries(name: str, request: Callable[[], Any]) -> None:
    """One request's queries, slowest first: the time the database took for each and the start of its SQL."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        request()
        total = (time.perf_counter() - started) * 1000
    queries = sorted(captured.captured_queries, key=lambda query: -float(query["time"]))
    in_database = sum(float(query["time"]) for query in queries) * 1000
    print(f"{name}: {len(queries)} queries, {in_database:.1f} ms of {total:.1f} ms waiting on the database\n")
    planned = {}  # each SELECT again under EXPLAIN: how long PostgreSQL took to plan it, and to run it
    with connection.cursor() as cursor:
        for query in queries:
            if query["sql"].lstrip("(").startswith("SELECT"):
                cursor.execute(f"EXPLAIN (ANALYZE, SUMMARY, FORMAT JSON) {query['sql']}")
                plan = cursor.fetchone()[0][0]
                planned[id(query)] = (plan["Planning Time"], plan["Execution Time"])
    for query in queries:
        plan = planned.get(id(query))
        split = f"  (planning {plan[0]:.2f} ms, execution {plan[1]:.2f} ms)" if plan else ""
        print(f"{float(query['time']) * 1000:7.2f} ms{split}  {query['sql'][:600]}\n")
    if planned:
        planning = sum(plan[0] for plan in planned.values())
        execution = sum(plan[1] for plan in planned.values())
        print(f"the {len(planned)} SELECTs again: planning {planning:.1f} ms, execution {execution:.1f} ms")


def ensure_consents_and_register(coordinator: Any) -> str:
    """Consents and register entries for the coordinator's scheme, as a scheme at work has them, through the real
    services (so their audit entries and chain are the real ones): seed_scale writes none, and the consents page,
    the register and the dashboard's consent sections would otherwise be timed empty. Written once per database.

    For each of the coordinator's supported families (75 at national scale): an information-exchange consent
    naming the family's health visitor; two in three signed (a photographed letter), of which one in four is due
    for review within 30 days; two entries in the register for each signed consent."""
    import datetime
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone
    from PIL import Image

    from consents import services as consent_services
    from consents.models import Category, ConsentMethod, ConsentStatus, ConsentWording, Disclosure, Purpose
    from consents.wordings import STARTER_WORDINGS
    from families.models import Family, FamilyStatus, MemberKind, Professional
    from homestart.models import Role, User

    scheme_id = coordinator.scheme_id
    if Disclosure.objects.filter(family__scheme_id=scheme_id).exists():
        return "consents and register: there already"
    if not ConsentWording.objects.filter(scheme_id=scheme_id, purpose=Purpose.INFORMATION_EXCHANGE).exists():
        administrator = User.objects.get(scheme_id=scheme_id, role=Role.ADMINISTRATOR, is_active=True)
        for purpose, (title, body) in STARTER_WORDINGS.items():
            consent_services.wording_publish(
                scheme=coordinator.scheme, purpose=purpose, title=title, body=body, actor=administrator
            )
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, format="PNG")
    photo = buffer.getvalue()
    fallback = Professional.objects.filter(agency__scheme_id=scheme_id, retired_on__isnull=True).first()
    today = timezone.localdate()
    families = Family.objects.filter(lead_coordinator=coordinator, status=FamilyStatus.SUPPORTED).order_by("pk")
    consents = entries = 0
    for number, family in enumerate(families.select_related("health_visitor")):
        recipient = family.health_visitor or fallback
        signer = family.members.filter(kind=MemberKind.ADULT).order_by("pk").first()
        if recipient is None or signer is None:
            continue
        review_in = 20 if number % 4 == 0 else 365
        consent, _letter, _pdf = consent_services.consent_request(
            family=family,
            purpose=Purpose.INFORMATION_EXCHANGE,
            signer=signer,
            recipients=[recipient],
            categories=[Category.SUPPORT_STATUS, Category.VISIT_SUMMARY],
            review_on=today + datetime.timedelta(days=review_in),
            print_letter=False,
            actor=coordinator,
        )
        consents += 1
        if number % 3 == 2:
            continue  # awaiting the family's signature
        consent = consent_services.consent_record_signed(
            consent=consent,
            scan=SimpleUploadedFile("signed.png", photo, content_type="image/png"),
            signed_on=today,
            method=ConsentMethod.PHOTOGRAPHED_LETTER,
            received_by=coordinator,
            actor=coordinator,
        )
        assert consent.status == ConsentStatus.SIGNED
        for categories, summary in (
            ([Category.SUPPORT_STATUS], "Told the health visitor the family is being supported."),
            ([Category.VISIT_SUMMARY], "Weekly home visits since the start of support, going well."),
        ):
            consent_services.disclosure_record(
                family=family,
                recipient=recipient,
                categories=categories,
                summary=summary,
                method="secure_email",
                disclosed_on=today,
                basis="consent",
                consent=consent,
                actor=coordinator,
            )
            entries += 1
    return f"consents and register: wrote {consents} consents and {entries} register entries"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=60000, help="Families to seed (default: national, 60000).")
    parser.add_argument("--reuse", action="store_true", help="Skip seeding when scale data is already there.")
    parser.add_argument("--repetitions", type=int, default=50)
    parser.add_argument("--warmups", type=int, default=5)
    parser.add_argument("--only", action="append", help="Time only the pages whose name contains this (repeatable).")
    parser.add_argument("--profile", metavar="PAGE", help="Profile the first page whose name contains PAGE instead.")
    parser.add_argument("--explain", metavar="PAGE", help="List that page's queries, slowest first, with times.")
    parser.add_argument(
        "--lower-bounds",
        action="store_true",
        help="Also time what an audited page cannot avoid: the floor with one case-file read recorded, and the"
        " family page with only some of its sections.",
    )
    parser.add_argument(
        "--section-costs",
        action="store_true",
        help="With --lower-bounds: also the family page's seven first sections plus each other section in turn.",
    )
    parser.add_argument(
        "--split", action="store_true", help="Split each page's median into building SQL, database, templates, rest."
    )
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
    import uuid

    import bench_urls
    from django.conf import settings
    from django.core.management import call_command
    from django.db.models import Count, Q
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
    bench_urls.ensure_insert_table()

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
    print(ensure_consents_and_register(coordinator))
    lead = family.lead_coordinator
    dsl = User.objects.filter(scheme_id=coordinator.scheme_id, is_safeguarding_lead=True, is_active=True).first()

    print(
        f"database {settings.DATABASES['default']['NAME']}: {Family.objects.count():,} families, "
        f"{Visit.objects.count():,} visits, {CaseNote.objects.count():,} notes, "
        f"{AuditEntry.objects.count():,} audit entries"
    )
    print(f"coordinator pages: {coordinator.username} with {coordinator.active} active families")
    print(
        f"family page: {family.reference} with {family.visit_count} visits, "
        f"lead coordinator {lead.username}, volunteer {volunteer.username}"
    )
    print(f"safeguarding dashboard: {dsl.username if dsl else '(no lead in that scheme: not timed)'}")
    print(f"{args.warmups} warm-ups, {args.repetitions} timed requests each, DEBUG={settings.DEBUG}\n")

    clients: dict[int, Any] = {}

    def client_for(user: User) -> Any:
        if user.pk not in clients:
            clients[user.pk] = signed_in_client(user)
        return clients[user.pk]

    def get(user: User, name: str, *route_args: Any) -> Callable[[], Any]:
        return lambda: client_for(user).get(reverse(name, args=route_args))

    inserted = {"count": 0}

    def post_insert() -> Any:
        inserted["count"] += 1
        return client_for(volunteer).post(reverse("bench_insert"), {"body": "Bench: one row, as a visit is one."})

    posted = {"count": 0}
    visits_before = Visit.objects.filter(family=family).count()

    def post_visit() -> Any:
        posted["count"] += 1
        form = {
            "visited_on": timezone.localdate().isoformat(),
            "duration_minutes": "60",
            "kind": "home",
            "note_text": "Bench visit: played with the children while Mum made phone calls.",
            "idempotency_key": str(uuid.uuid4()),  # a new form each time, as a volunteer opens one per visit
        }
        return client_for(volunteer).post(reverse("families:visit_new", args=[family.pk]), form)

    def saved(response: Any) -> None:
        expect_status(302)(response)
        count = Visit.objects.filter(family=family).count()
        if count != visits_before + posted["count"]:
            raise AssertionError(f"visit not saved: {count} visits after {posted['count']} posts")

    ok = expect_status(200)
    pages: list[Page] = [
        ("trivial view", get(coordinator, "bench_trivial"), ok),
        ("authenticated floor", get(coordinator, "bench_floor"), ok),
        ("bare insert (POST)", post_insert, expect_status(302)),
        ("coordinator dashboard", get(coordinator, "dashboard"), ok),
        ("caseload list", get(coordinator, "families:list"), ok),
        ("family page (lead coordinator)", get(lead, "families:detail", family.pk), ok),
        ("volunteer home", get(volunteer, "volunteers:home"), ok),
        ("log a visit (POST)", post_visit, saved),
        ("consents page", get(coordinator, "consents:overview"), ok),
        ("register", get(coordinator, "consents:register"), ok),
        ("supervision list", get(coordinator, "volunteers:supervision_list"), ok),
    ]
    if dsl is not None:
        pages.append(("safeguarding dashboard", get(dsl, "safeguarding:dashboard"), ok))
    if args.lower_bounds:
        pages += lower_bound_pages(
            get(lead, "bench_audited_floor", family.pk),
            get(lead, "families:detail", family.pk),
            section_costs=args.section_costs,
        )

    results: list[Measurement] = []
    with override_settings(ROOT_URLCONF="bench_urls", ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        if args.explain:
            name, request, check = next(page for page in pages if args.explain in page[0])
            for _ in range(args.warmups):
                check(request())
            explain_queries(name, request)
            return 0
        if args.profile:
            name, request, check = next(page for page in pages if args.profile in page[0])
            for _ in range(args.warmups):
                check(request())
            print(f"profile of {args.repetitions} requests: {name}\n")
            profile(request, args.repetitions)
            return 0
        chosen = [
            page
            for page in pages
            if not args.only
            or page[0] in {"authenticated floor", "bare insert (POST)"}
            or any(part in page[0] for part in args.only)
        ]
        if args.split:
            split_times(chosen, warmups=args.warmups, repetitions=args.repetitions)
            return 0
        try:
            results = measure(chosen, warmups=args.warmups, repetitions=args.repetitions)
        except Exception:  # noqa: BLE001 - report whatever the pages raise, then stop
            print("A page failed; the views are not this script's to fix. The error:\n", file=sys.stderr)
            traceback.print_exc()
            return 1

    by_name = {result.name: result for result in results}
    floor = by_name["authenticated floor"].median
    insert = by_name["bare insert (POST)"].median
    print(f"{'page':<32} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'× floor':>8}  goal")
    for result in results:
        if result.name == "log a visit (POST)":
            ratio, goal = f"{result.median / insert:.2f}", "≤ 2 × bare insert"
        elif result.name in GOAL_PAGES:
            ratio, goal = f"{result.median / floor:.2f}", "≤ 1.5 × floor"
        else:
            ratio, goal = f"{result.median / floor:.2f}", ""
        if result.name == "bare insert (POST)":
            goal = "(× floor; the visit POST is measured against it)"
        print(f"{result.name:<32} {result.median:>10.1f} {result.p95:>8.1f} {result.queries:>8} {ratio:>8}  {goal}")
    return 0


def lower_bound_pages(
    audited_floor: Callable[[], Any], family_page: Callable[[], Any], *, section_costs: bool = False
) -> list[Page]:
    """What no audited page can go below, timed in the same rounds as the pages: the floor that also records one read
    of the case file (as every case-file page does, in the same transaction), and the family page itself with only
    the sections named (the rest left out for that request alone: the page, its reader's standing and its audit
    entries are otherwise the real ones). With ``section_costs``, also the seven first sections with each other
    section in turn: what each of those adds."""
    from office import casefile

    def family_page_with(*names: str) -> Callable[[], Any]:
        def request() -> Any:
            every = casefile.SECTIONS
            casefile.SECTIONS = tuple(section for section in every if section.name in names)
            try:
                return family_page()
            finally:
                casefile.SECTIONS = every

        return request

    ok = expect_status(200)
    pages: list[Page] = [
        ("audited floor", audited_floor, ok),
        ("case file: header only", family_page_with("header"), ok),
        ("case file: 3 sections", family_page_with("header", "safeguarding", "details"), ok),
        ("case file: 7 sections", family_page_with(*OVERVIEW_SECTIONS), ok),
    ]
    if section_costs:
        others = [section.name for section in casefile.SECTIONS if section.name not in OVERVIEW_SECTIONS]
        pages += [(f"case file: 7 + {name}", family_page_with(*OVERVIEW_SECTIONS, name), ok) for name in others]
    return pages


# What an overview of the case file would keep if its records moved to pages of their own (bench/README.md).
OVERVIEW_SECTIONS = ("header", "safeguarding", "details", "household", "referral", "assignments", "ending")

# The pages whose goal is at most 1.5 times the floor's median (issue: national scale).
GOAL_PAGES = {
    "coordinator dashboard",
    "caseload list",
    "family page (lead coordinator)",
    "volunteer home",
    "consents page",
    "register",
}


if __name__ == "__main__":
    sys.exit(main())

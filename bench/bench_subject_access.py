"""Time the subject access export of a family with 500 visits, each with a private note, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/homestart_bench_sar .venv/bin/python bench/bench_subject_access.py
        [--visits 500] [--repeat 5] [--warmup 1]

It creates the database if needed and migrates it, then (once: later runs reuse it) builds through the services,
as the pages would, a scheme, its coordinator, safeguarding lead and volunteer, and one supported family with
everything an export gathers: a signed consent with its scan, the support-agreed notice, a disclosure, a decision
not to share, a supervision session, a safeguarding concern, and ``--visits`` visits each with a private note (every
tenth with a correction). Then it times ``office.subject_access.subject_access_export`` (gathering every app's
records, the PDF through WeasyPrint, family.json, the ZIP, and its audit entries) for the family's coordinator and
for the safeguarding lead (whose export adds the safeguarding pages), each with the PDF laid out in one part and in
two at once (ADR 0018; two needs two cores): the median of ``--repeat`` runs after ``--warmup`` untimed ones
(wall-clock seconds, and the median CPU seconds of this process, which is what the wall time of one part comes down
to on an idle machine; with two, the second part's CPU is its child's and not counted; the load average is printed before and after, as the machine may be
shared), with the queries one export runs, the PDF's pages and the ZIP's size. Each run appends
its audit entries (the export, and one read per note) to the bench database's log, as a real export would.
"""

import argparse
import io
import os
import statistics
import sys
import time
import warnings
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/homestart_bench_sar"
SCHEME_CODE = "SAR"
NOTE = (
    "Visit {n}: we played on the floor with the baby and talked about sleep. Mum said the nights are still hard "
    "and she feels on her own since the move; we looked at the leaflet for the Tuesday stay-and-play and she would "
    "like me to go with her the first time. The flat was warm; the health visitor is coming next week."
)


def configure_environment() -> str:
    """Settings from the environment: production-like (DEBUG off), with a bench-only key."""
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_pages, for ensure_database
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-never-used-for-a-real-system")
    os.environ.setdefault("PRIVATE_MEDIA_ROOT", str(ROOT / "var" / "bench-private"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "homestart.settings"
    return os.environ["DATABASE_URL"]


def build_family(visits: int) -> Any:
    """The bench family, with something in every kind of record and ``visits`` visits with notes (built once)."""
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from consents import services as consent_services
    from consents.models import Category, Purpose
    from consents.wordings import STARTER_WORDINGS
    from families import services as family_services
    from families.models import AgencyKind, Family, MemberKind, ReferralOutcome
    from homestart import services
    from homestart.models import Role
    from homestart.pdf import render_html
    from safeguarding import services as safeguarding_services
    from safeguarding.models import ConcernCategory
    from volunteers import services as volunteer_services
    from volunteers.services import AgreedAction, DiscussedFamily

    existing = Family.objects.filter(scheme__code=SCHEME_CODE).first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    scheme = services.scheme_create(
        name="Home-Start Bench", code=SCHEME_CODE, address="1 Quay Lane\nSouthsea PO4 9ZZ", phone="023 9200 0000"
    )

    def user(username: str, role: str, dsl: bool = False) -> Any:
        return services.user_create(
            scheme=scheme,
            username=f"sar-{username}",
            first_name=username.capitalize(),
            last_name="Bench",
            email=f"sar-{username}@example.invalid",
            role=role,
            is_safeguarding_lead=dsl,
            password="bench-only-password-not-used",  # noqa: S106
            actor=None,
        )

    coordinator = user("coordinator", Role.COORDINATOR)
    user("lead", Role.COORDINATOR, dsl=True)
    administrator = user("administrator", Role.ADMINISTRATOR)
    volunteer = user("volunteer", Role.VOLUNTEER)
    for purpose, (title, body) in STARTER_WORDINGS.items():
        consent_services.wording_publish(scheme=scheme, purpose=purpose, title=title, body=body, actor=administrator)
    health_visitor = family_services.professional_add(
        scheme=scheme,
        agency_name="Southsea Health Visiting Team",
        agency_kind=AgencyKind.HEALTH_VISITING,
        name="Helen Price",
        role="Health visitor",
        actor=coordinator,
    )
    referral = family_services.referral_receive(
        actor=coordinator,
        family_name="Adeyemi",
        address="1 Test Road\nSouthsea",
        postcode="PO4 1AA",
        referrer=health_visitor,
        health_visitor=health_visitor,
        date_received=today - datetime.timedelta(days=visits + 40),
        reasons="Isolated after moving to the area; a new baby and a toddler.",
        members=[
            {"kind": MemberKind.ADULT, "first_name": "Grace", "last_name": "Adeyemi", "relationship": "mother"},
            {
                "kind": MemberKind.CHILD,
                "first_name": "Tobi",
                "last_name": "Adeyemi",
                "date_of_birth": today - datetime.timedelta(days=300),
            },
        ],
    )
    family_services.referral_decide(referral=referral, outcome=ReferralOutcome.ACCEPTED, actor=coordinator)
    family = referral.family
    volunteer_services.volunteer_profile_update(
        profile=volunteer.volunteer_profile,
        dbs_certificate_number="001234567890",
        dbs_issued_on=today - datetime.timedelta(days=400),
        dbs_renewal_due=today + datetime.timedelta(days=700),
        preparation_course_completed_on=today - datetime.timedelta(days=380),
        actor=coordinator,
    )
    family_services.assignment_start(
        family=family, volunteer=volunteer, started_on=today - datetime.timedelta(days=visits + 20), actor=coordinator
    )
    family.refresh_from_db()
    consent, _letter, _document = consent_services.consent_request(
        family=family,
        purpose=Purpose.INFORMATION_EXCHANGE,
        signer=family.members.get(kind=MemberKind.ADULT),
        recipients=[health_visitor],
        categories=[Category.SUPPORT_STATUS, Category.VISIT_SUMMARY],
        review_on=today + datetime.timedelta(days=365),
        actor=coordinator,
    )
    scan = SimpleUploadedFile("signed.pdf", render_html("<p>Signed letter</p>"), content_type="application/pdf")
    consent_services.consent_record_signed(
        consent=consent,
        scan=scan,
        signed_on=today,
        method="scanned_letter",
        received_by=coordinator,
        actor=coordinator,
    )
    consent_services.support_agreed_notices_send(family=family, method="letter", actor=coordinator)
    consent_services.disclosure_decline(
        family=family,
        recipient=health_visitor,
        categories=[Category.HOUSEHOLD],
        reason="Asked who lives at the address; the family has not agreed to that.",
        decided_on=today,
        actor=coordinator,
    )
    print(f"logging {visits} visits with notes...", flush=True)
    for number in range(visits):
        visit = family_services.visit_log(
            family=family,
            visited_on=today - datetime.timedelta(days=visits - number),
            duration_minutes=60,
            note_text=NOTE.format(n=number + 1),
            actor=volunteer,
        )
        if number % 10 == 0:
            family_services.case_note_correct(
                note=visit.note, text=f"Correction to visit {number + 1}: it was Tuesday, not Monday.", actor=volunteer
            )
    volunteer_services.supervision_record(
        volunteer=volunteer,
        held_on=today,
        notes="General notes about the volunteer.",
        discussed=[DiscussedFamily(family, "Going well; Grace more confident.")],
        actions=[AgreedAction("Find a stay-and-play", today + datetime.timedelta(days=7), family)],
        actor=coordinator,
    )
    safeguarding_services.concern_raise(
        family=family,
        children=list(family.members.filter(kind=MemberKind.CHILD)),
        category=ConcernCategory.NEGLECT,
        account="The toddler was alone on the balcony.",
        observed_on=today,
        observed_time=None,
        immediate_danger=False,
        actor=volunteer,
        site_root="http://bench.invalid/",
    )
    return family


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visits", type=int, default=500, help="visits, each with a private note (default 500)")
    parser.add_argument("--repeat", type=int, default=5, help="timed exports for each person (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed exports first (default 1)")
    args = parser.parse_args()

    url = configure_environment()
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench_subject_access measures PostgreSQL: set DATABASE_URL to a postgres:// URL.", file=sys.stderr)
        return 2
    from bench_pages import ensure_database

    ensure_database(url)
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    import weasyprint
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from families.models import CaseNote, Visit
    from homestart.models import User
    from office.subject_access import subject_access_export

    call_command("migrate", verbosity=0)
    family = build_family(args.visits)
    coordinator = family.lead_coordinator
    lead = User.objects.get(scheme=family.scheme, username="sar-lead")
    print(
        f"WeasyPrint {weasyprint.__version__}, Python {sys.version.split()[0]}, database "
        f"{settings.DATABASES['default']['NAME']}, DEBUG={settings.DEBUG}, {os.cpu_count()} CPUs"
    )
    print(
        f"family {family.reference}: {Visit.objects.filter(family=family).count()} visits, "
        f"{CaseNote.objects.filter(family=family).count()} private notes (corrections included)"
    )
    print(f"load average before timing: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    from homestart import pdf

    in_parts = pdf.parts_available
    print(
        f"{'export by':<46}  {'median s':>8}  {'min s':>6}  {'max s':>6}  {'CPU s':>6}  {'queries':>7}  {'pages':>5}"
        f"  {'ZIP bytes':>10}"
    )
    runs = []
    for label, actor in [("the family's coordinator", coordinator), ("a safeguarding lead (+ safeguarding)", lead)]:
        runs += [(f"{label}, one part", actor, lambda: 1), (f"{label}, two parts", actor, in_parts)]
    for label, actor, parts in runs:
        pdf.parts_available = parts  # one part: the PDF laid out on one core, as a threaded server does
        for _ in range(args.warmup):
            subject_access_export(family=family, actor=actor)
        with CaptureQueriesContext(connection) as captured:
            export = subject_access_export(family=family, actor=actor)
        queries = len(captured.captured_queries)
        samples, cpu = [], []
        for _ in range(args.repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            export = subject_access_export(family=family, actor=actor)
            samples.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        archive = zipfile.ZipFile(io.BytesIO(export.content))
        document = archive.read(next(name for name in archive.namelist() if name.endswith(".pdf")))
        pages = _pages(document)
        print(
            f"{label:<46}  {statistics.median(samples):>8.2f}  {min(samples):>6.2f}  {max(samples):>6.2f}  "
            f"{statistics.median(cpu):>6.2f}  {queries:>7}  {pages:>5}  {len(export.content):>10,}"
        )
    print(f"load average after: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    return 0


def _pages(document: bytes) -> int:
    """The number of pages in a PDF, as poppler-utils' pdfinfo reads it, or 0 where it is not installed."""
    import shutil
    import subprocess

    if shutil.which("pdfinfo") is None:
        return 0
    info = subprocess.run(["pdfinfo", "-"], input=document, capture_output=True, check=True).stdout.decode()  # noqa: S603, S607
    return next((int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:")), 0)


if __name__ == "__main__":
    sys.exit(main())

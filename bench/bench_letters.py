"""Time the information-exchange consent form as a PDF, next to WeasyPrint rendering the same HTML directly.

    .venv/bin/python bench/bench_letters.py [--repeat 30] [--warmup 5] [--batch 100]

It needs no database server: it migrates a throwaway in-memory SQLite database (DEBUG off, a bench-only key) and
builds a scheme, a coordinator, a supported family, a health visitor and the wordings through the services, as the
pages would. Then, after warm-ups, it times:

- ``homestart.pdf.render_letter("information_exchange_form", ...)``: the template, its few queries, and WeasyPrint with
  the static-only fetcher (what ``_print`` does before it stores the Letter row);
- WeasyPrint alone on the same HTML, rendered once beforehand: ``weasyprint.HTML(string=html,
  base_url=LETTER_BASE_URL).write_pdf()`` with WeasyPrint's default fetcher. The stylesheet link is pointed at the
  same css/letter.css as a ``file:`` URL, so both paths lay out the same page with the same stylesheet; the
  default fetcher could not resolve the made-up letter origin;
- the service ``consent_letter_reprint`` (render, Letter row with its SHA-256, audit entry), for reference.

For each it prints the median ms per letter, and a batch of N letters one after another (total seconds and ms per
letter); then the ratio of render_letter to plain WeasyPrint.
"""

import argparse
import logging
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def configure_environment() -> None:
    """A throwaway in-memory database, production-like settings (DEBUG off), a bench-only key."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = "sqlite:///:memory:"
    os.environ["DEBUG"] = "false"
    os.environ["SECRET_KEY"] = "bench-only-secret-key-never-used-for-a-real-system"  # noqa: S105
    os.environ["DJANGO_SETTINGS_MODULE"] = "homestart.settings"


def build_data() -> dict[str, Any]:
    """Everything the letter shows, made through the services; returns the consent and its printer."""
    import datetime

    from django.utils import timezone

    from consents import services as consent_services
    from consents.models import Category, Purpose
    from consents.wordings import STARTER_WORDINGS
    from families import services as family_services
    from families.models import AgencyKind, MemberKind, ReferralOutcome
    from homestart import services
    from homestart.models import Role
    from volunteers import services as volunteer_services

    scheme = services.scheme_create(
        name="Home-Start Harbourside",
        code="HBS",
        address="The Old School House\n12 Quay Lane\nSouthsea PO4 9ZZ",
        phone="023 9200 0000",
        email="office@homestart-harbourside.example",
    )

    def user(username: str, role: str) -> Any:
        return services.user_create(
            scheme=scheme,
            username=username,
            first_name=username.capitalize(),
            last_name="Bench",
            email=f"{username}@example.invalid",
            role=role,
            password="bench-only-password-not-used",  # noqa: S106
            actor=None,
        )

    coordinator = user("coordinator", Role.COORDINATOR)
    volunteer = user("volunteer", Role.VOLUNTEER)
    administrator = user("administrator", Role.ADMINISTRATOR)
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
    today = timezone.localdate()
    referral = family_services.referral_receive(
        actor=coordinator,
        family_name="Adeyemi",
        address="1 Test Road\nSouthsea",
        postcode="PO4 1AA",
        referrer=health_visitor,
        health_visitor=health_visitor,
        date_received=today - datetime.timedelta(days=30),
        reasons="Isolated after moving to the area.",
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
        family=family, volunteer=volunteer, started_on=today - datetime.timedelta(days=20), actor=coordinator
    )
    family.refresh_from_db()
    consent, _letter, document = consent_services.consent_request(
        family=family,
        purpose=Purpose.INFORMATION_EXCHANGE,
        signer=family.members.get(kind=MemberKind.ADULT),
        recipients=[health_visitor],
        categories=[Category.SUPPORT_STATUS, Category.VISIT_SUMMARY],
        review_on=today + datetime.timedelta(days=365),
        actor=coordinator,
    )
    return {"consent": consent, "coordinator": coordinator, "first_pdf": document}


def letter_context(consent: Any, actor: Any) -> dict[str, Any]:
    """The context ``consents.services._print`` gives an information-exchange form."""
    from django.utils import timezone

    return {
        "scheme": consent.family.scheme,
        "family": consent.family,
        "consent": consent,
        "wording": consent.wording,
        "recipient": None,
        "printed_by": actor,
        "printed_on": timezone.localdate(),
    }


class FailedFetches(logging.Handler):
    """Collects WeasyPrint's warnings and errors (a stylesheet it could not load is one)."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def time_one(run: Callable[[], Any], repeat: int, warmup: int) -> float:
    """Median ms of ``repeat`` runs after ``warmup`` untimed ones."""
    for _ in range(warmup):
        run()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def time_batch(run: Callable[[], Any], count: int) -> float:
    """Seconds for ``count`` runs one after another."""
    started = time.perf_counter()
    for _ in range(count):
        run()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed single renders (default 30)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed renders first (default 5)")
    parser.add_argument("--batch", type=int, default=100, help="letters in the batch (default 100)")
    args = parser.parse_args()

    configure_environment()
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    import weasyprint
    from django.conf import settings
    from django.core.management import call_command
    from django.template.loader import render_to_string

    from consents import services
    from homestart import pdf

    call_command("migrate", verbosity=0)
    data = build_data()
    consent, actor = data["consent"], data["coordinator"]
    context = letter_context(consent, actor)
    kind = "information_exchange_form"

    html = render_to_string(f"letters/{kind}.html", context)
    stylesheet = pdf.static_file_for(pdf.STATIC_PREFIX + "css/letter.css")
    direct_html = html.replace('href="/static/css/letter.css"', f'href="{stylesheet.as_uri()}"')
    assert direct_html != html, "the letter template no longer links css/letter.css as the bench expects"

    def ours() -> bytes:
        return pdf.render_letter(kind, context)

    def direct() -> bytes:
        return weasyprint.HTML(string=direct_html, base_url=pdf.LETTER_BASE_URL).write_pdf()

    def service() -> Any:
        return services.consent_letter_reprint(consent=consent, actor=actor)

    # Both lay out the same letter with the same stylesheet (WeasyPrint logs a failed fetch): the same pages.
    failures = FailedFetches()
    logging.getLogger("weasyprint").addHandler(failures)
    ours_document = weasyprint.HTML(string=html, base_url=pdf.LETTER_BASE_URL, url_fetcher=pdf.StaticOnlyFetcher())
    direct_document = weasyprint.HTML(string=direct_html, base_url=pdf.LETTER_BASE_URL)
    pages = len(ours_document.render().pages)
    assert pages == len(direct_document.render().pages), "the two paths laid out different letters"
    assert not failures.messages, f"WeasyPrint could not load something: {failures.messages}"
    logging.getLogger("weasyprint").removeHandler(failures)
    print(
        f"WeasyPrint {weasyprint.__version__}, Python {sys.version.split()[0]}, "
        f"database {settings.DATABASES['default']['NAME']}, DEBUG={settings.DEBUG}"
    )
    print(
        f"letter: {kind}, {pages} pages, {len(ours())} bytes; "
        f"warm-ups {args.warmup}, timed {args.repeat}, batch {args.batch}"
    )

    results: dict[str, tuple[float, float]] = {}
    for name, run in [
        ("render_letter (template + static-only fetcher)", ours),
        ("WeasyPrint alone, same HTML pre-rendered", direct),
        ("consent_letter_reprint service (+ Letter row, audit)", service),
    ]:
        median = time_one(run, args.repeat, args.warmup)
        batch = time_batch(run, args.batch)
        results[name] = (median, batch)

    width = max(len(name) for name in results)
    print(f"{'':<{width}}  {'median ms':>10}  {'batch s':>8}  {'ms/letter':>9}")
    for name, (median, batch) in results.items():
        print(f"{name:<{width}}  {median:>10.1f}  {batch:>8.2f}  {batch / args.batch * 1000:>9.1f}")
    (ours_median, ours_batch), (direct_median, direct_batch) = list(results.values())[:2]
    print(
        f"ratio render_letter / WeasyPrint alone: median {ours_median / direct_median:.2f}x, "
        f"batch {ours_batch / direct_batch:.2f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The disclosure register's CSV, byte for byte: what spreadsheets open must not change when the code moves."""

import datetime
import io
from typing import Any

from django.urls import reverse
from django.utils import timezone

from consents import selectors, services
from consents.models import Category, DisclosureBasis
from consents.register_csv import write_register_csv
from tests.consents.conftest import signed_information_consent


def test_register_csv_is_byte_for_byte_what_the_export_answers(client: Any, consent_world: Any) -> None:
    world = consent_world
    consent = signed_information_consent(world)
    shared = services.disclosure_record(
        family=world.family,
        recipient=world.health_visitor,
        categories=[Category.SUPPORT_STATUS, Category.VISIT_SUMMARY],
        summary='Support started "in" March, weekly.',
        method="secure_email",
        disclosed_on=timezone.localdate(),
        basis=DisclosureBasis.CONSENT,
        consent=consent,
        actor=world.coordinator,
    )
    declined = services.disclosure_decline(
        family=world.family,
        recipient=world.health_visitor,
        categories=[Category.CONTACT_DETAILS],
        reason="=HYPERLINK(1)",
        decided_on=timezone.localdate(),
        actor=world.coordinator,
    )

    def stamp(row: Any) -> str:
        return row.recorded_at.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M")

    today, reference = timezone.localdate().isoformat(), world.family.reference
    expected = (
        "\ufeffDate,Family reference,Family name,Shared,Recipient,Role,Organisation,Information,What was shared,"
        "Reason for not sharing,Method,Basis,Recorded by,Recorded at (UTC)\r\n"
        f"{today},{reference},Adeyemi,No,Helen Price,Health visitor,North Health Visiting Team,"
        f'"Contact details (names, address, postcode, phone)",,\'=HYPERLINK(1),,,Coordinator Tester,{stamp(declined)}\r\n'
        f"{today},{reference},Adeyemi,Yes,Helen Price,Health visitor,North Health Visiting Team,"
        '"Support status (whether Home-Start is supporting the family); Summary of visits (how often and what kind, '
        'not what was said)","Support started ""in"" March, weekly.",,Secure email,The family\'s signed consent,'
        f"Coordinator Tester,{stamp(shared)}\r\n"
    )

    out = io.StringIO()
    write_register_csv(out, selectors.register_rows(world.coordinator, filters={}))
    assert out.getvalue() == expected

    client.force_login(world.coordinator)
    response = client.get(reverse("consents:family_register", args=[world.family.pk]), {"format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="disclosure-register-{reference}-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    assert response.content == expected.encode("utf-8")

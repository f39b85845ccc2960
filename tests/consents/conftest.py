"""Set-up for consent tests: wordings published, a family with a referrer and a health visitor."""

import datetime
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from consents import services
from consents.models import Category, Purpose
from consents.wordings import STARTER_WORDINGS
from families.models import AgencyKind, Professional
from families.services import professional_add
from tests.conftest import make_family


def publish_wordings(scheme: Any, actor: Any) -> None:
    """The starter wordings, published through the service by ``actor``: the scheme's administrator (only
    administrators publish wordings)."""
    for purpose, (title, body) in STARTER_WORDINGS.items():
        services.wording_publish(scheme=scheme, purpose=purpose, title=title, body=body, actor=actor)


def pdf_upload(name: str = "signed.pdf") -> SimpleUploadedFile:
    from homestart.pdf import render_html

    return SimpleUploadedFile(name, render_html("<p>Signed letter</p>"), content_type="application/pdf")


def png_upload(name: str = "signed.png") -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def consent_world(world: Any) -> Any:
    """The core world with wordings published; its supported family was referred by its health visitor."""
    publish_wordings(world.scheme, world.administrator)
    world.health_visitor = Professional.objects.get(name="Helen Price")
    world.family = make_family(
        world.coordinator,
        "Adeyemi",
        volunteer=world.volunteer,
        referrer=world.health_visitor,
        health_visitor=world.health_visitor,
    )
    return world


def signed_information_consent(
    world: Any, categories: list[str] | None = None, recipients: list[Any] | None = None
) -> Any:
    consent, _letter, _pdf = services.consent_request(
        family=world.family,
        purpose=Purpose.INFORMATION_EXCHANGE,
        signer=world.family.members.get(kind="adult"),
        recipients=recipients or [world.health_visitor],
        categories=categories or [Category.SUPPORT_STATUS, Category.VISIT_SUMMARY],
        review_on=timezone.localdate() + datetime.timedelta(days=365),
        actor=world.coordinator,
    )
    return services.consent_record_signed(
        consent=consent,
        scan=pdf_upload(),
        signed_on=timezone.localdate(),
        method="scanned_letter",
        received_by=world.coordinator,
        actor=world.coordinator,
    )


def add_gp(world: Any, name: str = "Dr Amir Khan") -> Professional:
    """A GP of the world's scheme (a second professional besides its health visitor), added to the directory."""
    return professional_add(
        scheme=world.scheme,
        agency_name="Lake Road GP Practice",
        agency_kind=AgencyKind.GP,
        name=name,
        role="GP",
        actor=world.coordinator,
    )

"""SECURITY 10: downloading a signed scan asks for the password or a code within the last 10 minutes.

A stale session is sent to prove it is them, then back to the download; nothing is downloaded or recorded before.
"""

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from consents import services as consent_services
from consents.audit import ConsentAuditEvent
from homestart.middleware import AUTHENTICATED_AT
from homestart.models import AuditEntry
from tests.consents.conftest import png_upload
from tests.consents.test_views_consents import _awaiting_consent

pytestmark = pytest.mark.django_db


def _stale(client: Any) -> None:
    session = client.session
    session[AUTHENTICATED_AT] = timezone.now().timestamp() - 3600
    session.save()


def test_a_signed_scan_is_not_downloaded_on_a_stale_sign_in(client: Any, consent_world: Any) -> None:
    consent = consent_services.consent_record_signed(
        consent=_awaiting_consent(consent_world),
        scan=png_upload(),
        signed_on=timezone.localdate(),
        method="photographed_letter",
        received_by=consent_world.dsl,
        actor=consent_world.coordinator,
    )
    client.force_login(consent_world.coordinator)
    _stale(client)
    url = reverse("consents:scan", args=[consent.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('two_factor:reauthenticate')}?next={url.replace('/', '%2F')}"
    assert not AuditEntry.objects.filter(event=ConsentAuditEvent.SCAN_DOWNLOADED).exists()

    session = client.session
    session[AUTHENTICATED_AT] = timezone.now().timestamp()  # proved again
    session.save()
    assert client.get(url).status_code == 200
    assert AuditEntry.objects.filter(event=ConsentAuditEvent.SCAN_DOWNLOADED).count() == 1


def test_a_stale_sign_in_cannot_download_the_scan_of_a_consent_it_may_not_see(client: Any, consent_world: Any) -> None:
    """Who may not see the consent gets the same 404 however recently they signed in: no hint it exists."""
    consent = _awaiting_consent(consent_world)
    client.force_login(consent_world.volunteer)
    _stale(client)
    assert client.get(reverse("consents:scan", args=[consent.pk])).status_code == 404

"""SECURITY 10: printing the safeguarding chronology asks for the password or a code within the last 10 minutes.

The print is a POST: a stale session proves it is them and comes back to the chronology page, where the lead prints
again; nothing is printed or recorded before.
"""

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from homestart.middleware import AUTHENTICATED_AT
from homestart.models import AuditEntry
from safeguarding.audit import SafeguardingAuditEvent
from tests.safeguarding.conftest import raise_concern

pytestmark = pytest.mark.django_db


def _stale(client: Any) -> None:
    session = client.session
    session[AUTHENTICATED_AT] = timezone.now().timestamp() - 3600
    session.save()


def test_the_chronology_pdf_is_not_printed_on_a_stale_sign_in(client: Any, sg_world: Any) -> None:
    raise_concern(sg_world)
    client.force_login(sg_world.dsl)
    _stale(client)
    page = reverse("safeguarding:chronology", args=[sg_world.family.pk])
    assert client.get(page).status_code == 200  # reading it on screen is audited, and needs no new proof
    pdf = reverse("safeguarding:chronology_pdf", args=[sg_world.family.pk])
    response = client.post(pdf, HTTP_REFERER=f"http://testserver{page}")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('two_factor:reauthenticate')}?next={page.replace('/', '%2F')}"
    assert not AuditEntry.objects.filter(event=SafeguardingAuditEvent.CHRONOLOGY_PRINTED).exists()

    # From another site's page (or none), back to the person's home page: never to an address outside.
    response = client.post(pdf, HTTP_REFERER="https://evil.example/phish")
    assert response["Location"] == f"{reverse('two_factor:reauthenticate')}?next=%2F"

    session = client.session
    session[AUTHENTICATED_AT] = timezone.now().timestamp()
    session.save()
    response = client.post(pdf)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert AuditEntry.objects.filter(event=SafeguardingAuditEvent.CHRONOLOGY_PRINTED).count() == 1

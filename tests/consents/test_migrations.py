"""The data step of consents' migration 0005: who closed an agency request, and when, from the audit log."""

import datetime
import importlib
from typing import Any

from auditlog.context import set_actor
from auditlog.diff import model_instance_diff
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from consents import services
from consents.models import AgencyRequest, Category
from homestart import audit
from homestart.models import AuditEntry

closed_from_the_audit_log = importlib.import_module(
    "consents.migrations.0005_agencyrequest_closed_by_closed_at"
).closed_from_the_audit_log


def _request(world: Any, *, identifying: bool = False) -> AgencyRequest:
    return services.agency_request_receive(
        requester=world.health_visitor,
        received_on=timezone.localdate(),
        purpose="Checking the family is supported" if identifying else "Numbers for the annual report",
        categories=[Category.SUPPORT_STATUS],
        identifying=identifying,
        family=world.family if identifying else None,
        due_on=timezone.localdate() + datetime.timedelta(days=14),
        actor=world.coordinator,
    )


def _status_entry(request: AgencyRequest, status: str) -> AuditEntry:
    entries = AuditEntry.objects.filter(
        content_type__app_label="consents",
        content_type__model="agencyrequest",
        object_id=request.pk,
        action=AuditEntry.Action.UPDATE,
        changes__has_key="status",
    )
    return next(entry for entry in entries.order_by("-timestamp", "-pk") if entry.changes["status"][-1] == status)


def test_closed_requests_get_who_closed_them_and_when_from_the_audit_log(client: Any, consent_world: Any) -> None:
    world = consent_world
    answered = _request(world)
    with set_actor(world.dsl):  # as the audit middleware does for a page
        services.agency_request_close(request=answered, fulfilled=True, note="Figures sent.", actor=world.dsl)
    asked_then_declined = _request(world, identifying=True)
    services.agency_request_ask_family(
        request=asked_then_declined,
        signer=world.family.members.get(kind="adult"),
        review_on=timezone.localdate() + datetime.timedelta(days=60),
        actor=world.coordinator,
    )
    # Closed outside any page (a script), before the services named their actor: django-auditlog's signal wrote
    # the entry then, and knew when but not by whom. That entry, as it was written:
    before = audit.snapshot(asked_then_declined)
    AgencyRequest.objects.filter(pk=asked_then_declined.pk).update(status="declined")
    asked_then_declined.refresh_from_db()
    AuditEntry.objects.log_create(
        asked_then_declined,
        force_log=True,
        action=AuditEntry.Action.UPDATE,
        changes=model_instance_diff(before, asked_then_declined),
    )
    still_open = _request(world)
    # Before the migration the columns did not exist: every request comes to it with both empty.
    AgencyRequest.objects.update(closed_by=None, closed_at=None)

    closed_from_the_audit_log(apps, None)

    answered.refresh_from_db()
    assert answered.closed_by == world.dsl
    assert answered.closed_at == _status_entry(answered, "fulfilled").timestamp
    asked_then_declined.refresh_from_db()
    declined_entry = _status_entry(asked_then_declined, "declined")
    assert declined_entry.actor is None and asked_then_declined.closed_by is None
    assert asked_then_declined.closed_at == declined_entry.timestamp  # not the earlier change to "family asked"
    assert asked_then_declined.closed_at > _status_entry(asked_then_declined, "family_asked").timestamp
    still_open.refresh_from_db()
    assert still_open.closed_by is None and still_open.closed_at is None

    client.force_login(world.coordinator)
    page = client.get(reverse("consents:request_detail", args=[answered.pk])).content.decode()
    assert f"Answered on {timezone.localdate():%-d %B %Y} by Dsl Tester." in page
    page = client.get(reverse("consents:request_detail", args=[asked_then_declined.pk])).content.decode()
    assert f"Declined on {timezone.localdate():%-d %B %Y}." in page


def test_the_backfill_leaves_requests_that_already_know_who_closed_them(consent_world: Any) -> None:
    world = consent_world
    request = _request(world)
    services.agency_request_close(request=request, fulfilled=False, note="Not ours.", actor=world.coordinator)
    request.refresh_from_db()
    kept = (request.closed_by, request.closed_at)
    closed_from_the_audit_log(apps, None)
    closed_from_the_audit_log(apps, None)
    request.refresh_from_db()
    assert (request.closed_by, request.closed_at) == kept == (world.coordinator, kept[1])

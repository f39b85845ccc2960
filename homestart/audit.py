"""Audit plumbing: which records django-auditlog tracks, what it masks, and the events it cannot see itself.

Changes to domain records are logged by auditlog's signal receivers (actor and address from its middleware).
Reads of private records and sign-in events are written here, by the services that cause them.
"""

from collections.abc import Iterable
from typing import Any

from auditlog.context import auditlog_value
from auditlog.registry import auditlog
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from homestart.models import AuditEntry, AuditEvent

MASK = "[not recorded]"


def mask_personal(value: str) -> str:
    """Replace a personal value completely: the audit log must not become a second copy of private text."""
    return MASK


# Fields holding private or personal text, per model label. Changes to them are logged as "[not recorded]".
PERSONAL_FIELDS: dict[str, list[str]] = {
    "homestart.User": ["first_name", "last_name", "email", "phone"],
    "families.Family": ["family_name", "address", "postcode", "phone", "support_end_reason"],
    "families.HouseholdMember": ["first_name", "last_name", "relationship", "date_of_birth", "expected_due_date"],
    "families.Professional": ["name", "email", "phone"],
    "families.Referral": ["reasons", "outcome_reason"],
    "families.CaseNote": ["text"],
    "volunteers.SupervisionSession": ["notes"],
    "volunteers.SupervisionFamily": ["notes"],
    "volunteers.SupervisionAction": ["text"],
    "volunteers.GroupMeeting": ["topics", "notes"],
    "safeguarding.Concern": ["account", "observed_on", "observed_time"],
    "safeguarding.ConcernStep": ["details", "participants", "family_response"],
    "safeguarding.FollowUp": ["action"],
    "consents.Disclosure": ["summary", "reason", "reference_number"],
}

EXCLUDED_FIELDS: dict[str, list[str]] = {
    "homestart.User": ["password", "last_login"],
}


def register_models() -> None:
    """Register every domain model with auditlog (called once at start-up)."""
    from django.apps import apps

    domain_apps = {"homestart", "families", "volunteers", "consents", "safeguarding"}
    for model in apps.get_models():
        if model._meta.app_label not in domain_apps or model is AuditEntry:
            continue
        if model.__name__.endswith("ObjectPermission"):
            continue  # permission rows are written by services that log the change on the record itself
        label = model._meta.label
        auditlog.register(
            model,
            mask_fields=PERSONAL_FIELDS.get(label, []),
            exclude_fields=EXCLUDED_FIELDS.get(label, []),
        )


def _context() -> dict[str, Any]:
    try:
        return auditlog_value.get()
    except LookupError:
        return {}


def record_event(
    *,
    event: AuditEvent,
    instance: models.Model | None = None,
    actor: Any = None,
    object_repr: str = "",
    remote_addr: str | None = None,
    extra: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry for something auditlog's signals do not see (a read, a sign-in)."""
    context = _context()
    actor = actor if actor is not None else context.get("actor")
    target = instance if instance is not None else actor
    return AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(target if target is not None else get_user_model()),
        object_pk=str(target.pk) if target is not None else "",
        object_id=target.pk if target is not None else None,
        object_repr=object_repr or (str(target) if target is not None else ""),
        action=AuditEntry.Action.ACCESS,
        event=event,
        actor=actor,
        actor_email=getattr(actor, "email", None),
        remote_addr=remote_addr or context.get("remote_addr"),
        additional_data=extra,
    )


def record_reads(*, instances: Iterable[models.Model], actor: Any, event: AuditEvent) -> int:
    """Write one ACCESS entry per record read, in a single statement however many records there are."""
    instances = list(instances)
    if not instances:
        return 0
    context = _context()
    content_type = ContentType.objects.get_for_model(type(instances[0]))
    entries = [
        AuditEntry(
            content_type=content_type,
            object_pk=str(instance.pk),
            object_id=instance.pk,
            object_repr=str(instance),
            action=AuditEntry.Action.ACCESS,
            event=event,
            actor=actor,
            actor_email=getattr(actor, "email", None),
            remote_addr=context.get("remote_addr"),
        )
        for instance in instances
    ]
    AuditEntry.objects.bulk_create(entries)
    return len(entries)


def _client_address(request: Any) -> str | None:
    from homestart.middleware import client_ip

    return client_ip(request) if request is not None else None


def _on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record_event(event=AuditEvent.LOGIN, actor=user, remote_addr=_client_address(request))
    if request is not None and hasattr(request, "session"):
        # The clocks for the 12-hour session limit and for "signed in recently" start now.
        from homestart.middleware import AUTHENTICATED_AT, SIGNED_IN_AT

        now = timezone.now().timestamp()
        request.session[SIGNED_IN_AT] = now
        request.session[AUTHENTICATED_AT] = now


def _on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record_event(event=AuditEvent.LOGOUT, actor=user, remote_addr=_client_address(request))


def _on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    user = get_user_model().objects.filter(username=username).first()
    record_event(
        event=AuditEvent.LOGIN_FAILED,
        instance=user,
        actor=None,
        object_repr=f"sign-in attempt as {username!r}",
        remote_addr=_client_address(request),
    )


def connect_signals() -> None:
    register_models()
    user_logged_in.connect(_on_login, dispatch_uid="homestart.audit.login")
    user_logged_out.connect(_on_logout, dispatch_uid="homestart.audit.logout")
    user_login_failed.connect(_on_login_failed, dispatch_uid="homestart.audit.login_failed")

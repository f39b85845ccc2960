"""Audit plumbing: the registries of tracked models and event types, and the writers of entries.

Every app declares its own event types and the fields its models mask, beside its models, and registers them
here from its AppConfig.ready(); this module never names another app's models. Changes to domain records are
logged by auditlog's signal receivers (actor and address from its middleware). Reads of private records and
sign-in events are written by the services that cause them, through ``record_event`` and ``record_reads``.
"""

from collections.abc import Iterable
from typing import Any

from auditlog.context import auditlog_value
from auditlog.registry import auditlog
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone

from homestart.models import AuditEntry, AuditEvent, User

MASK = "[not recorded]"


def mask_personal(value: str) -> str:
    """Replace a personal value completely: the audit log must not become a second copy of private text."""
    return MASK


# The kinds of audit event, by stored value: each app declares its own (a TextChoices beside its models) and
# registers it from its AppConfig.ready(). An event nobody registered is refused, so a typo cannot reach the log.
EVENTS: dict[str, str] = {}

# Every model whose changes auditlog records, by label, with the fields it masks. Filled by each app's ready().
TRACKED: dict[str, list[str]] = {}


def register_events(events: type[models.TextChoices]) -> None:
    """Declare an app's audit event types. A value declared twice with another label is a mistake."""
    for value, label in events.choices:
        if EVENTS.get(value, label) != label:
            raise ImproperlyConfigured(f"Audit event {value!r} is declared twice with different labels.")
        EVENTS[value] = label


def event_label(value: str) -> str:
    """The plain-English name of an audit event, for pages that show the log."""
    return EVENTS.get(value, value)


def register_app(app_label: str, *, masked: dict[str, list[str]], excluded: dict[str, list[str]] | None = None) -> None:
    """Track every model of the app with django-auditlog, masking the fields the app names.

    ``masked`` maps a model name to its fields holding private or personal text: changes to them are logged as
    "[not recorded]". Permission rows are left out: the services that write them log the change on the record.
    A name that is not a model or a field of the app fails at start-up, so a rename cannot silently unmask.
    """
    from django.apps import apps

    excluded = excluded or {}
    models_by_name = {model.__name__: model for model in apps.get_app_config(app_label).get_models()}
    for name, fields in {**masked, **excluded}.items():
        model = models_by_name.get(name)
        if model is None:
            raise ImproperlyConfigured(f"{app_label} masks fields of {name!r}, which is not one of its models.")
        known = {field.name for field in model._meta.get_fields()}
        unknown = sorted(set(fields) - known)
        if unknown:
            raise ImproperlyConfigured(f"{app_label}.{name} has no fields {unknown} to mask or leave out.")
    for name, model in models_by_name.items():
        if model is AuditEntry or name.endswith("ObjectPermission"):
            continue
        label = model._meta.label
        TRACKED[label] = list(masked.get(name, []))
        auditlog.register(model, mask_fields=masked.get(name, []), exclude_fields=excluded.get(name, []))


def _context() -> dict[str, Any]:
    try:
        return auditlog_value.get()
    except LookupError:
        return {}


def record_event(
    *,
    event: str,
    instance: models.Model | None = None,
    actor: User | None = None,
    object_repr: str = "",
    remote_addr: str | None = None,
    extra: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry for something auditlog's signals do not see (a read, a sign-in)."""
    _check_event(event)
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


def record_reads(*, instances: Iterable[models.Model], actor: User, event: str) -> int:
    """Write one ACCESS entry per record read, in a single statement however many records there are."""
    _check_event(event)
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


def _check_event(event: str) -> None:
    if event not in EVENTS:
        raise ImproperlyConfigured(f"Audit event {event!r} is not declared by any app.")


def _client_address(request: Any) -> str | None:
    from homestart.middleware import client_ip

    return client_ip(request) if request is not None else None


def _on_login(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    record_event(event=AuditEvent.LOGIN, actor=user, remote_addr=_client_address(request))
    if request is not None and hasattr(request, "session"):
        # The clocks for the 12-hour session limit and for "signed in recently" start now.
        from homestart.middleware import AUTHENTICATED_AT, SIGNED_IN_AT

        now = timezone.now().timestamp()
        request.session[SIGNED_IN_AT] = now
        request.session[AUTHENTICATED_AT] = now


def _on_logout(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
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
    """Core's own part of the audit log: its events, its models, and sign-in events."""
    register_events(AuditEvent)
    register_app(
        "homestart",
        masked={"User": ["first_name", "last_name", "email", "phone"]},
        excluded={"User": ["password", "last_login"]},
    )
    user_logged_in.connect(_on_login, dispatch_uid="homestart.audit.login")
    user_logged_out.connect(_on_logout, dispatch_uid="homestart.audit.logout")
    user_login_failed.connect(_on_login_failed, dispatch_uid="homestart.audit.login_failed")

"""Audit plumbing: the registries of tracked models and event types, and the writers of entries.

Every app declares its own event types and the fields its models mask, beside its models, and registers them
here from its AppConfig.ready(); this module never names another app's models.

Every entry is written explicitly, by the service that does the thing, in its transaction (Zulip's
``RealmAuditLog`` pattern): ``record_change`` for a created, changed or deleted record (django-auditlog's own
diff, personal fields masked), ``record_m2m`` for a many-to-many change (``set_m2m`` sets a relation and writes
it), ``record_event`` and ``record_reads`` for reads, prints and sign-ins. No entry depends on a signal: django-auditlog keeps the model, the field
configuration and the middleware (actor and address), but its signal receivers are switched off. Services are
declared with ``@audit.service``; with ``AUDIT_STRICT`` on (tests, development) a service that changes a tracked
record without an entry for it fails (``AuditGap``). ADR 0011.
"""

import copy
import functools
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from typing import Any, TypeVar

from auditlog.cid import get_cid
from auditlog.context import auditlog_value
from auditlog.diff import model_instance_diff
from auditlog.models import DEFAULT_OBJECT_REPR
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.db import connection, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch.dispatcher import _make_id
from django.utils import timezone
from django.utils.encoding import smart_str

from homestart.exceptions import RefusalRecorded
from homestart.models import AuditEntry, AuditEvent, User

MASK = "[not recorded]"


def mask_personal(value: str) -> str:
    """Replace a personal value completely: the audit log must not become a second copy of private text."""
    return MASK


# The kinds of audit event, by stored value: each app declares its own (a TextChoices beside its models) and
# registers it from its AppConfig.ready(). An event nobody registered is refused, so a typo cannot reach the log.
EVENTS: dict[str, str] = {}

# Every model whose changes are audited, by label, with the fields it masks. Filled by each app's ready().
TRACKED: dict[str, list[str]] = {}

# How to find the family an entry is about, by model label: each app registers its models' (``family_of``).
FAMILY_OF: dict[str, Callable[[Any], int | None]] = {}

ANONYMISED = "[anonymised]"

F = TypeVar("F", bound=Callable[..., Any])


class AuditGap(AssertionError):
    """A service changed a tracked record and wrote no audit entry for it (raised only with AUDIT_STRICT on)."""


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
        # Registered for auditlog's field configuration (what ``record_change`` diffs and masks), with its
        # signal receivers disconnected: every entry is written by a service (module docstring).
        # The other side of a relation is the other record's own (its own entries log it): reading a reverse
        # one-to-one to diff it would cost a query per entry and never differ.
        reverse = [field.name for field in model._meta.get_fields() if field.auto_created and not field.concrete]
        auditlog.register(model, mask_fields=masked.get(name, []), exclude_fields=[*excluded.get(name, []), *reverse])
        auditlog._disconnect_signals(model)
        if getattr(settings, "AUDIT_STRICT", False):
            _watch(model)


def family_of(model: type[models.Model], find: Callable[[Any], int | None]) -> None:
    """Declare how to find the family a record of ``model`` is about (its pk), for the entries written about it."""
    FAMILY_OF[model._meta.label] = find


def _family_pk(instance: models.Model | None) -> int | None:
    if instance is None:
        return None
    find = FAMILY_OF.get(instance._meta.label)
    return find(instance) if find is not None else None


def _context() -> dict[str, Any]:
    """The actor and address of the request (or ``set_actor`` block) running now, or nothing.

    django-auditlog leaves its value behind when the request or block ends (it only disconnects the receiver it
    connected for it), so a value whose receiver is gone belongs to something that is over: it must not name the
    actor of whatever runs next in the same thread (a command, a test, a service called without a request).
    """
    try:
        context = auditlog_value.get()
    except LookupError:
        return {}
    key = (context.get("signal_duid"), _make_id(AuditEntry))
    if not any(receiver[0] == key for receiver in pre_save.receivers):
        return {}
    return context


def snapshot(instance: models.Model) -> models.Model:
    """A copy of ``instance`` as it is now, to diff against once the service has changed it (``record_change``)."""
    return copy.copy(instance)


def record_change(
    instance: models.Model,
    *,
    event: str,
    before: models.Model | None = None,
    created: bool = False,
    deleted: bool = False,
    actor: User | None = None,
    extra: dict[str, Any] | None = None,
    family_pk: int | None = None,
) -> AuditEntry | None:
    """Write the entry for a record the service created (``created``), changed (``before`` = its ``snapshot``) or
    deleted (``deleted``), with django-auditlog's diff of the fields: personal fields as "[not recorded]".

    A change that changed nothing writes nothing (and is no gap).
    """
    _check_event(event)
    if created:
        action, changes = AuditEntry.Action.CREATE, model_instance_diff(None, instance)
    elif deleted:
        action, changes = AuditEntry.Action.DELETE, model_instance_diff(instance, None)
    else:
        if before is None:
            raise ValueError("record_change needs the record's snapshot from before the change, or created/deleted.")
        action, changes = AuditEntry.Action.UPDATE, model_instance_diff(before, instance)
    if not changes and not created and not deleted:
        _covered(instance._meta.label, instance.pk)
        return None
    return _write(
        instance,
        action=action,
        event=event,
        actor=actor,
        changes=changes or {},
        extra=extra,
        family_pk=family_pk if family_pk is not None else _family_pk(instance),
    )


def record_created(records: Sequence[tuple[models.Model, str]], *, actor: User | None = None) -> list[AuditEntry]:
    """``record_change(instance, event=event, created=True)`` for each ``(instance, event)``, in the order given, in
    one INSERT: for a service that creates several records together (a visit and its note), one round trip to the
    database instead of one per record. The entries are the ones ``record_change`` writes
    (``tests/homestart/test_audit.py`` compares them)."""
    for _instance, event in records:
        _check_event(event)
    context = _context()
    actor = actor if actor is not None else context.get("actor")
    entries = [
        _entry(
            instance,
            context,
            action=AuditEntry.Action.CREATE,
            event=event,
            actor=actor,
            changes=model_instance_diff(None, instance) or {},
            family_pk=_family_pk(instance),
        )
        for instance, event in records
    ]
    AuditEntry.objects.bulk_create(entries)
    for instance, _event in records:
        _covered(instance._meta.label, instance.pk)
    return entries


def _entry(
    instance: models.Model,
    context: dict[str, Any],
    *,
    action: int,
    event: str,
    actor: User | None,
    changes: dict[str, Any],
    family_pk: int | None,
) -> AuditEntry:
    """The entry ``AuditEntry.objects.log_create(instance, force_log=True, ...)`` saves (its content type, key, name,
    serialized data and correlation id), unsaved, with what django-auditlog's request context sets on an entry as
    it is saved (the address and port): for writing several in one statement, where no ``pre_save`` runs."""
    manager = AuditEntry.objects
    pk = manager._get_pk_value(instance)
    try:
        object_repr = smart_str(instance)
    except ObjectDoesNotExist:
        object_repr = DEFAULT_OBJECT_REPR
    entry = AuditEntry(
        content_type=ContentType.objects.get_for_model(instance),
        object_pk=pk,
        object_id=pk if isinstance(pk, int) else None,
        object_repr=object_repr,
        serialized_data=manager._get_serialized_data_or_none(instance),
        cid=get_cid(),
        action=action,
        changes=changes,
        event=event,
        actor=actor,
        actor_email=getattr(actor, "email", None),
        family_pk=family_pk,
    )
    _apply_context(entry, context)
    return entry


def _apply_context(entry: AuditEntry, context: dict[str, Any]) -> None:
    """What django-auditlog's request context sets on an entry as it is saved, other than the actor (given)."""
    for key, value in context.items():
        if key != "actor" and hasattr(AuditEntry, key):
            setattr(entry, key, value() if callable(value) else value)


def record_m2m(
    instance: models.Model,
    field: str,
    *,
    event: str,
    added: Iterable[models.Model | int] = (),
    removed: Iterable[models.Model | int] = (),
    actor: User | None = None,
) -> AuditEntry | None:
    """Write the entry for a many-to-many change: which related records (by id, never by name) came and went."""
    _check_event(event)
    instance._meta.get_field(field)  # a typo fails here, not silently in the log
    ids = {
        "added": sorted(getattr(item, "pk", item) for item in added),
        "removed": sorted(getattr(item, "pk", item) for item in removed),
    }
    if not ids["added"] and not ids["removed"]:
        _covered(instance._meta.label, instance.pk)
        return None
    changes = {field: {"type": "m2m", **{key: value for key, value in ids.items() if value}}}
    return _write(
        instance,
        action=AuditEntry.Action.UPDATE,
        event=event,
        actor=actor,
        changes=changes,
        extra=None,
        family_pk=_family_pk(instance),
    )


def set_m2m(
    instance: models.Model,
    field: str,
    targets: Iterable[models.Model | int],
    *,
    event: str,
    actor: User | None = None,
) -> AuditEntry | None:
    """Set a many-to-many relation to exactly ``targets`` and write the entry for who came and went (``record_m2m``).

    What a service calls instead of the related manager's ``set()``: the entry cannot be forgotten, and a later
    change that drops a record from the relation is on record as a removal, by id. The same queries as ``set()``.
    """
    manager = getattr(instance, field)
    wanted = {getattr(target, "pk", target) for target in targets}
    current = set(manager.values_list("pk", flat=True))
    added, removed = sorted(wanted - current), sorted(current - wanted)
    if removed:
        manager.remove(*removed)
    if added:
        manager.add(*added)
    return record_m2m(instance, field, event=event, added=added, removed=removed, actor=actor)


def _write(
    instance: models.Model,
    *,
    action: int,
    event: str,
    actor: User | None,
    changes: dict[str, Any],
    extra: dict[str, Any] | None,
    family_pk: int | None,
) -> AuditEntry:
    context = _context()
    actor = actor if actor is not None else context.get("actor")
    return AuditEntry.objects.log_create(
        instance,
        force_log=True,
        action=action,
        changes=changes,
        event=event,
        actor=actor,
        actor_email=getattr(actor, "email", None),
        remote_addr=context.get("remote_addr"),
        additional_data=extra,
        family_pk=family_pk,
    )


def record_event(
    *,
    event: str,
    instance: models.Model | None = None,
    actor: User | None = None,
    object_repr: str = "",
    remote_addr: str | None = None,
    extra: dict[str, Any] | None = None,
    family_pk: int | None = None,
) -> AuditEntry:
    """Write one audit entry for something that is not a change of a record (a read, a print, a sign-in)."""
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
        family_pk=family_pk if family_pk is not None else _family_pk(instance),
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
            family_pk=_family_pk(instance),
        )
        for instance in instances
    ]
    for entry in entries:
        _apply_context(entry, context)  # the address and port, as on an entry saved one at a time
    AuditEntry.objects.bulk_create(entries)
    for instance in instances:
        _covered(instance._meta.label, instance.pk)
    return len(entries)


def anonymise_entries(entries: Any, *, actor: User | None = None, reason: str) -> int:
    """The one path by which an audit entry changes: blank its personal columns (what it was about, by name;
    who did it, by email; from which address). What was done, when, by which account id, and the chain stay.

    Allowed by the append-only trigger only inside this function (a transaction-local setting) and only for
    exactly this change; the run is itself logged, with the count. Returns the number of entries anonymised.
    """
    ids = list(entries.filter(anonymised=False).values_list("pk", flat=True))
    if not ids:
        return 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL homestart.audit_anonymise = 'on'")
        count = 0
        for start in range(0, len(ids), 5000):
            count += AuditEntry.objects.filter(pk__in=ids[start : start + 5000]).update(
                object_repr=ANONYMISED, actor_email=None, remote_addr=None, remote_port=None, anonymised=True
            )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL homestart.audit_anonymise = 'off'")
        record_event(
            event=AuditEvent.AUDIT_ANONYMISED,
            actor=actor,
            object_repr=f"{count} audit entries anonymised",
            extra={"count": count, "reason": reason},
        )
    return count


def _check_event(event: str) -> None:
    if event not in EVENTS:
        raise ImproperlyConfigured(f"Audit event {event!r} is not declared by any app.")


# --- Services, and the check that each one audits what it changes --------------------------------------------

_recorder: ContextVar["_Recorder | None"] = ContextVar("homestart_audit_recorder", default=None)


class _Recorder:
    """What the running service changed, and what it wrote audit entries for (AUDIT_STRICT only)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.changed: dict[tuple[str, str], str] = {}
        self.covered: set[tuple[str, str]] = set()

    def check(self) -> None:
        missing = {key: what for key, what in self.changed.items() if key not in self.covered}
        if missing:
            listed = ", ".join(f"{what} {label} #{pk}" for (label, pk), what in sorted(missing.items()))
            raise AuditGap(f"{self.name} changed records without an audit entry for them: {listed}.")


def service(func: F | None = None, *, savepoint: bool = True) -> Any:
    """Declare a service: it runs in one transaction, and writes its own audit entries in it.

    With ``AUDIT_STRICT`` on, the outermost service call fails with ``AuditGap`` (and its transaction rolls back)
    if it created, changed or deleted a tracked record, or changed a many-to-many relation, without an entry for
    that record. Services called by services are checked as part of the outer call.

    A service that refuses with ``RefusalRecorded`` keeps what it wrote before refusing (the failed attempt's own
    entry): its transaction commits, then the refusal reaches the caller. ``@audit.service(savepoint=False)`` is
    for reads that only append entries: inside a page's transaction they need no savepoint (two queries) of their
    own, at the price that an error inside one spoils the caller's transaction.
    """

    def decorate(function: F) -> F:
        @functools.wraps(function)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not getattr(settings, "AUDIT_STRICT", False) or _recorder.get() is not None:
                return _run(function, args, kwargs, savepoint=savepoint, recorder=None)
            recorder = _Recorder(f"{function.__module__}.{function.__qualname__}")
            token = _recorder.set(recorder)
            try:
                return _run(function, args, kwargs, savepoint=savepoint, recorder=recorder)
            finally:
                _recorder.reset(token)

        wrapped.audited_service = True  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorate(func) if func is not None else decorate


def _run(
    function: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    *,
    savepoint: bool,
    recorder: "_Recorder | None",
) -> Any:
    refusal = None
    with transaction.atomic(savepoint=savepoint):
        try:
            result = function(*args, **kwargs)
        except RefusalRecorded as exc:
            refusal, result = exc, None
        if recorder is not None:
            recorder.check()
    if refusal is not None:
        raise refusal
    return result


def _covered(label: str, pk: Any) -> None:
    recorder = _recorder.get()
    if recorder is not None:
        recorder.covered.add((label, str(pk)))


def _changed(label: str, pk: Any, what: str) -> None:
    recorder = _recorder.get()
    if recorder is not None:
        recorder.changed.setdefault((label, str(pk)), what)


# Fields whose saving alone is no change of a domain record (Django's own bookkeeping on sign-in).
_BOOKKEEPING = frozenset({"last_login"})


def _on_save(sender: type[models.Model], instance: models.Model, created: bool, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if update_fields and set(update_fields) <= _BOOKKEEPING:
        return
    _changed(sender._meta.label, instance.pk, "created" if created else "changed")


def _on_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    _changed(sender._meta.label, instance.pk, "deleted")


def _on_m2m(sender: Any, instance: models.Model, action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        _changed(type(instance)._meta.label, instance.pk, "changed the links of")


def _on_entry(sender: Any, instance: AuditEntry, created: bool, **kwargs: Any) -> None:
    if created and instance.content_type_id is not None:
        _covered(ContentType.objects.get_for_id(instance.content_type_id).model_class()._meta.label, instance.object_pk)


def _watch(model: type[models.Model]) -> None:
    uid = f"homestart.audit.watch.{model._meta.label}"
    post_save.connect(_on_save, sender=model, dispatch_uid=f"{uid}.save")
    post_delete.connect(_on_delete, sender=model, dispatch_uid=f"{uid}.delete")
    for field in model._meta.local_many_to_many:
        m2m_changed.connect(_on_m2m, sender=field.remote_field.through, dispatch_uid=f"{uid}.{field.name}")


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
    if getattr(settings, "AUDIT_STRICT", False):
        post_save.connect(_on_entry, sender=AuditEntry, dispatch_uid="homestart.audit.entry")
    register_app(
        "homestart",
        masked={"User": ["first_name", "last_name", "email", "phone"]},
        excluded={"User": ["password", "last_login"]},
    )
    user_logged_in.connect(_on_login, dispatch_uid="homestart.audit.login")
    user_logged_out.connect(_on_logout, dispatch_uid="homestart.audit.logout")
    user_login_failed.connect(_on_login_failed, dispatch_uid="homestart.audit.login_failed")

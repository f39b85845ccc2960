"""Every change of a domain record is audited by the service that makes it (SECURITY 17; ADR 0011).

Three checks keep it so:
- statically, every public function of a services module is an ``@audit.service`` (or the module names it as
  writing nothing, and it indeed calls nothing that writes); and no module outside the services saves, creates or
  deletes records;
- at run time, with AUDIT_STRICT on (the whole suite), a service that changes a tracked record or a many-to-many
  relation without an audit entry about that record fails with ``AuditGap``; the tests below show the check
  itself works, so it cannot pass by doing nothing.
"""

import ast
import importlib
import inspect
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction

from homestart import audit
from homestart.models import AuditEntry, AuditEvent, Scheme

REPO = Path(__file__).resolve().parents[2]
APPS = ("homestart", "documents", "families", "volunteers", "consents", "safeguarding", "outcomes", "office")
# Modules whose public functions are services: each app's services, and the top floor's account handover.
SERVICE_MODULES = [f"{app}.services" for app in APPS if (REPO / app / "services.py").exists()]
# Methods that write to the database when called on a model instance, a manager or a queryset.
WRITES = frozenset(
    {"save", "delete", "create", "bulk_create", "bulk_update", "update", "get_or_create", "update_or_create",
     "add", "remove", "set", "clear", "assign_perm", "remove_perm", "full_clean_and_save", "save_or_refuse"}
)  # fmt: skip
# Where writes outside the services are expected: the audit core writes entries, exceptions.save_or_refuse is
# the services' own helper, the seed commands write in bulk (and write the entries the services would have).
WRITERS_OUTSIDE_SERVICES = {
    "homestart/audit.py",
    "homestart/exceptions.py",
    "homestart/forms.py",  # Django's PasswordResetForm.save: sends the email, the service around it audits
}


def _public_functions(module: Any) -> list[tuple[str, Any]]:
    return [
        (name, function)
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__ and not name.startswith("_")
    ]


def _calls_a_write(function: Any) -> list[str]:
    tree = ast.parse(inspect.getsource(function).lstrip())
    return sorted(
        {
            node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and (
                (isinstance(node.func, ast.Attribute) and node.func.attr in WRITES)
                or (isinstance(node.func, ast.Name) and node.func.id in WRITES)
            )
        }
    )


@pytest.mark.parametrize("module_name", SERVICE_MODULES)
def test_every_public_service_is_an_audited_service(module_name: str) -> None:
    module = importlib.import_module(module_name)
    pure = set(getattr(module, "WRITES_NOTHING", ()))
    unaudited = [
        name for name, function in _public_functions(module) if name not in pure and not getattr(function, "audited_service", False)
    ]  # fmt: skip
    assert not unaudited, (
        f"{module_name}: {unaudited} are not declared @audit.service. Every service writes its own audit entry in "
        "its transaction; a function that writes nothing goes in the module's WRITES_NOTHING."
    )
    for name in sorted(pure):
        function = getattr(module, name)
        assert not getattr(function, "audited_service", False), f"{module_name}.{name} is a service: not pure"
        assert not _calls_a_write(function), (
            f"{module_name}.{name} is in WRITES_NOTHING but calls {_calls_a_write(function)}"
        )


def _modules_outside_services() -> list[Path]:
    paths = []
    for app in APPS:
        for path in sorted((REPO / app).rglob("*.py")):
            relative = path.relative_to(REPO).as_posix()
            if (
                "/migrations/" in relative
                or "/management/commands/seed_" in relative
                or relative.endswith("/services.py")
                or relative in WRITERS_OUTSIDE_SERVICES
                or relative.endswith("settings.py")
                or relative.endswith("settings_test.py")
            ):
                continue
            paths.append(path)
    return paths


def test_records_are_written_only_by_services() -> None:
    offenders = []
    for path in _modules_outside_services():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            method, target = node.func.attr, node.func.value
            chained_on_objects = isinstance(target, ast.Attribute) and target.attr == "objects"
            if method in {"save", "delete", "bulk_create"} or (chained_on_objects and method in WRITES):
                # A file format's own save (a QR code image, a PDF) is not a record.
                if isinstance(target, ast.Call) and getattr(target.func, "attr", "") in {"make", "make_qr"}:
                    continue
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno} .{method}()")
    assert not offenders, f"Records written outside a service (write a service that audits it): {offenders}"


# --- The run-time check works ---------------------------------------------------------------------------------


@pytest.fixture
def strict(settings: Any) -> None:
    settings.AUDIT_STRICT = True
    for model in apps.get_models():
        if model._meta.label in audit.TRACKED:
            audit._watch(model)
    from django.db.models.signals import post_save

    post_save.connect(audit._on_entry, sender=AuditEntry, dispatch_uid="homestart.audit.entry")


@audit.service
def _rename_without_an_entry(scheme: Scheme) -> None:
    scheme.name = "Renamed quietly"
    scheme.save()


@audit.service
def _rename_with_an_entry(scheme: Scheme) -> None:
    before = audit.snapshot(scheme)
    scheme.name = "Renamed on the record"
    scheme.save()
    audit.record_change(scheme, event=AuditEvent.SCHEME_SETTINGS_CHANGED, before=before)


@pytest.mark.django_db
def test_a_service_that_changes_a_record_without_an_entry_fails_and_changes_nothing(strict: None) -> None:
    scheme = Scheme.objects.create(code="TST", name="Home-Start Test")
    with pytest.raises(audit.AuditGap, match=r"changed records without an audit entry.*homestart.Scheme"):
        _rename_without_an_entry(scheme)
    scheme.refresh_from_db()
    assert scheme.name == "Home-Start Test"  # the service's transaction rolled back


@pytest.mark.django_db
def test_a_service_that_writes_its_entry_passes_with_the_change_masked_as_declared(strict: None) -> None:
    scheme = Scheme.objects.create(code="TST", name="Home-Start Test")
    _rename_with_an_entry(scheme)
    entry = AuditEntry.objects.get(event=AuditEvent.SCHEME_SETTINGS_CHANGED)
    assert entry.action == AuditEntry.Action.UPDATE
    assert entry.changes["name"] == ["Home-Start Test", "Renamed on the record"]


@pytest.mark.django_db
def test_a_many_to_many_change_without_an_entry_fails(strict: None) -> None:
    from django.contrib.auth.models import Group

    from homestart.models import User

    scheme = Scheme.objects.create(code="TST", name="Home-Start Test")
    user = User.objects.create(username="someone", role="volunteer", scheme=scheme)

    @audit.service
    def join_quietly() -> None:
        user.groups.add(Group.objects.create(name="g"))

    with pytest.raises(audit.AuditGap, match="changed the links of homestart.User"):
        join_quietly()

    @audit.service
    def join_on_the_record() -> None:
        group = Group.objects.create(name="h")
        user.groups.add(group)
        audit.record_m2m(user, "groups", event=AuditEvent.ACCOUNT_CHANGED, added=[group])

    join_on_the_record()
    entry = AuditEntry.objects.get(event=AuditEvent.ACCOUNT_CHANGED)
    assert entry.changes["groups"]["type"] == "m2m" and len(entry.changes["groups"]["added"]) == 1


@pytest.mark.django_db
def test_a_service_inside_a_service_is_checked_with_the_outer_one(strict: None) -> None:
    scheme = Scheme.objects.create(code="TST", name="Home-Start Test")

    @audit.service
    def outer() -> None:
        _rename_without_an_entry(scheme)
        audit.record_event(event=AuditEvent.SCHEME_SETTINGS_CHANGED, instance=scheme)

    outer()  # the outer service's entry covers the record the inner one changed

    with transaction.atomic():
        assert AuditEntry.objects.filter(object_pk=str(scheme.pk)).count() == 1


@pytest.mark.django_db
def test_a_refusal_recorded_keeps_the_services_entries_and_any_other_refusal_undoes_them(strict: None) -> None:
    from homestart.exceptions import ActionNotAllowed, RefusalRecorded

    scheme = Scheme.objects.create(code="TST", name="Home-Start Test")

    @audit.service
    def refuse(refusal: type[ActionNotAllowed]) -> None:
        audit.record_event(event=AuditEvent.TWO_FACTOR_FAILED, instance=scheme)
        raise refusal("Refused.")

    with pytest.raises(RefusalRecorded, match="Refused."):
        refuse(RefusalRecorded)
    assert AuditEntry.objects.filter(event=AuditEvent.TWO_FACTOR_FAILED).count() == 1
    with pytest.raises(ActionNotAllowed, match="Refused."):
        refuse(ActionNotAllowed)
    assert AuditEntry.objects.filter(event=AuditEvent.TWO_FACTOR_FAILED).count() == 1  # rolled back with it


@pytest.mark.django_db
def test_a_read_service_without_a_savepoint_still_checks_and_spends_no_savepoint(strict: None) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    scheme = Scheme.objects.create(code="TST", name="Home-Start Test")

    @audit.service(savepoint=False)
    def read() -> None:
        audit.record_event(event=AuditEvent.SCHEME_SETTINGS_CHANGED, instance=scheme)

    @audit.service(savepoint=False)
    def read_and_rename() -> None:
        _rename_without_an_entry.__wrapped__(scheme)  # the undecorated body: a change with no entry

    assert read.audited_service and read_and_rename.audited_service
    with CaptureQueriesContext(connection) as queries:
        read()
    assert [q["sql"] for q in queries if "SAVEPOINT" in q["sql"]] == []
    with pytest.raises(audit.AuditGap, match="homestart.Scheme"):
        with transaction.atomic():  # savepoint=False: the gap spoils the caller's transaction, as any error does
            read_and_rename()


@pytest.mark.django_db
def test_an_entry_names_the_actor_only_while_their_request_or_block_runs() -> None:
    from auditlog.context import set_actor

    from homestart.models import User

    scheme = Scheme.objects.create(code="TST", name="Home-Start Test")
    user = User.objects.create(username="someone", role="administrator", scheme=scheme)
    with set_actor(user, remote_addr="192.0.2.1"):
        inside = audit.record_event(event=AuditEvent.SCHEME_SETTINGS_CHANGED, instance=scheme)
    after = audit.record_event(event=AuditEvent.SCHEME_SETTINGS_CHANGED, instance=scheme)
    assert (inside.actor, inside.remote_addr) == (user, "192.0.2.1")
    assert (after.actor, after.remote_addr) == (None, None)  # auditlog's value is left behind: not used

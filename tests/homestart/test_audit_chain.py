# ruff: noqa: S603, S607, S608 (raw SQL against the audit table, and PostgreSQL's own tools, are what is tested)
"""The audit log as evidence on PostgreSQL (SECURITY 17-19; ADR 0011): append-only, hash-chained, verifiable,
and still verifiable after a backup is restored."""

import io
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from homestart import audit, chain
from homestart.models import AuditEntry, AuditEvent, Scheme, User
from tests.conftest import make_scheme, make_user

pytestmark = pytest.mark.postgres
REPO = Path(__file__).resolve().parents[2]
TABLE = AuditEntry._meta.db_table


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the chain and the append-only triggers are PostgreSQL's")


def _entries(count: int, actor: User | None = None) -> list[AuditEntry]:
    return [audit.record_event(event=AuditEvent.LOGIN, actor=actor, object_repr=f"entry {n}") for n in range(count)]


def _verify() -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code)
    return code, out.getvalue(), err.getvalue()


def _as_superuser_without_triggers(sql: str, params: list[Any]) -> None:
    """What only someone holding the database's superuser could do: edit the table behind the triggers' back."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # a superuser's switch: no triggers fire
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_each_entry_is_chained_to_the_one_before_and_the_chain_verifies() -> None:
    entries = _entries(5)
    stored = list(AuditEntry.objects.order_by("pk"))
    assert [e.pk for e in stored] == [e.pk for e in entries]
    assert stored[0].prev_hash == "" or stored[0].prev_hash == chain_head_before(stored[0].pk)
    for earlier, later in zip(stored, stored[1:], strict=False):
        assert later.prev_hash == earlier.hash and len(later.hash) == 64 and later.hash != earlier.hash
    code, out, _ = _verify()
    assert code == 0 and "OK: 5 audit entries verified" in out
    assert f"Last entry {stored[-1].pk}, hash {stored[-1].hash}" in out


def chain_head_before(pk: int) -> str:
    return AuditEntry.objects.filter(pk__lt=pk).order_by("-pk").values_list("hash", flat=True).first() or ""


@pytest.mark.django_db
def test_bulk_writes_are_chained_too() -> None:
    scheme = make_scheme("BLK")
    users = [make_user(scheme, f"u{n}", "volunteer") for n in range(30)]
    audit.record_reads(instances=users, actor=users[0], event=AuditEvent.LOGIN)
    code, out, _ = _verify()
    assert code == 0 and "OK:" in out
    assert AuditEntry.objects.filter(hash="").count() == 0


@pytest.mark.django_db
def test_update_delete_and_truncate_are_refused_even_for_the_applications_own_role() -> None:
    """The role the application runs as may insert and read; whatever it is granted, the triggers refuse the rest."""
    _entries(2)
    role = f"homestart_app_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending, so TRUNCATE meets the trigger
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")  # rolled back with the test's transaction
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON {TABLE} TO {role}")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
    statements = {
        f"UPDATE {TABLE} SET changes_text = 'rewritten'": "Cannot update rows",
        f"UPDATE {TABLE} SET object_repr = '[anonymised]', anonymised = true": "Cannot update rows",
        f"DELETE FROM {TABLE}": "Cannot delete rows",
        f"TRUNCATE {TABLE}": "append-only",
    }
    for sql, refusal in statements.items():
        with pytest.raises(DatabaseError, match=refusal), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {role}")
            cursor.execute(sql)
    assert AuditEntry.objects.count() == 2 and not AuditEntry.objects.filter(changes_text="rewritten").exists()


@pytest.mark.django_db
def test_the_anonymising_path_may_blank_personal_columns_and_nothing_else() -> None:
    first, second = _entries(2)
    with pytest.raises(DatabaseError, match="Cannot update rows"), transaction.atomic(), connection.cursor() as cursor:
        # The path's setting does not let anything else through: here the event is rewritten as well.
        cursor.execute("SET LOCAL homestart.audit_anonymise = 'on'")
        cursor.execute(
            f"UPDATE {TABLE} SET object_repr = '[anonymised]', actor_email = NULL, remote_addr = NULL,"
            " anonymised = true, event = 'logout' WHERE id = %s",
            [first.pk],
        )
    assert audit.anonymise_entries(AuditEntry.objects.filter(pk=first.pk), reason="retention test") == 1
    first.refresh_from_db()
    assert (first.object_repr, first.anonymised, first.event) == (audit.ANONYMISED, True, AuditEvent.LOGIN)
    run = AuditEntry.objects.get(event=AuditEvent.AUDIT_ANONYMISED)
    assert run.additional_data == {"count": 1, "reason": "retention test"}
    code, out, _ = _verify()
    assert code == 0 and "OK: 3 audit entries verified" in out


@pytest.mark.django_db
def test_an_entry_edited_behind_the_triggers_back_is_named_and_the_check_fails() -> None:
    entries = _entries(6)
    tampered = entries[3]
    _as_superuser_without_triggers(f"UPDATE {TABLE} SET event = 'logout' WHERE id = %s", [tampered.pk])
    code, _, err = _verify()
    assert code == 1
    assert f"BROKEN: audit entry {tampered.pk}: its content does not match its hash" in err
    assert "3 entries before it verified." in err


@pytest.mark.django_db
def test_a_personal_column_edited_is_named_too() -> None:
    entries = _entries(3)
    _as_superuser_without_triggers(f"UPDATE {TABLE} SET object_repr = 'someone else' WHERE id = %s", [entries[1].pk])
    code, _, err = _verify()
    assert code == 1 and f"BROKEN: audit entry {entries[1].pk}: its personal columns" in err


@pytest.mark.django_db
def test_an_entry_removed_breaks_the_link_of_the_one_after_it() -> None:
    entries = _entries(5)
    _as_superuser_without_triggers(f"DELETE FROM {TABLE} WHERE id = %s", [entries[2].pk])
    code, _, err = _verify()
    assert code == 1 and f"BROKEN: audit entry {entries[3].pk}: it does not follow the entry before it" in err


@pytest.mark.django_db
def test_the_check_reads_the_log_in_slices_and_links_them(monkeypatch: Any) -> None:
    monkeypatch.setattr(chain, "SLICE", 3)  # ids are not contiguous (the trigger takes its own): slices still link
    entries = _entries(10)
    assert chain.verify().verified == 10
    _as_superuser_without_triggers(f"UPDATE {TABLE} SET prev_hash = %s WHERE id = %s", ["0" * 64, entries[6].pk])
    verdict = chain.verify()
    assert verdict.broken_id == entries[6].pk


@pytest.mark.django_db(transaction=True)
def test_ten_writers_at_once_leave_a_chain_that_verifies(monkeypatch: Any) -> None:
    scheme = make_scheme("TEN")
    users = [make_user(scheme, f"writer{n}", "volunteer") for n in range(10)]
    barrier = threading.Barrier(10)
    errors: list[BaseException] = []

    def write(user: User) -> None:
        try:
            barrier.wait()
            for round_ in range(15):
                if round_ % 3 == 0:
                    with transaction.atomic():  # several entries in one transaction
                        _entries(3, actor=user)
                elif round_ % 3 == 1:
                    audit.record_reads(instances=users[:4], actor=user, event=AuditEvent.LOGIN)  # one bulk INSERT
                else:
                    audit.record_event(event=AuditEvent.LOGOUT, actor=user)
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    expected = 10 * (5 * 3 + 5 * 4 + 5 * 1)
    assert AuditEntry.objects.filter(actor__in=users).count() == expected
    monkeypatch.setattr(chain, "SLICE", 40)  # many slices, checked on several connections at once, then linked
    code, out, err = _verify()
    assert code == 0, err
    assert f"OK: {AuditEntry.objects.count():,} audit entries verified" in out


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_an_empty_database_verifies(tmp_path: Path) -> None:
    """pg_dump, pg_restore into a new database, then ``audit_verify`` there, as the README's production notes say."""
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("needs pg_dump and pg_restore (Debian's postgresql-client)")
    scheme = Scheme.objects.create(code="BAK", name="Home-Start Backup")
    user = make_user(scheme, "backed-up", "coordinator")
    _entries(20, actor=user)
    database = connection.settings_dict
    restored = f"{database['NAME']}_restored"
    base = [f"--host={database['HOST'] or '127.0.0.1'}", f"--port={database['PORT'] or 5432}"]
    base += [f"--username={database['USER']}"] if database["USER"] else []
    env = {**os.environ, **({"PGPASSWORD": database["PASSWORD"]} if database["PASSWORD"] else {})}
    dump = tmp_path / "homestart.dump"
    subprocess.run(["pg_dump", *base, "--format=custom", f"--file={dump}", database["NAME"]], check=True, env=env)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        cursor.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(["pg_restore", *base, "--no-owner", f"--dbname={restored}", str(dump)], check=True, env=env)
        user_part = database["USER"] or ""
        password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
        url = f"postgres://{user_part}{password}@{base[0].split('=')[1]}:{base[1].split('=')[1]}/{restored}"
        result = subprocess.run(
            [sys.executable, "manage.py", "audit_verify"],
            cwd=REPO,
            env={**env, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "homestart.settings_test"},
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        count = AuditEntry.objects.count()
        assert f"OK: {count:,} audit entries verified" in result.stdout
        head = AuditEntry.objects.order_by("-pk").first()
        assert f"hash {head.hash}" in result.stdout  # the same chain, to the last entry
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored}"')

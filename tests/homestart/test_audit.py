"""SECURITY 17: sign-ins, sign-outs, failed sign-ins and changes made through pages carry actor and address."""

from typing import Any

import pytest
from auditlog.context import set_actor
from django.urls import reverse
from django.utils import timezone

from families.audit import FamilyAuditEvent
from families.models import CaseNote, Visit
from homestart import audit
from homestart.models import AuditEntry, AuditEvent
from tests.conftest import PASSWORD


def test_sign_in_and_out_are_audited(client: Any, world: Any) -> None:
    response = client.post(reverse("login"), {"username": "volunteer", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302
    login = AuditEntry.objects.get(event=AuditEvent.LOGIN)
    assert login.actor == world.volunteer
    assert login.remote_addr == "203.0.113.9"
    client.post(reverse("logout"), REMOTE_ADDR="203.0.113.9")
    assert AuditEntry.objects.get(event=AuditEvent.LOGOUT).actor == world.volunteer


def test_failed_sign_in_is_audited_and_explained(client: Any, world: Any) -> None:
    response = client.post(reverse("login"), {"username": "volunteer", "password": "wrong"}, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()
    failed = AuditEntry.objects.get(event=AuditEvent.LOGIN_FAILED)
    assert failed.actor is None
    assert failed.object_pk == str(world.volunteer.pk)
    assert failed.remote_addr == "198.51.100.7"
    assert "wrong" not in str(failed.object_repr) + str(failed.additional_data)

    client.post(reverse("login"), {"username": "nobody-by-that-name", "password": "x"})
    assert AuditEntry.objects.filter(event=AuditEvent.LOGIN_FAILED, object_pk="").count() == 1


def test_changes_through_pages_record_actor_and_address(client: Any, world: Any) -> None:
    client.force_login(world.volunteer)
    client.post(
        reverse("families:visit_new", args=[world.family.pk]),
        {"visited_on": "2024-05-01", "kind": "home", "duration_minutes": "45", "note_text": "fine"},
        REMOTE_ADDR="192.0.2.44",
    )
    visit = Visit.objects.get()
    entry = AuditEntry.objects.get(
        content_type__model="visit", object_pk=str(visit.pk), action=AuditEntry.Action.CREATE
    )
    assert entry.actor == world.volunteer
    assert entry.remote_addr == "192.0.2.44"
    assert (entry.event, entry.family_pk) == (FamilyAuditEvent.VISIT_LOGGED, world.family.pk)
    note_entry = AuditEntry.objects.get(content_type__model="casenote", action=AuditEntry.Action.CREATE)
    assert note_entry.changes["text"] == ["[not recorded]", "[not recorded]"]
    assert (note_entry.event, note_entry.remote_addr) == (FamilyAuditEvent.NOTE_WRITTEN, "192.0.2.44")


def test_forged_forwarded_header_does_not_change_the_recorded_address(client: Any, world: Any, settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    client.post(
        reverse("login"),
        {"username": "volunteer", "password": "wrong"},
        REMOTE_ADDR="198.51.100.7",
        HTTP_X_FORWARDED_FOR="10.9.9.9",
    )
    assert AuditEntry.objects.get(event=AuditEvent.LOGIN_FAILED).remote_addr == "198.51.100.7"
    settings.TRUSTED_PROXY_COUNT = 1
    client.post(
        reverse("login"),
        {"username": "volunteer", "password": "wrong"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.77",
    )
    assert AuditEntry.objects.filter(event=AuditEvent.LOGIN_FAILED).latest("pk").remote_addr == "203.0.113.77"


@pytest.mark.django_db
def test_entries_written_together_are_the_entries_written_one_at_a_time(world: Any) -> None:
    """``audit.record_created`` writes in one statement the entries ``record_change(created=True)`` writes one by one:
    the same columns, actor and address and port included (the chain's own columns and the time apart)."""
    visit = Visit.objects.create(
        family=world.family, volunteer=world.volunteer, visited_on=timezone.localdate(), duration_minutes=45
    )
    note = CaseNote.objects.create(family=world.family, author=world.volunteer, visit=visit, text="Talked about sleep.")
    records = [(visit, FamilyAuditEvent.VISIT_LOGGED), (note, FamilyAuditEvent.NOTE_WRITTEN)]
    with set_actor(world.volunteer, remote_addr="192.0.2.7", remote_port=4431):
        one_by_one = [audit.record_change(instance, event=event, created=True) for instance, event in records]
        together = audit.record_created(records)
    unchanging = [
        field.attname
        for field in AuditEntry._meta.concrete_fields
        if field.attname not in {"id", "timestamp", "prev_hash", "hash"}
    ]

    def read(entries: list[Any]) -> list[dict[str, Any]]:
        return list(AuditEntry.objects.filter(pk__in=[e.pk for e in entries]).order_by("pk").values(*unchanging))

    assert read(together) == read(one_by_one)
    assert [(row["actor_id"], row["remote_addr"], row["remote_port"]) for row in read(together)] == [
        (world.volunteer.pk, "192.0.2.7", 4431)
    ] * 2
    assert "Talked about sleep" not in str(read(together))  # the note's words masked, as one at a time

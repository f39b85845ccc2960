"""SECURITY 2 and 19: a private note's text reaches only its author and the family's coordinator.

A sentinel sentence is written in a note; every page of the project is then fetched as every role, and the
sentence must appear only in the author's and the coordinator's responses, and in no field of the audit log.
"""

from typing import Any

import pytest
from django.urls import reverse

from families import services
from homestart.models import AuditEntry
from tests.conftest import log_visit
from tests.homestart.test_authorization import POLICY, ROLES, route_url

SENTINEL = "Sentinel-7Q4 Grace said something private about her sister"
CHILD_SENTINEL = "Zebedee"
# A correction to that note, and a note without a visit: private in exactly the same way.
CORRECTION_SENTINEL = "Correction-3K8 she meant her cousin, not her sister"
PHONE_SENTINEL = "Phone-5M2 Grace rang about the housing letter"
SENTINELS = [SENTINEL, CORRECTION_SENTINEL, PHONE_SENTINEL]


def _all_get_responses(client: Any, world: Any, user: Any) -> str:
    client.logout()
    if user is not None:
        client.force_login(user)
    seen = []
    for route, (methods, _allowed, _anonymous) in POLICY.items():
        if "get" not in methods:
            continue
        url = route_url(world, route)
        response = client.get(url, follow=True)
        # Files (scans, photographs) stream, and are bytes that need not be text: searched all the same.
        body = b"".join(response.streaming_content) if response.streaming else response.content
        seen.append(body.decode(errors="replace"))
    # Search results (posted, so the words stay out of URLs) and filtered lists too.
    for query in ("Okafor", "PO2"):
        seen.append(client.post(reverse("families:list"), {"q": query}, follow=True).content.decode())
    seen.append(client.get(reverse("families:list") + "?status=supported").content.decode())
    return "\n".join(seen)


@pytest.fixture
def note_world(world: Any) -> Any:
    note = log_visit(world.family, world.volunteer, note=SENTINEL).note
    services.case_note_correct(note=note, text=CORRECTION_SENTINEL, actor=world.volunteer)
    services.case_note_write(family=world.family, text=PHONE_SENTINEL, actor=world.volunteer)
    return world


@pytest.mark.parametrize("role", ROLES)
def test_note_text_reaches_only_author_and_family_coordinator(client: Any, note_world: Any, role: str) -> None:
    html = _all_get_responses(client, note_world, note_world.role(role))
    for sentinel in SENTINELS:
        if role in ("volunteer", "coordinator"):
            assert sentinel in html, f"{role} should be able to read the note {sentinel[:14]}"
        else:
            assert sentinel not in html, f"{role} saw a private note {sentinel[:14]}"


def test_other_schemes_family_never_listed(client: Any, world: Any) -> None:
    """SECURITY 2: a family of another scheme never appears in any list or search of this scheme."""
    html = _all_get_responses(client, world, world.coordinator)
    assert "Evans" not in html
    assert world.other_family.reference not in html
    for query in ("Evans", "SO23", world.other_family.reference):
        searched = client.post(reverse("families:list"), {"q": query}, follow=True).content.decode()
        assert "No families in your scheme match" in searched
        assert reverse("families:detail", args=[world.other_family.pk]) not in searched


def test_note_text_never_in_the_audit_log(client: Any, note_world: Any) -> None:
    """SECURITY 19: the note body is masked in change entries, and reads log only the note's number."""
    client.force_login(note_world.coordinator)
    client.get(reverse("families:detail", args=[note_world.family.pk]))
    client.force_login(note_world.volunteer)  # the author reads all three, on the family page and the correction page
    client.get(reverse("families:detail", args=[note_world.family.pk]))
    note = note_world.family.case_notes.get(text=SENTINEL)
    client.get(reverse("families:note_correct", args=[note_world.family.pk, note.pk]))
    assert AuditEntry.objects.filter(event="note_read").count() >= 6
    services.family_change_coordinator(
        family=note_world.family, coordinator=note_world.dsl, actor=note_world.coordinator
    )
    for entry in AuditEntry.objects.all():
        blob = " ".join(
            str(value)
            for value in (
                entry.object_repr,
                entry.changes,
                entry.changes_text,
                entry.additional_data,
                entry.serialized_data,
            )
        )
        assert "Sentinel-7Q4" not in blob
        assert "Correction-3K8" not in blob and "cousin" not in blob
        assert "Phone-5M2" not in blob and "housing letter" not in blob
        assert "Grace" not in blob  # the mother's first name is masked too


def test_childrens_names_never_in_the_audit_log(world: Any) -> None:
    from tests.conftest import make_family

    make_family(world.coordinator, "Smith", child_first_name=CHILD_SENTINEL)
    for entry in AuditEntry.objects.all():
        blob = " ".join(str(v) for v in (entry.object_repr, entry.changes, entry.changes_text, entry.additional_data))
        assert CHILD_SENTINEL not in blob

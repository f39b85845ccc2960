"""Family groups (P10): sessions record who came and nothing about what families said; monthly figures."""

import datetime
from typing import Any

import pytest
import time_machine
from django.db import models
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from families import selectors, services
from families.audit import FamilyAuditEvent
from families.forms import FamilyGroupForm
from families.models import FamilyGroupAttendance, FamilyGroupHelper, FamilyGroupSession, FamilyStatus
from homestart.exceptions import ActionNotAllowed
from homestart.models import AuditEntry
from tests.conftest import make_family

TODAY = timezone.localdate


def session(world: Any, **overrides: Any) -> FamilyGroupSession:
    arguments = {
        "held_on": TODAY(),
        "venue": "St Mary's Church Hall",
        "helpers": [world.coordinator, world.volunteer],
        "families": [world.family],
        "actor": world.coordinator,
    }
    arguments.update(overrides)
    return services.family_group_record(**arguments)


def test_p10_family_groups_record_attendance_only() -> None:
    """By design there is nowhere to write what a family said at a group: no free-text field but the venue."""
    for model in (FamilyGroupSession, FamilyGroupAttendance, FamilyGroupHelper):
        text_fields = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.TextField | models.CharField) and field.name != "venue"
        ]
        assert text_fields == [], f"{model.__name__} has free text: {text_fields}"
    nothing = FamilyGroupSession.objects.none()
    form_fields = set(FamilyGroupForm(staff=nothing, volunteers=nothing, families=nothing).fields)
    assert form_fields == {"held_on", "venue", "staff", "volunteers", "families"}


def test_p10_notes_posted_to_a_family_group_are_ignored(client: Any, world: Any) -> None:
    client.force_login(world.coordinator)
    response = client.post(
        reverse("families:group_new"),
        {
            "held_on": TODAY().isoformat(),
            "venue": "Fratton Family Centre",
            "staff": [world.coordinator.pk],
            "families": [world.family.pk],
            "notes": "Grace told everyone about her sister",
        },
    )
    group = FamilyGroupSession.objects.get()
    assert response["Location"] == reverse("families:group_detail", args=[group.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Fratton Family Centre" in page and "The Okafor family" in page
    assert "her sister" not in page
    assert "Attendance only" in page


def test_coordinator_records_and_corrects_a_session(world: Any) -> None:
    nowak = make_family(world.coordinator, "Nowak", postcode="PO3 5DD")
    group = session(world, families=[world.family, nowak])
    assert set(group.families.all()) == {world.family, nowak}
    assert set(group.helpers.all()) == {world.coordinator, world.volunteer}
    services.family_group_update(
        session=group,
        held_on=TODAY() - datetime.timedelta(days=1),
        venue="Library",
        helpers=[world.dsl],
        families=[nowak],
        actor=world.dsl,
    )
    group.refresh_from_db()
    assert (group.venue, list(group.families.all()), list(group.helpers.all())) == ("Library", [nowak], [world.dsl])
    deleted = AuditEntry.objects.filter(action=AuditEntry.Action.DELETE, content_type__app_label="families")
    assert {entry.content_type.model for entry in deleted} == {"familygroupattendance", "familygrouphelper"}
    assert {entry.event for entry in deleted} == {FamilyAuditEvent.FAMILY_GROUP_CORRECTED}
    created = AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, content_type__model="familygroupattendance")
    assert created.count() == 2
    # Each attendance's entries are about the family who came (or no longer did).
    assert {(entry.event, entry.family_pk) for entry in created} == {
        (FamilyAuditEvent.FAMILY_GROUP_RECORDED, world.family.pk),
        (FamilyAuditEvent.FAMILY_GROUP_RECORDED, nowak.pk),
    }
    assert deleted.get(content_type__model="familygroupattendance").family_pk == world.family.pk
    assert all("Okafor" not in str(entry.changes) + entry.object_repr for entry in created)


def test_family_group_rules(world: Any) -> None:
    with pytest.raises(ActionNotAllowed, match="Only families of this scheme"):
        session(world, families=[world.other_family])
    with pytest.raises(ActionNotAllowed, match="active coordinators or volunteers of this scheme"):
        session(world, helpers=[world.administrator])
    with pytest.raises(ActionNotAllowed, match="Choose the staff or volunteers"):
        session(world, helpers=[])
    with pytest.raises(ActionNotAllowed, match="cannot be in the future"):
        session(world, held_on=TODAY() + datetime.timedelta(days=1))
    with pytest.raises(ActionNotAllowed, match="Enter where"):
        session(world, venue="  ")
    for actor in (world.volunteer, world.administrator):
        with pytest.raises(ActionNotAllowed, match="Only a coordinator of this scheme"):
            session(world, actor=actor)
    assert not FamilyGroupSession.objects.exists()


def test_p10_family_groups_are_for_the_schemes_coordinators(client: Any, world: Any) -> None:
    group = session(world)
    for person in (world.coordinator, world.dsl):
        assert selectors.get_family_group_for_user_or_404(person, group.pk) == group
    for person in (world.volunteer, world.other_coordinator, world.administrator):
        with pytest.raises(Http404):
            selectors.get_family_group_for_user_or_404(person, group.pk)
    client.force_login(world.other_coordinator)
    assert "St Mary" not in client.get(reverse("families:group_list")).content.decode()


def test_declined_and_other_schemes_families_are_not_offered(client: Any, world: Any) -> None:
    declined = make_family(world.coordinator, "Clarke", accept=False, postcode="PO9 1AZ")
    services.referral_decide(
        referral=declined.referrals.get(), outcome="declined", reason="Out of area", actor=world.coordinator
    )
    assert declined.pk not in selectors.families_for_groups(world.coordinator).values_list("pk", flat=True)
    client.force_login(world.coordinator)
    html = client.get(reverse("families:group_new")).content.decode()
    assert "The Okafor family" in html and "Clarke" not in html and "Evans" not in html
    assert "Volunteer Tester" in html and "Admin Tester" not in html


def test_monthly_figures_count_sessions_attendances_and_distinct_families(client: Any, world: Any) -> None:
    nowak = make_family(world.coordinator, "Nowak", postcode="PO3 5DD")
    assert nowak.status == FamilyStatus.AWAITING_VOLUNTEER
    with time_machine.travel(datetime.datetime(2026, 6, 20, 12, tzinfo=datetime.UTC), tick=False):
        session(world, held_on=datetime.date(2026, 6, 3), families=[world.family, nowak])
        session(world, held_on=datetime.date(2026, 6, 17), families=[world.family])
        session(world, held_on=datetime.date(2026, 5, 10), families=[])
        session(world, held_on=datetime.date(2025, 6, 30), families=[world.family])  # 12 months ago: not shown
        services.family_group_record(
            held_on=datetime.date(2026, 6, 5),
            venue="Winchester hall",
            helpers=[world.other_coordinator],
            families=[world.other_family],
            actor=world.other_coordinator,
        )
        months = selectors.family_group_figures(world.coordinator)
        assert len(months) == 12
        assert months[0].month == datetime.date(2026, 6, 1) and months[-1].month == datetime.date(2025, 7, 1)
        june, may = months[0], months[1]
        assert (june.sessions, june.attendances, june.families) == (2, 3, 2)
        assert (may.sessions, may.attendances, may.families) == (1, 0, 0)
        assert all((m.sessions, m.attendances) == (0, 0) for m in months[2:])
        client.force_login(world.coordinator)
        html = client.get(reverse("families:group_figures")).content.decode()
        assert "June 2026" in html and "July 2025" in html and "June 2025" not in html
        assert "3 sessions and 3 family attendances" in html


def test_group_list_pages(client: Any, world: Any) -> None:
    client.force_login(world.coordinator)
    assert "No family group sessions are recorded yet" in client.get(reverse("families:group_list")).content.decode()
    assert reverse("families:group_list") in client.get(reverse("families:list")).content.decode()
    session(world)
    html = client.get(reverse("families:group_list")).content.decode()
    assert "St Mary&#x27;s Church Hall" in html

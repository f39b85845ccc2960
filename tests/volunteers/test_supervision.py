"""One-to-one supervision (P9): who may record it, what it may discuss, who may read it, and its audit trail."""

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from families import services as family_services
from homestart.exceptions import ActionNotAllowed
from homestart.models import AuditEntry, Role
from tests.conftest import make_family, make_user
from volunteers import selectors, services
from volunteers.audit import VolunteerAuditEvent
from volunteers.models import SupervisionAction, SupervisionFamily, SupervisionSession
from volunteers.permissions import can_read_supervision_part, can_read_whole_supervision

TODAY = timezone.localdate
GENERAL = "Feeling a bit tired lately; wants the sleep workshop."
ABOUT_FAMILY = "Mum is finding the evenings hard; suggested the Tuesday group."
ACTION = "Ask the health visitor about the sleep clinic"
OTHER_ACTION = "Book the first-aid refresher"


def record(world: Any, *, actor: Any = None, families: list | None = None, **overrides: Any) -> SupervisionSession:
    held_on = overrides.pop("held_on", TODAY() - datetime.timedelta(days=1))
    families = [world.family] if families is None else families
    arguments = {
        "volunteer": world.volunteer,
        "held_on": held_on,
        "notes": GENERAL,
        "discussed": [services.DiscussedFamily(family, ABOUT_FAMILY) for family in families],
        "actions": [
            services.AgreedAction(ACTION, held_on + datetime.timedelta(days=7), families[0] if families else None),
            services.AgreedAction(OTHER_ACTION, held_on + datetime.timedelta(days=30)),
        ],
        "actor": actor or world.coordinator,
    }
    arguments.update(overrides)
    return services.supervision_record(**arguments)


@pytest.fixture
def second_family(world: Any) -> Any:
    """A family the volunteer was assigned to once (assignment ended): still theirs to discuss."""
    family = make_family(world.dsl, "Williams", volunteer=world.volunteer, postcode="PO4 8HX")
    assignment = family.assignments.get()
    family_services.assignment_end(assignment=assignment, ended_on=TODAY(), actor=world.dsl)
    return family


# --- Recording -------------------------------------------------------------------------------------------------


def test_p9_coordinator_records_session_with_families_and_actions(world: Any, second_family: Any) -> None:
    session = record(world, families=[world.family, second_family])
    assert (session.volunteer, session.coordinator, session.scheme) == (
        world.volunteer,
        world.coordinator,
        world.scheme,
    )
    assert session.notes == GENERAL
    assert {part.family for part in session.families_discussed.all()} == {world.family, second_family}
    actions = list(session.actions.order_by("due_on"))
    assert [action.text for action in actions] == [ACTION, OTHER_ACTION]
    assert actions[0].family == world.family and actions[1].family is None
    assert not any(action.is_done for action in actions)


def test_p9_supervision_discusses_only_families_the_volunteer_is_or_was_assigned_to(world: Any) -> None:
    never_theirs = make_family(world.coordinator, "Nowak", volunteer=world.other_volunteer, postcode="PO3 5DD")
    with pytest.raises(ActionNotAllowed, match="was not assigned to the Nowak family"):
        record(world, families=[world.family, never_theirs])
    with pytest.raises(ActionNotAllowed, match="was not assigned"):
        record(world, families=[world.other_family])  # another scheme's family
    # Before the assignment started, the family was not theirs yet.
    with pytest.raises(ActionNotAllowed, match="was not assigned to the Okafor family by"):
        record(world, held_on=TODAY() - datetime.timedelta(days=25))
    assert not SupervisionSession.objects.exists()
    assert not SupervisionFamily.objects.exists()


def test_p9_only_a_coordinator_of_the_volunteers_scheme_records_supervision(world: Any) -> None:
    for actor in (world.volunteer, world.other_volunteer, world.administrator, world.other_coordinator):
        with pytest.raises(ActionNotAllowed, match="Only a coordinator of the volunteer's scheme"):
            record(world, actor=actor)
    with pytest.raises(ActionNotAllowed):
        record(world, volunteer=world.dsl, families=[])  # a coordinator is not supervised as a volunteer
    assert not SupervisionSession.objects.exists()


def test_supervision_refuses_bad_dates_and_actions(world: Any) -> None:
    with pytest.raises(ActionNotAllowed, match="cannot be in the future"):
        record(world, held_on=TODAY() + datetime.timedelta(days=1))
    with pytest.raises(ActionNotAllowed, match="cannot be due before the session"):
        record(world, actions=[services.AgreedAction("x", TODAY() - datetime.timedelta(days=9))])
    with pytest.raises(ActionNotAllowed, match="Enter what action 1 is"):
        record(world, actions=[services.AgreedAction("  ", TODAY())])
    with pytest.raises(ActionNotAllowed, match="was not discussed in this session"):
        record(world, families=[], actions=[services.AgreedAction("x", TODAY(), world.family)])
    with pytest.raises(ActionNotAllowed, match="only once"):
        record(world, families=[world.family, world.family])
    assert not SupervisionSession.objects.exists()


def test_a_session_with_only_its_date_is_recorded(world: Any) -> None:
    session = record(world, notes="", families=[], actions=[])
    assert session.notes == "" and not session.families_discussed.exists()


# --- Who may read it (P9) --------------------------------------------------------------------------------------


def _readers(model: Any, perm: str) -> dict[int, set[int]]:
    rows = model.objects.values_list("content_object_id", "user_id", "permission__codename")
    readers: dict[int, set[int]] = {}
    for object_id, user_id, codename in rows:
        if codename == perm:
            readers.setdefault(object_id, set()).add(user_id)
    return readers


def test_p9_read_permissions_are_exactly_the_rule(world: Any, second_family: Any) -> None:
    """The permission rows the services grant match the rule in volunteers.permissions for every person."""
    from volunteers.models import SupervisionFamilyUserObjectPermission, SupervisionSessionUserObjectPermission

    record(world, families=[world.family, second_family])
    record(world, actor=world.dsl, families=[second_family])
    people = [world.coordinator, world.dsl, world.volunteer, world.other_volunteer, world.administrator]
    sessions = _readers(SupervisionSessionUserObjectPermission, "view_supervisionsession")
    for session in SupervisionSession.objects.all():
        expected = {person.pk for person in people if can_read_whole_supervision(person, session)}
        assert sessions[session.pk] == expected == {session.volunteer_id, session.coordinator_id}
    parts = _readers(SupervisionFamilyUserObjectPermission, "view_supervisionfamily")
    for part in SupervisionFamily.objects.select_related("session", "family"):
        expected = {person.pk for person in people if can_read_supervision_part(person, part.session, part.family)}
        assert parts[part.pk] == expected


def test_p9_whole_record_is_for_the_volunteer_and_coordinator_only(world: Any) -> None:
    session = record(world)
    for person in (world.volunteer, world.coordinator):
        assert selectors.get_supervision_for_user_or_404(person, session.pk) == session
    from django.http import Http404

    for person in (world.dsl, world.other_volunteer, world.administrator, world.other_coordinator):
        with pytest.raises(Http404):
            selectors.get_supervision_for_user_or_404(person, session.pk)


def test_p9_family_coordinator_reads_only_the_part_about_their_family(world: Any, second_family: Any) -> None:
    """The DSL holds the session; the coordinator leads the Okafor family and the DSL the Williams family."""
    session = record(world, actor=world.dsl, families=[world.family, second_family])
    coordinator_parts = list(selectors.supervision_parts_for_user(world.coordinator))
    assert [part.family for part in coordinator_parts] == [world.family]
    assert not selectors.supervision_sessions_for_user(world.coordinator).filter(pk=session.pk).exists()
    shown = list(selectors.supervision_parts_for_family(world.coordinator, world.family))
    assert [action.text for action in shown[0].session.family_actions] == [ACTION]  # not the general action
    assert not selectors.supervision_parts_for_family(world.coordinator, second_family).exists()
    for person in (world.other_volunteer, world.administrator, world.other_coordinator):
        assert not selectors.supervision_parts_for_user(person).exists()


def test_p9_superuser_and_global_permissions_grant_nothing(world: Any) -> None:
    from django.contrib.auth.models import Permission

    session = record(world)
    admin = world.administrator
    admin.is_superuser = True
    admin.save()
    admin.user_permissions.add(*Permission.objects.filter(content_type__app_label="volunteers"))
    admin = type(admin).objects.get(pk=admin.pk)
    assert not selectors.supervision_sessions_for_user(admin).exists()
    assert not selectors.supervision_parts_for_user(admin).exists()
    dsl = world.dsl
    dsl.user_permissions.add(*Permission.objects.filter(codename__startswith="view_supervision"))
    dsl = type(dsl).objects.get(pk=dsl.pk)
    assert not selectors.supervision_sessions_for_user(dsl).filter(pk=session.pk).exists()
    assert not selectors.supervision_parts_for_user(dsl).exists()


def test_p9_part_moves_with_the_familys_coordinator(world: Any) -> None:
    held_by_coordinator = record(world)
    held_by_dsl = record(world, actor=world.dsl, held_on=TODAY())
    family_services.family_change_coordinator(family=world.family, coordinator=world.dsl, actor=world.coordinator)
    dsl_parts = set(selectors.supervision_parts_for_user(world.dsl).values_list("session_id", flat=True))
    assert dsl_parts == {held_by_coordinator.pk, held_by_dsl.pk}
    # The previous coordinator keeps only the part of the session they held themselves.
    coordinator_parts = set(
        selectors.supervision_parts_for_user(world.coordinator).values_list("session_id", flat=True)
    )
    assert coordinator_parts == {held_by_coordinator.pk}
    other = make_user(world.scheme, "newcoordinator", Role.COORDINATOR)
    family_services.family_change_coordinator(family=world.family, coordinator=other, actor=world.coordinator)
    assert set(selectors.supervision_parts_for_user(other).values_list("session_id", flat=True)) == dsl_parts
    assert set(selectors.supervision_parts_for_user(world.dsl).values_list("session_id", flat=True)) == {held_by_dsl.pk}


def test_p9_volunteer_keeps_their_own_supervision_after_the_assignment_ends(world: Any) -> None:
    session = record(world)
    assignment = world.family.assignments.get()
    family_services.assignment_end(assignment=assignment, ended_on=TODAY(), actor=world.coordinator)
    assert selectors.supervision_sessions_for_user(world.volunteer).get() == session
    assert selectors.supervision_parts_for_user(world.volunteer).count() == 1


# --- Audit -----------------------------------------------------------------------------------------------------


def _access(model: str, reader: Any) -> Any:
    return AuditEntry.objects.filter(
        action=AuditEntry.Action.ACCESS,
        event=VolunteerAuditEvent.SUPERVISION_READ,
        content_type__model=model,
        actor=reader,
    )


def test_recording_supervision_is_audited_with_notes_masked(world: Any) -> None:
    session = record(world)
    entries = AuditEntry.objects.filter(
        action=AuditEntry.Action.CREATE,
        content_type__model__in=["supervisionsession", "supervisionfamily", "supervisionaction"],
    )
    by_model = {entry.content_type.model: entry for entry in entries}
    assert by_model["supervisionsession"].changes["notes"] == ["[not recorded]", "[not recorded]"]
    assert by_model["supervisionfamily"].changes["notes"] == ["[not recorded]", "[not recorded]"]
    assert by_model["supervisionaction"].changes["text"] == ["[not recorded]", "[not recorded]"]
    assert {(entry.event, entry.actor_id) for entry in entries} == {
        (VolunteerAuditEvent.SUPERVISION_RECORDED, world.coordinator.pk)
    }
    assert (
        by_model["supervisionfamily"].family_pk == world.family.pk and by_model["supervisionsession"].family_pk is None
    )
    assert by_model["supervisionsession"].object_repr == f"Supervision #{session.pk} of volunteer {world.volunteer.pk}"
    for entry in AuditEntry.objects.all():
        blob = " ".join(str(value) for value in (entry.object_repr, entry.changes, entry.additional_data))
        for text in (GENERAL, ABOUT_FAMILY, ACTION, OTHER_ACTION):
            assert text not in blob


def test_every_read_of_a_supervision_record_is_audited(world: Any) -> None:
    session = record(world, actor=world.dsl)
    services.supervision_session_read(session=session, reader=world.volunteer)
    assert _access("supervisionsession", world.volunteer).get().object_pk == str(session.pk)
    part = session.families_discussed.get()
    assert _access("supervisionfamily", world.volunteer).get().object_pk == str(part.pk)

    services.supervision_parts_read(family=world.family, reader=world.coordinator)
    assert _access("supervisionfamily", world.coordinator).get().object_pk == str(part.pk)
    assert not _access("supervisionsession", world.coordinator).exists()

    services.open_actions_read(reader=world.volunteer)
    assert _access("supervisionaction", world.volunteer).count() == 2

    # Nothing is read, nothing is logged: another coordinator's family page holds no part of it.
    services.supervision_parts_read(family=world.family, reader=world.other_coordinator)
    assert not _access("supervisionfamily", world.other_coordinator).exists()


def test_reading_pages_write_access_entries(client: Any, world: Any) -> None:
    session = record(world, actor=world.dsl)
    client.force_login(world.dsl)
    client.get(reverse("volunteers:supervision_detail", args=[session.pk]), REMOTE_ADDR="192.0.2.7")
    entry = _access("supervisionsession", world.dsl).get()
    assert entry.remote_addr == "192.0.2.7"
    client.force_login(world.coordinator)
    client.get(reverse("families:detail", args=[world.family.pk]))
    assert _access("supervisionfamily", world.coordinator).count() == 1


# --- Actions and the interval -----------------------------------------------------------------------------------


def test_volunteer_or_coordinator_marks_an_action_done(world: Any) -> None:
    session = record(world)
    first, second = session.actions.order_by("due_on")
    done = services.supervision_action_complete(action=first, actor=world.volunteer)
    assert done.done_on == TODAY()
    with pytest.raises(ActionNotAllowed, match="already marked done"):
        services.supervision_action_complete(action=first, actor=world.coordinator)
    for person in (world.dsl, world.other_volunteer, world.administrator):
        with pytest.raises(ActionNotAllowed):
            services.supervision_action_complete(action=second, actor=person)
    services.supervision_action_complete(action=second, actor=world.coordinator)
    assert not SupervisionAction.objects.filter(done_on__isnull=True).exists()
    entries = AuditEntry.objects.filter(content_type__model="supervisionaction", action=AuditEntry.Action.UPDATE)
    assert all("done_on" in entry.changes for entry in entries)
    assert {(int(entry.object_pk), entry.event, entry.actor_id) for entry in entries} == {
        (first.pk, VolunteerAuditEvent.SUPERVISION_ACTION_DONE, world.volunteer.pk),
        (second.pk, VolunteerAuditEvent.SUPERVISION_ACTION_DONE, world.coordinator.pk),
    }


def test_coordinator_sets_how_often_supervision_is_due(world: Any) -> None:
    assert world.scheme.supervision_interval_days == 56  # 8 weeks unless the scheme decides otherwise
    scheme = services.supervision_interval_set(scheme=world.scheme, weeks=6, actor=world.coordinator)
    assert scheme.supervision_interval_days == 42
    for weeks in (0, 53):
        with pytest.raises(ActionNotAllowed):
            services.supervision_interval_set(scheme=world.scheme, weeks=weeks, actor=world.coordinator)
    for actor in (world.volunteer, world.administrator, world.other_coordinator):
        with pytest.raises(ActionNotAllowed):
            services.supervision_interval_set(scheme=world.scheme, weeks=4, actor=actor)
    world.scheme.refresh_from_db()
    assert world.scheme.supervision_interval_days == 42
    entry = AuditEntry.objects.get(content_type__model="scheme", action=AuditEntry.Action.UPDATE)
    assert entry.changes["supervision_interval_days"] == ["56", "42"]
    assert (entry.event, entry.actor) == (VolunteerAuditEvent.SUPERVISION_INTERVAL_CHANGED, world.coordinator)

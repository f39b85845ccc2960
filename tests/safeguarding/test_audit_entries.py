"""Every safeguarding service writes its own audit entries (ADR 0011): one per record it creates or changes, with
the app's event type, the actor and the family; the children concerned by id only; the account, the kind of harm,
the dates and the retention date (it gives away the youngest child's date of birth) masked.

The tests run with the strict check on (``strict``), so a record changed without its entry fails the service too.
"""

import datetime
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from consents.audit import ConsentAuditEvent
from families import services as family_services
from families.models import MemberKind
from homestart import audit
from homestart.audit import MASK
from homestart.models import AuditEntry
from safeguarding import services
from safeguarding.audit import SafeguardingAuditEvent
from safeguarding.models import Concern, ConcernCategory, FollowUp, StepKind
from tests.homestart.test_audit_conventions import strict  # noqa: F401 - the fixture, used by every test here
from tests.safeguarding.conftest import decide, discuss, raise_concern, refer, review

pytestmark = pytest.mark.usefixtures("strict")

TODAY = timezone.localdate
MASKED = [MASK, MASK]
Event = SafeguardingAuditEvent


def entries_about(record: Any) -> list[AuditEntry]:
    """The entries about one record, oldest first."""
    return list(
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(type(record)), object_pk=str(record.pk)
        ).order_by("pk")
    )


def _text_of(entry: AuditEntry) -> str:
    return " ".join(str(value) for value in (entry.object_repr, entry.changes, entry.additional_data))


def _changes_of(concern: Concern) -> list[tuple[str, dict]]:
    """The changes of the concern's own fields (not of the children it is about), as (event, changes)."""
    return [
        (entry.event, entry.changes)
        for entry in entries_about(concern)
        if entry.action == AuditEntry.Action.UPDATE and "children" not in entry.changes
    ]


def test_raising_a_concern_is_on_record_with_everything_it_says_masked(sg_world: Any) -> None:
    concern = raise_concern(sg_world)
    raised, linked = entries_about(concern)
    assert (raised.event, raised.action, raised.actor, raised.family_pk) == (
        Event.CONCERN_RAISED,
        AuditEntry.Action.CREATE,
        sg_world.volunteer,
        sg_world.family.pk,
    )
    for field in ("account", "category", "observed_on", "observed_time", "retain_until"):
        assert raised.changes[field] == MASKED, field
    assert linked.changes == {"children": {"type": "m2m", "added": [sg_world.child.pk]}}
    assert str(concern.retain_until) not in _text_of(raised)
    assert str(sg_world.child.date_of_birth) not in _text_of(raised)


def test_each_step_writes_its_timeline_row_and_the_concerns_change_with_the_steps_event(sg_world: Any) -> None:
    world = sg_world
    concern = raise_concern(world)
    services.concern_review(
        concern=concern, notes="Spoke to the volunteer.", urgent=True, occurred_on=TODAY(), actor=world.dsl
    )
    decide(world, concern)
    discuss(world, concern)
    refer(world, concern)
    follow_up = services.follow_up_add(
        concern=concern,
        action="Ring the health visitor about the bruise",
        due_on=TODAY() + datetime.timedelta(days=7),
        owner=world.dsl,
        actor=world.dsl,
    )
    services.follow_up_complete(
        follow_up=follow_up, done_on=TODAY(), notes="She will visit on Friday.", actor=world.dsl
    )
    services.concern_close(concern=concern, outcome="Social care are involved.", occurred_on=TODAY(), actor=world.dsl)

    steps = {step.kind: step for step in concern.steps.all()}
    expected = {
        StepKind.REVIEW: Event.CONCERN_REVIEWED,
        StepKind.DECISION: Event.CONCERN_DECIDED,
        StepKind.DISCUSSION: Event.CONCERN_DISCUSSED,
        StepKind.REFERRAL: Event.CONCERN_REFERRED,
        StepKind.FOLLOW_UP: Event.FOLLOW_UP_AGREED,
        StepKind.FOLLOW_UP_DONE: Event.FOLLOW_UP_DONE,
        StepKind.CLOSURE: Event.CONCERN_CLOSED,
    }
    assert set(steps) == set(expected)
    for kind, event in expected.items():
        [entry] = entries_about(steps[kind])
        assert (entry.event, entry.action, entry.actor, entry.family_pk) == (
            event,
            AuditEntry.Action.CREATE,
            world.dsl,
            world.family.pk,
        ), kind
    assert entries_about(steps[StepKind.DISCUSSION])[0].changes["family_response"] == MASKED

    # The concern's own changes: one entry per step that changed it, the review's urgency in the same entry.
    changes = _changes_of(concern)
    reviewed_event, reviewed = changes[0]
    assert reviewed_event == Event.CONCERN_REVIEWED
    assert reviewed["urgent"] == ["False", "True"] and reviewed["status"] == ["raised", "under_review"]
    assert "reviewed_at" in reviewed
    assert [event for event, _ in changes] == [
        Event.CONCERN_REVIEWED,
        Event.CONCERN_DECIDED,
        Event.CONCERN_REFERRED,
        Event.CONCERN_CLOSED,
    ]
    assert changes[-1][1]["status"] == ["referred", "closed"]

    # The referral is a line of the register: its own entry, as every disclosure has.
    [disclosed] = entries_about(steps[StepKind.REFERRAL].disclosure)
    assert (disclosed.event, disclosed.changes["basis"]) == (
        ConsentAuditEvent.DISCLOSURE_RECORDED,
        ["None", "safeguarding"],
    )

    agreed, done = entries_about(FollowUp.objects.get())
    assert (agreed.event, agreed.action, agreed.changes["action"]) == (
        Event.FOLLOW_UP_AGREED,
        AuditEntry.Action.CREATE,
        MASKED,
    )
    assert (done.event, done.changes) == (Event.FOLLOW_UP_DONE, {"done_on": ["None", str(TODAY())]})


def test_a_decision_not_to_discuss_it_first_is_on_record(sg_world: Any) -> None:
    concern = raise_concern(sg_world)
    review(sg_world, concern)
    services.concern_record_no_discussion(
        concern=concern, occurred_on=TODAY(), reason="Mum's partner would be told.", actor=sg_world.dsl
    )
    [entry] = entries_about(concern.steps.get(kind=StepKind.NO_DISCUSSION))
    assert (entry.event, entry.changes["details"]) == (Event.CONCERN_NOT_DISCUSSED, MASKED)
    assert "partner" not in _text_of(entry)


def test_a_concern_held_longer_is_on_record_without_the_date(sg_world: Any) -> None:
    about_family = services.concern_raise(
        family=sg_world.family,
        children=[],
        category=ConcernCategory.NEGLECT,
        account="The house was cold.",
        observed_on=TODAY(),
        observed_time=None,
        immediate_danger=False,
        actor=sg_world.coordinator,
        site_root="https://homestart.example/",
    )
    due = TODAY() + datetime.timedelta(days=90)
    family_services.household_member_add(
        family=sg_world.family,
        kind=MemberKind.CHILD,
        first_name="Baby",
        expected_due_date=due,
        actor=sg_world.coordinator,
    )
    about_family.refresh_from_db()
    [(event, changes)] = _changes_of(about_family)
    assert (event, changes) == (Event.CONCERN_HELD_LONGER, {"retain_until": MASKED})
    held = entries_about(about_family)[-1]
    assert held.actor == sg_world.coordinator
    assert str(about_family.retain_until) not in _text_of(held) and str(due) not in _text_of(held)


def test_reads_are_services_writing_one_access_entry_per_concern(sg_world: Any) -> None:
    concerns = [raise_concern(sg_world) for _ in range(3)]
    assert services.concerns_listed(concerns=concerns, reader=sg_world.dsl) == 3
    services.chronology_read(family=sg_world.family, reader=sg_world.dsl)
    reads = AuditEntry.objects.filter(event=Event.CONCERN_READ, actor=sg_world.dsl)
    assert reads.count() == 6
    assert set(reads.values_list("family_pk", flat=True)) == {sg_world.family.pk}


# Many-to-many: the children a concern is about, by id -----------------------------------------------------------


@audit.service
def _relink(concern: Concern, children: list[Any], *, actor: Any) -> None:
    """A later change of the children concerned, made as every service makes one (``audit.set_m2m``)."""
    audit.set_m2m(concern, "children", children, event=Event.CONCERN_RAISED, actor=actor)


def test_every_change_of_the_children_a_concern_is_about_is_logged_by_id(sg_world: Any) -> None:
    world = sg_world
    sibling = family_services.household_member_add(
        family=world.family,
        kind=MemberKind.CHILD,
        first_name="Peregrine",
        date_of_birth=TODAY() - datetime.timedelta(days=900),
        actor=world.coordinator,
    )
    concern = services.concern_raise(
        family=world.family,
        children=[world.child, sibling],
        category=ConcernCategory.NEGLECT,
        account="Both children were hungry.",
        observed_on=TODAY(),
        observed_time=None,
        immediate_danger=False,
        actor=world.volunteer,
        site_root="https://homestart.example/",
    )
    added = entries_about(concern)[-1]
    assert added.changes == {"children": {"type": "m2m", "added": sorted([world.child.pk, sibling.pk])}}
    assert added.actor == world.volunteer

    _relink(concern, [world.child], actor=world.dsl)
    assert list(concern.children.all()) == [world.child]
    removed = entries_about(concern)[-1]
    assert (removed.changes, removed.actor, removed.family_pk) == (
        {"children": {"type": "m2m", "removed": [sibling.pk]}},
        world.dsl,
        world.family.pk,
    )
    for entry in (added, removed):
        assert "Peregrine" not in _text_of(entry) and world.child.first_name not in _text_of(entry)

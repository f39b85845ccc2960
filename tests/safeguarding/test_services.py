"""P12: the safeguarding workflow's services: raising, the email, the enforced order, the urgent path, the register,
retention, and an audit entry for every step."""

import datetime
from typing import Any
from unittest import mock

import pytest
from django.db import IntegrityError, InternalError, connection, transaction
from django.utils import timezone

from consents import services as consent_services
from consents.audit import ConsentAuditEvent
from consents.models import Category, Disclosure
from families.models import MemberKind
from homestart.exceptions import ActionNotAllowed
from homestart.models import AuditEntry
from safeguarding import services, workflow
from safeguarding.audit import SafeguardingAuditEvent
from safeguarding.models import Concern, ConcernStatus, ConcernStep, Decision, FollowUp, StepKind
from safeguarding.services import SAFEGUARDING_BASIS
from tests.safeguarding.conftest import ACCOUNT, decide, discuss, raise_concern, refer, review

pytestmark = pytest.mark.django_db


# Raising and the email -------------------------------------------------------------------------------------------


def test_p12_a_volunteer_raises_a_concern_and_the_leads_are_emailed_without_personal_details(
    sg_world: Any, mailoutbox: list, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        concern = raise_concern(sg_world)

    assert concern.status == ConcernStatus.RAISED and not concern.urgent
    assert list(concern.children.all()) == [sg_world.child]
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [sg_world.dsl.email]
    assert email.subject == "A safeguarding concern needs review"
    assert f"https://homestart.example/safeguarding/concerns/{concern.pk}/" in email.body
    text = email.subject + email.body
    for personal in (
        sg_world.family.family_name,
        sg_world.family.reference,
        sg_world.family.postcode,
        sg_world.child.first_name,
        "Grace",
        ACCOUNT[:20],
        "bruise",
        sg_world.volunteer.first_name,
        sg_world.volunteer.username,
        concern.get_category_display(),
    ):
        assert personal not in text, f"{personal!r} is in the email"


def test_p12_immediate_danger_marks_the_concern_urgent_and_says_so_in_the_subject(
    sg_world: Any, mailoutbox: list, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        concern = raise_concern(sg_world, urgent=True)
    assert concern.urgent and concern.immediate_danger
    assert mailoutbox[0].subject == "URGENT: A safeguarding concern needs review"
    assert "immediate danger" in mailoutbox[0].body


def test_with_no_lead_on_record_the_family_coordinator_is_emailed(
    sg_world: Any, mailoutbox: list, django_capture_on_commit_callbacks: Any
) -> None:
    from homestart.services import user_deactivate

    user_deactivate(user=sg_world.dsl, actor=sg_world.administrator)  # no active lead left
    with django_capture_on_commit_callbacks(execute=True):
        raise_concern(sg_world)
    assert mailoutbox[0].to == [sg_world.coordinator.email]


def test_a_mail_failure_keeps_the_concern_and_is_logged(
    sg_world: Any, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    with (
        mock.patch("safeguarding.services.send_mail", side_effect=ConnectionRefusedError("smtp down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        concern = raise_concern(sg_world)
    assert Concern.objects.filter(pk=concern.pk).exists()
    assert "Could not email the safeguarding leads" in caplog.text


def test_no_email_is_sent_when_raising_fails(
    sg_world: Any, mailoutbox: list, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ActionNotAllowed):
        services.concern_raise(
            family=sg_world.family,
            children=[sg_world.child],
            category="physical",
            account="   ",
            observed_on=timezone.localdate(),
            observed_time=None,
            immediate_danger=False,
            actor=sg_world.volunteer,
            site_root="https://homestart.example/",
        )
    assert mailoutbox == [] and not Concern.objects.exists()


@pytest.mark.parametrize("who", ["other_volunteer", "administrator", "other_coordinator"])
def test_only_the_assigned_volunteer_or_a_scheme_coordinator_can_raise(sg_world: Any, who: str) -> None:
    with pytest.raises(ActionNotAllowed):
        raise_concern(sg_world, by=getattr(sg_world, who))
    assert not Concern.objects.exists()


def test_children_must_come_from_the_family(sg_world: Any) -> None:
    theirs = sg_world.other_family.members.get(kind=MemberKind.CHILD)
    adult = sg_world.family.members.get(kind=MemberKind.ADULT)
    for children in ([theirs], [adult]):
        with pytest.raises(ActionNotAllowed, match="Choose children from this family"):
            services.concern_raise(
                family=sg_world.family,
                children=children,
                category="neglect",
                account="Seen.",
                observed_on=timezone.localdate(),
                observed_time=None,
                immediate_danger=False,
                actor=sg_world.coordinator,
                site_root="https://homestart.example/",
            )


# Retention -----------------------------------------------------------------------------------------------------------


def test_held_until_the_youngest_child_concerned_is_25(sg_world: Any) -> None:
    from families.services import household_member_add

    older = household_member_add(
        family=sg_world.family,
        kind=MemberKind.CHILD,
        first_name="Ada",
        date_of_birth=datetime.date(2016, 2, 29),
        actor=sg_world.coordinator,
    )
    unborn = household_member_add(
        family=sg_world.family,
        kind=MemberKind.CHILD,
        first_name="Baby",
        expected_due_date=datetime.date(2027, 3, 1),
        actor=sg_world.coordinator,
    )
    assert services.retention_date([older], sg_world.family, timezone.localdate()) == datetime.date(2041, 3, 1)
    assert services.retention_date([older, unborn], sg_world.family, timezone.localdate()) == datetime.date(2052, 3, 1)
    # No child named: the family's youngest counts.
    assert services.retention_date([], sg_world.family, timezone.localdate()) == datetime.date(2052, 3, 1)
    concern = raise_concern(sg_world)
    assert concern.retain_until == services.retention_date([sg_world.child], sg_world.family, timezone.localdate())
    assert concern.retain_until.year == sg_world.child.date_of_birth.year + 25


@pytest.mark.postgres
def test_safeguarding_records_cannot_be_deleted_or_steps_edited_before_the_retention_date(sg_world: Any) -> None:
    concern = raise_concern(sg_world)
    review(sg_world, concern)
    step = concern.steps.get()
    for statement in (
        ("DELETE FROM safeguarding_concernstep WHERE id = %s", [step.pk]),
        ("UPDATE safeguarding_concernstep SET details = 'changed' WHERE id = %s", [step.pk]),
        ("DELETE FROM safeguarding_concern WHERE id = %s", [concern.pk]),
    ):
        with pytest.raises((IntegrityError, InternalError)), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(*statement)
    assert ConcernStep.objects.get(pk=step.pk).details == "Spoke to the volunteer."
    # Past the retention date, a purge may delete. A retention date never moves earlier (migration 0003), so the
    # passage of time is stood in for by switching that trigger off inside this test's transaction.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # settle pending checks, so ALTER TABLE may run
        cursor.execute("ALTER TABLE safeguarding_concern DISABLE TRIGGER safeguarding_concern_retention_only_later")
        cursor.execute("UPDATE safeguarding_concern SET retain_until = %s WHERE id = %s", ["2000-01-01", concern.pk])
        cursor.execute("ALTER TABLE safeguarding_concern ENABLE TRIGGER safeguarding_concern_retention_only_later")
        cursor.execute("DELETE FROM safeguarding_concernstep WHERE concern_id = %s", [concern.pk])
    assert not ConcernStep.objects.filter(concern=concern).exists()


def test_family_with_a_concern_cannot_be_deleted(sg_world: Any) -> None:
    from django.db.models import ProtectedError

    raise_concern(sg_world)
    with pytest.raises(ProtectedError):
        sg_world.family.delete()


# The order of the steps -------------------------------------------------------------------------------------------


def test_p12_no_referral_before_the_family_is_spoken_to_or_an_exception_is_recorded(sg_world: Any) -> None:
    concern = raise_concern(sg_world)
    with pytest.raises(ActionNotAllowed, match="Review the concern first"):
        refer(sg_world, concern)
    review(sg_world, concern)
    with pytest.raises(ActionNotAllowed, match="Record a decision to refer"):
        refer(sg_world, concern)
    decide(sg_world, concern)
    with pytest.raises(ActionNotAllowed, match="Record the discussion with the family first"):
        refer(sg_world, concern)
    assert not Disclosure.objects.exists()
    discuss(sg_world, concern)
    step = refer(sg_world, concern)
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.REFERRED
    assert step.kind == StepKind.REFERRAL and step.disclosure.basis == SAFEGUARDING_BASIS.name


def test_p12_a_lead_may_record_why_the_family_is_not_told_first_and_then_refer(sg_world: Any) -> None:
    concern = raise_concern(sg_world)
    review(sg_world, concern)
    decide(sg_world, concern, Decision.POLICE)
    with pytest.raises(ActionNotAllowed, match="Only a safeguarding lead"):
        services.concern_record_no_discussion(
            concern=concern, occurred_on=timezone.localdate(), reason="Risk of flight.", actor=sg_world.coordinator
        )
    services.concern_record_no_discussion(
        concern=concern, occurred_on=timezone.localdate(), reason="Risk of flight.", actor=sg_world.dsl
    )
    refer(sg_world, concern, actor=sg_world.coordinator)  # the family's coordinator may record the referral
    assert workflow.outstanding(Concern.objects.get(pk=concern.pk)) == []


def test_p12_an_urgent_concern_may_be_referred_at_once_and_the_discussion_then_shows_as_outstanding(
    sg_world: Any,
) -> None:
    concern = raise_concern(sg_world, urgent=True)
    refer(sg_world, concern)  # no review, decision or discussion yet
    concern = Concern.objects.get(pk=concern.pk)
    assert concern.status == ConcernStatus.REFERRED
    outstanding = dict(workflow.outstanding(concern))
    discussion = "Discussion with the family, or a safeguarding lead's reason not to discuss it first"
    assert outstanding[discussion] is True  # shown as outstanding (overdue) because the referral was made
    assert "Decision" in outstanding
    with pytest.raises(ActionNotAllowed, match="Before closing: discussion with the family"):
        services.concern_close(concern=concern, outcome="Done.", occurred_on=timezone.localdate(), actor=sg_world.dsl)
    discuss(sg_world, concern)
    decide(sg_world, concern)
    concern = Concern.objects.get(pk=concern.pk)
    assert concern.status == ConcernStatus.REFERRED  # a decision after the referral leaves it referred
    assert workflow.outstanding(concern) == []
    services.concern_close(
        concern=concern, outcome="Social care took the case.", occurred_on=timezone.localdate(), actor=sg_world.dsl
    )
    assert Concern.objects.get(pk=concern.pk).status == ConcernStatus.CLOSED


def test_a_lead_may_mark_a_concern_urgent_at_review(sg_world: Any) -> None:
    concern = raise_concern(sg_world)
    services.concern_review(
        concern=concern,
        notes="Worse than it sounds.",
        urgent=True,
        occurred_on=timezone.localdate(),
        actor=sg_world.dsl,
    )
    concern = Concern.objects.get(pk=concern.pk)
    assert concern.urgent and not concern.immediate_danger
    refer(sg_world, concern)  # urgent: referred before the family is spoken to


def test_the_register_service_refuses_a_safeguarding_disclosure_out_of_order(sg_world: Any) -> None:
    """No other caller can record a safeguarding referral early: the register's own service checks the order."""
    concern = raise_concern(sg_world)
    review(sg_world, concern)
    with pytest.raises(consent_services.DisclosureRefused, match="decision to refer"):
        consent_services.disclosure_record(
            family=sg_world.family,
            recipient=sg_world.mash,
            categories=[Category.CONCERN],
            summary="Everything.",
            method="phone",
            disclosed_on=timezone.localdate(),
            basis=SAFEGUARDING_BASIS.name,
            evidence=concern,
            actor=sg_world.dsl,
        )
    with pytest.raises(consent_services.DisclosureRefused, match="recorded from its concern"):
        consent_services.disclosure_record(
            family=sg_world.family,
            recipient=sg_world.mash,
            categories=[Category.CONCERN],
            summary="Everything.",
            method="phone",
            disclosed_on=timezone.localdate(),
            basis=SAFEGUARDING_BASIS.name,
            actor=sg_world.dsl,
        )
    assert not Disclosure.objects.exists()


def test_steps_are_refused_out_of_turn(sg_world: Any) -> None:
    concern = raise_concern(sg_world)
    with pytest.raises(ActionNotAllowed, match="Review the concern first"):
        discuss(sg_world, concern)
    with pytest.raises(ActionNotAllowed, match="Review the concern first"):
        decide(sg_world, concern)
    review(sg_world, concern)
    with pytest.raises(ActionNotAllowed, match="already been reviewed"):
        review(sg_world, concern)
    with pytest.raises(ActionNotAllowed, match="Before closing"):
        services.concern_close(concern=concern, outcome="x", occurred_on=timezone.localdate(), actor=sg_world.dsl)
    decide(sg_world, concern, Decision.MONITOR)
    discuss(sg_world, concern)
    services.concern_close(
        concern=concern, outcome="Monitored; no further worry.", occurred_on=timezone.localdate(), actor=sg_world.dsl
    )
    for step in (
        lambda: discuss(sg_world, concern),
        lambda: decide(sg_world, concern),
        lambda: refer(sg_world, concern),
    ):
        with pytest.raises(ActionNotAllowed, match="closed"):
            step()


@pytest.mark.parametrize("who", ["colleague", "volunteer", "other_coordinator", "administrator"])
def test_p12_only_a_lead_or_the_family_coordinator_takes_a_step(sg_world: Any, who: str) -> None:
    concern = raise_concern(sg_world)
    with pytest.raises(ActionNotAllowed, match="safeguarding lead or the family's coordinator"):
        services.concern_review(
            concern=concern, notes="x", urgent=False, occurred_on=timezone.localdate(), actor=getattr(sg_world, who)
        )
    assert not concern.steps.exists()


def test_dates_cannot_be_in_the_future_or_before_the_concern(sg_world: Any) -> None:
    concern = raise_concern(sg_world, days_ago=3)
    # Tomorrow; and two days ago: after it happened, but before it was raised today.
    for day in (timezone.localdate() + datetime.timedelta(days=1), timezone.localdate() - datetime.timedelta(days=2)):
        with pytest.raises(ActionNotAllowed, match="date"):
            services.concern_review(concern=concern, notes="x", urgent=False, occurred_on=day, actor=sg_world.dsl)


def test_follow_ups_block_closure_until_done(sg_world: Any) -> None:
    concern = raise_concern(sg_world)
    review(sg_world, concern)
    decide(sg_world, concern, Decision.EARLY_HELP)
    discuss(sg_world, concern)
    with pytest.raises(ActionNotAllowed, match="past"):
        services.follow_up_add(
            concern=concern,
            action="Ring the HV.",
            due_on=timezone.localdate() - datetime.timedelta(days=1),
            owner=sg_world.dsl,
            actor=sg_world.dsl,
        )
    with pytest.raises(ActionNotAllowed, match="safeguarding lead or the family's coordinator"):
        services.follow_up_add(
            concern=concern,
            action="Ring the HV.",
            due_on=timezone.localdate(),
            owner=sg_world.colleague,
            actor=sg_world.dsl,
        )
    follow_up = services.follow_up_add(
        concern=concern,
        action="Ring the HV.",
        due_on=timezone.localdate(),
        owner=sg_world.coordinator,
        actor=sg_world.dsl,
    )
    with pytest.raises(ActionNotAllowed, match="follow-up actions still open: 1"):
        services.concern_close(concern=concern, outcome="x", occurred_on=timezone.localdate(), actor=sg_world.dsl)
    services.follow_up_complete(
        follow_up=follow_up, done_on=timezone.localdate(), notes="HV will visit.", actor=sg_world.coordinator
    )
    with pytest.raises(ActionNotAllowed, match="already marked as done"):
        services.follow_up_complete(
            follow_up=follow_up, done_on=timezone.localdate(), notes="", actor=sg_world.coordinator
        )
    services.concern_close(
        concern=concern, outcome="Early help in place.", occurred_on=timezone.localdate(), actor=sg_world.dsl
    )
    kinds = list(Concern.objects.get(pk=concern.pk).steps.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["review", "decision", "discussion", "follow_up", "follow_up_done", "closure"]
    assert FollowUp.objects.get().done_on == timezone.localdate()


# The register and the audit ----------------------------------------------------------------------------------------


def test_p1_the_referral_is_a_disclosure_with_basis_safeguarding(sg_world: Any) -> None:
    concern = raise_concern(sg_world)
    review(sg_world, concern)
    decide(sg_world, concern)
    discuss(sg_world, concern)
    step = refer(sg_world, concern)
    disclosure = Disclosure.objects.get()
    assert disclosure == step.disclosure
    assert (disclosure.basis, disclosure.concern_step.concern, disclosure.recipient) == (
        "safeguarding",
        concern,
        sg_world.mash,
    )
    assert disclosure.reference_number == "MASH-2026-118"
    assert disclosure.categories == [Category.CONCERN, "contact_details", "household"]
    assert disclosure.recorded_by == sg_world.dsl and disclosure.shared
    assert AuditEntry.objects.filter(event=ConsentAuditEvent.DISCLOSURE_RECORDED, object_pk=str(disclosure.pk)).exists()


def test_p12_every_step_leaves_an_audit_entry_with_its_actor_and_no_text(sg_world: Any) -> None:
    from auditlog.context import set_actor

    with set_actor(sg_world.volunteer):
        concern = raise_concern(sg_world)
    with set_actor(sg_world.dsl):
        review(sg_world, concern)
        decide(sg_world, concern)
        discuss(sg_world, concern)
        refer(sg_world, concern)
    steps = list(concern.steps.all())
    assert [step.kind for step in steps] == ["review", "decision", "discussion", "referral"]
    for step in steps:
        entry = AuditEntry.objects.get(
            object_pk=str(step.pk), content_type__model="concernstep", action=AuditEntry.Action.CREATE
        )
        assert entry.actor == step.recorded_by == sg_world.dsl
        assert entry.family_pk == sg_world.family.pk
    events = [AuditEntry.objects.get(object_pk=str(step.pk), content_type__model="concernstep").event for step in steps]
    assert events == [
        SafeguardingAuditEvent.CONCERN_REVIEWED,
        SafeguardingAuditEvent.CONCERN_DECIDED,
        SafeguardingAuditEvent.CONCERN_DISCUSSED,
        SafeguardingAuditEvent.CONCERN_REFERRED,
    ]
    raised = AuditEntry.objects.get(
        object_pk=str(concern.pk), content_type__model="concern", action=AuditEntry.Action.CREATE
    )
    assert (raised.actor, raised.event) == (sg_world.volunteer, SafeguardingAuditEvent.CONCERN_RAISED)
    every_field = " ".join(
        f"{e.object_repr} {e.changes} {e.additional_data} {e.changes_text}" for e in AuditEntry.objects.all()
    )
    for secret in (
        "Sentinel-Account-7Q",
        "bruise",
        "We explained our worry",
        "Mother agreed",
        "Unexplained injury",
        "MASH-2026-118",
        "Spoke to the volunteer",
    ):
        assert secret not in every_field, f"{secret!r} leaked into the audit log"


def test_reading_a_concern_is_an_audit_access_entry(sg_world: Any) -> None:
    concern = raise_concern(sg_world)
    services.concern_read(concern=concern, reader=sg_world.dsl)
    entry = AuditEntry.objects.get(event=SafeguardingAuditEvent.CONCERN_READ)
    assert (entry.actor, entry.object_pk, entry.action) == (sg_world.dsl, str(concern.pk), AuditEntry.Action.ACCESS)
    with pytest.raises(ActionNotAllowed):
        services.concern_read(concern=concern, reader=sg_world.colleague)

"""The registries that lower floors read and higher floors fill at start-up: every expected entry is there."""

from typing import Any

import pytest
from auditlog.registry import auditlog
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from consents import bases
from consents import services as consent_services
from consents.audit import ConsentAuditEvent
from documents.audit import DocumentAuditEvent
from families import hooks as family_hooks
from families import services as family_services
from families.audit import FamilyAuditEvent
from homestart import audit, hooks
from homestart.models import AuditEvent
from office.audit import OfficeAuditEvent
from outcomes.audit import OutcomeAuditEvent
from safeguarding import services as safeguarding_services
from safeguarding.audit import SafeguardingAuditEvent
from volunteers import services as volunteer_services
from volunteers.audit import VolunteerAuditEvent

DOMAIN_APPS = ["homestart", "documents", "families", "volunteers", "consents", "safeguarding", "outcomes"]


def test_every_app_declares_its_audit_events() -> None:
    declared = [
        AuditEvent,
        FamilyAuditEvent,
        VolunteerAuditEvent,
        ConsentAuditEvent,
        SafeguardingAuditEvent,
        OutcomeAuditEvent,
        OfficeAuditEvent,
        DocumentAuditEvent,
    ]
    expected = {value: label for events in declared for value, label in events.choices}
    assert audit.EVENTS == expected


def test_every_model_about_one_family_says_how_to_find_it() -> None:
    """What "who has seen this family" and subject access read: every record about one family names it."""
    assert sorted(audit.FAMILY_OF) == [
        "consents.AgencyRequest",
        "consents.Consent",
        "consents.ConsentEvent",
        "consents.Disclosure",
        "consents.Letter",
        "consents.SignedScan",
        "families.Assignment",
        "families.CaseNote",
        "families.Family",
        "families.FamilyGroupAttendance",
        "families.HouseholdMember",
        "families.Referral",
        "families.SupportPeriod",
        "families.Visit",
        "outcomes.Assessment",
        "outcomes.Score",
        "safeguarding.Concern",
        "safeguarding.ConcernStep",
        "safeguarding.FollowUp",
        "volunteers.SupervisionAction",
        "volunteers.SupervisionFamily",
    ]


def test_an_undeclared_audit_event_is_refused(world: Any) -> None:
    with pytest.raises(ImproperlyConfigured, match="not declared"):
        audit.record_event(event="made_up_event", actor=world.coordinator)


def test_every_domain_model_is_tracked_with_the_fields_its_app_masks() -> None:
    expected_masks = {
        f"{app}.{model}": fields
        for app, masked in [
            ("documents", __import__("documents.audit").audit.MASKED_FIELDS),
            ("families", __import__("families.audit").audit.MASKED_FIELDS),
            ("volunteers", __import__("volunteers.audit").audit.MASKED_FIELDS),
            ("consents", __import__("consents.audit").audit.MASKED_FIELDS),
            ("safeguarding", __import__("safeguarding.audit").audit.MASKED_FIELDS),
            ("outcomes", __import__("outcomes.audit").audit.MASKED_FIELDS),
        ]
        for model, fields in masked.items()
    }
    expected_masks["homestart.User"] = ["first_name", "last_name", "email", "phone"]
    for label, fields in expected_masks.items():
        assert audit.TRACKED[label] == fields, label
    models = [
        model
        for app in DOMAIN_APPS
        for model in apps.get_app_config(app).get_models()
        if model.__name__ != "AuditEntry" and not model.__name__.endswith("ObjectPermission")
    ]
    assert sorted(audit.TRACKED) == sorted(model._meta.label for model in models)
    assert all(auditlog.contains(model) for model in models)


def test_a_mask_naming_a_field_that_does_not_exist_fails_at_start_up() -> None:
    with pytest.raises(ImproperlyConfigured, match="no fields"):
        audit.register_app("families", masked={"CaseNote": ["txet"]})
    with pytest.raises(ImproperlyConfigured, match="not one of its models"):
        audit.register_app("families", masked={"Concern": ["account"]})


def test_the_disclosure_bases_are_registered() -> None:
    assert list(bases.BASES) == ["consent", "agency_request", "safeguarding"]
    assert bases.BASES["safeguarding"] is safeguarding_services.SAFEGUARDING_BASIS
    # The register's own page offers only the bases it can check there; a referral is recorded from its concern.
    assert [name for name, _label in bases.register_choices()] == ["consent", "agency_request"]


def test_the_hooks_have_their_subscribers() -> None:
    assert family_hooks.coordinator_changed.subscribers == (volunteer_services.supervision_parts_follow_coordinator,)
    assert family_hooks.children_changed.subscribers == (safeguarding_services.concerns_retention_recompute,)
    assert family_hooks.assignment_refusals.rules == (volunteer_services.assignment_refusal,)
    assert family_hooks.assignment_warnings.rules == (volunteer_services.assignment_warning,)
    assert hooks.account_created.subscribers == (volunteer_services.account_created,)
    assert hooks.account_deactivation.rules == (
        family_services.deactivation_refusal,
        family_services.coordinator_deactivation_refusal,
    )
    assert hooks.account_role_change.rules == (family_services.role_change_refusal,)
    assert hooks.account_role_changed.subscribers == (volunteer_services.account_role_changed,)


def test_a_disclosure_on_an_unregistered_basis_is_refused(world: Any) -> None:
    """The guarantee "nothing leaves without a basis that holds" never depends on which apps registered one."""
    from consents.models import Disclosure
    from families.models import Professional

    with pytest.raises(consent_services.DisclosureRefused, match="without a lawful basis"):
        consent_services.disclosure_record(
            family=world.family,
            recipient=Professional.objects.get(name="Helen Price"),
            categories=["support_status"],
            summary="Support continues.",
            method="phone",
            disclosed_on=world.family.referrals.first().date_received,
            basis="gossip",
            actor=world.coordinator,
        )
    assert not Disclosure.objects.exists()


def test_a_hook_subscriber_that_fails_undoes_the_action(world: Any, monkeypatch: Any) -> None:
    """A subscriber runs inside the announcing service's transaction: if it fails, nothing is changed."""
    from families.models import Family
    from homestart.models import Role
    from tests.conftest import make_user

    colleague = make_user(world.scheme, "colleague", Role.COORDINATOR)

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("supervision parts could not move")

    monkeypatch.setattr(family_hooks.coordinator_changed, "_subscribers", [broken])
    with pytest.raises(RuntimeError):
        family_services.family_change_coordinator(family=world.family, coordinator=colleague, actor=world.coordinator)
    assert Family.objects.get(pk=world.family.pk).lead_coordinator == world.coordinator


def test_every_app_registers_its_reminder_kinds() -> None:
    """What ``manage.py send_reminders`` asks each day (homestart.reminders): each app's kinds, in floor order."""
    from homestart import reminders

    assert list(reminders.KINDS) == [
        "families.no_recent_visit",
        "volunteers.dbs_renewals",
        "volunteers.own_dbs_renewal",
        "volunteers.supervision_overdue",
        "volunteers.own_supervision_due",
        "consents.reviews_due",
        "consents.requests_overdue",
        "safeguarding.follow_ups_overdue",
        "outcomes.reviews_due",
        "outcomes.volunteer_reviews_due",
    ]
    mandatory = sorted(name for name, kind in reminders.KINDS.items() if not kind.optional)
    assert mandatory == ["safeguarding.follow_ups_overdue", "volunteers.dbs_renewals", "volunteers.own_dbs_renewal"]

"""A family's record changes as its life does: details, health visitor, household, support periods, coming back.

Each service is driven as the pages drive it; each test checks what a coordinator would notice, and the audit trail.
"""

import datetime
from typing import Any

import pytest
from auditlog.context import set_actor
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from families import selectors, services
from families.audit import FamilyAuditEvent
from families.models import (
    AgencyKind,
    Family,
    FamilyStatus,
    HouseholdMember,
    MemberKind,
    Professional,
    Referral,
    ReferralOutcome,
    SupportPeriod,
)
from homestart.audit import MASK
from homestart.exceptions import ActionNotAllowed
from homestart.models import AuditEntry, Role, User
from tests.conftest import make_family, make_user

TODAY = timezone.localdate


def days_ago(n: int) -> datetime.date:
    return TODAY() - datetime.timedelta(days=n)


def _updates(instance: Any) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(type(instance)),
            object_id=instance.pk,
            action=AuditEntry.Action.UPDATE,
        ).order_by("pk")
    )


def _new_health_visitor(world: Any, name: str = "Hannah Cole") -> Professional:
    return services.professional_add(
        scheme=world.scheme,
        agency_name="South Health Visiting Team",
        agency_kind=AgencyKind.HEALTH_VISITING,
        name=name,
        role="Health visitor",
        actor=world.coordinator,
    )


# --- Details ---------------------------------------------------------------------------------------------------


def test_a_move_is_recorded_and_audited_with_the_personal_values_masked(world: Any) -> None:
    with set_actor(world.coordinator):  # as the audit middleware does for a page
        family = services.family_update_details(
            family=world.family,
            address="9 New Street\nSouthsea",
            postcode="po4 0aa",
            phone="07700 900222",
            preferred_language="Yoruba",
            actor=world.coordinator,
        )
    family.refresh_from_db()
    assert (family.address, family.postcode, family.phone, family.preferred_language) == (
        "9 New Street\nSouthsea",
        "PO4 0AA",
        "07700 900222",
        "Yoruba",
    )
    entry = _updates(family)[-1]
    assert entry.actor_id == world.coordinator.pk
    assert (entry.event, entry.family_pk) == (FamilyAuditEvent.FAMILY_DETAILS_CHANGED, family.pk)
    for field in ("address", "postcode", "phone", "preferred_language"):
        assert entry.changes[field] == [MASK, MASK], field
    assert "New Street" not in str(entry.changes) and "PO4" not in str(entry.changes)


def test_only_a_coordinator_of_the_scheme_changes_the_details(world: Any) -> None:
    for actor in (world.volunteer, world.other_coordinator, world.administrator):
        with pytest.raises(ActionNotAllowed):
            services.family_update_details(
                family=world.family,
                address="x",
                postcode="PO1 1AA",
                phone="",
                preferred_language="English",
                actor=actor,
            )
    with pytest.raises(ActionNotAllowed, match="address"):
        services.family_update_details(
            family=world.family, address=" ", postcode="PO1 1AA", phone="", preferred_language="English",
            actor=world.coordinator,
        )  # fmt: skip
    assert Family.objects.get(pk=world.family.pk).address == "1 Test Road\nPortsmouth"


def test_the_health_visitor_is_chosen_from_the_directory_and_never_a_retired_one(world: Any) -> None:
    helen = Professional.objects.get(name="Helen Price")
    hannah = _new_health_visitor(world)
    services.family_change_health_visitor(family=world.family, health_visitor=helen, actor=world.coordinator)
    assert Family.objects.get(pk=world.family.pk).health_visitor == helen

    services.professional_retire(professional=hannah, actor=world.coordinator)
    with pytest.raises(ActionNotAllowed, match="retired"):
        services.family_change_health_visitor(family=world.family, health_visitor=hannah, actor=world.coordinator)
    assert Family.objects.get(pk=world.family.pk).health_visitor == helen
    # Not offered on the page either.
    assert hannah not in selectors.professionals_in_scheme(world.coordinator)

    # A health visitor retired while on the record stays on it (saving again keeps them).
    services.professional_retire(professional=helen, actor=world.coordinator)
    services.family_change_health_visitor(family=world.family, health_visitor=helen, actor=world.coordinator)
    assert Family.objects.get(pk=world.family.pk).health_visitor == helen
    services.family_change_health_visitor(family=world.family, health_visitor=None, actor=world.coordinator)
    assert Family.objects.get(pk=world.family.pk).health_visitor is None


def test_another_schemes_professional_cannot_be_the_health_visitor(world: Any) -> None:
    theirs = services.professional_add(
        scheme=world.other_scheme,
        agency_name="Winchester Health Visitors",
        agency_kind=AgencyKind.HEALTH_VISITING,
        name="Wendy Hall",
        role="Health visitor",
        actor=world.other_coordinator,
    )
    with pytest.raises(ActionNotAllowed, match="not in this scheme"):
        services.family_change_health_visitor(family=world.family, health_visitor=theirs, actor=world.coordinator)


# --- Household -------------------------------------------------------------------------------------------------


def test_a_baby_on_the_way_is_born_and_keeps_the_same_record(world: Any) -> None:
    due = TODAY() + datetime.timedelta(days=10)
    baby = services.household_member_add(
        family=world.family, kind=MemberKind.CHILD, first_name="Baby", last_name="Okafor", expected_due_date=due,
        relationship="expected baby", actor=world.coordinator,
    )  # fmt: skip
    assert baby.is_unborn
    born = services.household_member_born(
        member=baby, date_of_birth=days_ago(2), first_name="Ada", relationship="daughter", actor=world.coordinator
    )
    assert born.pk == baby.pk
    baby.refresh_from_db()
    assert (baby.first_name, baby.date_of_birth, baby.expected_due_date, baby.relationship) == (
        "Ada",
        days_ago(2),
        None,
        "daughter",
    )
    assert not baby.is_unborn
    with pytest.raises(ActionNotAllowed, match="already recorded"):
        services.household_member_born(member=baby, date_of_birth=days_ago(1), actor=world.coordinator)
    (entry,) = _updates(baby)
    assert entry.changes["date_of_birth"] == [MASK, MASK] and entry.changes["first_name"] == [MASK, MASK]
    assert (entry.event, entry.family_pk) == (FamilyAuditEvent.CHILD_BORN, baby.family_id)


def test_a_birth_cannot_be_recorded_in_the_future(world: Any) -> None:
    baby = services.household_member_add(
        family=world.family, kind=MemberKind.CHILD, first_name="Baby", expected_due_date=TODAY(),
        actor=world.coordinator,
    )  # fmt: skip
    with pytest.raises(ActionNotAllowed, match="future"):
        services.household_member_born(
            member=baby, date_of_birth=TODAY() + datetime.timedelta(days=1), actor=world.coordinator
        )
    assert HouseholdMember.objects.get(pk=baby.pk).is_unborn


def test_a_member_is_corrected_but_stays_an_adult_or_a_child(world: Any) -> None:
    mother = world.family.members.get(kind=MemberKind.ADULT)
    services.household_member_correct(
        member=mother, first_name="Grace", last_name="Okafor-Bello", relationship="mother", actor=world.coordinator
    )
    mother.refresh_from_db()
    assert (mother.last_name, mother.kind) == ("Okafor-Bello", MemberKind.ADULT)
    with pytest.raises(ActionNotAllowed, match="due date"):
        services.household_member_correct(
            member=mother, first_name="Grace", expected_due_date=TODAY(), actor=world.coordinator
        )
    child = world.family.members.get(kind=MemberKind.CHILD)
    with pytest.raises(ActionNotAllowed, match="date of birth"):
        services.household_member_correct(member=child, first_name="Tobi", actor=world.coordinator)
    with pytest.raises(ActionNotAllowed, match="not both"):
        services.household_member_correct(
            member=child, first_name="Tobi", date_of_birth=days_ago(5), expected_due_date=TODAY(),
            actor=world.coordinator,
        )  # fmt: skip


def test_someone_who_leaves_is_kept_in_the_history_never_deleted(world: Any) -> None:
    mother = world.family.members.get(kind=MemberKind.ADULT)
    with pytest.raises(ActionNotAllowed, match="future"):
        services.household_member_leave(
            member=mother, left_on=TODAY() + datetime.timedelta(days=1), actor=world.coordinator
        )
    services.household_member_leave(member=mother, left_on=days_ago(3), actor=world.coordinator)
    mother.refresh_from_db()
    assert mother.left_on == days_ago(3)
    assert HouseholdMember.objects.filter(pk=mother.pk).exists()
    with pytest.raises(ActionNotAllowed, match="already recorded"):
        services.household_member_leave(member=mother, left_on=days_ago(1), actor=world.coordinator)
    assert [m.pk for m in selectors.members_on_family(Family.objects.get(pk=world.family.pk))].count(mother.pk) == 1


def test_household_changes_are_for_the_schemes_coordinators_only(world: Any) -> None:
    child = world.family.members.get(kind=MemberKind.CHILD)
    for actor in (world.volunteer, world.other_coordinator, world.administrator):
        with pytest.raises(ActionNotAllowed):
            services.household_member_add(family=world.family, kind=MemberKind.ADULT, first_name="X", actor=actor)
        with pytest.raises(ActionNotAllowed):
            services.household_member_leave(member=child, left_on=TODAY(), actor=actor)
        with pytest.raises(ActionNotAllowed):
            services.household_member_correct(member=child, first_name="X", date_of_birth=days_ago(9), actor=actor)
    assert world.family.members.count() == 2
    assert HouseholdMember.objects.get(pk=child.pk).first_name == "Tobi"


# --- Support periods and coming back --------------------------------------------------------------------------


def _end(family: Family, world: Any, on: datetime.date, reason: str = "Goals reached.") -> Family:
    return services.family_end_support(family=family, ended_on=on, reason=reason, actor=world.coordinator)


def test_support_opens_a_period_on_the_accepted_referral_and_ending_closes_it(world: Any) -> None:
    family = world.family  # accepted, a volunteer assigned 20 days ago
    (period,) = SupportPeriod.objects.filter(family=family)
    referral = family.referrals.get()
    assert (period.referral, period.started_on, period.ended_on) == (referral, days_ago(20), None)
    # A second volunteer joins the same period.
    services.assignment_start(
        family=family, volunteer=world.other_volunteer, started_on=days_ago(5), actor=world.coordinator
    )
    assert SupportPeriod.objects.filter(family=family).count() == 1
    _end(family, world, days_ago(1))
    period.refresh_from_db()
    family.refresh_from_db()
    assert (period.ended_on, period.end_reason) == (days_ago(1), "Goals reached.")
    assert (family.support_started_on, family.support_ended_on, family.support_end_reason) == (
        period.started_on,
        period.ended_on,
        period.end_reason,
    )
    (entry,) = _updates(period)
    assert entry.changes["end_reason"] == [MASK, MASK]
    assert (entry.event, entry.family_pk) == (FamilyAuditEvent.SUPPORT_ENDED, family.pk)


def test_an_ended_family_comes_back_on_the_same_record_and_reference(world: Any) -> None:
    family = _end(world.family, world, days_ago(10))
    first_referral = family.referrals.get()
    hv = Professional.objects.get(name="Helen Price")
    referral = services.referral_rerefer(
        family=family, referrer=hv, date_received=days_ago(2), reasons="New baby, feeling low.", actor=world.coordinator
    )
    family.refresh_from_db()
    assert referral.family_id == family.pk and family.reference == world.family.reference
    assert family.status == FamilyStatus.REFERRED
    assert list(family.referrals.all()) == [referral, first_referral]
    # The family's support dates stay those of the latest period until support starts again.
    assert (family.support_started_on, family.support_ended_on) == (days_ago(20), days_ago(10))
    assert Family.objects.filter(scheme=world.scheme, reference=family.reference).count() == 1

    services.referral_decide(referral=referral, outcome=ReferralOutcome.ACCEPTED, actor=world.coordinator)
    services.assignment_start(family=family, volunteer=world.volunteer, started_on=days_ago(1), actor=world.coordinator)
    family.refresh_from_db()
    assert family.status == FamilyStatus.SUPPORTED
    latest, earlier = SupportPeriod.objects.filter(family=family)
    assert (latest.referral, latest.started_on, latest.ended_on) == (referral, days_ago(1), None)
    assert (earlier.referral, earlier.ended_on) == (first_referral, days_ago(10))
    assert (family.support_started_on, family.support_ended_on, family.support_end_reason) == (days_ago(1), None, "")
    # Both assignments are kept: the earlier one ended with the first period.
    assert family.assignments.count() == 2

    history = selectors.support_history(Family.objects.get(pk=family.pk))
    assert [(e.referral, e.period) for e in history] == [(referral, latest), (first_referral, earlier)]
    assert [len(e.assignments) for e in history] == [1, 1]


def test_a_declined_family_can_be_referred_again(world: Any) -> None:
    family = make_family(world.coordinator, "Nowak", accept=False, postcode="PO3 5DD")
    services.referral_decide(
        referral=family.referrals.get(), outcome=ReferralOutcome.DECLINED, reason="Out of area.",
        actor=world.coordinator,
    )  # fmt: skip
    referral = services.referral_rerefer(
        family=family, referrer=None, date_received=TODAY(), reasons="Moved into the area.", actor=world.coordinator
    )
    assert referral.self_referral
    assert Family.objects.get(pk=family.pk).status == FamilyStatus.REFERRED


def test_only_an_ended_or_declined_family_is_referred_again_and_never_dated_before_the_last(world: Any) -> None:
    with pytest.raises(ActionNotAllowed, match="Being supported"):
        services.referral_rerefer(
            family=world.family, referrer=None, date_received=TODAY(), reasons="Again.", actor=world.coordinator
        )
    family = _end(world.family, world, days_ago(5))
    with pytest.raises(ActionNotAllowed, match="before"):
        services.referral_rerefer(
            family=family, referrer=None, date_received=days_ago(40), reasons="Again.", actor=world.coordinator
        )
    with pytest.raises(ActionNotAllowed):
        services.referral_rerefer(
            family=family, referrer=None, date_received=TODAY(), reasons="Again.", actor=world.other_coordinator
        )
    with pytest.raises(ActionNotAllowed, match="reasons"):
        services.referral_rerefer(
            family=family, referrer=None, date_received=TODAY(), reasons="  ", actor=world.coordinator
        )
    assert Referral.objects.filter(family=family).count() == 1
    assert Family.objects.get(pk=family.pk).status == FamilyStatus.ENDED


def test_a_family_whose_coordinator_left_is_led_by_whoever_refers_them_again(world: Any) -> None:
    colleague = make_user(world.scheme, "colleague", Role.COORDINATOR)
    family = _end(world.family, world, days_ago(5))
    # Deactivation now hands a coordinator's families over; records from before then can still name one who left.
    User.objects.filter(pk=world.coordinator.pk).update(is_active=False)
    services.referral_rerefer(
        family=family, referrer=None, date_received=TODAY(), reasons="Back again.", actor=colleague
    )
    assert Family.objects.get(pk=family.pk).lead_coordinator == colleague


def test_support_ended_before_any_volunteer_leaves_no_period_and_no_start_date(world: Any) -> None:
    family = _end(world.family, world, days_ago(10))
    referral = services.referral_rerefer(
        family=family, referrer=None, date_received=days_ago(8), reasons="Again.", actor=world.coordinator
    )
    services.referral_decide(referral=referral, outcome=ReferralOutcome.ACCEPTED, actor=world.coordinator)
    with pytest.raises(ActionNotAllowed, match="before the referral was received"):
        _end(family, world, days_ago(9))
    family = _end(family, world, days_ago(1), "Family moved away before a volunteer was free.")
    assert SupportPeriod.objects.filter(family=family).count() == 1
    assert (family.support_started_on, family.support_ended_on) == (None, days_ago(1))


def test_support_cannot_start_before_the_referral_that_began_it(world: Any) -> None:
    family = _end(world.family, world, days_ago(10))
    referral = services.referral_rerefer(
        family=family, referrer=None, date_received=days_ago(5), reasons="Again.", actor=world.coordinator
    )
    services.referral_decide(referral=referral, outcome=ReferralOutcome.ACCEPTED, actor=world.coordinator)
    with pytest.raises(ActionNotAllowed, match="before the referral was received"):
        services.assignment_start(
            family=family, volunteer=world.volunteer, started_on=days_ago(7), actor=world.coordinator
        )
    assert SupportPeriod.objects.filter(family=family).count() == 1


# --- Intake: a family the scheme already knows ----------------------------------------------------------------


def test_a_new_referral_matches_the_same_surname_and_postcode_ignoring_case_and_spaces(world: Any) -> None:
    found = selectors.families_like(world.coordinator, family_name=" okafor ", postcode="po27qa", children=[])
    assert [f.pk for f in found] == [world.family.pk]
    assert found[0].same_name_and_postcode and not found[0].same_child
    # The same surname elsewhere, or another family at the address, is not a match.
    assert not selectors.families_like(world.coordinator, family_name="Okafor", postcode="PO1 1AA", children=[])
    assert not selectors.families_like(world.coordinator, family_name="Smith", postcode="PO2 7QA", children=[])


def test_a_new_referral_matches_a_child_with_the_same_first_name_and_date_of_birth(world: Any) -> None:
    child = world.family.members.get(kind=MemberKind.CHILD)
    found = selectors.families_like(
        world.coordinator, family_name="Bello", postcode="PO9 9ZZ", children=[("TOBI", child.date_of_birth)]
    )
    assert [f.pk for f in found] == [world.family.pk] and found[0].same_child
    other_day = child.date_of_birth - datetime.timedelta(days=1)
    assert not selectors.families_like(
        world.coordinator, family_name="Bello", postcode="PO9 9ZZ", children=[("Tobi", other_day)]
    )


def test_a_family_of_another_scheme_is_never_offered(world: Any) -> None:
    sentinel = make_family(world.other_coordinator, "Zanzibarsentinel", postcode="PO2 7QA", child_first_name="Tobi")
    child = sentinel.members.get(kind=MemberKind.CHILD)
    found = selectors.families_like(
        world.coordinator,
        family_name="Zanzibarsentinel",
        postcode="PO2 7QA",
        children=[("Tobi", child.date_of_birth)],
    )
    assert sentinel.pk not in [f.pk for f in found]
    assert {f.scheme_id for f in found} <= {world.scheme.pk}
    assert not selectors.families_like(world.volunteer, family_name="Okafor", postcode="PO2 7QA", children=[])

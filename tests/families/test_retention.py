"""Retention of a family's records: when they are due (ended, declined, kept for safeguarding), and holds.

Time is frozen on the days that matter (time-machine). Every day used is in the past, so the database's own date
(safeguarding's triggers compare with CURRENT_DATE) is later still, as it would be on a live system.
"""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from families import retention, services
from families.models import Family, FamilyStatus, RetentionHold
from homestart import retention as core_retention
from homestart.exceptions import ActionNotAllowed
from homestart.models import AuditEntry, AuditEvent
from safeguarding import services as safeguarding_services
from safeguarding.models import Concern, ConcernCategory, ConcernStep
from tests.office.retention_world import (
    SENTINEL,
    START,
    build_past_world,
    child,
    declined_family,
    ended_family,
    on_day,
)

ENDED = START + datetime.timedelta(days=30)  # 15 February 2023


@pytest.fixture
def past_world(db: Any) -> Any:
    return build_past_world()


def _run(day: datetime.date) -> core_retention.RunResult:
    with on_day(day):
        return core_retention.run()


def _anonymised(family: Family) -> bool:
    return Family.objects.get(pk=family.pk).anonymised_on is not None


def test_a_family_is_anonymised_one_year_after_support_ended_and_not_a_day_before(past_world: Any) -> None:
    family = ended_family(past_world, day=ENDED)
    assert family.status == FamilyStatus.ENDED

    result = _run(ENDED + datetime.timedelta(days=364))
    assert result.counts["families"] == 0
    assert not _anonymised(family)

    result = _run(core_retention.add_years(ENDED, 1))
    assert result.counts["families"] == 1
    family.refresh_from_db()
    assert family.anonymised_on == core_retention.add_years(ENDED, 1)
    assert family.family_name == "[anonymised]"
    assert family.status == FamilyStatus.ENDED  # the row stays, for the figures


def test_a_declined_family_is_anonymised_one_year_after_the_decision(past_world: Any) -> None:
    family = declined_family(past_world, day=ENDED)
    referral = family.referrals.get()
    assert referral.decided_on == ENDED

    assert _run(ENDED + datetime.timedelta(days=364)).counts["families"] == 0
    assert _run(core_retention.add_years(ENDED, 1)).counts["families"] == 1
    referral.refresh_from_db()
    assert referral.outcome_reason == "[anonymised]"
    assert referral.reasons == "[anonymised]"
    assert referral.outcome == "declined"  # the outcome stays for the figures


def test_a_family_still_supported_or_waiting_is_never_due(past_world: Any) -> None:
    from tests.office.retention_world import refer, supported

    with on_day(START):
        waiting = refer(past_world.coordinator, "Sentinel-Waiting")
        running = supported(past_world, refer(past_world.coordinator, "Sentinel-Running"))
    assert _run(core_retention.add_years(START, 10)).counts["families"] == 0
    assert not _anonymised(waiting) and not _anonymised(running)


def test_the_period_comes_from_the_retention_setting(past_world: Any, settings: Any) -> None:
    settings.RETENTION = {**settings.RETENTION, "family_years": 2}
    family = ended_family(past_world, day=ENDED)
    assert _run(core_retention.add_years(ENDED, 1)).counts["families"] == 0
    assert _run(core_retention.add_years(ENDED, 2)).counts["families"] == 1
    assert _anonymised(family)


def test_a_bad_period_fails_loudly(settings: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    settings.RETENTION = {"family_years": "one"}
    with pytest.raises(ImproperlyConfigured, match="RETENTION_FAMILY_YEARS"):
        core_retention.period("family_years")


# --- Safeguarding keeps a family until the youngest child concerned is 25 ------------------------------------------

OLDER_BORN = datetime.date(1998, 4, 2)
YOUNGER_BORN = datetime.date(2000, 5, 20)  # 25 on 20 May 2025
YOUNGEST_25 = datetime.date(2025, 5, 20)


def _family_with_a_concern(world: Any) -> tuple[Family, Concern]:
    with on_day(START):
        from tests.office.retention_world import refer, supported

        family = supported(world, refer(world.coordinator, older_child_born=OLDER_BORN))
        from families import services as family_services
        from families.models import MemberKind

        younger = family_services.household_member_add(
            family=family, kind=MemberKind.CHILD, first_name=f"{SENTINEL}-Younger", date_of_birth=YOUNGER_BORN,
            actor=world.coordinator,
        )  # fmt: skip
        concern = safeguarding_services.concern_raise(
            family=family,
            children=[child(family, f"{SENTINEL}-Older"), younger],
            category=ConcernCategory.NEGLECT,
            account=f"{SENTINEL}-Account: the house was cold.",
            observed_on=START,
            observed_time=datetime.time(15, 0),
            immediate_danger=False,
            actor=world.coordinator,
            site_root="https://homestart.example/",
        )
        safeguarding_services.concern_review(
            concern=concern, notes=f"{SENTINEL}-Review notes", urgent=False, occurred_on=START, actor=world.dsl
        )
    with on_day(ENDED):
        from tests.office.retention_world import end_support

        family = end_support(world, family)
    return family, Concern.objects.get(pk=concern.pk)


def test_a_family_with_a_concern_is_kept_until_the_youngest_child_concerned_is_25(past_world: Any) -> None:
    family, concern = _family_with_a_concern(past_world)
    assert concern.retain_until == YOUNGEST_25

    # A year after support ended the family would be due, but its concern keeps it, through the 25th birthday.
    for day in (core_retention.add_years(ENDED, 1), YOUNGEST_25):
        result = _run(day)
        assert result.counts["families"] == 0 and result.counts["safeguarding_concerns"] == 0, day
        assert not _anonymised(family)
        assert Concern.objects.get(pk=concern.pk).account.startswith(SENTINEL)

    result = _run(YOUNGEST_25 + datetime.timedelta(days=1))
    assert result.counts["families"] == 1
    assert result.counts["safeguarding_concerns"] == 1
    concern.refresh_from_db()
    assert concern.account == "[anonymised]"
    assert concern.observed_time is None
    assert concern.category == ConcernCategory.NEGLECT  # kept for the figures
    assert not ConcernStep.objects.filter(concern=concern).exists()  # the timeline (never edited) is deleted
    assert concern.children.count() == 2


def test_the_family_page_tells_only_readers_of_its_concerns_why_it_is_kept(past_world: Any) -> None:
    family, _concern = _family_with_a_concern(past_world)
    with on_day(core_retention.add_years(ENDED, 1)):
        for reader in (past_world.coordinator, past_world.dsl):  # its lead coordinator, and a safeguarding lead
            seen = retention.family_retention(reader, family)
            assert seen.due_on == YOUNGEST_25 + datetime.timedelta(days=1)
            assert "Safeguarding" in seen.why
        from homestart.models import Role
        from tests.conftest import make_user

        colleague = make_user(past_world.scheme, "colleague", Role.COORDINATOR)
        seen = retention.family_retention(colleague, family)
        assert seen.due_on == YOUNGEST_25 + datetime.timedelta(days=1)
        assert "afeguarding" not in seen.why and seen.why == retention.HIDDEN_KEEP


# --- Holds ---------------------------------------------------------------------------------------------------------


def test_a_held_family_is_never_touched_and_is_anonymised_once_the_hold_is_lifted(past_world: Any) -> None:
    family = ended_family(past_world, day=ENDED)
    with on_day(ENDED + datetime.timedelta(days=100)):
        hold = services.retention_hold_place(
            family=family, reason=f"{SENTINEL}-Hold: a legal claim", actor=past_world.coordinator
        )
    for years in (1, 2, 5):
        result = _run(core_retention.add_years(ENDED, years))
        assert all(count == 0 for count in result.counts.values()), result.counts
        family.refresh_from_db()
        assert family.family_name == "Sentinel-Family" and family.anonymised_on is None
        assert family.referrals.get().reasons.startswith(SENTINEL)
        assert family.members.filter(first_name__startswith=SENTINEL).count() == 2

    lifted_on = core_retention.add_years(ENDED, 5)
    with on_day(lifted_on):
        services.retention_hold_lift(family=family, actor=past_world.dsl)
    hold.refresh_from_db()
    assert hold.lifted_by == past_world.dsl and hold.lifted_at is not None
    assert _run(lifted_on + datetime.timedelta(days=1)).counts["families"] == 1
    hold.refresh_from_db()
    assert hold.reason == "[anonymised]"  # the hold stays in the history, without its reason


def test_placing_and_lifting_a_hold_are_audited_without_the_reason(past_world: Any) -> None:
    family = ended_family(past_world, day=ENDED)
    reason = f"{SENTINEL}-Reason: solicitors wrote on 3 March"
    hold = services.retention_hold_place(family=family, reason=reason, actor=past_world.coordinator)
    placed = AuditEntry.objects.get(event="retention_hold_placed")
    assert (placed.actor, placed.family_pk, placed.object_id) == (past_world.coordinator, family.pk, hold.pk)
    services.retention_hold_lift(family=family, actor=past_world.coordinator)
    lifted = AuditEntry.objects.get(event="retention_hold_lifted")
    assert (lifted.actor, lifted.family_pk) == (past_world.coordinator, family.pk)
    for entry in (placed, lifted):
        assert SENTINEL not in str(entry.changes) and SENTINEL not in entry.object_repr


def test_a_hold_needs_a_reason_and_only_one_is_open_at_a_time(past_world: Any) -> None:
    family = ended_family(past_world, day=ENDED)
    with pytest.raises(ActionNotAllowed, match="Enter the reason for the hold"):
        services.retention_hold_place(family=family, reason="   ", actor=past_world.coordinator)
    assert not RetentionHold.objects.exists()
    services.retention_hold_place(family=family, reason="Legal claim", actor=past_world.coordinator)
    with pytest.raises(ActionNotAllowed, match="already on hold|on hold since"):
        services.retention_hold_place(family=family, reason="Another", actor=past_world.dsl)
    assert RetentionHold.objects.count() == 1
    with pytest.raises(ActionNotAllowed, match="coordinator of this scheme"):
        services.retention_hold_lift(family=family, actor=past_world.other_coordinator)
    with pytest.raises(ActionNotAllowed, match="coordinator of this scheme"):
        services.retention_hold_place(family=past_world.family, reason="x", actor=past_world.volunteer)


def test_no_hold_on_an_anonymised_family(past_world: Any) -> None:
    family = ended_family(past_world, day=ENDED)
    _run(core_retention.add_years(ENDED, 1))
    with pytest.raises(ActionNotAllowed, match="already anonymised|were anonymised"):
        services.retention_hold_place(family=family, reason="Too late", actor=past_world.coordinator)


def test_a_hold_placed_while_the_run_is_going_wins(past_world: Any) -> None:
    """The anonymiser checks again under the family's row lock: a family held since it was listed is skipped."""
    family = ended_family(past_world, day=ENDED)
    day = core_retention.add_years(ENDED, 1)
    with on_day(day):
        assert list(retention.families_due(day)) == [family]
        services.retention_hold_place(family=family, reason="A claim, just in", actor=past_world.coordinator)
        assert services.family_anonymise(family=family, today=day) is False
    assert not _anonymised(family)


def test_every_anonymisation_is_in_the_audit_log(past_world: Any) -> None:
    family = ended_family(past_world, day=ENDED)
    before = AuditEntry.objects.count()
    _run(core_retention.add_years(ENDED, 1))
    entries = AuditEntry.objects.filter(pk__gt=0).order_by("pk")[before:]
    anonymised = [entry for entry in entries if entry.event == AuditEvent.RETENTION_ANONYMISED]
    labels = {(entry.content_type.model, entry.family_pk) for entry in anonymised}
    assert ("family", family.pk) in labels
    assert ("householdmember", family.pk) in labels
    assert ("referral", family.pk) in labels
    assert all(SENTINEL not in str(entry.changes) for entry in anonymised)
    assert timezone.localdate() > ENDED


def test_personal_details_written_to_an_anonymised_family_are_anonymised_at_the_next_run(past_world: Any) -> None:
    family = ended_family(past_world, day=ENDED)
    first = core_retention.add_years(ENDED, 1)
    _run(first)
    with on_day(first + datetime.timedelta(days=10)):
        services.family_update_details(
            family=Family.objects.get(pk=family.pk), address=f"{SENTINEL}-New address", postcode="PO1 1AA",
            phone="", preferred_language="English", actor=past_world.coordinator,
        )  # fmt: skip
    assert _run(first + datetime.timedelta(days=11)).counts["families"] == 1
    family.refresh_from_db()
    assert (family.address, family.postcode) == ("[anonymised]", "")
    assert family.anonymised_on == first  # anonymised since then; the later run only finished it
    assert _run(first + datetime.timedelta(days=12)).counts["families"] == 0


def test_an_anonymised_family_cannot_be_referred_again(past_world: Any) -> None:
    family = ended_family(past_world, day=ENDED)
    day = core_retention.add_years(ENDED, 1)
    _run(day)
    with on_day(day), pytest.raises(ActionNotAllowed):
        services.referral_rerefer(
            family=Family.objects.get(pk=family.pk), referrer=None, date_received=day, reasons="Back again",
            actor=past_world.coordinator,
        )  # fmt: skip

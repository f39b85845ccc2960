"""Reads that the consents pages rely on: the rows of a photograph's page and the filtered disclosure register."""

import datetime
from typing import Any

from django.utils import timezone

from consents import selectors, services
from consents.models import Category, ConsentStatus, DisclosureBasis, Purpose
from tests.conftest import make_family
from tests.consents.conftest import pdf_upload, signed_information_consent

TODAY = timezone.localdate


def _days(n: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=n)


def test_P11_photo_consent_rows_say_who_is_covered_and_who_may_be_asked(consent_world: Any) -> None:
    world = consent_world
    other = make_family(world.coordinator, "Evans-Price")
    picture = services.photo_record(
        scheme=world.scheme,
        event="Summer picnic",
        taken_on=TODAY(),
        description="Families at the park",
        families=[other, world.family],
        actor=world.coordinator,
    )

    def row_for(family: Any, on: datetime.date | None = None) -> selectors.PhotoFamilyRow:
        rows = selectors.photo_consent_rows(picture, on)
        assert [row.family for row in rows] == [world.family, other]  # by family name
        return next(row for row in rows if row.family == family)

    first = row_for(world.family)
    assert (first.consent, first.covered, first.can_print) == (None, False, True)  # not asked yet
    assert [adult.first_name for adult in first.family.adults] == ["Grace"]  # who may sign, loaded with the row

    consent, _letter, _pdf = services.consent_request(
        family=world.family,
        purpose=Purpose.PHOTOGRAPHS,
        signer=world.family.members.get(kind="adult"),
        photos=[picture],
        review_on=_days(30),
        actor=world.coordinator,
    )
    waiting = row_for(world.family)
    assert (waiting.consent, waiting.covered, waiting.can_print) == (consent, False, False)  # a form is out
    assert row_for(other).can_print  # the other family is not affected

    services.consent_record_signed(
        consent=consent,
        scan=pdf_upload(),
        signed_on=TODAY(),
        method="scanned_letter",
        received_by=world.coordinator,
        actor=world.coordinator,
    )
    covered = row_for(world.family)
    assert (covered.consent, covered.covered, covered.can_print) == (consent, True, False)
    assert selectors.photo_consent_row(picture, world.family) == covered

    past_review = row_for(world.family, on=_days(31))  # signed, but past its review date: ask again
    assert (past_review.consent, past_review.covered, past_review.can_print) == (consent, False, True)

    services.consent_withdraw(consent=consent, withdrawn_on=TODAY(), method="by_phone", actor=world.coordinator)
    withdrawn = row_for(world.family)
    assert withdrawn.consent.status == ConsentStatus.WITHDRAWN
    assert (withdrawn.covered, withdrawn.can_print) == (False, True)


def test_register_rows_are_the_users_register_narrowed_by_family_and_filters(consent_world: Any) -> None:
    world = consent_world
    consent = signed_information_consent(world)

    def share(summary: str, on: datetime.date) -> Any:
        return services.disclosure_record(
            family=world.family,
            recipient=world.health_visitor,
            categories=[Category.SUPPORT_STATUS],
            summary=summary,
            method="letter",
            disclosed_on=on,
            basis=DisclosureBasis.CONSENT,
            consent=consent,
            actor=world.coordinator,
        )

    old, recent = share("Old news.", _days(-40)), share("Recent news.", TODAY())
    declined = services.disclosure_decline(
        family=world.family,
        recipient=world.health_visitor,
        categories=[Category.CONTACT_DETAILS],
        reason="Not needed for the referral.",
        decided_on=TODAY(),
        actor=world.coordinator,
    )

    def rows(user: Any = world.coordinator, **kwargs: Any) -> list[Any]:
        return list(selectors.register_rows(user, **({"filters": {}} | kwargs)))

    assert rows() == [declined, recent, old]  # newest first
    assert rows(family=world.family) == [declined, recent, old]
    assert rows(family=world.other_family) == []
    assert rows(filters={"date_from": _days(-7)}) == [declined, recent]
    assert rows(filters={"date_to": _days(-7)}) == [old]
    assert rows(filters={"shared": "no"}) == [declined]
    assert rows(filters={"shared": "yes", "basis": DisclosureBasis.CONSENT}) == [recent, old]
    assert rows(filters={"agency": world.health_visitor.agency}) == [declined, recent, old]
    for outsider in (world.other_coordinator, world.volunteer, world.administrator):
        assert rows(outsider) == []

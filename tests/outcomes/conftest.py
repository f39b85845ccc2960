"""Set-up for outcome tests: the scheme's framework set up from the starter and published, and assessments recorded
through the services as the pages would record them."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from families.models import Family
from homestart.models import User
from outcomes import selectors, services
from outcomes.models import AssessmentKind, FrameworkVersion


def publish_starter(scheme: Any, administrator: User) -> FrameworkVersion:
    """The starter framework, set up and published by the scheme's administrator (version 1)."""
    draft = services.framework_start(scheme=scheme, actor=administrator)
    return services.framework_version_publish(version=draft, actor=administrator)


def needs_of(version: FrameworkVersion) -> list[Any]:
    version = selectors.get_version_for_manager_or_404(
        User.objects.filter(scheme_id=version.scheme_id, role="administrator").first(), version.pk
    )
    return [need for area in version.areas.all() for need in area.needs.all()]


def record(
    family: Family,
    actor: User,
    *,
    kind: str = AssessmentKind.START,
    on: datetime.date | None = None,
    score: int | dict[str, int | None] = 3,
    comment: str = "",
    members: list[Any] | None = None,
) -> Any:
    """An assessment of the family by ``actor``, every need scored ``score`` (or, by area key, a score per area;
    None for "not answered"), with the family's first household member taking part."""
    version = selectors.current_version(family.scheme_id)
    scores = {}
    for area in version.areas.all() if version is not None else []:
        value = score.get(area.key, 3) if isinstance(score, dict) else score
        for need in area.needs.all():
            scores[need.pk] = services.ScoreGiven(value=value, comment=comment)
    if members is None:
        members = [family.members.filter(left_on__isnull=True).order_by("pk").first()]
    return services.assessment_record(
        family=family,
        kind=kind,
        assessed_on=on or timezone.localdate(),
        scores=scores,
        members=members,
        staff=[actor],
        actor=actor,
    )


@pytest.fixture
def framework(world: Any) -> FrameworkVersion:
    """Version 1 of the world's first scheme, published; the other scheme's too (its own administrator)."""
    from homestart import services as core_services
    from homestart.models import Role

    other_admin = core_services.user_create(
        scheme=world.other_scheme,
        username="otheradmin",
        first_name="Other",
        last_name="Admin",
        email="otheradmin@example.invalid",
        role=Role.ADMINISTRATOR,
        is_safeguarding_lead=False,
        password="correct horse battery staple",
        actor=None,
    )
    publish_starter(world.other_scheme, other_admin)
    return publish_starter(world.scheme, world.administrator)


def supported_family(coordinator: User, volunteer: User, name: str, *, since: datetime.date) -> Family:
    """A family supported by ``volunteer`` since ``since`` (referred and accepted that day), through the services."""
    from families import services as family_services
    from families.models import MemberKind, ReferralOutcome

    referral = family_services.referral_receive(
        actor=coordinator,
        family_name=name,
        address="1 Test Road\nPortsmouth",
        postcode="PO2 7QA",
        referrer=None,
        health_visitor=None,
        date_received=since,
        reasons="Isolated after moving to the area.",
        members=[{"kind": MemberKind.ADULT, "first_name": "Sam", "last_name": name, "relationship": "mother"}],
    )
    family_services.referral_decide(referral=referral, outcome=ReferralOutcome.ACCEPTED, actor=coordinator)
    family_services.assignment_start(
        family=referral.family, volunteer=volunteer, started_on=since, confirmed=True, actor=coordinator
    )
    referral.family.refresh_from_db()
    return referral.family

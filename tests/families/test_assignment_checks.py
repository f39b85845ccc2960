"""Assignment checks: a volunteer whose DBS renewal date has passed, or who has not done the preparation course, is
refused (the message says which); one already at the most families they will take needs the coordinator to confirm.

The volunteer's record is a floor above families: volunteers fills families.hooks.assignment_refusals and
assignment_warnings at start-up, and assignment_start asks them inside its transaction.
"""

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from families import services
from families.models import Assignment, Family
from homestart.exceptions import ActionNotAllowed, NeedsConfirmation
from homestart.models import AuditEntry
from tests.conftest import make_family
from volunteers import services as volunteer_services

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def _record(world: Any, volunteer: Any, **changes: Any) -> None:
    """Change the volunteer's DBS and course dates through the volunteer service, as their record page would."""
    profile = volunteer.volunteer_profile
    profile.refresh_from_db()
    values = {
        "dbs_certificate_number": profile.dbs_certificate_number,
        "dbs_issued_on": profile.dbs_issued_on,
        "dbs_renewal_due": profile.dbs_renewal_due,
        "preparation_course_completed_on": profile.preparation_course_completed_on,
    }
    values.update(changes)
    volunteer_services.volunteer_profile_update(profile=profile, actor=world.coordinator, **values)


def _most_families(world: Any, volunteer: Any, most: int, *, available: bool = True) -> None:
    volunteer_services.volunteer_availability_update(
        profile=volunteer.volunteer_profile,
        available_for_new_family=available,
        available_times="",
        max_families=most,
        actor=world.coordinator,
    )


def _assign(world: Any, volunteer: Any, family: Any = None, **extra: Any) -> Assignment:
    return services.assignment_start(
        family=family or world.family, volunteer=volunteer, started_on=TODAY(), actor=world.coordinator, **extra
    )


def _open(family: Family, volunteer: Any) -> bool:
    return Assignment.objects.filter(family=family, volunteer=volunteer, ended_on__isnull=True).exists()


# --- Services ----------------------------------------------------------------------------------------------------


def test_a_volunteer_whose_dbs_renewal_date_has_passed_is_refused(world: Any) -> None:
    lapsed = TODAY() - DAY
    _record(world, world.other_volunteer, dbs_issued_on=TODAY() - 1200 * DAY, dbs_renewal_due=lapsed)
    with pytest.raises(ActionNotAllowed, match=f"DBS check was due for renewal on {lapsed:%-d %B %Y}") as refused:
        _assign(world, world.other_volunteer)
    assert not isinstance(refused.value, NeedsConfirmation)
    assert "preparation course" not in refused.value.message
    assert not _open(world.family, world.other_volunteer)
    # Renewal due today has not passed yet.
    _record(world, world.other_volunteer, dbs_renewal_due=TODAY())
    _assign(world, world.other_volunteer)
    assert _open(world.family, world.other_volunteer)


def test_a_volunteer_without_the_preparation_course_is_refused(world: Any) -> None:
    _record(world, world.other_volunteer, preparation_course_completed_on=None)
    with pytest.raises(ActionNotAllowed, match="have not completed the preparation course") as refused:
        _assign(world, world.other_volunteer)
    assert "DBS" not in refused.value.message
    _record(world, world.other_volunteer, preparation_course_completed_on=TODAY() + 7 * DAY)  # booked, not done
    with pytest.raises(ActionNotAllowed, match="preparation course"):
        _assign(world, world.other_volunteer)
    assert not _open(world.family, world.other_volunteer)


def test_the_refusal_names_every_reason_and_a_volunteer_with_no_dbs_check(world: Any) -> None:
    _record(
        world, world.other_volunteer, dbs_issued_on=None, dbs_renewal_due=None, preparation_course_completed_on=None
    )
    with pytest.raises(ActionNotAllowed) as refused:
        _assign(world, world.other_volunteer)
    assert refused.value.message == (
        "Othervolunteer Tester cannot be assigned: no DBS check is recorded for them and they have not completed "
        "the preparation course. Update their volunteer record first."
    )


def test_the_refusal_comes_before_any_confirmation(world: Any) -> None:
    """A volunteer both lapsed and at their most families is refused: confirming cannot assign them."""
    _record(world, world.volunteer, dbs_renewal_due=TODAY() - DAY, dbs_issued_on=TODAY() - 1000 * DAY)
    other = make_family(world.coordinator, "Nowak")
    with pytest.raises(ActionNotAllowed, match="DBS") as refused:
        _assign(world, world.volunteer, other, confirmed=True)
    assert not isinstance(refused.value, NeedsConfirmation)
    assert not _open(other, world.volunteer)


def test_a_volunteer_at_their_most_families_needs_confirmation(world: Any) -> None:
    """The world's volunteer has one family, the default most; a second needs the coordinator to confirm."""
    other = make_family(world.coordinator, "Nowak")
    entries_before = AuditEntry.objects.count()
    with pytest.raises(NeedsConfirmation) as warned:
        _assign(world, world.volunteer, other)
    assert warned.value.message == (
        "Volunteer Tester already supports 1 family, the most they said they would take at once (1). "
        "Their record says they are not available for a new family."
    )
    assert isinstance(warned.value, ActionNotAllowed)  # a caller that offers no confirmation refuses
    assert not _open(other, world.volunteer)
    assert AuditEntry.objects.count() == entries_before  # nothing written
    _assign(world, world.volunteer, other, confirmed=True)
    assert _open(other, world.volunteer)


def test_below_their_most_families_no_confirmation_is_asked(world: Any) -> None:
    _most_families(world, world.volunteer, 2)
    second = make_family(world.coordinator, "Nowak")
    _assign(world, world.volunteer, second)  # 1 of 2: no warning
    third = make_family(world.coordinator, "Ncube")
    with pytest.raises(NeedsConfirmation, match="already supports 2 families, the most they said they would take"):
        _assign(world, world.volunteer, third)
    # Ended assignments do not count.
    assignment = Assignment.objects.get(family=second, volunteer=world.volunteer, ended_on__isnull=True)
    services.assignment_end(assignment=assignment, ended_on=TODAY(), actor=world.coordinator)
    _assign(world, world.volunteer, third)
    assert _open(third, world.volunteer)


# --- The assignment page -----------------------------------------------------------------------------------------


def _post(volunteer: Any, **extra: Any) -> dict[str, Any]:
    return {"volunteer": volunteer.pk, "started_on": TODAY().isoformat(), **extra}


def test_assignment_page_anonymous_is_sent_to_sign_in(client: Any, world: Any) -> None:
    url = reverse("families:assignment_new", args=[world.family.pk])
    response = client.post(url, _post(world.other_volunteer, confirmed_for=world.other_volunteer.pk))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not _open(world.family, world.other_volunteer)


@pytest.mark.parametrize("role", ["volunteer", "other_coordinator", "administrator"])
def test_assignment_page_is_not_found_for_the_wrong_people_even_confirmed(client: Any, world: Any, role: str) -> None:
    client.force_login(world.role(role))
    url = reverse("families:assignment_new", args=[world.family.pk])
    response = client.post(url, _post(world.other_volunteer, confirmed_for=world.other_volunteer.pk))
    assert response.status_code == 404
    assert not _open(world.family, world.other_volunteer)


def test_assignment_page_says_why_a_volunteer_is_refused(client: Any, world: Any) -> None:
    _record(world, world.other_volunteer, dbs_renewal_due=TODAY() - 3 * DAY, dbs_issued_on=TODAY() - 900 * DAY)
    client.force_login(world.coordinator)
    url = reverse("families:assignment_new", args=[world.family.pk])
    response = client.post(url, _post(world.other_volunteer, confirmed_for=world.other_volunteer.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert f"their DBS check was due for renewal on {TODAY() - 3 * DAY:%-d %B %Y}" in html
    assert "Assign anyway" not in html
    assert not _open(world.family, world.other_volunteer)


def test_assignment_page_warns_and_assigns_only_when_the_coordinator_confirms(client: Any, world: Any) -> None:
    other = make_family(world.coordinator, "Nowak")
    client.force_login(world.coordinator)
    url = reverse("families:assignment_new", args=[other.pk])
    response = client.post(url, _post(world.volunteer))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Volunteer Tester already supports 1 family, the most they said they would take at once (1)." in html
    assert "Assign anyway" in html
    assert f'name="confirmed_for" value="{world.volunteer.pk}"' in html
    assert not _open(other, world.volunteer)

    response = client.post(url, _post(world.volunteer, confirmed_for=world.volunteer.pk))
    assert response.status_code == 302 and response["Location"] == reverse("families:detail", args=[other.pk])
    assert _open(other, world.volunteer)


def test_a_confirmation_applies_only_to_the_volunteer_it_was_given_for(client: Any, world: Any) -> None:
    """Warned about one volunteer, the coordinator picks another who is also at their most: warned again."""
    make_family(world.coordinator, "Ncube", volunteer=world.other_volunteer)  # now at their most too
    other = make_family(world.coordinator, "Nowak")
    client.force_login(world.coordinator)
    url = reverse("families:assignment_new", args=[other.pk])
    response = client.post(url, _post(world.other_volunteer, confirmed_for=world.volunteer.pk))
    assert (
        response.status_code == 200 and "Othervolunteer Tester already supports 1 family" in response.content.decode()
    )
    assert not _open(other, world.other_volunteer)


def test_a_volunteer_below_their_most_is_assigned_without_a_warning(client: Any, world: Any) -> None:
    client.force_login(world.coordinator)
    response = client.post(reverse("families:assignment_new", args=[world.family.pk]), _post(world.other_volunteer))
    assert response.status_code == 302
    assert _open(world.family, world.other_volunteer)

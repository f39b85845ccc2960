"""Writes that change several apps at once, on the top floor: closing a coordinator's account with their families
handed over in the same transaction."""

from collections.abc import Mapping

from django.db import transaction

from families import selectors as family_selectors
from families import services as family_services
from homestart import services as account_services
from homestart.exceptions import ActionNotAllowed
from homestart.models import User
from homestart.permissions import can_manage_account


@transaction.atomic
def user_deactivate_with_handover(*, user: User, handover: Mapping[int, User], actor: User) -> User:
    """Deactivate an account, first handing each family the person leads to the coordinator chosen for it.

    All in one transaction: every family moves (the private notes' read permission with it, and through
    ``families.hooks.coordinator_changed`` the supervision records about it) and the account is deactivated, or
    nothing changes. ``handover`` maps each family's pk to its new coordinator, and must name exactly the families the
    person leads once their account is locked, so a family given to them since the page was opened is never stranded.
    """
    if not can_manage_account(actor, user):
        raise ActionNotAllowed("Only an administrator of this scheme can manage accounts.")
    if user.pk == actor.pk:
        raise ActionNotAllowed("You cannot deactivate your own account.")
    # The families first, then the people in one order, as family_change_coordinator locks them: two requests
    # handing families over at once wait for each other instead of deadlocking.
    list(family_selectors.families_led_by(user).select_for_update())
    wanted = {user.pk, *(coordinator.pk for coordinator in handover.values())}
    people = {person.pk: person for person in User.objects.select_for_update().filter(pk__in=wanted).order_by("pk")}
    # With the person locked nobody can give them another family, so this is the list that must be handed over.
    families = list(family_selectors.families_led_by(user))
    if {family.pk for family in families} != set(handover):
        raise ActionNotAllowed(
            f"The families {user} leads changed while this page was open. Choose who takes over each one again."
        )
    for family in families:
        coordinator = people.get(handover[family.pk].pk)
        if coordinator is None or coordinator.pk == user.pk:
            raise ActionNotAllowed(f"Choose a coordinator other than {user} to take over each family.")
        family_services.family_change_coordinator(family=family, coordinator=coordinator, actor=actor)
    return account_services.user_deactivate(user=people[user.pk], actor=actor)

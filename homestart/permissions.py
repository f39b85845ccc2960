"""Who may do what, scheme-wide. One function per rule; each docstring states the rule."""

from typing import Any

from homestart.models import Role


def is_case_worker(user: Any) -> bool:
    """Coordinators (including safeguarding leads) and volunteers work with families; administrators do not."""
    return bool(user.is_authenticated and user.is_active and user.role in (Role.COORDINATOR, Role.VOLUNTEER))


def can_coordinate(user: Any) -> bool:
    """Only an active coordinator (a safeguarding lead is one) takes referrals, opens families and assigns volunteers."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.COORDINATOR)


def is_volunteer(user: Any) -> bool:
    """An active volunteer sees only the families assigned to them now."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.VOLUNTEER)


def can_administer(user: Any) -> bool:
    """An active administrator manages accounts and the agency directory, never case records."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.ADMINISTRATOR)


def can_reset_two_factor(actor: Any, user: Any) -> bool:
    """An administrator resets anyone else's lost device in their scheme; a coordinator, a volunteer's."""
    if not (actor.is_authenticated and actor.is_active) or actor.pk == user.pk or actor.scheme_id != user.scheme_id:
        return False
    return can_administer(actor) or (can_coordinate(actor) and user.role == Role.VOLUNTEER)

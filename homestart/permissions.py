"""Who may do what, scheme-wide. One function per rule; each docstring states the rule."""

from homestart.models import Role, User


def is_case_worker(user: User) -> bool:
    """Coordinators (including safeguarding leads) and volunteers work with families; administrators do not."""
    return bool(user.is_authenticated and user.is_active and user.role in (Role.COORDINATOR, Role.VOLUNTEER))


def can_coordinate(user: User) -> bool:
    """Only an active coordinator (a safeguarding lead is one) takes referrals, opens families and assigns volunteers."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.COORDINATOR)


def is_scheme_coordinator(user: User, scheme_id: int) -> bool:
    """An active coordinator (a safeguarding lead is one) of that scheme: the base of most rules about its records."""
    return can_coordinate(user) and user.scheme_id == scheme_id


def is_volunteer(user: User) -> bool:
    """An active volunteer sees only the families assigned to them now."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.VOLUNTEER)


def can_administer(user: User) -> bool:
    """An active administrator manages accounts and the agency directory, never case records."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.ADMINISTRATOR)


def can_reset_two_factor(actor: User, user: User) -> bool:
    """An administrator resets anyone else's lost device in their scheme; a coordinator, a volunteer's."""
    if not (actor.is_authenticated and actor.is_active) or actor.pk == user.pk or actor.scheme_id != user.scheme_id:
        return False
    return can_administer(actor) or (can_coordinate(actor) and user.role == Role.VOLUNTEER)


def can_manage_account(actor: User, user: User) -> bool:
    """An active administrator manages the accounts of their own scheme (names, roles, deactivating, reactivating)."""
    return can_administer(actor) and actor.scheme_id == user.scheme_id


def can_change_password(actor: User, user: User) -> bool:
    """A person changes only their own password, while their account is active; nobody sets another's."""
    return bool(actor.is_authenticated and actor.is_active and actor.pk == user.pk)


def can_change_scheme_settings(user: User, scheme_id: int) -> bool:
    """An active administrator of the scheme sets its letterhead (printed on every letter) and supervision interval."""
    return can_administer(user) and user.scheme_id == scheme_id


def can_choose_reminders(user: User) -> bool:
    """An active coordinator or volunteer chooses how often they get their own email reminders (administrators get
    none)."""
    return is_case_worker(user)

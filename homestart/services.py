"""Writes about accounts: creating and deactivating the people who sign in."""

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from homestart.exceptions import ActionNotAllowed
from homestart.models import Role, Scheme, User
from homestart.permissions import can_administer


def _require_scheme_administrator(actor: Any, scheme: Scheme) -> None:
    if not can_administer(actor) or actor.scheme_id != scheme.pk:
        raise ActionNotAllowed("Only an administrator of this scheme can manage accounts.")


@transaction.atomic
def scheme_create(*, name: str, code: str, address: str = "", phone: str = "", email: str = "") -> Scheme:
    """Set up a new scheme. Run by the deployment's operators (a management command), not from a page."""
    scheme = Scheme(name=name, code=code.upper(), address=address, phone=phone, email=email)
    scheme.full_clean()
    scheme.save()
    return scheme


@transaction.atomic
def user_create(
    *,
    scheme: Scheme,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    is_safeguarding_lead: bool = False,
    password: str,
    actor: Any,
) -> User:
    """Create an account in the administrator's scheme; a volunteer also gets an empty volunteer profile.

    ``actor`` is None only when a management command sets up a scheme's first accounts.
    """
    from volunteers.services import volunteer_profile_create

    if actor is not None:
        _require_scheme_administrator(actor, scheme)
    if User.objects.filter(username__iexact=username).exists():
        raise ActionNotAllowed("That username is taken. Choose another.")
    if is_safeguarding_lead and role != Role.COORDINATOR:
        raise ActionNotAllowed("Only a coordinator can be a designated safeguarding lead.")
    user = User(
        scheme=scheme,
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        role=role,
        is_safeguarding_lead=is_safeguarding_lead,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ActionNotAllowed(" ".join(exc.messages)) from None
    user.set_password(password)
    user.full_clean()
    user.save()
    if role == Role.VOLUNTEER:
        volunteer_profile_create(user=user)
    return user


@transaction.atomic
def user_deactivate(*, user: User, actor: Any) -> User:
    """Deactivate an account (never delete: the audit log points at it). The person cannot sign in again."""
    _require_scheme_administrator(actor, user.scheme)
    if user.pk == actor.pk:
        raise ActionNotAllowed("You cannot deactivate your own account.")
    if user.role == Role.VOLUNTEER and user.assignments.filter(ended_on__isnull=True).exists():
        raise ActionNotAllowed("This volunteer still has families. A coordinator must end those assignments first.")
    user = User.objects.select_for_update().get(pk=user.pk)
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user

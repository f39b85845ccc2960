"""Writes about accounts: creating and deactivating the people who sign in."""

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from homestart import audit, hooks
from homestart.exceptions import ActionNotAllowed, save_or_refuse
from homestart.models import AuditEvent, Role, Scheme, User
from homestart.permissions import can_administer, can_reset_two_factor


def _require_scheme_administrator(actor: User, scheme: Scheme) -> None:
    if not can_administer(actor) or actor.scheme_id != scheme.pk:
        raise ActionNotAllowed("Only an administrator of this scheme can manage accounts.")


@transaction.atomic
def scheme_create(*, name: str, code: str, address: str = "", phone: str = "", email: str = "") -> Scheme:
    """Set up a new scheme. Run by the deployment's operators (a management command), not from a page."""
    scheme = Scheme(name=name, code=code.upper(), address=address, phone=phone, email=email)
    return save_or_refuse(scheme)


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
    actor: User,
) -> User:
    """Create an account in the administrator's scheme; apps above add what a new account needs through
    ``hooks.account_created`` (a volunteer gets an empty volunteer profile).

    ``actor`` is None only when a management command sets up a scheme's first accounts.
    """
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
    save_or_refuse(user)
    hooks.account_created(user=user)
    return user


@transaction.atomic
def user_deactivate(*, user: User, actor: User) -> User:
    """Deactivate an account (never delete: the audit log points at it). The person cannot sign in again."""
    _require_scheme_administrator(actor, user.scheme)
    if user.pk == actor.pk:
        raise ActionNotAllowed("You cannot deactivate your own account.")
    refusal = hooks.account_deactivation.refusal(user=user)
    if refusal:
        raise ActionNotAllowed(refusal)
    user = User.objects.select_for_update().get(pk=user.pk)
    user.is_active = False
    user.save(update_fields=["is_active"])
    user_end_all_sessions(user=user, actor=actor)
    return user


# Two-factor sign-in ---------------------------------------------------------------------------------------------


def _audit(event: AuditEvent, user: User, actor: User) -> None:
    audit.record_event(event=event, instance=user, actor=actor)


@transaction.atomic
def user_end_all_sessions(*, user: User, actor: User) -> None:
    """End every session of the user, on every device, from their next request (SECURITY 9)."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    locked.session_version += 1
    locked.save(update_fields=["session_version"])
    user.session_version = locked.session_version
    _audit(AuditEvent.SESSIONS_ENDED, user, actor)


@transaction.atomic
def two_factor_enrolment_start(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator device being set up for a user without one (the same one on a reload)."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ActionNotAllowed("Two-factor sign-in is already set up for this account.")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice(user=user, name="Authenticator app", confirmed=False, tolerance=0, step=30, digits=6)
        save_or_refuse(device)
    return device


def two_factor_enrolment_confirm(*, user: User, token: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the new device with a code from it; returns the device and ten one-time recovery codes.

    A wrong code is refused after its failure is recorded (throttling and audit), so the refusal does not undo it.
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if device is None:
            raise ActionNotAllowed("Start setting up two-factor sign-in again.")
        if not device.verify_is_allowed()[0]:
            raise ActionNotAllowed("Too many wrong codes. Wait a minute, then try again.")
        confirmed = device.verify_token(token)
        if confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            StaticDevice.objects.filter(user=user).delete()
            recovery = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
            codes = [StaticToken.random_token() for _ in range(settings.TWO_FACTOR_RECOVERY_CODES)]
            StaticToken.objects.bulk_create([StaticToken(device=recovery, token=code) for code in codes])
        _audit(AuditEvent.TWO_FACTOR_ENROLLED if confirmed else AuditEvent.TWO_FACTOR_FAILED, user, user)
    if not confirmed:
        raise ActionNotAllowed("The code is not right. Enter the 6-digit code your app shows now.")
    return device, codes


def two_factor_verify(*, user: User, token: str) -> Device:
    """Check a second-factor code: six digits from the app, or a recovery code (which then stops working).

    A wrong code is refused after its failure is recorded (throttling and audit), so the refusal does not undo it.
    """
    token = "".join(token.split()).lower()
    throttled = replayed = False
    with transaction.atomic():
        model = TOTPDevice if token.isdigit() else StaticDevice
        for device in model.objects.select_for_update().filter(user=user, confirmed=True):
            if not device.verify_is_allowed()[0]:
                throttled = True
            elif isinstance(device, TOTPDevice) and _is_last_used_code(device, token):
                replayed = True
                device.throttle_increment(commit=True)
            elif device.verify_token(token):
                if isinstance(device, StaticDevice):
                    _audit(AuditEvent.RECOVERY_CODE_USED, user, user)
                return device
        _audit(AuditEvent.TWO_FACTOR_FAILED, user, user)
    if throttled:
        raise ActionNotAllowed("Too many wrong codes. Wait a minute, then try again.")
    if replayed:
        raise ActionNotAllowed("That code has already been used. Wait for your app to show a new one, then enter it.")
    raise ActionNotAllowed("The code is not right. Enter the code your app shows now, or a recovery code.")


def _is_last_used_code(device: TOTPDevice, token: str) -> bool:
    """Whether the token is the code of the time step this device last accepted (a code used twice)."""
    if device.last_t < 0:
        return False
    generator = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    generator.time = device.t0 + device.last_t * device.step
    return token.isdigit() and int(token) == generator.token()


@transaction.atomic
def two_factor_reset(*, user: User, actor: User) -> None:
    """Remove a person's lost device and recovery codes; they set up a new device at their next sign-in."""
    if not can_reset_two_factor(actor, user):
        raise ActionNotAllowed("You cannot reset this person's two-factor sign-in.")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    _audit(AuditEvent.TWO_FACTOR_RESET, user, actor)
    user_end_all_sessions(user=user, actor=actor)


def has_two_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()

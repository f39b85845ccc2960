"""Writes about accounts: creating, changing, deactivating and reactivating the people who sign in, their
passwords, and their second factor."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, key_validator
from django_otp.util import random_hex

from homestart import audit, hooks
from homestart.exceptions import ActionNotAllowed, save_or_refuse
from homestart.models import AuditEvent, RateLimit, Role, Scheme, User
from homestart.permissions import (
    can_administer,
    can_change_password,
    can_change_scheme_settings,
    can_manage_account,
    can_reset_two_factor,
)
from homestart.selectors import accounts_for_password_reset


def _require_scheme_administrator(actor: User, scheme: Scheme) -> None:
    if not can_administer(actor) or actor.scheme_id != scheme.pk:
        raise ActionNotAllowed("Only an administrator of this scheme can manage accounts.")


def _require_account_manager(actor: User, user: User) -> None:
    if not can_manage_account(actor, user):
        raise ActionNotAllowed("Only an administrator of this scheme can manage accounts.")


def _set_password(user: User, password: str) -> None:
    """Check the password against the rules (SECURITY 8) and set it; the caller saves."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ActionNotAllowed(" ".join(exc.messages)) from None
    user.set_password(password)


@transaction.atomic
def scheme_create(
    *, name: str, code: str, address: str = "", phone: str = "", email: str = "", charity_number: str = ""
) -> Scheme:
    """Set up a new scheme. Run by the deployment's operators (a management command), not from a page."""
    scheme = Scheme(
        name=name, code=code.upper(), address=address, phone=phone, email=email, charity_number=charity_number
    )
    return save_or_refuse(scheme)


@transaction.atomic
def scheme_settings_update(
    *,
    scheme: Scheme,
    name: str,
    address: str,
    phone: str,
    email: str,
    charity_number: str,
    supervision_interval_days: int,
    actor: User,
) -> Scheme:
    """Change the scheme's letterhead, printed on every letter from now on (letters already printed keep theirs),
    and how many days may pass between a volunteer's supervision sessions. The scheme's code, used in family
    references, never changes. Audited as a change to the scheme."""
    if not can_change_scheme_settings(actor, scheme.pk):
        raise ActionNotAllowed("Only an administrator of this scheme can change its settings.")
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    name = " ".join(name.split())
    if Scheme.objects.filter(name__iexact=name).exclude(pk=scheme.pk).exists():
        raise ActionNotAllowed("Another scheme already has that name. Enter your scheme's own name.")
    if not 7 <= supervision_interval_days <= 365:
        raise ActionNotAllowed("Supervision must be due every 7 to 365 days.")
    scheme.name = name
    scheme.address = "\n".join(line.strip() for line in address.strip().splitlines() if line.strip())
    scheme.phone = phone.strip()
    scheme.email = email.strip()
    scheme.charity_number = " ".join(charity_number.split()).upper()
    scheme.supervision_interval_days = supervision_interval_days
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
    _set_password(user, password)
    save_or_refuse(user)
    hooks.account_created(user=user)
    return user


@transaction.atomic
def user_update(
    *,
    user: User,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    is_safeguarding_lead: bool,
    actor: User,
) -> User:
    """An administrator corrects a person's name or email, or changes their role or safeguarding-lead flag.

    Apps above may refuse a change of role (``hooks.account_role_change``: a volunteer with families, a coordinator
    who leads families) and follow one (``hooks.account_role_changed``: a new volunteer gets a volunteer profile).
    """
    _require_account_manager(actor, user)
    # Locked first, so a family or an assignment given to this person at the same moment waits for the change.
    locked = User.objects.select_for_update().get(pk=user.pk)
    if role not in Role.values:
        raise ActionNotAllowed("Choose a role.")
    if is_safeguarding_lead and role != Role.COORDINATOR:
        raise ActionNotAllowed("Only a coordinator can be a designated safeguarding lead.")
    previous_role = locked.role
    if role != previous_role:
        if locked.pk == actor.pk:
            raise ActionNotAllowed("You cannot change your own role. Ask another administrator of the scheme.")
        refusal = hooks.account_role_change.refusal(user=locked, role=role)
        if refusal:
            raise ActionNotAllowed(refusal)
    locked.first_name = first_name.strip()
    locked.last_name = last_name.strip()
    locked.email = email.strip()
    locked.role = role
    locked.is_safeguarding_lead = is_safeguarding_lead
    save_or_refuse(locked)
    if role != previous_role:
        hooks.account_role_changed(user=locked, previous_role=previous_role)
    return locked


@transaction.atomic
def user_deactivate(*, user: User, actor: User) -> User:
    """Deactivate an account (never delete: the audit log points at it). The person cannot sign in again.

    Apps above refuse while the person still has work that would be stranded (``hooks.account_deactivation``):
    a coordinator's families are handed over first, on the top floor's deactivation page.
    """
    _require_scheme_administrator(actor, user.scheme)
    if user.pk == actor.pk:
        raise ActionNotAllowed("You cannot deactivate your own account.")
    # Locked before the rules are asked, so nothing can be given to the person between the check and the change.
    user = User.objects.select_for_update().get(pk=user.pk)
    refusal = hooks.account_deactivation.refusal(user=user)
    if refusal:
        raise ActionNotAllowed(refusal)
    user.is_active = False
    user.save(update_fields=["is_active"])
    user_end_all_sessions(user=user, actor=actor)
    return user


@transaction.atomic
def user_reactivate(*, user: User, actor: User) -> User:
    """An administrator lets a deactivated person sign in again, with their old password and second factor."""
    _require_account_manager(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        raise ActionNotAllowed(f"{user}'s account is already active.")
    user.is_active = True
    return save_or_refuse(user)


# Passwords ------------------------------------------------------------------------------------------------------


@transaction.atomic
def user_password_change(*, user: User, password: str, actor: User) -> User:
    """A signed-in person sets a new password (the page has checked the current one); every session of theirs ends.

    The page that asked keeps its own session by taking the new session hash (Django's
    ``update_session_auth_hash``), so the same ``user`` object is changed here.
    """
    if not can_change_password(actor, user):
        raise ActionNotAllowed("You can only change your own password.")
    User.objects.select_for_update().filter(pk=user.pk).first()
    _set_password(user, password)
    user.save(update_fields=["password"])
    audit.record_event(event=AuditEvent.PASSWORD_CHANGED, instance=user, actor=actor)
    user_end_all_sessions(user=user, actor=actor)
    return user


def _limit_key(scope: str, value: str) -> str:
    # A keyed hash: the table never becomes a list of the addresses people typed.
    digest = salted_hmac("homestart.services.rate_limit", value, algorithm="sha256").hexdigest()
    return f"{scope}:{digest}"


def _rate_limit_bucket(key: str) -> RateLimit:
    """The counter for a key, created on first use and locked, so two requests at once count one after the other."""
    bucket = RateLimit.objects.select_for_update().filter(key=key).first()
    if bucket is None:
        try:
            with transaction.atomic():
                save_or_refuse(RateLimit(key=key, window_started_at=timezone.now(), count=0))
        except (IntegrityError, ActionNotAllowed):
            pass  # another request created it first (its key is taken): count on theirs
        bucket = RateLimit.objects.select_for_update().get(key=key)
    return bucket


def _take_from_limits(keys: list[str], *, limit: int, window: float, refusal: str) -> None:
    """Count one more use against each key, or refuse (counting nothing) when any is used up for this window."""
    now = timezone.now()
    buckets = [_rate_limit_bucket(key) for key in sorted(keys)]  # a fixed order: two requests never deadlock
    for bucket in buckets:
        if (now - bucket.window_started_at).total_seconds() >= window:
            bucket.window_started_at, bucket.count = now, 0
    if any(bucket.count >= limit for bucket in buckets):
        raise ActionNotAllowed(refusal)
    for bucket in buckets:
        bucket.count += 1
        save_or_refuse(bucket)


@transaction.atomic
def password_reset_request(
    *, email: str, client_address: str | None, send_links: Callable[[list[User]], None]
) -> list[User]:
    """Someone asks for a reset link: each active account with that email address is sent one (``send_links``).

    The answer is the same whether or not an account has the address, and so is the limit: at most
    PASSWORD_RESET_LIMIT requests an hour for one email address and for one client address, counted in the
    database (so it holds across app servers) before anything else is looked up.
    """
    normalised = email.strip().casefold()
    _take_from_limits(
        [_limit_key("reset-email", normalised), _limit_key("reset-address", client_address or "unknown")],
        limit=settings.PASSWORD_RESET_LIMIT,
        window=settings.PASSWORD_RESET_LIMIT_WINDOW.total_seconds(),
        refusal="You have asked for too many reset links. Wait an hour, then try again, or ask your scheme's "
        "administrator for help.",
    )
    accounts = accounts_for_password_reset(email)
    for account in accounts:
        audit.record_event(event=AuditEvent.PASSWORD_RESET_REQUESTED, instance=account, actor=None)
    if not accounts:
        # Recorded without the address typed: the log must not collect strangers' email addresses.
        audit.record_event(
            event=AuditEvent.PASSWORD_RESET_REQUESTED, actor=None, object_repr="an email address with no account"
        )
    send_links(accounts)
    return accounts


@transaction.atomic
def user_password_reset(*, user: User, password: str) -> User:
    """A person who opened a valid reset link sets a new password; every session of theirs ends.

    The link (Django's token) is the person's proof, so they are the actor. The link stops working once the password
    changes, and the second factor is still asked at their next sign-in: the reset signs nobody in.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise ActionNotAllowed("This account is deactivated. Ask your scheme's administrator.")
    _set_password(user, password)
    user.save(update_fields=["password"])
    audit.record_event(event=AuditEvent.PASSWORD_RESET, instance=user, actor=user)
    user_end_all_sessions(user=user, actor=user)
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


def two_factor_enrolment_start(*, user: User, key: str = "") -> TOTPDevice:
    """The authenticator device being set up for a user without one, not saved (SECURITY 14: opening the page
    writes nothing). Give back the ``key`` it was made with (the page keeps it in the session) to get the same one
    on a reload; ``two_factor_enrolment_confirm`` saves it once a code from the app proves it was added.
    """
    if has_two_factor(user):
        raise ActionNotAllowed("Two-factor sign-in is already set up for this account.")
    try:
        key_validator(key)
    except ValidationError:
        key = ""
    return TOTPDevice(
        user=user,
        name="Authenticator app",
        key=key or random_hex(20),
        confirmed=False,
        tolerance=0,
        step=30,
        digits=6,
    )


def two_factor_enrolment_confirm(*, user: User, key: str, token: str) -> tuple[TOTPDevice, list[str]]:
    """Save the new device once a code from it proves the app has the key; returns it and ten recovery codes.

    A wrong code is refused after its failure is recorded (audit), so the refusal does not undo it.
    """
    with transaction.atomic():
        # Two confirmations at once (two tabs) must not set up two devices.
        User.objects.select_for_update().filter(pk=user.pk).first()
        if not key:
            raise ActionNotAllowed("Start setting up two-factor sign-in again.")
        device = two_factor_enrolment_start(user=user, key=key)
        if device.key != key:
            raise ActionNotAllowed("Start setting up two-factor sign-in again.")
        step = _step_of_code(device, token)
        confirmed = step is not None
        if confirmed:
            device.confirmed = True
            device.last_t = step  # the code used to confirm cannot sign in as well
            device.set_last_used_timestamp(commit=False)
            TOTPDevice.objects.filter(user=user).delete()  # devices left unconfirmed by earlier versions
            save_or_refuse(device)
            StaticDevice.objects.filter(user=user).delete()
            recovery = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
            codes = [StaticToken.random_token() for _ in range(settings.TWO_FACTOR_RECOVERY_CODES)]
            StaticToken.objects.bulk_create([StaticToken(device=recovery, token=code) for code in codes])
        _audit(AuditEvent.TWO_FACTOR_ENROLLED if confirmed else AuditEvent.TWO_FACTOR_FAILED, user, user)
    if not confirmed:
        raise ActionNotAllowed("The code is not right. Enter the 6-digit code your app shows now.")
    return device, codes


def _step_of_code(device: TOTPDevice, token: str) -> int | None:
    """The time step whose code this is, if it is the code of the current step (no tolerance either side)."""
    token = token.strip()
    if not (token.isascii() and token.isdigit()):
        return None
    generator = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    generator.time = time.time()
    return generator.t() if generator.verify(int(token), tolerance=0) else None


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

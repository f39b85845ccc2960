"""Writes about accounts: creating, changing, deactivating and reactivating the people who sign in, their
passwords, and their second factor."""

import copy
import datetime
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, key_validator
from django_otp.util import random_hex

from homestart import audit, hooks, reminders, retention
from homestart.exceptions import ActionNotAllowed, RefusalRecorded, save_or_refuse
from homestart.models import (
    AuditEntry,
    AuditEvent,
    RateLimit,
    ReminderPreference,
    ReminderSent,
    ReminderStatus,
    Role,
    Scheme,
    User,
)
from homestart.permissions import (
    can_administer,
    can_change_password,
    can_change_scheme_settings,
    can_choose_reminders,
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


# Public functions here that write nothing (the audit conventions test holds every other one to be a service).
WRITES_NOTHING = ("has_two_factor", "two_factor_enrolment_start")


@audit.service
def scheme_create(
    *, name: str, code: str, address: str = "", phone: str = "", email: str = "", charity_number: str = ""
) -> Scheme:
    """Set up a new scheme. Run by the deployment's operators (a management command), not from a page."""
    scheme = Scheme(
        name=name, code=code.upper(), address=address, phone=phone, email=email, charity_number=charity_number
    )
    save_or_refuse(scheme)
    audit.record_change(scheme, event=AuditEvent.SCHEME_CREATED, created=True)
    return scheme


@audit.service
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
    before = audit.snapshot(scheme)
    scheme.name = name
    scheme.address = "\n".join(line.strip() for line in address.strip().splitlines() if line.strip())
    scheme.phone = phone.strip()
    scheme.email = email.strip()
    scheme.charity_number = " ".join(charity_number.split()).upper()
    scheme.supervision_interval_days = supervision_interval_days
    save_or_refuse(scheme)
    audit.record_change(scheme, event=AuditEvent.SCHEME_SETTINGS_CHANGED, before=before, actor=actor)
    return scheme


@audit.service
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
    audit.record_change(user, event=AuditEvent.ACCOUNT_CREATED, created=True, actor=actor)
    hooks.account_created(user=user)
    return user


@audit.service
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
    before = audit.snapshot(locked)
    locked.first_name = first_name.strip()
    locked.last_name = last_name.strip()
    locked.email = email.strip()
    locked.role = role
    locked.is_safeguarding_lead = is_safeguarding_lead
    save_or_refuse(locked)
    audit.record_change(locked, event=AuditEvent.ACCOUNT_CHANGED, before=before, actor=actor)
    if role != previous_role:
        hooks.account_role_changed(user=locked, previous_role=previous_role)
    return locked


@audit.service
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
    before = audit.snapshot(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit.record_change(user, event=AuditEvent.ACCOUNT_DEACTIVATED, before=before, actor=actor)
    user_end_all_sessions(user=user, actor=actor)
    return user


@audit.service
def user_reactivate(*, user: User, actor: User) -> User:
    """An administrator lets a deactivated person sign in again, with their old password and second factor."""
    _require_account_manager(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        raise ActionNotAllowed(f"{user}'s account is already active.")
    before = audit.snapshot(user)
    user.is_active = True
    save_or_refuse(user)
    audit.record_change(user, event=AuditEvent.ACCOUNT_REACTIVATED, before=before, actor=actor)
    return user


# Passwords ------------------------------------------------------------------------------------------------------


@audit.service
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
    # The password is never diffed into the log (auditlog leaves it out): the event itself is the record.
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
                created = save_or_refuse(RateLimit(key=key, window_started_at=timezone.now(), count=0))
                audit.record_change(created, event=AuditEvent.PASSWORD_RESET_COUNTED, created=True)
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
        before = audit.snapshot(bucket)
        bucket.count += 1
        save_or_refuse(bucket)
        audit.record_change(bucket, event=AuditEvent.PASSWORD_RESET_COUNTED, before=before)


@audit.service
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


@audit.service
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


@audit.service
def user_end_all_sessions(*, user: User, actor: User) -> None:
    """End every session of the user, on every device, from their next request (SECURITY 9)."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    before = audit.snapshot(locked)
    locked.session_version += 1
    locked.save(update_fields=["session_version"])
    user.session_version = locked.session_version
    audit.record_change(locked, event=AuditEvent.SESSIONS_ENDED, before=before, actor=actor)


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


@audit.service
def two_factor_enrolment_confirm(*, user: User, key: str, token: str) -> tuple[TOTPDevice, list[str]]:
    """Save the new device once a code from it proves the app has the key; returns it and ten recovery codes.

    A wrong code is refused after its failure is recorded (audit), so the refusal does not undo it.
    """
    # Two confirmations at once (two tabs) must not set up two devices.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if not key:
        raise ActionNotAllowed("Start setting up two-factor sign-in again.")
    device = two_factor_enrolment_start(user=user, key=key)
    if device.key != key:
        raise ActionNotAllowed("Start setting up two-factor sign-in again.")
    step = _step_of_code(device, token)
    if step is None:
        _audit(AuditEvent.TWO_FACTOR_FAILED, user, user)
        raise RefusalRecorded("The code is not right. Enter the 6-digit code your app shows now.")
    device.confirmed = True
    device.last_t = step  # the code used to confirm cannot sign in as well
    device.set_last_used_timestamp(commit=False)
    TOTPDevice.objects.filter(user=user).delete()  # devices left unconfirmed by earlier versions
    save_or_refuse(device)
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.TWO_FACTOR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=code) for code in codes])
    _audit(AuditEvent.TWO_FACTOR_ENROLLED, user, user)
    return device, codes


def _step_of_code(device: TOTPDevice, token: str) -> int | None:
    """The time step whose code this is, if it is the code of the current step (no tolerance either side)."""
    token = token.strip()
    if not (token.isascii() and token.isdigit()):
        return None
    generator = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    generator.time = time.time()
    return generator.t() if generator.verify(int(token), tolerance=0) else None


@audit.service
def two_factor_verify(*, user: User, token: str) -> Device:
    """Check a second-factor code: six digits from the app, or a recovery code (which then stops working).

    A wrong code is refused after its failure is recorded (throttling and audit), so the refusal does not undo it.
    """
    token = "".join(token.split()).lower()
    throttled = replayed = False
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
        raise RefusalRecorded("Too many wrong codes. Wait a minute, then try again.")
    if replayed:
        raise RefusalRecorded("That code has already been used. Wait for your app to show a new one, then enter it.")
    raise RefusalRecorded("The code is not right. Enter the code your app shows now, or a recovery code.")


def _is_last_used_code(device: TOTPDevice, token: str) -> bool:
    """Whether the token is the code of the time step this device last accepted (a code used twice)."""
    if device.last_t < 0:
        return False
    generator = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    generator.time = device.t0 + device.last_t * device.step
    return token.isdigit() and int(token) == generator.token()


@audit.service
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


# Retention (homestart.retention): anonymising a record of any app, and a person's own account ---------------------


def _record_anonymised(
    instance: models.Model, before: models.Model, *, actor: User | None, family_pk: int | None
) -> None:
    """Write the audit entry for a record just anonymised: which fields changed, never what they held.

    The fields' old values are replaced by the audit log's mask before the diff, whether or not the owning app
    masks them, so no personal value reaches the log through an anonymisation.
    """
    before = copy.copy(before)
    for field in instance._meta.concrete_fields:
        if field.value_from_object(before) != field.value_from_object(instance):
            setattr(before, field.attname, audit.MASK)
    audit.record_change(
        instance, event=AuditEvent.RETENTION_ANONYMISED, before=before, actor=actor, family_pk=family_pk
    )


@audit.service
def record_anonymise(
    *, record: models.Model, values: dict[str, Any], actor: User | None, family_pk: int | None = None
) -> bool:
    """Set a record's personal fields to their anonymised ``values``, save only those that change, and write its
    audit entry (no old value in it). Answers whether anything changed: a record anonymised already is left alone.

    Each app's anonymiser calls this for its own records, after checking under lock that they are due. Saved
    without ``full_clean``: an old record that no longer passes today's form rules must still be anonymised.
    """
    before = audit.snapshot(record)
    changed = [name for name, value in values.items() if getattr(record, name) != value]
    if not changed:
        return False
    for name in changed:
        setattr(record, name, values[name])
    record.save(update_fields=changed)
    _record_anonymised(record, before, actor=actor, family_pk=family_pk)
    return True


@audit.service
def record_file_remove(*, record: models.Model, field: str, actor: User | None, family_pk: int | None = None) -> bool:
    """Delete a stored file (a signed scan, a photograph) under retention; its row stays, its file field empty:
    "removed under retention". The file goes inside the transaction, last: if it cannot be deleted nothing changes,
    and a row saved with the file already gone is found again by the next run, which finishes it."""
    stored = getattr(record, field)
    name, storage = stored.name, stored.storage
    if not name:
        return False
    record_anonymise(record=record, values={field: ""}, actor=actor, family_pk=family_pk)
    storage.delete(name)
    return True


@audit.service
def user_anonymise(*, user: User, actor: User | None, today: datetime.date | None = None) -> bool:
    """Anonymise a deactivated account whose records are past retention (a volunteer who left long ago): name,
    email, phone and username go, the password can never be used again. The row stays, so visits, supervision and
    the audit log still point at the same account, by id.

    The account's audit entries (done by it, or about it) lose its name, email and address through the audit
    log's one anonymising path, except entries about a family under a hold. Answers False for an active account or
    one anonymised already.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active or retention.is_anonymised(user):
        return False
    before = audit.snapshot(user)
    user.first_name = retention.ANONYMISED
    user.last_name = ""
    user.email = ""
    user.phone = ""
    user.username = retention.anonymised_username(user)
    user.set_unusable_password()
    user.save(update_fields=["first_name", "last_name", "email", "phone", "username", "password"])
    _record_anonymised(user, before, actor=actor, family_pk=None)
    entries = AuditEntry.objects.filter(
        Q(actor_id=user.pk) | Q(content_type=ContentType.objects.get_for_model(User), object_id=user.pk)
    )
    if today is not None:
        entries = retention.exclude_held_families(entries, today)
    audit.anonymise_entries(entries, actor=actor, reason="Retention: the account's own details were anonymised")
    return True


# Reminders (homestart.reminders): a person's choices, and the record of what each run sent -----------------------


@audit.service
def reminder_preferences_set(*, user: User, choices: dict[str, str], actor: User) -> list[str]:
    """Set how often a person gets each kind of reminder (``choices``: kind name -> daily, weekly or none), one
    audit entry per choice that changed. Answers the names of the kinds changed.

    A person sets only their own, for the kinds of their role; a mandatory kind cannot be set to none.
    """
    if not can_choose_reminders(user) or actor.pk != user.pk:
        raise ActionNotAllowed("You can only choose your own email reminders.")
    kinds = {kind.name: kind for kind in reminders.kinds_for(user)}
    for name, frequency in choices.items():
        kind = kinds.get(name)
        if kind is None:
            raise ActionNotAllowed("That is not one of the reminders your role gets.")
        if frequency not in dict(reminders.frequencies(kind)):
            raise ActionNotAllowed(f"“{kind.label}” is always sent: choose every day or once a week.")
    existing = {row.kind: row for row in ReminderPreference.objects.select_for_update().filter(user=user)}
    changed = []
    for name, frequency in sorted(choices.items()):
        row = existing.get(name)
        if row is None:
            row = ReminderPreference(user=user, kind=name, frequency=frequency)
            save_or_refuse(row)
            audit.record_change(row, event=AuditEvent.REMINDER_CHOICE_CHANGED, created=True, actor=actor)
        elif row.frequency != frequency:
            before = audit.snapshot(row)
            row.frequency = frequency
            save_or_refuse(row)
            audit.record_change(row, event=AuditEvent.REMINDER_CHOICE_CHANGED, before=before, actor=actor)
        else:
            continue
        changed.append(name)
    return changed


@audit.service
def reminders_record(
    *,
    recipient: User,
    items: dict[str, list[str]],
    attempts: dict[tuple[str, str], int] | None = None,
    error: str = "",
) -> int:
    """Record the items one reminder email carried (kind -> keys): sent, or failed with ``error`` (to be tried
    again by the next run). ``attempts`` are the tries already made for items a failed send left.

    One statement for all the email's items, however many (the run's queries stay constant in them), and one audit
    entry for the email naming every item by its key: the rows hold nothing the entry does not.
    """
    attempts = attempts or {}
    now = timezone.now()
    sent = not error
    rows = [
        ReminderSent(
            recipient=recipient,
            kind=kind,
            key=key,
            status=ReminderStatus.SENT if sent else ReminderStatus.FAILED,
            first_tried_at=now,
            sent_at=now if sent else None,
            attempts=attempts.get((kind, key), 0) + 1,
            last_error=error[:300],
        )
        for kind, keys in items.items()
        for key in keys
    ]
    ReminderSent.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["recipient", "kind", "key"],
        update_fields=["status", "sent_at", "attempts", "last_error"],
    )
    audit.record_event(
        event=AuditEvent.REMINDERS_SENT if sent else AuditEvent.REMINDERS_FAILED,
        instance=recipient,
        actor=None,
        object_repr=f"Reminder email to account #{recipient.pk}",
        extra={"items": {kind: sorted(keys) for kind, keys in items.items()}, **({"error": error} if error else {})},
    )
    return len(rows)

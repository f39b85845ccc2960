"""The scheme, its people, and the audit log every other app writes to."""

import pgtrigger
from auditlog.models import AbstractLogEntry
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac


class Scheme(models.Model):
    """A local Home-Start charity. Every user and every record belongs to exactly one scheme."""

    name = models.CharField(max_length=200, unique=True)
    code = models.CharField(
        max_length=8,
        unique=True,
        help_text="Short letters used in family reference numbers, for example PMH.",
    )
    address = models.TextField(blank=True, help_text="Printed as the letterhead on letters.")
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    charity_number = models.CharField(
        "registered charity number", max_length=20, blank=True, help_text="Printed in the letterhead of every letter."
    )
    supervision_interval_days = models.PositiveSmallIntegerField(
        "days between supervision sessions",
        default=56,
        help_text="A volunteer whose last one-to-one supervision is older than this is overdue (default 8 weeks).",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(supervision_interval_days__gte=7) & Q(supervision_interval_days__lte=365),
                name="scheme_supervision_interval_between_a_week_and_a_year",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Coordinator"
    VOLUNTEER = "volunteer", "Volunteer"
    ADMINISTRATOR = "administrator", "Administrator"


class User(AbstractUser):
    """A person who signs in. Users are deactivated, never deleted (the audit log points at them)."""

    role = models.CharField(max_length=20, choices=Role.choices)
    is_safeguarding_lead = models.BooleanField(
        "designated safeguarding lead",
        default=False,
        help_text="Only a coordinator can be a designated safeguarding lead (DSL).",
    )
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="users")
    phone = models.CharField(max_length=40, blank=True)
    session_version = models.PositiveIntegerField(
        default=0, editable=False, help_text="Raised to end every session of this user at once."
    )

    objects = UserManager()

    REQUIRED_FIELDS = ["email", "role", "scheme"]

    class Meta:
        ordering = ["first_name", "last_name", "username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_safeguarding_lead=False) | Q(role=Role.COORDINATOR),
                name="user_only_coordinators_are_dsl",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django checks this hash on every request and drops sessions whose hash no longer matches; mixing in
        # session_version lets sign-out, deactivation and device resets end all of a user's sessions at once.
        key_salt = "homestart.models.User.session_auth_hash"
        return salted_hmac(
            key_salt, f"{self.password}:{self.session_version}", secret=secret, algorithm="sha256"
        ).hexdigest()

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def is_volunteer(self) -> bool:
        return self.role == Role.VOLUNTEER

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR

    @property
    def role_label(self) -> str:
        if self.is_coordinator and self.is_safeguarding_lead:
            return "Coordinator and designated safeguarding lead"
        return self.get_role_display()


class AuditEvent(models.TextChoices):
    """Core's audit events beyond auditlog's create/update/delete: signing in, the second factor and passwords.

    Other apps declare their own events beside their models (``families.audit`` and the like).
    """

    CHANGE = "", "Record changed"
    LOGIN = "login", "Signed in"
    LOGOUT = "logout", "Signed out"
    LOGIN_FAILED = "login_failed", "Failed sign-in"
    TWO_FACTOR_ENROLLED = "two_factor_enrolled", "Two-factor device set up"
    TWO_FACTOR_FAILED = "two_factor_failed", "Wrong two-factor code"
    TWO_FACTOR_RESET = "two_factor_reset", "Two-factor device reset"
    RECOVERY_CODE_USED = "recovery_code_used", "Recovery code used"
    SESSIONS_ENDED = "sessions_ended", "All sessions ended"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET_REQUESTED = "password_reset_requested", "Password reset link asked for"
    PASSWORD_RESET = "password_reset", "Password reset by email link"
    AUDIT_ANONYMISED = "audit_anonymised", "Audit entries anonymised (retention)"
    # Retention (homestart.retention): one entry per run, with its counts, and one per record anonymised.
    RETENTION_RUN = "retention_run", "Retention run"
    RETENTION_ANONYMISED = "retention_anonymised", "Anonymised under retention"
    SCHEME_CREATED = "scheme_created", "Scheme created"
    SCHEME_SETTINGS_CHANGED = "scheme_settings_changed", "Scheme settings changed"
    ACCOUNT_CREATED = "account_created", "Account created"
    ACCOUNT_CHANGED = "account_changed", "Account changed"
    ACCOUNT_DEACTIVATED = "account_deactivated", "Account deactivated"
    ACCOUNT_REACTIVATED = "account_reactivated", "Account reactivated"
    PASSWORD_RESET_COUNTED = "password_reset_counted", "Reset link request counted against the limit"
    # Reminders (homestart.reminders): one entry per email, naming each item by its key, and one per choice changed.
    REMINDERS_SENT = "reminders_sent", "Reminder email sent"
    REMINDERS_FAILED = "reminders_failed", "Reminder email could not be sent"
    REMINDER_CHOICE_CHANGED = "reminder_choice_changed", "Email reminder choice changed"


class RateLimit(models.Model):
    """How often something limited (asking for a password reset link) was done for one key in the current window.

    Kept in the database, not a per-process cache, so the limit holds however many app servers run. The key holds
    a keyed hash of the email address or client address, never the address itself.
    """

    key = models.CharField(max_length=100, unique=True)
    window_started_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key.split(':', 1)[0]}: {self.count} since {self.window_started_at:%Y-%m-%d %H:%M}"


# The advisory lock that serialises appends to the audit chain (an arbitrary constant of this product's).
AUDIT_CHAIN_LOCK = 4_711_000_011


class AuditEntry(AbstractLogEntry):
    """One line of the audit log (django-auditlog's entry, with the kind of event named).

    Append-only on PostgreSQL: triggers refuse UPDATE, DELETE and TRUNCATE, except the one anonymising path
    (``homestart.audit.anonymise_entries``), which may only blank the personal columns of an entry. A ``BEFORE
    INSERT`` trigger chains every entry to the one before it (``prev_hash``, ``hash``), whoever writes it, one at a
    time under an advisory lock; ``manage.py audit_verify`` checks the chain. ADR 0011.
    """

    # No choices here: the event types are a registry that each app fills (homestart.audit.EVENTS), so an app
    # adding an event needs no migration of this table.
    event = models.CharField(max_length=32, blank=True, default="", db_index=True)
    # The family the entry is about, when it is about one (a note read, a consent signed, a letter printed): what
    # "who has seen this family" and subject access read. A number, not a foreign key: core sits below families,
    # and an entry outlives the family's personal details. Filled from the registry in homestart.audit.
    family_pk = models.BigIntegerField(null=True, blank=True)
    # The chain, written by the database (PostgreSQL): the digest of the personal columns (object_repr,
    # actor_email, remote_addr, remote_port), so that anonymising them later keeps the chain whole; the hash of
    # the entry before; and the hash of this entry's content with that one.
    personal_digest = models.CharField(max_length=64, blank=True, default="", editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    anonymised = models.BooleanField(default=False, editable=False)

    class Meta(AbstractLogEntry.Meta):
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="auditentry_object_idx"),
            models.Index(fields=["family_pk", "-timestamp"], name="auditentry_family_idx"),
            models.Index(fields=["actor", "-timestamp"], name="auditentry_actor_idx"),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="audit_chain",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert,
                func=pgtrigger.Func(
                    """
                    PERFORM pg_advisory_xact_lock(AUDIT_CHAIN_LOCK);
                    NEW.id := nextval(pg_get_serial_sequence('{meta.db_table}', 'id'));
                    NEW.anonymised := false;
                    NEW.personal_digest := homestart_audit_personal_digest(NEW);
                    NEW.prev_hash := coalesce(
                        (SELECT hash FROM {meta.db_table} ORDER BY id DESC LIMIT 1), ''
                    );
                    NEW.hash := homestart_audit_hash(NEW);
                    RETURN NEW;
                    """.replace("AUDIT_CHAIN_LOCK", str(AUDIT_CHAIN_LOCK))
                ),
            ),
            pgtrigger.Protect(name="audit_no_delete", operation=pgtrigger.Delete),
            pgtrigger.Protect(
                name="audit_append_only",
                operation=pgtrigger.Update,
                # The one update allowed: the anonymising path blanks the personal columns and nothing else.
                condition=pgtrigger.Condition(
                    """NOT (
                        coalesce(current_setting('homestart.audit_anonymise', true), '') = 'on'
                        AND NOT OLD.anonymised AND NEW.anonymised
                        AND NEW.object_repr = '[anonymised]' AND NEW.actor_email IS NULL
                        AND NEW.remote_addr IS NULL AND NEW.remote_port IS NULL
                        AND NEW.hash = OLD.hash
                        AND homestart_audit_content(NEW) = homestart_audit_content(OLD)
                    )"""
                ),
            ),
            pgtrigger.Trigger(
                name="audit_no_truncate",
                level=pgtrigger.Statement,
                when=pgtrigger.Before,
                operation=pgtrigger.Truncate,
                func="RAISE EXCEPTION 'The audit log cannot be emptied: % is append-only', TG_TABLE_NAME;",
            ),
        ]


class ReminderFrequency(models.TextChoices):
    """How often a person gets one kind of reminder. NONE only for the optional kinds (homestart.reminders)."""

    DAILY = "daily", "Every day"
    WEEKLY = "weekly", "Once a week"
    NONE = "none", "Never"


class ReminderPreference(models.Model):
    """A person's choice for one kind of reminder. Without one, the kind comes daily."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="reminder_preferences")
    # A kind's name in the registry (homestart.reminders.KINDS): filled by the apps, so no choices here.
    kind = models.CharField(max_length=40)
    frequency = models.CharField(max_length=10, choices=ReminderFrequency.choices)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="reminder_preference_once_per_kind"),
        ]

    def __str__(self) -> str:
        return f"Reminder choice of user {self.user_id}: {self.kind} {self.frequency}"


class ReminderStatus(models.TextChoices):
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed: sent again on the next run"


class ReminderSent(models.Model):
    """One item of one kind of reminder for one person, and whether the email that carried it went.

    Unique per recipient, kind and key, so an item is sent once: a SENT row is never sent again, a FAILED one is
    tried again by the next run while the item is still due. The key names the item by primary keys and dates only
    (``dbs:<volunteer pk>:<renewal date>:30``): nothing here is personal.
    """

    recipient = models.ForeignKey(User, on_delete=models.PROTECT, related_name="reminders_sent")
    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=120)
    status = models.CharField(max_length=10, choices=ReminderStatus.choices)
    first_tried_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "reminder sent"
        verbose_name_plural = "reminders sent"
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "key"], name="reminder_sent_once"),
            models.CheckConstraint(
                condition=Q(status="failed") | Q(sent_at__isnull=False), name="reminder_sent_has_its_time"
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder {self.kind} {self.key} for user {self.recipient_id}: {self.status}"

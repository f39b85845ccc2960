"""The scheme, its people, and the audit log every other app writes to."""

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


class AuditEntry(AbstractLogEntry):
    """One line of the audit log (django-auditlog's entry, with the kind of event named)."""

    # No choices here: the event types are a registry that each app fills (homestart.audit.EVENTS), so an app
    # adding an event needs no migration of this table.
    event = models.CharField(max_length=32, blank=True, default="", db_index=True)

    class Meta(AbstractLogEntry.Meta):
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["content_type", "object_id"], name="auditentry_object_idx")]

"""Families, the people and agencies around them, and the support a volunteer gives them.

Only tables and constraints live here; every write goes through ``families.services``.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from guardian.models import UserObjectPermissionBase

from homestart.models import Scheme


class FamilyStatus(models.TextChoices):
    REFERRED = "referred", "Referred"
    WAITING_LIST = "waiting_list", "On the waiting list"
    AWAITING_VOLUNTEER = "awaiting_volunteer", "Awaiting a volunteer"
    SUPPORTED = "supported", "Being supported"
    ENDED = "ended", "Support ended"
    NOT_ACCEPTED = "not_accepted", "Referral declined"


class Family(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="families")
    reference = models.CharField(max_length=24, help_text="The scheme's reference number, for example PMH-2026-0042.")
    family_name = models.CharField(max_length=120, help_text="How the family is known, for example the Okafor family.")
    status = models.CharField(max_length=24, choices=FamilyStatus.choices, default=FamilyStatus.REFERRED)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    preferred_language = models.CharField(max_length=60, default="English")
    lead_coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="coordinated_families",
        null=True,
        blank=True,
    )
    health_visitor = models.ForeignKey(
        "families.Professional",
        on_delete=models.SET_NULL,
        related_name="health_visited_families",
        null=True,
        blank=True,
    )
    support_started_on = models.DateField(null=True, blank=True)
    support_ended_on = models.DateField(null=True, blank=True)
    support_end_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when retention anonymised the family's personal details (families.retention): the rows stay for figures.
    anonymised_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name_plural = "families"
        ordering = ["family_name", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "reference"], name="family_reference_unique_in_scheme"),
        ]
        indexes = [
            models.Index(fields=["scheme", "status"], name="family_scheme_status_idx"),
            models.Index(fields=["lead_coordinator", "status"], name="family_coordinator_status_idx"),
        ]

    def __str__(self) -> str:
        return self.reference


class FamilyUserObjectPermission(UserObjectPermissionBase):
    """Who may open a family (volunteers, while assigned). Direct foreign key: see docs/adr/0002."""

    content_object = models.ForeignKey(Family, on_delete=models.CASCADE)


class MemberKind(models.TextChoices):
    ADULT = "adult", "Adult"
    CHILD = "child", "Child"


class HouseholdMember(models.Model):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="members")
    kind = models.CharField(max_length=8, choices=MemberKind.choices)
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80, blank=True)
    relationship = models.CharField(max_length=60, blank=True, help_text="For example mother, father, son, carer.")
    date_of_birth = models.DateField(null=True, blank=True)
    expected_due_date = models.DateField(null=True, blank=True, help_text="For an unborn child.")
    left_on = models.DateField(
        "no longer in the household from",
        null=True,
        blank=True,
        help_text="Kept in the family's history, never deleted.",
    )

    class Meta:
        ordering = ["kind", "date_of_birth", "expected_due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=MemberKind.ADULT)
                | Q(date_of_birth__isnull=False)
                | Q(expected_due_date__isnull=False),
                name="member_child_has_birth_or_due_date",
            ),
        ]

    def __str__(self) -> str:
        # Deliberately free of names: this text is copied into the audit log.
        return f"{self.get_kind_display()} #{self.pk} of family {self.family_id}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_unborn(self) -> bool:
        return self.date_of_birth is None and self.expected_due_date is not None


class AgencyKind(models.TextChoices):
    HEALTH_VISITING = "health_visiting", "Health visiting team"
    GP = "gp", "GP practice"
    CHILDRENS_SOCIAL_CARE = "social_care", "Children's social care"
    SCHOOL = "school", "School or nursery"
    OTHER = "other", "Other agency"


class Agency(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="agencies")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=24, choices=AgencyKind.choices)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    retired_on = models.DateField(
        null=True, blank=True, help_text="Retired: kept on old records, but cannot be chosen for new ones."
    )

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["scheme", "name"], name="agency_name_unique_in_scheme")]

    def __str__(self) -> str:
        return self.name


class Professional(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="professionals")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=120, help_text="For example health visitor, GP, social worker.")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    retired_on = models.DateField(
        null=True, blank=True, help_text="Retired: kept on old records, but cannot be chosen for new ones."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.role}, {self.agency.name})"

    @property
    def is_retired(self) -> bool:
        """Retired, or in a retired agency: shown on old records, never offered for new ones."""
        return self.retired_on is not None or self.agency.retired_on is not None


class ReferralOutcome(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    ACCEPTED = "accepted", "Accepted"
    WAITING_LIST = "waiting_list", "Waiting list"
    DECLINED = "declined", "Declined"


class Referral(models.Model):
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="referrals")
    referrer = models.ForeignKey(
        Professional, on_delete=models.PROTECT, related_name="referrals", null=True, blank=True
    )
    self_referral = models.BooleanField(default=False)
    date_received = models.DateField()
    reasons = models.TextField()
    outcome = models.CharField(max_length=16, choices=ReferralOutcome.choices, default=ReferralOutcome.PENDING)
    outcome_reason = models.TextField(blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-date_received", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(self_referral=True, referrer__isnull=True) | Q(self_referral=False, referrer__isnull=False),
                name="referral_has_referrer_or_is_self_referral",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral #{self.pk} of family {self.family_id}"

    @property
    def referrer_label(self) -> str:
        return "Self-referral" if self.self_referral else str(self.referrer)


class SupportPeriod(models.Model):
    """One period of support, from the accepted referral that began it to its end. A family that comes back
    (re-referred) has several; the family's own support dates are those of its latest period."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="support_periods")
    referral = models.OneToOneField(
        Referral, on_delete=models.PROTECT, related_name="support_period", null=True, blank=True
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["family"], condition=Q(ended_on__isnull=True), name="support_period_one_open_per_family"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="support_period_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"Support period #{self.pk} of family {self.family_id}"


class Assignment(models.Model):
    """A volunteer supporting a family. Open while ``ended_on`` is empty."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="assignments")
    volunteer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "volunteer"],
                condition=Q(ended_on__isnull=True),
                name="assignment_one_open_per_volunteer_and_family",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="assignment_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["volunteer", "ended_on"], name="assignment_volunteer_open_idx")]

    def __str__(self) -> str:
        return f"Assignment #{self.pk}: volunteer {self.volunteer_id} with family {self.family_id}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class VisitKind(models.TextChoices):
    HOME = "home", "Home visit"
    PHONE = "phone", "Phone call"
    OUTING = "outing", "Outing"


class Visit(models.Model):
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="visits")
    volunteer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField()
    duration_minutes = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8, choices=VisitKind.choices, default=VisitKind.HOME)
    created_at = models.DateTimeField(auto_now_add=True)
    # The one-use key of the form the visit was logged with: the same form sent twice (a retry after a lost
    # answer, a double tap, two tabs) records one visit. Empty for visits recorded without the form.
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-visited_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1) & Q(duration_minutes__lte=720),
                name="visit_duration_between_1_minute_and_12_hours",
            ),
            models.UniqueConstraint(
                fields=["volunteer", "family", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="visit_form_saved_once",
            ),
        ]
        indexes = [models.Index(fields=["family", "-visited_on"], name="visit_family_date_idx")]

    def __str__(self) -> str:
        return f"Visit #{self.pk} to family {self.family_id}"


class CaseNote(models.Model):
    """A private note: readable by its author while assigned, and by the family's coordinator. Nobody else."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="case_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_notes")
    visit = models.OneToOneField(Visit, on_delete=models.PROTECT, related_name="note", null=True, blank=True)
    text = models.TextField()
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="corrections",
        null=True,
        blank=True,
        help_text="A correction the author added to their earlier note; the original stays as it was.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["family", "-created_at"], name="casenote_family_created_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | Q(visit__isnull=True), name="casenote_correction_has_no_visit"
            ),
        ]

    def __str__(self) -> str:
        # Deliberately free of the note's text: this string is copied into the audit log.
        return f"Private note #{self.pk} on family {self.family_id}"


class CaseNoteUserObjectPermission(UserObjectPermissionBase):
    """Who may read a private note. Direct foreign key: see docs/adr/0002."""

    content_object = models.ForeignKey(CaseNote, on_delete=models.CASCADE)


class FamilyGroupSession(models.Model):
    """A family group session (a stay-and-play). Attendance only (P10): families set their own boundaries there,
    so by design nothing is recorded about what anyone said."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="family_group_sessions")
    held_on = models.DateField("date of the session")
    venue = models.CharField(max_length=200, help_text="For example: St Mary's Church Hall, Fratton.")
    helpers = models.ManyToManyField(settings.AUTH_USER_MODEL, through="FamilyGroupHelper", related_name="+")
    families = models.ManyToManyField(Family, through="FamilyGroupAttendance", related_name="family_group_sessions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["scheme", "held_on"], name="family_group_scheme_date_idx")]

    def __str__(self) -> str:
        return f"Family group session #{self.pk}"


class FamilyGroupHelper(models.Model):
    """A member of staff or a volunteer who was at a family group session."""

    session = models.ForeignKey(FamilyGroupSession, on_delete=models.CASCADE, related_name="helper_rows")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["session", "pk"]
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="family_group_helper_once")]

    def __str__(self) -> str:
        return f"User {self.person_id} at family group session #{self.session_id}"


class FamilyGroupAttendance(models.Model):
    """A family that came to a family group session."""

    session = models.ForeignKey(FamilyGroupSession, on_delete=models.CASCADE, related_name="attendances")
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="group_attendances")

    class Meta:
        ordering = ["session", "pk"]
        constraints = [models.UniqueConstraint(fields=["session", "family"], name="family_group_attendance_once")]

    def __str__(self) -> str:
        return f"Family {self.family_id} at family group session #{self.session_id}"


class RetentionHold(models.Model):
    """A coordinator's hold on a family's records (a legal claim, safeguarding still going on): while it is open,
    nothing about the family is anonymised, whatever its retention date. Lifted, never deleted."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="retention_holds")
    reason = models.TextField(help_text="Why the family's records must be kept, for example a legal claim.")
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField()
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["family"], condition=Q(lifted_at__isnull=True), name="retention_hold_one_open_per_family"
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True, lifted_by__isnull=True)
                | Q(lifted_at__isnull=False, lifted_by__isnull=False),
                name="retention_hold_lifted_by_someone",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | Q(lifted_at__gte=F("placed_at")),
                name="retention_hold_lifted_after_placed",
            ),
        ]

    def __str__(self) -> str:
        # Deliberately free of the reason: this text is copied into the audit log.
        return f"Retention hold #{self.pk} on family {self.family_id}"

    @property
    def is_open(self) -> bool:
        return self.lifted_at is None

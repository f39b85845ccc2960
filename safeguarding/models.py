"""Safeguarding concerns and their timeline: the one path on which confidentiality may be broken (P12).

Only tables and constraints live here; every write goes through ``safeguarding.services``, which enforces the
order of the steps. Nothing here is ever deleted by a person: rows are held until the youngest child concerned
is 25 (``retain_until``), and on PostgreSQL a trigger refuses a DELETE before then.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from families.models import Family, HouseholdMember
from homestart.models import Scheme


class ConcernCategory(models.TextChoices):
    NEGLECT = "neglect", "Neglect"
    PHYSICAL = "physical", "Physical abuse"
    EMOTIONAL = "emotional", "Emotional abuse"
    SEXUAL = "sexual", "Sexual abuse"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    OTHER = "other", "Other"


class ConcernStatus(models.TextChoices):
    RAISED = "raised", "Waiting for review"
    UNDER_REVIEW = "under_review", "Reviewed: decision to make"
    DECIDED = "decided", "Decision made"
    REFERRED = "referred", "Referred"
    CLOSED = "closed", "Closed"


class Decision(models.TextChoices):
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    MONITOR = "monitor", "Monitor"
    EARLY_HELP = "early_help", "Early help"
    SOCIAL_CARE = "social_care", "Referral to children's social care"
    POLICE = "police", "Referral to the police"


REFERRAL_DECISIONS = (Decision.SOCIAL_CARE, Decision.POLICE)


class Concern(models.Model):
    """A worry that a child may be at risk, raised by a volunteer or coordinator about one family."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="concerns")
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="concerns")
    children = models.ManyToManyField(HouseholdMember, related_name="concerns", blank=True)
    category = models.CharField(max_length=24, choices=ConcernCategory.choices)
    account = models.TextField(help_text="What was seen or heard, in the words of the person raising the concern.")
    observed_on = models.DateField()
    observed_time = models.TimeField(null=True, blank=True)
    immediate_danger = models.BooleanField()
    urgent = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=ConcernStatus.choices, default=ConcernStatus.RAISED)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="concerns_raised")
    raised_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    retain_until = models.DateField(help_text="Held until the youngest child concerned is 25; never deleted before.")

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(immediate_danger=False) | Q(urgent=True), name="concern_danger_is_urgent"
            ),
            models.CheckConstraint(
                condition=Q(status=ConcernStatus.CLOSED, closed_at__isnull=False)
                | (~Q(status=ConcernStatus.CLOSED) & Q(closed_at__isnull=True)),
                name="concern_closed_has_a_time",
            ),
        ]
        indexes = [
            models.Index(fields=["scheme", "status", "raised_at"], name="concern_scheme_status_idx"),
            models.Index(fields=["family", "raised_at"], name="concern_family_idx"),
        ]

    def __str__(self) -> str:
        # Deliberately free of names and of the account: this text is copied into the audit log.
        return f"Safeguarding concern #{self.pk} about family {self.family_id}"

    @property
    def is_open(self) -> bool:
        return self.status != ConcernStatus.CLOSED

    @property
    def raiser_status(self) -> str:
        """What the person who raised it is told: that it is being dealt with, never the deliberations."""
        if self.status == ConcernStatus.RAISED:
            return "Received: waiting for the safeguarding lead"
        if self.status == ConcernStatus.CLOSED:
            return "Closed by the safeguarding lead"
        return "Being dealt with by the safeguarding lead"


class StepKind(models.TextChoices):
    REVIEW = "review", "Reviewed"
    DISCUSSION = "discussion", "Discussed with the family"
    NO_DISCUSSION = "no_discussion", "Decision not to discuss with the family first"
    DECISION = "decision", "Decision"
    REFERRAL = "referral", "Referral made"
    FOLLOW_UP = "follow_up", "Follow-up action agreed"
    FOLLOW_UP_DONE = "follow_up_done", "Follow-up action done"
    CLOSURE = "closure", "Closed"


class ConcernStep(models.Model):
    """One entry on a concern's timeline: who did what, and when. Never edited or deleted once written."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(max_length=16, choices=StepKind.choices)
    occurred_on = models.DateField()
    details = models.TextField(blank=True, help_text="Review notes, what was said, the reason, or the outcome.")
    participants = models.CharField(max_length=300, blank=True, help_text="Who took part in the discussion.")
    family_response = models.TextField(blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    disclosure = models.OneToOneField(
        "consents.Disclosure", on_delete=models.PROTECT, related_name="concern_step", null=True, blank=True
    )
    follow_up = models.ForeignKey(
        "safeguarding.FollowUp", on_delete=models.PROTECT, related_name="steps", null=True, blank=True
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_on", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=StepKind.DECISION) | ~Q(decision=""), name="concern_step_decision_names_one"
            ),
            models.CheckConstraint(
                condition=~Q(kind=StepKind.REFERRAL) | Q(disclosure__isnull=False),
                name="concern_step_referral_is_a_disclosure",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=[StepKind.DISCUSSION, StepKind.NO_DISCUSSION, StepKind.CLOSURE]) | ~Q(details=""),
                name="concern_step_says_what_happened",
            ),
        ]

    def __str__(self) -> str:
        return f"Step #{self.pk} ({self.kind}) of safeguarding concern {self.concern_id}"


class FollowUp(models.Model):
    """An action agreed on a concern, with a date it is due by."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="follow_ups")
    action = models.CharField(max_length=300)
    due_on = models.DateField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    done_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["concern", "done_on"], name="follow_up_open_idx")]

    def __str__(self) -> str:
        return f"Follow-up #{self.pk} of safeguarding concern {self.concern_id}"

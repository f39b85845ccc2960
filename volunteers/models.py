"""What the scheme keeps about each volunteer beyond their sign-in, their supervision and their group meetings.

Only tables and constraints live here; every write goes through ``volunteers.services``.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from guardian.models import UserObjectPermissionBase

from families.models import Family
from homestart.models import Scheme

MOST_FAMILIES_AT_ONCE = 6


class VolunteerProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="volunteer_profile")
    dbs_certificate_number = models.CharField("DBS certificate number", max_length=12, blank=True)
    dbs_issued_on = models.DateField("DBS certificate issue date", null=True, blank=True)
    dbs_renewal_due = models.DateField("DBS renewal due", null=True, blank=True)
    preparation_course_completed_on = models.DateField("preparation course completed", null=True, blank=True)
    available_for_new_family = models.BooleanField(
        "available for a new family",
        default=False,
        help_text="Whether the volunteer would like to be matched with another family now.",
    )
    available_times = models.CharField(
        "days and times free", max_length=200, blank=True, help_text="For example: Tuesday and Thursday mornings."
    )
    max_families = models.PositiveSmallIntegerField(
        "most families at once",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MOST_FAMILIES_AT_ONCE)],
    )

    class Meta:
        ordering = ["user__first_name", "user__last_name"]
        indexes = [models.Index(fields=["dbs_renewal_due"], name="volunteer_dbs_renewal_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_families__gte=1) & Q(max_families__lte=MOST_FAMILIES_AT_ONCE),
                name="volunteer_max_families_between_1_and_6",
            ),
        ]

    def __str__(self) -> str:
        return f"Volunteer profile of user {self.user_id}"


class SupervisionSession(models.Model):
    """One-to-one supervision of a volunteer by a coordinator (P9): the only place individual families are discussed.

    Readable by its volunteer and its coordinator; each family's part also by that family's lead coordinator.
    """

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="supervision_sessions")
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervisions_received"
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervisions_held"
    )
    held_on = models.DateField("date of the session")
    notes = models.TextField("general notes", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(volunteer=F("coordinator")), name="supervision_volunteer_is_not_the_coordinator"
            ),
        ]
        indexes = [
            models.Index(fields=["volunteer", "-held_on"], name="supervision_volunteer_date_idx"),
            models.Index(fields=["coordinator", "-held_on"], name="supervision_coordinator_idx"),
        ]

    def __str__(self) -> str:
        # Deliberately free of names and notes: this string is copied into the audit log.
        return f"Supervision #{self.pk} of volunteer {self.volunteer_id}"


class SupervisionSessionUserObjectPermission(UserObjectPermissionBase):
    """Who may read a whole supervision record: its volunteer and coordinator. Direct foreign key: docs/adr/0005."""

    content_object = models.ForeignKey(SupervisionSession, on_delete=models.CASCADE)


class SupervisionFamily(models.Model):
    """The part of a supervision session about one family the volunteer is or was assigned to."""

    session = models.ForeignKey(SupervisionSession, on_delete=models.PROTECT, related_name="families_discussed")
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="supervision_discussions")
    notes = models.TextField("notes about the family", blank=True)

    class Meta:
        verbose_name = "family discussed in supervision"
        verbose_name_plural = "families discussed in supervision"
        ordering = ["session", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "family"], name="supervision_family_once_per_session"),
        ]

    def __str__(self) -> str:
        return f"Family {self.family_id} in supervision #{self.session_id}"


class SupervisionFamilyUserObjectPermission(UserObjectPermissionBase):
    """Who may read the part about one family: the session's two people and the family's lead coordinator."""

    content_object = models.ForeignKey(SupervisionFamily, on_delete=models.CASCADE)


class SupervisionAction(models.Model):
    """Something agreed in supervision, with a due date; done when ``done_on`` is set."""

    session = models.ForeignKey(SupervisionSession, on_delete=models.PROTECT, related_name="actions")
    text = models.CharField("action", max_length=500)
    due_on = models.DateField("due by")
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["session", "done_on"], name="supervision_action_open_idx")]

    def __str__(self) -> str:
        return f"Action #{self.pk} from supervision #{self.session_id}"

    @property
    def is_done(self) -> bool:
        return self.done_on is not None


class GroupMeeting(models.Model):
    """A volunteer group meeting (P8). Its notes never name a family: individual families belong in supervision."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="group_meetings")
    held_on = models.DateField("date of the meeting")
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="group_meetings_facilitated"
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="GroupMeetingAttendee", related_name="group_meetings_attended"
    )
    topics = models.CharField(max_length=500)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["scheme", "-held_on"], name="group_meeting_scheme_date_idx")]

    def __str__(self) -> str:
        return f"Volunteer group meeting #{self.pk}"


class GroupMeetingAttendee(models.Model):
    meeting = models.ForeignKey(GroupMeeting, on_delete=models.CASCADE, related_name="attendances")
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="group_meeting_attendances"
    )

    class Meta:
        ordering = ["meeting", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "volunteer"], name="group_meeting_attendee_once"),
        ]

    def __str__(self) -> str:
        return f"Volunteer {self.volunteer_id} at group meeting #{self.meeting_id}"

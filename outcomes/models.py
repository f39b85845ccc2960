"""Outcome frameworks (areas, needs, a scale), their versions, and families' assessments.

Each scheme has its own framework (every record belongs to one scheme), kept as numbered versions. A version starts
as a draft, which only the scheme's administrators see and change; publishing gives it the next number and makes it
the one assessments use from then on (the latest published version is the current one; nothing stores "current").
A published version is final: its areas, needs and scale never change (the services refuse it, and so does the
database on PostgreSQL), so an assessment always means what its version said when it was made. A new version is a
copy of the current one, changed as a draft. ADR docs/adr/0016-outcomes.md.

An assessment is one sitting with the family (the start of support, a review, the end), on one version, with who
took part and a score (or "not answered") for every need of that version. Only tables and constraints live here;
every write goes through ``outcomes.services``.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q

from families.models import Family, HouseholdMember, SupportPeriod
from homestart.models import Scheme

# How many points a scale may have: from 1 up to this many (the product's starter uses 1 to 5).
MIN_POINTS, MAX_POINTS = 3, 10
MIN_REVIEW_DAYS, MAX_REVIEW_DAYS = 28, 730


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


# The only way a version's status moves (outcomes.services.framework_version_publish): published is final.
VERSION_TRANSITIONS: dict[str, set[str]] = {
    VersionStatus.DRAFT: {VersionStatus.PUBLISHED},
    VersionStatus.PUBLISHED: set(),
}


def _final_once_published(table: str, parent: str) -> pgtrigger.Trigger:
    """A trigger refusing any insert, change or removal of a row that belongs to a published version.

    ``parent`` is the SQL giving the version's id from a row (``ROW`` stands for OLD or NEW).
    """
    check = "SELECT 1 FROM outcomes_frameworkversion v WHERE v.id = ({parent}) AND v.status = 'published'"
    return pgtrigger.Trigger(
        name=f"{table}_final_once_published",
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
        func=f"""
            IF TG_OP <> 'INSERT' AND EXISTS ({check.format(parent=parent.replace("ROW", "OLD"))}) THEN
                RAISE EXCEPTION 'A published outcome framework version is final: % #% cannot change', TG_TABLE_NAME, OLD.id;
            END IF;
            IF TG_OP <> 'DELETE' AND EXISTS ({check.format(parent=parent.replace("ROW", "NEW"))}) THEN
                RAISE EXCEPTION 'A published outcome framework version is final: nothing can be added to it (%)', TG_TABLE_NAME;
            END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        """,
    )


class FrameworkVersion(models.Model):
    """One version of a scheme's outcome framework: a draft while an administrator writes it, then published,
    numbered and never changed. Its scale runs from 1 to the number of its scale points."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="outcome_framework_versions")
    status = models.CharField(max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    number = models.PositiveIntegerField(null=True, blank=True, help_text="Given when the version is published.")
    review_interval_days = models.PositiveSmallIntegerField(
        "days between reviews",
        default=183,
        help_text="A review is due this many days after the start assessment or the last review (183 is 6 months).",
    )
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, related_name="+", null=True, blank=True, help_text="The version copied."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "number"], name="outcome_version_number_unique"),
            models.UniqueConstraint(
                fields=["scheme"], condition=Q(status="draft"), name="outcome_version_one_draft_at_a_time"
            ),
            models.CheckConstraint(
                condition=Q(status="draft", number__isnull=True, published_at__isnull=True)
                | Q(status="published", number__isnull=False, published_at__isnull=False),
                name="outcome_version_published_has_number_and_date",
            ),
            models.CheckConstraint(
                condition=Q(review_interval_days__gte=MIN_REVIEW_DAYS) & Q(review_interval_days__lte=MAX_REVIEW_DAYS),
                name="outcome_version_review_interval_in_range",
            ),
        ]
        indexes = [models.Index(fields=["scheme", "status", "-number"], name="outcome_version_status_idx")]
        triggers = [
            # Never changed after publishing, whoever writes: the services refuse it, and so does the database.
            pgtrigger.Protect(
                name="outcome_version_published_is_final",
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Q(old__status="published"),
            ),
        ]

    def __str__(self) -> str:
        return f"Outcome framework version {self.number}" if self.number else "Outcome framework draft"

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT


class Area(models.Model):
    """An area of family life the framework looks at (parenting, say). ``key`` is the area's identity across
    versions: a copied area keeps it, so a family's progress in "parenting" follows it from version to version."""

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="areas")
    key = models.CharField(max_length=40)
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="outcome_area_key_unique_in_version")]
        triggers = [_final_once_published("outcomes_area", "ROW.version_id")]

    def __str__(self) -> str:
        return self.title


class Need(models.Model):
    """One thing a family scores in an area, put as a question to the family."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="needs")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=80)
    prompt = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        triggers = [
            _final_once_published("outcomes_need", "SELECT a.version_id FROM outcomes_area a WHERE a.id = ROW.area_id")
        ]

    def __str__(self) -> str:
        return self.title


class ScalePoint(models.Model):
    """One point of the version's scale, with the plain-English words that say what it means."""

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="scale_points")
    value = models.PositiveSmallIntegerField()
    anchor = models.CharField(max_length=120)

    class Meta:
        ordering = ["value"]
        constraints = [
            models.UniqueConstraint(fields=["version", "value"], name="outcome_scale_point_unique"),
            models.CheckConstraint(
                condition=Q(value__gte=1) & Q(value__lte=MAX_POINTS), name="outcome_scale_point_in_range"
            ),
        ]
        triggers = [_final_once_published("outcomes_scalepoint", "ROW.version_id")]

    def __str__(self) -> str:
        return f"{self.value}: {self.anchor}"


class AssessmentKind(models.TextChoices):
    START = "start", "Start of support"
    REVIEW = "review", "Review"
    END = "end", "End of support"


class Assessment(models.Model):
    """One sitting with the family: at the start of support, at a review or at the end, on one framework version.

    Belongs to the support period it was made in (a family that comes back starts again). In each period: one start
    assessment first, reviews after it, at most one end assessment, and nothing after that, each later than the last.
    """

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="outcome_assessments")
    support_period = models.ForeignKey(SupportPeriod, on_delete=models.PROTECT, related_name="outcome_assessments")
    version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="assessments")
    kind = models.CharField(max_length=8, choices=AssessmentKind.choices)
    assessed_on = models.DateField("date of the assessment")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    # Who took part: people of the household, and the scheme's people (the volunteer, the coordinator).
    members = models.ManyToManyField(HouseholdMember, related_name="+", blank=True)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)

    class Meta:
        ordering = ["assessed_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["support_period"], condition=Q(kind="start"), name="outcome_assessment_one_start_per_period"
            ),
            models.UniqueConstraint(
                fields=["support_period"], condition=Q(kind="end"), name="outcome_assessment_one_end_per_period"
            ),
        ]
        indexes = [
            models.Index(fields=["family", "assessed_on"], name="outcome_assessment_family_idx"),
            models.Index(fields=["assessed_on"], name="outcome_assessment_date_idx"),
        ]

    def __str__(self) -> str:
        # Deliberately free of names and scores: this text is copied into the audit log.
        return f"Outcome assessment #{self.pk} of family {self.family_id}"


class Score(models.Model):
    """The family's score for one need at one assessment (empty: not answered), with an optional private comment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="scores")
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.CharField(max_length=280, blank=True)

    class Meta:
        ordering = ["assessment", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "need"], name="outcome_score_once_per_need"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | (Q(value__gte=1) & Q(value__lte=MAX_POINTS)),
                name="outcome_score_in_range",
            ),
        ]

    def __str__(self) -> str:
        # Deliberately free of the score and the comment: this text is copied into the audit log.
        return f"Score #{self.pk} of outcome assessment {self.assessment_id}"

"""Outcomes' part of retention (homestart.retention): what the family said about a need (each score's comment)
becomes "[anonymised]" when the family's records are past retention. The scores, dates and framework versions stay,
so the scheme's outcome figures still count them; who took part is kept by id only (the household's names are
anonymised by families)."""

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from families import retention as family_retention
from homestart import retention
from homestart.models import User
from outcomes.models import Assessment, Score


def assessments_due(today: datetime.date) -> QuerySet[Assessment]:
    """Assessments of families past retention with a comment still there."""
    comments_left = Score.objects.filter(assessment=OuterRef("pk")).filter(~Q(comment__in=["", retention.ANONYMISED]))
    return (
        Assessment.objects.filter(family_id__in=family_retention.families_past_retention(today).values("pk"))
        .filter(Exists(comments_left))
        .select_related("family")
        .order_by("pk")
    )


def _anonymise(assessment: Assessment, *, today: datetime.date, actor: User | None) -> bool:
    from outcomes import services  # services use this app's selectors: imported when the run needs them

    return services.assessment_anonymise(assessment=assessment, today=today, actor=actor)


RULE = retention.Rule(
    name="outcome_assessments",
    label="Outcome assessments: the family's comments on each need",
    due=assessments_due,
    reference=lambda assessment: f"Outcome assessment #{assessment.pk} of {assessment.family.reference}",
    anonymise=_anonymise,
)


def register() -> None:
    retention.register(RULE)

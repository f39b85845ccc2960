"""Safeguarding's part of retention: a family with a concern is kept until the youngest child concerned is 25.

Each concern holds ``retain_until`` (``safeguarding.services.retention_date``). Safeguarding registers it with
families as a *keep*: no record about the family is anonymised, by any app, before the day after the latest
``retain_until`` of its concerns. From then on its own rule anonymises the concerns (``concern_anonymise``).
"""

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from families import retention as family_retention
from homestart import retention
from homestart.models import User
from safeguarding import services
from safeguarding.models import Concern, ConcernStep, FollowUp
from safeguarding.permissions import can_see_concerns_of


def _kept_until() -> Subquery:
    """The last day a family's records are kept for its concerns: the latest ``retain_until`` (NULL: no concern)."""
    return Subquery(
        Concern.objects.filter(family_id=OuterRef("pk")).order_by("-retain_until").values("retain_until")[:1]
    )


KEEP = family_retention.Keep(
    name="safeguarding",
    until=_kept_until,
    describe=lambda day: (
        f"Safeguarding records are kept until the youngest child concerned is 25 (until {day:%-d %B %Y})."
    ),
    # Only those who read the family's concerns learn that it has any (docs/adr/0006).
    visible_to=can_see_concerns_of,
)


def concerns_due(today: datetime.date) -> QuerySet[Concern]:
    """Concerns of families past retention (so past every concern's ``retain_until``) not anonymised yet."""
    past = family_retention.families_past_retention(today).values("pk")
    return (
        Concern.objects.filter(family_id__in=past, retain_until__lt=today)
        .filter(
            ~Q(account=retention.ANONYMISED)
            | Q(observed_time__isnull=False)
            | Exists(ConcernStep.objects.filter(concern=OuterRef("pk")))
            | Exists(FollowUp.objects.filter(concern=OuterRef("pk")).exclude(action=retention.ANONYMISED))
        )
        .select_related("family")
        .order_by("pk")
    )


def _anonymise_concern(concern: Concern, *, today: datetime.date, actor: User | None) -> bool:
    return services.concern_anonymise(concern=concern, today=today, actor=actor)


CONCERN_RULE = retention.Rule(
    name="safeguarding_concerns",
    label="Safeguarding concerns: the account, timeline and follow-up actions",
    due=concerns_due,
    reference=lambda concern: f"Concern #{concern.pk} of {concern.family.reference}",
    anonymise=_anonymise_concern,
)


def register() -> None:
    family_retention.register_keep(KEEP)
    retention.register(CONCERN_RULE)

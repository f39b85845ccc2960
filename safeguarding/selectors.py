"""Reads of safeguarding records that depend on who is asking.

A concern is read in full only by the scheme's safeguarding leads and the family's coordinator; the person who
raised it sees a receipt (received, and its status); for everyone else it does not exist (404, and it appears in
no list, count or register). See docs/adr/0006 for why this is a rule evaluated at read time rather than granted
permission rows.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from consents.models import Disclosure
from families.models import Family, HouseholdMember
from homestart.decorators import loads
from homestart.models import User
from homestart.permissions import can_coordinate
from homestart.selectors import active_coordinators
from safeguarding.models import Concern, ConcernStatus, ConcernStep, FollowUp
from safeguarding.permissions import is_safeguarding_lead
from safeguarding.workflow import REVIEW_WITHIN


def concerns_for_user(user: User) -> QuerySet[Concern]:
    """Concerns the user may read in full: a lead, all of the scheme's; a coordinator, their own families'."""
    if not can_coordinate(user):
        return Concern.objects.none()
    concerns = Concern.objects.filter(scheme_id=user.scheme_id)
    if not is_safeguarding_lead(user):
        concerns = concerns.filter(family__lead_coordinator_id=user.pk)
    return concerns


def get_concern_for_user_or_404(user: User, pk: Any) -> Concern:
    """One concern with its whole timeline, for someone who may read it in full."""
    try:
        return (
            concerns_for_user(user)
            .select_related("family__lead_coordinator", "raised_by")
            .prefetch_related(
                Prefetch("children", queryset=HouseholdMember.objects.order_by("date_of_birth", "pk")),
                Prefetch(
                    "steps",
                    queryset=ConcernStep.objects.select_related(
                        "recorded_by", "disclosure__recipient__agency", "follow_up"
                    ),
                ),
                Prefetch("follow_ups", queryset=FollowUp.objects.select_related("owner")),
            )
            .get(pk=pk)
        )
    except (Concern.DoesNotExist, ValueError, TypeError):
        raise Http404("No such page") from None


def concern_readers(concern: Concern) -> QuerySet[User]:
    """The people who may read the concern in full (and so take a follow-up on): the scheme's active safeguarding
    leads and the family's coordinator."""
    return active_coordinators(concern.scheme_id).filter(
        Q(is_safeguarding_lead=True) | Q(pk=concern.family.lead_coordinator_id)
    )


def concerns_raised_by(user: User) -> QuerySet[Concern]:
    """Concerns the user raised, for their receipts (status only, never the deliberations)."""
    if not user.is_authenticated:
        return Concern.objects.none()
    return Concern.objects.filter(scheme_id=user.scheme_id, raised_by_id=user.pk)


def get_receipt_for_user_or_404(user: User, pk: Any) -> Concern:
    try:
        return concerns_raised_by(user).select_related("family").get(pk=pk)
    except (Concern.DoesNotExist, ValueError, TypeError):
        raise Http404("No such page") from None


def family_concerns(user: User, family: Family) -> QuerySet[Concern]:
    """The family's concerns the user may read in full, newest first."""
    return concerns_for_user(user).filter(family=family).order_by("-raised_at", "-pk")


def family_receipts(user: User, family: Family) -> QuerySet[Concern]:
    """Concerns about the family that the user raised but may not read in full."""
    return concerns_raised_by(user).filter(family=family).exclude(pk__in=concerns_for_user(user).values("pk"))


# The safeguarding lead's dashboard --------------------------------------------------------------------------------


def open_concerns(user: User) -> QuerySet[Concern]:
    """Open concerns the user may read, oldest first (the longest open is the first to look at)."""
    return (
        concerns_for_user(user)
        .exclude(status=ConcernStatus.CLOSED)
        .select_related("family")
        .annotate(open_follow_ups=Count("follow_ups", filter=Q(follow_ups__done_on__isnull=True)))
        .order_by("raised_at", "pk")
    )


def not_reviewed_in_time(user: User) -> QuerySet[Concern]:
    """Concerns still waiting for review more than 24 hours after they were raised."""
    return (
        concerns_for_user(user)
        .filter(status=ConcernStatus.RAISED, raised_at__lt=timezone.now() - REVIEW_WITHIN)
        .select_related("family")
        .order_by("raised_at", "pk")
    )


def outstanding_follow_ups(user: User) -> QuerySet[FollowUp]:
    """Follow-up actions not yet done on concerns the user may read, soonest due first."""
    return (
        FollowUp.objects.filter(concern__in=concerns_for_user(user), done_on__isnull=True)
        .exclude(concern__status=ConcernStatus.CLOSED)
        .select_related("concern__family", "owner")
        .order_by("due_on", "pk")
    )


def safeguarding_summary(user: User) -> dict[str, int]:
    """Counts for the coordinator's dashboard, over the concerns the user may read (one query)."""
    return concerns_for_user(user).aggregate(
        open=Count("pk", filter=~Q(status=ConcernStatus.CLOSED)),
        late=Count("pk", filter=Q(status=ConcernStatus.RAISED, raised_at__lt=timezone.now() - REVIEW_WITHIN)),
        urgent=Count("pk", filter=Q(urgent=True) & ~Q(status=ConcernStatus.CLOSED)),
    )


AGE_BANDS = [(0, 7, "Under a week"), (7, 28, "1 to 4 weeks"), (28, 91, "1 to 3 months"), (91, None, "Over 3 months")]


def open_concerns_by_age(user: User) -> list[tuple[str, int]]:
    """How many open concerns have been open for how long, every band listed (one query)."""
    today = timezone.localdate()
    raised = concerns_for_user(user).exclude(status=ConcernStatus.CLOSED).values_list("raised_at", flat=True)
    ages = [(today - timezone.localtime(moment).date()).days for moment in raised]
    return [
        (label, sum(1 for age in ages if age >= low and (high is None or age < high))) for low, high, label in AGE_BANDS
    ]


# The chronology --------------------------------------------------------------------------------------------------


@dataclass
class ChronologyEntry:
    """One dated line of a family's chronology."""

    on: datetime.date
    what: str
    detail: str = ""
    by: str = ""
    concern: Concern | None = None
    extra: list[tuple[str, str]] = field(default_factory=list)


def chronology(user: User, family: Family) -> list[ChronologyEntry]:
    """Concerns, their steps and follow-ups, and every disclosure about the family, in date order (4 queries)."""
    concerns = list(
        family_concerns(user, family)
        .select_related("raised_by")
        .prefetch_related(
            Prefetch("children", queryset=HouseholdMember.objects.order_by("date_of_birth", "pk")),
            Prefetch(
                "steps",
                queryset=ConcernStep.objects.select_related(
                    "recorded_by", "follow_up", "disclosure__recipient__agency"
                ),
            ),
        )
    )
    entries: list[ChronologyEntry] = []
    for concern in concerns:
        children = ", ".join(child.full_name for child in concern.children.all()) or "No child named"
        entries.append(
            ChronologyEntry(
                on=concern.observed_on,
                what=f"Concern #{concern.pk} raised: {concern.get_category_display()}"
                + (" (urgent: a child in immediate danger)" if concern.urgent else ""),
                detail=concern.account,
                by=_name(concern.raised_by),
                concern=concern,
                extra=[("Children", children), ("Raised", f"{timezone.localtime(concern.raised_at):%-d %B %Y %H:%M}")],
            )
        )
        for step in concern.steps.all():
            entries.append(_step_entry(step, concern))
    # A safeguarding referral appears as its concern's referral step; every other disclosure is listed here.
    disclosures = Disclosure.objects.filter(family=family, concern_step__isnull=True)
    for disclosure in disclosures.select_related("recipient__agency", "recorded_by"):
        entries.append(
            ChronologyEntry(
                on=disclosure.disclosed_on,
                what=(
                    f"Information shared with {disclosure.recipient.agency.name}"
                    if disclosure.shared
                    else f"Decision not to share with {disclosure.recipient.agency.name}"
                ),
                detail=disclosure.summary if disclosure.shared else disclosure.reason,
                by=_name(disclosure.recorded_by),
                extra=[("Basis", disclosure.basis_label or "Not shared")],
            )
        )
    entries.sort(key=lambda entry: entry.on)
    return entries


def _step_entry(step: ConcernStep, concern: Concern) -> ChronologyEntry:
    extra: list[tuple[str, str]] = []
    what = f"Concern #{concern.pk}: {step.get_kind_display().lower()}"
    detail = step.details
    if step.decision:
        what = f"Concern #{concern.pk}: decision: {step.get_decision_display().lower()}"
    if step.participants:
        extra.append(("Who took part", step.participants))
    if step.family_response:
        extra.append(("The family's response", step.family_response))
    if step.disclosure_id is not None:
        disclosure = step.disclosure
        what = f"Concern #{concern.pk}: referral to {disclosure.recipient.agency.name}"
        detail = disclosure.summary
        extra.append(("Referred to", str(disclosure.recipient)))
        if disclosure.reference_number:
            extra.append(("Their reference", disclosure.reference_number))
    if step.follow_up_id is not None:
        extra.append(("Action", step.follow_up.action))
        extra.append(("Due", f"{step.follow_up.due_on:%-d %B %Y}"))
    return ChronologyEntry(
        on=step.occurred_on, what=what, detail=detail, by=_name(step.recorded_by), concern=concern, extra=extra
    )


def _name(user: User) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


# View decorators that load an object through its selector (404 for what the user may not open).
load_concern = loads(get_concern_for_user_or_404)
load_receipt = loads(get_receipt_for_user_or_404)

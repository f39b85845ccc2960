"""How long a family's records are kept, and what holds them longer (families' part of homestart.retention).

A family's records are due to be anonymised ``RETENTION["family_years"]`` after support ended, or after its
referral was declined (from the decision date), unless something holds them:

- a coordinator's ``RetentionHold`` (a legal claim, safeguarding still going on), open until they lift it;
- a *keep* registered by an app above from its ready(): a day, per family, until which its records are kept.
  Safeguarding registers one: a family with a concern is kept until the youngest child concerned is 25 (the
  concerns' latest ``retain_until``).

``families_past_retention`` is the one definition every app's rule uses for the records it keeps about families
(consents, supervision notes, concerns), so no app anonymises anything about a family that is still kept.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Case, DateField, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.expressions import Expression
from django.utils import timezone

from families.models import (
    Assignment,
    CaseNote,
    Family,
    FamilyStatus,
    HouseholdMember,
    Referral,
    ReferralOutcome,
    RetentionHold,
    SupportPeriod,
)
from families.permissions import can_hold_records
from homestart import retention
from homestart.models import User


@dataclass(frozen=True)
class Keep:
    """A reason, owned by an app above, to keep a family's records until a day.

    ``until()`` is an expression over the family (``OuterRef("pk")``) giving the last day its records are kept, or
    NULL when the reason does not apply. ``describe(day)`` says why, for a reader ``visible_to(user, family)`` may
    tell; anyone else is told only that the records are kept longer.
    """

    name: str
    until: Callable[[], Expression]
    describe: Callable[[datetime.date], str]
    visible_to: Callable[[User, Family], bool]


KEEPS: dict[str, Keep] = {}

HIDDEN_KEEP = "Kept longer than usual: the family's lead coordinator can tell you why."


def register_keep(keep: Keep) -> Keep:
    """Add an app's reason to keep families' records (once: the same keep again from a second ready() is ignored)."""
    if KEEPS.get(keep.name, keep) is not keep:
        raise ImproperlyConfigured(f"A retention keep named {keep.name!r} is registered twice.")
    KEEPS[keep.name] = keep
    return keep


def _keep_field(name: str) -> str:
    return f"keep_until_{name}"


def open_holds() -> QuerySet[RetentionHold]:
    return RetentionHold.objects.filter(lifted_at__isnull=True)


def with_retention(families: QuerySet[Family]) -> QuerySet[Family]:
    """The families with what decides their retention, in the same query: ``retention_from`` (the day support
    ended or the referral was declined; NULL while the family is referred, waiting or supported), ``on_hold`` and
    one ``keep_until_<name>`` for each registered keep."""
    declined_on = (
        Referral.objects.filter(family=OuterRef("pk"), outcome=ReferralOutcome.DECLINED)
        .order_by("-decided_on", "-pk")
        .values("decided_on")[:1]
    )
    return families.annotate(
        retention_from=Case(
            When(status=FamilyStatus.ENDED, then=F("support_ended_on")),
            When(status=FamilyStatus.NOT_ACCEPTED, then=Subquery(declined_on)),
            default=Value(None),
            output_field=DateField(),
        ),
        on_hold=Exists(open_holds().filter(family=OuterRef("pk"))),
        **{_keep_field(name): keep.until() for name, keep in KEEPS.items()},
    )


def _kept(today: datetime.date) -> Q:
    """Families a keep still holds on ``today`` (a keep holds through its last day); with no keep, none."""
    condition = Q(pk__isnull=True)  # matches no family
    for name in KEEPS:
        condition |= Q(**{f"{_keep_field(name)}__gte": today})
    return condition


def _not_kept(today: datetime.date) -> Q:
    """Families no keep holds on ``today``: each keep is either absent (NULL) or past. Written out rather than as
    ``~_kept``: for a family with no concern at all SQL reads that as unknown, and would leave the family out."""
    condition = Q()
    for name in KEEPS:
        condition &= Q(**{f"{_keep_field(name)}__isnull": True}) | Q(**{f"{_keep_field(name)}__lt": today})
    return condition


def families_past_retention(today: datetime.date) -> QuerySet[Family]:
    """Families whose records are past their retention on ``today`` and under no hold, anonymised already or not:
    what every app's rule anonymises its records about."""
    years = retention.period("family_years")
    return with_retention(Family.objects.all()).filter(
        _not_kept(today), retention_from__lte=retention.cutoff(today, years), on_hold=False
    )


def _left(field: str) -> Q:
    """Free text not anonymised: neither empty nor the marker."""
    return ~Q(**{f"{field}__in": ["", retention.ANONYMISED]})


def _personal_left() -> Q:
    """A family with something personal still on it or its own records: never anonymised, or written to again
    since (a coordinator correcting an address). Read from the records themselves, so the run finds it again."""
    marker = retention.ANONYMISED
    of_family = {"family": OuterRef("pk")}
    exact_date = Q(date_of_birth__isnull=False) & ~Q(date_of_birth__month=1, date_of_birth__day=1)
    exact_due = Q(expected_due_date__isnull=False) & ~Q(expected_due_date__month=1, expected_due_date__day=1)
    return (
        Q(anonymised_on__isnull=True)
        | ~Q(family_name=marker)
        | _left("address")
        | ~Q(postcode="")
        | _left("phone")
        | _left("support_end_reason")
        | Exists(
            HouseholdMember.objects.filter(**of_family).filter(
                ~Q(first_name=marker) | ~Q(last_name="") | _left("relationship") | exact_date | exact_due
            )
        )
        | Exists(Referral.objects.filter(**of_family).filter(~Q(reasons=marker) | _left("outcome_reason")))
        | Exists(SupportPeriod.objects.filter(**of_family).filter(_left("end_reason")))
        | Exists(Assignment.objects.filter(**of_family).filter(_left("end_reason")))
        | Exists(CaseNote.objects.filter(**of_family).exclude(text=marker))
        | Exists(RetentionHold.objects.filter(**of_family).exclude(reason=marker))
    )


def families_due(today: datetime.date) -> QuerySet[Family]:
    """Families whose own records are due to be anonymised on ``today``: past retention, with something personal
    still on them (not anonymised yet, or written to since)."""
    return families_past_retention(today).filter(_personal_left()).order_by("scheme_id", "reference", "pk")


def families_held(today: datetime.date) -> QuerySet:
    """The primary keys of families under a hold on ``today``: a coordinator's, or a keep of an app above."""
    return with_retention(Family.objects.all()).filter(Q(on_hold=True) | _kept(today)).values("pk")


def lock_if_past_retention(family_id: int, today: datetime.date) -> bool:
    """Lock the family's row and answer whether its records are past retention on ``today`` and under no hold.

    Every app's anonymiser asks this first, inside its transaction: placing a hold locks the same row, so a hold
    placed while the run is going wins, and nothing about the family is changed.
    """
    Family.objects.select_for_update().filter(pk=family_id).first()
    return families_past_retention(today).filter(pk=family_id).exists()


# --- What a coordinator is told --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FamilyRetention:
    """When a family's records are due to be anonymised and why, as one reader may be told."""

    family: Family
    due_on: datetime.date | None  # None while the family is referred, waiting or supported, or once anonymised
    why: str
    hold: RetentionHold | None = None

    @property
    def anonymised_on(self) -> datetime.date | None:
        return self.family.anonymised_on


def _base_reason(family: Any, day: datetime.date, years: int) -> str:
    kept = f"kept for {years} year{'' if years == 1 else 's'}"
    if family.status == FamilyStatus.NOT_ACCEPTED:
        return f"Referral declined on {day:%-d %B %Y}, {kept}."
    return f"Support ended on {day:%-d %B %Y}, {kept}."


def _retention_of(user: User, family: Any, hold: RetentionHold | None) -> FamilyRetention:
    """From a family annotated by ``with_retention``: the day its records are due, and why."""
    if family.anonymised_on is not None:
        return FamilyRetention(family, None, f"Anonymised on {family.anonymised_on:%-d %B %Y}.", hold)
    if family.retention_from is None:
        return FamilyRetention(
            family, None, "Kept while the family is referred, waiting or supported; the clock starts when support "
            "ends or the referral is declined.", hold,
        )  # fmt: skip
    years = retention.period("family_years")
    due_on = retention.add_years(family.retention_from, years)
    why = _base_reason(family, family.retention_from, years)
    for name, keep in KEEPS.items():
        kept_until = getattr(family, _keep_field(name))
        if kept_until is not None and kept_until + datetime.timedelta(days=1) > due_on:
            due_on = kept_until + datetime.timedelta(days=1)
            why = keep.describe(kept_until) if keep.visible_to(user, family) else HIDDEN_KEEP
    return FamilyRetention(family, due_on, why, hold)


def family_retention(user: User, family: Family) -> FamilyRetention:
    """The family's retention date and its open hold, for the family page: one query, and one more for the hold
    when there is one (the page has a query cap). The hold is read apart because its columns as subqueries of the
    family's query cost more to build than the query takes to run."""
    annotated = with_retention(Family.objects.filter(pk=family.pk)).get()
    hold = open_holds().filter(family=family).select_related("placed_by").first() if annotated.on_hold else None
    return _retention_of(user, annotated, hold)


def retention_context(user: User, family: Family) -> dict[str, Any]:
    """What the case file's "Records about this family" shows of retention (office/_records_retention.html): when
    the records are due to be anonymised and why, the open hold, and whether the reader may place or lift one."""
    return {
        "retention": family_retention(user, family),
        "can_hold_records": can_hold_records(user, family),
        "retention_today": timezone.localdate(),
    }


def _month_end(today: datetime.date) -> datetime.date:
    following = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return following - datetime.timedelta(days=1)


def _due_by(scheme_id: int, day: datetime.date) -> QuerySet[Family]:
    """The scheme's families not anonymised yet, under no hold, whose records are due on or before ``day``."""
    years = retention.period("family_years")
    return (
        with_retention(Family.objects.filter(scheme_id=scheme_id, anonymised_on__isnull=True))
        # A keep's records are due the day after its last day: on or before ``day`` means its last day is before.
        .filter(_not_kept(day), retention_from__lte=retention.cutoff(day, years), on_hold=False)
    )


def due_this_month(user: User, today: datetime.date) -> list[FamilyRetention]:
    """The families of the user's scheme due to be anonymised by the end of this month (those already past their
    day included, until the nightly run has done them), soonest first. One query, however many there are."""
    families = _due_by(user.scheme_id, _month_end(today)).order_by("reference", "pk")
    rows = [_retention_of(user, family, None) for family in families]
    return sorted(rows, key=lambda row: (row.due_on, row.family.reference))


def due_this_month_count(user: User, today: datetime.date) -> int:
    """How many families of the user's scheme are due to be anonymised by the end of this month (one query)."""
    return _due_by(user.scheme_id, _month_end(today)).count()


def holds_in_scheme(scheme_id: int) -> QuerySet[RetentionHold]:
    """The scheme's open holds, with their families and who placed them, longest-standing first."""
    return (
        open_holds()
        .filter(family__scheme_id=scheme_id)
        .select_related("family", "placed_by")
        .order_by("placed_at", "pk")
    )


# --- Families' rule --------------------------------------------------------------------------------------------


def _anonymise_family(family: Family, *, today: datetime.date, actor: User | None) -> bool:
    from families import services  # services use this module: imported when the run needs it

    return services.family_anonymise(family=family, today=today, actor=actor)


FAMILY_RULE = retention.Rule(
    name="families",
    label="Families: names, address, household, referral reasons, private notes",
    due=families_due,
    reference=lambda family: family.reference,
    anonymise=_anonymise_family,
)


def register() -> None:
    """Families' retention rule, and the families under a hold for the rules below it (the audit log's)."""
    retention.register_family_holds(families_held)
    retention.register(FAMILY_RULE)

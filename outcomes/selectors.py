"""Reads about outcome frameworks and families' assessments. Anything a user may not see behaves as if it did not
exist (404).

What is due, and when (one rule, used by the family page, the dashboard, the volunteer's home and the reminders):

- a **start** assessment as soon as support starts (the family's support period is open and a volunteer supports
  them) and none is recorded yet;
- a **review** once the start assessment or the last review is older than the review interval of the framework
  version it was made on (``FrameworkVersion.review_interval_days``, 183 days in the starter: about 6 months);
- an **end** assessment when support has ended and the period has a start assessment but no end one, for
  ``END_ASSESSMENT_WINDOW_DAYS`` after the end (later than that it would no longer say how support ended).

Nothing is due in a scheme that has not published a framework yet. Each list is one query, whatever the number of
families.
"""

import datetime
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.http import Http404
from django.utils import timezone

from families.models import Assignment, Family, FamilyStatus, HouseholdMember, SupportPeriod
from families.selectors import families_for_user, is_assigned
from homestart.models import Role, User
from homestart.permissions import can_coordinate, is_volunteer
from outcomes.models import Area, Assessment, AssessmentKind, FrameworkVersion, Need, ScalePoint, Score, VersionStatus
from outcomes.permissions import can_manage_framework, can_see_assessments

END_ASSESSMENT_WINDOW_DAYS = 90


# --- The framework ------------------------------------------------------------------------------------------


def _with_content(versions: QuerySet[FrameworkVersion]) -> QuerySet[FrameworkVersion]:
    return versions.prefetch_related(
        Prefetch("areas", queryset=Area.objects.order_by("position", "pk")),
        Prefetch("areas__needs", queryset=Need.objects.order_by("position", "pk")),
        "scale_points",
    )


def current_version(scheme_id: int) -> FrameworkVersion | None:
    """The scheme's framework version in use: its latest published one, with its areas, needs and scale (four
    queries), or None before the scheme has published one."""
    return (
        _with_content(FrameworkVersion.objects.filter(scheme_id=scheme_id, status=VersionStatus.PUBLISHED))
        .order_by("-number")
        .first()
    )


def framework_versions(user: User) -> list[FrameworkVersion]:
    """Every version of the administrator's scheme, the draft first, then newest first, each with how many
    assessments were made with it (one query)."""
    if not can_manage_framework(user, user.scheme_id):
        return []
    return list(
        FrameworkVersion.objects.filter(scheme_id=user.scheme_id)
        .annotate(assessment_count=Count("assessments"))
        .select_related("published_by", "created_by")
        .order_by(F("number").desc(nulls_first=True), "-pk")
    )


def get_version_for_manager_or_404(user: User, pk: Any) -> FrameworkVersion:
    """A version of the administrator's own scheme, with its content; any other answers 404."""
    if not can_manage_framework(user, user.scheme_id):
        raise Http404("No such version")
    try:
        return _with_content(FrameworkVersion.objects.filter(scheme_id=user.scheme_id)).get(pk=pk)
    except (FrameworkVersion.DoesNotExist, ValueError, TypeError):
        raise Http404("No such version") from None


def has_published(scheme_id: int) -> bool:
    return FrameworkVersion.objects.filter(scheme_id=scheme_id, status=VersionStatus.PUBLISHED).exists()


# --- A family's assessments -----------------------------------------------------------------------------------


def require_can_see(user: User, family: Family) -> bool:
    """404 unless the user may see the family's assessments; answers whether they are assigned to it now."""
    assigned = is_assigned(user, family)
    if not can_see_assessments(user, family, is_assigned=assigned):
        raise Http404("No such page")
    return assigned


def assessable_period(family: Family) -> SupportPeriod | None:
    """The support period a new assessment of the family belongs to: the open one; or, once support has ended, the
    latest one (for its end assessment); None for a family that has had no support."""
    periods = SupportPeriod.objects.filter(family=family).order_by(F("ended_on").desc(nulls_first=True), "-pk")
    period = periods.first()
    if period is None or (period.ended_on is not None and family.status != FamilyStatus.ENDED):
        return None
    return period


def period_assessments(period: SupportPeriod) -> list[Assessment]:
    return list(Assessment.objects.filter(support_period=period).order_by("assessed_on", "pk"))


def members_who_may_take_part(family: Family) -> list[HouseholdMember]:
    """The people of the household now, adults first."""
    return list(family.members.filter(left_on__isnull=True).order_by("kind", "date_of_birth", "pk"))


def staff_queryset(family: Family, actor: User) -> QuerySet[User]:
    """The scheme's people who may be named as taking part: the person recording it, the family's lead coordinator,
    and the volunteers assigned to the family now."""
    volunteers = Assignment.objects.filter(family=family, ended_on__isnull=True).values("volunteer_id")
    return User.objects.filter(
        Q(pk=actor.pk) | Q(pk=family.lead_coordinator_id) | Q(pk__in=volunteers),
        scheme_id=family.scheme_id,
        is_active=True,
        role__in=[Role.COORDINATOR, Role.VOLUNTEER],
    ).order_by("first_name", "last_name", "pk")


def staff_who_may_take_part(family: Family, actor: User) -> list[User]:
    """``staff_queryset``, read (one query)."""
    return list(staff_queryset(family, actor))


def get_assessment_for_user_or_404(user: User, family: Family, pk: Any) -> Assessment:
    """An assessment of a family the user may see, with its version, scores and who took part; else 404."""
    require_can_see(user, family)
    try:
        return (
            Assessment.objects.select_related("version", "recorded_by", "family")
            .prefetch_related(
                Prefetch(
                    "scores",
                    queryset=Score.objects.select_related("need__area").order_by(
                        "need__area__position", "need__position", "pk"
                    ),
                ),
                "members",
                Prefetch("staff", queryset=User.objects.order_by("first_name", "last_name")),
                "version__scale_points",
            )
            .get(pk=pk, family=family)
        )
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise Http404("No such assessment") from None


@dataclass(frozen=True)
class AreaProgress:
    """One area's mean score at each of the family's assessments (None where it was not scored)."""

    key: str
    title: str
    means: list[Fraction | None]

    @property
    def shown(self) -> list[str]:
        return [format_mean(mean) for mean in self.means]


@dataclass(frozen=True)
class Progress:
    """The family's assessments, oldest first, and each area's means at them, on a scale from 1 to ``top``."""

    assessments: list["AssessmentSummary"]
    areas: list[AreaProgress]
    top: int
    next_due: "DueAssessment | None"

    @property
    def rows(self) -> list[tuple["AssessmentSummary", list[tuple[str, str]]]]:
        """The table under the charts: one row per assessment, one (area, figure) cell per area: the same figures."""
        return [(a, [(area.title, area.shown[i]) for area in self.areas]) for i, a in enumerate(self.assessments)]


def format_mean(mean: Fraction | None) -> str:
    """A mean as the chart and its table show it: one decimal place ("3.5"), or "not scored"."""
    if mean is None:
        return "not scored"
    return f"{float(mean):.1f}"


@dataclass(frozen=True)
class AssessmentSummary:
    """What the family's page needs of one assessment: read with its scores in one query (``family_progress``)."""

    pk: int
    kind: str
    assessed_on: datetime.date
    period_started_on: datetime.date
    period_ended_on: datetime.date | None
    version_number: int | None
    review_interval_days: int

    def get_kind_display(self) -> str:
        return AssessmentKind(self.kind).label


def family_progress(family: Family, *, today: datetime.date | None = None) -> Progress:
    """The family's progress per area: at each assessment, the mean of the scores of the area's needs (needs "not
    answered" left out). Areas follow the newest version's order and names.

    One query, however many assessments: the scores grouped by assessment and area, each row carrying what the page
    needs of its assessment (every assessment has at least one score: the service refuses one without).
    """
    top_of_scale = ScalePoint.objects.filter(version=OuterRef("assessment__version_id")).order_by("-value")
    rows = list(
        Score.objects.filter(assessment__family=family, value__isnull=False)
        .values(
            "assessment_id",
            "assessment__kind",
            "assessment__assessed_on",
            "assessment__support_period__started_on",
            "assessment__support_period__ended_on",
            "assessment__version__number",
            "assessment__version__review_interval_days",
            "need__area__key",
            "need__area__title",
            "need__area__position",
        )
        .annotate(total=Sum("value"), n=Count("pk"), top=Subquery(top_of_scale.values("value")[:1]))
        .order_by()
    )
    found: dict[int, AssessmentSummary] = {}
    # An area is named and placed as the newest version that has it names and places it.
    names: dict[str, tuple[int, int, str]] = {}  # key -> (minus the version's number, position, title)
    means: dict[tuple[int, str], Fraction] = {}
    top = 0
    for row in rows:
        found.setdefault(
            row["assessment_id"],
            AssessmentSummary(
                pk=row["assessment_id"],
                kind=row["assessment__kind"],
                assessed_on=row["assessment__assessed_on"],
                period_started_on=row["assessment__support_period__started_on"],
                period_ended_on=row["assessment__support_period__ended_on"],
                version_number=row["assessment__version__number"],
                review_interval_days=row["assessment__version__review_interval_days"],
            ),
        )
        key = row["need__area__key"]
        rank = (-(row["assessment__version__number"] or 0), row["need__area__position"], row["need__area__title"])
        if key not in names or rank < names[key]:
            names[key] = rank
        means[(row["assessment_id"], key)] = Fraction(row["total"], row["n"])
        top = max(top, row["top"] or 0)
    assessments = sorted(found.values(), key=lambda a: (a.assessed_on, a.pk))
    areas = [
        AreaProgress(key=key, title=names[key][2], means=[means.get((a.pk, key)) for a in assessments])
        for key in sorted(names, key=lambda k: (names[k][1], names[k][0], k))
    ]
    return Progress(assessments, areas, top or 5, next_due(family, assessments, today=today))


# --- What is due ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueAssessment:
    """The next assessment a family's support period takes, and from when (the module docstring's rule)."""

    family: Family
    kind: str
    due_on: datetime.date
    today: datetime.date

    @property
    def is_due(self) -> bool:
        return self.due_on <= self.today

    @property
    def label(self) -> str:
        return {
            AssessmentKind.START: "Start assessment",
            AssessmentKind.REVIEW: "Review",
            AssessmentKind.END: "End assessment",
        }[self.kind]


def _next(
    *,
    status: str,
    started_on: datetime.date,
    ended_on: datetime.date | None,
    has_start: bool,
    has_end: bool,
    last_on: datetime.date | None,
    interval: int | None,
    today: datetime.date,
) -> tuple[str, datetime.date] | None:
    """The rule itself, on one support period's facts: what comes next and from when, or None."""
    if ended_on is None:
        if status != FamilyStatus.SUPPORTED or has_end:
            return None
        if not has_start:
            return AssessmentKind.START, started_on
        return AssessmentKind.REVIEW, (last_on or started_on) + datetime.timedelta(days=interval or 183)
    if status != FamilyStatus.ENDED or not has_start or has_end:
        return None
    if ended_on < today - datetime.timedelta(days=END_ASSESSMENT_WINDOW_DAYS):
        return None
    return AssessmentKind.END, ended_on


def next_due(
    family: Family, assessments: list[AssessmentSummary], *, today: datetime.date | None = None
) -> DueAssessment | None:
    """What the family's latest support period takes next, from its assessments already read (no query)."""
    today = today or timezone.localdate()
    if family.support_started_on is None:
        return None
    latest = [a for a in assessments if a.period_started_on == family.support_started_on]
    if family.status == FamilyStatus.ENDED:
        ended_on = family.support_ended_on
    else:
        ended_on = None
        latest = [a for a in latest if a.period_ended_on is None]
    found = _next(
        status=family.status,
        started_on=family.support_started_on,
        ended_on=ended_on,
        has_start=any(a.kind == AssessmentKind.START for a in latest),
        has_end=any(a.kind == AssessmentKind.END for a in latest),
        last_on=latest[-1].assessed_on if latest else None,
        interval=latest[-1].review_interval_days if latest else None,
        today=today,
    )
    return DueAssessment(family, found[0], found[1], today) if found else None


def _annotated_periods(periods: QuerySet[SupportPeriod], today: datetime.date) -> QuerySet[SupportPeriod]:
    """Support periods that may take an assessment now, with the facts the rule needs, in one query."""
    in_period = Assessment.objects.filter(support_period=OuterRef("pk"))
    latest = in_period.order_by("-assessed_on", "-pk")
    published = FrameworkVersion.objects.filter(scheme_id=OuterRef("family__scheme_id"), status=VersionStatus.PUBLISHED)
    return (
        periods.filter(
            Q(ended_on__isnull=True, family__status=FamilyStatus.SUPPORTED)
            | Q(
                family__status=FamilyStatus.ENDED,
                ended_on=F("family__support_ended_on"),
                ended_on__gte=today - datetime.timedelta(days=END_ASSESSMENT_WINDOW_DAYS),
            )
        )
        .filter(Exists(published))
        .annotate(
            has_start=Exists(in_period.filter(kind=AssessmentKind.START)),
            has_end=Exists(in_period.filter(kind=AssessmentKind.END)),
            last_on=Subquery(latest.values("assessed_on")[:1]),
            interval=Subquery(latest.values("version__review_interval_days")[:1]),
        )
        .select_related("family")
    )


def _due_now(
    candidates: list[tuple[Family, tuple[str, datetime.date] | None]], today: datetime.date
) -> list[DueAssessment]:
    """Of each family's next assessment (``_next``), those due by today, oldest first."""
    found = [DueAssessment(family, rule[0], rule[1], today) for family, rule in candidates if rule and rule[1] <= today]
    return sorted(found, key=lambda due: (due.due_on, due.family.reference, due.family.pk))


def _due_from(periods: QuerySet[SupportPeriod], today: datetime.date) -> list[DueAssessment]:
    candidates = [
        (
            period.family,
            _next(
                status=period.family.status,
                started_on=period.started_on,
                ended_on=period.ended_on,
                has_start=period.has_start,
                has_end=period.has_end,
                last_on=period.last_on,
                interval=period.interval,
                today=today,
            ),
        )
        for period in periods
    ]
    return _due_now(candidates, today)


def assessments_due(
    user: User, *, families: list[Family] | None = None, today: datetime.date | None = None
) -> list[DueAssessment]:
    """The assessments due now for the user's families, oldest first (one query): a coordinator's, for the families
    they lead; a volunteer's, for the families they support now; nobody else's.

    A volunteer's page that has read their families already (their current families, as the volunteer's home
    does) passes them: see ``_due_for_families``."""
    today = today or timezone.localdate()
    if can_coordinate(user):
        periods = SupportPeriod.objects.filter(family__scheme_id=user.scheme_id, family__lead_coordinator_id=user.pk)
    elif is_volunteer(user) and families is not None:
        return _due_for_families(user, families, today)
    elif is_volunteer(user):
        assigned = Assignment.objects.filter(family=OuterRef("family_id"), volunteer_id=user.pk, ended_on__isnull=True)
        periods = SupportPeriod.objects.filter(
            Exists(assigned), family__in=families_for_user(user), ended_on__isnull=True
        )
    else:
        return []
    return _due_from(_annotated_periods(periods, today), today)


def _due_for_families(user: User, families: list[Family], today: datetime.date) -> list[DueAssessment]:
    """What is due for the volunteer's current families, read already: their current support periods' assessments
    in one plain query (the families carry their period's start), and none at all unless one is supported and the
    scheme has published its framework. The same rule (``_next``) as the one query that finds the families itself,
    with a fraction of its planning (``tests/outcomes/test_due.py`` holds the two to the same answers)."""
    supported = {family.pk: family for family in families if family.status == FamilyStatus.SUPPORTED}
    if not supported:
        return []
    published = FrameworkVersion.objects.filter(scheme_id=user.scheme_id, status=VersionStatus.PUBLISHED)
    rows = (
        SupportPeriod.objects.filter(family_id__in=supported, ended_on__isnull=True)
        .filter(Exists(published))
        .values_list(
            "family_id",
            "started_on",
            "outcome_assessments__kind",
            "outcome_assessments__assessed_on",
            "outcome_assessments__version__review_interval_days",
        )
        .order_by("family_id", "outcome_assessments__assessed_on", "outcome_assessments__pk")
    )
    periods: dict[int, dict[str, Any]] = {}
    for family_id, started_on, kind, assessed_on, interval in rows:
        period = periods.setdefault(family_id, {"started_on": started_on, "kinds": set(), "last": (None, None)})
        if kind is not None:
            period["kinds"].add(kind)
            period["last"] = (assessed_on, interval)  # the rows come oldest first: the last one seen is the latest
    candidates = [
        (
            supported[family_id],
            _next(
                status=FamilyStatus.SUPPORTED,
                started_on=period["started_on"],
                ended_on=None,
                has_start=AssessmentKind.START in period["kinds"],
                has_end=AssessmentKind.END in period["kinds"],
                last_on=period["last"][0],
                interval=period["last"][1],
                today=today,
            ),
        )
        for family_id, period in periods.items()
    ]
    return _due_now(candidates, today)


def assessments_due_everywhere(today: datetime.date) -> list[tuple[DueAssessment, list[int]]]:
    """Every assessment due now in every scheme, each with the volunteers assigned to the family now (two queries):
    what the reminders send."""
    # The reminders write to each family's coordinator; the pages need no coordinator (a join less to plan).
    due = _due_from(
        _annotated_periods(SupportPeriod.objects.all(), today).select_related("family__lead_coordinator"), today
    )
    families = [item.family.pk for item in due]
    volunteers: dict[int, list[int]] = {}
    rows = Assignment.objects.filter(family_id__in=families, ended_on__isnull=True, volunteer__is_active=True)
    for family_id, volunteer_id in rows.values_list("family_id", "volunteer_id").order_by("volunteer_id"):
        volunteers.setdefault(family_id, []).append(volunteer_id)
    return [(item, volunteers.get(item.family.pk, [])) for item in due]

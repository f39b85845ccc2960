"""The scheme's outcome report for trustees and funders: how many families were assessed in a period, and how each
area changed for them between their first and last assessment, as counts that identify no family.

What is counted, for a period of whole calendar months:

- **Families assessed**: families with at least one assessment dated in the period.
- **Families assessed twice or more**: of those, the families with two or more assessments in the period in the
  same support period (a family that came back is followed in its latest one): their change can be measured.
- For each area, among those families: how many were **better**, **the same** or **worse** at their last
  assessment in the period than at their first, comparing the mean of the area's scores (needs "not answered" left
  out; a family is counted in an area only if it was scored in that area both times).

How no small number can be seen or worked out (the same rule as the agency statistics, ``consents.statistics``,
with two more steps because this report can be asked for any period):

1. **Fewer than 5.** Any count from 0 to 4 is shown as "fewer than 5" (``consents.statistics.suppress``), zero
   included, so 0 cannot be told from 1 to 4. With fewer than 5 families assessed nothing else is shown, and
   with fewer than 5 assessed twice no area is.
2. **No small number behind a total (secondary suppression).** An area's better, same and worse add up to the
   families compared in that area, which a reader can often work out (it is usually the "assessed twice" figure).
   So a small count is never shown beside the others: it is added to another (``consents.statistics.
   merge_small``, the rule the postcode districts follow): "the same or worse: 7" rather than "the same: 5,
   worse: fewer than 5", and the smallest shown count joins while the sum is still below 5. No total is shown that
   is not already one of the figures (no grand total, no "assessed once only").
3. **Differencing between two periods.** Two reports whose periods overlap (a period, and the same period plus one
   day) would give, by subtraction, the counts for the days between them, however small. Two things stop it:
   - periods are **whole calendar months that have ended** (``ReportPeriod``): a period one day longer than
     another cannot be asked for, and a month's report does not change from day to day as new assessments are
     recorded;
   - every count of 5 or more is **rounded to the nearest 5** (never below 5). The difference between any two
     figures, from one report or two, is then a multiple of 5 and cannot be the exact number of families behind
     it: a month with one family assessed moves a figure by 0 or by 5, and the same move comes from 1 to 9
     families. (Rounding is applied after step 2, so step 2's groups are still true counts underneath.)

The exact counts never leave this module except through ``protect``; ``raw_figures`` is for this module and its
tests.
"""

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Sum

from consents.statistics import FEWER_THAN, THRESHOLD, merge_small, suppress
from homestart.models import Scheme
from outcomes.models import Area, Assessment, Score, VersionStatus

BETTER, SAME, WORSE = "better", "same", "worse"
CATEGORIES: dict[str, str] = {BETTER: "Better", SAME: "The same", WORSE: "Worse"}
MAX_MONTHS = 120
ROUND_TO = 5

RULES = [
    f"Any number from 0 to {THRESHOLD - 1} is shown as “{FEWER_THAN}”.",
    f"Every other number is rounded to the nearest {ROUND_TO}, so figures may not add up exactly.",
    f"Where one group of an area would have fewer than {THRESHOLD} families it is shown together with another "
    "(for example “The same or worse”), so no small number can be worked out from the others.",
    "Periods are whole calendar months that have ended.",
]


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, months: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(first: datetime.date, last: datetime.date) -> int:
    """How many months from ``first`` to ``last``, both included."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def last_complete_month(today: datetime.date) -> datetime.date:
    """The latest month a report may end with: the one before this one (this one has not ended)."""
    return add_months(first_of_month(today), -1)


@dataclass(frozen=True)
class ReportPeriod:
    """Whole calendar months, from the first day of ``first_month`` to the last day of ``last_month``."""

    first_month: datetime.date
    last_month: datetime.date

    def __post_init__(self) -> None:
        if self.first_month.day != 1 or self.last_month.day != 1:
            raise ValueError("A report period is whole months: give the first day of each month.")
        if self.last_month < self.first_month:
            raise ValueError("The last month is before the first.")

    @property
    def date_from(self) -> datetime.date:
        return self.first_month

    @property
    def date_to(self) -> datetime.date:
        return self.last_month.replace(day=calendar.monthrange(self.last_month.year, self.last_month.month)[1])

    @property
    def label(self) -> str:
        if self.first_month == self.last_month:
            return f"{self.first_month:%B %Y}"
        return f"{self.first_month:%B %Y} to {self.last_month:%B %Y}"

    @classmethod
    def last_twelve_months(cls, today: datetime.date) -> "ReportPeriod":
        last = last_complete_month(today)
        return cls(add_months(last, -11), last)


@dataclass
class RawFigures:
    """The exact counts: never shown as they are (``protect``)."""

    assessed: int = 0
    measured: int = 0
    # area key -> category -> families
    change: dict[str, dict[str, int]] = field(default_factory=dict)
    # area key -> title, in the order the current version lists them
    areas: dict[str, str] = field(default_factory=dict)


def raw_figures(scheme: Scheme, period: ReportPeriod) -> RawFigures:
    """The exact counts for the scheme's families in the period. Three queries, whatever the number of families:
    the areas of its published versions, the assessments in the period, and the area totals of only the first and
    last assessment of each family whose change is measured (the reviews between them do not change it)."""
    areas = list(
        Area.objects.filter(version__scheme=scheme, version__status=VersionStatus.PUBLISHED).values_list(
            "pk", "key", "title", "position", "version__number"
        )
    )
    key_of = {pk: key for pk, key, _title, _position, _number in areas}
    figures = RawFigures(areas=_area_titles(areas))

    assessments = (
        Assessment.objects.filter(
            family__scheme=scheme, assessed_on__gte=period.date_from, assessed_on__lte=period.date_to
        )
        .order_by("family_id", "assessed_on", "pk")
        .values_list("pk", "family_id", "support_period_id")
    )
    by_family: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for pk, family_id, period_id in assessments:
        by_family[family_id].append((pk, period_id))
    figures.assessed = len(by_family)
    pairs: list[tuple[int, int]] = []
    for rows in by_family.values():
        latest_period = rows[-1][1]  # a family that came back is followed in its latest support period
        in_period = [pk for pk, period_id in rows if period_id == latest_period]
        if len(in_period) >= 2:
            pairs.append((in_period[0], in_period[-1]))
    figures.measured = len(pairs)

    # Each assessment's total and number of scores per area: an area's mean is total / number, compared exactly.
    totals: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    wanted = sorted({pk for pair in pairs for pk in pair})
    if wanted:
        scores = (
            Score.objects.filter(assessment_id__in=wanted, value__isnull=False)
            .values_list("assessment_id", "need__area_id")
            .annotate(total=Sum("value"), n=Count("pk"))
            .order_by()
        )
        for assessment_id, area_id, total, n in scores:
            totals[assessment_id][key_of[area_id]] = (total, n)
    change: dict[str, dict[str, int]] = {key: dict.fromkeys(CATEGORIES, 0) for key in figures.areas}
    for first_pk, last_pk in pairs:
        first, last = totals.get(first_pk, {}), totals.get(last_pk, {})
        for key in first.keys() & last.keys():
            (first_total, first_n), (last_total, last_n) = first[key], last[key]
            difference = last_total * first_n - first_total * last_n  # the sign of last mean - first mean
            category = BETTER if difference > 0 else WORSE if difference < 0 else SAME
            change[key][category] += 1
    figures.change = change
    return figures


def _area_titles(areas: list[tuple[int, str, str, int, int | None]]) -> dict[str, str]:
    """Every area the scheme's published versions have, named and ordered as the newest version with it has them."""
    newest: dict[str, tuple[int, int, str]] = {}
    for _pk, key, title, position, number in areas:
        rank = (-(number or 0), position, title)
        if key not in newest or rank < newest[key]:
            newest[key] = rank
    return {key: newest[key][2] for key in sorted(newest, key=lambda k: (newest[k][0], newest[k][1], k))}


def rounded(count: int) -> int:
    """A count of 5 or more to the nearest 5 (7 is 5, 8 is 10), never below 5."""
    return max(ROUND_TO, ROUND_TO * ((count + ROUND_TO // 2) // ROUND_TO))


def shown(count: int) -> str:
    """How a count is written in the report (page, CSV and PDF): "fewer than 5", or the count rounded to 5."""
    return FEWER_THAN if suppress(count) is None else str(rounded(count))


@dataclass(frozen=True)
class Group:
    """One figure of an area: a category, or categories shown together, and the number as the report writes it."""

    label: str
    figure: str
    together: bool = False


@dataclass(frozen=True)
class AreaFigures:
    title: str
    groups: list[Group]

    @property
    def combined(self) -> bool:
        return any(group.together for group in self.groups)


@dataclass(frozen=True)
class Report:
    """The report as it may be shown: every figure already a string ("fewer than 5" or a rounded number)."""

    scheme: Scheme
    period: ReportPeriod
    assessed: str
    measured: str | None
    areas: list[AreaFigures]
    rules: list[str] = field(default_factory=lambda: list(RULES))

    @property
    def enough_assessed(self) -> bool:
        return self.measured is not None

    @property
    def enough_measured(self) -> bool:
        return bool(self.areas)


ALL_COMPARED = "All families compared (too few in a group to show them apart)"


def _label(categories: list[str]) -> str:
    if set(categories) == set(CATEGORIES):
        return ALL_COMPARED
    names = [CATEGORIES[c] for c in CATEGORIES if c in categories]
    names = [names[0]] + [name[0].lower() + name[1:] for name in names[1:]]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def protect_area(counts: dict[str, int]) -> list[Group]:
    """An area's figures with no small number in them or behind them (steps 1 to 3 of the module docstring)."""
    total = sum(counts.values())
    if total < THRESHOLD:
        return [Group(_label(list(CATEGORIES)), FEWER_THAN, together=True)]
    # Between equal counts "the same" joins first: it sits between the others, so the group reads in order.
    alone, together, other = merge_small(counts, prefer=lambda category: (category != SAME, category))
    groups = [Group(CATEGORIES[c], shown(alone[c])) for c in CATEGORIES if c in alone]
    if together:
        groups.append(Group(_label(together), shown(other), together=True))
    return groups


def protect(scheme: Scheme, period: ReportPeriod, figures: RawFigures) -> Report:
    """What may be shown of the exact figures (the module docstring's rule)."""
    if suppress(figures.assessed) is None:
        return Report(scheme, period, FEWER_THAN, None, [])
    if suppress(figures.measured) is None:
        return Report(scheme, period, shown(figures.assessed), FEWER_THAN, [])
    areas = [
        AreaFigures(figures.areas.get(key, key), protect_area(counts))
        for key, counts in figures.change.items()
        if key in figures.areas
    ]
    return Report(scheme, period, shown(figures.assessed), shown(figures.measured), areas)


def scheme_report(scheme: Scheme, period: ReportPeriod) -> Report:
    """The scheme's report for the period, safe to show anyone the coordinators send it to."""
    return protect(scheme, period, raw_figures(scheme, period))

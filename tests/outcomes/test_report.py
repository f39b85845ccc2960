"""The scheme report: families assessed and how each area changed, with every count from 0 to 4 shown as "fewer than
5", no small count behind a total (secondary suppression), and nothing to be had by differencing two periods."""

import csv
import datetime
import io
import shutil
import subprocess
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from homestart.models import AuditEntry
from outcomes import report
from outcomes.audit import OutcomeAuditEvent
from outcomes.forms import ReportPeriodForm
from outcomes.models import AssessmentKind, FrameworkVersion
from outcomes.report import BETTER, SAME, WORSE, ReportPeriod, protect_area, rounded, shown
from tests.outcomes.conftest import record, supported_family

FEWER = "fewer than 5"
ALL = report.ALL_COMPARED
TODAY = timezone.localdate()
THIS_MONTH = report.first_of_month(TODAY)
SINCE = report.add_months(THIS_MONTH, -14)  # support started 14 months ago
A, B, C = (report.add_months(SINCE, n) for n in (1, 2, 3))  # three months that have ended


# --- The rule on its own --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({BETTER: 12, SAME: 6, WORSE: 7}, [("Better", "10"), ("The same", "5"), ("Worse", "5")]),
        # Worse alone would be "fewer than 5" (even at 0), and the total would give it away: the smallest joins it.
        ({BETTER: 7, SAME: 5, WORSE: 0}, [("Better", "5"), ("The same or worse", "5")]),
        ({BETTER: 20, SAME: 2, WORSE: 9}, [("Better", "20"), ("The same or worse", "10")]),
        ({BETTER: 2, SAME: 20, WORSE: 3}, [("The same", "20"), ("Better or worse", "5")]),
        # Every group small: the area shows only its total.
        ({BETTER: 3, SAME: 1, WORSE: 2}, [(ALL, "5")]),
        # Fewer than 5 compared at all: one "fewer than 5" for the whole area.
        ({BETTER: 4, SAME: 0, WORSE: 0}, [(ALL, FEWER)]),
        ({BETTER: 0, SAME: 0, WORSE: 0}, [(ALL, FEWER)]),
    ],
)
def test_an_area_never_shows_a_small_count_beside_the_others(counts: dict, expected: list) -> None:
    assert [(group.label, group.figure) for group in protect_area(counts)] == expected


@given(st.fixed_dictionaries({BETTER: st.integers(0, 60), SAME: st.integers(0, 60), WORSE: st.integers(0, 60)}))
def test_no_category_below_5_can_be_worked_out_from_an_areas_total(counts: dict) -> None:
    """Whatever the counts: a category is shown on its own only with 5 or more families, and a group of categories
    shown together adds up to 5 or more, unless it is the whole area (then the whole area is "fewer than 5"). So
    with the area's total known, subtracting the groups shown never leaves a small category on its own."""
    groups = protect_area(counts)
    members = {"Better": [BETTER], "The same": [SAME], "Worse": [WORSE]}
    total = sum(counts.values())
    labels_seen = []
    for group in groups:
        if group.label == ALL:
            inside = list(report.CATEGORIES)
        elif group.together:
            inside = [c for c, label in report.CATEGORIES.items() if label.lower() in group.label.lower()]
        else:
            inside = members[group.label]
        labels_seen += inside
        true = sum(counts[c] for c in inside)
        if group.figure == FEWER:
            assert true < 5 and len(inside) == 3 and total < 5
        else:
            assert true >= 5 and group.figure == str(rounded(true))
    assert sorted(labels_seen) == sorted(report.CATEGORIES)  # every category is in exactly one group


@pytest.mark.parametrize(
    ("count", "figure"), [(0, FEWER), (4, FEWER), (5, "5"), (7, "5"), (8, "10"), (12, "10"), (13, "15")]
)
def test_counts_below_5_are_hidden_and_the_others_rounded_to_5(count: int, figure: str) -> None:
    assert shown(count) == figure


@given(st.integers(0, 10_000), st.integers(1, 4))
def test_one_to_four_more_families_never_show_as_that_difference(count: int, more: int) -> None:
    """Differencing: whatever a figure was, the same figure with 1 to 4 more families is shown the same or 5 more
    (or goes from "fewer than 5" to a multiple of 5): the difference of two reports is never the small number."""
    before, after = shown(count), shown(count + more)
    if before == FEWER:
        assert after == FEWER or int(after) % 5 == 0
    else:
        assert int(after) - int(before) in (0, 5)


# --- The period --------------------------------------------------------------------------------------------


def _form(first: str, last: str) -> ReportPeriodForm:
    return ReportPeriodForm({"first_month": first, "last_month": last}, today=TODAY)


def test_the_period_is_whole_months_that_have_ended() -> None:
    last = report.add_months(THIS_MONTH, -1)
    form = _form(f"{A:%Y-%m}", f"{last:%Y-%m}")
    assert form.is_valid(), form.errors
    assert form.period().date_from == A and form.period().date_to.month == last.month
    assert form.period().date_to + datetime.timedelta(days=1) == THIS_MONTH

    # This month has not ended: its figures would change from day to day.
    form = _form(f"{A:%Y-%m}", f"{THIS_MONTH:%Y-%m}")
    assert not form.is_valid()
    assert form.errors["last_month"] == [f"The last month must have ended: choose {last:%B %Y} or earlier"]


@pytest.mark.parametrize(
    ("first", "last", "field", "message"),
    [
        # A period one day longer than another cannot be asked for: days are not months.
        ("2025-04-01", "2025-06", "first_month", "Enter the first month as a year and month, for example 2025-04"),
        ("2025-04", "2025-06-30", "last_month", "Enter the last month as a year and month, for example 2025-04"),
        ("2025-13", "2025-06", "first_month", "Enter the first month as a real month, for example 2025-04"),
        ("", "2025-06", "first_month", "Enter the first month"),
        ("2025-06", "2025-04", "last_month", "The last month must be the same as the first month or after it"),
        ("2000-01", "2012-01", "first_month", "Choose a period of 10 years or less"),
        ("\u0662\u0660\u0662\u0665-04", "2025-06", "first_month", "Enter the first month as a year and month"),
    ],
)
def test_a_period_that_is_not_whole_months_is_refused_with_a_clear_message(
    first: str, last: str, field: str, message: str
) -> None:
    form = _form(first, last)
    assert not form.is_valid()
    assert form.errors[field][0].startswith(message)


def test_a_report_period_is_made_of_first_days_only() -> None:
    with pytest.raises(ValueError, match="whole months"):
        ReportPeriod(datetime.date(2025, 4, 1), datetime.date(2025, 6, 2))


# --- The figures from real assessments ----------------------------------------------------------------------


def _families(world: Any, n: int, prefix: str = "Family") -> list:
    return [supported_family(world.coordinator, world.volunteer, f"{prefix}{i:02d}", since=SINCE) for i in range(n)]


def _start_and_review(family: Any, world: Any, start: dict, review: dict, *, review_on: datetime.date) -> None:
    record(family, world.volunteer, on=A.replace(day=3), score=start)
    record(family, world.volunteer, kind=AssessmentKind.REVIEW, on=review_on, score=review)


@pytest.fixture
def twelve(world: Any, framework: FrameworkVersion) -> list:
    """12 families with a start in month A and a review in month B: parenting 7 better and 5 the same; wellbeing
    all better; family life 6 better and 6 worse; getting support all the same."""
    families = _families(world, 12)
    for i, family in enumerate(families):
        parenting = 4 if i < 7 else 2
        family_life = 4 if i < 6 else 1
        _start_and_review(
            family,
            world,
            {"parenting": 2, "wellbeing": 1, "family_life": 2, "getting_support": 3},
            {"parenting": parenting, "wellbeing": 3, "family_life": family_life, "getting_support": 3},
            review_on=B.replace(day=10),
        )
    return families


def _area(rep: report.Report, title: str) -> list[tuple[str, str]]:
    return next([(g.label, g.figure) for g in area.groups] for area in rep.areas if area.title == title)


def test_raw_figures_count_each_familys_change_between_first_and_last_assessment(world: Any, twelve: list) -> None:
    figures = report.raw_figures(world.scheme, ReportPeriod(A, B))
    assert (figures.assessed, figures.measured) == (12, 12)
    assert figures.change["parenting"] == {BETTER: 7, SAME: 5, WORSE: 0}
    assert figures.change["family_life"] == {BETTER: 6, SAME: 0, WORSE: 6}
    assert figures.change["getting_support"] == {BETTER: 0, SAME: 12, WORSE: 0}
    # A period with only the start assessments: assessed, but no change measured.
    only_a = report.raw_figures(world.scheme, ReportPeriod(A, A))
    assert (only_a.assessed, only_a.measured) == (12, 0)


def test_the_report_shows_only_safe_figures(world: Any, twelve: list) -> None:
    rep = report.scheme_report(world.scheme, ReportPeriod(A, B))
    assert (rep.assessed, rep.measured) == ("10", "10")
    assert _area(rep, "Parenting") == [("Better", "5"), ("The same or worse", "5")]
    # All 12 better: "the same" and "worse" would be 0, so the whole area shows only its total.
    assert _area(rep, "Wellbeing") == [(ALL, "10")]
    # 6 better, 6 worse, none the same: the 0 joins the smaller of the others (a tie: the first by name).
    assert _area(rep, "Family life") == [("Worse", "5"), ("Better or the same", "5")]
    assert _area(rep, "Getting support") == [(ALL, "10")]
    # The other scheme's families are never counted.
    assert report.raw_figures(world.other_scheme, ReportPeriod(A, B)).assessed == 0


def test_no_shown_figure_beside_others_is_fewer_than_5(world: Any, twelve: list) -> None:
    rep = report.scheme_report(world.scheme, ReportPeriod(A, B))
    for area in rep.areas:
        figures = [group.figure for group in area.groups]
        assert FEWER not in figures or len(figures) == 1, (area.title, figures)


def test_fewer_than_5_families_assessed_shows_nothing_else(world: Any, framework: FrameworkVersion) -> None:
    for family in _families(world, 4):
        _start_and_review(family, world, {}, {"parenting": 5}, review_on=B.replace(day=10))
    rep = report.scheme_report(world.scheme, ReportPeriod(A, B))
    assert (rep.assessed, rep.measured, rep.areas) == (FEWER, None, [])


def test_fewer_than_5_assessed_twice_shows_no_area(world: Any, framework: FrameworkVersion) -> None:
    families = _families(world, 6)
    for family in families[:4]:
        _start_and_review(family, world, {}, {"parenting": 5}, review_on=B.replace(day=10))
    for family in families[4:]:
        record(family, world.volunteer, on=A.replace(day=3))
    rep = report.scheme_report(world.scheme, ReportPeriod(A, B))
    assert (rep.assessed, rep.measured, rep.areas) == ("5", FEWER, [])


def test_differencing_a_period_and_the_same_period_plus_a_month_gives_nothing_away(world: Any, twelve: list) -> None:
    """A 13th family has its start in month A and its review, worse in parenting, in month C. Asked for A to B and
    then A to C, the two reports differ only where the difference is a multiple of 5: nobody can tell that one
    family, or how many, got worse. (A to B plus one day cannot be asked for at all: see the period tests.)"""
    thirteenth = _families(world, 1, prefix="Late")[0]
    _start_and_review(
        thirteenth,
        world,
        {"parenting": 3, "wellbeing": 1, "family_life": 2, "getting_support": 3},
        {"parenting": 1, "wellbeing": 3, "family_life": 4, "getting_support": 3},
        review_on=C.replace(day=5),
    )
    before = report.scheme_report(world.scheme, ReportPeriod(A, B))
    after = report.scheme_report(world.scheme, ReportPeriod(A, C))
    assert report.raw_figures(world.scheme, ReportPeriod(A, C)).change["parenting"][WORSE] == 1  # the truth
    assert _area(before, "Parenting") == _area(after, "Parenting") == [("Better", "5"), ("The same or worse", "5")]

    def figures(rep: report.Report) -> list[str]:
        return [rep.assessed, rep.measured or ""] + [g.figure for area in rep.areas for g in area.groups]

    for one, two in zip(figures(before), figures(after), strict=True):
        if one != two and FEWER not in (one, two):
            assert abs(int(two) - int(one)) % 5 == 0


# --- Page, CSV and PDF -------------------------------------------------------------------------------------------


def _url(first: datetime.date, last: datetime.date, fmt: str = "") -> str:
    query = f"?first_month={first:%Y-%m}&last_month={last:%Y-%m}"
    return reverse("outcomes:report") + query + (f"&format={fmt}" if fmt else "")


def test_the_report_page_shows_the_figures_and_the_rules(client: Any, world: Any, twelve: list) -> None:
    client.force_login(world.coordinator)
    html = client.get(_url(A, B)).content.decode()
    assert f"{A:%B %Y} to {B:%B %Y}" in html
    assert "Families assessed" in html and "The same or worse" in html
    assert "Any number from 0 to 4 is shown as “fewer than 5”." in html
    assert "Family00" not in html and world.family.reference not in html
    # A period that is not allowed is refused on the page, with the message by the field.
    refused = client.get(reverse("outcomes:report") + f"?first_month={A:%Y-%m}&last_month={THIS_MONTH:%Y-%m}")
    assert refused.status_code == 200
    assert "The last month must have ended" in refused.content.decode()
    assert "Download as PDF" not in refused.content.decode()


def test_the_report_as_csv(client: Any, world: Any, twelve: list) -> None:
    client.force_login(world.dsl)
    response = client.get(_url(A, B, "csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert ["Families assessed", "10"] in rows
    assert ["Parenting", "The same or worse", "5"] in rows
    assert any(row[:1] == ["Note"] and "fewer than 5" in row[1] for row in rows)
    entry = AuditEntry.objects.get(event=OutcomeAuditEvent.REPORT_EXPORTED)
    assert entry.actor == world.dsl and entry.additional_data["format"] == "csv"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed (poppler-utils)")
def test_the_report_as_pdf(client: Any, world: Any, twelve: list) -> None:
    client.force_login(world.coordinator)
    response = client.get(_url(A, B, "pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = subprocess.run(  # noqa: S603
        [shutil.which("pdftotext") or "pdftotext", "-layout", "-", "-"],
        input=response.content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert f"Outcome report: {A:%B %Y} to {B:%B %Y}" in text
    assert "The same or worse" in text and "fewer than 5" in text
    assert "Family00" not in text


def test_the_report_costs_the_same_queries_for_5_families_as_for_30(client: Any, world: Any, framework: Any) -> None:
    client.force_login(world.coordinator)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(A, B)).status_code == 200
        return len(queries)

    for family in _families(world, 5):
        _start_and_review(family, world, {}, {"parenting": 4}, review_on=B.replace(day=10))
    client.get(_url(A, B))
    small = count()
    for family in _families(world, 25, prefix="More"):
        _start_and_review(family, world, {}, {"wellbeing": 1}, review_on=B.replace(day=12))
    assert count() == small

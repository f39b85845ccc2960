"""The family's progress on its page: a server-drawn SVG chart per area (title and description for screen readers)
and the same figures in a table under it; one query however many assessments."""

import datetime
import re
from html import unescape
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from outcomes import chart, selectors
from outcomes.models import AssessmentKind, FrameworkVersion
from tests.outcomes.conftest import record

TODAY = timezone.localdate()


def _day(days_ago: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days_ago)


def _three_assessments(world: Any) -> None:
    record(world.family, world.volunteer, on=_day(15), score={"parenting": 2, "wellbeing": 1, "family_life": 3})
    record(
        world.family,
        world.volunteer,
        kind=AssessmentKind.REVIEW,
        on=_day(8),
        score={"parenting": 3, "wellbeing": None, "family_life": 3},
    )
    record(
        world.family, world.volunteer, kind=AssessmentKind.REVIEW, on=_day(1), score={"parenting": 5, "wellbeing": 4}
    )


def test_each_area_is_the_mean_of_its_needs_scores_at_each_assessment(world: Any, framework: FrameworkVersion) -> None:
    start = record(world.family, world.volunteer, on=_day(15))
    # Parenting's four needs scored 1, 2, 4, 4 at the review: mean 2.75, shown as 2.8.
    version = FrameworkVersion.objects.get(pk=framework.pk)
    from outcomes import services

    scores = {}
    for area in version.areas.all():
        for index, need in enumerate(area.needs.all()):
            value = [1, 2, 4, 4][index] if area.key == "parenting" else (None if index == 0 else 5)
            scores[need.pk] = services.ScoreGiven(value)
    services.assessment_record(
        family=world.family,
        kind=AssessmentKind.REVIEW,
        assessed_on=_day(2),
        scores=scores,
        members=[world.family.members.first()],
        staff=[],
        actor=world.volunteer,
    )
    progress = selectors.family_progress(world.family)
    assert progress.assessments[0].pk == start.pk
    by_title = {area.title: area.shown for area in progress.areas}
    assert by_title["Parenting"] == ["3.0", "2.8"]
    assert by_title["Wellbeing"] == ["3.0", "5.0"]  # the need "not answered" is left out of the mean
    assert [area.title for area in progress.areas] == ["Parenting", "Wellbeing", "Family life", "Getting support"]


def test_the_chart_and_its_table_show_the_same_figures(client: Any, world: Any, framework: FrameworkVersion) -> None:
    _three_assessments(world)
    client.force_login(world.coordinator)
    html = client.get(reverse("families:detail", args=[world.family.pk])).content.decode()
    section = html[html.index('id="progress-heading"') :]
    section = section[: section.index("</section>")]

    # One SVG per area, each an image named by its title and described in words.
    charts = re.findall(r"<svg[^>]*>.*?</svg>", section, re.S)
    assert len(charts) == 4
    for svg in charts:
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
        assert "<script" not in svg
    parenting_svg = next(svg for svg in charts if "Parenting: progress" in svg)
    description = unescape(re.search(r"<desc[^>]*>(.*?)</desc>", parenting_svg, re.S)[1])
    assert description == (
        "Mean score out of 5 at each assessment. "
        f"Start of support, {_day(15):%-d %B %Y}: 2.0; Review, {_day(8):%-d %B %Y}: 3.0; "
        f"Review, {_day(1):%-d %B %Y}: 5.0."
    )
    # The points drawn carry the same values, in date order from left to right.
    values = re.findall(r'<text class="chart__value"[^>]*>([^<]+)</text>', parenting_svg)
    xs = [float(x) for x in re.findall(r'<circle class="chart__point" cx="([\d.]+)"', parenting_svg)]
    assert values == ["2.0", "3.0", "5.0"] and xs == sorted(xs)

    # The table under the charts: a row per assessment, a column per area, the same figures.
    table = section[section.index("<table") : section.index("</table>")]
    headers = [unescape(h) for h in re.findall(r'<th scope="col">([^<]+)</th>', table)]
    assert headers == ["Assessment", "Parenting", "Wellbeing", "Family life", "Getting support"]
    rows = [
        re.findall(r"<td data-label=\"[^\"]+\">([^<]+)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]
    rows = [row for row in rows if row]
    assert rows == [
        ["2.0", "1.0", "3.0", "3.0"],
        ["3.0", "not scored", "3.0", "3.0"],
        ["5.0", "4.0", "3.0", "3.0"],
    ]
    # Every figure of every chart's description is in the table, and the other way round.
    progress = selectors.family_progress(world.family)
    for area, drawn in zip(progress.areas, chart.progress_charts(progress), strict=True):
        for figure in area.shown:
            assert figure in drawn.description


def test_a_gap_breaks_the_line_and_an_area_never_scored_draws_no_point(world: Any, framework: FrameworkVersion) -> None:
    _three_assessments(world)
    progress = selectors.family_progress(world.family)
    wellbeing = next(c for c in chart.progress_charts(progress) if c.caption == "Wellbeing")
    assert len(wellbeing.points) == 2 and wellbeing.lines == []  # 1.0, not scored, 4.0: no line across the gap
    parenting = next(c for c in chart.progress_charts(progress) if c.caption == "Parenting")
    assert len(parenting.lines) == 1 and len(parenting.points) == 3
    # Higher scores are drawn higher up (a smaller y).
    assert parenting.points[0].y > parenting.points[1].y > parenting.points[2].y
    # The first and last dates are labelled and kept inside the chart.
    assert parenting.dates[0].anchor == "start" and parenting.dates[-1].anchor == "end"


def test_a_family_with_no_assessment_yet_says_what_to_do(client: Any, world: Any, framework: FrameworkVersion) -> None:
    client.force_login(world.volunteer)
    html = client.get(reverse("families:detail", args=[world.family.pk])).content.decode()
    assert "No assessments yet." in html
    assert "Start assessment due since" in html
    assert reverse("outcomes:assessment_new", args=[world.family.pk]) in html
    assert reverse("outcomes:worksheet", args=[world.family.pk]) in html


def _section_queries(client: Any, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


def test_the_progress_section_costs_the_same_queries_however_many_assessments(
    client: Any, world: Any, framework: FrameworkVersion
) -> None:
    url = reverse("families:detail", args=[world.family.pk])
    client.force_login(world.coordinator)
    without = _section_queries(client, url)
    record(world.family, world.volunteer, on=_day(19))
    one = _section_queries(client, url)
    for days_ago in range(18, 0, -1):
        record(world.family, world.volunteer, kind=AssessmentKind.REVIEW, on=_day(days_ago))
    many = _section_queries(client, url)
    assert one == many, f"one assessment: {one} queries; 19: {many}"
    assert one == without  # one query, with or without assessments


def test_the_section_itself_runs_one_query(
    world: Any, framework: FrameworkVersion, django_assert_max_num_queries: Any
) -> None:
    from families.selectors import case_file_reader
    from outcomes import sections

    for days_ago, kind in ((12, AssessmentKind.START), (6, AssessmentKind.REVIEW), (2, AssessmentKind.REVIEW)):
        record(world.family, world.volunteer, kind=kind, on=_day(days_ago))
    reader = case_file_reader(world.coordinator, world.family)
    with django_assert_max_num_queries(1):
        context = sections.PROGRESS.load(world.coordinator, world.family, reader)
    assert len(context["progress"].assessments) == 3 and len(context["charts"]) == 4

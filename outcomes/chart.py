"""The family's progress as small charts, one per area, drawn on the server as SVG (no JavaScript).

Each chart is an image with a title and a description a screen reader reads out (every figure, in words), and the
same figures are in a table under the charts. Here only the geometry is worked out; the template draws it.
"""

import datetime
from dataclasses import dataclass

from outcomes.selectors import AreaProgress, Progress, format_mean

WIDTH, HEIGHT = 320, 160
LEFT, RIGHT, TOP, BOTTOM = 30, 16, 22, 34
LABELLED_POINTS = 8  # beyond this many assessments, points carry no value label (they would overlap)
DATE_WIDTH = 50  # about how wide a date label ("Nov 2025") is, in the chart's units


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str

    @property
    def label_y(self) -> float:
        """The value's label sits just above its point."""
        return round(self.y - 9, 1)


@dataclass(frozen=True)
class AxisLabel:
    position: float
    text: str
    anchor: str = "middle"  # SVG text-anchor: the first and last dates are kept inside the chart


@dataclass(frozen=True)
class AreaChart:
    key: str
    title: str
    caption: str
    description: str
    lines: list[str]  # SVG polyline points, one per run of scored assessments
    points: list[Point]
    grid: list[AxisLabel]  # y positions of the scale's points
    dates: list[AxisLabel]  # x positions of the dates shown
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def plot_left(self) -> int:
        return LEFT

    @property
    def plot_right(self) -> int:
        return WIDTH - RIGHT

    @property
    def grid_label_x(self) -> int:
        return LEFT - 8

    @property
    def axis_y(self) -> int:
        return HEIGHT - BOTTOM

    @property
    def date_y(self) -> int:
        return HEIGHT - BOTTOM + 20


def _x(day: datetime.date, first: datetime.date, last: datetime.date) -> float:
    span = (last - first).days
    plot = WIDTH - LEFT - RIGHT
    if span == 0:
        return LEFT + plot / 2
    return LEFT + plot * (day - first).days / span


def _y(value: float, top: int) -> float:
    plot = HEIGHT - TOP - BOTTOM
    return TOP + plot * (top - value) / (top - 1)


def _describe(area: AreaProgress, progress: Progress) -> str:
    parts = []
    for assessment, mean in zip(progress.assessments, area.means, strict=True):
        parts.append(f"{assessment.get_kind_display()}, {assessment.assessed_on:%-d %B %Y}: {format_mean(mean)}")
    return f"Mean score out of {progress.top} at each assessment. " + "; ".join(parts) + "."


def _span(x: float, anchor: str) -> tuple[float, float]:
    if anchor == "start":
        return x, x + DATE_WIDTH
    if anchor == "end":
        return x - DATE_WIDTH, x
    return x - DATE_WIDTH / 2, x + DATE_WIDTH / 2


def _date_labels(days: list[datetime.date], first: datetime.date, last: datetime.date) -> list[AxisLabel]:
    """The dates under the axis: the first and the last always (kept inside the chart), those between where they
    fit without touching another."""
    if len(set(days)) == 1 or first == last:
        return [AxisLabel(round(_x(first, first, last), 1), f"{first:%b %Y}")]
    last_label = AxisLabel(round(_x(last, first, last), 1), f"{last:%b %Y}", "end")
    labels = [AxisLabel(round(_x(first, first, last), 1), f"{first:%b %Y}", "start")]
    for day in days[1:-1]:
        x = _x(day, first, last)
        left, right = _span(x, "middle")
        if (
            left >= _span(labels[-1].position, labels[-1].anchor)[1] + 4
            and right + 4 <= _span(last_label.position, "end")[0]
        ):
            labels.append(AxisLabel(round(x, 1), f"{day:%b %Y}"))
    return [*labels, last_label]


def area_chart(area: AreaProgress, progress: Progress) -> AreaChart:
    """One area's chart: its mean at each assessment, placed by date, on the scale from 1 to the top point."""
    days = [a.assessed_on for a in progress.assessments]
    first, last = days[0], days[-1]
    points: list[Point] = []
    lines: list[str] = []
    run: list[str] = []
    label = len(days) <= LABELLED_POINTS
    for day, mean in zip(days, area.means, strict=True):
        if mean is None:
            if len(run) > 1:
                lines.append(" ".join(run))
            run = []
            continue
        x, y = _x(day, first, last), _y(float(mean), progress.top)
        points.append(Point(round(x, 1), round(y, 1), format_mean(mean) if label else ""))
        run.append(f"{x:.1f},{y:.1f}")
    if len(run) > 1:
        lines.append(" ".join(run))
    grid = [AxisLabel(round(_y(value, progress.top), 1), str(value)) for value in range(1, progress.top + 1)]
    dates = _date_labels(days, first, last)
    return AreaChart(
        key=area.key,
        title=f"{area.title}: progress",
        caption=area.title,
        description=_describe(area, progress),
        lines=lines,
        points=points,
        grid=grid,
        dates=dates,
    )


def progress_charts(progress: Progress) -> list[AreaChart]:
    """A chart for each area the family has scores in."""
    if not progress.assessments:
        return []
    return [area_chart(area, progress) for area in progress.areas]

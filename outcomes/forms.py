"""The shape of input about outcomes. Rules live in the services; these check format and required fields."""

import datetime
import re
from typing import Any

from django import forms
from django.utils import timezone

from homestart.forms import DateInput, Form
from homestart.models import User
from outcomes import report
from outcomes.models import (
    MAX_POINTS,
    MAX_REVIEW_DAYS,
    MIN_POINTS,
    MIN_REVIEW_DAYS,
    AssessmentKind,
    FrameworkVersion,
)
from outcomes.services import AreaChange, NeedChange, ScoreGiven

NOT_ANSWERED = "none"


class PeopleField(forms.ModelMultipleChoiceField):
    """Tick boxes of people, each shown by name."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        if isinstance(obj, User):
            return f"{obj.get_full_name() or obj.username} ({obj.get_role_display().lower()})"
        relationship = obj.relationship or obj.get_kind_display().lower()
        return f"{obj.full_name} ({relationship})"


class AssessmentForm(Form):
    """An assessment: its kind, its date, who took part, and a score (or "not answered") for every need."""

    kind = forms.ChoiceField(label="Which assessment is this?", widget=forms.RadioSelect, choices=())
    assessed_on = forms.DateField(
        label="Date of the assessment",
        widget=DateInput(),
        error_messages={
            "required": "Enter the date of the assessment",
            "invalid": "Enter the date of the assessment as a real date",
        },
    )
    members = PeopleField(
        label="Who from the family took part?",
        queryset=None,
        error_messages={"required": "Choose who from the family took part", "invalid_choice": "Choose from the list"},
    )
    staff = PeopleField(
        label="Who from the scheme took part? (optional)",
        queryset=None,
        required=False,
        error_messages={"invalid_choice": "Choose from the list"},
    )

    def __init__(
        self,
        *args: Any,
        version: FrameworkVersion,
        kinds: list[str],
        members: Any,
        staff: Any,
        actor: User,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        self.fields["kind"].choices = [(kind, _kind_label(kind)) for kind in kinds]
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0]
        self.fields["kind"].error_messages["invalid_choice"] = "Choose which assessment this is"
        self.fields["assessed_on"].initial = timezone.localdate()
        self.fields["members"].queryset = members
        self.fields["staff"].queryset = staff
        self.fields["staff"].initial = [actor.pk]
        points = list(version.scale_points.all())
        choices = [(str(point.value), f"{point.value}: {point.anchor}") for point in points]
        choices.append((NOT_ANSWERED, "Not answered"))
        self.areas: list[tuple[Any, list[tuple[Any, forms.BoundField, forms.BoundField]]]] = []
        for area in version.areas.all():
            rows = []
            for need in area.needs.all():
                name = f"score_{need.pk}"
                self.fields[name] = forms.ChoiceField(
                    label=need.title,
                    choices=choices,
                    widget=forms.RadioSelect,
                    help_text=need.prompt,
                    error_messages={
                        "required": f"Choose a score for “{need.title}”, or “Not answered”",
                        "invalid_choice": f"Choose a score for “{need.title}” from the list",
                    },
                )
                self.fields[f"comment_{need.pk}"] = forms.CharField(
                    label=f"Comment on “{need.title}” (optional)",
                    required=False,
                    max_length=280,
                    widget=forms.Textarea(attrs={"rows": 2, "maxlength": 280}),
                    error_messages={"max_length": "Keep the comment to 280 characters or fewer"},
                )
                rows.append((need, self[name], self[f"comment_{need.pk}"]))
            self.areas.append((area, rows))

    def clean_assessed_on(self) -> datetime.date:
        assessed_on = self.cleaned_data["assessed_on"]
        if assessed_on > timezone.localdate():
            raise forms.ValidationError("The date of the assessment must be today or in the past")
        return assessed_on

    def scores(self) -> dict[int, ScoreGiven]:
        """The scores as the service takes them, by need."""
        given = {}
        for _area, rows in self.areas:
            for need, _score, _comment in rows:
                value = self.cleaned_data[f"score_{need.pk}"]
                given[need.pk] = ScoreGiven(
                    value=None if value == NOT_ANSWERED else int(value),
                    comment=self.cleaned_data.get(f"comment_{need.pk}", ""),
                )
        return given

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        scored = [data.get(f"score_{need.pk}") for _area, rows in self.areas for need, _s, _c in rows]
        if scored and all(value == NOT_ANSWERED for value in scored):
            raise forms.ValidationError("Record a score for at least one need: every need is marked “Not answered”")
        return data


def _kind_label(kind: str) -> str:
    return {
        AssessmentKind.START: "Start assessment: the first, as support begins",
        AssessmentKind.REVIEW: "Review: how things are going now",
        AssessmentKind.END: "End assessment: as support ends",
    }[kind]


MONTH = re.compile(r"^(\d{4})-(\d{1,2})$", re.ASCII)


class MonthField(forms.Field):
    """A month and year, as a browser's month box sends it ("2025-04"); a date (the first of the month) once clean."""

    widget = forms.TextInput(attrs={"type": "month", "class": "input input--month"})

    def __init__(self, *args: Any, what: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.what = what
        self.error_messages["required"] = f"Enter the {what} month"

    def to_python(self, value: Any) -> datetime.date | None:
        text = str(value or "").strip()
        if not text:
            return None
        match = MONTH.match(text) if len(text) <= 20 else None
        if not match:
            raise forms.ValidationError(f"Enter the {self.what} month as a year and month, for example 2025-04")
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12 or not 2000 <= year <= 9999:
            raise forms.ValidationError(f"Enter the {self.what} month as a real month, for example 2025-04")
        return datetime.date(year, month, 1)

    def prepare_value(self, value: Any) -> Any:
        return f"{value:%Y-%m}" if isinstance(value, datetime.date) else value


class ReportPeriodForm(Form):
    """The report's period: whole calendar months that have ended (outcomes.report explains why)."""

    first_month = MonthField(label="First month", what="first", help_text="For example 2025-04 for April 2025.")
    last_month = MonthField(label="Last month", what="last", help_text="Both months are included.")

    def __init__(self, *args: Any, today: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, last = data.get("first_month"), data.get("last_month")
        latest = report.last_complete_month(self.today)
        if last and last > latest:
            self.add_error(
                "last_month",
                f"The last month must have ended: choose {latest:%B %Y} or earlier",
            )
        elif first and last:
            if last < first:
                self.add_error("last_month", "The last month must be the same as the first month or after it")
            elif report.months_between(first, last) > report.MAX_MONTHS:
                self.add_error("first_month", "Choose a period of 10 years or less")
        return data

    def period(self) -> report.ReportPeriod:
        return report.ReportPeriod(self.cleaned_data["first_month"], self.cleaned_data["last_month"])


class DraftForm(Form):
    """Everything about a draft on one page: each area and need (words, order, removal), one new need per area,
    one new area with its first need, the words of the scale's points, and how often reviews are due."""

    review_interval_days = forms.IntegerField(
        label="Days between reviews",
        min_value=MIN_REVIEW_DAYS,
        max_value=MAX_REVIEW_DAYS,
        help_text="A review is due this many days after the last assessment (183 days is about 6 months). "
        "It applies to assessments made on this version.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter the number of days between reviews",
            "invalid": "Enter the days between reviews as a whole number, like 183",
            "min_value": f"Reviews must be at least {MIN_REVIEW_DAYS} days apart",
            "max_value": f"Reviews must be at most {MAX_REVIEW_DAYS} days apart",
        },
    )

    def __init__(self, *args: Any, version: FrameworkVersion, scale_fixed: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        self.scale_fixed = scale_fixed
        self.fields["review_interval_days"].initial = version.review_interval_days
        points = {point.value: point.anchor for point in version.scale_points.all()}
        count = len(points) if scale_fixed else MAX_POINTS
        self.point_fields = []
        for value in range(1, count + 1):
            name = f"point_{value}"
            self.fields[name] = forms.CharField(
                label=f"Point {value}",
                max_length=120,
                required=scale_fixed or value <= MIN_POINTS,
                initial=points.get(value, ""),
                error_messages={"required": f"Enter the words for point {value} of the scale"},
            )
            self.point_fields.append(self[name])
        self.area_rows: list[dict[str, Any]] = []
        areas = list(version.areas.all())
        for index, area in enumerate(areas, start=1):
            prefix = f"area_{area.pk}"
            self._text(f"{prefix}_title", "Name of the area", 80, area.title, required=True)
            self._text(f"{prefix}_description", "Description (optional)", 300, area.description)
            self._position(f"{prefix}_position", "Place of the area in the framework", index)
            self.fields[f"{prefix}_remove"] = forms.BooleanField(label=f"Remove “{area.title}”", required=False)
            needs = []
            for need_index, need in enumerate(area.needs.all(), start=1):
                need_prefix = f"need_{need.pk}"
                self._text(f"{need_prefix}_title", f"Need {need_index}", 80, need.title, required=True)
                self._text(f"{need_prefix}_prompt", "Question to the family (optional)", 300, need.prompt)
                self._position(f"{need_prefix}_position", f"Place of need {need_index} in the list", need_index)
                self.fields[f"{need_prefix}_remove"] = forms.BooleanField(
                    label=f"Remove “{need.title}”", required=False
                )
                needs.append(
                    {"need": need, "fields": self._bound(need_prefix, "title", "prompt", "position", "remove")}
                )
            self._text(f"{prefix}_new_title", "Add a need (optional)", 80, "")
            self._text(f"{prefix}_new_prompt", "Its question to the family (optional)", 300, "")
            self.area_rows.append(
                {
                    "area": area,
                    "fields": self._bound(prefix, "title", "description", "position", "remove"),
                    "needs": needs,
                    "new_need": self._bound(prefix, "new_title", "new_prompt"),
                }
            )
        self._text("new_area_title", "Name of a new area (optional)", 80, "")
        self._text("new_area_description", "Its description (optional)", 300, "")
        self._text("new_area_need_title", "Its first need", 80, "")
        self._text("new_area_need_prompt", "That need's question to the family (optional)", 300, "")
        self.new_area = self._bound("new_area", "title", "description", "need_title", "need_prompt")

    def _text(self, name: str, label: str, limit: int, initial: str, *, required: bool = False) -> None:
        self.fields[name] = forms.CharField(
            label=label,
            max_length=limit,
            required=required,
            initial=initial,
            error_messages={"max_length": f"{label.removesuffix(' (optional)')} can be at most {limit} characters"},
        )

    def _position(self, name: str, label: str, initial: int) -> None:
        self.fields[name] = forms.IntegerField(
            label=label,
            min_value=1,
            max_value=99,
            initial=initial,
            widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input--width-3"}),
            error_messages={
                "required": "Enter a number for the order, like 1",
                "invalid": "Enter the order as a whole number, like 1",
                "min_value": "Enter an order from 1 to 99",
                "max_value": "Enter an order from 1 to 99",
            },
        )

    def _bound(self, prefix: str, *names: str) -> dict[str, forms.BoundField]:
        return {name: self[f"{prefix}_{name}"] for name in names}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.scale_fixed:
            anchors = [data.get(f"point_{value}") or "" for value in range(1, MAX_POINTS + 1)]
            while anchors and not anchors[-1].strip():
                anchors.pop()
            for value, anchor in enumerate(anchors, start=1):
                if not anchor.strip() and f"point_{value}" not in self.errors:
                    self.add_error(
                        f"point_{value}", f"Enter the words for point {value}, or remove the points after it"
                    )
        if (data.get("new_area_title") or "").strip() and not (data.get("new_area_need_title") or "").strip():
            self.add_error("new_area_need_title", "Enter the new area's first need: every area needs one")
        elif (data.get("new_area_need_title") or "").strip() and not (data.get("new_area_title") or "").strip():
            self.add_error("new_area_title", "Enter the name of the new area, or leave its first need empty")
        for row in self.area_rows:
            prefix = f"area_{row['area'].pk}"
            if (data.get(f"{prefix}_new_prompt") or "").strip() and not (data.get(f"{prefix}_new_title") or "").strip():
                self.add_error(f"{prefix}_new_title", "Enter the new need, or leave its question empty")
        return data

    def anchors(self) -> list[str]:
        count = len(self.point_fields)
        anchors = [self.cleaned_data.get(f"point_{value}") or "" for value in range(1, count + 1)]
        if not self.scale_fixed:
            while anchors and not anchors[-1].strip():
                anchors.pop()
        return anchors

    def changes(self) -> list[AreaChange]:
        """The areas and needs as the service takes them."""
        data = self.cleaned_data
        areas = []
        for row in self.area_rows:
            area = row["area"]
            prefix = f"area_{area.pk}"
            needs = [
                NeedChange(
                    pk=item["need"].pk,
                    title=data[f"need_{item['need'].pk}_title"],
                    prompt=data.get(f"need_{item['need'].pk}_prompt", ""),
                    position=data[f"need_{item['need'].pk}_position"],
                    remove=data.get(f"need_{item['need'].pk}_remove", False),
                )
                for item in row["needs"]
            ]
            if (data.get(f"{prefix}_new_title") or "").strip():
                needs.append(
                    NeedChange(
                        pk=None,
                        title=data[f"{prefix}_new_title"],
                        prompt=data.get(f"{prefix}_new_prompt", ""),
                        position=99,
                    )
                )
            areas.append(
                AreaChange(
                    pk=area.pk,
                    title=data[f"{prefix}_title"],
                    description=data.get(f"{prefix}_description", ""),
                    position=data[f"{prefix}_position"],
                    remove=data.get(f"{prefix}_remove", False),
                    needs=needs,
                )
            )
        if (data.get("new_area_title") or "").strip():
            areas.append(
                AreaChange(
                    pk=None,
                    title=data["new_area_title"],
                    description=data.get("new_area_description", ""),
                    position=99,
                    needs=[
                        NeedChange(
                            pk=None, title=data["new_area_need_title"], prompt=data.get("new_area_need_prompt", "")
                        )
                    ],
                )
            )
        return areas

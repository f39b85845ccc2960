"""The shape of input about volunteers, supervision and group meetings. Rules live in the services."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.forms import BoundField
from django.utils import timezone

from families.models import Family
from homestart.forms import DateInput, Form
from volunteers.models import MOST_FAMILIES_AT_ONCE
from volunteers.services import AgreedAction, DiscussedFamily

ACTION_ROWS = 3


class VolunteerProfileForm(Form):
    dbs_certificate_number = forms.RegexField(
        label="DBS certificate number",
        regex=r"^[0-9]{12}$",
        required=False,
        help_text="12 digits, from the top right of the certificate.",
        error_messages={"invalid": "Enter the 12-digit DBS certificate number"},
    )
    dbs_issued_on = forms.DateField(label="DBS certificate issue date", required=False, widget=DateInput())
    dbs_renewal_due = forms.DateField(label="DBS renewal due", required=False, widget=DateInput())
    preparation_course_completed_on = forms.DateField(
        label="Preparation course completed", required=False, widget=DateInput()
    )


class AvailabilityForm(Form):
    available_for_new_family = forms.TypedChoiceField(
        label="Is the volunteer available for a new family?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    available_times = forms.CharField(
        label="Days and times free (optional)",
        max_length=200,
        required=False,
        help_text="For example: Tuesday and Thursday mornings.",
    )
    max_families = forms.IntegerField(
        label="Most families at once",
        min_value=1,
        max_value=MOST_FAMILIES_AT_ONCE,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=f"A number from 1 to {MOST_FAMILIES_AT_ONCE}. Most volunteers support one family at a time.",
        error_messages={"invalid": "Enter the most families at once as a number, like 1"},
    )


class SupervisionIntervalForm(Form):
    weeks = forms.IntegerField(
        label="Weeks between supervision sessions",
        min_value=1,
        max_value=52,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text="A volunteer is overdue when their last one-to-one supervision is older than this.",
        error_messages={"invalid": "Enter the number of weeks, like 8"},
    )


class SupervisionForm(Form):
    """A supervision session: general notes, a box per family the volunteer is or was assigned to, and a few
    agreed actions. Built from the volunteer's families, so it works without JavaScript."""

    held_on = forms.DateField(label="Date of the session", widget=DateInput())
    notes = forms.CharField(
        label="General notes (optional)",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        required=False,
        help_text="How the volunteer is getting on: their wellbeing, training, anything not about one family.",
    )

    def __init__(self, *args: Any, families: Sequence[Family], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.families = list(families)
        self.fields["held_on"].initial = timezone.localdate()
        for family in self.families:
            self.fields[f"family_{family.pk}"] = forms.BooleanField(
                label=f"We discussed the {family.family_name} family ({family.reference})", required=False
            )
            self.fields[f"family_{family.pk}_notes"] = forms.CharField(
                label=f"Notes about the {family.family_name} family",
                widget=forms.Textarea(attrs={"rows": 4}),
                max_length=10000,
                required=False,
            )
        family_choices = [("", "Not about one family")] + [
            (str(family.pk), f"The {family.family_name} family") for family in self.families
        ]
        for n in range(1, ACTION_ROWS + 1):
            self.fields[f"action_{n}_text"] = forms.CharField(label=f"Action {n}", max_length=500, required=False)
            self.fields[f"action_{n}_due_on"] = forms.DateField(
                label=f"Action {n} due by", required=False, widget=DateInput()
            )
            self.fields[f"action_{n}_family"] = forms.ChoiceField(
                label=f"Action {n} is about", choices=family_choices, required=False
            )

    def clean_held_on(self) -> Any:
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError("The date of the session must be today or in the past")
        return held_on

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for family in self.families:
            if data.get(f"family_{family.pk}_notes", "").strip() and not data.get(f"family_{family.pk}"):
                self.add_error(
                    f"family_{family.pk}",
                    f"Tick the {family.family_name} family if you discussed them, or clear the notes about them",
                )
        for n in range(1, ACTION_ROWS + 1):
            text, due_on = data.get(f"action_{n}_text", "").strip(), data.get(f"action_{n}_due_on")
            if text and not due_on and f"action_{n}_due_on" not in self.errors:
                self.add_error(f"action_{n}_due_on", f"Enter the date action {n} is due by")
            if due_on and not text:
                self.add_error(f"action_{n}_text", f"Enter action {n}, or clear its due date")
        return data

    @property
    def family_rows(self) -> list[tuple[Family, BoundField, BoundField]]:
        return [(family, self[f"family_{family.pk}"], self[f"family_{family.pk}_notes"]) for family in self.families]

    @property
    def action_rows(self) -> list[tuple[int, BoundField, BoundField, BoundField]]:
        return [
            (n, self[f"action_{n}_text"], self[f"action_{n}_due_on"], self[f"action_{n}_family"])
            for n in range(1, ACTION_ROWS + 1)
        ]

    def discussed(self) -> list[DiscussedFamily]:
        data = self.cleaned_data
        return [
            DiscussedFamily(family=family, notes=data[f"family_{family.pk}_notes"])
            for family in self.families
            if data[f"family_{family.pk}"]
        ]

    def agreed_actions(self) -> list[AgreedAction]:
        data = self.cleaned_data
        by_pk = {str(family.pk): family for family in self.families}
        return [
            AgreedAction(
                text=data[f"action_{n}_text"],
                due_on=data[f"action_{n}_due_on"],
                family=by_pk.get(data[f"action_{n}_family"]),
            )
            for n in range(1, ACTION_ROWS + 1)
            if data[f"action_{n}_text"].strip()
        ]


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class GroupMeetingForm(Form):
    held_on = forms.DateField(label="Date of the meeting", widget=DateInput())
    facilitator = forms.ModelChoiceField(label="Facilitator", queryset=None, empty_label="Choose the facilitator")
    attendees = PersonChoiceField(label="Volunteers who came", queryset=None, widget=forms.CheckboxSelectMultiple)
    topics = forms.CharField(
        label="Topics",
        max_length=500,
        help_text="For example: settling into a new family, sleep routines, training dates.",
    )
    notes = forms.CharField(
        label="Notes (optional)",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10000,
        required=False,
        help_text=(
            "Everyone who came can read these notes. Do not name families or give their postcodes or reference "
            "numbers: talk about one family in one-to-one supervision instead."
        ),
    )

    def __init__(self, *args: Any, facilitators: Any, volunteers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = facilitators
        self.fields["attendees"].queryset = volunteers
        self.fields["held_on"].initial = timezone.localdate()

    def clean_held_on(self) -> Any:
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError("The date of the meeting must be today or in the past")
        return held_on

"""The shape of input about families. Rules live in the services; these check format and required fields."""

import re
import uuid
from typing import Any

from django import forms
from django.utils import timezone

from families.models import AgencyKind, MemberKind, ReferralOutcome, VisitKind
from homestart.forms import DateInput, Form

UK_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


def normalise_postcode(value: str) -> str:
    compact = re.sub(r"\s+", "", value).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def address_field() -> forms.CharField:
    """The family's address, as intake and a later move ask for it."""
    return forms.CharField(
        label="Address",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        error_messages={"required": "Enter the family's address"},
    )


def postcode_field() -> forms.CharField:
    return forms.CharField(
        label="Postcode",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "input--width-10"}),
        error_messages={"required": "Enter the postcode"},
    )


def phone_field() -> forms.CharField:
    return forms.CharField(
        label="Phone number (optional)",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "class": "input--width-20"}),
    )


class ProfessionalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}, {obj.role} ({obj.agency.name})"


class ReferralForm(Form):
    family_name = forms.CharField(
        label="Family name",
        max_length=120,
        help_text="How the family is known, for example Okafor.",
        error_messages={"required": "Enter the family name"},
    )
    address = address_field()
    postcode = postcode_field()
    phone = phone_field()
    preferred_language = forms.CharField(label="Preferred language", max_length=60, initial="English")
    referrer = ProfessionalChoiceField(
        label="Who referred the family?",
        queryset=None,
        required=False,
        empty_label="The family referred themselves",
        help_text="If the professional is not listed, add them to the directory first.",
    )
    health_visitor = ProfessionalChoiceField(
        label="Health visitor (optional)", queryset=None, required=False, empty_label="Not known yet"
    )
    date_received = forms.DateField(label="Date the referral was received", widget=DateInput())
    reasons = forms.CharField(
        label="Reasons for the referral",
        widget=forms.Textarea,
        max_length=4000,
        help_text="What the referrer says the family would like help with.",
    )

    def __init__(self, *args: Any, professionals: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referrer"].queryset = professionals
        self.fields["health_visitor"].queryset = professionals
        self.fields["date_received"].initial = timezone.localdate()

    def clean_postcode(self) -> str:
        postcode = normalise_postcode(self.cleaned_data["postcode"])
        if not UK_POSTCODE.match(postcode):
            raise forms.ValidationError("Enter a real postcode, like PO1 2AB")
        return postcode


class MemberForm(Form):
    kind = forms.ChoiceField(
        label="Adult or child",
        choices=MemberKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose adult or child"},
    )
    first_name = forms.CharField(label="First name", max_length=80)
    last_name = forms.CharField(label="Last name (optional)", max_length=80, required=False)
    relationship = forms.CharField(
        label="Relationship (optional)", max_length=60, required=False, help_text="For example mother, son, carer."
    )
    date_of_birth = forms.DateField(label="Date of birth (needed for children)", required=False, widget=DateInput())
    expected_due_date = forms.DateField(label="Due date", required=False, widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == MemberKind.CHILD and not (data.get("date_of_birth") or data.get("expected_due_date")):
            self.add_error("date_of_birth", "Enter the child's date of birth, or the due date if not born yet")
        dob = data.get("date_of_birth")
        if dob and dob > timezone.localdate():
            self.add_error("date_of_birth", "Date of birth must be today or in the past")
        return data


class BaseMemberFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        filled = [form for form in self.forms if form.has_changed() and not form.cleaned_data.get("DELETE")]
        if not filled:
            raise forms.ValidationError("Enter at least one person in the household")

    @property
    def members(self) -> list[dict[str, Any]]:
        return [form.cleaned_data for form in self.forms if form.has_changed() and form.cleaned_data]


MemberFormSet = forms.formset_factory(MemberForm, formset=BaseMemberFormSet, extra=8, max_num=8, absolute_max=8)
MEMBER_ROWS_SHOWN = 2  # the rest sit behind "Add more people", so the page stays short on a phone


class ReferralDecisionForm(Form):
    outcome = forms.ChoiceField(
        label="Decision",
        error_messages={"required": "Choose accept, waiting list or decline"},
        choices=[
            (ReferralOutcome.ACCEPTED, "Accept: the family will be matched with a volunteer"),
            (ReferralOutcome.WAITING_LIST, "Put on the waiting list"),
            (ReferralOutcome.DECLINED, "Decline"),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason (needed if you decline)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("outcome") == ReferralOutcome.DECLINED and not data.get("reason", "").strip():
            self.add_error("reason", "Enter the reason the referral was declined")
        return data


class VolunteerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        count = len(getattr(obj, "current_assignments", []))
        families = "family" if count == 1 else "families"
        return f"{obj} ({count} {families} now)"


class AssignmentForm(Form):
    volunteer = VolunteerChoiceField(label="Volunteer", queryset=None, empty_label="Choose a volunteer")
    started_on = forms.DateField(label="Start date", widget=DateInput())
    # Set by the page once it has warned about a volunteer (at the most families they will take, say): "Assign
    # anyway" then confirms that volunteer only, never one chosen after the warning was shown.
    confirmed_for = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, volunteers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers
        self.fields["started_on"].initial = timezone.localdate()

    @property
    def confirmed(self) -> bool:
        """Whether the coordinator confirmed the warning about the volunteer now chosen."""
        volunteer = self.cleaned_data.get("volunteer")
        return volunteer is not None and self.cleaned_data.get("confirmed_for") == volunteer.pk


class EndAssignmentForm(Form):
    ended_on = forms.DateField(label="Last day of the assignment", widget=DateInput())
    reason = forms.CharField(label="Reason (optional)", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].initial = timezone.localdate()


class EndSupportForm(Form):
    ended_on = forms.DateField(label="Date support ended", widget=DateInput())
    reason = forms.CharField(
        label="Why is support ending?",
        error_messages={"required": "Enter why support is ending"},
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="For example: goals reached, family moved away, family asked to stop.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].initial = timezone.localdate()


class CoordinatorChoiceForm(Form):
    coordinator = forms.ModelChoiceField(label="Lead coordinator", queryset=None, empty_label="Choose a coordinator")

    def __init__(self, *args: Any, coordinators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = coordinators


class VisitForm(Form):
    visited_on = forms.DateField(label="Date of the visit", widget=DateInput())
    kind = forms.ChoiceField(
        label="Kind of contact", choices=VisitKind.choices, widget=forms.RadioSelect, initial=VisitKind.HOME
    )
    duration_minutes = forms.IntegerField(
        label="How long, in minutes",
        error_messages={
            "required": "Enter how long the visit lasted, in minutes",
            "invalid": "Enter the length of the visit as a number of minutes, like 90",
        },
        min_value=1,
        max_value=720,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text="For example 90 for an hour and a half.",
    )
    note_text = forms.CharField(
        label="Private note (optional)",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        required=False,
        help_text="Private: only you and the family's coordinator can read this.",
    )
    # One key per form shown: the same form sent twice records one visit (services.visit_log). Not required, so a
    # form opened before keys existed still saves (without the protection).
    idempotency_key = forms.UUIDField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": "This form is out of date: open Log a visit again and enter the visit"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visited_on"].initial = timezone.localdate()
        self.fields["idempotency_key"].initial = uuid.uuid4()

    def clean_visited_on(self) -> Any:
        visited_on = self.cleaned_data["visited_on"]
        if visited_on > timezone.localdate():
            raise forms.ValidationError("The date of the visit must be today or in the past")
        return visited_on


class ProfessionalForm(Form):
    name = forms.CharField(label="Full name", max_length=200)
    role = forms.CharField(label="Role", max_length=120, help_text="For example health visitor, GP, social worker.")
    agency_name = forms.CharField(
        label="Organisation", max_length=200, help_text="For example Portsmouth North Health Visiting Team."
    )
    agency_kind = forms.ChoiceField(label="Kind of organisation", choices=AgencyKind.choices)
    email = forms.EmailField(label="Email (optional)", required=False, max_length=254)
    phone = forms.CharField(label="Phone (optional)", max_length=40, required=False)


class FamilySearchForm(Form):
    q = forms.CharField(
        label="Search families",
        max_length=100,
        required=False,
        help_text="Reference number, family name, a person's name or postcode.",
    )


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class FamilyChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"The {obj.family_name} family ({obj.reference})"


class FamilyGroupForm(Form):
    """A family group session: attendance only, with no field for notes about what families said (P10)."""

    held_on = forms.DateField(label="Date of the session", widget=DateInput())
    venue = forms.CharField(label="Venue", max_length=200, help_text="For example: St Mary's Church Hall, Fratton.")
    staff = PersonChoiceField(label="Staff present", queryset=None, required=False, widget=forms.CheckboxSelectMultiple)
    volunteers = PersonChoiceField(
        label="Volunteers present", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    families = FamilyChoiceField(
        label="Families who came",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Attendance only: nothing is recorded about what families say at groups.",
    )

    def __init__(self, *args: Any, staff: Any, volunteers: Any, families: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff
        self.fields["volunteers"].queryset = volunteers
        self.fields["families"].queryset = families
        self.fields["held_on"].initial = timezone.localdate()

    def clean_held_on(self) -> Any:
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError("The date of the session must be today or in the past")
        return held_on

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "staff" in data and "volunteers" in data and not data["staff"] and not data["volunteers"]:
            self.add_error("staff", "Choose the staff or volunteers who were there")
        return data

    @property
    def helpers(self) -> list[Any]:
        return [*self.cleaned_data["staff"], *self.cleaned_data["volunteers"]]


class RetentionHoldForm(Form):
    reason = forms.CharField(
        label="Why must the family's records be kept?",
        error_messages={"required": "Enter the reason for the hold"},
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="For example: a legal claim has been made, or a safeguarding enquiry is still going on.",
    )

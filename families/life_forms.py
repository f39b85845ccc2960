"""The shape of input about a family's changing life: details, health visitor, household, coming back.

Rules live in the services; these check format and required fields and say what is wrong in plain English.
"""

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from families.forms import (
    UK_POSTCODE,
    MemberForm,
    ProfessionalChoiceField,
    address_field,
    normalise_postcode,
    phone_field,
    postcode_field,
)
from families.models import Family, HouseholdMember, MemberKind
from homestart.forms import DateInput, Form


def _not_in_future(value: datetime.date | None, message: str) -> datetime.date | None:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(message)
    return value


class FamilyDetailsForm(Form):
    """How to reach the family: a move to a new address, a new phone number, a corrected language."""

    address = address_field()
    postcode = postcode_field()
    phone = phone_field()
    preferred_language = forms.CharField(
        label="Preferred language", max_length=60, error_messages={"required": "Enter the family's preferred language"}
    )

    def clean_postcode(self) -> str:
        postcode = normalise_postcode(self.cleaned_data["postcode"])
        if not UK_POSTCODE.match(postcode):
            raise forms.ValidationError("Enter a real postcode, like PO1 2AB")
        return postcode

    @classmethod
    def initial_for(cls, family: Family) -> dict[str, Any]:
        return {
            "address": family.address,
            "postcode": family.postcode,
            "phone": family.phone,
            "preferred_language": family.preferred_language,
        }


class HealthVisitorForm(Form):
    health_visitor = ProfessionalChoiceField(
        label="Health visitor",
        queryset=None,
        required=False,
        empty_label="Not known",
        help_text="From the scheme's directory. If the health visitor is not listed, add them to the directory first.",
    )

    def __init__(self, *args: Any, professionals: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["health_visitor"].queryset = professionals


class MemberAddForm(MemberForm):
    """A new person in the household: an adult, a child, or a baby on the way (with the due date)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("date_of_birth") and data.get("expected_due_date"):
            self.add_error("expected_due_date", "Enter a date of birth or a due date, not both")
        if data.get("kind") == MemberKind.ADULT and data.get("expected_due_date"):
            self.add_error("expected_due_date", "Only a child not born yet has a due date")
        return data


class MemberEditForm(Form):
    """A correction to someone's record. Whether they are an adult or a child stays as it is."""

    first_name = forms.CharField(label="First name", max_length=80)
    last_name = forms.CharField(label="Last name (optional)", max_length=80, required=False)
    relationship = forms.CharField(
        label="Relationship (optional)", max_length=60, required=False, help_text="For example mother, son, carer."
    )
    date_of_birth = forms.DateField(label="Date of birth", required=False, widget=DateInput())
    expected_due_date = forms.DateField(
        label="Due date",
        required=False,
        widget=DateInput(),
        help_text="For a baby not born yet. Once the baby is born, use “Record the birth” on the family's page.",
    )

    def __init__(self, *args: Any, member: HouseholdMember, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "first_name": member.first_name,
                "last_name": member.last_name,
                "relationship": member.relationship,
                "date_of_birth": member.date_of_birth,
                "expected_due_date": None if member.date_of_birth else member.expected_due_date,
            },
        )
        super().__init__(*args, **kwargs)
        self.member = member
        if member.kind == MemberKind.ADULT:
            del self.fields["expected_due_date"]
            self.fields["date_of_birth"].label = "Date of birth (optional)"
        elif not member.is_unborn:
            del self.fields["expected_due_date"]
            self.fields["date_of_birth"].required = True
            self.fields["date_of_birth"].error_messages["required"] = "Enter the child's date of birth"
        else:
            del self.fields["date_of_birth"]
            self.fields["expected_due_date"].required = True
            self.fields["expected_due_date"].error_messages["required"] = "Enter the due date"

    def clean_date_of_birth(self) -> datetime.date | None:
        return _not_in_future(self.cleaned_data["date_of_birth"], "Date of birth must be today or in the past")

    @property
    def dates(self) -> dict[str, datetime.date | None]:
        """The dates to record: a born person's date of birth, or an unborn child's due date (never both)."""
        data = self.cleaned_data
        return {"date_of_birth": data.get("date_of_birth"), "expected_due_date": data.get("expected_due_date")}


class MemberBornForm(Form):
    date_of_birth = forms.DateField(
        label="Date of birth", widget=DateInput(), error_messages={"required": "Enter the baby's date of birth"}
    )
    first_name = forms.CharField(
        label="First name",
        max_length=80,
        help_text="Change it if the baby was recorded before they had a name.",
        error_messages={"required": "Enter the baby's first name"},
    )
    relationship = forms.CharField(
        label="Relationship (optional)", max_length=60, required=False, help_text="For example son or daughter."
    )

    def __init__(self, *args: Any, member: HouseholdMember, **kwargs: Any) -> None:
        relationship = member.relationship if member.relationship.lower() not in ("expected baby", "unborn") else ""
        kwargs.setdefault(
            "initial",
            {"date_of_birth": member.expected_due_date, "first_name": member.first_name, "relationship": relationship},
        )
        super().__init__(*args, **kwargs)

    def clean_date_of_birth(self) -> datetime.date | None:
        return _not_in_future(self.cleaned_data["date_of_birth"], "Date of birth must be today or in the past")


class MemberLeftForm(Form):
    left_on = forms.DateField(
        label="Date they left the household",
        widget=DateInput(),
        error_messages={"required": "Enter the date they left the household"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["left_on"].initial = timezone.localdate()

    def clean_left_on(self) -> datetime.date | None:
        return _not_in_future(self.cleaned_data["left_on"], "The date they left must be today or in the past")


class RereferralForm(Form):
    referrer = ProfessionalChoiceField(
        label="Who referred the family this time?",
        queryset=None,
        required=False,
        empty_label="The family referred themselves",
        help_text="If the professional is not listed, add them to the directory first.",
    )
    date_received = forms.DateField(label="Date the referral was received", widget=DateInput())
    reasons = forms.CharField(
        label="Reasons for the referral",
        widget=forms.Textarea,
        max_length=4000,
        help_text="What the family would like help with now.",
    )

    def __init__(self, *args: Any, professionals: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referrer"].queryset = professionals
        self.fields["date_received"].initial = timezone.localdate()

    def clean_date_received(self) -> datetime.date | None:
        return _not_in_future(self.cleaned_data["date_received"], "The date must be today or in the past")


class DifferentFamilyForm(Form):
    """On a new referral that looks like a family the scheme already knows: the coordinator says it is not them."""

    different_family = forms.BooleanField(
        label="This is a different family: record the new referral",
        required=False,
    )

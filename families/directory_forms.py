"""The shape of input about the agency directory. The rules (who may change it, what may be chosen) are the services'."""

from typing import Any

from django import forms

from families.models import AgencyKind
from homestart.forms import Form


class DirectorySearchForm(Form):
    q = forms.CharField(
        label="Search the directory",
        max_length=100,
        required=False,
        help_text="A name, role, organisation, email address or phone number.",
    )


class AgencyForm(Form):
    name = forms.CharField(label="Name of the organisation", max_length=200)
    kind = forms.ChoiceField(label="Kind of organisation", choices=AgencyKind.choices)
    email = forms.EmailField(label="Email (optional)", required=False, max_length=254)
    phone = forms.CharField(
        label="Phone (optional)",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "class": "input--width-20"}),
    )
    address = forms.CharField(
        label="Address (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Printed on letters to its people, such as the support-agreed notice.",
    )


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} (retired)" if obj.retired_on else obj.name


class ProfessionalEditForm(Form):
    name = forms.CharField(label="Full name", max_length=200)
    role = forms.CharField(label="Role", max_length=120, help_text="For example health visitor, GP, social worker.")
    agency = AgencyChoiceField(
        label="Organisation",
        queryset=None,
        empty_label=None,
        help_text="Moved to another organisation? Choose it here. A new one is added with “Add a professional”.",
    )
    email = forms.EmailField(label="Email (optional)", required=False, max_length=254)
    phone = forms.CharField(
        label="Phone (optional)",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "class": "input--width-20"}),
    )

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class RetireForm(Form):
    """Retiring asks for confirmation only: the page says what will happen, the button confirms it."""

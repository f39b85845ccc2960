"""The shape of the scheme's settings: its letterhead and how often supervision is due. Rules are the service's."""

from django import forms

from homestart.forms import Form


class SchemeSettingsForm(Form):
    name = forms.CharField(
        label="Name of the scheme",
        max_length=200,
        help_text="As it is printed at the top of every letter, for example Home-Start Portsmouth.",
    )
    address = forms.CharField(
        label="Address",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One line for each part of the address, with the postcode on the last line.",
    )
    phone = forms.CharField(
        label="Phone (optional)",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "class": "input--width-20"}),
    )
    email = forms.EmailField(label="Email (optional)", max_length=254, required=False)
    charity_number = forms.RegexField(
        label="Registered charity number (optional)",
        max_length=20,
        required=False,
        regex=r"^[A-Za-z0-9 -]*$",
        widget=forms.TextInput(attrs={"class": "input--width-10"}),
        help_text="For example 1012345, or SC012345 in Scotland. Printed on every letter when it is set.",
        error_messages={"invalid": "Enter the registered charity number using only letters, numbers and spaces"},
    )
    supervision_interval_days = forms.IntegerField(
        label="Days between supervision sessions",
        min_value=7,
        max_value=365,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input--width-10"}),
        help_text="A volunteer whose last one-to-one supervision is older than this is overdue. 56 days is 8 weeks.",
        error_messages={
            "invalid": "Enter the number of days, like 56",
            "min_value": "Enter a number of days from 7 to 365",
            "max_value": "Enter a number of days from 7 to 365",
        },
    )

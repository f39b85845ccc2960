"""The shape of input for agency requests, photographs and consent wordings. Rules live in consents.services."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from consents.models import CONSENTABLE_CATEGORIES, Category, Purpose
from families.forms import ProfessionalChoiceField
from homestart.forms import DateInput, Form

NOTE_MAX = 2000
MAX_PERIOD_DAYS = 366 * 10


class FamilyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.family_name} ({obj.reference})"


class FamilyMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.family_name} ({obj.reference})"


def adult_label(member: Any) -> str:
    return f"{member.full_name} ({member.relationship})" if member.relationship else member.full_name


class AdultChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return adult_label(obj)


def _not_in_future(value: datetime.date, message: str) -> datetime.date:
    if value > timezone.localdate():
        raise forms.ValidationError(message)
    return value


def _in_future(value: datetime.date, message: str) -> datetime.date:
    if value <= timezone.localdate():
        raise forms.ValidationError(message)
    return value


def one_year_from_today() -> datetime.date:
    today = timezone.localdate()
    try:
        return today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        return today + datetime.timedelta(days=365)


# Agency requests --------------------------------------------------------------------------------------------------


class AgencyRequestForm(Form):
    requester = ProfessionalChoiceField(
        label="Who is asking?",
        queryset=None,
        empty_label="Choose the professional",
        help_text="If they are not listed, add them to the directory first.",
        error_messages={"required": "Choose who is asking", "invalid_choice": "Choose someone from the directory"},
    )
    received_on = forms.DateField(
        label="Date the request was received",
        widget=DateInput(),
        error_messages={"invalid": "Enter the date the request was received as a real date"},
    )
    purpose = forms.CharField(
        label="What do they need the information for?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="In the agency's own words, for example “Planning health visitor clinics for next year”.",
        error_messages={"required": "Enter what the agency needs the information for"},
    )
    categories = forms.MultipleChoiceField(
        label="What information do they ask for?",
        choices=CONSENTABLE_CATEGORIES,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. Private notes are never shared.",
        error_messages={
            "required": "Choose at least one kind of information",
            "invalid_choice": "Choose kinds of information from the list",
        },
    )
    identifying = forms.ChoiceField(
        label="Does the request identify a family?",
        choices=[
            ("yes", "Yes: it is about one family, or asks for names, addresses or postcodes"),
            ("no", "No: it asks only for figures, such as how many families we support"),
        ],
        widget=forms.RadioSelect,
        help_text="Nothing that identifies a family is released until the family gives written permission.",
        error_messages={
            "required": "Choose yes if the request identifies a family",
            "invalid_choice": "Choose yes or no",
        },
    )
    family = FamilyChoiceField(
        label="Which family is it about? (only if it identifies a family)",
        queryset=None,
        required=False,
        empty_label="Not about one family",
        error_messages={"invalid_choice": "Choose a family from the list"},
    )
    due_on = forms.DateField(
        label="Date the agency needs an answer by",
        widget=DateInput(),
        error_messages={"required": "Enter the date an answer is due", "invalid": "Enter the due date as a real date"},
    )

    def __init__(self, *args: Any, professionals: Any, families: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requester"].queryset = professionals
        self.fields["family"].queryset = families
        self.fields["received_on"].initial = timezone.localdate()

    def clean_received_on(self) -> datetime.date:
        return _not_in_future(self.cleaned_data["received_on"], "The date received must be today or in the past")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        identifying, family = data.get("identifying"), data.get("family")
        if identifying == "yes" and family is None and "family" not in self.errors:
            self.add_error("family", "Choose the family the request is about")
        if identifying == "no":
            if family is not None:
                self.add_error("family", "A request for figures is not about one family: choose “Not about one family”")
            if Category.CONTACT_DETAILS in data.get("categories", []):
                self.add_error(
                    "categories", "Contact details identify a family: untick them, or answer yes to the question below"
                )
        received, due = data.get("received_on"), data.get("due_on")
        if received and due and due < received:
            self.add_error("due_on", "The due date must be on or after the date the request was received")
        data["identifying"] = identifying == "yes"
        return data


class AskFamilyForm(Form):
    signer = AdultChoiceField(
        label="Who in the family will sign?",
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        help_text="An adult in the household. The letter is addressed to them.",
        error_messages={"required": "Choose who will sign", "invalid_choice": "Choose an adult in this family"},
    )
    review_on = forms.DateField(
        label="Permission lasts until",
        widget=DateInput(),
        help_text="After this date nothing more may be shared under it.",
        error_messages={"required": "Enter the date the permission lasts until", "invalid": "Enter a real date"},
    )

    def __init__(self, *args: Any, adults: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signer"].queryset = adults
        self.fields["review_on"].initial = timezone.localdate() + datetime.timedelta(days=90)

    def clean_review_on(self) -> datetime.date:
        return _in_future(self.cleaned_data["review_on"], "The date the permission lasts until must be in the future")


OUTCOME_LABELS = {
    "fulfilled": "Answered: we gave the agency what it asked for",
    "declined": "Declined: we did not give the agency what it asked for",
}


class CloseRequestForm(Form):
    outcome = forms.ChoiceField(
        label="How did the request end?",
        widget=forms.RadioSelect,
        choices=[],
        error_messages={"required": "Choose answered or declined", "invalid_choice": "Choose answered or declined"},
    )
    note = forms.CharField(
        label="How was it answered, or why was it declined?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=NOTE_MAX,
        help_text="For example: “Figures sent by secure email on 3 March.” or “The family said no.”",
        error_messages={"required": "Enter how the request was answered, or why it was declined"},
    )

    def __init__(self, *args: Any, outcomes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [(outcome, OUTCOME_LABELS[outcome]) for outcome in outcomes]
        if len(outcomes) == 1:
            self.fields["outcome"].initial = outcomes[0]


class FiguresPeriodForm(Form):
    date_from = forms.DateField(
        label="From",
        widget=DateInput(),
        error_messages={
            "required": "Enter the first day of the period",
            "invalid": "Enter the first day as a real date",
        },
    )
    date_to = forms.DateField(
        label="To",
        widget=DateInput(),
        error_messages={"required": "Enter the last day of the period", "invalid": "Enter the last day as a real date"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to:
            if date_to < date_from:
                self.add_error("date_to", "The last day must be on or after the first day")
            elif (date_to - date_from).days > MAX_PERIOD_DAYS:
                self.add_error("date_from", "Choose a period of 10 years or less")
        return data


# Photographs ------------------------------------------------------------------------------------------------------


class PhotoForm(Form):
    event = forms.CharField(
        label="Event",
        max_length=200,
        help_text="For example: Summer picnic at Victoria Park.",
        error_messages={"required": "Enter the event the photograph was taken at"},
    )
    taken_on = forms.DateField(
        label="Date the photograph was taken",
        widget=DateInput(),
        error_messages={"invalid": "Enter the date the photograph was taken as a real date"},
    )
    description = forms.CharField(
        label="What the photograph shows",
        max_length=300,
        help_text="Without naming anyone, for example: Parents and toddlers at the craft table.",
        error_messages={"required": "Enter what the photograph shows"},
    )
    families = FamilyMultipleChoiceField(
        label="Families in the photograph",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select every family someone in the photograph belongs to. Each family will be asked to consent.",
        error_messages={
            "required": "Choose the families in the photograph",
            "invalid_choice": "Choose families from the list",
            "invalid_pk_value": "Choose families from the list",
        },
    )
    image = forms.FileField(
        label="The photograph (optional)",
        required=False,
        help_text="A JPEG or PNG file, up to 10 MB. It is kept privately: only the scheme's coordinators can see it.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
        error_messages={
            "invalid": "Choose a photograph file",
            "empty": "The file is empty: choose the photograph again",
        },
    )

    def __init__(self, *args: Any, families: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["families"].queryset = families
        self.fields["taken_on"].initial = timezone.localdate()

    def clean_taken_on(self) -> datetime.date:
        return _not_in_future(
            self.cleaned_data["taken_on"], "The date the photograph was taken must not be in the future"
        )


class PhotoConsentForm(Form):
    """Print one family's photo consent form: who signs, and until when the consent lasts.

    The adults come already loaded (one query for every family on the page), so the choices are plain values.
    """

    signer = forms.ChoiceField(
        label="Who will sign?",
        widget=forms.RadioSelect,
        choices=[],
        error_messages={"required": "Choose who will sign", "invalid_choice": "Choose an adult in this family"},
    )
    review_on = forms.DateField(
        label="Consent lasts until",
        widget=DateInput(),
        help_text="After this date the photograph stops being usable unless the family renews their consent.",
        error_messages={"required": "Enter the date the consent lasts until", "invalid": "Enter a real date"},
    )

    def __init__(self, *args: Any, adults: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.adults = {str(adult.pk): adult for adult in adults}
        self.fields["signer"].choices = [(key, adult_label(adult)) for key, adult in self.adults.items()]
        self.fields["review_on"].initial = one_year_from_today()
        if len(adults) == 1:
            self.fields["signer"].initial = str(adults[0].pk)

    def clean_signer(self) -> Any:
        return self.adults[self.cleaned_data["signer"]]

    def clean_review_on(self) -> datetime.date:
        return _in_future(self.cleaned_data["review_on"], "The date the consent lasts until must be in the future")


# Wordings ---------------------------------------------------------------------------------------------------------


class WordingForm(Form):
    purpose = forms.ChoiceField(
        label="Which consent is this wording for?",
        choices=Purpose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which consent the wording is for", "invalid_choice": "Choose a consent"},
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="The heading of the letter, for example: Using photographs of your family.",
        error_messages={"required": "Enter the title"},
    )
    body = forms.CharField(
        label="Wording",
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=10000,
        help_text="Plain English, short sentences. Leave a blank line between paragraphs.",
        error_messages={"required": "Enter the wording"},
    )

"""The shape of input about consents and sharing. The rules (who may sign, what a consent covers) live in the services."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from consents import bases, services
from consents.models import (
    CONSENTABLE_CATEGORIES,
    ConsentMethod,
    ConsentStatus,
    DisclosureMethod,
    Purpose,
)
from families.forms import ProfessionalChoiceField
from homestart.exceptions import ActionNotAllowed
from homestart.forms import DateInput, Form, PersonChoiceField, date_field

REVIEW_AFTER = datetime.timedelta(days=365)


class ConsentForm(Form):
    """A form whose checkbox lists are rendered as labelled checkboxes (templates/consents/_field.html)."""

    template_name = "consents/_form_fields.html"


class ProfessionalMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}, {obj.role} ({obj.agency.name})"


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.relationship})" if obj.relationship else obj.full_name


class ConsentChoiceField(forms.ModelChoiceField):
    SHORT_PURPOSE = {
        Purpose.INFORMATION_EXCHANGE: "Information exchange",
        Purpose.AGENCY_REQUEST: "Permission for an agency's request",
        Purpose.PHOTOGRAPHS: "Photographs",
    }

    def label_from_instance(self, obj: Any) -> str:
        purpose = self.SHORT_PURPOSE.get(obj.purpose, obj.get_purpose_display())
        if obj.status == ConsentStatus.SIGNED:
            return f"{purpose}: signed, review date {obj.review_on:%-d %b %Y}"
        if obj.status == ConsentStatus.AWAITING_SIGNATURE:
            return f"{purpose}: not signed yet (asked {obj.created_at:%-d %b %Y})"
        return f"{purpose}: {obj.get_status_display().lower()}"


class RequestChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"From {obj.requester.agency.name}, received {obj.received_on:%-d %B %Y}: {obj.get_status_display().lower()}"


CoordinatorChoiceField = PersonChoiceField


def _categories_field(label: str, help_text: str) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=CONSENTABLE_CATEGORIES,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
        error_messages={
            "required": "Choose at least one kind of information",
            "invalid_choice": "Choose kinds of information from the list",
        },
    )


def _recipient_field(label: str) -> ProfessionalChoiceField:
    return ProfessionalChoiceField(
        label=label,
        queryset=None,
        empty_label="Choose a person",
        help_text="If the person is not listed, add them to the directory first.",
        error_messages={
            "required": "Choose who the information was shared with",
            "invalid_choice": "Choose a person from the list",
        },
    )


def shared_summary_field(help_text: str) -> forms.CharField:
    """What was shared, in a sentence: the register names kinds of information, never copies of notes (P4)."""
    return forms.CharField(
        label="What was shared, in one sentence",
        max_length=300,
        help_text=help_text,
        error_messages={
            "required": "Enter what was shared, in one sentence",
            "max_length": "Keep it to one sentence: 300 characters at most (you entered %(show_value)d)",
        },
    )


def sharing_method_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="How was it shared?",
        choices=DisclosureMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how it was shared", "invalid_choice": "Choose how it was shared"},
    )


class ConsentRequestForm(ConsentForm):
    """Ask a family for an information-exchange consent: its scope is fixed when the letter is printed."""

    signer = MemberChoiceField(
        label="Who will sign the letter?",
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        help_text="An adult who lives in the family's home.",
        error_messages={
            "required": "Choose who will sign the letter",
            "invalid_choice": "Choose an adult from the list",
        },
    )
    recipients = ProfessionalMultipleChoiceField(
        label="Who may the information be shared with?",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="The family's referrer and health visitor are ticked already. Untick anyone the family does not agree to.",
        error_messages={
            "required": "Choose at least one person the information may be shared with",
            "invalid_choice": "Choose people from the list",
            "invalid_pk_value": "Choose people from the list",
        },
    )
    categories = _categories_field(
        "What may be shared?", "Tick only what the family agrees to. Private notes are never shared."
    )
    review_on = date_field(
        "Review date",
        "Enter the review date",
        "The consent lapses after this date unless the family renews it. Usually one year from today.",
    )

    def __init__(self, *args: Any, adults: Any, professionals: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signer"].queryset = adults
        self.fields["recipients"].queryset = professionals
        self.fields["review_on"].initial = timezone.localdate() + REVIEW_AFTER


class ConsentSignedForm(ConsentForm):
    """The signed letter came back: the scan or photo is the evidence (P5)."""

    scan = forms.FileField(
        label="Scan or photo of the signed letter",
        help_text="A PDF, JPEG or PNG file, up to 10 MB. Every page of the letter, with the signature readable.",
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
        error_messages={
            "required": "Choose the file of the signed letter",
            "missing": "Choose the file of the signed letter",
            "invalid": "Choose the file of the signed letter",
            "empty": "The file is empty. Scan or photograph the letter again",
        },
    )
    signed_on = date_field("Date signed", "Enter the date the letter was signed", "As written next to the signature.")
    method = forms.ChoiceField(
        label="How did you capture the signed letter?",
        choices=[
            (ConsentMethod.SCANNED_LETTER, "Scanned"),
            (ConsentMethod.PHOTOGRAPHED_LETTER, "Photographed"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose scanned or photographed",
            "invalid_choice": "Choose scanned or photographed",
        },
    )
    received_by = CoordinatorChoiceField(
        label="Who received the signed letter?",
        queryset=None,
        empty_label="Choose a coordinator",
        error_messages={
            "required": "Choose who received the signed letter",
            "invalid_choice": "Choose a coordinator from the list",
        },
    )

    def __init__(self, *args: Any, coordinators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_by"].queryset = coordinators
        self.fields["signed_on"].initial = timezone.localdate()

    def clean_scan(self) -> Any:
        scan = self.cleaned_data["scan"]
        try:
            services.scan_check(scan)  # the service checks again: this only puts the message next to the field
        except ActionNotAllowed as exc:
            raise forms.ValidationError(exc.message) from None
        return scan


class _ConsentEndForm(ConsentForm):
    method = forms.ChoiceField(
        label="How did the family tell you?",
        choices=[
            (ConsentMethod.IN_WRITING, "In writing (letter or email)"),
            (ConsentMethod.IN_PERSON, "In person"),
            (ConsentMethod.BY_PHONE, "By phone"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how the family told you",
            "invalid_choice": "Choose how the family told you",
        },
    )
    note = forms.CharField(
        label="Note (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text="Anything the family asked you to record. Do not copy private notes here.",
    )


class ConsentRefusedForm(_ConsentEndForm):
    refused_on = date_field("Date the family said no", "Enter the date the family said no")
    field_order = ["refused_on", "method", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["refused_on"].initial = timezone.localdate()


class ConsentWithdrawForm(_ConsentEndForm):
    withdrawn_on = date_field("Date the family withdrew their consent", "Enter the date the family withdrew")
    field_order = ["withdrawn_on", "method", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["withdrawn_on"].initial = timezone.localdate()


class DisclosureForm(ConsentForm):
    """Information shared with another organisation, and the lawful basis it was shared on (P1, P3, P6)."""

    recipient = _recipient_field("Who was the information shared with?")
    categories = _categories_field(
        "What was shared?", "Only these kinds of information can be shared. Private notes never are."
    )
    summary = shared_summary_field(
        "For example: told the health visitor that weekly visits continue. No private detail."
    )
    method = sharing_method_field()
    disclosed_on = date_field("Date shared", "Enter the date it was shared")
    basis = forms.ChoiceField(
        label="On what basis was it shared?",
        # Only the bases this page records: a safeguarding referral is recorded from its concern, where the order of
        # the steps is checked.
        choices=bases.register_choices,
        widget=forms.RadioSelect,
        help_text="Nothing about a family leaves the scheme without one of these.",
        error_messages={
            "required": "Choose the basis it was shared on",
            "invalid_choice": "Choose the basis it was shared on",
        },
    )
    consent = ConsentChoiceField(
        label="The family's consent",
        queryset=None,
        required=False,
        empty_label="Choose a consent",
        help_text="If the basis is the family's signed consent.",
        error_messages={"invalid_choice": "Choose one of the family's consents"},
    )
    agency_request = RequestChoiceField(
        label="The agency's request",
        queryset=None,
        required=False,
        empty_label="Choose a request",
        help_text="If the basis is an agency's request that the family gave written permission for.",
        error_messages={"invalid_choice": "Choose one of the requests about this family"},
    )

    def __init__(self, *args: Any, professionals: Any, consents: Any, requests: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = professionals
        self.fields["consent"].queryset = consents
        self.fields["agency_request"].queryset = requests
        self.fields["disclosed_on"].initial = timezone.localdate()


class DecisionForm(ConsentForm):
    """A decision not to share, with its reason (information-sharing golden rule 7)."""

    recipient = _recipient_field("Who asked, or who were you thinking of sharing with?")
    categories = _categories_field("What was not shared?", "The kinds of information the decision is about.")
    reason = forms.CharField(
        label="Why did you decide not to share?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="For example: the family has not consented, and there is no safeguarding concern.",
        error_messages={"required": "Enter why you decided not to share"},
    )
    decided_on = date_field("Date of the decision", "Enter the date of the decision")

    def __init__(self, *args: Any, professionals: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = professionals
        self.fields["recipient"].error_messages["required"] = "Choose who the decision is about"
        self.fields["decided_on"].initial = timezone.localdate()


class SupportAgreedForm(ConsentForm):
    method = forms.ChoiceField(
        label="How will you send the notices?",
        choices=[(DisclosureMethod.LETTER, "By post"), (DisclosureMethod.SECURE_EMAIL, "By secure email")],
        widget=forms.RadioSelect,
        help_text="You download the letters on the next page, to post or attach to a secure email.",
        error_messages={
            "required": "Choose how you will send the notices",
            "invalid_choice": "Choose how you will send the notices",
        },
    )


class RegisterFilterForm(ConsentForm):
    """Filters for the disclosure register. Every field is optional; a bad value is reported and ignored."""

    date_from = forms.DateField(
        label="From",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "The ‘from’ date must be a real date"},
    )
    date_to = forms.DateField(
        label="To", required=False, widget=DateInput(), error_messages={"invalid": "The ‘to’ date must be a real date"}
    )
    agency = forms.ModelChoiceField(
        label="Organisation",
        queryset=None,
        required=False,
        empty_label="Any organisation",
        error_messages={"invalid_choice": "Choose an organisation from the list"},
    )
    basis = forms.ChoiceField(
        label="Basis",
        required=False,
        choices=lambda: [("", "Any basis"), *bases.choices()],
        error_messages={"invalid_choice": "Choose a basis from the list"},
    )
    shared = forms.ChoiceField(
        label="Shared or not",
        required=False,
        choices=[("", "Shared and not shared"), ("yes", "Shared"), ("no", "Decided not to share")],
        error_messages={"invalid_choice": "Choose shared or not shared from the list"},
    )

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The ‘to’ date must be the same as or after the ‘from’ date")
        return data

    def filters(self) -> dict[str, Any]:
        """The filters that were entered correctly (the page still answers when one is wrong)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {key: value for key, value in data.items() if value not in (None, "")}

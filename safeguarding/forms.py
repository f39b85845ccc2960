"""The shape of input about safeguarding concerns. The order of the steps and who may take them live in the services."""

from typing import Any

from django import forms
from django.utils import timezone

from consents.forms import shared_summary_field, sharing_method_field
from consents.models import CONSENTABLE_CATEGORIES
from families.forms import ProfessionalChoiceField
from homestart.forms import Form, PersonChoiceField, date_field
from safeguarding.models import ConcernCategory, Decision

TEXT_LIMIT = 10_000


def _text_field(label: str, required_message: str, help_text: str = "", rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
        error_messages={
            "required": required_message,
            "max_length": f"Keep it under {TEXT_LIMIT:,} characters (you entered %(show_value)d)",
        },
    )


class ChildChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        if obj.date_of_birth:
            return f"{obj.full_name} (born {obj.date_of_birth:%-d %B %Y})"
        if obj.expected_due_date:
            return f"Unborn baby (due {obj.expected_due_date:%-d %B %Y})"
        return obj.full_name


class DangerForm(Form):
    """The first question, before anything else: is a child in immediate danger?"""

    immediate_danger = forms.TypedChoiceField(
        label="Is a child in immediate danger?",
        choices=[("yes", "Yes, a child is in danger now"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Answer the question: is a child in immediate danger?",
            "invalid_choice": "Answer the question: is a child in immediate danger?",
        },
    )


class ConcernForm(Form):
    """What was seen or heard, about which children, and when. Quick to fill in on a phone."""

    children = ChildChoiceField(
        label="Which children is it about?",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={
            "required": "Choose which children the concern is about",
            "invalid_choice": "Choose children from the list",
            "invalid_pk_value": "Choose children from the list",
        },
    )
    category = forms.ChoiceField(
        label="What kind of concern is it?",
        choices=ConcernCategory.choices,
        widget=forms.RadioSelect,
        help_text="If you are not sure, choose the closest or “Other”.",
        error_messages={
            "required": "Choose what kind of concern it is",
            "invalid_choice": "Choose what kind of concern it is",
        },
    )
    account = _text_field(
        "What did you see or hear?",
        "Enter what you saw or heard",
        "In your own words, as exactly as you can: what was said, by whom, what you saw. Facts, not opinions.",
        rows=8,
    )
    observed_on = date_field("When did it happen?", "Enter the date it happened")
    observed_time = forms.TimeField(
        label="Time (optional)",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="For example 14:30.",
        error_messages={"invalid": "Enter the time as hours and minutes, for example 14:30"},
    )

    def __init__(self, *args: Any, children: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["children"].queryset = children
        if not children.exists():
            # No child recorded yet (an unborn baby not entered, say): the concern must not wait for the records.
            self.fields["children"].required = False
            self.fields["children"].help_text = "No children are recorded for this family. Say who in your account."
        self.fields["observed_on"].initial = timezone.localdate()


class ReviewForm(Form):
    notes = _text_field(
        "Review notes",
        "Enter your review notes",
        "What you have checked and your first assessment. Only safeguarding leads and the family's coordinator read this.",
    )
    urgent = forms.BooleanField(
        label="Treat this concern as urgent", required=False, help_text="An urgent concern may be referred at once."
    )
    occurred_on = date_field("Date of the review", "Enter the date of the review")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate()


class DiscussionForm(Form):
    occurred_on = date_field("Date of the discussion", "Enter the date of the discussion")
    participants = forms.CharField(
        label="Who took part?",
        max_length=300,
        help_text="For example: mother, father, the coordinator.",
        error_messages={
            "required": "Enter who took part",
            "max_length": "Keep it to 300 characters (you entered %(show_value)d)",
        },
    )
    what_was_said = _text_field("What was said?", "Enter what was said")
    family_response = _text_field("How did the family respond?", "Enter how the family responded")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate()


class NoDiscussionForm(Form):
    reason = _text_field(
        "Why would discussing it with the family first put the child at greater risk?",
        "Enter the reason",
        "For example: the concern is about sexual abuse by a parent, or the family may flee or harm the child.",
    )
    occurred_on = date_field("Date of this decision", "Enter the date of the decision")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate()


class DecisionForm(Form):
    decision = forms.ChoiceField(
        label="What is the decision?",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the decision", "invalid_choice": "Choose the decision"},
    )
    reason = _text_field("Reasons for the decision", "Enter the reasons for the decision")
    occurred_on = date_field("Date of the decision", "Enter the date of the decision")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate()


class ReferralForm(Form):
    recipient = ProfessionalChoiceField(
        label="Who was the referral made to?",
        queryset=None,
        empty_label="Choose a person",
        help_text="The person at children's social care (MASH) or the police. If they are not listed, add them first.",
        error_messages={
            "required": "Choose who the referral was made to",
            "invalid_choice": "Choose a person from the list",
        },
    )
    reference_number = forms.CharField(
        label="Their reference number (optional)",
        max_length=60,
        required=False,
        error_messages={"max_length": "Keep the reference to 60 characters (you entered %(show_value)d)"},
    )
    what_was_shared = shared_summary_field(
        "For example: the concern as recorded, the children's names and dates of birth, the address."
    )
    categories = forms.MultipleChoiceField(
        label="What else was shared, besides the concern? (optional)",
        choices=CONSENTABLE_CATEGORIES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="The concern itself is always recorded as shared. Private notes are never shared.",
        error_messages={"invalid_choice": "Choose kinds of information from the list"},
    )
    method = sharing_method_field()
    referred_on = date_field("Date of the referral", "Enter the date of the referral")

    def __init__(self, *args: Any, professionals: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = professionals
        self.fields["referred_on"].initial = timezone.localdate()


class FollowUpForm(Form):
    action = forms.CharField(
        label="What needs to be done?",
        max_length=300,
        error_messages={
            "required": "Enter what needs to be done",
            "max_length": "Keep it to 300 characters (you entered %(show_value)d)",
        },
    )
    owner = PersonChoiceField(
        label="Who will do it?",
        queryset=None,
        empty_label="Choose a person",
        error_messages={"required": "Choose who will do it", "invalid_choice": "Choose a person from the list"},
    )
    due_on = date_field("Due by", "Enter the date it is due by")

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class FollowUpDoneForm(Form):
    done_on = date_field("Date done", "Enter the date it was done")
    notes = _text_field("What came of it? (optional)", "Enter what came of it", rows=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["notes"].required = False
        self.fields["done_on"].initial = timezone.localdate()


class CloseForm(Form):
    outcome = _text_field("Outcome", "Enter the outcome", "What happened, and why the concern can be closed.")
    occurred_on = date_field("Date closed", "Enter the date the concern was closed")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate()

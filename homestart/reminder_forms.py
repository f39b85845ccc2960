"""A person's choice, for each kind of reminder their role gets, of how often it comes: shape of input only."""

from typing import Any

from django import forms

from homestart import reminders
from homestart.forms import Form


def field_name(kind: reminders.Kind) -> str:
    """The form field of a kind (a kind's name has a dot, which makes an awkward HTML id)."""
    return kind.name.replace(".", "__")


class ReminderPreferencesForm(Form):
    """One set of radios per kind: every day, once a week, or (for the optional kinds only) never."""

    def __init__(self, *args: Any, kinds: list[reminders.Kind], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        for kind in kinds:
            choices = reminders.frequencies(kind)
            labels = [label.lower() for _value, label in choices]
            allowed = f"{', '.join(labels[:-1])} or {labels[-1]}"
            self.fields[field_name(kind)] = forms.ChoiceField(
                label=kind.label,
                choices=choices,
                widget=forms.RadioSelect,
                help_text="" if kind.optional else "Always sent, because it cannot wait: choose how often.",
                error_messages={
                    "required": f"Choose how often you get “{kind.label}”",
                    "invalid_choice": f"Choose {allowed} for “{kind.label}”",
                },
            )

    def choices(self) -> dict[str, str]:
        """The cleaned choices by kind name, for ``services.reminder_preferences_set``."""
        return {kind.name: self.cleaned_data[field_name(kind)] for kind in self.kinds}

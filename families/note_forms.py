"""The shape of a private note without a visit, and of a correction to a note. Rules live in the services."""

from django import forms

from homestart.forms import Form

NOTE_MAX_LENGTH = 10000


class NoteForm(Form):
    text = forms.CharField(
        label="Private note",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=NOTE_MAX_LENGTH,
        error_messages={"required": "Enter the note"},
        help_text="Private: only you and the family's coordinator can read this.",
    )


class NoteCorrectionForm(Form):
    text = forms.CharField(
        label="Your correction",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=NOTE_MAX_LENGTH,
        error_messages={"required": "Enter the correction"},
        help_text="Say what was wrong and what is right.",
    )

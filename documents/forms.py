"""The shape of what an administrator sends about a scheme document. The rules (one of each kind, a real PDF) are the
services'; these forms only say what is missing or too long, next to the field."""

from typing import Any

from django import forms

from documents.models import DocumentKind, VersionSource
from documents.services import MAX_TEXT_LENGTH, MAX_TITLE_LENGTH
from homestart.forms import Form

TEXT_HELP = (
    "Leave a blank line between paragraphs. Start a line with # for a heading, and each line of a list with a dash "
    "and a space (- like this). Plain English, short sentences: families read it."
)


class VersionForm(Form):
    """A version's content: written here, or an uploaded PDF."""

    source = forms.ChoiceField(
        label="How will you add this version?",
        choices=[(VersionSource.WRITTEN, "Write the text here"), (VersionSource.UPLOADED, "Upload a PDF")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether to write the text here or upload a PDF",
            "invalid_choice": "Choose whether to write the text here or upload a PDF",
        },
    )
    body = forms.CharField(
        label="The text",
        required=False,
        strip=False,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=TEXT_HELP + " It is turned into a PDF, with the scheme's letterhead, when you publish it.",
        error_messages={"max_length": f"The text can be at most {MAX_TEXT_LENGTH:,} characters. Upload a PDF instead"},
    )
    file = forms.FileField(
        label="The PDF file",
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text="A PDF file, up to 10 MB. It is published exactly as it is.",
        error_messages={
            "invalid": "Choose the PDF file of the document",
            "missing": "Choose the PDF file of the document",
            "empty": "The file is empty. Choose the PDF of the document",
        },
    )

    def __init__(self, *args: Any, has_file: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.has_file = has_file
        if has_file:
            self.fields["file"].label = "A new PDF (optional)"
            self.fields["file"].help_text = "Leave this empty to keep the PDF already uploaded. Up to 10 MB."

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        source = cleaned.get("source")
        if source == VersionSource.WRITTEN and not (cleaned.get("body") or "").strip() and "body" not in self.errors:
            self.add_error("body", "Enter the text of the document")
        if (
            source == VersionSource.UPLOADED
            and not cleaned.get("file")
            and not self.has_file
            and "file" not in self.errors
        ):
            self.add_error("file", "Choose the PDF file of the document")
        return cleaned


class DocumentForm(VersionForm):
    """A new document: what it is, and its first version."""

    kind = forms.ChoiceField(
        label="What document is it?",
        choices=DocumentKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what document it is", "invalid_choice": "Choose what document it is"},
    )
    title = forms.CharField(
        label="Title (for another document)",
        required=False,
        max_length=MAX_TITLE_LENGTH,
        help_text="As families will see it, for example: Volunteer expenses policy.",
        error_messages={"max_length": f"Enter a title of at most {MAX_TITLE_LENGTH} characters"},
    )

    field_order = ["kind", "title", "source", "body", "file"]

    def __init__(self, *args: Any, taken: set[str] | frozenset[str] = frozenset(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A kind the scheme already has is offered as a new version of it, from its own page, not here.
        self.fields["kind"].choices = [(value, label) for value, label in DocumentKind.choices if value not in taken]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("kind") == DocumentKind.OTHER and not (cleaned.get("title") or "").strip():
            if "title" not in self.errors:
                self.add_error("title", "Enter the title of the document")
        return cleaned

"""Scheme documents: the policies and notices a scheme promises families (P13), each kept as numbered versions.

A document (the scheme's confidentiality policy, say) has versions. A version starts as a draft, which only the
scheme's administrators see and may change; publishing gives it the next number and makes it the one in force from
that moment. The version before stays on record, unchanged (a trigger refuses any change to a published version on
PostgreSQL), so a letter that named "version 2" can always be matched with what version 2 said. Which version is in
force is never stored: it is the document's latest published one (``documents.selectors.in_force``).

The PDF of every published version is kept in the private file store: an uploaded PDF as it was uploaded, a
version written here as it was rendered when it was published, so its bytes (and SHA-256) never change afterwards.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q

from homestart.models import Scheme
from homestart.storage import private_storage


class DocumentKind(models.TextChoices):
    """The documents families are promised, in the order letters and the public page list them."""

    CONFIDENTIALITY = "confidentiality", "Confidentiality policy"
    SAFEGUARDING = "safeguarding", "Safeguarding policy"
    PRIVACY = "privacy", "Privacy notice"
    COMPLAINTS = "complaints", "Complaints procedure"
    OTHER = "other", "Another document"


KIND_ORDER = {value: position for position, value in enumerate(DocumentKind.values)}


class SchemeDocument(models.Model):
    """One of a scheme's documents, whatever its versions: at most one of each kind, and any number of others,
    each with its own title."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    title = models.CharField(
        max_length=120, blank=True, help_text="Only for another document: its title, as families will see it."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "kind"], condition=~Q(kind="other"), name="document_one_of_each_kind"
            ),
            models.UniqueConstraint(
                fields=["scheme", "title"], condition=Q(kind="other"), name="document_title_unique"
            ),
            models.CheckConstraint(
                condition=(Q(kind="other") & ~Q(title="")) | (~Q(kind="other") & Q(title="")),
                name="document_title_only_for_another_document",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """What the document is called: "Confidentiality policy", or the title of another document."""
        return self.title or self.get_kind_display()

    @property
    def name_in_sentence(self) -> str:
        """The name inside a sentence ("our confidentiality policy"); another document keeps its own title."""
        return self.title or self.get_kind_display().lower()


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


# The only way a version's status moves (documents.services.version_publish): a published version is final.
VERSION_TRANSITIONS: dict[str, set[str]] = {
    VersionStatus.DRAFT: {VersionStatus.PUBLISHED},
    VersionStatus.PUBLISHED: set(),
}


class VersionSource(models.TextChoices):
    WRITTEN = "written", "Written here"
    UPLOADED = "uploaded", "Uploaded PDF"


class DocumentVersion(models.Model):
    """One version of a scheme document: a draft while it is written, then published, numbered and never changed."""

    document = models.ForeignKey(SchemeDocument, on_delete=models.PROTECT, related_name="versions")
    status = models.CharField(max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    number = models.PositiveIntegerField(null=True, blank=True, help_text="Given when the version is published.")
    source = models.CharField(max_length=16, choices=VersionSource.choices)
    body = models.TextField(
        blank=True, help_text="For a version written here: its text. Paragraphs are separated by a blank line."
    )
    file = models.FileField(
        storage=private_storage,
        upload_to="documents/%Y/%m/",
        blank=True,
        help_text="The PDF: as uploaded, or (written here) as rendered when it was published.",
    )
    size = models.PositiveIntegerField(default=0, help_text="Bytes of the PDF.")
    pages = models.PositiveIntegerField(default=0, help_text="Pages of the PDF.")
    sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was published: in force from then until the next version."
    )

    class Meta:
        ordering = ["-number", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_number_unique"),
            models.UniqueConstraint(
                fields=["document"], condition=Q(status="draft"), name="document_one_draft_at_a_time"
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="draft", number__isnull=True, published_at__isnull=True, published_by__isnull=True)
                    | (
                        Q(status="published", number__isnull=False, published_at__isnull=False)
                        & Q(published_by__isnull=False)
                        & ~Q(file="")
                        & ~Q(sha256="")
                    )
                ),
                name="document_version_published_has_number_date_and_file",
            ),
            models.CheckConstraint(
                condition=(Q(source="written") & ~Q(body="")) | (Q(source="uploaded", body="") & ~Q(file="")),
                name="document_version_has_text_or_file",
            ),
        ]
        indexes = [models.Index(fields=["document", "status", "-number"], name="document_version_status_idx")]
        triggers = [
            # Never edited after publishing, whoever writes: the service refuses it, and so does the database.
            pgtrigger.Protect(
                name="document_version_published_is_final",
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Q(old__status="published"),
            ),
        ]

    def __str__(self) -> str:
        if self.number:
            return f"{self.document.name}, version {self.number}"
        return f"{self.document.name}, draft"

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

"""Consents, the letters that ask for them, agency requests, photographs and the disclosure register.

The confidentiality policy's rules P1-P7 and P11 live in ``consents.services``; these are the tables they write.
A consent's scope (who signs, which wording, which recipients and categories, until when) is fixed when its letter
is printed; what happens to it afterwards is a new ``ConsentEvent``, never an edit.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from consents import bases
from consents.storage import private_storage
from families.models import Family, HouseholdMember, Professional
from homestart.models import Scheme


class Purpose(models.TextChoices):
    INFORMATION_EXCHANGE = "information_exchange", "Information exchange with the referrer and health visitor"
    AGENCY_REQUEST = "agency_request", "Permission for an agency's request"
    PHOTOGRAPHS = "photographs", "Photographs for publicity"


class Category(models.TextChoices):
    """What may be shared about a family. Private notes are deliberately not a category (P4)."""

    SUPPORT_STATUS = "support_status", "Support status (whether Home-Start is supporting the family)"
    CONTACT_DETAILS = "contact_details", "Contact details (names, address, postcode, phone)"
    HOUSEHOLD = "household", "Household (who lives in the family's home)"
    VISIT_SUMMARY = "visit_summary", "Summary of visits (how often and what kind, not what was said)"
    # Shared only on a safeguarding referral (P12), never under a family's consent: see CONSENTABLE_CATEGORIES.
    CONCERN = "safeguarding_concern", "The safeguarding concern (what was seen or heard, and about which children)"


# What a family may be asked to agree to share: everything except a safeguarding concern.
CONSENTABLE_CATEGORIES = [(value, label) for value, label in Category.choices if value != Category.CONCERN]


class ConsentWording(models.Model):
    """One version of the text a family signs for a purpose. Never changed once published: a change is a new version."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="consent_wordings")
    purpose = models.CharField(max_length=24, choices=Purpose.choices)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Plain English. Paragraphs are separated by a blank line.")
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["purpose", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "purpose", "version"], name="wording_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}, version {self.version}"

    @property
    def label(self) -> str:
        return f"{self.scheme.code}-{self.purpose.upper()[:4]}-v{self.version}"


class ConsentStatus(models.TextChoices):
    AWAITING_SIGNATURE = "awaiting_signature", "Waiting for signature"
    SIGNED = "signed", "Signed"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired"


class Consent(models.Model):
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(max_length=24, choices=Purpose.choices)
    wording = models.ForeignKey(ConsentWording, on_delete=models.PROTECT, related_name="consents")
    signer = models.ForeignKey(HouseholdMember, on_delete=models.PROTECT, related_name="consents")
    recipients = models.ManyToManyField(Professional, related_name="consents", blank=True)
    categories = models.JSONField(
        default=list, blank=True, help_text="Category values the family agrees may be shared (none for photographs)."
    )
    agency_request = models.ForeignKey(
        "consents.AgencyRequest", on_delete=models.PROTECT, related_name="consents", null=True, blank=True
    )
    photos = models.ManyToManyField("consents.Photo", related_name="consents", blank=True)
    review_on = models.DateField(help_text="The consent lapses after this date unless renewed.")
    status = models.CharField(max_length=24, choices=ConsentStatus.choices, default=ConsentStatus.AWAITING_SIGNATURE)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(agency_request__isnull=True) | Q(purpose="agency_request"),
                name="consent_request_only_for_agency_purpose",
            ),
        ]
        indexes = [models.Index(fields=["family", "purpose", "status"], name="consent_family_purpose_idx")]

    def __str__(self) -> str:
        return f"Consent #{self.pk} ({self.purpose}) of family {self.family_id}"

    def category_labels(self) -> list[str]:
        return [Category(value).label for value in self.categories if value in Category.values]


class ConsentEventKind(models.TextChoices):
    PRINTED = "printed", "Letter printed"
    SIGNED = "signed", "Signed"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired"


class ConsentMethod(models.TextChoices):
    SCANNED_LETTER = "scanned_letter", "Signed letter, scanned"
    PHOTOGRAPHED_LETTER = "photographed_letter", "Signed letter, photographed"
    IN_WRITING = "in_writing", "In writing (letter or email)"
    IN_PERSON = "in_person", "In person"
    BY_PHONE = "by_phone", "By phone"
    REVIEW_DATE_PASSED = "review_date_passed", "Review date passed"


class SignedScan(models.Model):
    """A scan or photo of a signed letter, kept outside the web root and served only through a checked view."""

    file = models.FileField(storage=private_storage, upload_to="scans/%Y/%m/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Signed scan #{self.pk}"


class ConsentEvent(models.Model):
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=16, choices=ConsentEventKind.choices)
    occurred_on = models.DateField()
    method = models.CharField(max_length=24, choices=ConsentMethod.choices, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    scan = models.OneToOneField(SignedScan, on_delete=models.PROTECT, related_name="event", null=True, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="Empty when the system recorded it (a review date passing).",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"Consent event #{self.pk}: {self.kind}"


class LetterKind(models.TextChoices):
    INFORMATION_EXCHANGE_FORM = "information_exchange_form", "Information-exchange consent form"
    AGENCY_PERMISSION = "agency_permission", "Permission letter for an agency's request"
    PHOTO_CONSENT_FORM = "photo_consent_form", "Photo consent form"
    SUPPORT_AGREED = "support_agreed", "Support-agreed notice"


class Letter(models.Model):
    """A letter the system printed: who printed it, when, and the SHA-256 of the exact PDF."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=32, choices=LetterKind.choices)
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="letters", null=True, blank=True)
    recipient = models.ForeignKey(Professional, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    wording = models.ForeignKey(ConsentWording, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    # The versions of the scheme's documents the letter named, those in force when it was printed (P13).
    documents = models.ManyToManyField("documents.DocumentVersion", related_name="+", blank=True)
    sha256 = models.CharField(max_length=64)
    printed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    printed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-printed_at", "-pk"]

    def __str__(self) -> str:
        return f"Letter #{self.pk} ({self.kind}) for family {self.family_id}"


class RequestStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    FAMILY_ASKED = "family_asked", "Family asked for permission"
    PERMISSION_GIVEN = "permission_given", "Permission given"
    PERMISSION_REFUSED = "permission_refused", "Permission refused"
    FULFILLED = "fulfilled", "Answered"
    DECLINED = "declined", "Declined"


class AgencyRequest(models.Model):
    """An outside agency asking for information: about one family (identifying) or figures (statistical)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="agency_requests")
    requester = models.ForeignKey(Professional, on_delete=models.PROTECT, related_name="agency_requests")
    received_on = models.DateField()
    purpose = models.TextField(help_text="What the agency says it needs the information for.")
    categories = models.JSONField(default=list)
    identifying = models.BooleanField(help_text="Names, postcodes or anything else that identifies a family.")
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="agency_requests", null=True, blank=True)
    due_on = models.DateField()
    status = models.CharField(max_length=24, choices=RequestStatus.choices, default=RequestStatus.RECEIVED)
    outcome_note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Who closed the request (answered or declined) and when; set by the closing service, empty while it is open.
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(identifying=False, family__isnull=True) | Q(identifying=True, family__isnull=False),
                name="request_identifying_names_one_family",
            ),
        ]

    def __str__(self) -> str:
        return f"Agency request #{self.pk}"


class DisclosureBasis(models.TextChoices):
    """This app's own lawful bases. Apps above register theirs in ``consents.bases`` (safeguarding: "safeguarding")."""

    CONSENT = "consent", "The family's signed consent"
    AGENCY_REQUEST = "agency_request", "An agency's request, with the family's written permission"


class DisclosureMethod(models.TextChoices):
    LETTER = "letter", "Letter"
    SECURE_EMAIL = "secure_email", "Secure email"
    PHONE = "phone", "Phone"
    MEETING = "meeting", "Meeting"


class Disclosure(models.Model):
    """One line of the disclosure register: information shared, or a recorded decision not to share."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="disclosures")
    recipient = models.ForeignKey(Professional, on_delete=models.PROTECT, related_name="disclosures")
    shared = models.BooleanField(default=True, help_text="False records a decision not to share, with its reason.")
    categories = models.JSONField(default=list)
    summary = models.CharField(max_length=300, blank=True, help_text="What was shared, in a sentence.")
    reason = models.TextField(blank=True, help_text="Why not, for a decision not to share.")
    method = models.CharField(max_length=16, choices=DisclosureMethod.choices, blank=True)
    disclosed_on = models.DateField()
    # The bases are a registry (consents.bases) that apps above extend, so the field lists no choices; the
    # recording service refuses any basis nobody registered.
    basis = models.CharField(max_length=24, blank=True)
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="disclosures", null=True, blank=True)
    agency_request = models.ForeignKey(
        AgencyRequest, on_delete=models.PROTECT, related_name="disclosures", null=True, blank=True
    )
    reference_number = models.CharField(
        max_length=60, blank=True, help_text="The receiving agency's reference, for a safeguarding referral."
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-disclosed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(shared=False, basis="")
                    | Q(shared=True, basis="consent", consent__isnull=False)
                    | Q(shared=True, basis="agency_request", agency_request__isnull=False)
                    # A basis registered by an app above keeps its evidence on that app's side.
                    | (
                        Q(shared=True, consent__isnull=True, agency_request__isnull=True)
                        & ~Q(basis__in=["", "consent", "agency_request"])
                    )
                ),
                name="disclosure_shared_has_a_basis",
            ),
        ]
        indexes = [models.Index(fields=["family", "-disclosed_on"], name="disclosure_family_date_idx")]

    def __str__(self) -> str:
        return f"Disclosure #{self.pk} about family {self.family_id}"

    @property
    def basis_label(self) -> str:
        """The basis in plain English, from the registry ("" for a decision not to share)."""
        return bases.label(self.basis)

    @property
    def basis_link(self) -> bases.BasisLink | None:
        """How the register shows the basis (text and the evidence's page), or None for a decision not to share."""
        basis = bases.get(self.basis)
        return basis.describe(self) if basis is not None else None


class Photo(models.Model):
    """A photograph from an event, with the families in it. Usable for publicity only under their photo consents."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="photos")
    event = models.CharField(max_length=200)
    taken_on = models.DateField()
    description = models.CharField(max_length=300)
    image = models.FileField(storage=private_storage, upload_to="photos/%Y/%m/", blank=True)
    families = models.ManyToManyField(Family, related_name="photos")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-taken_on", "-pk"]

    def __str__(self) -> str:
        return f"Photo #{self.pk}"

"""Reads of scheme documents: what the person asking may see, and what is in force.

Which version of a document is in force is never stored: it is the document's latest published version, so
publishing a new one changes nothing about the one before (``in_force``).
"""

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse

from documents.models import KIND_ORDER, DocumentVersion, SchemeDocument, VersionStatus
from documents.permissions import can_manage_documents, can_read_documents
from homestart.models import Scheme, User


def ordered(versions: list[DocumentVersion]) -> list[DocumentVersion]:
    """Versions in the order letters and the public page name their documents: by kind, then by title."""
    return sorted(versions, key=lambda v: (KIND_ORDER[v.document.kind], v.document.title.casefold(), v.document_id))


def in_force_queryset(scheme_id: int) -> QuerySet[DocumentVersion]:
    """The versions of the scheme's documents in force now: each document's latest published version, if any."""
    later = DocumentVersion.objects.filter(
        document_id=OuterRef("document_id"), status=VersionStatus.PUBLISHED, number__gt=OuterRef("number")
    )
    return (
        DocumentVersion.objects.filter(document__scheme_id=scheme_id, status=VersionStatus.PUBLISHED)
        .filter(~Exists(later))
        .select_related("document")
    )


def in_force(scheme_id: int) -> list[DocumentVersion]:
    """The versions in force now, in the order letters and the public page name them (one query)."""
    return ordered(list(in_force_queryset(scheme_id)))


def public_page_url(scheme: Scheme) -> str:
    """The full address of the scheme's public documents page, as letters print it ("" when the deployment has not
    said where it is reached, PUBLIC_URL: letters then send families to their coordinator instead)."""
    if not settings.PUBLIC_URL:
        return ""
    return settings.PUBLIC_URL + reverse("scheme_documents", args=[scheme.code.lower()])


def public_page_address(scheme: Scheme) -> str:
    """The address as paper prints it, without "https://" (shorter, and what people type): "" as above."""
    return public_page_url(scheme).removeprefix("https://")


def documents_for_user(user: User) -> list[SchemeDocument]:
    """The documents of the person's scheme, each with its versions the person may see (newest first): every
    version for an administrator; published ones only for a coordinator. Nothing for anyone else."""
    if not can_read_documents(user, user.scheme_id):
        return []
    versions = DocumentVersion.objects.select_related("published_by").order_by("-number", "-pk")
    if not can_manage_documents(user, user.scheme_id):
        versions = versions.filter(status=VersionStatus.PUBLISHED)
    documents = SchemeDocument.objects.filter(scheme_id=user.scheme_id).prefetch_related(
        Prefetch("versions", queryset=versions)
    )
    return sorted(documents, key=lambda d: (KIND_ORDER[d.kind], d.title.casefold(), d.pk))


def get_document_or_404(user: User, pk: int) -> SchemeDocument:
    """A document of the person's scheme: for its administrators, any; for its coordinators, one with a published
    version (a document still only a draft is the administrators' alone). Anything else answers 404."""
    document = SchemeDocument.objects.select_related("scheme").filter(pk=pk, scheme_id=user.scheme_id).first()
    if document is None or not can_read_documents(user, document.scheme_id):
        raise Http404("No such document")
    if (
        not can_manage_documents(user, document.scheme_id)
        and not document.versions.filter(status=VersionStatus.PUBLISHED).exists()
    ):
        raise Http404("No such document")
    return document


def get_version_or_404(user: User, pk: int) -> DocumentVersion:
    """A version of a document of the person's scheme: a published one for whoever may read the scheme's documents,
    a draft only for its administrators. Anything else answers 404, like a version that does not exist."""
    version = (
        DocumentVersion.objects.select_related("document__scheme", "created_by", "published_by")
        .filter(pk=pk, document__scheme_id=user.scheme_id)
        .first()
    )
    if version is None or not can_read_documents(user, version.document.scheme_id):
        raise Http404("No such document")
    if version.is_draft and not can_manage_documents(user, version.document.scheme_id):
        raise Http404("No such document")
    return version


def get_draft_or_404(user: User, pk: int) -> DocumentVersion:
    """A draft of the person's scheme, for its administrators: what may be changed, discarded or published."""
    version = get_version_or_404(user, pk)
    if not version.is_draft or not can_manage_documents(user, version.document.scheme_id):
        raise Http404("No such draft")
    return version


def public_scheme_or_404(code: str) -> tuple[Scheme, list[DocumentVersion]]:
    """The scheme a public address names, with its versions in force. A scheme with nothing published has no
    public page: 404, as for a code that names no scheme, so the page never tells more than what was published."""
    scheme = Scheme.objects.filter(code__iexact=code).only("pk", "name", "code", "charity_number").first()
    if scheme is None:
        raise Http404("No such page")
    versions = in_force(scheme.pk)
    if not versions:
        raise Http404("No such page")
    return scheme, versions


def public_version_or_404(code: str, pk: int) -> DocumentVersion:
    """A published version of a document of the scheme the address names, for anyone. A draft (of this scheme or
    any other) or another scheme's version answers 404, like a version that does not exist."""
    version = (
        DocumentVersion.objects.select_related("document__scheme")
        .filter(pk=pk, status=VersionStatus.PUBLISHED, document__scheme__code__iexact=code)
        .first()
    )
    if version is None:
        raise Http404("No such document")
    return version

"""Who may use the scheme documents pages, and the public page of a scheme's published documents.

Administrators of the scheme write, publish and alone see drafts; its coordinators read what is published (to print
it for a family); volunteers and other schemes' people get 404. The scheme's public page and the downloads of its
published documents are for anyone, signed in or not: the only "public" rows besides the sign-in pages.
"""

from collections.abc import Callable
from typing import Any

ROLES = {"anonymous", "volunteer", "other_volunteer", "coordinator", "other_coordinator", "dsl", "administrator"}
COORDINATORS = {"coordinator", "dsl", "other_coordinator"}
SCHEME_COORDINATORS = {"coordinator", "dsl"}
ADMINISTRATOR = {"administrator"}

# route name -> (methods the view accepts, roles that may use it, what an anonymous visitor gets)
DOCUMENTS_POLICY: dict[str, tuple[set[str], set[str], str]] = {
    "documents:list": ({"get"}, COORDINATORS | ADMINISTRATOR, "login"),  # each their own scheme's
    "documents:new": ({"get", "post"}, ADMINISTRATOR, "login"),
    "documents:detail": ({"get"}, SCHEME_COORDINATORS | ADMINISTRATOR, "login"),
    "documents:draft_new": ({"get", "post"}, ADMINISTRATOR, "login"),
    "documents:draft_edit": ({"get", "post"}, ADMINISTRATOR, "login"),
    "documents:version_pdf": ({"get"}, SCHEME_COORDINATORS | ADMINISTRATOR, "login"),  # a published version
    "documents:publish": ({"get", "post"}, ADMINISTRATOR, "login"),
    "documents:draft_discard": ({"get", "post"}, ADMINISTRATOR, "login"),
    "scheme_documents": ({"get"}, ROLES, "public"),
    "scheme_document_download": ({"get"}, ROLES, "public"),
}

CONFIDENTIALITY_TEXT = (
    "# Our policy on confidentiality\n\nWe respect everything you tell your volunteer.\n\n"
    "- We share only what you agree to.\n- We tell you first if we are worried about a child's safety."
)


def published_and_draft(world: Any) -> tuple[Any, Any]:
    """The world scheme's confidentiality policy: version 1 published, version 2 a draft (made once, then reused)."""
    from documents import services
    from documents.models import DocumentKind, DocumentVersion, VersionStatus

    versions = DocumentVersion.objects.filter(
        document__scheme=world.scheme, document__kind=DocumentKind.CONFIDENTIALITY
    )
    published = versions.filter(status=VersionStatus.PUBLISHED).first()
    draft = versions.filter(status=VersionStatus.DRAFT).first()
    if published is None:
        first = services.document_create(
            scheme=world.scheme,
            kind=DocumentKind.CONFIDENTIALITY,
            source="written",
            body=CONFIDENTIALITY_TEXT,
            actor=world.administrator,
        )
        published = services.version_publish(version=first, actor=world.administrator)
    if draft is None:
        draft = services.draft_start(
            document=published.document,
            source="written",
            body=CONFIDENTIALITY_TEXT + "\n\nA second version.",
            actor=world.administrator,
        )
    return published, draft


def _published(world: Any) -> dict[str, Any]:
    return {"pk": published_and_draft(world)[0].pk}


def _draft(world: Any) -> dict[str, Any]:
    return {"pk": published_and_draft(world)[1].pk}


def _document(world: Any) -> dict[str, Any]:
    return {"pk": published_and_draft(world)[0].document_id}


def _public(world: Any) -> dict[str, Any]:
    published_and_draft(world)
    return {"code": world.scheme.code.lower()}


def _public_download(world: Any) -> dict[str, Any]:
    return {"code": world.scheme.code.lower(), "pk": published_and_draft(world)[0].pk}


DOCUMENTS_ROUTE_ARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "documents:detail": _document,
    "documents:draft_new": _document,
    "documents:draft_edit": _draft,
    "documents:version_pdf": _published,
    "documents:publish": _draft,
    "documents:draft_discard": _draft,
    "scheme_documents": _public,
    "scheme_document_download": _public_download,
}

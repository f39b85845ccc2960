"""Scheme documents: the administrators' pages (add, write or upload, publish), the coordinators' list of what is in
force, and the scheme's public page, which anyone may open without signing in."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from documents import selectors, services
from documents.forms import DocumentForm, VersionForm
from documents.models import DocumentVersion, SchemeDocument, VersionSource, VersionStatus
from documents.pdf import NotAPdf
from documents.permissions import can_manage_documents, can_read_documents
from homestart.decorators import administrator_required, loads, rule_required
from homestart.exceptions import ActionNotAllowed
from homestart.models import User

GET = require_http_methods(["GET"])
GET_POST = require_http_methods(["GET", "POST"])


def _reads_documents(user: User) -> bool:
    return can_read_documents(user, user.scheme_id)


reader_required = rule_required(_reads_documents)


def _posted(request: HttpRequest) -> tuple:
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def _refused(form: VersionForm, exc: ActionNotAllowed) -> None:
    """A refusal from the service, next to the field it is about when there is one."""
    if isinstance(exc, NotAPdf):
        form.add_error("file", exc.message)
    else:
        form.add_service_error(exc.message)


def _filename(version: DocumentVersion) -> str:
    document = version.document
    label = f"version-{version.number}" if version.number else "draft"
    return f"{slugify(document.scheme.name)}-{slugify(document.name)}-{label}.pdf"


def _pdf(version: DocumentVersion, document: bytes | None = None) -> HttpResponse:
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, _filename(version))
    return response


# The administrators' and coordinators' pages ----------------------------------------------------------------------


@GET
@reader_required
def document_list(request: HttpRequest) -> HttpResponse:
    manage = can_manage_documents(request.user, request.user.scheme_id)
    documents = selectors.documents_for_user(request.user)
    for document in documents:
        versions = list(document.versions.all())
        document.draft = next((v for v in versions if v.is_draft), None)
        document.current = next((v for v in versions if v.status == VersionStatus.PUBLISHED), None)
    if not manage:  # a document nothing of which is published yet is the administrators' business
        documents = [document for document in documents if document.current]
    return render(
        request,
        "documents/document_list.html",
        {
            "documents": documents,
            "can_manage": manage,
            "public_url": selectors.public_page_url(request.user.scheme),
            "anything_in_force": any(document.current for document in documents),
        },
    )


@GET_POST
@administrator_required
def document_new(request: HttpRequest) -> HttpResponse:
    taken = {document.kind for document in selectors.documents_for_user(request.user) if document.kind != "other"}
    form = DocumentForm(*_posted(request), taken=taken, initial={"source": VersionSource.WRITTEN})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            draft = services.document_create(
                scheme=request.user.scheme,
                kind=data["kind"],
                title=data["title"],
                source=data["source"],
                body=data["body"],
                upload=data["file"],
                actor=request.user,
            )
        except ActionNotAllowed as exc:
            _refused(form, exc)
        else:
            messages.success(
                request,
                f"The {draft.document.name_in_sentence} is saved as a draft. Only administrators can see it until "
                "you publish it.",
            )
            return redirect("documents:detail", pk=draft.document_id)
    return render(request, "documents/document_new.html", {"form": form, "taken": taken})


@GET
@reader_required
@loads(selectors.get_document_or_404)
def document_detail(request: HttpRequest, document: SchemeDocument) -> HttpResponse:
    manage = can_manage_documents(request.user, document.scheme_id)
    versions = list(
        document.versions.select_related("created_by", "published_by")
        .filter(**({} if manage else {"status": VersionStatus.PUBLISHED}))
        .order_by("-number", "-pk")
    )
    draft = next((v for v in versions if v.is_draft), None)
    published = [v for v in versions if not v.is_draft]
    # Each published version was in force from its publication until the next one's.
    for later, earlier in zip(published, published[1:], strict=False):
        earlier.until = later.published_at
    return render(
        request,
        "documents/document_detail.html",
        {
            "document": document,
            "draft": draft,
            "published": published,
            "current": published[0] if published else None,
            "can_manage": manage,
            "public_url": selectors.public_page_url(document.scheme),
        },
    )


@GET_POST
@administrator_required
@loads(selectors.get_document_or_404)
def draft_new(request: HttpRequest, document: SchemeDocument) -> HttpResponse:
    if not can_manage_documents(request.user, document.scheme_id):
        raise Http404("No such document")
    existing = document.versions.filter(status=VersionStatus.DRAFT).first()
    if existing is not None:
        messages.info(request, "This document already has a draft: change it here, or discard it to start again.")
        return redirect("documents:draft_edit", pk=existing.pk)
    current = document.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()
    initial = {"source": current.source if current else VersionSource.WRITTEN}
    if current is not None and current.source == VersionSource.WRITTEN:
        initial["body"] = current.body  # the next version usually changes a few words of the last
    form = VersionForm(*_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.draft_start(
                document=document, source=data["source"], body=data["body"], upload=data["file"], actor=request.user
            )
        except ActionNotAllowed as exc:
            _refused(form, exc)
        else:
            messages.success(
                request,
                "The new version is saved as a draft. The version in force stays in force until you publish this one.",
            )
            return redirect("documents:detail", pk=document.pk)
    return render(
        request, "documents/version_form.html", {"form": form, "document": document, "current": current, "draft": None}
    )


@GET_POST
@administrator_required
@loads(selectors.get_draft_or_404)
def draft_edit(request: HttpRequest, version: DocumentVersion) -> HttpResponse:
    document = version.document
    has_file = version.source == VersionSource.UPLOADED and bool(version.file)
    form = VersionForm(*_posted(request), has_file=has_file, initial={"source": version.source, "body": version.body})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.draft_update(
                version=version, source=data["source"], body=data["body"], upload=data["file"], actor=request.user
            )
        except ActionNotAllowed as exc:
            _refused(form, exc)
        else:
            messages.success(request, "The draft is saved. It is not published yet.")
            return redirect("documents:detail", pk=document.pk)
    current = document.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()
    return render(
        request,
        "documents/version_form.html",
        {"form": form, "document": document, "current": current, "draft": version},
    )


@GET
@reader_required
@loads(selectors.get_version_or_404)
def version_pdf(request: HttpRequest, version: DocumentVersion) -> HttpResponse:
    """The PDF of a version: published ones for the scheme's coordinators and administrators; a draft (as it would
    print now) for its administrators only."""
    try:
        return _pdf(version, services.version_pdf(version))
    except FileNotFoundError:
        raise Http404("The file of this version is missing") from None


@GET_POST
@administrator_required
@loads(selectors.get_draft_or_404)
def version_publish(request: HttpRequest, version: DocumentVersion) -> HttpResponse:
    """Publish a draft after a page that says what will happen (it cannot be taken back)."""
    document = version.document
    current = document.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()
    error = ""
    if request.method == "POST":
        try:
            published = services.version_publish(version=version, actor=request.user)
        except ActionNotAllowed as exc:
            error = exc.message
        else:
            messages.success(
                request,
                f"Version {published.number} of the {document.name_in_sentence} is published and in force from now. "
                "Letters printed from now on name it, and it is on the scheme's public page.",
            )
            return redirect("documents:detail", pk=document.pk)
    return render(
        request,
        "documents/version_publish.html",
        {
            "document": document,
            "draft": version,
            "current": current,
            "next_number": (current.number + 1) if current else 1,
            "extra_errors": [error] if error else [],
        },
    )


@GET_POST
@administrator_required
@loads(selectors.get_draft_or_404)
def draft_discard(request: HttpRequest, version: DocumentVersion) -> HttpResponse:
    document = version.document
    only_version = not document.versions.exclude(pk=version.pk).exists()
    error = ""
    if request.method == "POST":
        try:
            kept = services.draft_discard(version=version, actor=request.user)
        except ActionNotAllowed as exc:
            error = exc.message
        else:
            messages.success(request, "The draft is discarded. Nothing published has changed.")
            return redirect("documents:detail", pk=kept.pk) if kept else redirect("documents:list")
    return render(
        request,
        "documents/draft_discard.html",
        {
            "document": document,
            "draft": version,
            "only_version": only_version,
            "extra_errors": [error] if error else [],
        },
    )


# The public page ---------------------------------------------------------------------------------------------------


@GET
def public_documents(request: HttpRequest, code: str) -> HttpResponse:
    """The scheme's documents in force, for anyone: its name, its charity number, the documents. Nothing else."""
    scheme, versions = selectors.public_scheme_or_404(code)
    return render(
        request,
        "documents/public.html",
        {"scheme": scheme, "versions": versions, "code": scheme.code.lower()},
    )


@GET
def public_download(request: HttpRequest, code: str, pk: int) -> FileResponse:
    """A published version's PDF, for anyone; a draft, or another scheme's version, answers 404."""
    version = selectors.public_version_or_404(code, pk)
    try:
        handle = version.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file of this document is missing") from None
    return FileResponse(handle, as_attachment=True, filename=_filename(version), content_type="application/pdf")

"""SECURITY.md 27 for the scheme documents pages: every form driven by Hypothesis, like tests/homestart/test_forms_fuzz.

Arbitrary text (very long, control characters, markup, near-miss kinds and sources) and files that are PDFs, look
like PDFs, or are not: the answer is a page or a redirect, never a 500; a refused form stores nothing (the shared
``submit`` compares every domain table, documents included, before and after); posted markup is shown escaped.
"""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from documents.models import DocumentKind, DocumentVersion, SchemeDocument, VersionStatus
from tests.documents.conftest import encrypted_pdf, pdf_bytes, pdf_with_javascript, publish, write
from tests.homestart.test_forms_fuzz import (
    EXPECT,
    FUZZ,
    follow,
    form_data,
    junk,
    markup_text,
    no_fields,
    prose,
    submit,
    upload_names,
)

FILES = {
    "pdf": lambda name: SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf"),
    "text": lambda name: SimpleUploadedFile(name, b"Policy <script>alert(1)</script>", content_type="application/pdf"),
    "empty": lambda name: SimpleUploadedFile(name, b"", content_type="application/pdf"),
    "truncated": lambda name: SimpleUploadedFile(name, pdf_bytes()[:400], content_type="application/pdf"),
    "header_only": lambda name: SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF", content_type="application/pdf"),
    "encrypted": lambda name: SimpleUploadedFile(name, encrypted_pdf(), content_type="application/pdf"),
    "script": lambda name: SimpleUploadedFile(name, pdf_with_javascript(), content_type="application/pdf"),
    "png": lambda name: SimpleUploadedFile(name, b"\x89PNG\r\n\x1a\n\x00\x00junk", content_type="image/png"),
}
file_names = upload_names("policy.pdf", "POLICY.PDF", "x", "<img src=x onerror=alert(1)>.pdf", "policy.docx")
text_body = st.one_of(prose, markup_text, st.sampled_from(["# Heading\n\n- one\n- two", "Line one\nLine two"]))
kinds = st.sampled_from(DocumentKind.values)
near_kinds = ["Confidentiality", "policy", "", "other ", "<script>alert(1)</script>"]
near_sources = ["WRITTEN", "pdf", "both", ""]


def _with_file(data: dict[str, Any], kind: str, name: str) -> dict[str, Any]:
    data = dict(data)
    if kind in FILES:
        data["file"] = FILES[kind](name)
        if kind != "pdf" and data.get("source") == "uploaded":
            data[EXPECT] = "refused"
    return data


@FUZZ
@given(
    file_kind=st.sampled_from([*sorted(FILES), "none"]),
    name=file_names,
    data=form_data(
        st.fixed_dictionaries(
            {
                "kind": kinds,
                "title": st.one_of(st.just(""), prose),
                "source": st.sampled_from(["written", "uploaded"]),
                "body": text_body,
            }
        ),
        near={"kind": near_kinds, "source": near_sources, "title": ["x" * 121, " "], "body": ["", "#", "x" * 100_001]},
    ),
)
@example(
    file_kind="none",
    name="x",
    data={
        "kind": "safeguarding",
        "title": "",
        "source": "written",
        "body": "<script>alert(1)</script>",
        EXPECT: "accepted",
    },
)
@example(
    file_kind="pdf",
    name="<img src=x onerror=alert(1)>.pdf",
    data={
        "kind": "other",
        "title": "<img src=x onerror=alert(1)>",
        "source": "uploaded",
        "body": "",
        EXPECT: "accepted",
    },
)
@example(file_kind="text", name="policy.pdf", data={"kind": "privacy", "source": "uploaded", EXPECT: "refused"})
@example(
    file_kind="none", name="x", data={"kind": "other", "title": "", "source": "written", "body": "x", EXPECT: "refused"}
)
def test_document_new(client: Any, world: Any, file_kind: str, name: str, data: dict[str, Any]) -> None:
    # Each example starts from a scheme without documents, so that a valid one can always be added.
    for version in DocumentVersion.objects.filter(status=VersionStatus.DRAFT):
        version.delete()
    SchemeDocument.objects.all().delete()
    client.force_login(world.administrator)
    response = submit(client, reverse("documents:new"), _with_file(data, file_kind, name))
    follow(client, response, reverse("documents:list"))


@FUZZ
@given(
    file_kind=st.sampled_from([*sorted(FILES), "none"]),
    name=file_names,
    data=form_data(
        st.fixed_dictionaries({"source": st.sampled_from(["written", "uploaded"]), "body": text_body}),
        near={"source": near_sources, "body": ["", "   \n\n", "x" * 100_001]},
    ),
)
@example(file_kind="none", name="x", data={"source": "written", "body": "Version two", EXPECT: "accepted"})
@example(file_kind="pdf", name="v2.pdf", data={"source": "uploaded", "body": "", EXPECT: "accepted"})
@example(file_kind="encrypted", name="v2.pdf", data={"source": "uploaded", "body": "", EXPECT: "refused"})
def test_draft_new(client: Any, world: Any, file_kind: str, name: str, data: dict[str, Any]) -> None:
    published = DocumentVersion.objects.filter(status=VersionStatus.PUBLISHED).first() or publish(world)
    for version in DocumentVersion.objects.filter(status=VersionStatus.DRAFT):
        version.delete()  # each example starts a new version afresh
    client.force_login(world.administrator)
    response = submit(
        client, reverse("documents:draft_new", args=[published.document_id]), _with_file(data, file_kind, name)
    )
    follow(client, response)


@FUZZ
@given(
    file_kind=st.sampled_from([*sorted(FILES), "none"]),
    name=file_names,
    data=form_data(
        st.fixed_dictionaries({"source": st.sampled_from(["written", "uploaded"]), "body": text_body}),
        near={"source": near_sources, "body": ["", "#\n#", "x" * 100_001]},
    ),
)
@example(file_kind="none", name="x", data={"source": "written", "body": "Changed <b>text</b>", EXPECT: "accepted"})
@example(file_kind="script", name="x.pdf", data={"source": "uploaded", "body": "", EXPECT: "refused"})
@example(file_kind="none", name="x", data={"source": "uploaded", "body": "", EXPECT: "refused"})  # no PDF yet
def test_draft_edit(client: Any, world: Any, file_kind: str, name: str, data: dict[str, Any]) -> None:
    draft = DocumentVersion.objects.filter(status=VersionStatus.DRAFT).first() or write(world)
    client.force_login(world.administrator)
    response = submit(client, reverse("documents:draft_edit", args=[draft.pk]), _with_file(data, file_kind, name))
    follow(client, response)


@FUZZ
@given(data=no_fields, junk_value=junk)
def test_publish_and_discard_ignore_whatever_else_is_posted(
    client: Any, world: Any, data: dict[str, Any], junk_value: str
) -> None:
    draft = write(world, DocumentKind.OTHER, title=f"Policy {SchemeDocument.objects.count()}")
    client.force_login(world.administrator)
    posted = {**data, "status": junk_value, "number": junk_value, "document": junk_value}
    response = submit(client, reverse("documents:publish", args=[draft.pk]), posted)
    assert response.status_code == 302
    published = DocumentVersion.objects.get(pk=draft.pk)
    assert published.status == VersionStatus.PUBLISHED and published.document_id == draft.document_id
    follow(client, response, reverse("scheme_documents", args=[world.scheme.code.lower()]))
    again = write(world, DocumentKind.OTHER, title=f"Policy {SchemeDocument.objects.count()}")
    response = submit(client, reverse("documents:draft_discard", args=[again.pk]), posted)
    assert response.status_code == 302 and not DocumentVersion.objects.filter(pk=again.pk).exists()

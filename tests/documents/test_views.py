"""The documents pages: an administrator adds, writes, uploads and publishes; a coordinator reads what is published;
and the scheme's public page, for anyone, shows the documents in force and nothing else."""

from typing import Any

import pytest
from django.urls import reverse

from documents import selectors
from documents.models import DocumentKind, DocumentVersion, SchemeDocument, VersionStatus
from homestart.models import AuditEntry
from tests.documents.conftest import POLICY_TEXT, pdf_bytes, pdf_upload, publish, republish, stored_bytes, write
from tests.homestart.test_authorization import assert_security_headers


def _public(world: Any) -> str:
    return reverse("scheme_documents", args=[world.scheme.code.lower()])


def _download(scheme: Any, version: DocumentVersion) -> str:
    return reverse("scheme_document_download", args=[scheme.code.lower(), version.pk])


# The administrator ------------------------------------------------------------------------------------------------


def test_an_administrator_writes_a_policy_checks_it_and_publishes_it(client: Any, world: Any) -> None:
    client.force_login(world.administrator)
    page = client.get(reverse("documents:list")).content.decode()
    assert "The scheme has no documents yet" in page and reverse("documents:new") in page

    response = client.post(
        reverse("documents:new"), {"kind": "confidentiality", "source": "written", "body": POLICY_TEXT, "title": ""}
    )
    document = SchemeDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("documents:detail", args=[document.pk])
    draft = document.versions.get()
    page = client.get(response["Location"]).content.decode()
    assert "Only administrators can see this draft" in page and "Not published yet" in page

    preview = client.get(reverse("documents:version_pdf", args=[draft.pk]))
    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    assert preview.content.startswith(b"%PDF-") and "draft" in preview["Content-Disposition"]

    confirm = client.get(reverse("documents:publish", args=[draft.pk])).content.decode()
    assert "Publish version 1" in confirm and "can never be changed or taken back" in confirm
    response = client.post(reverse("documents:publish", args=[draft.pk]))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Version 1 of the confidentiality policy is published" in page and "In force: version 1" in page
    assert DocumentVersion.objects.get(pk=draft.pk).status == VersionStatus.PUBLISHED


def test_the_next_version_starts_from_the_text_in_force_and_earlier_versions_stay_listed(
    client: Any, world: Any
) -> None:
    first = publish(world)
    client.force_login(world.administrator)
    form = client.get(reverse("documents:draft_new", args=[first.document_id])).content.decode()
    assert "Version 1 is in force" in form and "Only what you agree to, in writing." in form  # the text to edit

    response = client.post(
        reverse("documents:draft_new", args=[first.document_id]), {"source": "written", "body": "Version two text"}
    )
    assert response.status_code == 302
    draft = DocumentVersion.objects.get(document=first.document, status=VersionStatus.DRAFT)
    # Asking again for a new version while the draft waits leads to that draft.
    again = client.get(reverse("documents:draft_new", args=[first.document_id]))
    assert again["Location"] == reverse("documents:draft_edit", args=[draft.pk])
    client.post(reverse("documents:publish", args=[draft.pk]))

    page = client.get(reverse("documents:detail", args=[first.document_id])).content.decode()
    assert "In force: version 2" in page and "Version 1" in page
    assert reverse("documents:version_pdf", args=[first.pk]) in page  # the old one still downloads
    # A published version has no page to change it: it is not a draft.
    assert client.get(reverse("documents:draft_edit", args=[first.pk])).status_code == 404
    assert client.post(reverse("documents:publish", args=[first.pk])).status_code == 404


def test_uploading_something_that_is_not_a_pdf_says_so_next_to_the_field_and_keeps_nothing(
    client: Any, world: Any
) -> None:
    client.force_login(world.administrator)
    response = client.post(
        reverse("documents:new"),
        {"kind": "privacy", "source": "uploaded", "file": pdf_upload("notice.pdf", b"I am a Word file really")},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "The file is not a PDF" in page
    assert 'id="id_file_error"' in page  # beside the field, and linked from the summary
    assert not SchemeDocument.objects.exists()


def test_a_draft_of_an_uploaded_pdf_can_be_replaced_and_discarded(client: Any, world: Any) -> None:
    client.force_login(world.administrator)
    client.post(reverse("documents:new"), {"kind": "privacy", "source": "uploaded", "file": pdf_upload()})
    draft = DocumentVersion.objects.get()
    page = client.get(reverse("documents:draft_edit", args=[draft.pk])).content.decode()
    assert "Leave this empty to keep the PDF already uploaded" in page
    assert client.post(reverse("documents:draft_edit", args=[draft.pk]), {"source": "uploaded"}).status_code == 302
    replacement = pdf_bytes("Our privacy notice, corrected")
    client.post(
        reverse("documents:draft_edit", args=[draft.pk]), {"source": "uploaded", "file": pdf_upload(data=replacement)}
    )
    assert stored_bytes(DocumentVersion.objects.get(pk=draft.pk)) == replacement

    page = client.get(reverse("documents:draft_discard", args=[draft.pk])).content.decode()
    assert "Nothing of this document was ever published, so the document goes too" in page
    response = client.post(reverse("documents:draft_discard", args=[draft.pk]))
    assert response["Location"] == reverse("documents:list")
    assert not SchemeDocument.objects.exists()


def test_drafts_are_for_the_schemes_administrators_only(client: Any, world: Any, other_admin: Any) -> None:
    published = publish(world)
    draft = write(world, DocumentKind.SAFEGUARDING, body="Draft safeguarding text SENTINEL")
    for user in (world.coordinator, world.dsl):
        client.force_login(user)
        listing = client.get(reverse("documents:list")).content.decode()
        assert "Confidentiality policy" in listing and "Safeguarding policy" not in listing
        assert client.get(reverse("documents:detail", args=[draft.document_id])).status_code == 404  # only a draft
        assert client.get(reverse("documents:detail", args=[published.document_id])).status_code == 200
        assert client.get(reverse("documents:version_pdf", args=[draft.pk])).status_code == 404
        assert client.get(reverse("documents:version_pdf", args=[published.pk])).status_code == 200
    client.force_login(other_admin)
    for url in (
        reverse("documents:detail", args=[draft.document_id]),
        reverse("documents:version_pdf", args=[draft.pk]),
        reverse("documents:version_pdf", args=[published.pk]),
        reverse("documents:draft_edit", args=[draft.pk]),
        reverse("documents:publish", args=[draft.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("documents:publish", args=[draft.pk])).status_code == 404
    assert DocumentVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT


def test_a_coordinator_sees_the_public_address_and_downloads_what_is_in_force(client: Any, world: Any) -> None:
    published = publish(world)
    client.force_login(world.coordinator)
    page = client.get(reverse("documents:list")).content.decode()
    assert selectors.public_page_url(world.scheme) in page
    assert "https://testserver/schemes/pmh/documents/" in page
    assert reverse("documents:new") not in page
    assert client.get(reverse("documents:version_pdf", args=[published.pk])).content == stored_bytes(published)


# The public page ---------------------------------------------------------------------------------------------------


def test_the_public_page_lists_the_versions_in_force_for_anyone_and_nothing_else(client: Any, world: Any) -> None:
    first = publish(world)
    current = republish(world, first, "Version two text")
    safeguarding = publish(world, DocumentKind.SAFEGUARDING)
    draft = write(world, DocumentKind.PRIVACY, body="Private draft SENTINEL")
    world.scheme.charity_number = "1012345"
    world.scheme.save()  # set up directly: the settings page's own tests cover its service

    response = client.get(_public(world))
    assert response.status_code == 200
    assert_security_headers(response)
    assert "Set-Cookie" not in str(response.cookies) and not response.cookies  # no session for a visitor
    page = response.content.decode()
    assert world.scheme.name in page and "Registered charity number 1012345" in page
    assert "Confidentiality policy" in page and "Version 2, in force since" in page
    assert "Safeguarding policy" in page
    assert _download(world.scheme, current) in page and _download(world.scheme, safeguarding) in page
    assert _download(world.scheme, first) not in page  # no longer in force
    assert "Privacy notice" not in page and "SENTINEL" not in page and _download(world.scheme, draft) not in page
    # Nothing else about the scheme: no people, no families, no address, no way into the app.
    for private in (
        world.family.family_name,
        world.other_family.family_name,
        world.coordinator.get_full_name(),
        world.administrator.get_full_name(),
        "1 PMH Street",
        reverse("login"),
        'href="/"',
        world.other_scheme.name,
    ):
        assert private not in page, private


def test_a_published_document_downloads_for_anyone(client: Any, world: Any) -> None:
    published = publish(world)
    response = client.get(_download(world.scheme, published))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert (
        'attachment; filename="home-start-pmh-confidentiality-policy-version-1.pdf"' == response["Content-Disposition"]
    )
    assert b"".join(response.streaming_content) == stored_bytes(published)
    assert_security_headers(response)


def test_drafts_and_other_schemes_documents_answer_404_on_the_public_page(
    client: Any, world: Any, other_admin: Any
) -> None:
    publish(world)
    draft = write(world, DocumentKind.SAFEGUARDING)
    from documents import services

    theirs_draft = services.document_create(
        scheme=world.other_scheme, kind="confidentiality", source="written", body="Their draft", actor=other_admin
    )
    assert client.get(_download(world.scheme, draft)).status_code == 404  # this scheme's draft
    assert client.get(_download(world.scheme, theirs_draft)).status_code == 404  # another scheme's draft
    assert client.get(_download(world.other_scheme, theirs_draft)).status_code == 404  # under its own address too
    # The other scheme has nothing published, so it has no public page at all.
    assert client.get(reverse("scheme_documents", args=["win"])).status_code == 404
    theirs = services.version_publish(version=theirs_draft, actor=other_admin)
    assert client.get(reverse("scheme_documents", args=["win"])).status_code == 200
    # One scheme's address never serves another scheme's document.
    assert client.get(_download(world.scheme, theirs)).status_code == 404
    assert client.get(_download(world.other_scheme, theirs)).status_code == 200
    assert client.get(reverse("scheme_documents", args=["nope"])).status_code == 404
    assert client.get("/schemes/").status_code == 404  # no list of schemes


def test_signed_in_people_see_the_same_public_page_without_their_account(client: Any, world: Any) -> None:
    publish(world)
    client.force_login(world.coordinator)
    page = client.get(_public(world)).content.decode()
    assert world.coordinator.get_full_name() not in page and "Sign out" not in page


def test_a_session_half_way_through_signing_in_still_gets_the_public_page(client: Any, world: Any) -> None:
    publish(world)
    client.force_login_password_only(world.coordinator)  # password given, the second factor not yet
    assert client.get(_public(world)).status_code == 200
    assert client.get(reverse("documents:list")).status_code == 302  # the app itself still asks for the code


@pytest.mark.parametrize("documents", [1, 5])
def test_the_public_page_costs_the_same_few_queries_however_many_documents(
    client: Any, world: Any, documents: int, django_assert_max_num_queries: Any
) -> None:
    kinds = [DocumentKind.CONFIDENTIALITY, DocumentKind.SAFEGUARDING, DocumentKind.PRIVACY, DocumentKind.COMPLAINTS]
    for n in range(documents):
        version = (
            publish(world, kinds[n]) if n < len(kinds) else publish(world, DocumentKind.OTHER, title=f"Policy {n}")
        )
        republish(world, version, "A second version")
    with django_assert_max_num_queries(4):
        response = client.get(_public(world))
    assert response.content.decode().count("Version 2, in force since") == documents


def test_the_public_page_fits_a_phone_without_javascript(client: Any, world: Any) -> None:
    publish(world)
    page = client.get(_public(world)).content.decode()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page
    assert "<script" not in page and " style=" not in page


def test_every_print_of_a_draft_preview_writes_nothing(client: Any, world: Any) -> None:
    draft = write(world)
    client.force_login(world.administrator)
    before = AuditEntry.objects.count()
    assert client.get(reverse("documents:version_pdf", args=[draft.pk])).status_code == 200
    assert AuditEntry.objects.count() == before

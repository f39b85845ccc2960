"""Access policy rows for visits and notes over time, corrections, notes without a visit, reprinted letters, merged into tests/homestart/test_authorization.py."""

from collections.abc import Callable
from typing import Any

SCHEME_COORDINATORS = {"coordinator", "dsl"}

# route name -> (methods, roles allowed, anonymous behaviour), as in test_authorization.POLICY.
NOTES_POLICY: dict[str, tuple[set[str], set[str], str]] = {
    # Only the volunteer assigned now writes a note without a visit; everyone else gets 404 (private notes, P4).
    "families:note_new": ({"get", "post"}, {"volunteer"}, "login"),
    # Only a note's author, while they may still read it: not even the family's coordinator, who reads it.
    "families:note_correct": ({"get", "post"}, {"volunteer"}, "login"),
    # A copy of a support-agreed notice: the family's scheme coordinators; printing is recorded, so never a GET.
    "consents:support_agreed_reprint": ({"post"}, SCHEME_COORDINATORS, "login"),
}


def volunteer_note(world: Any) -> Any:
    """A private note the world's volunteer wrote about the world's family (reused if there is one)."""
    from families import services
    from families.models import CaseNote

    note = CaseNote.objects.filter(family=world.family, author=world.volunteer, corrects__isnull=True).first()
    return note or services.case_note_write(
        family=world.family, text="Grace phoned to move Tuesday.", actor=world.volunteer
    )


def support_agreed_letter(world: Any) -> Any:
    """A support-agreed notice sent for a supported family of the first scheme, through the services (reused)."""
    import datetime

    from django.utils import timezone

    from consents import services
    from consents.models import Category, ConsentWording, Letter, LetterKind, Purpose
    from families.models import MemberKind, Professional
    from tests.conftest import make_family
    from tests.consents.conftest import png_upload, publish_wordings

    existing = Letter.objects.filter(family__scheme=world.scheme, kind=LetterKind.SUPPORT_AGREED).first()
    if existing is not None:
        return existing
    if not ConsentWording.objects.filter(scheme=world.scheme).exists():
        publish_wordings(world.scheme, world.administrator)
    health_visitor = Professional.objects.get(agency__scheme=world.scheme, name="Helen Price")
    family = make_family(
        world.coordinator, "Adeyemi", volunteer=world.other_volunteer, health_visitor=health_visitor, postcode="PO4 1AA"
    )
    consent, _letter, _document = services.consent_request(
        family=family,
        purpose=Purpose.INFORMATION_EXCHANGE,
        signer=family.members.filter(kind=MemberKind.ADULT).first(),
        recipients=[health_visitor],
        categories=[Category.SUPPORT_STATUS],
        review_on=timezone.localdate() + datetime.timedelta(days=365),
        print_letter=False,
        actor=world.coordinator,
    )
    services.consent_record_signed(
        consent=consent,
        scan=png_upload(),
        signed_on=timezone.localdate(),
        method="photographed_letter",
        received_by=world.coordinator,
        actor=world.coordinator,
    )
    sent = services.support_agreed_notices_send(family=family, method="letter", actor=world.coordinator)
    return sent[0][0]


# route name -> how to build its URL arguments from the world.
NOTES_ROUTE_ARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "families:note_new": lambda w: {"pk": w.family.pk},
    "families:note_correct": lambda w: {"pk": w.family.pk, "note_pk": volunteer_note(w).pk},
    "consents:support_agreed_reprint": lambda w: {
        "pk": (letter := support_agreed_letter(w)).family_id,
        "letter_pk": letter.pk,
    },
}

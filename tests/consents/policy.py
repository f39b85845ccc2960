"""Access policy rows for the consent and register pages, merged into tests/homestart/test_authorization.py."""

import datetime
from collections.abc import Callable
from typing import Any

from django.utils import timezone

# route name -> (methods, roles allowed, anonymous behaviour), as in test_authorization.POLICY.
# Scheme-wide pages answer every coordinator with their own scheme's records; pages about one family or consent
# answer only that family's scheme coordinators. Volunteers and administrators get 404 everywhere (P7).
COORDINATORS = {"coordinator", "dsl", "other_coordinator"}
SCHEME_COORDINATORS = {"coordinator", "dsl"}

CONSENT_POLICY: dict[str, tuple[set[str], set[str], str]] = {
    "consents:overview": ({"get"}, COORDINATORS, "login"),
    "consents:consent_new": ({"get", "post"}, SCHEME_COORDINATORS, "login"),
    "consents:consent_detail": ({"get"}, SCHEME_COORDINATORS, "login"),
    "consents:letter": ({"post"}, SCHEME_COORDINATORS, "login"),  # printing is recorded, so never a GET
    "consents:consent_signed": ({"get", "post"}, SCHEME_COORDINATORS, "login"),
    "consents:consent_refused": ({"get", "post"}, SCHEME_COORDINATORS, "login"),
    "consents:consent_withdraw": ({"get", "post"}, SCHEME_COORDINATORS, "login"),
    "consents:scan": ({"get"}, SCHEME_COORDINATORS, "login"),
    "consents:register": ({"get"}, COORDINATORS, "login"),
    "consents:family_register": ({"get"}, SCHEME_COORDINATORS, "login"),
    "consents:disclosure_new": ({"get", "post"}, SCHEME_COORDINATORS, "login"),
    "consents:decision_new": ({"get", "post"}, SCHEME_COORDINATORS, "login"),
    "consents:support_agreed": ({"get", "post"}, SCHEME_COORDINATORS, "login"),
}


def _information_consent(world: Any) -> Any:
    """A consent of the world's family waiting for its signature (one letter render, ~50 ms), reused if there."""
    from consents import services
    from consents.models import Category, Consent, ConsentStatus, ConsentWording, Purpose
    from families.models import MemberKind, Professional
    from tests.consents.conftest import publish_wordings

    existing = Consent.objects.filter(family=world.family, status=ConsentStatus.AWAITING_SIGNATURE).first()
    if existing is not None:
        return existing
    if not ConsentWording.objects.filter(scheme=world.scheme).exists():
        publish_wordings(world.scheme, world.administrator)
    consent, _letter, _pdf = services.consent_request(
        family=world.family,
        purpose=Purpose.INFORMATION_EXCHANGE,
        signer=world.family.members.filter(kind=MemberKind.ADULT).first(),
        recipients=[Professional.objects.get(agency__scheme=world.scheme, name="Helen Price")],
        categories=[Category.SUPPORT_STATUS],
        review_on=timezone.localdate() + datetime.timedelta(days=365),
        actor=world.coordinator,
    )
    return consent


def _signed_consent(world: Any) -> Any:
    """A signed consent with a (small PNG) scan, reused if there."""
    from consents import services
    from consents.models import Consent, ConsentMethod, ConsentStatus
    from tests.consents.conftest import png_upload

    existing = Consent.objects.filter(family=world.family, status=ConsentStatus.SIGNED).first()
    if existing is not None:
        return existing
    return services.consent_record_signed(
        consent=_information_consent(world),
        scan=png_upload(),
        signed_on=timezone.localdate(),
        method=ConsentMethod.PHOTOGRAPHED_LETTER,
        received_by=world.coordinator,
        actor=world.coordinator,
    )


def _family(world: Any) -> dict[str, Any]:
    return {"pk": world.family.pk}


# route name -> how to build its URL arguments from the world, through the services. Built only when that route is
# tested, so keep each cheap (a letter PDF takes tens of milliseconds).
CONSENT_ROUTE_ARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "consents:consent_new": _family,
    "consents:consent_detail": lambda w: {"pk": _information_consent(w).pk},
    "consents:letter": lambda w: {"pk": _information_consent(w).pk},
    "consents:consent_signed": lambda w: {"pk": _information_consent(w).pk},
    "consents:consent_refused": lambda w: {"pk": _information_consent(w).pk},
    "consents:consent_withdraw": lambda w: {"pk": _signed_consent(w).pk},
    "consents:scan": lambda w: {"pk": _signed_consent(w).pk},
    "consents:family_register": _family,
    "consents:disclosure_new": _family,
    "consents:decision_new": _family,
    "consents:support_agreed": _family,
}

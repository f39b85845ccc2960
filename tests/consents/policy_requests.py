"""Access policy rows for agency requests, photographs and wordings, merged into test_authorization.POLICY."""

import datetime
from collections.abc import Callable
from typing import Any

from django.utils import timezone

# route name -> (methods, roles allowed, anonymous behaviour), as in test_authorization.POLICY.
# Agency requests and photographs are coordinators' work (P6, P7, P11): scheme-wide lists answer every coordinator
# with their own scheme's records; a page about one request or photo answers only its scheme's coordinators.
# Wordings are read by administrators and coordinators; only administrators publish them.
COORDINATORS = {"coordinator", "dsl", "other_coordinator"}
SCHEME_COORDINATORS = {"coordinator", "dsl"}

REQUEST_POLICY: dict[str, tuple[set[str], set[str], str]] = {
    "consents:requests": ({"get"}, COORDINATORS, "login"),
    "consents:request_new": ({"get", "post"}, COORDINATORS, "login"),
    "consents:request_detail": ({"get"}, SCHEME_COORDINATORS, "login"),
    "consents:request_ask": ({"get", "post"}, SCHEME_COORDINATORS, "login"),
    "consents:request_close": ({"get", "post"}, SCHEME_COORDINATORS, "login"),
    "consents:request_figures": ({"get"}, SCHEME_COORDINATORS, "login"),
    "consents:photos": ({"get"}, COORDINATORS, "login"),
    "consents:photo_new": ({"get", "post"}, COORDINATORS, "login"),
    "consents:photo_detail": ({"get", "post"}, SCHEME_COORDINATORS, "login"),
    "consents:photo_image": ({"get"}, SCHEME_COORDINATORS, "login"),
    "consents:wordings": ({"get"}, COORDINATORS | {"administrator"}, "login"),
    "consents:wording_new": ({"get", "post"}, {"administrator"}, "login"),
}


def agency_request(world: Any, *, identifying: bool) -> Any:
    """An open request of the world's scheme (about its family, or for figures), reused if there. No PDF needed."""
    from consents import services
    from consents.models import AgencyRequest, Category
    from families.models import Professional

    existing = AgencyRequest.objects.filter(scheme=world.scheme, identifying=identifying).first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    return services.agency_request_receive(
        requester=Professional.objects.get(agency__scheme=world.scheme, name="Helen Price"),
        received_on=today,
        purpose="Planning clinics" if not identifying else "Checking the family is supported",
        categories=[Category.SUPPORT_STATUS],
        identifying=identifying,
        family=world.family if identifying else None,
        due_on=today + datetime.timedelta(days=14),
        actor=world.coordinator,
    )


def photo(world: Any) -> Any:
    """A photograph of the world's family with a small PNG image, reused if there."""
    from consents import services
    from consents.models import Photo
    from tests.consents.conftest import png_upload

    existing = Photo.objects.filter(scheme=world.scheme).first()
    if existing is not None:
        return existing
    return services.photo_record(
        scheme=world.scheme,
        event="Summer picnic",
        taken_on=timezone.localdate(),
        description="Parents and toddlers at the craft table",
        families=[world.family],
        image=png_upload("picnic.png"),
        actor=world.coordinator,
    )


# route name -> how to build its URL arguments from the world, through the services. Built only when that route is
# tested, so keep each cheap (a letter PDF takes tens of milliseconds).
REQUEST_ROUTE_ARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "consents:request_detail": lambda w: {"pk": agency_request(w, identifying=True).pk},
    "consents:request_ask": lambda w: {"pk": agency_request(w, identifying=True).pk},
    "consents:request_close": lambda w: {"pk": agency_request(w, identifying=True).pk},
    "consents:request_figures": lambda w: {"pk": agency_request(w, identifying=False).pk},
    "consents:photo_detail": lambda w: {"pk": photo(w).pk},
    "consents:photo_image": lambda w: {"pk": photo(w).pk},
}

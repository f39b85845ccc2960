"""Access policy rows for the agency directory, scheme settings and consent wordings, merged into tests/homestart/test_authorization.py."""

from collections.abc import Callable
from typing import Any

# Every coordinator and administrator opens their own scheme's directory; an entry of the first scheme answers only
# that scheme's coordinators and administrator (another scheme's coordinator gets 404, as for what does not exist).
DIRECTORY_USERS = {"coordinator", "dsl", "other_coordinator", "administrator"}
SCHEME_DIRECTORY_USERS = {"coordinator", "dsl", "administrator"}

# route name -> (methods, roles allowed, anonymous behaviour), as in test_authorization.POLICY.
DIRECTORY_POLICY: dict[str, tuple[set[str], set[str], str]] = {
    "families:directory": ({"get"}, DIRECTORY_USERS, "login"),
    "families:agency_edit": ({"get", "post"}, SCHEME_DIRECTORY_USERS, "login"),
    "families:agency_retire": ({"get", "post"}, SCHEME_DIRECTORY_USERS, "login"),
    "families:professional_edit": ({"get", "post"}, SCHEME_DIRECTORY_USERS, "login"),
    "families:professional_retire": ({"get", "post"}, SCHEME_DIRECTORY_USERS, "login"),
    "scheme_settings": ({"get", "post"}, {"administrator"}, "login"),
}


def _agency(world: Any) -> dict[str, Any]:
    from families.models import Agency

    return {"pk": Agency.objects.get(scheme=world.scheme, name="North Health Visiting Team").pk}


def _professional(world: Any) -> dict[str, Any]:
    from families.models import Professional

    return {"pk": Professional.objects.get(agency__scheme=world.scheme, name="Helen Price").pk}


# route name -> how to build its URL arguments from the world.
DIRECTORY_ROUTE_ARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "families:agency_edit": _agency,
    "families:agency_retire": _agency,
    "families:professional_edit": _professional,
    "families:professional_retire": _professional,
}

"""Access policy rows for the retention pages, merged into tests/homestart/test_authorization.py."""

from collections.abc import Callable
from typing import Any

_COORDINATORS = {"coordinator", "dsl", "other_coordinator"}
_SCHEME_COORDINATORS = {"coordinator", "dsl"}

# route name -> (methods, roles allowed, anonymous behaviour), as in test_authorization.POLICY.
RETENTION_POLICY: dict[str, tuple[set[str], set[str], str]] = {
    # Any coordinator sees their own scheme's families due for anonymising this month, and its holds.
    "families:retention_due": ({"get"}, _COORDINATORS, "login"),
    "families:retention_hold": ({"get", "post"}, _SCHEME_COORDINATORS, "login"),
    "families:retention_hold_lift": ({"get", "post"}, _SCHEME_COORDINATORS, "login"),
}

# route name -> how to build its URL arguments from the world.
RETENTION_ROUTE_ARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "families:retention_hold": lambda w: {"pk": w.family.pk},
    "families:retention_hold_lift": lambda w: {"pk": w.family.pk},
}

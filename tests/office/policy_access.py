"""Who may use the pages over the audit log: who has seen a family's records, and which families a person opened."""

from collections.abc import Callable
from typing import Any

# route name -> (methods the view accepts, roles that may use it, what an anonymous visitor gets)
ACCESS_POLICY: dict[str, tuple[set[str], set[str], str]] = {
    # The family's coordinators (every coordinator of its scheme, as for managing its support) and its DSLs.
    "families:access": ({"get"}, {"coordinator", "dsl"}, "login"),
    # Only the scheme's safeguarding leads see what one person read across the scheme.
    "person_access": ({"get"}, {"dsl"}, "login"),
}

ACCESS_ROUTE_ARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "families:access": lambda w: {"pk": w.family.pk},
}

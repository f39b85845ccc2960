"""Who may use the subject access page and download, merged into tests/homestart/test_authorization.py."""

from collections.abc import Callable
from typing import Any

# route name -> (methods the view accepts, roles that may use it, what an anonymous visitor gets)
SUBJECT_ACCESS_POLICY: dict[str, tuple[set[str], set[str], str]] = {
    # The family's own coordinator and the scheme's safeguarding leads; a POST downloads the ZIP (and records it).
    "families:subject_access": ({"get", "post"}, {"coordinator", "dsl"}, "login"),
}

SUBJECT_ACCESS_ROUTE_ARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "families:subject_access": lambda w: {"pk": w.family.pk},
}

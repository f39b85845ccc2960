"""Access policy rows for the consent and register pages, merged into tests/homestart/test_authorization.py."""

from collections.abc import Callable
from typing import Any

# route name -> (methods, roles allowed, anonymous behaviour), as in test_authorization.POLICY
CONSENT_POLICY: dict[str, tuple[set[str], set[str], str]] = {}


# route name -> how to build its URL arguments from the world, through the services. Built only when that route is
# tested, so keep each cheap (a letter PDF takes tens of milliseconds).
CONSENT_ROUTE_ARGS: dict[str, Callable[[Any], dict[str, Any]]] = {}

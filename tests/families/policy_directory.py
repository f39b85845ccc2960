"""Access policy rows for the agency directory, scheme settings and consent wordings, merged into tests/homestart/test_authorization.py."""

from collections.abc import Callable
from typing import Any

# route name -> (methods, roles allowed, anonymous behaviour), as in test_authorization.POLICY.
DIRECTORY_POLICY: dict[str, tuple[set[str], set[str], str]] = {}

# route name -> how to build its URL arguments from the world.
DIRECTORY_ROUTE_ARGS: dict[str, Callable[[Any], dict[str, Any]]] = {}

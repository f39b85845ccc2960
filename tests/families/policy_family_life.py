"""Access policy rows for a family's changing details, household, re-referral and the family search, merged into tests/homestart/test_authorization.py."""

from collections.abc import Callable
from typing import Any

# route name -> (methods, roles allowed, anonymous behaviour), as in test_authorization.POLICY.
FAMILY_LIFE_POLICY: dict[str, tuple[set[str], set[str], str]] = {}

# route name -> how to build its URL arguments from the world.
FAMILY_LIFE_ROUTE_ARGS: dict[str, Callable[[Any], dict[str, Any]]] = {}

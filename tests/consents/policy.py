"""Access policy rows for the consent and register pages, merged into tests/homestart/test_authorization.py."""

from typing import Any

# route name -> (methods, roles allowed, anonymous behaviour), as in test_authorization.POLICY
CONSENT_POLICY: dict[str, tuple[set[str], set[str], str]] = {}


def consent_route_kwargs(world: Any) -> dict[str, dict[str, Any]]:
    """URL arguments for the routes above, creating what they point at in ``world`` through the services."""
    return {}

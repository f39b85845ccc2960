"""Access policy rows for agency requests, photographs and wordings, merged into test_authorization.POLICY."""

from typing import Any

REQUEST_POLICY: dict[str, tuple[set[str], set[str], str]] = {}


def request_route_kwargs(world: Any) -> dict[str, dict[str, Any]]:
    """URL arguments for the routes above, creating what they point at in ``world`` through the services."""
    return {}

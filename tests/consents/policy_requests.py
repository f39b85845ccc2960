"""Access policy rows for agency requests, photographs and wordings, merged into test_authorization.POLICY."""

from collections.abc import Callable
from typing import Any

REQUEST_POLICY: dict[str, tuple[set[str], set[str], str]] = {}


# route name -> how to build its URL arguments from the world, through the services. Built only when that route is
# tested, so keep each cheap (a letter PDF takes tens of milliseconds).
REQUEST_ROUTE_ARGS: dict[str, Callable[[Any], dict[str, Any]]] = {}

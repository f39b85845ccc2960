"""Access policy rows for visits and notes over time, corrections, notes without a visit, reprinted letters, merged into tests/homestart/test_authorization.py."""

from collections.abc import Callable
from typing import Any

# route name -> (methods, roles allowed, anonymous behaviour), as in test_authorization.POLICY.
NOTES_POLICY: dict[str, tuple[set[str], set[str], str]] = {}

# route name -> how to build its URL arguments from the world.
NOTES_ROUTE_ARGS: dict[str, Callable[[Any], dict[str, Any]]] = {}

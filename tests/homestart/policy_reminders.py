"""Who may use the reminder preferences pages."""

from collections.abc import Callable
from typing import Any

CASE_WORKERS = {"volunteer", "other_volunteer", "coordinator", "other_coordinator", "dsl"}

# route name -> (methods the view accepts, roles that may use it, what an anonymous visitor gets)
REMINDERS_POLICY: dict[str, tuple[set[str], set[str], str]] = {
    # Your own email reminders: coordinators and volunteers, each only their own (the page takes no argument).
    # Administrators get no reminders, so the page does not exist for them.
    "reminder_preferences": ({"get", "post"}, CASE_WORKERS, "login"),
}

REMINDERS_ROUTE_ARGS: dict[str, Callable[[Any], dict[str, Any]]] = {}

"""Access policy rows for accounts, passwords and handover of a leaving coordinator's families, merged into tests/homestart/test_authorization.py."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

ROLES = {"anonymous", "volunteer", "other_volunteer", "coordinator", "other_coordinator", "dsl", "administrator"}
SIGNED_IN = ROLES - {"anonymous"}

# route name -> (methods, roles allowed, anonymous behaviour), as in test_authorization.POLICY.
ACCOUNT_POLICY: dict[str, tuple[set[str], set[str], str]] = {
    # Your own password: anyone signed in (with the second factor), never anyone else's.
    "password_change": ({"get", "post"}, SIGNED_IN, "login"),
    "password_change_done": ({"get"}, SIGNED_IN, "login"),
    # Resetting a forgotten one by email: open to everyone, the same answer whoever asks.
    "password_reset": ({"get", "post"}, ROLES, "public"),
    "password_reset_done": ({"get"}, ROLES, "public"),
    "password_reset_confirm": ({"get", "post"}, ROLES, "public"),
    "password_reset_complete": ({"get"}, ROLES, "public"),
    # The administrator's account pages (accounts:deactivate, now the top floor's handover page, is in POLICY).
    "accounts:edit": ({"get", "post"}, {"administrator"}, "login"),
    "accounts:reactivate": ({"get", "post"}, {"administrator"}, "login"),
}


def _reset_link_args(world: Any) -> dict[str, Any]:
    """A genuine reset link of another volunteer (it opens the new-password page; it sets nothing by itself)."""
    user = world.other_volunteer
    return {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)}


# route name -> how to build its URL arguments from the world.
ACCOUNT_ROUTE_ARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "password_reset_confirm": _reset_link_args,
    "accounts:edit": lambda w: {"pk": w.other_volunteer.pk},
    "accounts:reactivate": lambda w: {"pk": w.other_volunteer.pk},
}

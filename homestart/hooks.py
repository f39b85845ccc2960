"""Hooks: how a lower floor announces an event that a higher floor acts on, without importing it.

The app that owns the event defines the hook; an app above subscribes a function from its AppConfig.ready(); the
owner calls the hook inside its own transaction, so a subscriber that raises undoes the whole action. See
docs/adr/0007-floors-and-registries.md.
"""

from collections.abc import Callable
from typing import Any


class Hook:
    """A named, ordered list of functions called with keyword arguments when the event happens."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._subscribers: list[Callable[..., None]] = []

    def subscribe(self, subscriber: Callable[..., None]) -> Callable[..., None]:
        """Add a function (once: subscribing it again from a second ready() call changes nothing)."""
        if subscriber not in self._subscribers:
            self._subscribers.append(subscriber)
        return subscriber

    @property
    def subscribers(self) -> tuple[Callable[..., None], ...]:
        return tuple(self._subscribers)

    def __call__(self, **kwargs: Any) -> None:
        for subscriber in self._subscribers:
            subscriber(**kwargs)

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._subscribers)} subscribers>"


class Check:
    """A named list of rules that apps above contribute: each answers a refusal message, or None to allow."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._rules: list[Callable[..., str | None]] = []

    def add(self, rule: Callable[..., str | None]) -> Callable[..., str | None]:
        """Add a rule (once: adding it again changes nothing)."""
        if rule not in self._rules:
            self._rules.append(rule)
        return rule

    @property
    def rules(self) -> tuple[Callable[..., str | None], ...]:
        return tuple(self._rules)

    def refusal(self, **kwargs: Any) -> str | None:
        """The first refusal any rule gives, or None when every rule allows it."""
        for rule in self._rules:
            message = rule(**kwargs)
            if message:
                return message
        return None

    def __repr__(self) -> str:
        return f"<Check {self.name}: {len(self._rules)} rules>"


# A new account was created, inside the creating transaction: ``user=`` the account.
account_created = Hook("homestart.account_created")

# Whether an account may be deactivated now (``user=``): families refuses while a volunteer still has families
# or a coordinator still leads any (the top floor's deactivation page hands them over first).
account_deactivation = Check("homestart.account_deactivation")

# Whether an account's role may change now (``user=`` the account as it is, ``role=`` the new role): families
# refuses while a volunteer still has families or a coordinator still leads any.
account_role_change = Check("homestart.account_role_change")

# An account's role changed, inside the changing transaction: ``user=`` the account, ``previous_role=``.
account_role_changed = Hook("homestart.account_role_changed")

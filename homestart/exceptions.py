"""Domain exceptions: a service refuses an action with a message a person can act on."""

from typing import Any

from django.core.exceptions import ValidationError


class ActionNotAllowed(Exception):
    """The action breaks a rule; ``str(exc)`` says which, in plain English, for the page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NeedsConfirmation(ActionNotAllowed):
    """The action is allowed, but only once the person has seen this warning and confirmed it.

    To a caller that does not offer confirmation it is a refusal like any other (it is an ``ActionNotAllowed``); a
    page that does catches it first, shows the warning and offers a button to go ahead.
    """


def save_or_refuse(instance: Any) -> Any:
    """Check the record against its model's own rules, then save it; a broken rule becomes a refusal for the page."""
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise ActionNotAllowed(" ".join(exc.messages)) from None
    instance.save()
    return instance

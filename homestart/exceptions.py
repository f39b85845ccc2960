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


class RefusalRecorded(ActionNotAllowed):
    """The action is refused, but what the service wrote before refusing stands: the failed attempt is evidence
    (a wrong two-factor code is counted and audited). An ``@audit.service`` commits its transaction, then raises.
    """


def save_or_refuse(instance: Any, *, decided_by_database: tuple[str, ...] = ()) -> Any:
    """Check the record against its model's own rules, then save it; a broken rule becomes a refusal for the page.

    ``decided_by_database`` names fields whose uniqueness the database decides at the insert (an idempotency key):
    a check beforehand would cost a query and still lose a race, so the caller catches the IntegrityError instead.
    """
    try:
        instance.full_clean(exclude=list(decided_by_database) or None)
    except ValidationError as exc:
        raise ActionNotAllowed(" ".join(exc.messages)) from None
    instance.save()
    return instance

"""Domain exceptions: a service refuses an action with a message a person can act on."""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from homestart import constraints


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
        _full_clean(instance, exclude=set(decided_by_database))
    except ValidationError as exc:
        raise ActionNotAllowed(" ".join(exc.messages)) from None
    instance.save()
    return instance


def _full_clean(instance: Any, *, exclude: set[str]) -> None:
    """Django's ``Model.full_clean`` (the same checks, in the same order, the errors gathered the same way), except
    that a foreign key whose object the caller holds, read from the database, is not looked up again: that would
    cost a query each, and the database's foreign key decides anyway. Its uniqueness and constraints still are,
    each check constraint answered from the record's values where that gives the database's answer (three queries
    less each: ``homestart.constraints``)."""
    errors: dict[str, Any] = {}
    try:
        instance.clean_fields(exclude=exclude | _loaded_foreign_keys(instance))
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    try:
        instance.clean()
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)

    def validate_constraints(exclude: set[str]) -> None:
        constraints.validate_constraints(instance, exclude=exclude)

    for check in (instance.validate_unique, validate_constraints):
        exclude |= {name for name in errors if name != NON_FIELD_ERRORS}
        try:
            check(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _loaded_foreign_keys(instance: Any) -> set[str]:
    """The names of the instance's foreign keys set to an object that was read from the database (not a bare id,
    not an object still to be saved)."""
    loaded = set()
    for field in instance._meta.concrete_fields:
        if field.many_to_one or field.one_to_one:
            related = field.get_cached_value(instance, default=None) if field.is_cached(instance) else None
            if related is not None and not related._state.adding and related.pk == getattr(instance, field.attname):
                loaded.add(field.name)
    return loaded

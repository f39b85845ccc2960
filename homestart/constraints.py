"""A model's check constraints, checked before its save without asking the database when that gives the same answer.

Django's ``Model.validate_constraints`` asks the database about every ``CheckConstraint``: a savepoint, a
``SELECT 1 WHERE …`` and its release, three queries per constraint on every save. The conditions here are plain
comparisons of the record's own fields (``duration_minutes__lte=720``, ``ended_on__gte=F("started_on")``,
``corrects__isnull=True``) joined by AND, OR and NOT, so ``holds`` answers them from the values the record holds,
with SQL's three-valued logic (a comparison with NULL is unknown, and a constraint holds unless it is false, as
``Q.check`` and PostgreSQL's CHECK answer). Anything else (a lookup or a value it does not know, an expression, text
compared by order, which depends on the collation) is answered ``None``, and that constraint is asked of the
database as before. ``tests/homestart/test_constraints.py`` holds it to the database's answers for every check
constraint of every model.
"""

import datetime
import decimal
import enum
from collections.abc import Callable
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import router
from django.db.models import CheckConstraint, F, Model, Q
from django.db.models.constants import LOOKUP_SEP

_UNKNOWN = object()  # the condition cannot be answered here: ask the database

# Values compared in Python exactly as PostgreSQL compares them, each only with a value of its own kind; text only
# for equality (its order follows the collation). Enum members by their value.
_KINDS: tuple[tuple[type, ...], ...] = ((bool,), (int, decimal.Decimal), (datetime.datetime,), (datetime.date,), (str,))


def _kind(value: Any) -> int | None:
    for index, kind in enumerate(_KINDS):
        # bool is an int and datetime a date: the first kind listed that fits is the value's own
        if isinstance(value, kind):
            return index
    return None


def _plain(value: Any) -> Any:
    """The value as a plain Python value comparable like the database's, or _UNKNOWN."""
    if isinstance(value, enum.Enum):
        value = value.value
    if value is None or _kind(value) is not None:
        return value
    return _UNKNOWN


def _compare(left: Any, right: Any, test: Callable[[Any, Any], bool], ordered: bool) -> Any:
    if left is _UNKNOWN or right is _UNKNOWN:
        return _UNKNOWN
    if left is None or right is None:
        return None  # NULL compared with anything is unknown
    kind = _kind(left)
    if kind != _kind(right) or (ordered and isinstance(left, str)):
        return _UNKNOWN
    if isinstance(left, datetime.datetime) and (left.tzinfo is None) != (right.tzinfo is None):
        return _UNKNOWN
    try:
        return test(left, right)
    except TypeError:
        return _UNKNOWN


_LOOKUPS: dict[str, tuple[Callable[[Any, Any], bool], bool]] = {
    "exact": (lambda a, b: a == b, False),
    "gt": (lambda a, b: a > b, True),
    "gte": (lambda a, b: a >= b, True),
    "lt": (lambda a, b: a < b, True),
    "lte": (lambda a, b: a <= b, True),
}


class _Record:
    """The values of one record's fields, by the names a condition uses (a foreign key by its name: its id)."""

    def __init__(self, instance: Model, exclude: set[str]) -> None:
        self.instance = instance
        self.exclude = exclude

    def value(self, name: str) -> Any:
        try:
            field = self.instance._meta.get_field(name)
        except FieldDoesNotExist:
            return _UNKNOWN
        if field.name in self.exclude:
            raise _Excluded
        if not getattr(field, "concrete", False) or field.many_to_many or getattr(field, "generated", False):
            return _UNKNOWN
        value = getattr(self.instance, field.attname)
        if hasattr(value, "resolve_expression"):
            return _UNKNOWN  # an expression still to be evaluated by the database (F() + 1, say)
        if field.get_internal_type() in ("FileField", "ImageField"):
            return (value.name if hasattr(value, "name") else value) or ""  # stored as its name, "" for none
        return _plain(value)


class _Excluded(Exception):
    """The condition names a field left out of the check (a field that already has an error): skip it, as Django
    does."""


def _lookup(record: _Record, key: str, expected: Any) -> Any:
    name, _, lookup = key.partition(LOOKUP_SEP)
    lookup = lookup or "exact"
    if LOOKUP_SEP in lookup:
        return _UNKNOWN  # a path through a relation
    value = record.value(name)
    if value is _UNKNOWN:
        return _UNKNOWN
    if lookup == "isnull":
        if not isinstance(expected, bool):
            return _UNKNOWN
        return (value is None) is expected
    if isinstance(expected, F):
        if LOOKUP_SEP in expected.name:
            return _UNKNOWN
        other = record.value(expected.name)
    elif lookup == "in":
        if not isinstance(expected, list | tuple | set | frozenset):
            return _UNKNOWN
        items = [_plain(item) for item in expected]
        if any(item is _UNKNOWN or item is None for item in items):
            return _UNKNOWN
        if value is None:
            return None
        answers = [_compare(value, item, lambda a, b: a == b, False) for item in items]
        if _UNKNOWN in answers:
            return _UNKNOWN
        return any(answers)
    elif hasattr(expected, "resolve_expression"):
        return _UNKNOWN
    else:
        if expected is None:
            return _UNKNOWN  # Django turns exact=None into isnull; not worth copying
        other = _plain(expected)
    if lookup not in _LOOKUPS:
        return _UNKNOWN
    test, ordered = _LOOKUPS[lookup]
    return _compare(value, other, test, ordered)


def _evaluate(record: _Record, node: Any) -> Any:
    """True, False, None (unknown, SQL's NULL) or _UNKNOWN (cannot say here)."""
    if isinstance(node, tuple):
        return _lookup(record, *node)
    if not isinstance(node, Q) or node.connector not in (Q.AND, Q.OR):
        return _UNKNOWN
    answers = [_evaluate(record, child) for child in node.children]
    if _UNKNOWN in answers:
        return _UNKNOWN
    if node.connector == Q.AND:
        answer = False if False in answers else (None if None in answers else True)
    else:
        answer = True if True in answers else (None if None in answers else False)
    if node.negated:
        answer = None if answer is None else not answer
    return answer


def holds(constraint: CheckConstraint, instance: Model, *, exclude: set[str]) -> bool | None:
    """Whether the record meets the constraint (True unless its condition is false), or None when only the
    database can say. ``exclude``: fields left out; a constraint naming one of them is not checked (True)."""
    try:
        answer = _evaluate(_Record(instance, exclude), Q(constraint.condition))
    except _Excluded:
        return True
    if answer is _UNKNOWN:
        return None
    return answer is not False


def validate_constraints(instance: Model, *, exclude: set[str]) -> None:
    """``Model.validate_constraints``, the same errors gathered the same way, with each check constraint answered
    here when ``holds`` can and asked of the database otherwise (as are unique constraints)."""
    errors: dict[str, Any] = {}
    using = router.db_for_write(instance.__class__, instance=instance)
    for model_class, constraints in instance.get_constraints():
        for constraint in constraints:
            try:
                if isinstance(constraint, CheckConstraint):
                    answer = holds(constraint, instance, exclude=exclude)
                    if answer is False:
                        raise ValidationError(
                            constraint.get_violation_error_message(), code=constraint.violation_error_code
                        )
                    if answer is True:
                        continue
                constraint.validate(model_class, instance, exclude=exclude, using=using)
            except ValidationError as exc:
                if getattr(exc, "code", None) == "unique" and len(getattr(constraint, "fields", ())) == 1:
                    errors.setdefault(constraint.fields[0], []).append(exc)
                else:
                    errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)

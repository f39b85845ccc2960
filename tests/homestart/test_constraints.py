"""Check constraints answered from the record's values (homestart.constraints) give the database's answer.

For every check constraint of every model, records with values drawn around the constants the condition names (and
NULL where the field allows it) are answered by ``holds`` and by Django's own check in the database (``Q.check``,
which runs the condition as SQL); the two must agree, and ``holds`` must answer every one of them itself.
"""

import datetime
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, models
from django.db.models import CheckConstraint, F, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from homestart import constraints
from homestart.exceptions import ActionNotAllowed, save_or_refuse

pytestmark = pytest.mark.django_db

CHECKS = [
    pytest.param(model, constraint, id=f"{model._meta.label}.{constraint.name}")
    for model in apps.get_models()
    for constraint in model._meta.constraints
    if isinstance(constraint, CheckConstraint)
]


def _leaves(node: Any) -> list[tuple[str, Any]]:
    if isinstance(node, tuple):
        return [node]
    return [leaf for child in node.children for leaf in _leaves(child)]


def _fields(condition: Q) -> dict[str, list[Any]]:
    """The fields the condition names, each with the constants it is compared with."""
    found: dict[str, list[Any]] = {}
    for key, value in _leaves(condition):
        name = key.split("__")[0]
        found.setdefault(name, [])
        if isinstance(value, F):
            found.setdefault(value.name, [])
        elif isinstance(value, list | tuple):
            found[name] += list(value)
        elif not isinstance(value, bool) or not key.endswith("__isnull"):
            found[name].append(value)
    return found


def _values(field: models.Field, constants: list[Any]) -> st.SearchStrategy:
    """Values for the field around the constants (and NULL where it may be)."""
    if isinstance(field, models.ForeignKey):
        choices = st.sampled_from([1, 2, 3])
    elif isinstance(field, models.BooleanField):
        choices = st.booleans()
    elif isinstance(field, models.IntegerField):
        numbers = [c for c in constants if isinstance(c, int)]
        near = sorted({n + d for n in numbers for d in (-1, 0, 1)} | {0})
        choices = st.sampled_from(near) | st.integers(min_value=-5, max_value=1000)
    elif isinstance(field, models.DateTimeField):
        start = timezone.now()
        choices = st.sampled_from([start - datetime.timedelta(days=1), start, start + datetime.timedelta(days=1)])
    elif isinstance(field, models.DateField):
        day = datetime.date(2026, 6, 1)
        choices = st.sampled_from([day - datetime.timedelta(days=1), day, day + datetime.timedelta(days=1)])
    elif isinstance(field, models.FileField):
        choices = st.sampled_from(["", "documents/leaflet.pdf"])
    elif isinstance(field, models.CharField | models.TextField):
        words = {str(getattr(c, "value", c)) for c in constants} | {"", "something else"}
        words |= {str(value) for value, _label in (field.choices or [])}
        choices = st.sampled_from(sorted(words))
    else:
        raise AssertionError(f"No values for {field!r}: add them here")
    return (st.none() | choices) if field.null else choices


def _record(model: type[models.Model], condition: Q) -> st.SearchStrategy:
    fields = {name: model._meta.get_field(name) for name in _fields(condition)}
    strategies = {name: _values(field, _fields(condition)[name]) for name, field in fields.items()}

    @st.composite
    def build(draw: Any) -> models.Model:
        instance = model()
        for name, strategy in strategies.items():
            setattr(instance, fields[name].attname, draw(strategy))
        return instance

    return build()


@pytest.mark.parametrize(("model", "constraint"), CHECKS)
def test_each_check_constraint_is_answered_as_the_database_answers(model: Any, constraint: Any) -> None:
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(instance=_record(model, Q(constraint.condition)))
    def agrees(instance: models.Model) -> None:
        answer = constraints.holds(constraint, instance, exclude=set())
        against = instance._get_field_expression_map(meta=model._meta)
        assert answer is not None, "answered here, without a query"
        assert answer is Q(constraint.condition).check(against, using="default")

    agrees()


def test_a_condition_it_cannot_answer_is_asked_of_the_database() -> None:
    from families.models import Visit

    text_order = CheckConstraint(condition=Q(kind__gt="home"), name="text_order")
    through_relation = CheckConstraint(condition=Q(family__status="supported"), name="through_relation")
    expression = CheckConstraint(condition=Q(duration_minutes__gte=F("duration_minutes") + 1), name="expression")
    for constraint in (text_order, through_relation, expression):
        assert constraints.holds(constraint, Visit(kind="home", duration_minutes=5), exclude=set()) is None


def test_a_constraint_naming_an_excluded_field_is_not_checked() -> None:
    from families.models import Visit

    (duration,) = [c for c in Visit._meta.constraints if isinstance(c, CheckConstraint)]
    assert constraints.holds(duration, Visit(duration_minutes=0), exclude={"duration_minutes"}) is True
    assert constraints.holds(duration, Visit(duration_minutes=0), exclude=set()) is False


def test_saving_a_visit_checks_its_constraints_without_a_query(world: Any) -> None:
    from families.models import Visit

    visit = Visit(family=world.family, volunteer=world.volunteer, visited_on=timezone.localdate(), duration_minutes=0)
    with CaptureQueriesContext(connection) as queries, pytest.raises(ActionNotAllowed):
        save_or_refuse(visit, decided_by_database=("idempotency_key",))
    assert len(queries) == 0 and visit.pk is None
    visit.duration_minutes = 60
    with CaptureQueriesContext(connection) as queries:
        save_or_refuse(visit, decided_by_database=("idempotency_key",))
    assert [q["sql"].split()[0] for q in queries] == ["INSERT"]

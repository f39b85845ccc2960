"""Retention (UK GDPR storage limitation): the registry of what is anonymised when, and the run that does it.

Each app anonymises its own records. From its AppConfig.ready() it registers a ``Rule`` for each kind of record it
owns: which records are due on a day (past their period, not anonymised yet, not under a hold), how to anonymise one
(an ``@audit.service`` that writes its own audit entries) and how to name one in the run's listing (a reference,
never a personal value). ``run`` asks every rule in turn; ``manage.py retention_run`` (the top floor) calls it once
a day. The periods are the ``RETENTION`` setting; docs/adr/0012-retention.md says why they are what they are.

Core's own rule is the audit log's: kept as written unless ``RETENTION["audit_years"]`` is set, and then changed
only through ``audit.anonymise_entries``, the one path the append-only trigger lets through.
"""

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from django.db.models import QuerySet
from django.utils import timezone

from homestart import audit
from homestart.exceptions import ActionNotAllowed
from homestart.models import AuditEntry, AuditEvent, User

logger = logging.getLogger(__name__)

# What anonymised text reads as, everywhere: the same marker the audit log uses for its own anonymised entries.
ANONYMISED = audit.ANONYMISED
ANONYMISED_USERNAME_PREFIX = "anonymised-"

# The periods and their defaults (Home-Start practice); ``RETENTION`` in settings overrides any of them.
DEFAULTS: dict[str, int | None] = {"family_years": 1, "volunteer_years": 6, "audit_years": None}

# How many records of one kind the run's listing names before it only counts the rest.
LISTED = 50


def period(key: str) -> int | None:
    """A retention period in years from the ``RETENTION`` setting; a value that is not a whole number of years (or,
    for the audit log only, None: kept) fails loudly with a hint."""
    if key not in DEFAULTS:
        raise ImproperlyConfigured(f"RETENTION has no period {key!r}; the periods are {sorted(DEFAULTS)}.")
    value = getattr(settings, "RETENTION", {}).get(key, DEFAULTS[key])
    if value is None and key == "audit_years":
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ImproperlyConfigured(
            f"RETENTION[{key!r}] must be a whole number of years (0 or more), not {value!r}: set it in the "
            f"environment as RETENTION_{key.upper()}."
        )
    return value


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The anniversary ``years`` later; 29 February's falls on 1 March in a year without one (as safeguarding
    counts a child's 25th birthday)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, month=3, day=1)


def cutoff(today: datetime.date, years: int) -> datetime.date:
    """The last date whose anniversary ``years`` on (``add_years``) has come by ``today``: a record dated on or
    before it is due. Filtering ``date <= cutoff`` in the database is the same rule as ``add_years(date) <= today``."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # today is 29 February: 28 February's anniversary has come, 1 March's has not
        return today.replace(year=today.year - years, day=28)


@dataclass(frozen=True)
class Rule:
    """One kind of record and when it is anonymised.

    ``due(today)`` gives the records due that day: past their period, not anonymised yet, under no hold; a record
    it gave is gone from it once anonymised, so a second run finds nothing new. ``anonymise(record, today=...,
    actor=...)`` anonymises one, in its own transaction with its audit entries, and answers False when, checked
    again under lock, the record is no longer due (a hold placed meanwhile). ``reference(record)`` names it in the
    run's listing without any personal value. A rule that works on many records at once (the audit log's) gives
    ``anonymise_all(records, today=..., actor=...)`` instead, answering how many it changed.
    """

    name: str
    label: str
    due: Callable[[datetime.date], QuerySet]
    reference: Callable[[Any], str] = str
    anonymise: Callable[..., bool] | None = None
    anonymise_all: Callable[..., int] | None = None

    def __post_init__(self) -> None:
        if (self.anonymise is None) == (self.anonymise_all is None):
            raise ImproperlyConfigured(f"Retention rule {self.name!r} needs exactly one of anonymise, anonymise_all.")


RULES: dict[str, Rule] = {}

# Where a lower floor learns which families are held (a coordinator's hold, safeguarding's retain_until): each
# function gives, for a day, a queryset of the held families' primary keys. Filled by families from its ready().
_FAMILY_HOLDS: list[Callable[[datetime.date], QuerySet]] = []


def register(rule: Rule) -> Rule:
    """Add an app's rule (the same rule again, from a second ready() call, changes nothing; another rule by the same
    name is a mistake)."""
    if RULES.get(rule.name, rule) is not rule:
        raise ImproperlyConfigured(f"Retention rule {rule.name!r} is registered twice.")
    RULES[rule.name] = rule
    return rule


def register_family_holds(held: Callable[[datetime.date], QuerySet]) -> None:
    """Declare how to find the families under a hold on a day (a queryset of their primary keys)."""
    if held not in _FAMILY_HOLDS:
        _FAMILY_HOLDS.append(held)


def exclude_held_families(entries: QuerySet, today: datetime.date, *, field: str = "family_pk") -> QuerySet:
    """Leave out the audit entries about families under a hold: the log is the evidence a hold keeps."""
    for held in _FAMILY_HOLDS:
        entries = entries.exclude(**{f"{field}__in": held(today)})
    return entries


def anonymised_username(user: User) -> str:
    """The username an anonymised account is left with: unique, and naming no one."""
    return f"{ANONYMISED_USERNAME_PREFIX}{user.pk}"


def is_anonymised(user: User) -> bool:
    """Whether the account's personal details were anonymised under retention."""
    return user.username == anonymised_username(user)


def anonymised_text(value: str) -> str:
    """Free text as anonymisation leaves it: the marker where there was something, empty where there was nothing."""
    return ANONYMISED if value else ""


@dataclass
class RuleOutcome:
    """What one rule found due, and what became of it."""

    name: str
    label: str
    due: int = 0
    anonymised: int = 0
    skipped: int = 0
    failed: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)


@dataclass
class RunResult:
    day: datetime.date
    dry_run: bool
    outcomes: list[RuleOutcome]

    @property
    def counts(self) -> dict[str, int]:
        return {outcome.name: outcome.due if self.dry_run else outcome.anonymised for outcome in self.outcomes}

    @property
    def failed(self) -> bool:
        return any(outcome.failed for outcome in self.outcomes)


# The errors one record's anonymisation may meet (a refusal, a database trigger, a file that cannot be removed): its
# transaction is undone, the run goes on with the next record and reports it. Anything else stops the run.
_RECORD_ERRORS = (ActionNotAllowed, DatabaseError, OSError)


def run(*, today: datetime.date | None = None, dry_run: bool = False, actor: User | None = None) -> RunResult:
    """Find what every rule says is due ``today`` and, unless ``dry_run``, anonymise it, then log the run.

    A dry run changes nothing, the audit log included. A real run writes one ``retention_run`` entry with the count
    anonymised for each kind of record (and the references of any that failed), whatever it found.
    """
    today = today or timezone.localdate()
    outcomes = []
    for rule in RULES.values():
        outcome = RuleOutcome(rule.name, rule.label)
        due = rule.due(today)
        if rule.anonymise_all is not None:
            # Possibly very many (the audit log): counted and changed in the database, only the first few listed.
            outcome.due = due.count()
            outcome.references = [rule.reference(record) for record in due[:LISTED]]
            if not dry_run and outcome.due:
                outcome.anonymised = rule.anonymise_all(due, today=today, actor=actor)
        else:
            records = list(due)
            outcome.due = len(records)
            outcome.references = [rule.reference(record) for record in records[:LISTED]]
            if not dry_run:
                _anonymise_each(rule, records, outcome, today=today, actor=actor)
        outcomes.append(outcome)
    result = RunResult(day=today, dry_run=dry_run, outcomes=outcomes)
    if not dry_run:
        _log_run(result, actor=actor)
    return result


def _anonymise_each(
    rule: Rule, records: Iterable[Any], outcome: RuleOutcome, *, today: datetime.date, actor: Any
) -> None:
    anonymise = rule.anonymise
    if anonymise is None:  # a rule has one of the two (Rule.__post_init__)
        return
    for record in records:
        try:
            changed = anonymise(record, today=today, actor=actor)
        except _RECORD_ERRORS as exc:
            logger.error("Retention: %s %s could not be anonymised: %s", rule.name, rule.reference(record), exc)
            outcome.failed.append(rule.reference(record))
            continue
        if changed:
            outcome.anonymised += 1
        else:
            outcome.skipped += 1


@audit.service
def _log_run(result: RunResult, *, actor: User | None) -> AuditEntry:
    total = sum(result.counts.values())
    return audit.record_event(
        event=AuditEvent.RETENTION_RUN,
        actor=actor,
        object_repr=f"Retention run of {result.day.isoformat()}: {total} records anonymised",
        extra={
            "day": result.day.isoformat(),
            "anonymised": result.counts,
            "skipped": {o.name: o.skipped for o in result.outcomes if o.skipped},
            "failed": {o.name: o.failed for o in result.outcomes if o.failed},
        },
    )


# --- Core's own rule: the audit log ------------------------------------------------------------------------------


def audit_entries_due(today: datetime.date) -> QuerySet[AuditEntry]:
    """Entries older than ``RETENTION["audit_years"]`` not anonymised yet (none while it is None: the log is kept
    as written, its personal fields already masked), except those about a family under a hold."""
    years = period("audit_years")
    if years is None:
        return AuditEntry.objects.none()
    last_day = cutoff(today, years)
    # Entries whose whole day is past: before the start of the day after the last due day.
    before = timezone.make_aware(datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time.min))
    entries = AuditEntry.objects.filter(timestamp__lt=before, anonymised=False).order_by("pk")
    return exclude_held_families(entries, today)


def audit_entries_anonymise(entries: QuerySet[AuditEntry], *, today: datetime.date, actor: User | None) -> int:
    """Blank the entries' personal columns through the one path the append-only trigger allows."""
    years = period("audit_years")
    return audit.anonymise_entries(entries, actor=actor, reason=f"Retention: entries older than {years} years")


AUDIT_RULE = Rule(
    name="audit_entries",
    label="Audit entries (who did it by email, and from which address)",
    due=audit_entries_due,
    reference=lambda entry: f"Audit entry #{entry.pk}",
    anonymise_all=audit_entries_anonymise,
)

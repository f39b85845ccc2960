"""Reminders by email that keep the scheme's promises: the registry of reminder kinds, and the daily run.

Core knows no app's records. Each app registers the kinds of reminder it owns from its AppConfig.ready(), and
``python manage.py send_reminders`` (cron or a systemd timer, once a day: README) calls ``run``, which asks every
kind what is due today, leaves out what each person was already sent, and sends each person one email holding
all their kinds, as counts and links only. docs/adr/0014-reminders.md says why it is built this way.

Registering a kind: define it once, at module level in the app's own ``reminders.py``, and register it from the
app's ``AppConfig.ready()`` (``reminders.register(REVIEWS_DUE)``; registering the same object again is harmless, a
second kind by the same name fails). The outcomes app's "reviews due" would read::

    from django.urls import reverse
    from django.utils.translation import ngettext

    from homestart import reminders

    REVIEWS_DUE = reminders.Kind(
        name="outcomes.reviews_due",              # unique, "<app>.<what>", at most 40 characters
        label="Outcome reviews due",              # the choice's label on the person's account page
        recipients=reminders.Recipients.COORDINATORS,   # or VOLUNTEERS, or OWNER (see below)
        optional=True,                            # False: always sent, daily or weekly, never "none"
        due=outcome_reviews_due,                  # (today: datetime.date) -> Iterable[reminders.Due]
        sentence=lambda count: ngettext(          # the email's line for a count (the link follows it)
            "%(count)d family is due an outcome review",
            "%(count)d families are due an outcome review", count) % {"count": count},
        link=lambda: reverse("dashboard"),        # a site-relative path, called at send time
    )

where ``outcome_reviews_due(today)`` yields ``reminders.Due(recipient_id=<user pk>, key="review:<family pk>:<due
date>")`` for every item due for every person in every scheme. The rules a kind keeps:

- ``due(today)`` gives everything *still* due on that day, not only what became due that day: a person who
  chose weekly gets, on the weekly day, what is due then, and a failed send is retried the next day. It runs a
  constant number of queries whatever the number of schemes, families or people (``tests/homestart/
  test_reminders.py`` counts them), and names only active people (``run`` also leaves out inactive ones).
- ``key`` says what the item is about and which occasion, with primary keys and dates only (no name, no text):
  the same thing gives the same key on every day it is due, and a new occasion a new one, so each is sent once.
  ``"dbs:<volunteer pk>:<renewal date>:30"`` is the 30-day step of one renewal; ``"novisit:<family pk>:<last
  visit date>"`` is one lapse of visits. At most 120 characters.
- ``sentence(count)`` and ``link()`` give the email's wording: a count and a link to a page listing the items,
  and never anything about one item. The count is of the items not sent before.
- ``recipients`` is who gets it and whose account page offers the choice: ``COORDINATORS`` (the coordinator role),
  ``VOLUNTEERS`` (the volunteer role), or ``OWNER`` (whoever the item names as its owner, of any case-working
  role: a safeguarding follow-up's owner).

``optional=False`` makes a kind mandatory (safeguarding follow-ups overdue, DBS renewals for coordinators): the
person may choose daily or weekly, never none. A person who has chosen nothing gets every kind daily.
``kinds_for(user)`` lists the kinds a person's account page offers. A registry test
(``tests/homestart/test_registries.py``) checks every expected kind is registered.

Sending: ``run`` sends through Django's email (``EMAIL_URL``), builds absolute links on the ``SITE_URL`` setting,
and records each item sent in ``ReminderSent`` (unique per recipient, kind and key: a second run sends nothing).
A failed send is recorded as failed, with the error, and retried on the next run while the item is still due;
one sent is never sent again. Weekly choices are gathered on ``REMINDERS_WEEKLY_DAY`` (0 = Monday, the default).
"""

import calendar
import contextlib
import datetime
import logging
import smtplib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from homestart.models import ReminderFrequency, ReminderPreference, ReminderSent, ReminderStatus, Role, User

logger = logging.getLogger(__name__)

NAME_MAX = 40
KEY_MAX = 120


class Recipients(models.TextChoices):
    """Who receives a kind of reminder (and whose account page offers its choice)."""

    COORDINATORS = "coordinators", "Coordinators"
    VOLUNTEERS = "volunteers", "Volunteers"
    OWNER = "owner", "The item's owner"


# The roles whose account page offers a kind, by its recipients.
ROLES: dict[str, tuple[str, ...]] = {
    Recipients.COORDINATORS: (Role.COORDINATOR,),
    Recipients.VOLUNTEERS: (Role.VOLUNTEER,),
    Recipients.OWNER: (Role.COORDINATOR, Role.VOLUNTEER),
}


class Due(NamedTuple):
    """One item due for one person: whom it is for (a user's pk) and what it is (see the module docstring)."""

    recipient_id: int
    key: str


@dataclass(frozen=True)
class Kind:
    """One kind of reminder (module docstring)."""

    name: str
    label: str
    recipients: str
    optional: bool
    due: Callable[[datetime.date], Iterable[Due]]
    sentence: Callable[[int], str]
    link: Callable[[], str]
    roles: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.name or len(self.name) > NAME_MAX:
            raise ImproperlyConfigured(f"A reminder kind's name is 1 to {NAME_MAX} characters, not {self.name!r}.")
        if self.recipients not in ROLES:
            raise ImproperlyConfigured(
                f"Reminder kind {self.name!r}: recipients must be one of {sorted(ROLES)}, not {self.recipients!r}."
            )
        if not self.roles:
            object.__setattr__(self, "roles", ROLES[self.recipients])


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add an app's kind (the same kind again, from a second ready() call, changes nothing; another kind by the same
    name is a mistake)."""
    if KINDS.get(kind.name, kind) is not kind:
        raise ImproperlyConfigured(f"Reminder kind {kind.name!r} is registered twice.")
    KINDS[kind.name] = kind
    return kind


def kinds_for(user: User) -> list[Kind]:
    """The kinds a person may get, and choose how often on their account page: those of their role."""
    return [kind for kind in KINDS.values() if user.role in kind.roles]


def frequencies(kind: Kind) -> list[tuple[str, str]]:
    """The choices a person has for a kind: daily or weekly, and never only for an optional kind."""
    allowed = [ReminderFrequency.DAILY, ReminderFrequency.WEEKLY]
    if kind.optional:
        allowed.append(ReminderFrequency.NONE)
    return [(value, ReminderFrequency(value).label) for value in allowed]


def choices_for(user: User) -> dict[str, str]:
    """How often the person gets each kind of their role now (daily where they have chosen nothing; one query)."""
    chosen = dict(ReminderPreference.objects.filter(user_id=user.pk).values_list("kind", "frequency"))
    return {kind.name: _frequency(kind, chosen.get(kind.name)) for kind in kinds_for(user)}


def weekly_day() -> int:
    """The day weekly choices are gathered and sent (0 = Monday ... 6 = Sunday): ``REMINDERS_WEEKLY_DAY``."""
    day = getattr(settings, "REMINDERS_WEEKLY_DAY", 0)
    if not isinstance(day, int) or isinstance(day, bool) or not 0 <= day <= 6:
        raise ImproperlyConfigured(
            f"REMINDERS_WEEKLY_DAY must be a day of the week from 0 (Monday) to 6 (Sunday), not {day!r}."
        )
    return day


def weekly_day_name() -> str:
    return calendar.day_name[weekly_day()]


def site_url() -> str:
    """The address people open the app at, for the links in emails (``SITE_URL``), without a trailing slash."""
    url = (getattr(settings, "SITE_URL", "") or "").strip().rstrip("/")
    if not url.startswith(("https://", "http://")):
        raise ImproperlyConfigured(
            "SITE_URL is not set: set it in the environment to the address people open the app at, for example "
            "SITE_URL=https://homestart.example.org, so that reminder emails link to the right place."
        )
    return url


_FREQUENCIES = frozenset(ReminderFrequency.values)


def _frequency(kind: Kind, chosen: str | None) -> str:
    """What a person gets: their choice, daily without one; a mandatory kind is never switched off (a "none"
    stored before the kind became mandatory counts as daily)."""
    if chosen not in _FREQUENCIES:
        return ReminderFrequency.DAILY
    if chosen == ReminderFrequency.NONE and not kind.optional:
        return ReminderFrequency.DAILY
    return chosen


@dataclass
class Line:
    """One line of an email: a kind, how many of its items are new to the person, and where to see them."""

    kind: Kind
    count: int
    text: str
    url: str


@dataclass
class Email:
    """What one person is sent in one run: one line per kind, and the items it carries (kind -> keys)."""

    recipient: User
    lines: list[Line]
    items: dict[str, list[str]]
    # The attempts already made for the items a failed send left (kind, key) -> attempts: they are retried now.
    attempts: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(line.count for line in self.lines)


@dataclass
class RunResult:
    day: datetime.date
    dry_run: bool
    emails: list[Email] = field(default_factory=list)
    sent: int = 0
    failed: int = 0
    # People with something due but no email address on their account (a coordinator should add one).
    without_address: int = 0

    def count(self, kind_name: str) -> tuple[int, int]:
        """How many people get the kind in this run, and how many of its items in all."""
        lines = [line for email in self.emails for line in email.lines if line.kind.name == kind_name]
        return len(lines), sum(line.count for line in lines)


def _gather(today: datetime.date) -> dict[int, dict[str, set[str]]]:
    """Everything due today, by person and kind (each kind's own constant number of queries)."""
    due: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for kind in KINDS.values():
        for item in kind.due(today):
            if len(item.key) > KEY_MAX:
                raise ImproperlyConfigured(f"Reminder kind {kind.name!r} gave a key longer than {KEY_MAX}: {item.key}")
            due[item.recipient_id][kind.name].add(item.key)
    return due


def plan(*, today: datetime.date) -> list[Email]:
    """The emails of a run on ``today``: for each active person with an email address, the kinds their choices
    send today, with the items not sent before (a failed one is tried again, even on a weekly person's other
    days). A constant number of queries beyond the kinds' own: people, choices, what was sent."""
    due = _gather(today)
    if not due:
        return []
    users = {
        user.pk: user
        for user in User.objects.filter(pk__in=list(due), is_active=True).select_related("scheme").order_by("pk")
    }
    chosen = {
        (row.user_id, row.kind): row.frequency
        for row in ReminderPreference.objects.filter(user_id__in=list(users)).only("user_id", "kind", "frequency")
    }
    keys = {key for by_kind in due.values() for kind_keys in by_kind.values() for key in kind_keys}
    records = {
        (row.recipient_id, row.kind, row.key): row
        for row in ReminderSent.objects.filter(recipient_id__in=list(users), key__in=sorted(keys)).only(
            "recipient_id", "kind", "key", "status", "attempts"
        )
    }
    weekly_today = today.weekday() == weekly_day()
    base = site_url()
    links: dict[str, str] = {}  # each kind's link, reversed once a run
    emails = []
    for user_pk, by_kind in sorted(due.items()):
        user = users.get(user_pk)
        if user is None:
            continue
        email = Email(recipient=user, lines=[], items={})
        for kind in KINDS.values():  # the registry's order: the same in every email
            keys_due = by_kind.get(kind.name)
            if not keys_due or user.role not in kind.roles:
                continue
            frequency = _frequency(kind, chosen.get((user_pk, kind.name)))
            if frequency == ReminderFrequency.NONE:
                continue
            new, retried = [], {}
            for key in sorted(keys_due):
                record = records.get((user_pk, kind.name, key))
                if record is None:
                    new.append(key)
                elif record.status == ReminderStatus.FAILED:
                    new.append(key)
                    retried[(kind.name, key)] = record.attempts
            if not new or (frequency == ReminderFrequency.WEEKLY and not weekly_today and not retried):
                continue
            email.items[kind.name] = new
            email.attempts.update(retried)
            if kind.name not in links:
                links[kind.name] = base + kind.link()
            email.lines.append(Line(kind=kind, count=len(new), text=kind.sentence(len(new)), url=links[kind.name]))
        if email.lines:
            emails.append(email)
    return emails


def render(email: Email, *, today: datetime.date) -> EmailMultiAlternatives:
    """The email: a subject naming the scheme, and its lines as counts and links, in text and HTML. Nothing about
    any family, child or volunteer, the recipient included (the account page's link is the only other one)."""
    context = {
        "scheme_name": email.recipient.scheme.name,
        "lines": email.lines,
        "today": today,
        "preferences_url": site_url() + reverse("reminder_preferences"),
        "sign_in_url": site_url() + reverse("login"),
    }
    things = ngettext("%(count)d thing to look at", "%(count)d things to look at", email.count) % {"count": email.count}
    subject = f"Reminders from {email.recipient.scheme.name}: {things}"
    text = render_to_string("homestart/email/reminders.txt", context)
    html = render_to_string("homestart/email/reminders.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [email.recipient.email])
    message.attach_alternative(html, "text/html")
    return message


def _error_text(exc: Exception, email: Email) -> str:
    """The error as recorded: its kind and message, without the recipient's address (SMTP errors quote it)."""
    message = f"{type(exc).__name__}: {exc}"
    if email.recipient.email:
        message = message.replace(email.recipient.email, "[recipient]")
    return message[:300]


# An arbitrary constant of this product's: the advisory lock held while a run sends, so two never overlap.
RUN_LOCK = 4_711_000_014


class AlreadyRunning(Exception):
    """Another run is sending now (a cron line and a manual run at once): this one sends nothing."""


@contextlib.contextmanager
def _run_lock() -> Iterator[None]:
    """Hold the run's lock on PostgreSQL (a session lock, so each email's own transaction can commit)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [RUN_LOCK])
        if not cursor.fetchone()[0]:
            raise AlreadyRunning("Another send_reminders run is sending now; this one sent nothing.")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [RUN_LOCK])


# Errors sending one email may meet (the mail server refusing it or not answering): recorded, retried next run.
SEND_ERRORS = (smtplib.SMTPException, OSError)


def run(*, today: datetime.date | None = None, dry_run: bool = False) -> RunResult:
    """Send today's reminders: one email per person with all their kinds, each item once (module docstring).

    A dry run sends and records nothing. Otherwise each email is sent, then recorded (sent or failed) with its
    audit entry, before the next one: a run stopped half-way has recorded every email it sent.
    """
    today = today or timezone.localdate()
    result = RunResult(day=today, dry_run=dry_run)
    # Planned under the lock too: a run that planned while another was still sending would send its emails again.
    with contextlib.nullcontext() if dry_run else _run_lock():
        for email in plan(today=today):
            if email.recipient.email:
                result.emails.append(email)
            else:
                result.without_address += 1
        if not dry_run and result.emails:
            _send_all(result, today=today)
    return result


def _send_all(result: RunResult, *, today: datetime.date) -> None:
    from homestart import services

    mail = get_connection()
    try:
        for email in result.emails:
            message = render(email, today=today)
            message.connection = mail
            try:
                message.send()
            except SEND_ERRORS as exc:
                logger.warning("Reminder email to user %s could not be sent: %s", email.recipient.pk, exc)
                mail.close()  # a broken connection is opened afresh for the next email
                services.reminders_record(
                    recipient=email.recipient, items=email.items, attempts=email.attempts, error=_error_text(exc, email)
                )
                result.failed += 1
            else:
                services.reminders_record(recipient=email.recipient, items=email.items, attempts=email.attempts)
                result.sent += 1
    finally:
        mail.close()


def coordinators_by_scheme(scheme_ids: Iterable[int]) -> dict[int, list[int]]:
    """The active coordinators of each scheme, by pk (one query): for the kinds that tell every coordinator of the
    scheme (a volunteer's DBS renewal, supervision overdue)."""
    found: dict[int, list[int]] = defaultdict(list)
    rows = User.objects.filter(role=Role.COORDINATOR, is_active=True, scheme_id__in=sorted(set(scheme_ids)))
    for pk, scheme_id in rows.order_by("pk").values_list("pk", "scheme_id"):
        found[scheme_id].append(pk)
    return found

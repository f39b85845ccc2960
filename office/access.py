"""Who has seen a family's records, and which families a person opened: read from the audit log (issue 12).

Every read of a family's records and every disclosure of them leaves an entry naming the family (``family_pk``,
filled from each app's ``audit.family_of``). These selectors read those entries for two pages: one family's, for its
coordinators and the scheme's safeguarding leads; one person's, for the safeguarding leads. Both answer in the same
few queries whatever the number of entries: one page of rows is fetched, with the person who acted joined in.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone

from consents.audit import ConsentAuditEvent
from families.models import Family
from homestart.models import AuditEntry, User
from safeguarding.audit import SafeguardingAuditEvent

ENTRIES_PER_PAGE = 50
FAMILIES_PER_PAGE = 50
DEFAULT_PERIOD_DAYS = 30

# Events that let a family's records out of the case file (a disclosure, a print, a download, an export). Written
# with ``record_event`` they are reads (ACCESS) already; named here so that one written as the creation of its record
# (a disclosure saved with ``record_change``) is still listed.
DISCLOSING_EVENTS = frozenset(
    {
        ConsentAuditEvent.DISCLOSURE_RECORDED,
        ConsentAuditEvent.LETTER_PRINTED,
        ConsentAuditEvent.SCAN_DOWNLOADED,
        ConsentAuditEvent.REGISTER_EXPORTED,
        SafeguardingAuditEvent.CHRONOLOGY_PRINTED,
    }
)


def _seen() -> Q:
    """Entries that say someone saw, or let out, a record: reads (ACCESS) and disclosing events."""
    return Q(action=AuditEntry.Action.ACCESS) | Q(event__in=DISCLOSING_EVENTS)


def family_access_entries(family: Family, *, person_id: int | None = None) -> QuerySet[AuditEntry]:
    """Every read and disclosure of the family's records, newest first, with who did it; only one person's if asked.

    Nothing about another family can appear: the rows are chosen by the family they are about, and nothing else.
    """
    entries = AuditEntry.objects.filter(_seen(), family_pk=family.pk)
    if person_id is not None:
        entries = entries.filter(actor_id=person_id)
    return entries.select_related("actor").order_by("-timestamp", "-pk")


def people_in_family_access(family: Family) -> QuerySet[User]:
    """The people who appear in the family's reads and disclosures, by name (to filter the page by one of them)."""
    actors = AuditEntry.objects.filter(_seen(), family_pk=family.pk, actor__isnull=False).values("actor_id")
    return User.objects.filter(pk__in=actors).order_by("first_name", "last_name", "username")


def people_in_scheme(scheme_id: int) -> QuerySet[User]:
    """Everyone with an account in the scheme, closed accounts too (what they read stays on record), by name."""
    return User.objects.filter(scheme_id=scheme_id).order_by("first_name", "last_name", "username")


def default_period() -> tuple[datetime.date, datetime.date]:
    """The last 30 days, today included."""
    today = timezone.localdate()
    return today - datetime.timedelta(days=DEFAULT_PERIOD_DAYS - 1), today


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass(frozen=True)
class FamilyOpened:
    """One family a person opened or whose records they read in a period: how often, first and last time."""

    family: Family
    reads: int
    first: datetime.datetime
    last: datetime.datetime


def families_seen_by(person: User, *, scheme_id: int, since: datetime.date, until: datetime.date) -> QuerySet:
    """The families of the scheme the person opened or whose records they read from ``since`` to ``until`` (both
    days included, in the scheme's time), one row per family (``family_pk``, ``reads``, ``first``, ``last``), the
    most recently seen first. Families of another scheme are never counted, whoever the person was before."""
    return (
        AuditEntry.objects.filter(
            _seen(),
            actor=person,
            family_pk__in=Family.objects.filter(scheme_id=scheme_id).values("pk"),
            timestamp__gte=_start_of(since),
            timestamp__lt=_start_of(until + datetime.timedelta(days=1)),
        )
        .values("family_pk")
        .annotate(reads=Count("pk"), first=Min("timestamp"), last=Max("timestamp"))
        .order_by("-last", "-family_pk")
    )


def families_opened(rows: list[dict[str, Any]], *, scheme_id: int) -> list[FamilyOpened]:
    """One page of ``families_seen_by`` rows with their families (reference and name): one query for the page."""
    families = Family.objects.filter(scheme_id=scheme_id, pk__in=[row["family_pk"] for row in rows]).only(
        "pk", "reference", "family_name"
    )
    by_pk = {family.pk: family for family in families}
    return [
        FamilyOpened(family=by_pk[row["family_pk"]], reads=row["reads"], first=row["first"], last=row["last"])
        for row in rows
        if row["family_pk"] in by_pk
    ]

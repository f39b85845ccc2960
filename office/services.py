"""Writes that change several apps at once, on the top floor: closing a coordinator's account with their families
handed over in the same transaction; and the audit entries of the top floor's pages (the case file opened, who has
seen a family's records read)."""

import datetime
from collections.abc import Mapping

from families import selectors as family_selectors
from families import services as family_services
from families.audit import FamilyAuditEvent
from families.models import Family
from homestart import audit
from homestart import services as account_services
from homestart.exceptions import ActionNotAllowed
from homestart.models import AuditEntry, User
from homestart.permissions import can_manage_account
from office.audit import OfficeAuditEvent
from office.permissions import can_see_access_by_person, can_see_records_about


@audit.service
def user_deactivate_with_handover(*, user: User, handover: Mapping[int, User], actor: User) -> User:
    """Deactivate an account, first handing each family the person leads to the coordinator chosen for it.

    All in one transaction: every family moves (the private notes' read permission with it, and through
    ``families.hooks.coordinator_changed`` the supervision records about it) and the account is deactivated, or
    nothing changes. ``handover`` maps each family's pk to its new coordinator, and must name exactly the families the
    person leads once their account is locked, so a family given to them since the page was opened is never stranded.
    Each step's own service writes its entries (the families' new coordinators, the account deactivated).
    """
    if not can_manage_account(actor, user):
        raise ActionNotAllowed("Only an administrator of this scheme can manage accounts.")
    if user.pk == actor.pk:
        raise ActionNotAllowed("You cannot deactivate your own account.")
    # The families first, then the people in one order, as family_change_coordinator locks them: two requests
    # handing families over at once wait for each other instead of deadlocking.
    list(family_selectors.families_led_by(user).select_for_update())
    wanted = {user.pk, *(coordinator.pk for coordinator in handover.values())}
    people = {person.pk: person for person in User.objects.select_for_update().filter(pk__in=wanted).order_by("pk")}
    # With the person locked nobody can give them another family, so this is the list that must be handed over.
    families = list(family_selectors.families_led_by(user))
    if {family.pk for family in families} != set(handover):
        raise ActionNotAllowed(
            f"The families {user} leads changed while this page was open. Choose who takes over each one again."
        )
    for family in families:
        coordinator = people.get(handover[family.pk].pk)
        if coordinator is None or coordinator.pk == user.pk:
            raise ActionNotAllowed(f"Choose a coordinator other than {user} to take over each family.")
        family_services.family_change_coordinator(family=family, coordinator=coordinator, actor=actor)
    return account_services.user_deactivate(user=people[user.pk], actor=actor)


# Reads only append audit entries: inside the page's transaction they need no savepoint (two queries) of their own.


@audit.service(savepoint=False)
def case_file_opened(*, family: Family, reader: User) -> AuditEntry:
    """Record that someone opened the family's case file (one entry per page view, whatever the page shows), so
    "which families did this person open" has an answer beside the reads of each record on the page."""
    return audit.record_event(event=FamilyAuditEvent.FAMILY_VIEWED, instance=family, actor=reader)


@audit.service(savepoint=False)
def family_access_read(*, family: Family, reader: User, page: int, person: User | None) -> AuditEntry:
    """Record that someone read who has seen the family's records (which page, and whether for one person only):
    reading the log is itself a read of records about the family."""
    if not can_see_records_about(reader, family):
        raise ActionNotAllowed("Only the family's coordinators and the scheme's safeguarding leads can see this.")
    extra = {"page": page, "person": person.pk if person is not None else None}
    return audit.record_event(event=OfficeAuditEvent.FAMILY_ACCESS_READ, instance=family, actor=reader, extra=extra)


@audit.service(savepoint=False)
def person_access_read(
    *, person: User, reader: User, since: datetime.date, until: datetime.date, page: int
) -> AuditEntry:
    """Record that a safeguarding lead read which families a person of their scheme opened in a period."""
    if not can_see_access_by_person(reader) or person.scheme_id != reader.scheme_id:
        raise ActionNotAllowed("Only a safeguarding lead of this scheme can see which families a person opened.")
    return audit.record_event(
        event=OfficeAuditEvent.PERSON_ACCESS_READ,
        instance=person,
        actor=reader,
        extra={"from": since.isoformat(), "to": until.isoformat(), "page": page},
    )

"""Every write about safeguarding concerns (P12).

Each step locks its concern, asks ``safeguarding.workflow.refusal`` whether it may happen now, writes one
timeline row and moves the status on. Every service is an ``@audit.service``: in its transaction it writes an audit
entry for each record it creates or changes, with an event type of ``safeguarding.audit`` and the free text, the
category and the dates masked, and one for each concern read (ADR 0011). No step deletes anything: only retention
(``concern_anonymise``) removes a timeline, once the concern is past ``retain_until``.
"""

import datetime
import hashlib
import logging
from collections.abc import Sequence
from functools import partial
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from consents import bases as consent_bases
from consents import services as consent_services
from consents.models import Category, Disclosure
from families import retention as family_retention
from families.models import Family, HouseholdMember, MemberKind, Professional
from families.selectors import is_assigned
from homestart import audit, pdf
from homestart import retention as core_retention
from homestart.exceptions import ActionNotAllowed, save_or_refuse
from homestart.models import AuditEvent, User
from homestart.selectors import active_coordinators
from homestart.services import record_anonymise
from safeguarding import selectors, workflow
from safeguarding.audit import SafeguardingAuditEvent
from safeguarding.models import REFERRAL_DECISIONS, Concern, ConcernStep, Decision, FollowUp, StepKind
from safeguarding.permissions import can_raise_concern, can_see_concerns_of
from safeguarding.workflow import Action

logger = logging.getLogger(__name__)

RETAIN_FOR_YEARS = 25

# Public functions that write nothing: the email to the leads (sent once the concern is committed), and the rules and
# look-ups the pages and services share.
WRITES_NOTHING = ("retention_date", "lead_addresses", "concern_notify_leads", "referral_decision_recipients_hint")


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February: the birthday falls on 1 March in a year without one
        return day.replace(year=day.year + years, month=3, day=1)


def retention_date(children: Sequence[HouseholdMember], family: Family, observed_on: datetime.date) -> datetime.date:
    """The day the youngest child concerned turns 25 (an unborn child counts from the due date).

    With no child named, the family's youngest child counts; with no child recorded at all, the day of the concern.
    """
    candidates = list(children) or [member for member in family.members.all() if member.kind == MemberKind.CHILD]
    births = [child.date_of_birth or child.expected_due_date for child in candidates]
    births = [birth for birth in births if birth is not None]
    return _add_years(max(births) if births else observed_on, RETAIN_FOR_YEARS)


@audit.service
def concern_raise(
    *,
    family: Family,
    children: Sequence[HouseholdMember],
    category: str,
    account: str,
    observed_on: datetime.date,
    observed_time: datetime.time | None,
    immediate_danger: bool,
    actor: User,
    site_root: str,
) -> Concern:
    """Record a worry about a child and tell the scheme's safeguarding leads at once (the email names no one)."""
    if not can_raise_concern(actor, family, is_assigned=is_assigned(actor, family)):
        raise ActionNotAllowed("Only a coordinator, or a volunteer supporting this family now, can raise a concern.")
    children = list(children)
    if any(child.family_id != family.pk or child.kind != MemberKind.CHILD for child in children):
        raise ActionNotAllowed("Choose children from this family.")
    if not account.strip():
        raise ActionNotAllowed("Say what you saw or heard.")
    if observed_on > timezone.localdate():
        raise ActionNotAllowed("The date cannot be in the future.")
    concern = save_or_refuse(
        Concern(
            scheme_id=family.scheme_id,
            family=family,
            category=category,
            account=account.strip(),
            observed_on=observed_on,
            observed_time=observed_time,
            immediate_danger=immediate_danger,
            urgent=immediate_danger,
            raised_by=actor,
            retain_until=retention_date(children, family, observed_on),
        )
    )
    audit.record_change(concern, event=SafeguardingAuditEvent.CONCERN_RAISED, created=True, actor=actor)
    # The children by id: their names never reach the log.
    audit.set_m2m(concern, "children", children, event=SafeguardingAuditEvent.CONCERN_RAISED, actor=actor)
    link = urljoin(site_root, reverse("safeguarding:concern_detail", args=[concern.pk]))
    transaction.on_commit(partial(concern_notify_leads, concern_pk=concern.pk, link=link))
    return concern


def _hold_until(concern: Concern, day: datetime.date, *, actor: User | None) -> bool:
    """Move a concern's retention date to ``day``: only ever later (the database refuses earlier too, on PostgreSQL).
    The entry says that it moved, never to when (the date gives away the youngest child's date of birth)."""
    if day < concern.retain_until:
        raise ActionNotAllowed(
            f"A safeguarding record is held until {concern.retain_until:%-d %B %Y}; that date can only move later."
        )
    if day == concern.retain_until:
        return False
    before = audit.snapshot(concern)
    concern.retain_until = day
    concern.save(update_fields=["retain_until"])
    audit.record_change(concern, event=SafeguardingAuditEvent.CONCERN_HELD_LONGER, before=before, actor=actor)
    return True


@audit.service
def concerns_retention_recompute(
    *, family: Family, children: Sequence[HouseholdMember], actor: User | None = None
) -> list[Concern]:
    """Recompute how long the family's concerns are held after a child was added, born or had their dates
    corrected (subscribed to ``families.hooks.children_changed``).

    Affected are the concerns naming one of those children, and those naming no child (the family's youngest child
    counts for them). A date only moves later: a baby born before the due date, or a corrected date of birth, never
    shortens how long a record is held. Returns the concerns whose date moved.
    """
    child_ids = [child.pk for child in children]
    affected = (
        Concern.objects.filter(family_id=family.pk)
        .filter(Q(children__in=child_ids) | Q(children__isnull=True))
        .values_list("pk", flat=True)
    )
    ids = sorted(set(affected))
    if not ids:
        return []
    family = Family.objects.prefetch_related("members").get(pk=family.pk)
    moved = []
    concerns = Concern.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
    for concern in concerns.prefetch_related("children"):
        later = max(concern.retain_until, retention_date(list(concern.children.all()), family, concern.observed_on))
        if _hold_until(concern, later, actor=actor):
            moved.append(concern)
    return moved


def lead_addresses(concern: Concern) -> list[str]:
    """The scheme's safeguarding leads; with none on record, the family's coordinator, so someone is always told."""
    leads = active_coordinators(concern.scheme_id).filter(is_safeguarding_lead=True).exclude(email="")
    addresses = sorted(leads.values_list("email", flat=True))
    coordinator = concern.family.lead_coordinator
    if not addresses and coordinator is not None and coordinator.is_active and coordinator.email:
        addresses = [coordinator.email]
    return addresses


def concern_notify_leads(*, concern_pk: int, link: str) -> int:
    """Email the leads that a concern needs review. No names, no reference, no account: only a link to sign in to.

    Runs after the concern is committed; a mail failure is logged and leaves the concern on the leads' dashboard.
    """
    concern = Concern.objects.select_related("family__lead_coordinator", "scheme").get(pk=concern_pk)
    addresses = lead_addresses(concern)
    if not addresses:
        logger.error("Safeguarding concern %s raised but no safeguarding lead has an email address", concern.pk)
        return 0
    urgency = "URGENT: " if concern.urgent else ""
    subject = f"{urgency}A safeguarding concern needs review"
    lines = [
        f"A safeguarding concern was raised at {concern.scheme.name} on "
        f"{timezone.localtime(concern.raised_at):%-d %B %Y at %H:%M} and needs review by a safeguarding lead.",
    ]
    if concern.urgent:
        lines.append("The person who raised it said a child may be in immediate danger.")
    lines += [
        "",
        f"Sign in to read it: {link}",
        "",
        "This email deliberately contains no personal details. Do not forward it or reply with any.",
    ]
    try:
        return send_mail(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, addresses, fail_silently=False)
    except Exception:  # noqa: BLE001 - any mail failure: the concern is safe and listed on the dashboard
        logger.exception("Could not email the safeguarding leads about concern %s", concern.pk)
        return 0


@audit.service(savepoint=False)
def concern_read(*, concern: Concern, reader: User) -> Concern:
    """Record that someone read a concern in full (an audit ACCESS entry)."""
    if not can_see_concerns_of(reader, concern.family):
        raise ActionNotAllowed("Only a safeguarding lead or the family's coordinator can read this concern.")
    audit.record_event(event=SafeguardingAuditEvent.CONCERN_READ, instance=concern, actor=reader)
    return concern


@audit.service(savepoint=False)
def family_safeguarding_read(*, family: Family, reader: User, is_assigned: bool) -> dict[str, Any]:
    """The family page's safeguarding section: who may raise, the concerns the reader may read (recorded as read),
    and receipts for concerns the reader raised but may not read."""
    readable = can_see_concerns_of(reader, family)
    concerns = list(selectors.family_concerns(reader, family)) if readable else []
    _record_reads(concerns, reader)
    return {
        "can_raise": can_raise_concern(reader, family, is_assigned=is_assigned),
        "can_read": readable,
        "concerns": concerns,
        # Whoever may read the family's concerns reads every one of them: a receipt is for those who may not.
        "receipts": [] if readable else list(selectors.family_receipts(reader, family)),
    }


@audit.service(savepoint=False)
def concerns_listed(*, concerns: Sequence[Concern], reader: User) -> int:
    """Record that a list showed someone these concerns (one statement for the whole list)."""
    return _record_reads(concerns, reader)


def _record_reads(concerns: Sequence[Concern], reader: User) -> int:
    # The services that show concerns record them with this, in their own transaction.
    return audit.record_reads(instances=concerns, actor=reader, event=SafeguardingAuditEvent.CONCERN_READ)


def _locked(concern: Concern, action: Action, actor: User) -> Concern:
    locked = Concern.objects.select_for_update(of=("self",)).select_related("family").get(pk=concern.pk)
    refusal = workflow.refusal(locked, action, actor)
    if refusal:
        raise ActionNotAllowed(refusal)
    return locked


def _check_date(occurred_on: datetime.date, concern: Concern) -> None:
    if occurred_on > timezone.localdate():
        raise ActionNotAllowed("The date cannot be in the future.")
    raised_on = timezone.localtime(concern.raised_at).date() if concern.raised_at else concern.observed_on
    if occurred_on < raised_on:
        raise ActionNotAllowed(f"The date cannot be before the concern was raised ({raised_on:%-d %B %Y}).")


def _step(
    concern: Concern, action: Action, actor: User, *, event: str, before: Concern | None = None, **fields: Any
) -> ConcernStep:
    """Write the timeline row and move the concern's status on, each with its entry. ``before`` is the concern's
    snapshot when the service changed it already (marked urgent), so that one entry holds the whole change."""
    _check_date(fields["occurred_on"], concern)
    before = before or audit.snapshot(concern)
    step = save_or_refuse(ConcernStep(concern=concern, recorded_by=actor, **fields))
    audit.record_change(step, event=event, created=True, actor=actor)
    status = workflow.next_status(concern, action)
    if status != concern.status:
        concern.status = status
        if action == Action.REVIEW:
            concern.reviewed_at = timezone.now()
        if action == Action.CLOSE:
            concern.closed_at = timezone.now()
        concern.save(update_fields=["status", "reviewed_at", "closed_at"])
    audit.record_change(concern, event=event, before=before, actor=actor)
    return step


@audit.service
def concern_review(
    *, concern: Concern, notes: str, urgent: bool, occurred_on: datetime.date, actor: User
) -> ConcernStep:
    """The first look by a safeguarding lead or the family's coordinator; they may mark the concern urgent."""
    concern = _locked(concern, Action.REVIEW, actor)
    before = audit.snapshot(concern)
    if urgent and not concern.urgent:
        concern.urgent = True
        concern.save(update_fields=["urgent"])
    return _step(
        concern,
        Action.REVIEW,
        actor,
        event=SafeguardingAuditEvent.CONCERN_REVIEWED,
        before=before,
        kind=StepKind.REVIEW,
        occurred_on=occurred_on,
        details=notes.strip(),
    )


@audit.service
def concern_record_discussion(
    *,
    concern: Concern,
    occurred_on: datetime.date,
    participants: str,
    what_was_said: str,
    family_response: str,
    actor: User,
) -> ConcernStep:
    """The conversation with the family about the concern: when, who took part, what was said, how they responded."""
    concern = _locked(concern, Action.DISCUSS, actor)
    if not (participants.strip() and what_was_said.strip() and family_response.strip()):
        raise ActionNotAllowed("Record who took part, what was said and how the family responded.")
    return _step(
        concern,
        Action.DISCUSS,
        actor,
        event=SafeguardingAuditEvent.CONCERN_DISCUSSED,
        kind=StepKind.DISCUSSION,
        occurred_on=occurred_on,
        participants=participants.strip(),
        details=what_was_said.strip(),
        family_response=family_response.strip(),
    )


@audit.service
def concern_record_no_discussion(
    *, concern: Concern, occurred_on: datetime.date, reason: str, actor: User
) -> ConcernStep:
    """A safeguarding lead's decision that discussing the concern with the family first would put the child at
    greater risk, with the reason."""
    concern = _locked(concern, Action.NO_DISCUSSION, actor)
    if not reason.strip():
        raise ActionNotAllowed("Give the reason discussing it with the family would put the child at greater risk.")
    return _step(
        concern,
        Action.NO_DISCUSSION,
        actor,
        event=SafeguardingAuditEvent.CONCERN_NOT_DISCUSSED,
        kind=StepKind.NO_DISCUSSION,
        occurred_on=occurred_on,
        details=reason.strip(),
    )


@audit.service
def concern_decide(
    *, concern: Concern, decision: str, reason: str, occurred_on: datetime.date, actor: User
) -> ConcernStep:
    """What the scheme will do about the concern: no further action, monitor, early help, or a referral."""
    concern = _locked(concern, Action.DECIDE, actor)
    if decision not in Decision.values:
        raise ActionNotAllowed("Choose a decision from the list.")
    if not reason.strip():
        raise ActionNotAllowed("Give the reasons for the decision.")
    return _step(
        concern,
        Action.DECIDE,
        actor,
        event=SafeguardingAuditEvent.CONCERN_DECIDED,
        kind=StepKind.DECISION,
        occurred_on=occurred_on,
        decision=decision,
        details=reason.strip(),
    )


def _referral_basis_check(proposal: consent_bases.Proposal) -> str | None:
    """A safeguarding referral needs its concern, about this family, at a point the workflow allows (P12)."""
    if not isinstance(proposal.evidence, Concern):
        return "A safeguarding referral is recorded from its concern."
    concern = Concern.objects.select_for_update(of=("self",)).select_related("family").get(pk=proposal.evidence.pk)
    if concern.family_id != proposal.family.pk:
        return "That concern is not about this family."
    return workflow.refusal(concern, Action.REFER, proposal.actor) or None


def _referral_link(disclosure: Disclosure, proposal: consent_bases.Proposal) -> None:
    """The referral is a step on the concern's timeline, pointing at its line of the register."""
    concern = Concern.objects.select_for_update(of=("self",)).select_related("family").get(pk=proposal.evidence.pk)
    _step(
        concern,
        Action.REFER,
        proposal.actor,
        event=SafeguardingAuditEvent.CONCERN_REFERRED,
        kind=StepKind.REFERRAL,
        occurred_on=disclosure.disclosed_on,
        details=disclosure.summary,
        disclosure=disclosure,
    )


def _referral_description(disclosure: Disclosure) -> consent_bases.BasisLink:
    concern_id = getattr(disclosure, "safeguarding_concern_id", None) or disclosure.concern_step.concern_id
    return consent_bases.BasisLink(
        f"Safeguarding: concern {concern_id}", reverse("safeguarding:concern_detail", args=[concern_id])
    )


SAFEGUARDING_BASIS = consent_bases.Basis(
    name="safeguarding",
    label="A safeguarding decision (a child may be at risk)",
    check=_referral_basis_check,
    # Listed in the register only for those who may read the concern: for anyone else it does not exist.
    visible_to=lambda user: Q(concern_step__concern__in=selectors.concerns_for_user(user)),
    describe=_referral_description,
    link=_referral_link,
    annotate=lambda rows: rows.annotate(safeguarding_concern_id=F("concern_step__concern_id")),
    from_register=False,
)


@audit.service
def concern_refer(
    *,
    concern: Concern,
    recipient: Professional,
    reference_number: str,
    what_was_shared: str,
    categories: Sequence[str],
    method: str,
    referred_on: datetime.date,
    actor: User,
) -> ConcernStep:
    """The referral to children's social care or the police, recorded in the disclosure register with the basis
    "safeguarding" (P1, P12). Allowed only after the family was spoken to or a lead recorded why not, except for
    an urgent concern, which may be referred at once. The register's service checks the basis again and the
    basis writes the referral step, so no caller can record a referral early or without its concern."""
    concern = _locked(concern, Action.REFER, actor)
    _check_date(referred_on, concern)
    categories = list(dict.fromkeys([Category.CONCERN, *categories]))
    disclosure = consent_services.disclosure_record(
        family=concern.family,
        recipient=recipient,
        categories=categories,
        summary=what_was_shared,
        method=method,
        disclosed_on=referred_on,
        basis=SAFEGUARDING_BASIS.name,
        evidence=concern,
        reference_number=reference_number,
        actor=actor,
    )
    return disclosure.concern_step


@audit.service
def follow_up_add(*, concern: Concern, action: str, due_on: datetime.date, owner: User, actor: User) -> FollowUp:
    """An action agreed on the concern, with who does it and when it is due."""
    concern = _locked(concern, Action.FOLLOW_UP, actor)
    if not can_see_concerns_of(owner, concern.family):
        raise ActionNotAllowed("The person doing it must be a safeguarding lead or the family's coordinator.")
    if due_on < timezone.localdate():
        raise ActionNotAllowed("The due date cannot be in the past.")
    follow_up = save_or_refuse(
        FollowUp(concern=concern, action=action.strip(), due_on=due_on, owner=owner, created_by=actor)
    )
    audit.record_change(follow_up, event=SafeguardingAuditEvent.FOLLOW_UP_AGREED, created=True, actor=actor)
    _step(
        concern,
        Action.FOLLOW_UP,
        actor,
        event=SafeguardingAuditEvent.FOLLOW_UP_AGREED,
        kind=StepKind.FOLLOW_UP,
        occurred_on=timezone.localdate(),
        follow_up=follow_up,
    )
    return follow_up


@audit.service
def follow_up_complete(*, follow_up: FollowUp, done_on: datetime.date, notes: str, actor: User) -> FollowUp:
    """Mark a follow-up action done, with what came of it."""
    concern = _locked(follow_up.concern, Action.FOLLOW_UP, actor)
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.done_on is not None:
        raise ActionNotAllowed("This action is already marked as done.")
    _step(
        concern,
        Action.FOLLOW_UP,
        actor,
        event=SafeguardingAuditEvent.FOLLOW_UP_DONE,
        kind=StepKind.FOLLOW_UP_DONE,
        occurred_on=done_on,
        details=notes.strip(),
        follow_up=follow_up,
    )
    before = audit.snapshot(follow_up)
    follow_up.done_on = done_on
    follow_up.save(update_fields=["done_on"])
    audit.record_change(follow_up, event=SafeguardingAuditEvent.FOLLOW_UP_DONE, before=before, actor=actor)
    return follow_up


@audit.service
def concern_close(*, concern: Concern, outcome: str, occurred_on: datetime.date, actor: User) -> ConcernStep:
    """Close the concern with its outcome, once nothing on the timeline is outstanding. It is kept, never deleted."""
    concern = _locked(concern, Action.CLOSE, actor)
    if not outcome.strip():
        raise ActionNotAllowed("Say what the outcome was.")
    return _step(
        concern,
        Action.CLOSE,
        actor,
        event=SafeguardingAuditEvent.CONCERN_CLOSED,
        kind=StepKind.CLOSURE,
        occurred_on=occurred_on,
        details=outcome.strip(),
    )


@audit.service(savepoint=False)
def chronology_read(*, family: Family, reader: User) -> list[Any]:
    """The family's chronology for the screen; each concern on it is recorded as read."""
    if not can_see_concerns_of(reader, family):
        raise ActionNotAllowed("Only a safeguarding lead or the family's coordinator can read the chronology.")
    entries = selectors.chronology(reader, family)
    concerns = {entry.concern.pk: entry.concern for entry in entries if entry.concern is not None}
    _record_reads(list(concerns.values()), reader)
    return entries


@audit.service
def chronology_print(*, family: Family, actor: User) -> bytes:
    """The chronology as a PDF for a case conference; the print is recorded with the document's SHA-256."""
    entries = chronology_read(family=family, reader=actor)
    now = timezone.now()
    document = pdf.render_letter(
        "chronology",
        {
            "family": family,
            "scheme": family.scheme,
            "entries": entries,
            "children": [member for member in family.members.all() if member.kind == MemberKind.CHILD],
            "printed_on": timezone.localdate(),
            "printed_at": timezone.localtime(now),
            "printed_by": actor,
        },
    )
    audit.record_event(
        event=SafeguardingAuditEvent.CHRONOLOGY_PRINTED,
        instance=family,
        actor=actor,
        extra={"sha256": hashlib.sha256(document).hexdigest(), "entries": len(entries)},
    )
    return document


def referral_decision_recipients_hint(decision: str) -> str:
    """Who a referral decision points to, for the referral page."""
    if decision == Decision.POLICE:
        return "the police"
    if decision in REFERRAL_DECISIONS:
        return "children's social care (MASH)"
    return "children's social care (MASH) or the police"


# --- Retention: after the youngest child concerned is 25 (safeguarding.retention) --------------------------------


@audit.service
def concern_anonymise(*, concern: Concern, today: datetime.date, actor: User | None = None) -> bool:
    """Anonymise a concern once its family's records are past retention, which for a family with concerns is never
    before the day after the youngest child concerned is 25 (``retain_until``; ``safeguarding.retention``).

    The account becomes "[anonymised]" and the time of day is cleared; follow-up actions are anonymised. Timeline
    steps are never changed, so they are deleted, each in the audit log (the database allows it only after
    ``retain_until``). The concern's row stays, with its category, dates, urgency and status, for the figures; the
    disclosure register keeps any referral, anonymised with the family's consents. Answers False, changing
    nothing, when the family is no longer past retention (a hold placed meanwhile).
    """
    if not family_retention.lock_if_past_retention(concern.family_id, today):
        return False
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    if concern.retain_until >= today:
        return False
    for step in ConcernStep.objects.filter(concern=concern).order_by("pk"):
        audit.record_change(
            step, event=AuditEvent.RETENTION_ANONYMISED, deleted=True, actor=actor, family_pk=concern.family_id
        )
        step.delete()
    for follow_up in FollowUp.objects.select_for_update().filter(concern=concern).order_by("pk"):
        record_anonymise(
            record=follow_up, values={"action": core_retention.ANONYMISED}, actor=actor, family_pk=concern.family_id
        )
    record_anonymise(
        record=concern,
        values={"account": core_retention.ANONYMISED, "observed_time": None},
        actor=actor,
        family_pk=concern.family_id,
    )
    return True

"""The order of a safeguarding concern's steps (P12), in one place.

Both ``safeguarding.services`` and the disclosure register's service ask ``refusal()`` before writing, so no
path records a step, or a referral, out of order. The rule the policy cares most about: information leaves the
scheme only after the family has been spoken to, or after a safeguarding lead has recorded why speaking to them
first would put the child at greater risk. The one exception is a concern raised as urgent (a child in immediate
danger), which may be referred at once; the discussion is then shown as outstanding until it is recorded.
"""

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone

from homestart.models import User
from safeguarding.models import REFERRAL_DECISIONS, Concern, ConcernStatus, Decision, StepKind
from safeguarding.permissions import can_act_on_concern, can_decide_not_to_discuss

REVIEW_WITHIN = datetime.timedelta(hours=24)


class Action(StrEnum):
    REVIEW = "review"
    DISCUSS = "discuss"
    NO_DISCUSSION = "no_discussion"
    DECIDE = "decide"
    REFER = "refer"
    FOLLOW_UP = "follow_up"
    CLOSE = "close"


# Status lifecycle: which status each status may move to (STYLE rule 4). Steps that add to the record without
# moving it on (a discussion, a follow-up) keep the status.
TRANSITIONS: dict[str, set[str]] = {
    ConcernStatus.RAISED: {ConcernStatus.UNDER_REVIEW, ConcernStatus.REFERRED},  # referred at once: urgent only
    ConcernStatus.UNDER_REVIEW: {ConcernStatus.DECIDED, ConcernStatus.REFERRED},
    ConcernStatus.DECIDED: {ConcernStatus.DECIDED, ConcernStatus.REFERRED, ConcernStatus.CLOSED},
    ConcernStatus.REFERRED: {ConcernStatus.REFERRED, ConcernStatus.CLOSED},
    ConcernStatus.CLOSED: set(),
}

# Where each action moves the concern (None: the status stays).
NEXT_STATUS: dict[Action, str | None] = {
    Action.REVIEW: ConcernStatus.UNDER_REVIEW,
    Action.DISCUSS: None,
    Action.NO_DISCUSSION: None,
    Action.DECIDE: ConcernStatus.DECIDED,
    Action.REFER: ConcernStatus.REFERRED,
    Action.FOLLOW_UP: None,
    Action.CLOSE: ConcernStatus.CLOSED,
}


@dataclass(frozen=True)
class Facts:
    """What a concern's timeline holds so far, read in one query."""

    reviewed: bool
    discussed: bool
    not_discussed: bool  # a safeguarding lead recorded why the family was not spoken to first
    decision: str  # the latest decision, or ""
    referred: bool
    open_follow_ups: int

    @property
    def family_spoken_to_or_excepted(self) -> bool:
        return self.discussed or self.not_discussed


def facts(concern: Concern) -> Facts:
    """Read the concern's steps (one query, or none when they are prefetched)."""
    steps = sorted(concern.steps.all(), key=lambda step: step.pk)  # in the order recorded: the last decision counts
    kinds = {step.kind for step in steps}
    decisions = [step.decision for step in steps if step.kind == StepKind.DECISION]
    follow_ups = list(concern.follow_ups.all())
    return Facts(
        reviewed=StepKind.REVIEW in kinds,
        discussed=StepKind.DISCUSSION in kinds,
        not_discussed=StepKind.NO_DISCUSSION in kinds,
        decision=decisions[-1] if decisions else "",
        referred=StepKind.REFERRAL in kinds,
        open_follow_ups=sum(1 for follow_up in follow_ups if follow_up.done_on is None),
    )


def next_status(concern: Concern, action: Action) -> str:
    """The status after ``action``; a decision recorded after a referral leaves the concern referred."""
    target = NEXT_STATUS[action]
    if target is None or (action == Action.DECIDE and concern.status == ConcernStatus.REFERRED):
        return concern.status
    return target


def refusal(concern: Concern, action: Action, actor: User) -> str:
    """Why ``actor`` may not take ``action`` on the concern now, in plain English; "" when they may."""
    if not can_act_on_concern(actor, concern.family):
        return "Only a safeguarding lead or the family's coordinator can record this."
    if concern.status == ConcernStatus.CLOSED:
        return "This concern is closed: nothing more can be added to it."
    known = facts(concern)
    if action == Action.REVIEW:
        if concern.status != ConcernStatus.RAISED:
            return "This concern has already been reviewed."
        return ""
    if concern.status == ConcernStatus.RAISED and not (action == Action.REFER and concern.urgent):
        return "Review the concern first."
    if action == Action.NO_DISCUSSION:
        if not can_decide_not_to_discuss(actor, concern.family):
            return "Only a safeguarding lead can decide that the family should not be told first."
        if known.discussed:
            return "The discussion with the family is already recorded."
        if known.not_discussed:
            return "A decision not to discuss it first is already recorded."
        return ""
    if action == Action.REFER:
        if concern.urgent:
            return ""  # a child in immediate danger: refer now, record the discussion afterwards
        if known.decision not in REFERRAL_DECISIONS:
            return "Record a decision to refer (to children's social care or the police) before the referral."
        if not known.family_spoken_to_or_excepted:
            return (
                "Record the discussion with the family first, or a safeguarding lead's decision that discussing it "
                "would put the child at greater risk."
            )
        return ""
    if action == Action.CLOSE:
        missing = outstanding(concern, known)
        if missing:
            return "Before closing: " + "; ".join(item.lower() for item, _ in missing) + "."
        return ""
    if next_status(concern, action) not in TRANSITIONS[concern.status] | {concern.status}:
        return "That step cannot be recorded at this point."
    return ""


def outstanding(concern: Concern, known: Facts | None = None) -> list[tuple[str, bool]]:
    """What the timeline still needs, each with whether it is overdue, in the order it should be done."""
    known = known or facts(concern)
    if concern.status == ConcernStatus.CLOSED:
        return []
    items: list[tuple[str, bool]] = []
    if concern.status == ConcernStatus.RAISED:
        overdue = concern.raised_at is not None and timezone.now() - concern.raised_at > REVIEW_WITHIN
        items.append(("Review by a safeguarding lead or the family's coordinator", overdue))
    if not known.family_spoken_to_or_excepted:
        # After a referral made at once this is the record the policy still requires.
        items.append(
            ("Discussion with the family, or a safeguarding lead's reason not to discuss it first", known.referred)
        )
    if not known.decision:
        items.append(("Decision", known.referred))
    elif known.decision in REFERRAL_DECISIONS and not known.referred:
        items.append((f"{Decision(known.decision).label}: record the referral", False))
    if known.open_follow_ups:
        items.append((f"Follow-up actions still open: {known.open_follow_ups}", False))
    return items

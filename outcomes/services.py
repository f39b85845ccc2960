"""Every write about outcome frameworks and families' assessments.

The framework is the scheme's administrators' (``outcomes.permissions.can_manage_framework``): set up from the
product's starter, then changed only as a draft copy of the current version and published as the next version.
A published version is final (the services refuse to change it; on PostgreSQL triggers refuse too), so a new
version never changes what an earlier assessment meant. Assessments are recorded with the family by the volunteer
assigned now or a coordinator of the scheme, in the order a support period allows (start, reviews, end).

Every service is an ``@audit.service`` and writes, in its transaction, the entry for each record it creates,
changes or deletes (events of ``outcomes.audit``; the family's comments are masked there).
"""

import datetime
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max
from django.utils import timezone

from families import retention as family_retention
from families.models import Family, HouseholdMember
from families.selectors import is_assigned
from homestart import audit
from homestart import retention as core_retention
from homestart.exceptions import ActionNotAllowed, save_or_refuse
from homestart.models import Scheme, User
from homestart.services import record_anonymise
from outcomes import selectors, starter
from outcomes.audit import OutcomeAuditEvent
from outcomes.models import (
    MAX_POINTS,
    MAX_REVIEW_DAYS,
    MIN_POINTS,
    MIN_REVIEW_DAYS,
    VERSION_TRANSITIONS,
    Area,
    Assessment,
    AssessmentKind,
    FrameworkVersion,
    Need,
    ScalePoint,
    Score,
    VersionStatus,
)
from outcomes.permissions import (
    can_manage_framework,
    can_print_worksheet,
    can_record_assessment,
    can_see_assessments,
    can_see_scheme_report,
)

MAX_COMMENT = 280
EARLIEST = datetime.date(2000, 1, 1)

# Public functions here that write nothing (the audit conventions test holds every other one to be a service).
WRITES_NOTHING = ("allowed_kinds",)


def _require_manager(actor: User, scheme_id: int) -> None:
    if not can_manage_framework(actor, scheme_id):
        raise ActionNotAllowed("Only an administrator of this scheme can change its outcome framework.")


def _clean(text: str, *, limit: int, what: str, required: bool = True) -> str:
    """One line of text as it is kept: spaces tidied; refused when empty (if required), too long or with control
    characters a form should never have sent."""
    text = " ".join((text or "").split())
    if required and not text:
        raise ActionNotAllowed(f"Enter {what}.")
    if len(text) > limit:
        raise ActionNotAllowed(f"{what[0].upper()}{what[1:]} can be at most {limit} characters.")
    if any(ord(char) < 32 or ord(char) == 127 for char in text):
        raise ActionNotAllowed(f"{what[0].upper()}{what[1:]} has characters that cannot be kept. Type it again.")
    return text


def _create(record: Any, *, event: str, actor: User | None) -> Any:
    save_or_refuse(record)
    audit.record_change(record, event=event, created=True, actor=actor)
    return record


def _delete(record: Any, *, event: str, actor: User | None) -> None:
    audit.record_change(record, event=event, deleted=True, actor=actor)
    record.delete()


def _update(record: Any, values: Mapping[str, Any], *, event: str, actor: User | None) -> None:
    before = audit.snapshot(record)
    if all(getattr(record, name) == value for name, value in values.items()):
        return
    for name, value in values.items():
        setattr(record, name, value)
    save_or_refuse(record)
    audit.record_change(record, event=event, before=before, actor=actor)


def _new_key() -> str:
    """The identity of an area added to a draft: new, so it is never mistaken for an area removed earlier."""
    return f"area-{uuid.uuid4().hex[:12]}"


def _lock_versions(scheme_id: int) -> None:
    """Serialise changes to one scheme's framework (two administrators drafting or publishing at once)."""
    Scheme.objects.select_for_update().filter(pk=scheme_id).first()


# --- The framework ------------------------------------------------------------------------------------------


@audit.service
def framework_start(*, scheme: Scheme, actor: User) -> FrameworkVersion:
    """Set up a scheme's outcome framework from the product's starter, as a draft its administrator can change and
    then publish. Only for a scheme that has no framework yet (a later change is a new version)."""
    _require_manager(actor, scheme.pk)
    _lock_versions(scheme.pk)
    if FrameworkVersion.objects.filter(scheme=scheme).exists():
        raise ActionNotAllowed("The scheme's outcome framework is already set up. Change it as a new version.")
    event = OutcomeAuditEvent.FRAMEWORK_STARTED
    version = _create(FrameworkVersion(scheme=scheme, created_by=actor), event=event, actor=actor)
    for value, anchor in enumerate(starter.SCALE, start=1):
        _create(ScalePoint(version=version, value=value, anchor=anchor), event=event, actor=actor)
    for position, area_data in enumerate(starter.AREAS, start=1):
        area = _create(
            Area(
                version=version,
                key=area_data["key"],
                position=position,
                title=area_data["title"],
                description=area_data["description"],
            ),
            event=event,
            actor=actor,
        )
        for need_position, need in enumerate(area_data["needs"], start=1):
            _create(
                Need(area=area, position=need_position, title=need["title"], prompt=need["prompt"]),
                event=event,
                actor=actor,
            )
    return version


@audit.service
def framework_draft_create(*, scheme: Scheme, actor: User) -> FrameworkVersion:
    """Start a new version of the scheme's framework: a draft copy of the current version (its areas, needs, scale
    and review interval), which the administrator changes and then publishes. One draft at a time."""
    _require_manager(actor, scheme.pk)
    _lock_versions(scheme.pk)
    if FrameworkVersion.objects.filter(scheme=scheme, status=VersionStatus.DRAFT).exists():
        raise ActionNotAllowed("A new version is already being drafted. Change that draft, or discard it first.")
    current = selectors.current_version(scheme.pk)
    if current is None:
        raise ActionNotAllowed("The scheme has no published outcome framework to copy yet.")
    event = OutcomeAuditEvent.DRAFT_CREATED
    draft = _create(
        FrameworkVersion(
            scheme=scheme, based_on=current, review_interval_days=current.review_interval_days, created_by=actor
        ),
        event=event,
        actor=actor,
    )
    for point in current.scale_points.all():
        _create(ScalePoint(version=draft, value=point.value, anchor=point.anchor), event=event, actor=actor)
    for area in current.areas.all():
        copy = _create(
            Area(version=draft, key=area.key, position=area.position, title=area.title, description=area.description),
            event=event,
            actor=actor,
        )
        for need in area.needs.all():
            _create(
                Need(area=copy, position=need.position, title=need.title, prompt=need.prompt), event=event, actor=actor
            )
    return draft


@dataclass
class NeedChange:
    """What the draft form says about one need: an existing one (``pk``) or a new one (``pk`` None)."""

    pk: int | None
    title: str
    prompt: str = ""
    position: int = 0
    remove: bool = False


@dataclass
class AreaChange:
    """What the draft form says about one area and its needs: an existing area (``pk``) or a new one."""

    pk: int | None
    title: str
    description: str = ""
    position: int = 0
    remove: bool = False
    needs: list[NeedChange] = field(default_factory=list)


def _require_draft(version: FrameworkVersion) -> FrameworkVersion:
    version = FrameworkVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise ActionNotAllowed(
            f"Version {version.number} is published and cannot change: an assessment keeps the version it was made "
            "with. Start a new version instead."
        )
    return version


def _scale_size_fixed(version: FrameworkVersion) -> bool:
    """Once a version is published the scale keeps its number of points in every later version, so scores can be
    compared over time; only the words may change."""
    return FrameworkVersion.objects.filter(scheme_id=version.scheme_id, status=VersionStatus.PUBLISHED).exists()


@audit.service
def framework_draft_update(
    *,
    version: FrameworkVersion,
    areas: Sequence[AreaChange],
    anchors: Sequence[str],
    review_interval_days: int,
    actor: User,
) -> FrameworkVersion:
    """Change a draft: its areas and needs (words, order, added, removed), the words of its scale's points, and how
    many days pass before a review is due. Published versions never change. Areas keep their identity from version
    to version, so a family's progress in an area carries on; an area added here is a new one.

    Refused, changing nothing, when the draft would be left without an area, an area without a need, a title empty
    or repeated, or (once any version is published) the scale with another number of points.
    """
    _require_manager(actor, version.scheme_id)
    version = _require_draft(version)
    event = OutcomeAuditEvent.DRAFT_CHANGED
    if not MIN_REVIEW_DAYS <= review_interval_days <= MAX_REVIEW_DAYS:
        raise ActionNotAllowed(f"Reviews must be due every {MIN_REVIEW_DAYS} to {MAX_REVIEW_DAYS} days.")
    anchors = [_clean(anchor, limit=120, what=f"the words for point {n}") for n, anchor in enumerate(anchors, 1)]
    points = {point.value: point for point in version.scale_points.all()}
    if not MIN_POINTS <= len(anchors) <= MAX_POINTS:
        raise ActionNotAllowed(f"The scale needs {MIN_POINTS} to {MAX_POINTS} points.")
    if len(anchors) != len(points) and _scale_size_fixed(version):
        raise ActionNotAllowed(
            f"The scale keeps its {len(points)} points in every version, so scores can be compared over time. "
            "Change the words of the points instead."
        )
    existing_areas = {area.pk: area for area in version.areas.prefetch_related("needs")}
    kept = [change for change in areas if not change.remove and (change.pk is None or change.pk in existing_areas)]
    if any(change.pk is not None and change.pk not in existing_areas for change in areas):
        raise ActionNotAllowed("The draft has changed since the page was opened. Open it again and make the change.")
    if not kept:
        raise ActionNotAllowed("Keep at least one area in the framework.")
    titles: set[str] = set()
    for change in kept:
        change.title = _clean(change.title, limit=80, what="the name of each area")
        change.description = _clean(change.description, limit=300, what="an area's description", required=False)
        if change.title.casefold() in titles:
            raise ActionNotAllowed(f"Two areas are called “{change.title}”. Give each area its own name.")
        titles.add(change.title.casefold())
        existing_needs = {need.pk for need in existing_areas[change.pk].needs.all()} if change.pk else set()
        if any(need.pk is not None and need.pk not in existing_needs for need in change.needs):
            raise ActionNotAllowed(
                "The draft has changed since the page was opened. Open it again and make the change."
            )
        change.needs = [need for need in change.needs if not need.remove]
        if not change.needs:
            raise ActionNotAllowed(f"Keep at least one need in “{change.title}”.")
        need_titles: set[str] = set()
        for need in change.needs:
            need.title = _clean(need.title, limit=80, what=f"the name of each need in “{change.title}”")
            need.prompt = _clean(need.prompt, limit=300, what="a need's question", required=False)
            if need.title.casefold() in need_titles:
                raise ActionNotAllowed(f"Two needs in “{change.title}” are called “{need.title}”.")
            need_titles.add(need.title.casefold())

    _update(version, {"review_interval_days": review_interval_days}, event=event, actor=actor)
    for value, anchor in enumerate(anchors, start=1):
        if value in points:
            _update(points[value], {"anchor": anchor}, event=event, actor=actor)
        else:
            _create(ScalePoint(version=version, value=value, anchor=anchor), event=event, actor=actor)
    for value in sorted(points):
        if value > len(anchors):
            _delete(points[value], event=event, actor=actor)

    # Removed areas and needs go first, so a title freed by one can be taken by another in the same change.
    kept_area_pks = {change.pk for change in kept if change.pk is not None}
    for pk, area in existing_areas.items():
        if pk not in kept_area_pks:
            for need in area.needs.all():
                _delete(need, event=event, actor=actor)
            _delete(area, event=event, actor=actor)
    for position, change in enumerate(sorted(kept, key=lambda c: (c.position, c.pk is None)), start=1):
        values = {"title": change.title, "description": change.description, "position": position}
        if change.pk is None:
            area = _create(Area(version=version, key=_new_key(), **values), event=event, actor=actor)
            old_needs: dict[int, Need] = {}
        else:
            area = existing_areas[change.pk]
            _update(area, values, event=event, actor=actor)
            old_needs = {need.pk: need for need in area.needs.all()}
        kept_need_pks = {need.pk for need in change.needs if need.pk is not None}
        for pk, need in old_needs.items():
            if pk not in kept_need_pks:
                _delete(need, event=event, actor=actor)
        ordered = sorted(change.needs, key=lambda n: (n.position, n.pk is None))
        for need_position, need in enumerate(ordered, start=1):
            need_values = {"title": need.title, "prompt": need.prompt, "position": need_position}
            if need.pk is None:
                _create(Need(area=area, **need_values), event=event, actor=actor)
            else:
                _update(old_needs[need.pk], need_values, event=event, actor=actor)
    return version


@audit.service
def framework_draft_discard(*, version: FrameworkVersion, actor: User) -> None:
    """Throw a draft away, with its areas, needs and scale; the published versions stay as they are."""
    _require_manager(actor, version.scheme_id)
    version = _require_draft(version)
    event = OutcomeAuditEvent.DRAFT_DISCARDED
    for area in version.areas.prefetch_related("needs"):
        for need in area.needs.all():
            _delete(need, event=event, actor=actor)
        _delete(area, event=event, actor=actor)
    for point in version.scale_points.all():
        _delete(point, event=event, actor=actor)
    _delete(version, event=event, actor=actor)


@audit.service
def framework_version_publish(*, version: FrameworkVersion, actor: User) -> FrameworkVersion:
    """Publish a draft as the scheme's next version: assessments use it from now on, and it never changes again.
    Assessments already made keep the version they were made with."""
    _require_manager(actor, version.scheme_id)
    _lock_versions(version.scheme_id)
    version = _require_draft(version)
    if VersionStatus.PUBLISHED not in VERSION_TRANSITIONS[version.status]:
        raise ActionNotAllowed("This version cannot be published.")
    areas = list(version.areas.prefetch_related("needs"))
    if not areas or any(not area.needs.all() for area in areas):
        raise ActionNotAllowed("Every area needs at least one need before the version can be published.")
    if not MIN_POINTS <= version.scale_points.count() <= MAX_POINTS:
        raise ActionNotAllowed(f"The scale needs {MIN_POINTS} to {MAX_POINTS} points.")
    latest = FrameworkVersion.objects.filter(scheme_id=version.scheme_id).aggregate(n=Max("number"))["n"] or 0
    _update(
        version,
        {
            "status": VersionStatus.PUBLISHED,
            "number": latest + 1,
            "published_at": timezone.now(),
            "published_by": actor,
        },
        event=OutcomeAuditEvent.FRAMEWORK_PUBLISHED,
        actor=actor,
    )
    return version


# --- Assessments ------------------------------------------------------------------------------------------------


def allowed_kinds(period_assessments: Sequence[Assessment]) -> list[str]:
    """The kinds of assessment a support period takes next: a start first; then reviews or the end; nothing after
    the end. ``period_assessments`` are the period's assessments so far."""
    kinds = {assessment.kind for assessment in period_assessments}
    if AssessmentKind.END in kinds:
        return []
    if AssessmentKind.START not in kinds:
        return [AssessmentKind.START]
    return [AssessmentKind.REVIEW, AssessmentKind.END]


@dataclass(frozen=True)
class ScoreGiven:
    """The family's answer for one need: a point of the scale, or None for "not answered", and any comment."""

    value: int | None
    comment: str = ""


@audit.service
def assessment_record(
    *,
    family: Family,
    kind: str,
    assessed_on: datetime.date,
    scores: Mapping[int, ScoreGiven],
    members: Sequence[HouseholdMember],
    staff: Sequence[User],
    actor: User,
) -> Assessment:
    """Record an assessment made with the family: its kind, its date, who took part, and the family's score (or
    "not answered") for every need of the scheme's current framework version, each with an optional comment.

    Recorded by the volunteer assigned to the family now (while support runs) or a coordinator of its scheme. In a
    support period the start comes first, then reviews, then at most one end, each on a later date than the last;
    the family's row lock serialises two people recording at once.
    """
    family = Family.objects.select_for_update().get(pk=family.pk)
    assigned = is_assigned(actor, family)
    if not can_record_assessment(actor, family, is_assigned=assigned):
        raise ActionNotAllowed(
            "Only the volunteer supporting this family now, or a coordinator of the scheme, can record its assessments."
        )
    version = selectors.current_version(family.scheme_id)
    if version is None:
        raise ActionNotAllowed("The scheme has not published its outcome framework yet. Ask your administrator.")
    period = selectors.assessable_period(family)
    if period is None:
        raise ActionNotAllowed("The family has not had support yet, so there is nothing to assess.")
    earlier = list(Assessment.objects.filter(support_period=period).order_by("assessed_on", "pk"))
    allowed = allowed_kinds(earlier)
    if kind not in AssessmentKind.values or kind not in allowed:
        raise ActionNotAllowed(_kind_refusal(kind, allowed))
    today = timezone.localdate()
    if assessed_on > today:
        raise ActionNotAllowed("The date of the assessment cannot be in the future.")
    if assessed_on < max(period.started_on, EARLIEST):
        raise ActionNotAllowed(f"The date cannot be before support started ({period.started_on:%-d %B %Y}).")
    if earlier and assessed_on <= earlier[-1].assessed_on:
        raise ActionNotAllowed(
            f"The date must be after the family's last assessment ({earlier[-1].assessed_on:%-d %B %Y})."
        )
    needs = [need for area in version.areas.all() for need in area.needs.all()]
    top = max(point.value for point in version.scale_points.all())
    if set(scores) != {need.pk for need in needs}:
        raise ActionNotAllowed(
            "The framework has changed since the page was opened. Open it again and record the scores."
        )
    for need in needs:
        given = scores[need.pk]
        if given.value is not None and not 1 <= given.value <= top:
            raise ActionNotAllowed(f"Choose a score from 1 to {top} for “{need.title}”.")
    if all(scores[need.pk].value is None for need in needs):
        raise ActionNotAllowed("Record a score for at least one need: every need is marked “not answered”.")
    comments = {
        need.pk: _clean(
            scores[need.pk].comment, limit=MAX_COMMENT, what=f"the comment on “{need.title}”", required=False
        )
        for need in needs
    }
    household = {member.pk: member for member in family.members.all()}
    if not members:
        raise ActionNotAllowed("Choose who from the family took part.")
    if any(member.pk not in household or household[member.pk].left_on is not None for member in members):
        raise ActionNotAllowed("Choose people who live in the family's household now.")
    allowed_staff = {person.pk for person in selectors.staff_who_may_take_part(family, actor)}
    if any(person.pk not in allowed_staff for person in staff):
        raise ActionNotAllowed("Choose the scheme's people from the list: the family's coordinator and volunteers.")

    event = OutcomeAuditEvent.ASSESSMENT_RECORDED
    assessment = _create(
        Assessment(
            family=family,
            support_period=period,
            version=version,
            kind=kind,
            assessed_on=assessed_on,
            recorded_by=actor,
        ),
        event=event,
        actor=actor,
    )
    for need in needs:
        _create(
            Score(assessment=assessment, need=need, value=scores[need.pk].value, comment=comments[need.pk]),
            event=event,
            actor=actor,
        )
    member_ids = sorted({member.pk for member in members})
    staff_ids = sorted({person.pk for person in staff})
    assessment.members.add(*member_ids)
    audit.record_m2m(assessment, "members", event=event, added=member_ids, actor=actor)
    if staff_ids:
        assessment.staff.add(*staff_ids)
        audit.record_m2m(assessment, "staff", event=event, added=staff_ids, actor=actor)
    return assessment


def _kind_refusal(kind: str, allowed: list[str]) -> str:
    if not allowed:
        return "The end assessment of this support period is already recorded: nothing more can be added to it."
    if allowed == [AssessmentKind.START]:
        return "Record the start assessment first: a review or the end compares with it."
    return "The start assessment of this support period is already recorded. Choose a review or the end."


@audit.service(savepoint=False)
def assessment_read(*, assessment: Assessment, reader: User) -> Assessment:
    """Reading an assessment, with the family's comments, is on the record (who has seen this family)."""
    if not can_see_assessments(reader, assessment.family, is_assigned=is_assigned(reader, assessment.family)):
        raise ActionNotAllowed("You cannot see this family's assessments.")
    audit.record_event(
        event=OutcomeAuditEvent.ASSESSMENT_READ, instance=assessment, actor=reader, object_repr=str(assessment)
    )
    return assessment


@audit.service
def worksheet_print(*, family: Family, actor: User) -> bytes:
    """The paper worksheet of the current framework version for a visit to the family (PDF): the family's reference
    and nothing else about them. Printing it is on the record."""
    from outcomes import pdf

    if not can_print_worksheet(actor, family, is_assigned=is_assigned(actor, family)):
        raise ActionNotAllowed("Only those who record the family's assessments print its worksheet.")
    version = selectors.current_version(family.scheme_id)
    if version is None:
        raise ActionNotAllowed("The scheme has not published its outcome framework yet. Ask your administrator.")
    document = pdf.worksheet(family=family, version=version)
    audit.record_event(
        event=OutcomeAuditEvent.WORKSHEET_PRINTED,
        instance=family,
        actor=actor,
        object_repr=f"Outcome worksheet (version {version.number}) for {family.reference}",
        extra={"version": version.number},
        family_pk=family.pk,
    )
    return document


@audit.service
def report_exported(
    *, scheme: Scheme, first_month: datetime.date, last_month: datetime.date, fmt: str, actor: User
) -> None:
    """A download of the scheme's outcome report (counts only) is on the record: what period, in which format."""
    if not (can_see_scheme_report(actor) and actor.scheme_id == scheme.pk):
        raise ActionNotAllowed("Only the scheme's coordinators download its outcome report.")
    audit.record_event(
        event=OutcomeAuditEvent.REPORT_EXPORTED,
        instance=scheme,
        actor=actor,
        object_repr=f"Outcome report {first_month:%Y-%m} to {last_month:%Y-%m} ({fmt})",
        extra={"from": f"{first_month:%Y-%m}", "to": f"{last_month:%Y-%m}", "format": fmt},
    )


# --- Retention ----------------------------------------------------------------------------------------------------


@audit.service
def assessment_anonymise(*, assessment: Assessment, today: datetime.date, actor: User | None = None) -> bool:
    """Under retention, once the family is past its period: the family's comments become "[anonymised]". The scores,
    the dates and the version stay, so the scheme's figures still count them. Answers False, changing nothing, when
    the family is no longer past retention (a hold placed meanwhile)."""
    if not family_retention.lock_if_past_retention(assessment.family_id, today):
        return False
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    scores = assessment.scores.select_for_update().exclude(comment__in=["", core_retention.ANONYMISED])
    for score in scores.order_by("pk"):
        score.assessment = assessment
        record_anonymise(
            record=score,
            values={"comment": core_retention.anonymised_text(score.comment)},
            actor=actor,
            family_pk=assessment.family_id,
        )
    return True

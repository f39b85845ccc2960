"""Who may use the outcomes pages: frameworks, assessments, worksheets, the progress chart and the scheme report."""

from collections.abc import Callable
from typing import Any

_COORDINATORS = {"coordinator", "dsl", "other_coordinator"}
# The family's coordinators (every coordinator of its scheme) and the volunteer assigned to it now.
_WITH_THE_FAMILY = {"coordinator", "dsl", "volunteer"}
_ADMINISTRATOR = {"administrator"}

# route name -> (methods the view accepts, roles that may use it, what an anonymous visitor gets)
OUTCOMES_POLICY: dict[str, tuple[set[str], set[str], str]] = {
    # The framework is the scheme's administrators' alone.
    "outcomes:framework": ({"get"}, _ADMINISTRATOR, "login"),
    "outcomes:framework_start": ({"get", "post"}, _ADMINISTRATOR, "login"),
    "outcomes:version_new": ({"get", "post"}, _ADMINISTRATOR, "login"),
    "outcomes:version_detail": ({"get"}, _ADMINISTRATOR, "login"),
    "outcomes:version_edit": ({"get", "post"}, _ADMINISTRATOR, "login"),
    "outcomes:version_publish": ({"get", "post"}, _ADMINISTRATOR, "login"),
    "outcomes:version_discard": ({"get", "post"}, _ADMINISTRATOR, "login"),
    # A family's assessments and worksheet: with the family, never another volunteer's or another scheme's.
    "outcomes:assessment_new": ({"get", "post"}, _WITH_THE_FAMILY, "login"),
    "outcomes:assessment_detail": ({"get"}, _WITH_THE_FAMILY, "login"),
    "outcomes:worksheet": ({"get"}, _WITH_THE_FAMILY, "login"),
    # Any coordinator, for their own scheme's families only (counts, small numbers hidden).
    "outcomes:report": ({"get"}, _COORDINATORS, "login"),
}


def _published(world: Any) -> Any:
    """The world's scheme with its framework published (version 1), made the first time a route needs it."""
    from outcomes import selectors, services

    version = selectors.current_version(world.scheme.pk)
    if version is None:
        draft = services.framework_start(scheme=world.scheme, actor=world.administrator)
        version = services.framework_version_publish(version=draft, actor=world.administrator)
    return version


def _draft(world: Any) -> dict[str, Any]:
    from outcomes import services
    from outcomes.models import FrameworkVersion, VersionStatus

    _published(world)
    draft = FrameworkVersion.objects.filter(scheme=world.scheme, status=VersionStatus.DRAFT).first()
    if draft is None:  # made once, however many roles or routes ask for it
        draft = services.framework_draft_create(scheme=world.scheme, actor=world.administrator)
    return {"pk": draft.pk}


def _assessment(world: Any) -> dict[str, Any]:
    from django.utils import timezone

    from outcomes.models import Assessment, AssessmentKind
    from outcomes.services import ScoreGiven, assessment_record

    version = _published(world)
    existing = Assessment.objects.filter(family=world.family).first()
    if existing is not None:  # made once, however many roles or routes ask for it
        return {"pk": world.family.pk, "assessment_pk": existing.pk}
    scores = {need.pk: ScoreGiven(3) for area in version.areas.all() for need in area.needs.all()}
    assessment = assessment_record(
        family=world.family,
        kind=AssessmentKind.START,
        assessed_on=timezone.localdate(),
        scores=scores,
        members=[world.family.members.first()],
        staff=[world.volunteer],
        actor=world.volunteer,
    )
    return {"pk": world.family.pk, "assessment_pk": assessment.pk}


def _family_with_framework(world: Any) -> dict[str, Any]:
    _published(world)
    return {"pk": world.family.pk}


OUTCOMES_ROUTE_ARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "outcomes:version_detail": lambda w: {"pk": _published(w).pk},
    "outcomes:version_edit": _draft,
    "outcomes:version_publish": _draft,
    "outcomes:version_discard": _draft,
    "outcomes:assessment_new": _family_with_framework,
    "outcomes:assessment_detail": _assessment,
    "outcomes:worksheet": _family_with_framework,
}

"""The outcome framework: set up from the starter, versioned, and final once published (a new version never changes
earlier scores; an assessment keeps the version it was made with)."""

import datetime
from typing import Any

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from homestart.exceptions import ActionNotAllowed
from homestart.models import AuditEntry
from outcomes import selectors, services, starter
from outcomes.audit import OutcomeAuditEvent
from outcomes.models import Area, Assessment, AssessmentKind, FrameworkVersion, Need, ScalePoint, Score, VersionStatus
from outcomes.services import AreaChange, NeedChange
from tests.outcomes.conftest import publish_starter, record


def _changes(version: FrameworkVersion) -> list[AreaChange]:
    """The draft as it is, as the draft form would send it unchanged."""
    version = FrameworkVersion.objects.get(pk=version.pk)
    return [
        AreaChange(
            pk=area.pk,
            title=area.title,
            description=area.description,
            position=area.position,
            needs=[NeedChange(pk=n.pk, title=n.title, prompt=n.prompt, position=n.position) for n in area.needs.all()],
        )
        for area in version.areas.all()
    ]


def _anchors(version: FrameworkVersion) -> list[str]:
    return [point.anchor for point in version.scale_points.all()]


def test_the_starter_framework_is_the_products_own_and_starts_as_a_draft(world: Any) -> None:
    draft = services.framework_start(scheme=world.scheme, actor=world.administrator)
    assert draft.status == VersionStatus.DRAFT and draft.number is None
    assert [area.title for area in draft.areas.all()] == ["Parenting", "Wellbeing", "Family life", "Getting support"]
    assert [p.anchor for p in draft.scale_points.all()] == starter.SCALE
    assert all(area.needs.count() >= 3 for area in draft.areas.all())
    # Nothing can be recorded before it is published.
    assert selectors.current_version(world.scheme.pk) is None
    with pytest.raises(ActionNotAllowed, match="not published its outcome framework"):
        record(world.family, world.volunteer)
    with pytest.raises(ActionNotAllowed, match="already set up"):
        services.framework_start(scheme=world.scheme, actor=world.administrator)


def test_only_the_schemes_administrator_manages_the_framework(world: Any) -> None:
    for actor in (world.coordinator, world.dsl, world.volunteer, world.other_coordinator):
        with pytest.raises(ActionNotAllowed, match="administrator"):
            services.framework_start(scheme=world.scheme, actor=actor)
    assert not FrameworkVersion.objects.exists()


def test_publishing_numbers_the_version_and_makes_it_current(world: Any) -> None:
    version = publish_starter(world.scheme, world.administrator)
    assert (version.status, version.number) == (VersionStatus.PUBLISHED, 1)
    assert selectors.current_version(world.scheme.pk).pk == version.pk
    entry = AuditEntry.objects.filter(event=OutcomeAuditEvent.FRAMEWORK_PUBLISHED).get()
    assert entry.actor == world.administrator and entry.object_pk == str(version.pk)


def test_a_new_version_never_changes_earlier_scores(world: Any, framework: FrameworkVersion) -> None:
    """The heart of versioning: an assessment made on version 1 keeps version 1's needs, words and scores, whatever
    version 2 changes, removes or adds; new assessments use version 2."""
    start = record(world.family, world.volunteer, on=timezone.localdate() - datetime.timedelta(days=10), score=2)
    before = list(Score.objects.filter(assessment=start).values_list("need_id", "need__title", "value"))

    draft = services.framework_draft_create(scheme=world.scheme, actor=world.administrator)
    assert draft.based_on_id == framework.pk
    changes = _changes(draft)
    changes[0].title = "Being a parent"  # renamed
    changes[0].needs[0].title = "Looking after the children"
    changes[1].remove = True  # Wellbeing removed
    changes.append(AreaChange(pk=None, title="Health", needs=[NeedChange(pk=None, title="Sleep")]))
    anchors = _anchors(draft)
    anchors[0] = "Very hard just now"
    services.framework_draft_update(
        version=draft, areas=changes, anchors=anchors, review_interval_days=120, actor=world.administrator
    )
    version2 = services.framework_version_publish(version=draft, actor=world.administrator)
    assert version2.number == 2

    start.refresh_from_db()
    assert start.version_id == framework.pk
    assert list(Score.objects.filter(assessment=start).values_list("need_id", "need__title", "value")) == before
    old = FrameworkVersion.objects.get(pk=framework.pk)
    assert [a.title for a in old.areas.all()] == ["Parenting", "Wellbeing", "Family life", "Getting support"]
    assert old.scale_points.get(value=1).anchor == starter.SCALE[0]
    assert old.review_interval_days == 183

    review = record(world.family, world.volunteer, kind=AssessmentKind.REVIEW, score=4)
    assert review.version_id == version2.pk
    assert set(Score.objects.filter(assessment=review).values_list("need__area__version_id", flat=True)) == {
        version2.pk
    }
    # Parenting kept its identity through the rename, so the family's progress in it carries on.
    progress = selectors.family_progress(world.family)
    parenting = next(area for area in progress.areas if area.title == "Being a parent")
    assert [str(m) for m in parenting.means] == ["2", "4"]
    wellbeing = next(area for area in progress.areas if area.title == "Wellbeing")
    assert wellbeing.means[1] is None  # not in version 2


def test_a_published_version_is_refused_every_change_by_the_services(world: Any, framework: FrameworkVersion) -> None:
    with pytest.raises(ActionNotAllowed, match="published and cannot change"):
        services.framework_draft_update(
            version=framework,
            areas=_changes(framework),
            anchors=_anchors(framework),
            review_interval_days=90,
            actor=world.administrator,
        )
    with pytest.raises(ActionNotAllowed, match="published and cannot change"):
        services.framework_draft_discard(version=framework, actor=world.administrator)
    with pytest.raises(ActionNotAllowed, match="published and cannot change"):
        services.framework_version_publish(version=framework, actor=world.administrator)
    assert FrameworkVersion.objects.get(pk=framework.pk).review_interval_days == 183


@pytest.mark.postgres
@pytest.mark.parametrize(
    "change",
    [
        lambda v: FrameworkVersion.objects.filter(pk=v.pk).update(review_interval_days=90),
        lambda v: FrameworkVersion.objects.filter(pk=v.pk).delete(),
        lambda v: Area.objects.filter(version=v).update(title="Changed"),
        lambda v: Area.objects.create(version=v, key="new", title="New"),
        lambda v: Need.objects.filter(area__version=v).update(title="Changed"),
        lambda v: Need.objects.create(area=v.areas.first(), title="New"),
        lambda v: Need.objects.filter(area__version=v).delete(),
        lambda v: ScalePoint.objects.filter(version=v).update(anchor="Changed"),
        lambda v: ScalePoint.objects.create(version=v, value=6, anchor="Six"),
    ],
)
def test_the_database_refuses_any_change_to_a_published_version(
    world: Any, framework: FrameworkVersion, change: Any
) -> None:
    """Even a write that bypasses the services (a shell, a bug) cannot change what an assessment meant."""
    with pytest.raises(DatabaseError, match="final|published"), transaction.atomic():
        change(framework)


def test_a_new_version_starts_as_a_copy_with_the_same_area_identities(world: Any, framework: FrameworkVersion) -> None:
    draft = services.framework_draft_create(scheme=world.scheme, actor=world.administrator)
    copied = FrameworkVersion.objects.get(pk=draft.pk)
    assert [(a.key, a.title) for a in copied.areas.all()] == [(a.key, a.title) for a in framework.areas.all()]
    assert [[n.title for n in a.needs.all()] for a in copied.areas.all()] == [
        [n.title for n in a.needs.all()] for a in framework.areas.all()
    ]
    assert _anchors(copied) == _anchors(framework)
    with pytest.raises(ActionNotAllowed, match="already being drafted"):
        services.framework_draft_create(scheme=world.scheme, actor=world.administrator)


def test_the_scale_keeps_its_number_of_points_once_a_version_is_published(
    world: Any, framework: FrameworkVersion
) -> None:
    draft = services.framework_draft_create(scheme=world.scheme, actor=world.administrator)
    with pytest.raises(ActionNotAllowed, match="keeps its 5 points"):
        services.framework_draft_update(
            version=draft,
            areas=_changes(draft),
            anchors=[*_anchors(draft), "Six"],
            review_interval_days=183,
            actor=world.administrator,
        )
    assert draft.scale_points.count() == 5


def test_before_the_first_version_the_scale_may_have_3_to_10_points(world: Any) -> None:
    draft = services.framework_start(scheme=world.scheme, actor=world.administrator)
    services.framework_draft_update(
        version=draft,
        areas=_changes(draft),
        anchors=["Hard", "So-so", "Fine", "Good", "Great", "Brilliant", "Best ever"],
        review_interval_days=183,
        actor=world.administrator,
    )
    assert draft.scale_points.count() == 7
    with pytest.raises(ActionNotAllowed, match="3 to 10 points"):
        services.framework_draft_update(
            version=draft,
            areas=_changes(draft),
            anchors=["Hard", "Fine"],
            review_interval_days=183,
            actor=world.administrator,
        )


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (lambda c: [setattr(a, "remove", True) for a in c], "at least one area"),
        (lambda c: [setattr(n, "remove", True) for n in c[0].needs], "at least one need"),
        (lambda c: setattr(c[1], "title", c[0].title.upper()), "Two areas are called"),
        (lambda c: setattr(c[0], "title", "   "), "Enter the name of each area"),
        (lambda c: setattr(c[0].needs[1], "title", c[0].needs[0].title), "Two needs in"),
        (lambda c: setattr(c[0], "pk", 999_999), "changed since the page was opened"),
        (lambda c: setattr(c[0], "title", "x\x1bx"), "cannot be kept"),
    ],
)
def test_a_draft_change_that_breaks_a_rule_changes_nothing(world: Any, spoil: Any, message: str) -> None:
    draft = services.framework_start(scheme=world.scheme, actor=world.administrator)
    before = [
        (a.title, [n.title for n in a.needs.all()]) for a in FrameworkVersion.objects.get(pk=draft.pk).areas.all()
    ]
    changes = _changes(draft)
    spoil(changes)
    with pytest.raises(ActionNotAllowed, match=message):
        services.framework_draft_update(
            version=draft, areas=changes, anchors=_anchors(draft), review_interval_days=183, actor=world.administrator
        )
    after = [(a.title, [n.title for n in a.needs.all()]) for a in FrameworkVersion.objects.get(pk=draft.pk).areas.all()]
    assert after == before


def test_a_draft_is_reordered_and_every_change_is_on_the_record(world: Any) -> None:
    draft = services.framework_start(scheme=world.scheme, actor=world.administrator)
    changes = _changes(draft)
    changes[0].position, changes[3].position = 9, 1  # Getting support first, Parenting last
    changes[0].needs[0].remove = True
    services.framework_draft_update(
        version=draft, areas=changes, anchors=_anchors(draft), review_interval_days=183, actor=world.administrator
    )
    areas = list(FrameworkVersion.objects.get(pk=draft.pk).areas.all())
    assert [a.title for a in areas] == ["Getting support", "Wellbeing", "Family life", "Parenting"]
    assert [n.title for n in areas[-1].needs.all()] == [
        "Routines",
        "Playing and talking together",
        "Children's behaviour",
    ]
    changed = AuditEntry.objects.filter(event=OutcomeAuditEvent.DRAFT_CHANGED)
    assert changed.filter(action=AuditEntry.Action.DELETE).count() == 1
    assert changed.filter(action=AuditEntry.Action.UPDATE).exists()


def test_discarding_a_draft_leaves_the_published_versions_and_assessments(
    world: Any, framework: FrameworkVersion
) -> None:
    assessment = record(world.family, world.volunteer)
    draft = services.framework_draft_create(scheme=world.scheme, actor=world.administrator)
    services.framework_draft_discard(version=draft, actor=world.administrator)
    assert list(FrameworkVersion.objects.filter(scheme=world.scheme).values_list("pk", flat=True)) == [framework.pk]
    assert Assessment.objects.get(pk=assessment.pk).version_id == framework.pk
    assert not Area.objects.filter(version_id=draft.pk).exists()

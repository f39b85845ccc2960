"""SECURITY.md 27 for the outcome forms, driven by Hypothesis as in tests/homestart/test_forms_fuzz.py: recording an
assessment, changing a framework draft, the confirmation forms (set up, new version, publish, discard) and the
report's period. Never a 500; a refused form stores nothing; accepted markup shows escaped."""

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from hypothesis import example, given
from hypothesis import strategies as st

from outcomes import services
from outcomes.models import Assessment, FrameworkVersion, Score, VersionStatus
from tests.homestart.test_forms_fuzz import (
    EXPECT,
    FUZZ,
    MARKUP,
    assert_no_raw_markup,
    follow,
    form_data,
    no_fields,
    prose,
    submit,
)
from tests.outcomes.conftest import publish_starter

TODAY = timezone.localdate()
score = st.sampled_from(["1", "2", "3", "4", "5", "none"])
comment = st.one_of(st.just(""), prose)


def _needs(version: FrameworkVersion) -> list[Any]:
    version = FrameworkVersion.objects.get(pk=version.pk)
    return [need for area in version.areas.all() for need in area.needs.all()]


def _current(world: Any) -> FrameworkVersion:
    version = FrameworkVersion.objects.filter(scheme=world.scheme, status=VersionStatus.PUBLISHED).first()
    return version or publish_starter(world.scheme, world.administrator)


def _assessment_form(need_pks: list[int], member_pk: int, staff_pk: int) -> st.SearchStrategy[dict[str, Any]]:
    fields: dict[str, Any] = {
        "kind": st.sampled_from(["start", "review", "end"]),
        "assessed_on": st.sampled_from(
            [TODAY.isoformat(), (TODAY - datetime.timedelta(days=1)).isoformat(), "2024-02-30", "tomorrow"]
        ),
        "members": st.sampled_from([[member_pk], [member_pk, 999_999], []]),
        "staff": st.sampled_from([[staff_pk], [], ["x"]]),
    }
    for pk in need_pks:
        fields[f"score_{pk}"] = score
        fields[f"comment_{pk}"] = comment
    near = {"assessed_on": ["9999-12-31", "0001-01-01"], "kind": ["START", ""], "members": ["abc", "-1"]}
    near.update({f"score_{pk}": ["0", "6", "-1", "3.0", "NaN", "\u0663"] for pk in need_pks})
    return form_data(st.fixed_dictionaries(fields), near=near)


# The need and people keys are only known once the framework exists: Hypothesis draws the form inside the test.
@FUZZ
@given(data=st.data())
def test_assessment_new(client: Any, world: Any, data: Any) -> None:
    version = _current(world)
    # Each example starts from a family with no assessment, so a start, review or end can each be accepted.
    Score.objects.filter(assessment__family=world.family).delete()
    Assessment.objects.filter(family=world.family).delete()
    member = world.family.members.order_by("pk").first()
    form = data.draw(_assessment_form([n.pk for n in _needs(version)], member.pk, world.volunteer.pk))
    client.force_login(world.volunteer)
    count = Assessment.objects.count()
    url = reverse("outcomes:assessment_new", args=[world.family.pk])
    response = submit(client, url, form)
    pages = follow(client, response)
    assert Assessment.objects.count() == count + (response.status_code == 302)
    if pages and any(mark in str(form.values()) for mark in MARKUP):
        assessment = Assessment.objects.order_by("-pk").first()
        detail = client.get(reverse("outcomes:assessment_detail", args=[world.family.pk, assessment.pk]))
        assert_no_raw_markup(detail.content.decode(), "the assessment page")


def test_assessment_new_valid_example(client: Any, world: Any) -> None:
    """The fuzzed form's valid shape is accepted (so the examples above reach the service)."""
    version = _current(world)
    member = world.family.members.order_by("pk").first()
    payload: dict[str, Any] = {
        "kind": "start",
        "assessed_on": TODAY.isoformat(),
        "members": [member.pk],
        "staff": [world.volunteer.pk],
    }
    for need in _needs(version):
        payload[f"score_{need.pk}"] = "4"
        payload[f"comment_{need.pk}"] = "<script>alert(1)</script> Better nights."
    client.force_login(world.volunteer)
    response = client.post(reverse("outcomes:assessment_new", args=[world.family.pk]), payload)
    assessment = Assessment.objects.get()
    detail = client.get(reverse("outcomes:assessment_detail", args=[world.family.pk, assessment.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Better nights." in detail
    assert response.status_code == 302


def _draft(world: Any) -> FrameworkVersion:
    _current(world)
    draft = FrameworkVersion.objects.filter(scheme=world.scheme, status=VersionStatus.DRAFT).first()
    return draft or services.framework_draft_create(scheme=world.scheme, actor=world.administrator)


def _draft_form(draft: FrameworkVersion) -> st.SearchStrategy[dict[str, Any]]:
    draft = FrameworkVersion.objects.get(pk=draft.pk)
    title = st.one_of(st.sampled_from(["Parenting", "Health", " ", ""]), prose)
    position = st.sampled_from(["1", "2", "3", "99", "0", "100", "x", ""])
    tick = st.sampled_from(["", "on"])
    fields: dict[str, Any] = {"review_interval_days": st.sampled_from(["183", "28", "730", "27", "731", "x"])}
    for point in draft.scale_points.all():
        fields[f"point_{point.value}"] = st.one_of(st.just(point.anchor), prose, st.just(""))
    for area in draft.areas.all():
        fields[f"area_{area.pk}_title"] = st.one_of(st.just(area.title), title)
        fields[f"area_{area.pk}_description"] = st.one_of(st.just(area.description), prose)
        fields[f"area_{area.pk}_position"] = position
        fields[f"area_{area.pk}_remove"] = tick
        fields[f"area_{area.pk}_new_title"] = st.one_of(st.just(""), title)
        fields[f"area_{area.pk}_new_prompt"] = comment
        for need in area.needs.all():
            fields[f"need_{need.pk}_title"] = st.one_of(st.just(need.title), title)
            fields[f"need_{need.pk}_prompt"] = st.one_of(st.just(need.prompt), prose)
            fields[f"need_{need.pk}_position"] = position
            fields[f"need_{need.pk}_remove"] = tick
    fields.update(
        new_area_title=st.one_of(st.just(""), title),
        new_area_description=comment,
        new_area_need_title=st.one_of(st.just(""), title),
        new_area_need_prompt=comment,
    )
    return form_data(st.fixed_dictionaries(fields), near={"review_interval_days": ["1e3", "-1", " 183 "]})


@FUZZ
@given(data=st.data())
def test_version_edit(client: Any, world: Any, data: Any) -> None:
    draft = _draft(world)
    form = data.draw(_draft_form(draft))
    client.force_login(world.administrator)
    url = reverse("outcomes:version_edit", args=[draft.pk])
    response = submit(client, url, form)
    follow(client, response, reverse("outcomes:version_detail", args=[draft.pk]))
    # Whatever was posted, the published version did not change.
    published = FrameworkVersion.objects.get(scheme=world.scheme, status=VersionStatus.PUBLISHED)
    assert published.areas.count() == 4 and published.review_interval_days == 183


@FUZZ
@given(data=no_fields)
def test_confirmation_forms(client: Any, world: Any, data: dict[str, Any]) -> None:
    """Set up, new version, publish and discard have no fields: whatever is posted, each does its one thing."""
    client.force_login(world.administrator)
    if not FrameworkVersion.objects.filter(scheme=world.scheme).exists():
        submit(client, reverse("outcomes:framework_start"), data)
        assert FrameworkVersion.objects.filter(scheme=world.scheme, status=VersionStatus.DRAFT).count() == 1
    draft = FrameworkVersion.objects.filter(scheme=world.scheme, status=VersionStatus.DRAFT).first()
    if draft is None:
        submit(client, reverse("outcomes:version_new"), data)
        draft = FrameworkVersion.objects.get(scheme=world.scheme, status=VersionStatus.DRAFT)
    target = "outcomes:version_publish" if data.get("confirm") else "outcomes:version_discard"
    response = submit(client, reverse(target, args=[draft.pk]), data)
    assert response.status_code == 302
    assert not FrameworkVersion.objects.filter(scheme=world.scheme, status=VersionStatus.DRAFT).exists()


report_form = form_data(
    st.fixed_dictionaries(
        {
            "first_month": st.sampled_from(["2024-01", "2025-04", "2000-01", "1999-12"]),
            "last_month": st.sampled_from(["2025-06", "2024-01", f"{TODAY:%Y-%m}"]),
            "format": st.sampled_from(["", "csv", "pdf", "xml"]),
        }
    ),
    near={"first_month": ["2025-04-01", "2025-4", "2025-13", "04/2025"], "last_month": ["2025-06-31", ""]},
)


@FUZZ
@given(data=report_form)
@example(data={"first_month": "<script>alert(1)</script>", "last_month": "\x00"})
@example(data={"first_month": "2025-04", "last_month": "2025-06", "format": "pdf"})
def test_report_period(client: Any, world: Any, data: dict[str, Any]) -> None:
    """The report's period is a GET form: any query gives a page or a download, never a 500, and shows no markup."""
    client.force_login(world.coordinator)
    response = client.get(reverse("outcomes:report"), {k: v for k, v in data.items() if k != EXPECT})
    assert response.status_code == 200
    if response["Content-Type"].startswith("text/html"):
        assert_no_raw_markup(response.content.decode(), "the outcome report")

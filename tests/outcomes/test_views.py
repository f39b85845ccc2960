"""The outcome pages as people use them: recording an assessment, the worksheet, and the framework pages."""

import datetime
import shutil
import subprocess
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from homestart.models import AuditEntry
from outcomes import selectors
from outcomes.audit import OutcomeAuditEvent
from outcomes.models import Assessment, FrameworkVersion, VersionStatus

TODAY = timezone.localdate()


def assessment_data(world: Any, version: FrameworkVersion, **overrides: Any) -> dict[str, Any]:
    """A filled-in assessment form: every need scored 3 (the first "not answered"), the family's mother taking part."""
    version = FrameworkVersion.objects.get(pk=version.pk)
    data: dict[str, Any] = {
        "kind": "start",
        "assessed_on": (TODAY - datetime.timedelta(days=1)).isoformat(),
        "members": [world.family.members.order_by("pk").first().pk],
        "staff": [world.volunteer.pk],
    }
    for index, need in enumerate(need for area in version.areas.all() for need in area.needs.all()):
        data[f"score_{need.pk}"] = "none" if index == 0 else "3"
        data[f"comment_{need.pk}"] = ""
    data.update(overrides)
    return data


def test_a_volunteer_records_a_start_assessment(client: Any, world: Any, framework: FrameworkVersion) -> None:
    client.force_login(world.volunteer)
    url = reverse("outcomes:assessment_new", args=[world.family.pk])
    page = client.get(url).content.decode()
    assert "Record an assessment" in page and "1: This is really hard for us at the moment" in page
    assert "Not answered" in page and "Grace Okafor (mother)" in page and "Tobi Okafor" in page
    response = client.post(url, assessment_data(world, framework))
    assert response.status_code == 302
    assert response["Location"] == reverse("families:detail", args=[world.family.pk]) + "#progress-heading"
    assessment = Assessment.objects.get()
    assert (assessment.kind, assessment.recorded_by, assessment.version) == ("start", world.volunteer, framework)
    assert assessment.scores.filter(value__isnull=True).count() == 1
    family_page = client.get(response["Location"]).content.decode()
    due_on = (TODAY - datetime.timedelta(days=1) + datetime.timedelta(days=183)).strftime("%-d %B %Y")
    assert (
        f"Start assessment with the Okafor family on {TODAY - datetime.timedelta(days=1):%-d %B %Y} saved."
        in family_page
    )
    assert f"The next review is due on {due_on}." in family_page
    # Next time, only a review or the end can be chosen.
    page = client.get(url).content.decode()
    assert 'value="review"' in page and 'value="end"' in page and 'value="start"' not in page


def test_a_form_with_mistakes_says_what_to_fix_and_saves_nothing(client: Any, world: Any, framework: Any) -> None:
    client.force_login(world.volunteer)
    url = reverse("outcomes:assessment_new", args=[world.family.pk])
    data = assessment_data(world, framework, members=[], assessed_on=(TODAY + datetime.timedelta(days=1)).isoformat())
    first_need = next(key for key in data if key.startswith("score_"))
    del data[first_need]
    html = client.post(url, data).content.decode()
    assert "There is a problem" in html
    assert "Choose who from the family took part" in html
    assert "The date of the assessment must be today or in the past" in html
    assert "Choose a score for “Everyday care”, or “Not answered”" in html
    everything_skipped = {
        key: ("none" if key.startswith("score_") else value) for key, value in assessment_data(world, framework).items()
    }
    assert "every need is marked “Not answered”" in client.post(url, everything_skipped).content.decode()
    assert not Assessment.objects.exists()


def test_a_scheme_without_a_published_framework_says_so(client: Any, world: Any) -> None:
    client.force_login(world.coordinator)
    html = client.get(reverse("outcomes:assessment_new", args=[world.family.pk])).content.decode()
    assert "has not published its outcome framework yet" in html
    assert "Save the assessment" not in html


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed (poppler-utils)")
def test_the_worksheet_names_the_familys_reference_only(client: Any, world: Any, framework: FrameworkVersion) -> None:
    client.force_login(world.volunteer)
    response = client.get(reverse("outcomes:worksheet", args=[world.family.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="worksheet-{world.family.reference}.pdf"' in response["Content-Disposition"]
    text = subprocess.run(  # noqa: S603
        [shutil.which("pdftotext") or "pdftotext", "-layout", "-", "-"],
        input=response.content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert world.family.reference in text
    for name in ("Okafor", "Grace", "Tobi", "Volunteer Tester", "Coordinator Tester", "1 Test Road", "PO2 7QA"):
        assert name not in text
    assert "How are things going for" in text
    assert "This is really hard" in text and "This is mostly going" in text and "Everyday care" in text
    assert "framework version 1" in text and "Page 1 of" in text
    entry = AuditEntry.objects.get(event=OutcomeAuditEvent.WORKSHEET_PRINTED)
    assert (entry.actor, entry.family_pk) == (world.volunteer, world.family.pk)


def test_an_administrator_sets_up_changes_and_publishes_the_framework(client: Any, world: Any) -> None:
    client.force_login(world.administrator)
    page = client.get(reverse("outcomes:framework")).content.decode()
    assert "Your scheme has no outcome framework yet." in page
    response = client.post(reverse("outcomes:framework_start"))
    draft = FrameworkVersion.objects.get()
    assert response["Location"] == reverse("outcomes:version_edit", args=[draft.pk])

    edit = client.get(response["Location"])
    form = edit.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {key: ("on" if value is True else value) for key, value in data.items() if value not in (None, False)}
    parenting = draft.areas.get(key="parenting")
    data[f"area_{parenting.pk}_title"] = "Being a parent"
    data[f"area_{parenting.pk}_new_title"] = "Keeping well"
    data["new_area_title"] = "Health"
    data["new_area_need_title"] = "Sleep"
    data["point_1"] = "Very hard just now"
    assert client.post(response["Location"], data).status_code == 302
    draft = FrameworkVersion.objects.get()
    assert [a.title for a in draft.areas.all()] == [
        "Being a parent",
        "Wellbeing",
        "Family life",
        "Getting support",
        "Health",
    ]
    assert draft.areas.get(title="Being a parent").needs.last().title == "Keeping well"
    assert draft.scale_points.get(value=1).anchor == "Very hard just now"

    assert client.post(reverse("outcomes:version_publish", args=[draft.pk])).status_code == 302
    assert FrameworkVersion.objects.get().status == VersionStatus.PUBLISHED
    page = client.get(reverse("outcomes:framework")).content.decode()
    assert "In use: version 1" in page and "Start a new version" in page
    # A published version's change pages send the administrator to a new version instead.
    response = client.get(reverse("outcomes:version_edit", args=[draft.pk]), follow=True)
    assert "is published and cannot change" in response.content.decode()


def test_a_draft_form_with_a_rule_broken_says_so_and_changes_nothing(client: Any, world: Any) -> None:
    client.force_login(world.administrator)
    client.post(reverse("outcomes:framework_start"))
    draft = FrameworkVersion.objects.get()
    url = reverse("outcomes:version_edit", args=[draft.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, False)}
    for area in draft.areas.all():
        data[f"area_{area.pk}_remove"] = "on"
    html = client.post(url, data).content.decode()
    assert "Keep at least one area in the framework." in html
    assert FrameworkVersion.objects.get().areas.count() == 4
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, False)}
    data["review_interval_days"] = "7"
    data["new_area_title"] = "Health"
    html = client.post(url, data).content.decode()
    assert "Reviews must be at least 28 days apart" in html
    assert "Enter the new area&#x27;s first need: every area needs one" in html


def test_the_navigation_offers_the_report_and_the_framework_to_their_roles(client: Any, world: Any) -> None:
    client.force_login(world.coordinator)
    assert f'href="{reverse("outcomes:report")}"' in client.get(reverse("dashboard")).content.decode()
    client.force_login(world.administrator)
    assert f'href="{reverse("outcomes:framework")}"' in client.get(reverse("accounts:list")).content.decode()
    client.force_login(world.volunteer)
    html = client.get(reverse("volunteers:home")).content.decode()
    assert reverse("outcomes:report") not in html and reverse("outcomes:framework") not in html


def test_the_selectors_never_reach_another_schemes_version(world: Any, framework: FrameworkVersion) -> None:
    from django.http import Http404

    other = FrameworkVersion.objects.exclude(scheme=world.scheme).get()
    with pytest.raises(Http404):
        selectors.get_version_for_manager_or_404(world.administrator, other.pk)

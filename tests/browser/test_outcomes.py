"""Outcomes in a real browser: a volunteer records a review with a family on a phone (375 px), prints the paper
worksheet, and the coordinator at a desk sees the family's progress chart and the scheme report (page and PDF).

Screenshots and the PDFs go to test-output/browser/ (git-ignored) for people to look at; the PDFs are turned into
images with ``pdftoppm -png -r 60`` there.
"""

import datetime
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from outcomes import report
from outcomes.models import Assessment, AssessmentKind
from tests.browser.conftest import BROWSER_DB, assert_fits_phone, capture, sign_in
from tests.conftest import World
from tests.outcomes.conftest import publish_starter, record, supported_family

pytestmark = [pytest.mark.browser, BROWSER_DB]

TODAY = timezone.localdate()
COMMENT = "Grace says bedtimes are calmer since the twins share a routine."


def _to_png(pdf: Path) -> None:
    """The PDF's pages as images beside it, to look at (pdftoppm, from poppler-utils, when installed)."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:
        subprocess.run([pdftoppm, "-png", "-r", "60", str(pdf), str(pdf.with_suffix(""))], check=True)  # noqa: S603


def _families_for_the_report(world: World) -> tuple[datetime.date, datetime.date]:
    """Ten families supported for over a year, each with a start and a review in months that have ended: in
    parenting, five better and five the same."""
    since = report.add_months(report.first_of_month(TODAY), -14)
    first, second = report.add_months(since, 1), report.add_months(since, 2)
    for i in range(10):
        family = supported_family(world.coordinator, world.volunteer, f"Report{i}", since=since)
        record(family, world.volunteer, on=first.replace(day=4), score={"parenting": 2, "wellbeing": 2})
        record(
            family,
            world.volunteer,
            kind=AssessmentKind.REVIEW,
            on=second.replace(day=9),
            score={"parenting": 4 if i < 5 else 2, "wellbeing": 3},
        )
    return first, second


def test_volunteer_records_a_review_on_a_phone_and_the_coordinator_sees_progress_and_the_report(
    live_world: World, phone: Any, desktop: Any, screenshots: Path
) -> None:
    family = live_world.family
    publish_starter(live_world.scheme, live_world.administrator)
    record(
        family,
        live_world.volunteer,
        on=TODAY - datetime.timedelta(days=14),
        score={"parenting": 2, "wellbeing": 1, "family_life": 3, "getting_support": 2},
    )
    first, second = _families_for_the_report(live_world)

    # The volunteer, on a phone, opens the family and starts an assessment.
    sign_in(phone, live_world.volunteer.username)
    # Their home lists the reviews due with their other families (supported for over a year).
    expect(phone.get_by_role("region", name="Outcome assessments to do with your families")).to_contain_text("Review")
    assert_fits_phone(phone)
    capture(phone, str(screenshots / "outcomes-00-phone-home.png"))
    phone.get_by_role("link", name="The Okafor family", exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("The Okafor family")
    progress = phone.get_by_role("region", name="Progress")
    expect(progress).to_be_visible()
    assert_fits_phone(phone)
    capture(progress, str(screenshots / "outcomes-01-phone-progress-before.png"))

    # The paper worksheet, for a family who would rather fill it in themselves.
    with phone.expect_download() as download_info:
        progress.get_by_role("link", name="Print a worksheet (PDF)").click()
    worksheet = screenshots / "outcomes-worksheet.pdf"
    download_info.value.save_as(worksheet)
    assert worksheet.read_bytes().startswith(b"%PDF")
    _to_png(worksheet)

    progress.get_by_role("link", name="Record an assessment").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Record an assessment")
    assert_fits_phone(phone)
    phone.get_by_role("radio", name=re.compile("^Review")).check()
    phone.get_by_label("Date of the assessment").fill(TODAY.isoformat())
    phone.get_by_role("checkbox", name=re.compile("^Grace Okafor")).check()
    capture(phone, str(screenshots / "outcomes-02-phone-form-top.png"), full_page=False)

    # Each need: the family chooses the words that fit. Everything better in parenting, one need not answered.
    needs = phone.locator(".assessment-need")
    for index in range(needs.count()):
        need = needs.nth(index)
        if index == 4:
            need.get_by_role("radio", name="Not answered").check()
        else:
            need.get_by_role("radio", name=re.compile("^4: ")).check()
    first_need = needs.nth(0)
    first_need.get_by_text("Add a comment on “Everyday care” (optional)").click()
    first_need.get_by_label("Comment on “Everyday care” (optional)").fill(COMMENT)
    assert_fits_phone(phone)
    capture(needs.nth(0), str(screenshots / "outcomes-03-phone-need.png"))

    with phone.expect_navigation():
        phone.get_by_role("button", name="Save the assessment").click()
    banner = phone.get_by_role("status")
    expect(banner).to_contain_text(f"Review with the Okafor family on {TODAY:%-d %B %Y} saved.")
    expect(banner).to_contain_text("The next review is due on")
    assert_fits_phone(phone)
    capture(phone, str(screenshots / "outcomes-04-phone-saved.png"))
    assert Assessment.objects.filter(
        family=family, kind=AssessmentKind.REVIEW, recorded_by=live_world.volunteer
    ).exists()

    # The coordinator, at a desk, sees the progress: a chart per area, and the same figures as a table.
    sign_in(desktop, live_world.coordinator.username)
    desktop.goto(reverse("families:detail", args=[family.pk]))
    progress = desktop.get_by_role("region", name="Progress")
    expect(progress.get_by_role("img", name="Parenting: progress")).to_be_visible()
    expect(progress.get_by_role("img")).to_have_count(4)
    table = progress.get_by_role("table")
    expect(table.get_by_role("columnheader", name="Wellbeing")).to_be_visible()
    expect(table.get_by_role("row")).to_have_count(3)  # the header, the start and the review
    review_row = table.get_by_role("row").nth(2)
    expect(review_row).to_contain_text("Review")
    expect(review_row.get_by_role("cell").first).to_have_text("4.0")  # parenting, from 2.0 at the start
    capture(progress, str(screenshots / "outcomes-05-desktop-progress.png"))

    # The review itself, with the family's comment (private), one click away.
    review_row.get_by_role("link").click()
    expect(desktop.get_by_role("heading", level=1)).to_contain_text("Review")
    expect(desktop.get_by_text(COMMENT)).to_be_visible()
    capture(desktop, str(screenshots / "outcomes-06-desktop-assessment.png"))

    # The scheme report for trustees and funders.
    desktop.get_by_role("link", name="Outcomes", exact=True).click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Outcome report")
    desktop.get_by_label("First month").fill(f"{first:%Y-%m}")
    desktop.get_by_label("Last month").fill(f"{second:%Y-%m}")
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="Show the report for this period").click()
    figures = desktop.get_by_role("region", name=f"{first:%B %Y} to {second:%B %Y}")
    expect(figures).to_contain_text("Families assessed")
    expect(figures).to_contain_text("Better")
    assert "Report0" not in desktop.content() and "Okafor" not in figures.inner_text()
    capture(desktop, str(screenshots / "outcomes-07-desktop-report.png"))
    with desktop.expect_download() as download_info:
        figures.get_by_role("link", name="Download as PDF").click()
    report_pdf = screenshots / "outcomes-report.pdf"
    download_info.value.save_as(report_pdf)
    assert report_pdf.read_bytes().startswith(b"%PDF")
    _to_png(report_pdf)

    # A period that includes this month is refused, with the reason next to the field.
    desktop.get_by_label("Last month").fill(f"{TODAY:%Y-%m}")
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="Show the report for this period").click()
    expect(desktop.get_by_role("alert")).to_contain_text("The last month must have ended")
    capture(desktop, str(screenshots / "outcomes-08-desktop-report-refused.png"), full_page=False)

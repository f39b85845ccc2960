"""How outcomes is wired into the floors below it: its registrations (ADR 0007), each expected entry there."""

from homestart import reminders, retention
from office import casefile
from outcomes import home, sections
from outcomes import reminders as outcome_reminders
from outcomes import retention as outcome_retention
from volunteers import home as volunteer_home


def test_outcomes_registers_its_panel_on_the_volunteers_home() -> None:
    assert list(volunteer_home.PANELS) == ["outcomes_due"]
    assert volunteer_home.PANELS["outcomes_due"] is home.DUE_PANEL


def test_outcomes_registers_its_reminder_kinds_for_coordinators_and_volunteers() -> None:
    assert reminders.KINDS["outcomes.reviews_due"] is outcome_reminders.COORDINATOR_REVIEWS_DUE
    assert reminders.KINDS["outcomes.volunteer_reviews_due"] is outcome_reminders.VOLUNTEER_REVIEWS_DUE
    assert outcome_reminders.COORDINATOR_REVIEWS_DUE.recipients == reminders.Recipients.COORDINATORS
    assert outcome_reminders.VOLUNTEER_REVIEWS_DUE.recipients == reminders.Recipients.VOLUNTEERS


def test_outcomes_registers_its_retention_rule() -> None:
    assert retention.RULES["outcome_assessments"] is outcome_retention.RULE


def test_the_case_file_shows_progress_after_the_support_history_and_before_consents() -> None:
    names = [section.name for section in casefile.SECTIONS]
    assert sections.PROGRESS in casefile.SECTIONS
    assert names.index("support_history") < names.index("progress") < names.index("consents")

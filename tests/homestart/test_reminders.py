"""Reminders that keep the scheme's promises (homestart.reminders, ``manage.py send_reminders``), with frozen time.

Each kind: due, not yet due, and (DBS) the 60-30-7 day steps; each item sent once, a failed send retried on the next
run; people's choices (weekly only on the weekly day, none for the optional kinds, the mandatory ones always); and no
personal detail in any email. The world is built on a Monday, 2 March 2026, at 8 in the morning, and time stands
still until a test moves it.
"""

import datetime
import smtplib
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consents import services as consent_services
from consents.models import Category
from families import services as family_services
from families.models import MemberKind, Professional
from homestart import reminders, services
from homestart.exceptions import ActionNotAllowed
from homestart.models import AuditEntry, AuditEvent, ReminderPreference, ReminderSent, ReminderStatus, Role, User
from safeguarding import services as safeguarding_services
from safeguarding.models import ConcernCategory
from tests.conftest import build_world, log_visit, make_family, make_user
from volunteers import services as volunteer_services

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime.date(2026, 3, 2)
SITE = "https://homestart.example.org"


@pytest.fixture
def clock() -> Iterator[Any]:
    """Time stands still on Monday 2 March 2026 at 08:00 in London; ``clock.move_to`` moves it."""
    traveller = time_machine.travel(datetime.datetime(2026, 3, 2, 8, 0, tzinfo=LONDON), tick=False)
    coordinates = traveller.start()
    yield coordinates
    traveller.stop()


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.SITE_URL = SITE
    settings.REMINDERS_WEEKLY_DAY = 0


@pytest.fixture
def rworld(clock: Any, db: Any) -> Any:
    """The shared world, built on the frozen Monday: the Okafor family assigned to the volunteer 20 days ago."""
    return build_world()


def on(clock: Any, day: datetime.date) -> datetime.date:
    clock.move_to(datetime.datetime.combine(day, datetime.time(8, 0), tzinfo=LONDON))
    return day


def run(day: datetime.date | None = None, **kwargs: Any) -> reminders.RunResult:
    return reminders.run(today=day or timezone.localdate(), **kwargs)


def sent(kind: str) -> set[tuple[str, str]]:
    """Who was sent which item of a kind (username, key), from the record of what was sent."""
    return set(
        ReminderSent.objects.filter(kind=kind, status=ReminderStatus.SENT).values_list("recipient__username", "key")
    )


def email_to(user: User) -> list[Any]:
    return [message for message in mail.outbox if message.to == [user.email]]


def whole_text(message: Any) -> str:
    """Everything a message holds that a person reads: subject, text body and each alternative (the HTML)."""
    return "\n".join([message.subject, message.body, *(content for content, _type in message.alternatives)])


def choose(user: User, **choices: str) -> None:
    services.reminder_preferences_set(
        user=user, choices={name.replace("__", "."): value for name, value in choices.items()}, actor=user
    )


def set_dbs(world: Any, volunteer: User, renewal_due: datetime.date) -> None:
    volunteer_services.volunteer_profile_update(
        profile=volunteer.volunteer_profile,
        dbs_certificate_number="001234567890",
        dbs_issued_on=timezone.localdate() - datetime.timedelta(days=400),
        dbs_renewal_due=renewal_due,
        preparation_course_completed_on=timezone.localdate() - datetime.timedelta(days=380),
        actor=world.coordinator,
    )


# --- The registry -----------------------------------------------------------------------------------------------


def test_the_apps_register_their_kinds_with_who_gets_them_and_whether_they_can_be_switched_off() -> None:
    expected = {
        "families.no_recent_visit": (reminders.Recipients.COORDINATORS, True),
        "volunteers.dbs_renewals": (reminders.Recipients.COORDINATORS, False),
        "volunteers.own_dbs_renewal": (reminders.Recipients.VOLUNTEERS, False),
        "volunteers.supervision_overdue": (reminders.Recipients.COORDINATORS, True),
        "volunteers.own_supervision_due": (reminders.Recipients.VOLUNTEERS, True),
        "consents.reviews_due": (reminders.Recipients.COORDINATORS, True),
        "consents.requests_overdue": (reminders.Recipients.COORDINATORS, True),
        "safeguarding.follow_ups_overdue": (reminders.Recipients.OWNER, False),
    }
    registered = {name: (kind.recipients, kind.optional) for name, kind in reminders.KINDS.items()}
    assert {name: registered.get(name) for name in expected} == expected
    # Anything else is the outcomes app's (its reviews due), registered through the same interface.
    assert all(name.startswith("outcomes.") for name in set(registered) - set(expected))
    assert reminders.KINDS["safeguarding.follow_ups_overdue"].roles == (Role.COORDINATOR,)


def test_a_second_kind_by_the_same_name_is_refused_and_the_same_kind_again_is_harmless() -> None:
    from django.core.exceptions import ImproperlyConfigured

    kind = reminders.KINDS["families.no_recent_visit"]
    assert reminders.register(kind) is kind
    impostor = reminders.Kind(
        name=kind.name,
        label="x",
        recipients=reminders.Recipients.COORDINATORS,
        optional=True,
        due=lambda today: [],
        sentence=str,
        link=lambda: "/",
    )
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        reminders.register(impostor)
    with pytest.raises(ImproperlyConfigured, match="recipients"):
        reminders.Kind(name="x.y", label="x", recipients="everyone", optional=True, due=list, sentence=str, link=str)


# --- Each kind: due, and not yet due ----------------------------------------------------------------------------


def test_a_family_with_no_visit_in_more_than_14_days_is_sent_to_its_coordinator_once(rworld: Any, clock: Any) -> None:
    w = rworld
    # Assigned 20 days ago and never visited: due now, to the family's coordinator only.
    run()
    assert sent("families.no_recent_visit") == {("coordinator", f"novisit:{w.family.pk}:2026-02-10")}
    [message] = email_to(w.coordinator)
    assert (
        f"1 family you coordinate has had no visit logged in more than 14 days:\n{SITE}/families/?visits=none-recently"
        in message.body
    )
    run()  # the next run the same day: nothing new
    assert len(email_to(w.coordinator)) == 1

    # A visit logged 14 days ago is not yet a lapse; on the day it becomes 15 days ago, it is a new one.
    log_visit(w.family, w.volunteer, days_ago=14)
    run()
    assert len(email_to(w.coordinator)) == 1
    on(clock, MONDAY + datetime.timedelta(days=1))
    run()
    assert ("coordinator", f"novisit:{w.family.pk}:2026-02-16") in sent("families.no_recent_visit")
    assert len(email_to(w.coordinator)) == 2


def test_a_family_assigned_less_than_15_days_ago_or_without_a_volunteer_is_not_due(rworld: Any, clock: Any) -> None:
    w = rworld
    log_visit(w.family, w.volunteer, days_ago=1)
    fresh = make_family(w.coordinator, "Nowak")
    family_services.assignment_start(
        family=fresh,
        volunteer=w.other_volunteer,
        started_on=MONDAY - datetime.timedelta(days=14),
        confirmed=True,
        actor=w.coordinator,
    )
    make_family(w.coordinator, "Unassigned")  # accepted, waiting for a volunteer: no visits are expected yet
    run()
    assert sent("families.no_recent_visit") == set()
    on(clock, MONDAY + datetime.timedelta(days=1))  # the new family's assignment is 15 days old, no visit yet
    run()
    assert sent("families.no_recent_visit") == {("coordinator", f"novisit:{fresh.pk}:2026-02-16")}


def test_the_reminders_link_lists_the_families_with_no_visit_for_their_coordinator(rworld: Any, client: Any) -> None:
    w = rworld
    visited = make_family(w.coordinator, "Nowak", volunteer=w.other_volunteer)
    log_visit(visited, w.other_volunteer, days_ago=2)
    client.force_login(w.coordinator)
    page = client.get(reverse("families:list"), {"visits": "none-recently"}).content.decode()
    assert "My families with no visit logged in more than 14 days" in page
    assert w.family.family_name in page and "Nowak" not in page
    client.force_login(w.dsl)  # not their family
    assert (
        w.family.family_name not in client.get(reverse("families:list"), {"visits": "none-recently"}).content.decode()
    )


def test_dbs_renewals_are_sent_60_30_and_7_days_before_to_the_schemes_coordinators_and_the_volunteer(
    rworld: Any, clock: Any
) -> None:
    w = rworld
    renewal = MONDAY + datetime.timedelta(days=61)
    set_dbs(w, w.volunteer, renewal)
    run()
    assert sent("volunteers.dbs_renewals") == set() and sent("volunteers.own_dbs_renewal") == set()

    key = f"dbs:{w.volunteer.pk}:{renewal.isoformat()}"
    expected: set[tuple[str, str]] = set()
    for days_left in range(60, -2, -1):
        on(clock, renewal - datetime.timedelta(days=days_left))
        run()
        step = {60: 60, 30: 30, 7: 7}.get(days_left)
        if step:
            expected |= {("coordinator", f"{key}:{step}"), ("dsl", f"{key}:{step}")}
        assert sent("volunteers.dbs_renewals") == expected, f"{days_left} days before"
        assert sent("volunteers.own_dbs_renewal") == {("volunteer", k) for _u, k in expected}
    # Three emails each: one per step, never on the days between; the other scheme's coordinator hears nothing.
    assert len([m for m in email_to(w.dsl) if "DBS" in m.body]) == 3
    assert len([m for m in email_to(w.volunteer) if "Your DBS check is due for renewal" in m.body]) == 3
    assert not email_to(w.other_coordinator)
    # Renewed: the new date starts the steps again (here 60 days or fewer left at once).
    set_dbs(w, w.volunteer, timezone.localdate() + datetime.timedelta(days=50))
    run()
    assert ("volunteer", f"dbs:{w.volunteer.pk}:{timezone.localdate() + datetime.timedelta(days=50)}:60") in sent(
        "volunteers.own_dbs_renewal"
    )


def test_supervision_overdue_goes_to_coordinators_and_due_to_the_volunteer_a_week_before(
    rworld: Any, clock: Any
) -> None:
    w = rworld  # both volunteers joined today: due in 56 days (the scheme's 8 weeks)
    due_on = MONDAY + datetime.timedelta(days=56)
    on(clock, due_on - datetime.timedelta(days=8))
    run()
    assert sent("volunteers.own_supervision_due") == set()
    on(clock, due_on - datetime.timedelta(days=7))
    run()
    assert sent("volunteers.own_supervision_due") == {
        ("volunteer", f"supervision:{w.volunteer.pk}:{due_on}"),
        ("othervolunteer", f"supervision:{w.other_volunteer.pk}:{due_on}"),
    }
    on(clock, due_on)
    run()
    assert sent("volunteers.supervision_overdue") == set()  # due today, not yet overdue
    on(clock, due_on + datetime.timedelta(days=1))
    run()
    assert sent("volunteers.supervision_overdue") == {
        (coordinator, f"supervision:{volunteer.pk}:{due_on}")
        for coordinator in ("coordinator", "dsl")
        for volunteer in (w.volunteer, w.other_volunteer)
    }
    assert "2 volunteers are overdue for one-to-one supervision" in email_to(w.dsl)[-1].body
    # A session held moves the due date: that volunteer is neither overdue nor due until 7 weeks on.
    volunteer_services.supervision_record(volunteer=w.volunteer, held_on=timezone.localdate(), actor=w.coordinator)
    before = len(ReminderSent.objects.all())
    on(clock, due_on + datetime.timedelta(days=2))
    run()
    assert len(ReminderSent.objects.all()) == before


def test_consents_due_for_review_within_30_days_go_to_the_familys_coordinator(rworld: Any, clock: Any) -> None:
    w = rworld
    from tests.consents.conftest import publish_wordings, signed_information_consent

    publish_wordings(w.scheme, w.administrator)
    w.health_visitor = Professional.objects.get(name="Helen Price")
    consent = signed_information_consent(w)  # review in 365 days
    on(clock, consent.review_on - datetime.timedelta(days=31))
    run()
    assert sent("consents.reviews_due") == set()
    on(clock, consent.review_on - datetime.timedelta(days=30))
    run()
    assert sent("consents.reviews_due") == {("coordinator", f"consent:{consent.pk}:{consent.review_on}")}
    assert (
        f"1 consent for a family you coordinate is due for review within 30 days:\n{SITE}/dashboard/#consents-heading"
        in email_to(w.coordinator)[-1].body
    )
    on(clock, consent.review_on + datetime.timedelta(days=1))  # past its review date it has lapsed: no longer this
    run()
    assert len(sent("consents.reviews_due")) == 1


def test_agency_requests_past_their_due_date_go_to_the_familys_or_the_recording_coordinator(
    rworld: Any, clock: Any
) -> None:
    w = rworld
    health_visitor = Professional.objects.get(name="Helen Price")
    about_family = consent_services.agency_request_receive(
        requester=health_visitor,
        received_on=MONDAY,
        purpose="Planning a review.",
        categories=[Category.SUPPORT_STATUS],
        identifying=True,
        family=w.family,
        due_on=MONDAY + datetime.timedelta(days=14),
        actor=w.dsl,
    )
    figures = consent_services.agency_request_receive(
        requester=health_visitor,
        received_on=MONDAY,
        purpose="Numbers for a report.",
        categories=[Category.SUPPORT_STATUS],
        identifying=False,
        family=None,
        due_on=MONDAY + datetime.timedelta(days=14),
        actor=w.dsl,
    )
    on(clock, MONDAY + datetime.timedelta(days=14))
    run()
    assert sent("consents.requests_overdue") == set()
    on(clock, MONDAY + datetime.timedelta(days=15))
    run()
    assert sent("consents.requests_overdue") == {
        ("coordinator", f"request:{about_family.pk}:2026-03-16"),  # the family's coordinator
        ("dsl", f"request:{figures.pk}:2026-03-16"),  # figures only: whoever recorded it
    }
    consent_services.agency_request_close(request=figures, fulfilled=True, note="Sent.", actor=w.dsl)
    on(clock, MONDAY + datetime.timedelta(days=16))
    run()
    assert len(sent("consents.requests_overdue")) == 2


def test_overdue_safeguarding_follow_ups_go_to_their_owner_whatever_they_chose(rworld: Any, clock: Any) -> None:
    w = rworld
    concern = safeguarding_services.concern_raise(
        family=w.family,
        children=[w.family.members.get(kind=MemberKind.CHILD)],
        category=ConcernCategory.PHYSICAL,
        account="A bruise.",
        observed_on=MONDAY,
        observed_time=datetime.time(9, 0),
        immediate_danger=False,
        actor=w.volunteer,
        site_root="https://homestart.example/",
    )
    safeguarding_services.concern_review(
        concern=concern, notes="Checked.", urgent=False, occurred_on=MONDAY, actor=w.dsl
    )
    follow_up = safeguarding_services.follow_up_add(
        concern=concern, action="Ring the health visitor.", due_on=MONDAY + datetime.timedelta(days=7), owner=w.dsl,
        actor=w.dsl,
    )  # fmt: skip
    with pytest.raises(ActionNotAllowed, match="always sent"):
        choose(w.dsl, safeguarding__follow_ups_overdue="none")
    choose(w.dsl, safeguarding__follow_ups_overdue="weekly")
    on(clock, MONDAY + datetime.timedelta(days=7))
    run()
    assert sent("safeguarding.follow_ups_overdue") == set()
    on(clock, MONDAY + datetime.timedelta(days=14))  # the next Monday: the dsl chose weekly
    run()
    assert sent("safeguarding.follow_ups_overdue") == {("dsl", f"followup:{follow_up.pk}:2026-03-09")}
    assert "1 safeguarding follow-up you own is past its due date" in email_to(w.dsl)[-1].body
    assert not [m for m in email_to(w.coordinator) if "safeguarding" in m.body]


# --- Sent once; a failed send tried again --------------------------------------------------------------------------


class FailingFor(EmailBackend):
    """The test mail server, refusing mail to the addresses in ``refused`` (as an SMTP server that fails would)."""

    refused: set[str] = set()

    def send_messages(self, messages: Any) -> int:
        for message in messages:
            if set(message.to) & self.refused:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (451, b"Try again later")})
        return super().send_messages(messages)


def test_one_email_per_person_with_all_their_kinds_and_a_second_run_sends_nothing(rworld: Any, clock: Any) -> None:
    w = rworld
    set_dbs(w, w.volunteer, MONDAY + datetime.timedelta(days=20))
    result = run()
    [message] = email_to(w.coordinator)
    assert message.subject == "Reminders from Home-Start PMH: 2 things to look at"
    assert "1 volunteer's DBS check is due for renewal within 60 days" in message.body
    assert "1 family you coordinate has had no visit logged in more than 14 days" in message.body
    assert f"{SITE}/your-reminders/" in message.body  # where to change what comes
    html = message.alternatives[0][0]
    assert f'<a href="{SITE}/dashboard/#dbs-heading">' in html
    assert result.sent == len(mail.outbox) == 3  # the coordinator, the DSL (DBS) and the volunteer (their own DBS)
    # One audit entry per email, naming its items by key.
    entry = AuditEntry.objects.get(event=AuditEvent.REMINDERS_SENT, object_id=w.coordinator.pk)
    assert entry.additional_data["items"]["families.no_recent_visit"] == [f"novisit:{w.family.pk}:2026-02-10"]

    second = run()
    assert (second.sent, len(mail.outbox)) == (0, 3)
    on(clock, MONDAY + datetime.timedelta(days=1))
    assert run().sent == 0 and len(mail.outbox) == 3


def test_a_failed_send_is_recorded_and_sent_on_the_next_run_and_never_again(
    rworld: Any, clock: Any, settings: Any
) -> None:
    w = rworld
    settings.EMAIL_BACKEND = f"{__name__}.FailingFor"
    FailingFor.refused = {w.coordinator.email}
    with pytest.raises(CommandError, match="1 emails could not be sent"):
        call_command("send_reminders", stdout=_Sink(), stderr=_Sink())
    assert email_to(w.coordinator) == []
    row = ReminderSent.objects.get(recipient=w.coordinator)
    assert (row.status, row.attempts, row.sent_at) == (ReminderStatus.FAILED, 1, None)
    assert row.last_error.startswith("SMTPRecipientsRefused") and w.coordinator.email not in row.last_error
    assert AuditEntry.objects.filter(event=AuditEvent.REMINDERS_FAILED, object_id=w.coordinator.pk).count() == 1

    on(clock, MONDAY + datetime.timedelta(days=1))  # still failing: tried again, counted
    run()
    assert ReminderSent.objects.get(recipient=w.coordinator).attempts == 2
    FailingFor.refused = set()
    on(clock, MONDAY + datetime.timedelta(days=2))
    run()
    row = ReminderSent.objects.get(recipient=w.coordinator)
    assert (row.status, row.attempts) == (ReminderStatus.SENT, 3) and row.sent_at == timezone.now()
    assert len(email_to(w.coordinator)) == 1
    on(clock, MONDAY + datetime.timedelta(days=3))
    run()
    assert len(email_to(w.coordinator)) == 1


def test_a_failed_send_for_a_weekly_person_is_tried_again_the_next_day(rworld: Any, clock: Any, settings: Any) -> None:
    w = rworld
    choose(w.coordinator, families__no_recent_visit="weekly")
    settings.EMAIL_BACKEND = f"{__name__}.FailingFor"
    FailingFor.refused = {w.coordinator.email}
    run()  # Monday: the weekly day, but the send fails
    FailingFor.refused = set()
    on(clock, MONDAY + datetime.timedelta(days=1))
    run()
    assert len(email_to(w.coordinator)) == 1
    assert sent("families.no_recent_visit") == {("coordinator", f"novisit:{w.family.pk}:2026-02-10")}


# --- Choices ------------------------------------------------------------------------------------------------------


def test_weekly_choices_gather_on_the_weekly_day_and_none_stops_an_optional_kind(rworld: Any, clock: Any) -> None:
    w = rworld
    choose(w.coordinator, families__no_recent_visit="weekly")
    on(clock, MONDAY + datetime.timedelta(days=1))  # Tuesday
    run()
    assert email_to(w.coordinator) == []
    second = make_family(w.coordinator, "Nowak", volunteer=w.other_volunteer)
    for day in range(2, 7):  # Wednesday to Sunday: nothing for the weekly person
        on(clock, MONDAY + datetime.timedelta(days=day))
        run()
    assert email_to(w.coordinator) == []
    on(clock, MONDAY + datetime.timedelta(days=7))  # Monday: everything still due, in one email
    run()
    [message] = email_to(w.coordinator)
    assert "2 families you coordinate have had no visit logged in more than 14 days" in message.body
    assert {key for _user, key in sent("families.no_recent_visit")} == {
        f"novisit:{w.family.pk}:2026-02-10",
        f"novisit:{second.pk}:2026-02-11",
    }

    choose(w.dsl, volunteers__supervision_overdue="none")
    on(clock, MONDAY + datetime.timedelta(days=60))
    run()
    assert ("coordinator", f"supervision:{w.volunteer.pk}:2026-04-27") in sent("volunteers.supervision_overdue")
    assert not [row for row in sent("volunteers.supervision_overdue") if row[0] == "dsl"]
    # Switched back on: what is still due comes on the next run.
    choose(w.dsl, volunteers__supervision_overdue="daily")
    on(clock, MONDAY + datetime.timedelta(days=61))
    run()
    assert ("dsl", f"supervision:{w.volunteer.pk}:2026-04-27") in sent("volunteers.supervision_overdue")


def test_a_weekly_day_other_than_monday_can_be_set(rworld: Any, clock: Any, settings: Any) -> None:
    w = rworld
    settings.REMINDERS_WEEKLY_DAY = 4  # Friday
    choose(w.coordinator, families__no_recent_visit="weekly")
    run()
    assert email_to(w.coordinator) == []
    on(clock, MONDAY + datetime.timedelta(days=4))
    run()
    assert len(email_to(w.coordinator)) == 1
    settings.REMINDERS_WEEKLY_DAY = 7
    with pytest.raises(Exception, match="REMINDERS_WEEKLY_DAY"):
        reminders.weekly_day()


def test_choices_are_a_persons_own_and_only_for_the_kinds_of_their_role(rworld: Any) -> None:
    w = rworld
    with pytest.raises(ActionNotAllowed, match="your own"):
        services.reminder_preferences_set(
            user=w.volunteer, choices={"volunteers.own_supervision_due": "none"}, actor=w.coordinator
        )
    with pytest.raises(ActionNotAllowed, match="not one of the reminders"):
        choose(w.volunteer, families__no_recent_visit="none")
    with pytest.raises(ActionNotAllowed, match="your own"):
        choose(w.administrator, families__no_recent_visit="none")
    assert not ReminderPreference.objects.exists()
    choose(w.volunteer, volunteers__own_supervision_due="none")
    entry = AuditEntry.objects.get(event=AuditEvent.REMINDER_CHOICE_CHANGED)
    assert entry.actor == w.volunteer and entry.changes["frequency"] == ["None", "none"]
    assert reminders.choices_for(w.volunteer) == {
        "volunteers.own_dbs_renewal": "daily",
        "volunteers.own_supervision_due": "none",
    } | {
        name: "daily"
        for name in reminders.KINDS
        if name.startswith("outcomes.") and Role.VOLUNTEER in reminders.KINDS[name].roles
    }


# --- No personal details -----------------------------------------------------------------------------------------

SENTINEL_FAMILY = "Zqxfamilyname"
SENTINEL_CHILD = "Zqxchildname"
SENTINEL_VOLUNTEER = "Zqxvolunteer"
SENTINEL_POSTCODE = "ZQ9 9XQ"


def test_no_email_holds_a_family_name_reference_address_childs_name_or_volunteer_name(rworld: Any, clock: Any) -> None:
    w = rworld
    volunteer = make_user(w.scheme, SENTINEL_VOLUNTEER.lower(), Role.VOLUNTEER)
    family = make_family(
        w.coordinator, SENTINEL_FAMILY, volunteer=volunteer, child_first_name=SENTINEL_CHILD, postcode=SENTINEL_POSTCODE
    )
    set_dbs(w, volunteer, MONDAY + datetime.timedelta(days=5))
    from tests.consents.conftest import publish_wordings

    publish_wordings(w.scheme, w.administrator)
    consent_services.agency_request_receive(
        requester=Professional.objects.get(name="Helen Price"),
        received_on=MONDAY,
        purpose="Planning.",
        categories=[Category.SUPPORT_STATUS],
        identifying=True,
        family=family,
        due_on=MONDAY,
        actor=w.coordinator,
    )
    on(clock, MONDAY + datetime.timedelta(days=60))  # everything is due: visits, DBS, supervision, the request
    run()
    assert mail.outbox
    kinds_sent = set(ReminderSent.objects.values_list("kind", flat=True))
    assert {"families.no_recent_visit", "volunteers.dbs_renewals", "volunteers.own_dbs_renewal"} <= kinds_sent
    assert {
        "volunteers.supervision_overdue",
        "volunteers.own_supervision_due",
        "consents.requests_overdue",
    } <= kinds_sent
    forbidden = [SENTINEL_FAMILY, family.reference, SENTINEL_CHILD, SENTINEL_POSTCODE, "1 Test Road", "Grace"]
    # Nobody's name either, the recipient's own included: every person here is "<Name> Tester".
    forbidden += ["Tester", SENTINEL_VOLUNTEER, w.family.family_name, w.family.reference, "Helen Price"]
    for message in mail.outbox:
        text = whole_text(message)
        for value in forbidden:
            assert value.lower() not in text.lower(), f"{value!r} in the email to {message.to}"
        assert message.to[0] not in message.body  # the address only in the envelope
    for entry in AuditEntry.objects.filter(event=AuditEvent.REMINDERS_SENT):
        assert SENTINEL_FAMILY not in str(entry.additional_data) and family.reference not in str(entry.additional_data)


# --- The command, dry runs, and runs that overlap -----------------------------------------------------------------


class _Sink:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


def test_the_command_prints_counts_only_and_a_dry_run_sends_and_records_nothing(rworld: Any) -> None:
    out = _Sink()
    call_command("send_reminders", "--dry-run", stdout=out)
    assert "Reminders for Monday 2 March 2026 (weekly choices are sent today): dry run, nothing sent." in out.text
    assert "(families.no_recent_visit): 1 to 1 people" in out.text and "1 emails would be sent." in out.text
    assert mail.outbox == [] and not ReminderSent.objects.exists()
    assert not AuditEntry.objects.filter(event__startswith="reminders").exists()
    assert "Okafor" not in out.text and "Tester" not in out.text
    with pytest.raises(CommandError, match="only be used with --dry-run"):
        call_command("send_reminders", "--date", "2026-03-09", stdout=_Sink())
    out = _Sink()
    call_command("send_reminders", stdout=out)
    assert "1 emails sent, 0 failed." in out.text and len(mail.outbox) == 1


def test_the_command_refuses_to_run_without_site_url(rworld: Any, settings: Any) -> None:
    settings.SITE_URL = ""
    with pytest.raises(CommandError, match="SITE_URL is not set"):
        call_command("send_reminders", stdout=_Sink())
    assert mail.outbox == []


def test_people_without_an_email_address_or_no_longer_active_get_nothing(rworld: Any) -> None:
    w = rworld
    services.user_update(
        user=w.coordinator,
        actor=w.administrator,
        first_name="Coordinator",
        last_name="Tester",
        email="",
        role=Role.COORDINATOR,
        is_safeguarding_lead=False,
    )
    result = run()
    assert (result.sent, result.without_address) == (0, 1) and mail.outbox == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_run_while_another_is_sending_sends_nothing(clock: Any) -> None:
    build_world()
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [reminders.RUN_LOCK])
        with pytest.raises(reminders.AlreadyRunning):
            run()
        assert mail.outbox == [] and not ReminderSent.objects.exists()
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [reminders.RUN_LOCK])
        assert run().sent == 1
    finally:
        other.close()


# --- Queries: constant in the number of families per person --------------------------------------------------------


def _run_queries(day: datetime.date) -> tuple[int, reminders.RunResult]:
    with CaptureQueriesContext(connection) as queries:
        result = run(day)
    return len(queries), result


def test_a_run_costs_the_same_queries_for_5_or_50_families_per_coordinator(rworld: Any, clock: Any) -> None:
    w = rworld
    ContentType.objects.get_for_model(User)  # the audit entry's content type, cached as in any long-lived process
    for n in range(4):
        make_family(w.coordinator, f"Small{n}", volunteer=w.other_volunteer)
    few, result = _run_queries(MONDAY)
    assert result.sent == 1 and result.emails[0].count == 5
    for n in range(45):
        make_family(w.coordinator, f"Large{n}", volunteer=w.other_volunteer)
    on(clock, MONDAY + datetime.timedelta(days=1))
    many, result = _run_queries(MONDAY + datetime.timedelta(days=1))
    assert result.sent == 1 and result.emails[0].count == 45
    assert many == few, f"{few} queries for 5 families, {many} for 50"

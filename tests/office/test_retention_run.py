"""``manage.py retention_run``: every app's rule, the dry run, the log of each run, idempotency, and that nothing
personal is left on an anonymised record or written to the audit log on the way (SECURITY 19, 25).

The records are made through the services on the days they happened (time-machine, frozen) and the rules run on a
later day, still in the past for the database (safeguarding's triggers compare with its CURRENT_DATE).
"""

import datetime
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import models
from django.utils import timezone

from consents import services as consent_services
from consents.models import ConsentEvent, Disclosure, Photo, SignedScan
from families import retention as family_retention
from families import services as family_services
from families.models import Family, HouseholdMember, Professional
from homestart import retention
from homestart import services as core_services
from homestart.models import AuditEntry, AuditEvent, Role, User
from safeguarding import services as safeguarding_services
from safeguarding.models import Concern, ConcernCategory, FollowUp
from tests.conftest import log_visit, make_user
from tests.consents.conftest import pdf_upload, png_upload, publish_wordings
from tests.office.retention_world import (
    PHONE,
    POSTCODE,
    SENTINEL,
    START,
    build_past_world,
    child,
    end_support,
    on_day,
    refer,
    supported,
)
from tests.outcomes.conftest import publish_starter, record
from volunteers import services as volunteer_services
from volunteers.models import SupervisionAction, SupervisionFamily, SupervisionSession, VolunteerProfile

OLDER_BORN = datetime.date(1998, 11, 3)  # 25 on 3 November 2023: the concern is kept until then
ENDED = datetime.date(2023, 2, 15)  # support ended: due on 15 February 2024
RUN = datetime.date(2024, 3, 1)
DOMAIN_APPS = ("families", "volunteers", "consents", "safeguarding", "outcomes")


@pytest.fixture
def past_world(db: Any) -> Any:
    world = build_past_world()
    with on_day(START):
        publish_wordings(world.scheme, world.administrator)
    return world


@dataclass
class Everything:
    """A family with a record of every kind about it, a sentinel in each, and the paths of its stored files."""

    family: Family
    scan: Path
    photo: Path


def _everything(world: Any) -> Everything:
    """Referred, supported, written about, consented, shared, asked about, photographed, supervised and worried
    about on START; the consent withdrawn and support ended on ENDED."""
    health_visitor = Professional.objects.get(name="Helen Price")
    with on_day(START):
        family = supported(world, refer(world.coordinator, older_child_born=OLDER_BORN))
        log_visit(family, world.volunteer, note=f"{SENTINEL}-Visit-note", days_ago=0)
        note = family_services.case_note_write(family=family, text=f"{SENTINEL}-Phone-note", actor=world.volunteer)
        family_services.case_note_correct(note=note, text=f"{SENTINEL}-Correction", actor=world.volunteer)
        consent, _letter, _pdf = consent_services.consent_request(
            family=family,
            purpose="information_exchange",
            signer=child(family, f"{SENTINEL}-Mum"),
            recipients=[health_visitor],
            categories=["support_status", "visit_summary"],
            review_on=START + datetime.timedelta(days=365),
            actor=world.coordinator,
        )
        consent = consent_services.consent_record_signed(
            consent=consent, scan=pdf_upload(), signed_on=START, method="scanned_letter",
            received_by=world.coordinator, actor=world.coordinator,
        )  # fmt: skip
        consent_services.disclosure_record(
            family=family, recipient=health_visitor, categories=["support_status"],
            summary=f"{SENTINEL}-Disclosure summary", method="phone", disclosed_on=START, basis="consent",
            consent=consent, actor=world.coordinator,
        )  # fmt: skip
        request = consent_services.agency_request_receive(
            requester=health_visitor, received_on=START, purpose=f"{SENTINEL}-Purpose of the request",
            categories=["support_status"], identifying=True, family=family,
            due_on=START + datetime.timedelta(days=30), actor=world.coordinator,
        )  # fmt: skip
        consent_services.agency_request_close(
            request=request, fulfilled=False, note=f"{SENTINEL}-Outcome note", actor=world.coordinator
        )
        photo = consent_services.photo_record(
            scheme=world.scheme, event=f"{SENTINEL}-Picnic at the Okonkwos'", taken_on=START, description=f"{SENTINEL}-Caption",
            families=[family], image=png_upload(), actor=world.coordinator,
        )  # fmt: skip
        volunteer_services.supervision_record(
            volunteer=world.volunteer, held_on=START, notes="General notes about the volunteer's own practice.",
            discussed=[volunteer_services.DiscussedFamily(family=family, notes=f"{SENTINEL}-Supervision part")],
            actions=[volunteer_services.AgreedAction(
                text=f"{SENTINEL}-Action", due_on=START + datetime.timedelta(days=14), family=family
            )],
            actor=world.coordinator,
        )  # fmt: skip
        publish_starter(world.scheme, world.administrator)
        record(family, world.volunteer, on=START, comment=f"{SENTINEL}-Outcome comment")
        concern = safeguarding_services.concern_raise(
            family=family, children=[child(family, f"{SENTINEL}-Older")], category=ConcernCategory.EMOTIONAL,
            account=f"{SENTINEL}-Account of what was seen", observed_on=START, observed_time=datetime.time(10, 15),
            immediate_danger=False, actor=world.volunteer, site_root="https://homestart.example/",
        )  # fmt: skip
        safeguarding_services.concern_review(
            concern=concern, notes=f"{SENTINEL}-Review", urgent=False, occurred_on=START, actor=world.dsl
        )
        safeguarding_services.follow_up_add(
            concern=concern, action=f"{SENTINEL}-Follow-up", due_on=START + datetime.timedelta(days=7),
            owner=world.coordinator, actor=world.dsl,
        )  # fmt: skip
        family_services.retention_hold_place(family=family, reason=f"{SENTINEL}-Hold reason", actor=world.coordinator)
    with on_day(START + datetime.timedelta(days=3)):
        family_services.retention_hold_lift(family=family, actor=world.coordinator)
    with on_day(ENDED):
        consent_services.consent_withdraw(
            consent=consent, withdrawn_on=ENDED, method="by_phone", note=f"{SENTINEL}-Withdrawal note",
            actor=world.coordinator,
        )  # fmt: skip
        family = end_support(world, family)
    scan = ConsentEvent.objects.get(consent=consent, scan__isnull=False).scan
    photo = Photo.objects.get(pk=photo.pk)
    return Everything(family=family, scan=Path(scan.file.path), photo=Path(photo.image.path))


def _text_fields(model: type[models.Model]) -> list[str]:
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField | models.JSONField | models.FileField)
    ]


def _where(value: str) -> list[str]:
    """Every record of the domain apps (and every account) holding ``value`` in a text field: "app.Model.field"."""
    found = []
    for model in [*(m for app in DOMAIN_APPS for m in apps.get_app_config(app).get_models()), User]:
        for name in _text_fields(model):
            lookup = f"{name}__icontains" if not isinstance(model._meta.get_field(name), models.JSONField) else None
            if lookup and model.objects.filter(**{lookup: value}).exists():
                found.append(f"{model._meta.label}.{name}")
    return found


def _in_the_log(entries: Any, value: str) -> list[int]:
    return [
        entry.pk
        for entry in entries
        if value.lower()
        in " ".join(
            str(part) for part in (entry.changes, entry.changes_text, entry.object_repr, entry.additional_data)
        ).lower()
    ]


def _run(day: datetime.date = RUN, **kwargs: Any) -> retention.RunResult:
    with on_day(day):
        return retention.run(**kwargs)


# --- The registry --------------------------------------------------------------------------------------------------


def test_every_app_registers_its_rules_and_the_keeps() -> None:
    assert list(retention.RULES) == [
        "audit_entries",
        "families",
        "volunteers",
        "supervision_about_families",
        "consents",
        "disclosures",
        "agency_requests",
        "photos",
        "safeguarding_concerns",
        "outcome_assessments",
    ]
    assert list(family_retention.KEEPS) == ["safeguarding"]
    assert family_retention.families_held in retention._FAMILY_HOLDS


# --- Everything about a family, at once -----------------------------------------------------------------------------


def test_a_run_anonymises_every_record_about_the_family_and_leaves_nothing_personal(past_world: Any) -> None:
    everything = _everything(past_world)
    family = everything.family
    assert _where(SENTINEL)  # the sentinels are there to be found
    assert everything.scan.exists() and everything.photo.exists()
    last_before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()

    result = _run()

    assert not result.failed
    assert result.counts == {
        "audit_entries": 0,
        "families": 1,
        "volunteers": 0,
        "supervision_about_families": 1,
        "consents": 1,
        "disclosures": 1,
        "agency_requests": 1,
        "photos": 1,
        "safeguarding_concerns": 1,
        "outcome_assessments": 1,
    }
    # Nothing personal is left on any record, nor in any entry the run wrote.
    for value in (SENTINEL, POSTCODE, PHONE):
        assert _where(value) == [], value
        assert _in_the_log(AuditEntry.objects.filter(pk__gt=last_before), value) == [], value
    # The stored files are gone; their rows stay, "removed under retention".
    assert not everything.scan.exists() and not everything.photo.exists()
    scan = SignedScan.objects.get(event__consent__family=family)
    assert scan.file.name == "" and scan.sha256  # the row, and the fingerprint of what was signed, stay
    photo = Photo.objects.get()
    assert (photo.image.name, photo.event, photo.description) == ("", "[anonymised]", "[anonymised]")
    # Rows stay for the figures: the family, its household (born in the same years), visits, referrals, outcomes.
    family.refresh_from_db()
    assert family.status == "ended" and family.support_ended_on == ENDED and family.anonymised_on == RUN
    assert family.postcode == "" and family.phone == "[anonymised]" and family.address == "[anonymised]"
    members = {member.kind: member for member in HouseholdMember.objects.filter(family=family, kind="adult")}
    assert members["adult"].date_of_birth == datetime.date(1990, 1, 1)
    assert HouseholdMember.objects.filter(family=family).count() == 3
    assert family.visits.count() == 1 and family.referrals.count() == 1 and family.case_notes.count() == 3
    assert Disclosure.objects.get().categories == ["support_status"]
    assert Concern.objects.get().category == ConcernCategory.EMOTIONAL
    assert FollowUp.objects.get().action == "[anonymised]"
    assert SupervisionFamily.objects.get().notes == "[anonymised]"
    assert SupervisionAction.objects.get().text == "[anonymised]"
    # The volunteer has not left: their own supervision notes are theirs, kept.
    assert SupervisionSession.objects.get().notes.startswith("General notes")
    # Other families are untouched.
    assert Family.objects.get(pk=past_world.family.pk).family_name == "Okafor"


def test_a_second_run_finds_nothing_new(past_world: Any) -> None:
    _everything(past_world)
    _run()
    entries = AuditEntry.objects.count()
    again = _run()
    assert all(outcome.due == 0 for outcome in again.outcomes), again.counts
    new = list(AuditEntry.objects.order_by("pk")[entries:])
    assert [entry.event for entry in new] == [AuditEvent.RETENTION_RUN]  # only the log of the run


def test_each_run_is_logged_with_its_counts(past_world: Any) -> None:
    _everything(past_world)
    _run()
    run = AuditEntry.objects.filter(event=AuditEvent.RETENTION_RUN).get()
    assert run.additional_data["day"] == RUN.isoformat()
    assert run.additional_data["anonymised"]["families"] == 1
    assert run.additional_data["anonymised"]["safeguarding_concerns"] == 1
    assert run.additional_data["failed"] == {}
    assert "8 records anonymised" in run.object_repr
    assert run.timestamp.date() == RUN


def test_a_dry_run_lists_what_is_due_and_changes_nothing(past_world: Any) -> None:
    everything = _everything(past_world)
    entries = AuditEntry.objects.count()
    found = _where(SENTINEL)

    result = _run(dry_run=True)

    assert result.counts["families"] == 1 and result.counts["consents"] == 1
    outcome = next(outcome for outcome in result.outcomes if outcome.name == "families")
    assert outcome.references == [everything.family.reference]
    assert AuditEntry.objects.count() == entries  # not even the run is logged
    assert _where(SENTINEL) == found
    assert everything.scan.exists() and everything.photo.exists()
    assert Family.objects.get(pk=everything.family.pk).anonymised_on is None


def test_the_command_lists_references_and_no_personal_value(past_world: Any) -> None:
    everything = _everything(past_world)
    out = io.StringIO()
    with on_day(RUN):
        call_command("retention_run", "--dry-run", stdout=out)
    listing = out.getvalue()
    assert "dry run, nothing changed" in listing
    assert everything.family.reference in listing
    assert "(families): 1 due" in listing and "(consents): 1 due" in listing
    for value in (SENTINEL, POSTCODE, PHONE, "Okafor"):
        assert value.lower() not in listing.lower()
    assert Family.objects.get(pk=everything.family.pk).anonymised_on is None

    out = io.StringIO()
    with on_day(RUN):
        call_command("retention_run", stdout=out)
    assert "(families): 1 due, 1 anonymised" in out.getvalue()
    assert SENTINEL.lower() not in out.getvalue().lower()
    assert Family.objects.get(pk=everything.family.pk).anonymised_on == RUN


def test_the_command_looks_ahead_only_in_a_dry_run(past_world: Any) -> None:
    with on_day(RUN), pytest.raises(CommandError, match="only be used with --dry-run"):
        call_command("retention_run", "--date", "2030-01-01", stdout=io.StringIO())


def test_a_held_family_keeps_every_record_about_it(past_world: Any) -> None:
    everything = _everything(past_world)
    with on_day(RUN - datetime.timedelta(days=2)):
        family_services.retention_hold_place(
            family=everything.family, reason="A claim from the family's solicitor", actor=past_world.dsl
        )
    result = _run()
    assert all(count == 0 for count in result.counts.values()), result.counts
    assert everything.scan.exists() and everything.photo.exists()
    assert "safeguarding.Concern.account" in _where(SENTINEL)


# --- Volunteers, six years after they leave --------------------------------------------------------------------

LEFT = datetime.date(2023, 3, 1)


def _leaver(world: Any) -> User:
    """A volunteer who supported a family, was supervised, and stopped on LEFT (account deactivated on 6 March)."""
    with on_day(START):
        leaver = make_user(world.scheme, "leaver", Role.VOLUNTEER)
        core_services.user_update(
            user=leaver, first_name=f"{SENTINEL}-First", last_name=f"{SENTINEL}-Last",
            email="leaver@sentinel.invalid", role=Role.VOLUNTEER, is_safeguarding_lead=False, actor=world.administrator,
        )  # fmt: skip
        volunteer_services.volunteer_availability_update(
            profile=leaver.volunteer_profile, available_for_new_family=False, available_times=f"{SENTINEL}-Times",
            max_families=2, actor=world.coordinator,
        )  # fmt: skip
        family = refer(world.coordinator, "Leaverfamily")
        family_services.referral_decide(referral=family.referrals.get(), outcome="accepted", actor=world.coordinator)
        family_services.assignment_start(
            family=family, volunteer=leaver, started_on=START, confirmed=True, actor=world.coordinator
        )
        volunteer_services.supervision_record(
            volunteer=leaver, held_on=START, notes=f"{SENTINEL}-General supervision notes",
            actions=[volunteer_services.AgreedAction(text=f"{SENTINEL}-Own action", due_on=LEFT)],
            actor=world.coordinator,
        )  # fmt: skip
    with on_day(LEFT):
        log_visit(family, leaver, days_ago=0)
        assignment = family.assignments.get(volunteer=leaver)
        family_services.assignment_end(assignment=assignment, ended_on=LEFT, actor=world.coordinator)
    with on_day(LEFT + datetime.timedelta(days=5)):
        core_services.user_deactivate(user=leaver, actor=world.administrator)
    return User.objects.get(pk=leaver.pk)


def test_a_volunteer_is_anonymised_six_years_after_they_left_and_not_a_day_before(past_world: Any) -> None:
    leaver = _leaver(past_world)
    profile = VolunteerProfile.objects.get(user=leaver)
    assert profile.dbs_certificate_number
    assert _run(datetime.date(2029, 2, 28)).counts["volunteers"] == 0
    assert User.objects.get(pk=leaver.pk).username == "leaver"

    last_before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    result = _run(datetime.date(2029, 3, 1))
    assert result.counts["volunteers"] == 1
    assert f"Volunteer account #{leaver.pk}" in next(o for o in result.outcomes if o.name == "volunteers").references
    leaver.refresh_from_db()
    assert (leaver.first_name, leaver.last_name, leaver.email, leaver.phone) == ("[anonymised]", "", "", "")
    assert leaver.username == f"anonymised-{leaver.pk}" and not leaver.has_usable_password()
    profile.refresh_from_db()
    assert profile.dbs_certificate_number == "[anonymised]" and profile.available_times == "[anonymised]"
    assert SupervisionSession.objects.get(volunteer=leaver).notes == "[anonymised]"
    assert SupervisionAction.objects.get(session__volunteer=leaver).text == "[anonymised]"
    assert leaver.visits.count() == 1  # the visit still counts
    # The account's audit entries (its sign-ins, its own records) no longer name it or give its email.
    about = AuditEntry.objects.filter(actor=leaver) | AuditEntry.objects.filter(
        content_type__model="user", object_id=leaver.pk
    )
    assert about.exists() and not about.filter(anonymised=False).exists()
    for value in (SENTINEL, "leaver@", "leaver"):
        assert _in_the_log(AuditEntry.objects.filter(pk__gt=last_before), value) == [], value
    # Nothing of the volunteer's own is left (the family they supported is not past its retention: kept).
    assert [found for found in _where(SENTINEL) if not found.startswith("families.")] == []
    assert _run(datetime.date(2029, 3, 2)).counts["volunteers"] == 0  # once only


def test_a_volunteer_who_came_back_is_not_anonymised(past_world: Any) -> None:
    leaver = _leaver(past_world)
    with on_day(datetime.date(2025, 1, 6)):
        core_services.user_reactivate(user=leaver, actor=past_world.administrator)
    assert _run(datetime.date(2030, 1, 1)).counts["volunteers"] == 0


# --- The audit log --------------------------------------------------------------------------------------------


def test_the_audit_log_is_kept_as_written_by_default(past_world: Any) -> None:
    _everything(past_world)
    assert retention.period("audit_years") is None
    _run(datetime.date(2040, 1, 1))
    assert not AuditEntry.objects.filter(anonymised=True).exclude(actor__username__startswith="anonymised-").exists()


@pytest.mark.postgres
def test_with_a_period_old_audit_entries_are_anonymised_except_a_held_familys(past_world: Any, settings: Any) -> None:
    settings.RETENTION = {**settings.RETENTION, "audit_years": 2}
    with on_day(START):
        held = refer(past_world.coordinator, "Heldfamily")
        family_services.retention_hold_place(family=held, reason="Legal claim", actor=past_world.coordinator)
    with on_day(datetime.date(2024, 6, 1)):
        core_services.user_end_all_sessions(user=past_world.volunteer, actor=past_world.coordinator)
    old = AuditEntry.objects.filter(timestamp__date__lte=START)
    assert old.exists()

    result = _run(datetime.date(2025, 1, 17))

    assert result.counts["audit_entries"] == old.exclude(family_pk=held.pk).count()
    assert not old.exclude(family_pk=held.pk).filter(anonymised=False).exists()
    anonymised = old.exclude(family_pk=held.pk).first()
    assert (anonymised.object_repr, anonymised.actor_email, anonymised.remote_addr) == ("[anonymised]", None, None)
    assert anonymised.event  # what was done stays, and when, and by which account
    assert old.filter(family_pk=held.pk).exists()
    assert not old.filter(family_pk=held.pk, anonymised=True).exists()  # the held family's evidence is kept
    assert not AuditEntry.objects.filter(timestamp__date__gt=START, anonymised=True).exists()
    assert _run(datetime.date(2025, 1, 18)).counts["audit_entries"] == 0
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert out.getvalue().startswith("OK")


# --- When the database refuses ----------------------------------------------------------------------------------


@pytest.mark.postgres
def test_a_record_the_database_refuses_is_reported_and_the_run_goes_on(past_world: Any) -> None:
    """A clock ahead of the database's (safeguarding's trigger refuses to delete steps before retain_until): that
    concern is left as it was and reported, the rest of the run is done, and the command exits with an error."""
    with on_day(START):
        family = supported(past_world, refer(past_world.coordinator))
        concern = safeguarding_services.concern_raise(
            family=family, children=[], category=ConcernCategory.NEGLECT, account=f"{SENTINEL}-Account",
            observed_on=START, observed_time=None, immediate_danger=False, actor=past_world.coordinator,
            site_root="https://homestart.example/",
        )  # fmt: skip
        safeguarding_services.concern_review(
            concern=concern, notes="Reviewed.", urgent=False, occurred_on=START, actor=past_world.dsl
        )
    with on_day(ENDED):
        end_support(past_world, family)
    held_until = Concern.objects.get(pk=concern.pk).retain_until
    assert held_until > timezone.localdate()  # the baby's 25th birthday: still ahead for the database
    day = held_until + datetime.timedelta(days=1)
    err = io.StringIO()
    with on_day(day), pytest.raises(CommandError, match="could not be anonymised"):
        call_command("retention_run", stdout=io.StringIO(), stderr=err)
    assert f"FAILED: Concern #{concern.pk}" in err.getvalue()
    assert Concern.objects.get(pk=concern.pk).account.startswith(SENTINEL)  # left whole
    assert Family.objects.get(pk=family.pk).anonymised_on == day  # the rest was done
    run = AuditEntry.objects.get(event=AuditEvent.RETENTION_RUN)
    assert run.additional_data["failed"] == {"safeguarding_concerns": [f"Concern #{concern.pk} of {family.reference}"]}

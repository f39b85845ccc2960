"""seed_scale writes in bulk, so these tests check it left exactly what the services would have left.

Each test seeds a small national set (60 families, one scheme) and checks one family of invariants: statuses and
referral outcomes, object permissions, private-note permissions, volunteer records, and an audit log that replays
to every row's current state, with the events and families the services write, in an unbroken chain, without
holding a note's text or anybody's name.
"""

import datetime
import io
import json
import re
from collections import Counter, defaultdict
from typing import Any

import pytest
from auditlog.diff import model_instance_diff
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.utils import timezone

from families import services as family_services
from families.audit import FamilyAuditEvent
from families.models import (
    Agency,
    Assignment,
    CaseNote,
    CaseNoteUserObjectPermission,
    Family,
    FamilyStatus,
    FamilyUserObjectPermission,
    HouseholdMember,
    MemberKind,
    Professional,
    Referral,
    ReferralOutcome,
    SupportPeriod,
    Visit,
)
from families.selectors import case_notes_for_user, families_for_user
from homestart import audit, chain
from homestart import services as account_services
from homestart.audit import MASK
from homestart.models import AuditEntry, Role, Scheme, User
from volunteers import services as volunteer_services
from volunteers.models import VolunteerProfile

FAMILIES = 60
DOMAIN_MODELS = [
    Scheme,
    User,
    VolunteerProfile,
    Agency,
    Professional,
    Family,
    HouseholdMember,
    Referral,
    SupportPeriod,
    Assignment,
    Visit,
    CaseNote,
]
OUTCOME_FOR_STATUS = {
    FamilyStatus.REFERRED: ReferralOutcome.PENDING,
    FamilyStatus.WAITING_LIST: ReferralOutcome.WAITING_LIST,
    FamilyStatus.AWAITING_VOLUNTEER: ReferralOutcome.ACCEPTED,
    FamilyStatus.SUPPORTED: ReferralOutcome.ACCEPTED,
    FamilyStatus.ENDED: ReferralOutcome.ACCEPTED,
    FamilyStatus.NOT_ACCEPTED: ReferralOutcome.DECLINED,
}


def seed(**options: Any) -> str:
    out = io.StringIO()
    call_command("seed_scale", families=FAMILIES, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def seeded(db: Any) -> str:
    return seed()


def open_assignment_pairs() -> set[tuple[int, int]]:
    return set(Assignment.objects.filter(ended_on__isnull=True).values_list("volunteer_id", "family_id"))


def test_seed_scale_builds_the_requested_scale(seeded: str) -> None:
    assert Scheme.objects.filter(code="SC0001").exists()
    assert Family.objects.count() == FAMILIES
    assert User.objects.filter(role=Role.VOLUNTEER).count() == FAMILIES // 10
    assert User.objects.filter(role=Role.COORDINATOR, is_safeguarding_lead=True).count() == 1
    children = HouseholdMember.objects.filter(kind=MemberKind.CHILD).count()
    assert 2 * FAMILIES <= children <= 3 * FAMILIES
    visits = Visit.objects.count()
    assert 12 * FAMILIES <= visits <= 14 * FAMILIES
    assert CaseNote.objects.count() == visits
    assert "Scale data created in" in seeded


def test_seed_scale_refuses_a_second_run_without_force(seeded: str) -> None:
    with pytest.raises(CommandError, match="already holds scale data"):
        seed()
    seed(force=True)
    assert set(Scheme.objects.values_list("code", flat=True)) == {"SC0001", "SC0002"}
    assert Family.objects.count() == 2 * FAMILIES


def test_seed_scale_families_follow_the_service_lifecycle(seeded: str) -> None:
    statuses = Counter(Family.objects.values_list("status", flat=True))
    assert set(statuses) == set(FamilyStatus.values)
    today = timezone.localdate()
    for family in Family.objects.prefetch_related("referrals", "assignments__volunteer"):
        referral, *earlier = family.referrals.all()  # newest first
        first = earlier[-1] if earlier else referral
        assert referral.outcome == OUTCOME_FOR_STATUS[family.status], family.reference
        assert all(r.outcome == ReferralOutcome.ACCEPTED for r in earlier), family.reference  # they came back
        assert all(r.received_by_id == family.lead_coordinator_id for r in family.referrals.all())
        assert family.reference.startswith(f"SC0001-{first.date_received.year}-")
        if referral.outcome == ReferralOutcome.DECLINED:
            assert referral.outcome_reason
        opened = [a for a in family.assignments.all() if a.ended_on is None]
        assert len(opened) == (1 if family.status == FamilyStatus.SUPPORTED else 0), family.reference
        for assignment in family.assignments.all():
            assert assignment.volunteer.role == Role.VOLUNTEER
            assert assignment.volunteer.scheme_id == family.scheme_id
            assert assignment.assigned_by_id == family.lead_coordinator_id
            assert first.decided_on <= assignment.started_on <= today
            if assignment.ended_on is not None:
                assert assignment.started_on <= assignment.ended_on <= today
        if family.status == FamilyStatus.ENDED:
            assert family.support_ended_on and family.support_end_reason
            assert all(
                a.end_reason == "Support ended"
                for a in family.assignments.all()
                if a.ended_on == family.support_ended_on
            )
        latest = [a for a in family.assignments.all() if a.started_on >= referral.date_received]
        if latest:
            assert family.support_started_on == min(a.started_on for a in latest)


def test_seed_scale_support_periods_are_those_the_services_open_and_close(seeded: str) -> None:
    """``assignment_start`` opens a period on the accepted referral, ``family_end_support`` closes it, and the
    family's own support dates are its latest period's; a family that came back has one period per referral."""
    came_back = 0
    for family in Family.objects.prefetch_related("referrals", "assignments", "support_periods"):
        periods = list(family.support_periods.all())  # newest first
        assignments = list(family.assignments.all())
        assert bool(periods) == bool(assignments), family.reference
        if not periods:
            assert (family.support_started_on, family.support_ended_on, family.support_end_reason) == (None, None, "")
            continue
        accepted = [r for r in family.referrals.all() if r.outcome == ReferralOutcome.ACCEPTED]
        assert sorted(p.referral_id for p in periods) == sorted(r.pk for r in accepted)
        latest = periods[0]
        assert (family.support_started_on, family.support_ended_on, family.support_end_reason) == (
            latest.started_on,
            latest.ended_on,
            latest.end_reason,
        ), family.reference
        assert [p for p in periods if p.ended_on is None] == (
            [latest] if family.status in (FamilyStatus.SUPPORTED, FamilyStatus.AWAITING_VOLUNTEER) else []
        ), family.reference
        for period in periods:
            assert period.referral.date_received <= period.started_on
            during = [a for a in assignments if a.started_on >= period.started_on]
            during = [a for a in during if period.ended_on is None or a.started_on <= period.ended_on]
            assert during and min(a.started_on for a in during) == period.started_on, family.reference
            if period.ended_on is not None:
                assert period.end_reason
                assert all(a.ended_on is not None and a.ended_on <= period.ended_on for a in during)
        for older, newer in zip(periods[1:], periods, strict=False):
            assert older.ended_on is not None and older.ended_on < newer.referral.date_received
        came_back += len(periods) > 1
    assert came_back, "some families came back for a second period of support"
    assert SupportPeriod.objects.filter(referral__isnull=True).count() == 0


def test_seed_scale_family_permissions_match_open_assignments(seeded: str) -> None:
    granted = FamilyUserObjectPermission.objects.select_related("permission")
    assert {p.permission.codename for p in granted} == {"view_family"}
    assert {(p.user_id, p.content_object_id) for p in granted} == open_assignment_pairs()
    assert granted.count() == Family.objects.filter(status=FamilyStatus.SUPPORTED).count()
    # And through the selector the pages use: a volunteer sees exactly the families assigned to them now.
    for volunteer in User.objects.filter(role=Role.VOLUNTEER):
        expected = {family_id for user_id, family_id in open_assignment_pairs() if user_id == volunteer.pk}
        assert set(families_for_user(volunteer).values_list("pk", flat=True)) == expected


def test_seed_scale_notes_are_written_by_the_assigned_volunteer_and_readable_as_the_services_grant(
    seeded: str,
) -> None:
    opened = open_assignment_pairs()
    readers: dict[int, set[int]] = defaultdict(set)
    for permission in CaseNoteUserObjectPermission.objects.select_related("permission"):
        assert permission.permission.codename == "view_casenote"
        readers[permission.content_object_id].add(permission.user_id)
    assignments: dict[tuple[int, int], list[Assignment]] = defaultdict(list)
    for assignment in Assignment.objects.all():
        assignments[(assignment.volunteer_id, assignment.family_id)].append(assignment)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    for note in CaseNote.objects.select_related("family", "visit"):
        visit = note.visit
        assert visit.volunteer_id == note.author_id and visit.family_id == note.family_id
        assert visit.visited_on <= yesterday
        assert any(
            a.started_on <= visit.visited_on and (a.ended_on is None or visit.visited_on < a.ended_on)
            for a in assignments[(note.author_id, note.family_id)]
        ), f"note {note.pk} written outside an assignment"
        expected = {note.family.lead_coordinator_id}
        if (note.author_id, note.family_id) in opened:
            expected.add(note.author_id)
        assert readers[note.pk] == expected, f"note {note.pk}"
    assert any(len(users) == 2 for users in readers.values())  # authors still assigned
    assert any(len(users) == 1 for users in readers.values())  # authors whose assignment ended

    # Through the selector the pages use: the lead coordinator reads them all, another coordinator none.
    family = Family.objects.filter(status=FamilyStatus.SUPPORTED).first()
    lead = family.lead_coordinator
    other = User.objects.filter(role=Role.COORDINATOR, scheme=family.scheme).exclude(pk=lead.pk).first()
    assert case_notes_for_user(lead, family).count() == family.case_notes.count() > 0
    assert case_notes_for_user(other, family).count() == 0


def test_seed_scale_volunteers_have_dbs_records(seeded: str) -> None:
    today = timezone.localdate()
    profiles = VolunteerProfile.objects.select_related("user")
    assert profiles.count() == User.objects.filter(role=Role.VOLUNTEER).count()
    for profile in profiles:
        assert profile.user.role == Role.VOLUNTEER
        assert profile.dbs_certificate_number and profile.dbs_issued_on < profile.dbs_renewal_due
    assert profiles.filter(dbs_renewal_due__lte=today + datetime.timedelta(days=60)).exists()


def _reverse_one_to_one(model: type[models.Model]) -> set[str]:
    return {f.name for f in model._meta.get_fields() if f.one_to_one and f.auto_created and not f.concrete}


def test_seed_scale_writes_one_create_entry_per_row_and_the_log_replays_to_each_rows_state(seeded: str) -> None:
    for model in DOMAIN_MODELS:
        content_type = ContentType.objects.get_for_model(model)
        entries: dict[int, list[AuditEntry]] = defaultdict(list)
        for entry in AuditEntry.objects.filter(content_type=content_type).order_by("timestamp", "pk"):
            entries[entry.object_id].append(entry)
        later = _reverse_one_to_one(model)  # created after the row, so absent from its CREATE entry
        objects = model.objects.select_related(*later) if later else model.objects.all()
        assert set(entries) == set(objects.values_list("pk", flat=True)), model
        for obj in objects:
            history = entries[obj.pk]
            assert [e.action for e in history].count(AuditEntry.Action.CREATE) == 1, obj
            assert history[0].action == AuditEntry.Action.CREATE
            assert {e.action for e in history[1:]} <= {AuditEntry.Action.UPDATE}
            assert history[0].object_repr == str(obj)
            assert history[0].object_pk == str(obj.pk)
            # Every entry is about the family the services' registry says the row belongs to (None: no family).
            assert {e.family_pk for e in history} == {audit.FAMILY_OF.get(model._meta.label, lambda _: None)(obj)}
            state: dict[str, str] = {}
            for entry in history:
                state.update({name: change[1] for name, change in entry.changes.items()})
            expected = {name: change[1] for name, change in model_instance_diff(None, obj).items() if name not in later}
            # A value set back to empty (a family's support end date, when it comes back) replays as "None", which a
            # CREATE entry may leave out: compare the values that are set.
            state = {name: value for name, value in state.items() if value != "None"}
            expected = {name: value for name, value in expected.items() if value != "None"}
            assert state == expected, f"{model._meta.label} {obj.pk}"


def _events_written(entries: Any) -> set[tuple[str, int, str]]:
    """What kinds of entry there are: (model, action, event) for every created or changed row of the seeded models."""
    labels = {ContentType.objects.get_for_model(model).pk: model._meta.label for model in DOMAIN_MODELS}
    return {
        (labels[content_type], action, event)
        for content_type, action, event in entries.filter(
            content_type__in=labels, action__in=[AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE]
        ).values_list("content_type", "action", "event")
    }


def _live_a_familys_life_through_the_services(scheme: Scheme) -> None:
    """Everything seed_scale replays, done once through the services themselves in the seeded scheme: a scheme and
    accounts, the directory, a referral through the waiting list, two volunteers in turn, a visit with a note,
    support ended, and the family referred again."""
    admin = User.objects.get(scheme=scheme, role=Role.ADMINISTRATOR)
    coordinator = User.objects.filter(scheme=scheme, role=Role.COORDINATOR).order_by("pk").first()
    first, second = VolunteerProfile.objects.filter(user__scheme=scheme).order_by("pk")[:2]
    today = timezone.localdate()
    account_services.scheme_create(name="Home-Start Replay (scale test)", code="RPLY")
    newcomer = account_services.user_create(
        scheme=scheme,
        username=f"{scheme.code.lower()}-replay",
        first_name="Ottilie",
        last_name="Goodenough",
        email="replay@example.org",
        role=Role.VOLUNTEER,
        password="quiet orchard lantern morning",  # noqa: S106 - a fictional account
        actor=admin,
    )
    volunteer_services.volunteer_profile_update(
        profile=newcomer.volunteer_profile,
        dbs_certificate_number="001234567890",
        dbs_issued_on=today - datetime.timedelta(days=30),
        dbs_renewal_due=today + datetime.timedelta(days=1000),
        preparation_course_completed_on=today - datetime.timedelta(days=10),
        actor=coordinator,
    )
    referrer = family_services.professional_add(
        scheme=scheme,
        agency_name="Replay Health Visiting Team",
        agency_kind="health_visiting",
        name="Perpetua Heathcote",
        role="health visitor",
        actor=coordinator,
    )
    referral = family_services.referral_receive(
        actor=coordinator,
        family_name="Replay family",
        address="1 Mill Lane",
        postcode="ZZ1 1AB",
        referrer=referrer,
        date_received=today,
        reasons="Replayed through the services.",
        members=[{"kind": MemberKind.CHILD, "first_name": "Replay", "date_of_birth": today}],
    )
    family_services.referral_decide(referral=referral, outcome=ReferralOutcome.WAITING_LIST, actor=coordinator)
    family_services.referral_decide(referral=referral, outcome=ReferralOutcome.ACCEPTED, actor=coordinator)
    family = Family.objects.get(pk=referral.family_id)
    assignment = family_services.assignment_start(
        family=family, volunteer=first.user, started_on=today, confirmed=True, actor=coordinator
    )
    family_services.assignment_end(assignment=assignment, ended_on=today, reason="Moved away", actor=coordinator)
    family_services.assignment_start(
        family=family, volunteer=second.user, started_on=today, confirmed=True, actor=coordinator
    )
    family_services.visit_log(
        family=family, visited_on=today, duration_minutes=60, note_text="A replayed visit.", actor=second.user
    )
    family_services.family_end_support(family=family, ended_on=today, reason="Goals reached.", actor=coordinator)
    family_services.referral_rerefer(
        family=family, referrer=None, date_received=today, reasons="Back again.", actor=coordinator
    )


def test_seed_scale_entries_carry_the_events_the_services_write(seeded: str) -> None:
    """The seeded entries name the same events, for the same rows and actions, as the services' own entries for
    the same life; and each is about the family the services' registry names."""
    seeded_kinds = _events_written(AuditEntry.objects.all())
    last_seeded = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    _live_a_familys_life_through_the_services(Scheme.objects.get(code="SC0001"))
    service_kinds = _events_written(AuditEntry.objects.filter(pk__gt=last_seeded))
    assert seeded_kinds == service_kinds
    assert all(event for _model, _action, event in seeded_kinds)  # no entry without its event
    # A visit's entries are about its family, as the services' are.
    visit = Visit.objects.order_by("pk").first()
    entry = AuditEntry.objects.get(content_type=ContentType.objects.get_for_model(Visit), object_id=visit.pk)
    assert (entry.event, entry.family_pk) == (FamilyAuditEvent.VISIT_LOGGED, visit.family_id)


@pytest.mark.postgres
def test_seed_scale_entries_are_chained_like_every_other_entry(seeded: str) -> None:
    """COPY fires the chaining trigger too: the seeded log verifies, and the services' next entry extends it."""
    family = Family.objects.filter(status=FamilyStatus.SUPPORTED).first()
    family_services.family_update_details(
        family=family,
        address="2 Mill Lane",
        postcode="ZZ2 2AB",
        phone="",
        preferred_language="English",
        actor=family.lead_coordinator,
    )
    verdict = chain.verify()
    assert verdict.broken_id is None
    assert verdict.verified == AuditEntry.objects.count() > FAMILIES


def test_seed_scale_audit_entries_name_the_acting_user(seeded: str) -> None:
    for note in CaseNote.objects.all()[:50]:
        entry = AuditEntry.objects.get(
            content_type=ContentType.objects.get_for_model(CaseNote), object_id=note.pk, action=AuditEntry.Action.CREATE
        )
        assert entry.actor_id == note.author_id
        assert entry.timestamp >= note.created_at
    for family in Family.objects.all():
        entry = AuditEntry.objects.get(
            content_type=ContentType.objects.get_for_model(Family), object_id=family.pk, action=AuditEntry.Action.CREATE
        )
        assert entry.actor_id == family.lead_coordinator_id
        assert entry.changes["status"] == ["None", FamilyStatus.REFERRED]


def test_seed_scale_audit_holds_no_note_text_and_no_names(seeded: str) -> None:
    note_texts = set(CaseNote.objects.values_list("text", flat=True))
    sentences = {sentence for text in note_texts for sentence in re.split(r"(?<=\.) ", text)}
    names = set()
    for member in HouseholdMember.objects.all():
        names |= {member.first_name, member.last_name}
    names |= set(Family.objects.values_list("family_name", flat=True))
    names |= set(Family.objects.values_list("postcode", flat=True))
    names.discard("")
    name_pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(names)) + r")\b")

    entries = list(AuditEntry.objects.all())
    assert entries
    masked_seen = 0
    for entry in entries:
        fields = [entry.object_repr, json.dumps(entry.changes), entry.changes_text, json.dumps(entry.additional_data)]
        for text in fields:
            assert not any(sentence in text for sentence in sentences), f"note text in audit entry {entry.pk}"
            assert not name_pattern.search(text), f"a family member's name in audit entry {entry.pk}: {text}"
        if entry.content_type.model == "casenote":
            assert entry.changes["text"] == [MASK, MASK]
            masked_seen += 1
    assert masked_seen == CaseNote.objects.count()


@pytest.mark.postgres
def test_seed_scale_puts_back_every_foreign_key_and_index_it_drops_for_the_load(db: Any) -> None:
    queries = [
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), convalidated FROM pg_constraint",
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid), indisvalid FROM pg_index",
    ]

    def schema() -> set[tuple[Any, ...]]:
        rows: set[tuple[Any, ...]] = set()
        with connection.cursor() as cursor:
            for query in queries:
                cursor.execute(query)
                rows |= set(cursor.fetchall())
        return rows

    before = schema()
    seed()
    assert schema() == before

"""Build a national-scale synthetic data set for benchmarks: ``manage.py seed_scale --families 60000``.

This command is the one deliberate exception to "every write goes through a service" (STYLE.md, rule 1). Going
through the services one row at a time would take hours at national scale (200 schemes, 60,000 families, 1.5
million visits and notes), so it writes in bulk: COPY on PostgreSQL, batched INSERTs elsewhere (SQLite, for tests).
In exchange it must leave exactly the state the services would have left, and the test
``tests/homestart/test_seed_scale.py`` checks that it does:

- every family's history is replayed along the services' own paths (``referral_receive``, ``referral_decide``,
  ``assignment_start``, ``assignment_end``, ``family_end_support``, ``referral_rerefer``, ``visit_log``;
  ``user_create`` and ``volunteer_profile_update`` for accounts), so statuses, referral outcomes, dates,
  assignments and support periods agree (some supported families came back: an earlier period ended, then a
  second referral on the same record);
- guardian object permissions are the ones those services grant: a volunteer with an open assignment holds
  ``families.view_family``; every private note is readable by the family's lead coordinator, and by its author
  only while the author is still assigned;
- the audit log holds the entries those services write: a CREATE per created row and an UPDATE per change, with
  the service's event ("Referral received", "Volunteer assigned", "Visit logged"...), the family the entry is
  about (``family_pk``, from the same registry), auditlog's own field formatting with personal fields masked as
  "[not recorded]" (never a note's text or a child's name), the acting user, and a timestamp in history. The
  database chains them as it chains every entry (its BEFORE INSERT trigger fires for COPY too).

Scale schemes have codes SC0001, SC0002... and the command refuses to run again on a database that already holds
them unless ``--force`` is given. All names are fictional, drawn deterministically (``--seed``) from fixed lists.
On PostgreSQL the foreign keys and plain indexes of the tables being loaded are dropped for the load and put back
(foreign keys re-validated, indexes rebuilt, one pass each) inside the same transaction: maintaining them row by
row would dominate the run time.
"""

import bisect
import datetime
import io
import json
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from auditlog.diff import get_mask_function, track_field
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.utils import timezone

from families.audit import FamilyAuditEvent
from families.models import (
    Agency,
    AgencyKind,
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
    VisitKind,
)
from homestart import audit
from homestart.models import AuditEntry, AuditEvent, Role, Scheme, User
from volunteers.audit import VolunteerAuditEvent
from volunteers.models import VolunteerProfile

SCALE_CODE_REGEX = r"^SC[0-9]{4}$"
FAMILIES_PER_SCHEME = 300
COORDINATORS_PER_SCHEME = 3
SCALE_PASSWORD = "scale-benchmark-password"  # noqa: S105 - fictional benchmark accounts only

# How the families of a scheme are spread over the statuses (the rest of the rounding goes to "supported").
STATUS_SHARES: list[tuple[str, float]] = [
    (FamilyStatus.REFERRED, 0.05),
    (FamilyStatus.WAITING_LIST, 0.05),
    (FamilyStatus.AWAITING_VOLUNTEER, 0.07),
    (FamilyStatus.ENDED, 0.33),
    (FamilyStatus.NOT_ACCEPTED, 0.05),
]

FIRST_NAMES = [
    "Amara", "Bethan", "Carys", "Delyth", "Eilidh", "Farah", "Greta", "Hollis", "Ines", "Jessamy", "Keira", "Lorna",
    "Maddie", "Nerys", "Orla", "Petra", "Quinn", "Rhiannon", "Saoirse", "Tamsin", "Una", "Verity", "Wren", "Yasmin",
    "Zainab", "Alfie", "Bram", "Cormac", "Dario", "Ewan", "Fintan", "Gethin", "Hamish", "Idris", "Jago", "Kofi",
    "Lorcan", "Marek", "Niall", "Osian", "Piran", "Rafe", "Soren", "Tomas", "Ulric", "Viggo", "Wystan", "Zeb",
]  # fmt: skip
CHILD_NAMES = [
    "Ada", "Bea", "Cleo", "Dottie", "Edie", "Flo", "Gigi", "Hattie", "Ivy", "Juno", "Kit", "Lettie", "Mabel", "Nell",
    "Olive", "Pip", "Rosa", "Sylvie", "Tilly", "Vida", "Wynn", "Arlo", "Bodhi", "Cassius", "Digby", "Ezra", "Fox",
    "Gus", "Hugo", "Ike", "Jude", "Kai", "Louis", "Milo", "Ned", "Otis", "Percy", "Rufus", "Sonny", "Teddy", "Wilf",
]  # fmt: skip
SURNAMES = [
    "Ashdown", "Brackley", "Carrow", "Denholm", "Elstree", "Farrant", "Gilmour", "Hartigan", "Ilsley", "Jessop",
    "Kettering", "Langridge", "Marchbank", "Netherton", "Oakhurst", "Pendry", "Quennell", "Rackham", "Stanway",
    "Thursby", "Upcott", "Varley", "Wetherall", "Yelland", "Abernethy", "Blakemore", "Cheverton", "Dunstable",
    "Everleigh", "Fenwick", "Greatorex", "Holloway", "Inchbald", "Kilburn", "Loxley", "Mortimer", "Nankivell",
    "Ogilvy", "Penhaligon", "Rosewarne", "Stirrup", "Trelawney", "Wolstenholme",
]  # fmt: skip
# Staff (accounts and professionals) are named from separate lists, so a family member's name can never turn up
# in the audit log by coincidence: the test looks for them there.
STAFF_FIRST_NAMES = [
    "Anneka", "Briony", "Celyn", "Dervla", "Elowen", "Fenella", "Gwenllian", "Honor", "Isolde", "Jocasta", "Kerensa",
    "Lowenna", "Morwenna", "Nola", "Ottilie", "Perpetua", "Rosalind", "Sidony", "Thomasina", "Ysolde", "Ambrose",
    "Barnaby", "Crispin", "Dashiell", "Evander", "Fergus", "Gideon", "Horatio", "Ignatius", "Jolyon", "Lysander",
    "Malachy", "Peregrine", "Ptolemy", "Rupert", "Sebastian", "Tarquin", "Ulysses", "Wilfred", "Xavier",
]  # fmt: skip
STAFF_SURNAMES = [
    "Aldersey", "Bellingham", "Chadwick", "Danvers", "Eversholt", "Fairweather", "Goodenough", "Heathcote",
    "Ironside", "Jellicoe", "Kingswell", "Lovibond", "Merriweather", "Northcott", "Oldroyd", "Pettigrew",
    "Quarmby", "Ravenscroft", "Sowerby", "Tolhurst", "Underhill", "Vellacott", "Winterbottom", "Youngman",
]  # fmt: skip
TOWNS = [
    "Ashcombe", "Brindlebury", "Castlewick", "Dunmere", "Elmbridge Vale", "Fallowfield", "Greystone", "Harrowden",
    "Ivybridge Moor", "Kingsmere", "Larkhill Cross", "Millbrook", "Northwold", "Oakenshaw", "Pebblecombe",
    "Quarrywood", "Rushmere", "Sandford Green", "Thornbury Edge", "Westerleigh",
]  # fmt: skip
STREETS = ["Mill Lane", "Church Road", "Orchard Close", "Station Road", "Meadow Way", "Park Crescent", "The Green"]
LANGUAGES = ["English"] * 16 + ["Polish", "Urdu", "Arabic", "Romanian", "Welsh", "Somali", "Bengali", "Portuguese"]
REFERRAL_REASONS = [
    "Isolated after moving to the area, no family nearby.",
    "Low mood since the birth of twins; struggling with routines.",
    "Parent recovering from illness and finding the days long.",
    "First baby, parent anxious and asking for support to get out of the house.",
    "Large family, older child with additional needs, parent stretched.",
    "Recently bereaved; health visitor suggests practical and emotional support.",
]
DECLINE_REASONS = [
    "Family lives outside the scheme's area.",
    "Needs better met by another service; referrer informed.",
    "Family decided they did not want support.",
]
ASSIGNMENT_END_REASONS = ["Volunteer moved away", "Volunteer's circumstances changed", "Family asked for a change"]
COME_BACK_REASONS = [
    "New baby on the way; parent asking for support again.",
    "Moved back into the area and feeling isolated.",
    "Parent's health has worsened; health visitor suggests support again.",
]
# The share of supported families (with room in their history) who had an earlier support period and came back.
CAME_BACK_SHARE = 0.12
SUPPORT_END_REASONS = [
    "Youngest child started school.",
    "Family feels able to manage without support.",
    "Family moved out of the area.",
    "Family asked to stop the visits.",
]
NOTE_SENTENCES = [
    "Mum seemed brighter today and talked about going back to the toddler group.",
    "We walked to the park together; the baby slept most of the way.",
    "Dad mentioned money is tight this month; I gave him the food bank leaflet.",
    "Helped sort out the hospital appointment letters and put the dates on the calendar.",
    "The little one is crawling now and very pleased with herself.",
    "Mum was tired after a bad night; we had a cup of tea and a long chat.",
    "Talked through the nursery application form together.",
    "Quiet visit, everyone a bit under the weather.",
    "Read stories with the older two while Mum fed the baby.",
    "Mum asked about the family group on Thursdays; I said I would ask the coordinator.",
    "Went with the family to the library's rhyme time.",
    "Nana was visiting too, nice to meet her.",
]
VISIT_SHAPES: list[tuple[str, tuple[int, ...]]] = [
    (VisitKind.HOME, (60, 75, 90, 105, 120)),
    (VisitKind.HOME, (60, 90, 120)),
    (VisitKind.HOME, (90, 120, 150)),
    (VisitKind.PHONE, (15, 20, 30, 45)),
    (VisitKind.OUTING, (120, 180, 240)),
]
ONE_DAY = datetime.timedelta(days=1)


# --- The audit log, as the services write it (homestart.audit.record_change) ------------------------------------


@dataclass(frozen=True)
class _AuditField:
    name: str  # key in the entry's ``changes``
    attname: str  # key in a row; empty for a reverse relation
    kind: str  # "fk", "datetime", "plain" or "reverse"
    masked: bool
    constant: str = ""  # what auditlog writes for a reverse relation (the related manager's str())


def _audit_fields(model: type[models.Model]) -> list[_AuditField]:
    """The fields auditlog's ``model_instance_diff`` looks at for ``model``, classified the way it formats them."""
    options = auditlog.get_model_fields(model)
    include, exclude, mask = options["include_fields"], options["exclude_fields"], options["mask_fields"]
    fields = []
    for field in model._meta.get_fields():
        if not track_field(field) or (include and field.name not in include) or field.name in exclude:
            continue
        masked = field.name in mask
        if field.concrete:
            if isinstance(field, models.JSONField):
                raise CommandError(f"seed_scale does not know how auditlog formats JSON field {field}.")
            if isinstance(field, models.DateTimeField):
                kind = "datetime"
            elif (field.one_to_one or field.many_to_one) and hasattr(field, "rel_class"):
                kind = "fk"
            else:
                kind = "plain"
            fields.append(_AuditField(field.name, field.attname, kind, masked))
        elif field.one_to_many and field.get_accessor_name() == field.name:
            # auditlog reads the reverse manager and stores its str(): "families.Visit.None". Reverse relations
            # without a related_name are looked up under a name that does not exist and so never appear, and a
            # reverse one-to-one never exists yet when its row is created.
            fields.append(_AuditField(field.name, "", "reverse", masked, f"{field.related_model._meta.label}.None"))
    return fields


def _comparable(field: _AuditField, value: Any) -> Any:
    """The value auditlog compares for a field (``auditlog.diff.get_field_value`` with string changes)."""
    if field.kind == "fk":
        return value  # the raw id, or None
    if field.kind == "datetime":
        return None if value is None else value.astimezone(datetime.UTC).replace(tzinfo=None)
    return str(value)


class _RowView:
    """A row as the audit registry's ``family_of`` functions read a record: its columns by attname, ``pk`` its id."""

    __slots__ = ("_row",)

    def __init__(self, row: dict[str, Any]) -> None:
        self._row = row

    def __getattr__(self, name: str) -> Any:
        try:
            return self._row["id" if name == "pk" else name]
        except KeyError:
            raise AttributeError(name) from None


class _Table:
    """Rows of one model waiting to be written, with explicit primary keys reserved from the table's sequence."""

    def __init__(self, model: type[models.Model], first_id: int, content_type_id: int | None) -> None:
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.columns = [field.attname for field in self.fields]
        self.defaults = {f.attname: f.get_default() for f in self.fields if not f.primary_key}
        self.rows: list[dict[str, Any]] = []
        self.first_id = self.next_id = first_id
        self.content_type_id = content_type_id  # None: not audited (permission tables)
        if content_type_id is not None:
            self.audit_fields = _audit_fields(model)
            self.audit_by_attname = {f.attname: f for f in self.audit_fields if f.attname}
            self.mask = get_mask_function(auditlog.get_model_fields(model).get("mask_callable"))
            self.family_of = audit.FAMILY_OF.get(model._meta.label)

    def family_pk(self, row: dict[str, Any]) -> int | None:
        """The family an entry about the row is about, by the registry the services' entries use."""
        return self.family_of(_RowView(row)) if self.family_of is not None else None

    def creation_changes(self, row: dict[str, Any]) -> dict[str, list[str]]:
        """``changes`` of auditlog's CREATE entry: every field whose value differs from the string "None"."""
        changes = {}
        for field in self.audit_fields:
            if field.kind == "reverse":
                new = field.constant
            else:
                value = _comparable(field, row[field.attname])
                if value == "None":
                    continue
                new = str(value)
            changes[field.name] = [self.mask("None"), self.mask(new)] if field.masked else ["None", new]
        return changes

    def update_changes(self, row: dict[str, Any], values: dict[str, Any]) -> dict[str, list[str]]:
        """``changes`` of auditlog's UPDATE entry when ``values`` are saved over ``row``."""
        changes = {}
        for attname, value in values.items():
            field = self.audit_by_attname.get(attname)
            if field is None:
                continue
            old, new = str(_comparable(field, row[attname])), str(_comparable(field, value))
            if old != new:
                changes[field.name] = [self.mask(old), self.mask(new)] if field.masked else [old, new]
        return changes


class _Recorder:
    """Creates and updates rows in memory the way the services would, writing the audit entries alongside."""

    def __init__(self, tables: dict[type[models.Model], _Table]) -> None:
        self.tables = tables
        # (timestamp, content_type_id, object_id, object_repr, action, changes JSON, actor_id, actor_email, event,
        # family_pk)
        self.audit: list[tuple[Any, ...]] = []

    def create(
        self,
        model: type[models.Model],
        *,
        at: datetime.datetime,
        actor: dict[str, Any] | None,
        event: str,
        repr_: Callable[[dict[str, Any]], str] | None = None,
        **values: Any,
    ) -> dict[str, Any]:
        table = self.tables[model]
        row = {**table.defaults, **values}
        row["id"] = table.next_id
        table.next_id += 1
        table.rows.append(row)
        if table.content_type_id is not None:
            text = repr_(row) if repr_ else str(model(**row))
            self._log(table, row, text, AuditEntry.Action.CREATE, table.creation_changes(row), at, actor, event)
        return row

    def update(
        self,
        model: type[models.Model],
        row: dict[str, Any],
        *,
        at: datetime.datetime,
        actor: dict[str, Any] | None,
        event: str,
        repr_: Callable[[dict[str, Any]], str] | None = None,
        **values: Any,
    ) -> None:
        table = self.tables[model]
        changes = table.update_changes(row, values)
        row.update(values)
        if changes and table.content_type_id is not None:
            text = repr_(row) if repr_ else str(model(**row))
            self._log(table, row, text, AuditEntry.Action.UPDATE, changes, at, actor, event)

    def grant(self, model: type[models.Model], *, permission_id: int, user_id: int, object_id: int) -> None:
        """One guardian object-permission row (not audited: see homestart.audit.register_models)."""
        table = self.tables[model]
        table.rows.append(
            {"id": table.next_id, "permission_id": permission_id, "user_id": user_id, "content_object_id": object_id}
        )
        table.next_id += 1

    def _log(
        self,
        table: _Table,
        row: dict[str, Any],
        text: str,
        action: int,
        changes: dict[str, list[str]],
        at: datetime.datetime,
        actor: dict[str, Any] | None,
        event: str,
    ) -> None:
        self.audit.append(
            (
                at + datetime.timedelta(microseconds=500),  # the service writes its entry just after the save
                table.content_type_id or 0,
                row["id"],
                text,
                action,
                json.dumps(changes, sort_keys=True),
                actor["id"] if actor else None,
                actor["email"] if actor else None,
                event,
                table.family_pk(row),
            )
        )


# --- The synthetic history ---------------------------------------------------------------------------------------


def _member_repr(row: dict[str, Any]) -> str:
    return f"{MemberKind(row['kind']).label} #{row['id']} of family {row['family_id']}"


def _visit_repr(row: dict[str, Any]) -> str:
    return f"Visit #{row['id']} to family {row['family_id']}"


def _note_repr(row: dict[str, Any]) -> str:
    return f"Private note #{row['id']} on family {row['family_id']}"


def _family_repr(row: dict[str, Any]) -> str:
    return row["reference"]


def _period_repr(row: dict[str, Any]) -> str:
    return f"Support period #{row['id']} of family {row['family_id']}"


@dataclass
class _Segment:
    """A stretch of days when one volunteer was assigned to a family (the days they may log visits)."""

    assignment: dict[str, Any]
    volunteer: dict[str, Any]
    first_day: datetime.date
    last_day: datetime.date  # inclusive

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


@dataclass
class _FamilyPlan:
    status: str
    received: datetime.date
    coordinator: dict[str, Any]


class _ScaleBuilder:
    def __init__(
        self,
        recorder: _Recorder,
        *,
        rng: random.Random,
        today: datetime.date,
        password_hash: str,
        view_family_id: int,
        view_note_id: int,
    ) -> None:
        self.rec = recorder
        self.rng = rng
        self.today = today
        self.yesterday = today - ONE_DAY
        self.password_hash = password_hash
        self.view_family_id = view_family_id
        self.view_note_id = view_note_id
        self.segments: list[tuple[dict[str, Any], dict[str, Any], list[_Segment]]] = []  # family, lead, segments
        # Per family: the referral that support would start from, and the support period open now.
        self.accepted: dict[int, dict[str, Any]] = {}
        self.open_periods: dict[int, dict[str, Any]] = {}

    # Times: every event happens on a given day, in working hours (UTC), at a random second.
    def at(self, day: datetime.date, first_hour: int = 9, last_hour: int = 16) -> datetime.datetime:
        r = self.rng
        return datetime.datetime(
            day.year,
            day.month,
            day.day,
            r.randint(first_hour, last_hour),
            r.randrange(60),
            r.randrange(60),
            r.randrange(1, 1_000_000),
            tzinfo=datetime.UTC,
        )

    def days(self, low: int, high: int) -> datetime.timedelta:
        return datetime.timedelta(days=self.rng.randint(low, high))

    # Schemes and accounts -------------------------------------------------------------------------------------

    def scheme(self, number: int) -> dict[str, Any]:
        code = f"SC{number:04d}"
        town = TOWNS[number % len(TOWNS)]
        created = self.at(self.today - datetime.timedelta(days=7 * 365 + number % 97))
        return self.rec.create(
            Scheme,
            at=created,
            actor=None,
            event=AuditEvent.SCHEME_CREATED,
            name=f"Home-Start {town} {code} (scale test)",
            code=code,
            address=f"The Family Centre\n{number} {self.rng.choice(STREETS)}\n{town}",
            phone=f"01632 960{number % 1000:03d}",
            email=f"office@{code.lower()}.homestart.invalid",
        )

    def user(
        self,
        scheme: dict[str, Any],
        username: str,
        role: str,
        *,
        joined: datetime.datetime,
        actor: dict[str, Any] | None,
        is_safeguarding_lead: bool = False,
    ) -> dict[str, Any]:
        first, last = self.rng.choice(STAFF_FIRST_NAMES), self.rng.choice(STAFF_SURNAMES)
        user = self.rec.create(
            User,
            at=joined,
            actor=actor,
            event=AuditEvent.ACCOUNT_CREATED,
            scheme_id=scheme["id"],
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@example.org",
            role=role,
            is_safeguarding_lead=is_safeguarding_lead,
            password=self.password_hash,
            date_joined=joined,
            is_active=True,
        )
        return user

    def volunteer_profile(
        self,
        user: dict[str, Any],
        *,
        created_by: dict[str, Any] | None,
        coordinator: dict[str, Any],
        renewal_soon: bool,
    ) -> None:
        """``user_create`` gives every volunteer an empty profile; a coordinator then records the DBS check."""
        created = user["date_joined"] + datetime.timedelta(milliseconds=5)
        profile = self.rec.create(
            VolunteerProfile,
            at=created,
            actor=created_by,
            event=VolunteerAuditEvent.VOLUNTEER_RECORD_CREATED,
            user_id=user["id"],
        )
        if renewal_soon:  # due within the next 60 days: the coordinator's reminder list has something on it
            renewal = self.today + self.days(1, 59)
        else:
            renewal = self.today + self.days(60, 3 * 365 - 60)
        issued = renewal - datetime.timedelta(days=3 * 365)
        course = created.date() + self.days(14, 60)
        self.rec.update(
            VolunteerProfile,
            profile,
            at=self.at(min(max(course, issued), self.yesterday)),
            actor=coordinator,
            event=VolunteerAuditEvent.VOLUNTEER_CHECKS_RECORDED,
            dbs_certificate_number=f"{self.rng.randrange(10**12):012d}",
            dbs_issued_on=issued,
            dbs_renewal_due=renewal,
            preparation_course_completed_on=course,
        )

    def directory(self, scheme: dict[str, Any], coordinator: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
        """The scheme's agencies and professionals, added through ``professional_add`` by a coordinator."""
        town = scheme["name"].split(" ")[1]
        day = coordinator["date_joined"].date() + ONE_DAY
        roles = [
            (AgencyKind.HEALTH_VISITING, f"{town} Health Visiting Team", "health visitor", 4),
            (AgencyKind.GP, f"{town} Surgery", "GP", 2),
            (AgencyKind.CHILDRENS_SOCIAL_CARE, f"{town} Children's Services", "social worker", 2),
            (AgencyKind.SCHOOL, f"{town} Nursery School", "family support worker", 1),
            (AgencyKind.OTHER, f"{town} Children's Centre", "outreach worker", 1),
        ]
        people: dict[str, list[dict[str, Any]]] = {}
        for kind, name, role, count in roles:
            at = self.at(day)
            agency = self.rec.create(
                Agency,
                at=at,
                actor=coordinator,
                event=FamilyAuditEvent.AGENCY_ADDED,
                scheme_id=scheme["id"],
                name=name,
                kind=kind,
            )
            for _ in range(count):
                person = f"{self.rng.choice(STAFF_FIRST_NAMES)} {self.rng.choice(STAFF_SURNAMES)}"
                at += datetime.timedelta(seconds=30)
                people.setdefault(kind, []).append(
                    self.rec.create(
                        Professional,
                        at=at,
                        actor=coordinator,
                        event=FamilyAuditEvent.PROFESSIONAL_ADDED,
                        repr_=lambda row, a=agency: f"{row['name']} ({row['role']}, {a['name']})",
                        agency_id=agency["id"],
                        name=person,
                        role=role,
                        email=f"{person.lower().replace(' ', '.')}@nhs.example.org",
                    )
                )
        return people

    # One family's history -------------------------------------------------------------------------------------

    def family(
        self,
        scheme: dict[str, Any],
        plan: _FamilyPlan,
        reference: str,
        directory: dict[str, list[dict[str, Any]]],
        volunteers: "_VolunteerPicker",
    ) -> None:
        rng, rec, coordinator = self.rng, self.rec, plan.coordinator
        surname = rng.choice(SURNAMES)
        health_visitors = directory[AgencyKind.HEALTH_VISITING]
        everyone = [p for group in directory.values() for p in group]
        received_at = self.at(plan.received, 9, 14)
        family = rec.create(
            Family,
            at=received_at,
            actor=coordinator,
            event=FamilyAuditEvent.REFERRAL_RECEIVED,
            repr_=_family_repr,
            scheme_id=scheme["id"],
            reference=reference,
            family_name=f"{surname} family",
            address=f"{rng.randint(1, 180)} {rng.choice(STREETS)}\n{rng.choice(TOWNS)}",
            postcode=f"ZZ{rng.randint(1, 99)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
            f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
            phone=f"07700 900{rng.randrange(1000):03d}",
            preferred_language=rng.choice(LANGUAGES),
            lead_coordinator_id=coordinator["id"],
            health_visitor_id=rng.choice(health_visitors)["id"] if rng.random() < 0.8 else None,
            created_at=received_at,
        )
        at = received_at
        for member in self.household(surname, plan.received):
            at += datetime.timedelta(milliseconds=40)
            rec.create(
                HouseholdMember,
                at=at,
                actor=coordinator,
                event=FamilyAuditEvent.MEMBER_ADDED,
                repr_=_member_repr,
                family_id=family["id"],
                **member,
            )
        referrer = rng.choice(everyone) if rng.random() < 0.75 else None
        referral = rec.create(
            Referral,
            at=at + datetime.timedelta(milliseconds=40),
            actor=coordinator,
            event=FamilyAuditEvent.REFERRAL_RECEIVED,
            family_id=family["id"],
            referrer_id=referrer["id"] if referrer else None,
            self_referral=referrer is None,
            date_received=plan.received,
            reasons=rng.choice(REFERRAL_REASONS),
            received_by_id=coordinator["id"],
        )
        if plan.status == FamilyStatus.REFERRED:
            return

        day = plan.received
        via_waiting_list = plan.status == FamilyStatus.WAITING_LIST or rng.random() < 0.2
        if via_waiting_list:
            day += self.days(2, 10)
            self.decide(family, referral, ReferralOutcome.WAITING_LIST, day, coordinator)
            if plan.status == FamilyStatus.WAITING_LIST:
                return
            day += self.days(14, 45)
        else:
            day += self.days(2, 14)
        if plan.status == FamilyStatus.NOT_ACCEPTED:
            self.decide(family, referral, ReferralOutcome.DECLINED, day, coordinator, rng.choice(DECLINE_REASONS))
            return
        self.decide(family, referral, ReferralOutcome.ACCEPTED, day, coordinator)

        # Support: the plan's received date leaves room for everything below to happen before today.
        segments: list[_Segment] = []
        start = day + self.days(7, 30)
        # Some supported families came back: an earlier period of support ended and they were referred again.
        if plan.status == FamilyStatus.SUPPORTED and (self.today - start).days > 400 and rng.random() < CAME_BACK_SHARE:
            start = self.earlier_period(family, start, coordinator, volunteers, everyone, segments)
        # Some families awaiting a volunteer had one before, when there was time for it.
        with_history = (
            plan.status == FamilyStatus.AWAITING_VOLUNTEER and (self.today - start).days > 90 and rng.random() < 0.4
        )
        if plan.status == FamilyStatus.AWAITING_VOLUNTEER and not with_history:
            return
        changed_volunteer = plan.status != FamilyStatus.AWAITING_VOLUNTEER and rng.random() < 0.18
        first_volunteer = volunteers.pick(avoid=None)
        if with_history or changed_volunteer:
            end = min(start + self.days(30, 200), self.yesterday - 30 * ONE_DAY)
            end = max(end, start + ONE_DAY)
            assignment = self.assign(family, first_volunteer, start, coordinator)
            segments.append(_Segment(assignment, first_volunteer, start, end - ONE_DAY))
            self.unassign(family, assignment, end, coordinator, rng.choice(ASSIGNMENT_END_REASONS))
            if with_history:
                self.segments.append((family, coordinator, segments))
                return
            start = min(end + self.days(3, 21), self.yesterday - 7 * ONE_DAY)
            start = max(start, end)
            volunteer = volunteers.pick(avoid=first_volunteer)
        else:
            volunteer = first_volunteer
        assignment = self.assign(family, volunteer, start, coordinator)
        if plan.status == FamilyStatus.SUPPORTED:
            segments.append(_Segment(assignment, volunteer, start, self.yesterday))
            volunteers.hold(volunteer)
            rec.grant(
                FamilyUserObjectPermission,
                permission_id=self.view_family_id,
                user_id=volunteer["id"],
                object_id=family["id"],
            )
        else:  # ended
            end = min(start + self.days(60, 540), self.yesterday)
            end = max(end, start + ONE_DAY)
            segments.append(_Segment(assignment, volunteer, start, end - ONE_DAY))
            self.end_support(family, assignment, end, coordinator)
        self.segments.append((family, coordinator, segments))

    def earlier_period(
        self,
        family: dict[str, Any],
        start: datetime.date,
        coordinator: dict[str, Any],
        volunteers: "_VolunteerPicker",
        everyone: list[dict[str, Any]],
        segments: list[_Segment],
    ) -> datetime.date:
        """A first period of support that ended (``family_end_support``), then ``referral_rerefer`` and the new
        referral accepted (``referral_decide``). Answers the day the second period can start."""
        rng = self.rng
        volunteer = volunteers.pick(avoid=None)
        assignment = self.assign(family, volunteer, start, coordinator)
        end = max(min(start + self.days(60, 200), self.today - 200 * ONE_DAY), start + ONE_DAY)
        segments.append(_Segment(assignment, volunteer, start, end - ONE_DAY))
        self.end_support(family, assignment, end, coordinator)
        received = end + self.days(30, 120)
        at = self.at(received, 9, 14)
        again = FamilyAuditEvent.REFERRED_AGAIN
        self.rec.update(
            Family, family, at=at, actor=coordinator, event=again, repr_=_family_repr, status=FamilyStatus.REFERRED
        )
        referrer = rng.choice(everyone) if rng.random() < 0.75 else None
        referral = self.rec.create(
            Referral,
            at=at + datetime.timedelta(milliseconds=5),
            actor=coordinator,
            event=again,
            family_id=family["id"],
            referrer_id=referrer["id"] if referrer else None,
            self_referral=referrer is None,
            date_received=received,
            reasons=rng.choice(COME_BACK_REASONS),
            received_by_id=coordinator["id"],
        )
        decided = received + self.days(2, 14)
        self.decide(family, referral, ReferralOutcome.ACCEPTED, decided, coordinator)
        return decided + self.days(7, 21)

    def household(self, surname: str, received: datetime.date) -> Iterable[dict[str, Any]]:
        rng = self.rng
        adults = [("mother", rng.choice(FIRST_NAMES))] if rng.random() < 0.9 else [("father", rng.choice(FIRST_NAMES))]
        if rng.random() < 0.4:
            adults.append((rng.choice(["father", "partner", "grandmother"]), rng.choice(FIRST_NAMES)))
        for relationship, first in adults:
            born = received - datetime.timedelta(days=rng.randint(18 * 365, 45 * 365)) if rng.random() < 0.5 else None
            yield {
                "kind": MemberKind.ADULT,
                "first_name": first,
                "last_name": surname,
                "relationship": relationship,
                "date_of_birth": born,
            }
        children = rng.choices([1, 2, 3, 4, 5], weights=[25, 30, 25, 15, 5])[0]
        for index in range(children):
            unborn = index == children - 1 and rng.random() < 0.1
            yield {
                "kind": MemberKind.CHILD,
                "first_name": rng.choice(CHILD_NAMES),
                "last_name": surname if rng.random() < 0.8 else "",
                "relationship": "expected baby" if unborn else rng.choice(["son", "daughter"]),
                "date_of_birth": None if unborn else received - datetime.timedelta(days=rng.randint(0, 5 * 365)),
                "expected_due_date": received + self.days(20, 200) if unborn else None,
            }

    def decide(
        self,
        family: dict[str, Any],
        referral: dict[str, Any],
        outcome: str,
        day: datetime.date,
        coordinator: dict[str, Any],
        reason: str = "",
    ) -> None:
        """``referral_decide``: the family's status moves, then the referral records the decision."""
        at = self.at(day)
        status = {
            ReferralOutcome.ACCEPTED: FamilyStatus.AWAITING_VOLUNTEER,
            ReferralOutcome.WAITING_LIST: FamilyStatus.WAITING_LIST,
            ReferralOutcome.DECLINED: FamilyStatus.NOT_ACCEPTED,
        }[outcome]
        decided = FamilyAuditEvent.REFERRAL_DECIDED
        self.rec.update(Family, family, at=at, actor=coordinator, event=decided, repr_=_family_repr, status=status)
        self.rec.update(
            Referral,
            referral,
            at=at + datetime.timedelta(milliseconds=5),
            actor=coordinator,
            event=decided,
            outcome=outcome,
            outcome_reason=reason,
            decided_on=day,
            decided_by_id=coordinator["id"],
        )
        if outcome == ReferralOutcome.ACCEPTED:
            self.accepted[family["id"]] = referral

    def assign(
        self, family: dict[str, Any], volunteer: dict[str, Any], day: datetime.date, coordinator: dict[str, Any]
    ) -> dict[str, Any]:
        """``assignment_start``: the assignment; the first volunteer of a referral opens a support period linked to
        it; then the family becomes supported, with the period's dates as its own."""
        at = self.at(day, 9, 15)
        assigned = FamilyAuditEvent.VOLUNTEER_ASSIGNED
        assignment = self.rec.create(
            Assignment,
            at=at,
            actor=coordinator,
            event=assigned,
            family_id=family["id"],
            volunteer_id=volunteer["id"],
            started_on=day,
            assigned_by_id=coordinator["id"],
        )
        values: dict[str, Any] = {"status": FamilyStatus.SUPPORTED}
        if family["id"] not in self.open_periods:
            self.open_periods[family["id"]] = self.rec.create(
                SupportPeriod,
                at=at + datetime.timedelta(milliseconds=2),
                actor=coordinator,
                event=assigned,
                repr_=_period_repr,
                family_id=family["id"],
                referral_id=self.accepted[family["id"]]["id"],
                started_on=day,
            )
            values.update(support_started_on=day, support_ended_on=None, support_end_reason="")
        self.rec.update(
            Family,
            family,
            at=at + datetime.timedelta(milliseconds=5),
            actor=coordinator,
            event=assigned,
            repr_=_family_repr,
            **values,
        )
        return assignment

    def unassign(
        self,
        family: dict[str, Any],
        assignment: dict[str, Any],
        day: datetime.date,
        coordinator: dict[str, Any],
        reason: str,
    ) -> None:
        """``assignment_end``: the assignment closes; with no volunteer left the family awaits another."""
        at = self.at(day, 9, 12)
        ended = FamilyAuditEvent.ASSIGNMENT_ENDED
        self.rec.update(Assignment, assignment, at=at, actor=coordinator, event=ended, ended_on=day, end_reason=reason)
        self.rec.update(
            Family,
            family,
            at=at + datetime.timedelta(milliseconds=5),
            actor=coordinator,
            event=ended,
            repr_=_family_repr,
            status=FamilyStatus.AWAITING_VOLUNTEER,
        )

    def end_support(
        self, family: dict[str, Any], assignment: dict[str, Any], day: datetime.date, coordinator: dict[str, Any]
    ) -> None:
        """``family_end_support``: the open assignment closes the same day, then the support period, then the
        family's support ends with the period's dates and reason."""
        at = self.at(day, 9, 12)
        reason = self.rng.choice(SUPPORT_END_REASONS)
        ended = FamilyAuditEvent.SUPPORT_ENDED
        self.rec.update(
            Assignment, assignment, at=at, actor=coordinator, event=ended, ended_on=day, end_reason="Support ended"
        )
        self.rec.update(
            SupportPeriod,
            self.open_periods.pop(family["id"]),
            at=at + datetime.timedelta(milliseconds=2),
            actor=coordinator,
            event=ended,
            repr_=_period_repr,
            ended_on=day,
            end_reason=reason,
        )
        self.rec.update(
            Family,
            family,
            at=at + datetime.timedelta(milliseconds=5),
            actor=coordinator,
            event=ended,
            repr_=_family_repr,
            status=FamilyStatus.ENDED,
            support_ended_on=day,
            support_end_reason=reason,
        )

    # Visits and private notes -----------------------------------------------------------------------------------

    def visits(self, total: int, progress: Callable[[str], None]) -> None:
        """``visit_log`` for ``total`` visits spread over the families in proportion to their days of support."""
        rng, rec = self.rng, self.rec
        all_days = sum(seg.days for _, _, segments in self.segments for seg in segments)
        if not all_days:
            return
        per_day = total / all_days
        created = 0
        # A volunteer assigned to the family now reads their notes, those of an earlier assignment there included
        # (``assignment_start`` grants them again); one whose assignments there all ended reads none.
        assigned_now = {
            (row["volunteer_id"], row["family_id"]) for row in rec.tables[Assignment].rows if row["ended_on"] is None
        }
        for index, (family, coordinator, segments) in enumerate(self.segments):
            days = sum(seg.days for seg in segments)
            expected = days * per_day
            count = min(days, int(expected) + (rng.random() < expected - int(expected)))
            if not count:
                continue
            starts = []
            offset = 0
            for seg in segments:
                starts.append(offset)
                offset += seg.days
            for day_number in sorted(rng.sample(range(days), count)):
                which = bisect.bisect_right(starts, day_number) - 1
                seg = segments[which]
                day = seg.first_day + datetime.timedelta(days=day_number - starts[which])
                kind, durations = rng.choice(VISIT_SHAPES)
                at = self.at(day, 17, 20)
                volunteer = seg.volunteer
                visit = rec.create(
                    Visit,
                    at=at,
                    actor=volunteer,
                    event=FamilyAuditEvent.VISIT_LOGGED,
                    repr_=_visit_repr,
                    family_id=family["id"],
                    volunteer_id=volunteer["id"],
                    visited_on=day,
                    duration_minutes=rng.choice(durations),
                    kind=kind,
                    created_at=at,
                )
                noted_at = at + datetime.timedelta(milliseconds=3)
                note = rec.create(
                    CaseNote,
                    at=noted_at,
                    actor=volunteer,
                    event=FamilyAuditEvent.NOTE_WRITTEN,
                    repr_=_note_repr,
                    family_id=family["id"],
                    author_id=volunteer["id"],
                    visit_id=visit["id"],
                    text=" ".join(rng.sample(NOTE_SENTENCES, 2)),
                    created_at=noted_at,
                )
                # The author keeps the note only while still assigned; the lead coordinator always reads it.
                if (volunteer["id"], family["id"]) in assigned_now:
                    rec.grant(
                        CaseNoteUserObjectPermission,
                        permission_id=self.view_note_id,
                        user_id=volunteer["id"],
                        object_id=note["id"],
                    )
                rec.grant(
                    CaseNoteUserObjectPermission,
                    permission_id=self.view_note_id,
                    user_id=coordinator["id"],
                    object_id=note["id"],
                )
                created += 1
            if index and index % 10000 == 0:
                progress(f"  visits: {index:,} of {len(self.segments):,} families, {created:,} visits")


class _VolunteerPicker:
    """Hands out a scheme's volunteers evenly, so caseloads are balanced (open assignments spread round-robin)."""

    def __init__(self, volunteers: Sequence[dict[str, Any]], rng: random.Random) -> None:
        self.volunteers = list(volunteers)
        self.rng = rng
        self.load = dict.fromkeys((v["id"] for v in self.volunteers), 0)

    def pick(self, *, avoid: dict[str, Any] | None) -> dict[str, Any]:
        candidates = [v for v in self.volunteers if avoid is None or v["id"] != avoid["id"]] or self.volunteers
        lightest = min(self.load[v["id"]] for v in candidates)
        return self.rng.choice([v for v in candidates if self.load[v["id"]] == lightest])

    def hold(self, volunteer: dict[str, Any]) -> None:
        self.load[volunteer["id"]] += 1


# --- Writing -------------------------------------------------------------------------------------------------------

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_escape(value: str) -> str:
    # Most values need no escaping, and testing for that is far cheaper than translating every string.
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return str.translate(value, _COPY_ESCAPES)
    return str(value)


AUDIT_COLUMNS = [
    "timestamp",
    "content_type_id",
    "object_pk",
    "object_id",
    "object_repr",
    "action",
    "changes",
    "actor_id",
    "actor_email",
    "changes_text",
    "event",
    "family_pk",
]
COPY_BATCH = 200_000


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is str:
        return _copy_escape(value)
    if kind is bool:
        return "t" if value else "f"
    if kind is int:
        return str(value)
    if isinstance(value, str):  # a TextChoices member
        return _copy_escape(value)
    if isinstance(value, int):
        return str(int(value))
    return value.isoformat()  # date, aware datetime


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


class _Writer:
    """Writes tables and audit entries: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self, progress: Callable[[str], None]) -> None:
        self.progress = progress
        self.postgres = connection.vendor == "postgresql"
        self.dropped_constraints: list[tuple[str, str, str]] = []
        self.dropped_indexes: list[str] = []

    def first_free_id(self, model: type[models.Model]) -> int:
        table = _quote(model._meta.db_table)
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")  # noqa: S608 - our table name
            cursor.execute(f"SELECT MAX(id) FROM {table}")  # noqa: S608 - our table name
            highest = cursor.fetchone()[0] or 0
            if self.postgres:
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [model._meta.db_table])
                highest = max(highest, cursor.fetchone()[0])
        return highest + 1

    def start_load(self, models_: Iterable[type[models.Model]]) -> None:
        """On PostgreSQL, drop the loaded tables' foreign keys and plain indexes; ``end_load`` puts them back.

        Checked and maintained row by row they would take most of the run; rebuilt once at the end they are
        validated (foreign keys) and built (indexes, including partial unique ones) in one pass each. Primary keys
        and unique constraints stay, and all of it happens inside the command's transaction.
        """
        if not self.postgres:
            return
        names = [m._meta.db_table for m in models_]
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # settle pending checks, so ALTER TABLE may run
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
                [names],
            )
            self.dropped_constraints = cursor.fetchall()
            for table, name, _ in self.dropped_constraints:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {_quote(name)}")
            cursor.execute(
                "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i "
                "WHERE indrelid = ANY(%s::regclass[]) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
                [names],
            )
            indexes = cursor.fetchall()
            for index, _ in indexes:
                cursor.execute(f"DROP INDEX {index}")
            self.dropped_indexes = [definition for _, definition in indexes]

    def end_load(self) -> None:
        with connection.cursor() as cursor:
            for definition in self.dropped_indexes:
                cursor.execute(definition)
            self.progress(f"rebuilt {len(self.dropped_indexes)} indexes")
            for table, name, definition in self.dropped_constraints:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {_quote(name)} {definition}")
            if self.postgres:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        self.dropped_constraints, self.dropped_indexes = [], []

    def write_table(self, table: _Table) -> None:
        if not table.rows:
            return
        db_table = table.model._meta.db_table
        columns = [field.column for field in table.fields]
        if self.postgres:
            attnames = table.columns
            lines = ("\t".join([_copy_text(row[a]) for a in attnames]) for row in table.rows)
            self._copy(db_table, columns, lines)
            with connection.cursor() as cursor:
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [db_table, table.next_id - 1])
        else:
            fields = table.fields
            values = (
                [field.get_db_prep_save(row[field.attname], connection) for field in fields] for row in table.rows
            )
            self._insert(db_table, columns, values)

    def write_audit(self, entries: list[tuple[Any, ...]]) -> None:
        db_table = AuditEntry._meta.db_table
        if self.postgres:
            lines = (
                f"{at.isoformat()}\t{ct}\t{pk}\t{pk}\t{_copy_text(text)}\t{action}\t{_copy_text(changes)}\t"
                f"{_copy_text(actor_id)}\t{_copy_text(email)}\t\t{_copy_text(event)}\t{_copy_text(family_pk)}"
                for at, ct, pk, text, action, changes, actor_id, email, event, family_pk in entries
            )
            self._copy(db_table, AUDIT_COLUMNS, lines)
        else:
            stamp = AuditEntry._meta.get_field("timestamp")
            values = (
                [
                    stamp.get_db_prep_save(at, connection),
                    ct,
                    str(pk),
                    pk,
                    text,
                    action,
                    changes,
                    actor_id,
                    email,
                    "",
                    event,
                    family_pk,
                ]
                for at, ct, pk, text, action, changes, actor_id, email, event, family_pk in entries
            )
            self._insert(db_table, AUDIT_COLUMNS, values)

    def _copy(self, db_table: str, columns: list[str], lines: Iterable[str]) -> None:
        sql = f"COPY {_quote(db_table)} ({', '.join(_quote(c) for c in columns)}) FROM STDIN"
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg2's own cursor, for copy_expert
            batch: list[str] = []
            for line in lines:
                batch.append(line)
                if len(batch) == COPY_BATCH:
                    raw.copy_expert(sql, io.StringIO("\n".join(batch) + "\n"))
                    batch = []
            if batch:
                raw.copy_expert(sql, io.StringIO("\n".join(batch) + "\n"))

    def _insert(self, db_table: str, columns: list[str], values: Iterable[list[Any]]) -> None:
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {_quote(db_table)} ({', '.join(_quote(c) for c in columns)}) VALUES ({placeholders})"  # noqa: S608
        with connection.cursor() as cursor:
            batch: list[list[Any]] = []
            for row in values:
                batch.append(row)
                if len(batch) == 5000:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)

    def analyse(self, tables: Iterable[str]) -> None:
        """Fresh planner statistics (and, outside a transaction, the visibility map) for the loaded tables."""
        if not self.postgres:
            return
        statement = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"{statement} {_quote(table)}")


# --- The command ----------------------------------------------------------------------------------------------

DOMAIN_MODELS: list[type[models.Model]] = [
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
PERMISSION_MODELS: list[type[models.Model]] = [FamilyUserObjectPermission, CaseNoteUserObjectPermission]


class Command(BaseCommand):
    help = "Build a national-scale synthetic data set (bulk writes, for benchmarks). Scale schemes are SC0001..."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--families", type=int, default=60000, help="Families in total (national scale: 60000).")
        parser.add_argument(
            "--visits-per-family",
            type=float,
            default=13,
            help="Visits (each with a private note) per family on average; only supported families have visits.",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed: the same seed gives the same data.")
        parser.add_argument("--force", action="store_true", help="Add another set even if scale data is there.")

    def handle(self, *args: Any, families: int, visits_per_family: float, seed: int, force: bool, **opts: Any) -> None:
        if families < 1:
            raise CommandError("--families must be at least 1.")
        if settings.AUDITLOG_STORE_JSON_CHANGES:
            raise CommandError("seed_scale writes auditlog's string changes; AUDITLOG_STORE_JSON_CHANGES is on.")
        existing = Scheme.objects.filter(code__regex=SCALE_CODE_REGEX).order_by("-code").values_list("code", flat=True)
        if existing and not force:
            raise CommandError(
                f"This database already holds scale data (schemes {existing.last()}..{existing.first()}). "
                "Use --force to add another set."
            )
        first_number = int(existing.first()[2:]) + 1 if existing else 1
        started = time.monotonic()

        def progress(message: str) -> None:
            self.stdout.write(f"[{time.monotonic() - started:7.1f}s] {message}")
            self.stdout.flush()

        password_hash = make_password(SCALE_PASSWORD)  # hashed once, shared by every scale account
        writer = _Writer(progress)
        with transaction.atomic():
            tables = {
                model: _Table(
                    model,
                    writer.first_free_id(model),
                    ContentType.objects.get_for_model(model).pk if model in DOMAIN_MODELS else None,
                )
                for model in DOMAIN_MODELS + PERMISSION_MODELS
            }
            recorder = _Recorder(tables)
            builder = _ScaleBuilder(
                recorder,
                rng=random.Random(seed),
                today=timezone.localdate(),
                password_hash=password_hash,
                view_family_id=self._permission_id(Family, "view_family"),
                view_note_id=self._permission_id(CaseNote, "view_casenote"),
            )
            self._build(builder, families=families, first_number=first_number, progress=progress)
            builder.visits(round(families * visits_per_family), progress)
            progress(
                f"built {sum(len(t.rows) for t in tables.values()):,} rows and {len(recorder.audit):,} audit entries"
            )

            writer.start_load([*DOMAIN_MODELS, *PERMISSION_MODELS, AuditEntry])
            for model, table in tables.items():
                writer.write_table(table)
                progress(f"wrote {len(table.rows):>9,} {model._meta.label}")
            recorder.audit.sort(key=lambda entry: entry[0])
            writer.write_audit(recorder.audit)
            progress(f"wrote {len(recorder.audit):>9,} {AuditEntry._meta.label}")
            writer.end_load()
            progress("foreign keys checked")
        writer.analyse(model._meta.db_table for model in [*DOMAIN_MODELS, *PERMISSION_MODELS, AuditEntry])
        progress("statistics updated")
        self.stdout.write(self.style.SUCCESS(f"Scale data created in {time.monotonic() - started:.1f}s:"))
        for model, table in tables.items():
            self.stdout.write(f"  {model._meta.label:<40} {len(table.rows):>10,}")
        self.stdout.write(f"  {AuditEntry._meta.label:<40} {len(recorder.audit):>10,}")
        self.stdout.write(
            f"Scale accounts: <scheme code>-coord1..., <scheme code>-vol001...; password {SCALE_PASSWORD}"
        )

    @staticmethod
    def _permission_id(model: type[models.Model], codename: str) -> int:
        return Permission.objects.get(content_type=ContentType.objects.get_for_model(model), codename=codename).pk

    def _build(
        self, builder: _ScaleBuilder, *, families: int, first_number: int, progress: Callable[[str], None]
    ) -> None:
        rng, today = builder.rng, builder.today
        scheme_count = max(1, round(families / FAMILIES_PER_SCHEME))
        volunteer_count = max(scheme_count, round(families / 10))
        statuses = self._statuses(families, rng)
        history_start = today - datetime.timedelta(days=3 * 365 + 120)
        for index in range(scheme_count):
            number = first_number + index
            scheme = builder.scheme(number)
            prefix = scheme["code"].lower()
            admin = builder.user(
                scheme,
                f"{prefix}-admin",
                Role.ADMINISTRATOR,
                joined=builder.at(history_start - builder.days(900, 1100)),
                actor=None,
            )
            coordinators = [
                builder.user(
                    scheme,
                    f"{prefix}-coord{c + 1}",
                    Role.COORDINATOR,
                    joined=builder.at(history_start - builder.days(400, 800)),
                    actor=admin,
                    is_safeguarding_lead=c == 0,
                )
                for c in range(COORDINATORS_PER_SCHEME)
            ]
            volunteers = []
            for v in range(self._share(volunteer_count, scheme_count, index)):
                volunteer = builder.user(
                    scheme,
                    f"{prefix}-vol{v + 1:03d}",
                    Role.VOLUNTEER,
                    joined=builder.at(history_start - builder.days(30, 365)),
                    actor=admin,
                )
                builder.volunteer_profile(
                    volunteer,
                    created_by=admin,
                    coordinator=coordinators[v % len(coordinators)],
                    renewal_soon=v % 12 == 0,
                )
                volunteers.append(volunteer)
            directory = builder.directory(scheme, coordinators[0])
            picker = _VolunteerPicker(volunteers, rng)

            plans = []
            for f in range(self._share(families, scheme_count, index)):
                status = statuses.pop()
                plans.append(_FamilyPlan(status, self._received(status, builder), coordinators[f % len(coordinators)]))
            # Reference numbers count up in the order referrals arrive, per scheme and year (as _next_reference).
            plans.sort(key=lambda plan: plan.received)
            per_year: dict[int, int] = {}
            for plan in plans:
                year = plan.received.year
                per_year[year] = per_year.get(year, 0) + 1
                builder.family(scheme, plan, f"{scheme['code']}-{year}-{per_year[year]:04d}", directory, picker)
            if (index + 1) % 20 == 0 or index + 1 == scheme_count:
                progress(f"  schemes: {index + 1} of {scheme_count}")

    @staticmethod
    def _share(total: int, parts: int, index: int) -> int:
        return total // parts + (1 if index < total % parts else 0)

    @staticmethod
    def _statuses(families: int, rng: random.Random) -> list[str]:
        statuses: list[str] = []
        for status, share in STATUS_SHARES:
            statuses += [status] * round(families * share)
        statuses = statuses[:families]
        statuses += [FamilyStatus.SUPPORTED] * (families - len(statuses))
        rng.shuffle(statuses)
        return statuses

    @staticmethod
    def _received(status: str, builder: _ScaleBuilder) -> datetime.date:
        """When the referral arrived: early enough for the family's history to fit before today."""
        days_ago = {
            FamilyStatus.REFERRED: (1, 28),
            FamilyStatus.WAITING_LIST: (20, 150),
            FamilyStatus.NOT_ACCEPTED: (80, 1000),
            FamilyStatus.AWAITING_VOLUNTEER: (60, 400),
            FamilyStatus.SUPPORTED: (120, 1000),
            FamilyStatus.ENDED: (450, 1150),
        }[status]
        return builder.today - builder.days(*days_ago)

"""Reads that depend on who is asking. Anything a user may not see behaves as if it did not exist."""

import datetime
import functools
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Greatest, Lower, Replace, TruncDate, TruncMonth, Upper
from django.http import Http404
from django.utils import timezone
from guardian.utils import get_user_obj_perms_model

from families.models import (
    Agency,
    Assignment,
    CaseNote,
    Family,
    FamilyGroupAttendance,
    FamilyGroupSession,
    FamilyStatus,
    HouseholdMember,
    MemberKind,
    Professional,
    Referral,
    ReferralOutcome,
    SupportPeriod,
    Visit,
)
from families.permissions import can_manage_directory, can_manage_family, is_family_coordinator
from homestart.decorators import loads
from homestart.models import Role, User
from homestart.permissions import can_coordinate, is_volunteer

ACTIVE_STATUSES = (
    FamilyStatus.REFERRED,
    FamilyStatus.WAITING_LIST,
    FamilyStatus.AWAITING_VOLUNTEER,
    FamilyStatus.SUPPORTED,
)


class _Granted(Expression):
    """Whether the user holds the permission on the row, as one ``IN`` over the model's direct permission table.

    The SQL is written here rather than built from querysets: the ORM took about a millisecond a page to build and
    compile the two nested subqueries this replaces (``bench/README.md``), and the condition is the same on every
    page. Only names from the models' own metadata go into the text; the user, content type and codename are
    parameters."""

    conditional = True

    def __init__(self, pk: Any, grants: type, user_id: int, content_type_id: int, codename: str) -> None:
        super().__init__(output_field=BooleanField())
        self.pk, self.grants, self.user_id = pk, grants, user_id
        self.content_type_id, self.codename = content_type_id, codename

    def get_source_expressions(self) -> list[Any]:
        return [self.pk]

    def set_source_expressions(self, exprs: list[Any]) -> None:
        (self.pk,) = exprs

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:
        pk_sql, pk_params = compiler.compile(self.pk)
        quote, grants, permissions = connection.ops.quote_name, self.grants._meta, Permission._meta
        column = grants.get_field("content_object").column
        # The permission's id as a scalar subquery (unique by content type and codename), not a join: joined by its
        # codename, PostgreSQL takes the user's grants to be a few rows, hashes every one of them (a coordinator
        # holds one per note of every family they lead) and probes it with each record; with the id known it checks
        # each record's grant in the table's unique index instead, so the cost follows the records asked about.
        sql = (
            f"{pk_sql} IN (SELECT g.{quote(column)} FROM {quote(grants.db_table)} g"  # noqa: S608
            f" WHERE g.{quote(grants.get_field('user').column)} = %s"
            f" AND g.{quote(grants.get_field('permission').column)} ="
            f" (SELECT p.{quote(permissions.pk.column)} FROM {quote(permissions.db_table)} p"
            f" WHERE p.{quote(permissions.get_field('content_type').column)} = %s"
            f" AND p.{quote(permissions.get_field('codename').column)} = %s))"
        )
        return sql, (*pk_params, self.user_id, self.content_type_id, self.codename)


def object_permission_filter(user: User, perm: str, queryset: QuerySet) -> QuerySet:
    """Objects the user holds ``perm`` on, by object permission only: no superuser, group or global bypass.

    What guardian's ``get_objects_for_user(user, perm, queryset, use_groups=False, with_superuser=False,
    accept_global_perms=False)`` answers, as the one subquery on the model's direct permission table (ADR 0002)
    that it builds, without the generic machinery around it (a few milliseconds of the ORM on every page that
    filters by it). ``tests/families/test_object_permission_filter.py`` holds the two to the same answers."""
    app_label, codename = perm.split(".")
    model = queryset.model
    if model._meta.app_label != app_label:
        raise ValueError(f"{perm} is not a permission of {model._meta.label}")
    content_type_id = ContentType.objects.get_for_model(model).pk
    return queryset.filter(_Granted(F("pk"), get_user_obj_perms_model(model), user.pk, content_type_id, codename))


# What most pages of a family show beside it: its scheme (letters), coordinator and health visitor.
CASE_FILE_RELATED = ("scheme", "lead_coordinator", "health_visitor__agency")


def families_for_user(user: User) -> QuerySet[Family]:
    """Families the user may open: a coordinator's whole scheme; a volunteer's current assignments; else none."""
    if can_coordinate(user):
        return Family.objects.filter(scheme_id=user.scheme_id)
    if is_volunteer(user):
        return object_permission_filter(user, "families.view_family", Family.objects.filter(scheme_id=user.scheme_id))
    return Family.objects.none()


def get_family_for_user_or_404(user: User, pk: Any, *, related: Sequence[str] = CASE_FILE_RELATED) -> Family:
    """The family, if the user may open it, with the records ``related`` names read in the same query; else 404."""
    try:
        return families_for_user(user).select_related(*related).get(pk=pk)
    except (Family.DoesNotExist, ValueError, TypeError):
        raise Http404("No such family") from None


def get_family_to_visit_or_404(user: User, pk: Any) -> Family:
    """The family for the visit form, with its coordinator only (named on the confirmation): the form is what a
    volunteer sends most, and the case file's other records (three more tables in the join) play no part in it."""
    return get_family_for_user_or_404(user, pk, related=("lead_coordinator",))


def case_notes_for_user(user: User, family: Family) -> QuerySet[CaseNote]:
    """Private notes about the family that the user holds the read permission on (author while assigned, coordinator)."""
    if not (can_coordinate(user) or is_volunteer(user)):
        return CaseNote.objects.none()
    notes = CaseNote.objects.filter(family=family).select_related("author", "visit")
    return object_permission_filter(user, "families.view_casenote", notes)


def is_assigned(user: User, family: Family) -> bool:
    """Whether the user is assigned to the family now. Only volunteers are ever assigned (``assignment_start``, and
    a role cannot change while assigned), so anyone else is answered without a query."""
    if not is_volunteer(user):
        return False
    return Assignment.objects.filter(family=family, volunteer_id=user.pk, ended_on__isnull=True).exists()


@dataclass(frozen=True)
class CaseFileReader:
    """How the person reading a family's case file stands to the family, worked out once for every section."""

    can_manage: bool
    is_assigned: bool
    is_family_coordinator: bool
    # Which page of visits and notes the reader asked for (``?visits_page=``), as given: the paginator checks it.
    visits_page: str | None = None


def case_file_reader(user: User, family: Family, *, visits_page: str | None = None) -> CaseFileReader:
    """The reader's standing for the case file's sections (one query, for the open assignment)."""
    return CaseFileReader(
        can_manage=can_manage_family(user, family),
        is_assigned=is_assigned(user, family),
        is_family_coordinator=is_family_coordinator(user, family),
        visits_page=visits_page,
    )


def families_led_by(coordinator: User) -> QuerySet[Family]:
    """Every family the coordinator leads, whatever its status (for handing them over when they leave), by reference."""
    return Family.objects.filter(lead_coordinator=coordinator).order_by("reference", "pk")


def open_assignments(family: Family) -> QuerySet[Assignment]:
    return family.assignments.filter(ended_on__isnull=True).select_related("volunteer")


def assignment_history(family: Family) -> QuerySet[Assignment]:
    return family.assignments.select_related("volunteer", "assigned_by").order_by("-started_on", "-pk")


def get_open_assignment_for_user_or_404(user: User, family: Family, pk: Any) -> Assignment:
    try:
        return open_assignments(family).get(pk=pk)
    except (Assignment.DoesNotExist, ValueError, TypeError):
        raise Http404("No such assignment") from None


def visits_for_family(family: Family) -> QuerySet[Visit]:
    return family.visits.select_related("volunteer").order_by("-visited_on", "-pk")


TIMELINE_VISIT = "visit"
TIMELINE_NOTE = "note"


def visit_timeline(user: User, family: Family, *, all_visits: bool) -> QuerySet:
    """The family's visits the user may see (all of them, or only their own) and the notes without a visit they may
    read (not corrections, which show under their note), newest first, as rows of (entry, pk, day, at).

    One union query, which a paginator counts and slices: only the rows of one page are ever fetched, and a note's
    text is not among them (reading it is audited, so it is read only for the notes a page shows).
    """
    visits = family.visits.all() if all_visits else family.visits.filter(volunteer_id=user.pk)
    notes = case_notes_for_user(user, family).filter(visit__isnull=True, corrects__isnull=True)
    visit_rows = (
        visits.order_by()
        .annotate(entry=Value(TIMELINE_VISIT, output_field=CharField()), day=F("visited_on"), at=F("created_at"))
        .values_list("entry", "pk", "day", "at")
    )
    note_rows = (
        notes.select_related(None)
        .order_by()
        .annotate(
            entry=Value(TIMELINE_NOTE, output_field=CharField()),
            day=TruncDate("created_at"),
            at=F("created_at"),
        )
        .values_list("entry", "pk", "day", "at")
    )
    return visit_rows.union(note_rows, all=True).order_by("-day", "-at", "-pk")


def get_note_to_correct_or_404(user: User, family: Family, pk: Any) -> CaseNote:
    """A note of the family that the user wrote and may still read, and that is not itself a correction."""
    try:
        return case_notes_for_user(user, family).filter(author_id=user.pk, corrects__isnull=True).get(pk=pk)
    except (CaseNote.DoesNotExist, ValueError, TypeError):
        raise Http404("No such note") from None


def referrals_waiting(user: User) -> QuerySet[Referral]:
    """Referrals in the coordinator's scheme still waiting for a decision or on the waiting list."""
    if not can_coordinate(user):
        return Referral.objects.none()
    return (
        Referral.objects.filter(
            family__scheme_id=user.scheme_id, outcome__in=[ReferralOutcome.PENDING, ReferralOutcome.WAITING_LIST]
        )
        .select_related("family", "referrer__agency")
        .order_by("date_received", "pk")
    )


def get_referral_for_user_or_404(user: User, pk: Any) -> Referral:
    if not can_coordinate(user):
        raise Http404("No such referral")
    try:
        return Referral.objects.select_related("family", "referrer__agency").get(
            pk=pk, family__scheme_id=user.scheme_id
        )
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise Http404("No such referral") from None


REFERRAL_RELATED = ("referrer__agency", "decided_by", "received_by")


def family_referrals(family: Family) -> QuerySet[Referral]:
    return family.referrals.select_related(*REFERRAL_RELATED)


def referrals_on_family(family: Family) -> list[Referral]:
    """The family's referrals, newest first. Loaded onto the family once (Django's prefetch cache), so the parts
    of a page that list them share one query."""
    prefetch_related_objects(
        [family], Prefetch("referrals", queryset=Referral.objects.select_related(*REFERRAL_RELATED))
    )
    return list(family.referrals.all())


def members_on_family(family: Family) -> list[HouseholdMember]:
    """Everyone ever in the household (those who left included), loaded onto the family once."""
    prefetch_related_objects([family], "members")
    return list(family.members.all())


def get_member_for_user_or_404(user: User, family: Family, pk: Any) -> HouseholdMember:
    """A member of a family the user has already opened through ``get_family_for_user_or_404``."""
    try:
        return HouseholdMember.objects.select_related("family").get(pk=pk, family_id=family.pk)
    except (HouseholdMember.DoesNotExist, ValueError, TypeError):
        raise Http404("No such person") from None


def support_periods_on_family(family: Family) -> list[SupportPeriod]:
    """The family's support periods, newest first, loaded onto the family once."""
    prefetch_related_objects(
        [family], Prefetch("support_periods", queryset=SupportPeriod.objects.order_by("-started_on", "-pk"))
    )
    return list(family.support_periods.all())


def assignments_on_family(family: Family) -> list[Assignment]:
    """Every assignment the family has had, newest first, loaded onto the family once (the volunteers section and
    the support history share one query)."""
    prefetch_related_objects(
        [family],
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("volunteer", "assigned_by").order_by("-started_on", "-pk"),
        ),
    )
    return list(family.assignments.all())


@dataclass(frozen=True)
class SupportEpisode:
    """One time the family came to the scheme: the referral, the support it led to (if any) and its volunteers."""

    referral: Referral | None
    period: SupportPeriod | None
    assignments: list[Assignment]


def support_history(family: Family) -> list[SupportEpisode]:
    """The family's referrals, newest first, each with its support period and the volunteers who supported the
    family in that period. Built from what the page loads anyway (referrals, periods, assignments: one query each)."""
    referrals = referrals_on_family(family)
    periods = support_periods_on_family(family)
    assignments = assignments_on_family(family)
    by_referral = {period.referral_id: period for period in periods if period.referral_id is not None}

    def within(period: SupportPeriod | None) -> list[Assignment]:
        if period is None:
            return []
        return [
            a
            for a in assignments
            if a.started_on >= period.started_on and (period.ended_on is None or a.started_on <= period.ended_on)
        ]

    episodes = [SupportEpisode(r, by_referral.get(r.pk), within(by_referral.get(r.pk))) for r in referrals]
    # A period from before periods were linked to their referral (migrated data) still shows.
    episodes += [SupportEpisode(None, p, within(p)) for p in periods if p.referral_id is None]
    return episodes


def _compact(value: str) -> str:
    return "".join(value.split())


def families_like(
    user: User, *, family_name: str, postcode: str, children: list[tuple[str, datetime.date]]
) -> list[Family]:
    """Families of the coordinator's own scheme that may be the family being referred (never another scheme's):
    the same surname and postcode, ignoring case and spaces (the family's name, or a surname in the household), or
    a child with the same first name and date of birth. Each carries ``same_name_and_postcode`` and ``same_child``
    saying why. One query."""
    if not can_coordinate(user):
        return []
    name, code = _compact(family_name).lower(), _compact(postcode).upper()
    same_place: Any = Value(False)
    if name and code:
        same_surname = HouseholdMember.objects.annotate(
            compact=Lower(Replace("last_name", Value(" "), Value("")))
        ).filter(family=OuterRef("pk"), compact=name)
        same_place = ExpressionWrapper(
            Q(compact_postcode=code) & (Q(compact_name=name) | Exists(same_surname)), output_field=BooleanField()
        )
    child_rules = [
        Q(compact_first=_compact(first_name).lower(), date_of_birth=born)
        for first_name, born in children
        if _compact(first_name) and born
    ]
    if not child_rules and not (name and code):
        return []
    same_child: Any = Value(False)
    if child_rules:
        same_child = Exists(
            HouseholdMember.objects.annotate(compact_first=Lower(Replace("first_name", Value(" "), Value(""))))
            .filter(family=OuterRef("pk"), kind=MemberKind.CHILD)
            .filter(functools.reduce(operator.or_, child_rules))
        )
    return list(
        Family.objects.filter(scheme_id=user.scheme_id)
        .annotate(
            compact_name=Lower(Replace("family_name", Value(" "), Value(""))),
            compact_postcode=Upper(Replace("postcode", Value(" "), Value(""))),
        )
        .annotate(same_name_and_postcode=same_place, same_child=same_child)
        .filter(Q(same_name_and_postcode=True) | Q(same_child=True))
        .order_by("family_name", "reference")[:10]
    )


def caseload_counts(user: User) -> list[tuple[str, str, int]]:
    """How many of the coordinator's own families are in each status, every status listed (one query)."""
    rows = (
        Family.objects.filter(scheme_id=user.scheme_id, lead_coordinator_id=user.pk)
        .values("status")
        .annotate(n=Count("pk"))
    )
    counts = {row["status"]: row["n"] for row in rows}
    return [(value, label, counts.get(value, 0)) for value, label in FamilyStatus.choices]


# A family being supported goes this many days without a visit logged before its coordinator is told (the list's
# filter and the reminder, families.reminders).
VISIT_GAP_DAYS = 14
# The families list's filter for them: ``?visits=none-recently``.
WITHOUT_VISITS = "none-recently"


def without_recent_visit(families: QuerySet[Family], today: datetime.date) -> QuerySet[Family]:
    """The families being supported, with a volunteer assigned now, that have had no visit logged in more than
    ``VISIT_GAP_DAYS`` days: counted from the last visit by anyone or, when none was logged since, from the day the
    earliest of the current assignments started. Annotated with that day, ``visits_since``."""
    assigned_since = Subquery(
        Assignment.objects.filter(family=OuterRef("pk"), ended_on__isnull=True)
        .order_by("started_on")
        .values("started_on")[:1]
    )
    last_visit = _last_visit_on()
    return (
        families.filter(status=FamilyStatus.SUPPORTED)
        .annotate(assigned_since=assigned_since)
        .filter(assigned_since__isnull=False)
        .annotate(visits_since=Greatest(F("assigned_since"), Coalesce(last_visit, F("assigned_since"))))
        .filter(visits_since__lt=today - datetime.timedelta(days=VISIT_GAP_DAYS))
    )


def caseload(user: User, status: str | None = None, *, without_visits: bool = False) -> QuerySet[Family]:
    """The coordinator's own families, with current volunteers and the date of the last visit, newest first; only
    those with no visit logged in more than ``VISIT_GAP_DAYS`` days when ``without_visits``."""
    families = Family.objects.filter(scheme_id=user.scheme_id, lead_coordinator_id=user.pk)
    if status:
        families = families.filter(status=status)
    if without_visits:
        families = without_recent_visit(families, timezone.localdate())
    return families.annotate(last_visit_on=_last_visit_on()).prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.filter(ended_on__isnull=True).select_related("volunteer"),
            to_attr="current_assignments",
        )
    )


def search_families(user: User, query: str) -> QuerySet[Family]:
    """Families the user may open whose reference, name or postcode matches; never across schemes."""
    query = query.strip()
    if not query:
        return Family.objects.none()
    compact = "".join(query.split())
    return (
        families_for_user(user)
        .annotate(compact_postcode=Replace("postcode", Value(" "), Value("")))
        .filter(
            Q(reference__icontains=query)
            | Q(family_name__icontains=query)
            | Q(compact_postcode__icontains=compact)
            | Q(members__first_name__icontains=query)
            | Q(members__last_name__icontains=query)
        )
        .distinct()
        .select_related("lead_coordinator")
        .order_by("family_name", "reference")
    )


def volunteers_in_scheme(user: User) -> QuerySet[User]:
    """Active volunteers in the coordinator's scheme, with their current families."""
    if not can_coordinate(user):
        return User.objects.none()
    return (
        User.objects.filter(scheme_id=user.scheme_id, role=Role.VOLUNTEER, is_active=True)
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(ended_on__isnull=True).select_related("family"),
                to_attr="current_assignments",
            )
        )
        .order_by("first_name", "last_name")
    )


def _last_visit_on(**visits: Any) -> Subquery:
    """The day of the family's last visit (of those matching ``visits``), read from the visit index for each family
    shown, rather than a join and grouping over every visit of every family before the page is cut."""
    latest = Visit.objects.filter(family=OuterRef("pk"), **visits).order_by("-visited_on").values("visited_on")[:1]
    return Subquery(latest)


def volunteer_families(user: User) -> QuerySet[Family]:
    """A volunteer's current families, with the date of their own last visit to each.

    The join to the open assignment gives each family once without DISTINCT: a volunteer has at most one open
    assignment to a family (``assignment_one_open_per_volunteer_and_family``)."""
    return (
        families_for_user(user)
        .filter(assignments__volunteer_id=user.pk, assignments__ended_on__isnull=True)
        .annotate(last_visit_on=_last_visit_on(volunteer_id=user.pk))
        .select_related("lead_coordinator")
        .order_by("family_name", "pk")
    )


def choosable_professionals(scheme_id: int) -> QuerySet[Professional]:
    """The scheme's professionals who may be named on a new record: neither they nor their agency retired."""
    return Professional.objects.filter(
        agency__scheme_id=scheme_id, retired_on__isnull=True, agency__retired_on__isnull=True
    ).select_related("agency")


def professionals_in_scheme(user: User) -> QuerySet[Professional]:
    """What every chooser of a professional offers: the user's scheme's active professionals, by name."""
    return choosable_professionals(user.scheme_id).order_by("name", "pk")


# --- The agency directory ----------------------------------------------------------------------------------------


def directory_for_user(user: User, query: str = "") -> QuerySet[Agency]:
    """The scheme's agencies, active ones first, each with its professionals (active first) as ``listed``.

    With a query, the agencies whose name matches (with all their people) or who have a matching professional
    (name, role, email or phone; with only those people). Never another scheme's entries; nothing for anyone who
    may not manage the directory. Three queries a page however many entries there are.
    """
    if not can_manage_directory(user, user.scheme_id):
        return Agency.objects.none()
    agencies = Agency.objects.filter(scheme_id=user.scheme_id)
    people = Professional.objects.all()
    query = query.strip()
    if query:
        matches = (
            Q(name__icontains=query) | Q(role__icontains=query) | Q(email__icontains=query) | Q(phone__icontains=query)
        )
        agencies = agencies.filter(
            Q(name__icontains=query)
            | Q(pk__in=Professional.objects.filter(matches, agency__scheme_id=user.scheme_id).values("agency_id"))
        )
        people = people.filter(matches | Q(agency__name__icontains=query))
    return agencies.order_by(F("retired_on").asc(nulls_first=True), "name", "pk").prefetch_related(
        Prefetch(
            "professionals",
            queryset=people.order_by(F("retired_on").asc(nulls_first=True), "name", "pk"),
            to_attr="listed",
        )
    )


def get_agency_for_user_or_404(user: User, pk: Any) -> Agency:
    if not can_manage_directory(user, user.scheme_id):
        raise Http404("No such agency")
    try:
        return Agency.objects.get(pk=pk, scheme_id=user.scheme_id)
    except (Agency.DoesNotExist, ValueError, TypeError):
        raise Http404("No such agency") from None


def get_professional_for_user_or_404(user: User, pk: Any) -> Professional:
    if not can_manage_directory(user, user.scheme_id):
        raise Http404("No such professional")
    try:
        return Professional.objects.select_related("agency").get(pk=pk, agency__scheme_id=user.scheme_id)
    except (Professional.DoesNotExist, ValueError, TypeError):
        raise Http404("No such professional") from None


def agencies_for_professional(user: User, professional: Professional | None = None) -> QuerySet[Agency]:
    """The agencies a professional may be moved to: the scheme's active ones, and the one they are in now."""
    if not can_manage_directory(user, user.scheme_id):
        return Agency.objects.none()
    current = Q(pk=professional.agency_id) if professional is not None else Q(pk__in=[])
    return Agency.objects.filter(Q(retired_on__isnull=True) | current, scheme_id=user.scheme_id).order_by("name", "pk")


# --- Family groups (P10) -----------------------------------------------------------------------------------------


def family_group_sessions(user: User) -> QuerySet[FamilyGroupSession]:
    """The scheme's family group sessions, newest first, for its coordinators only, with how many came."""
    if not can_coordinate(user):
        return FamilyGroupSession.objects.none()
    return (
        FamilyGroupSession.objects.filter(scheme_id=user.scheme_id)
        .annotate(family_count=Count("attendances", distinct=True), helper_count=Count("helper_rows", distinct=True))
        .order_by("-held_on", "-pk")
    )


def get_family_group_for_user_or_404(user: User, pk: Any) -> FamilyGroupSession:
    if not can_coordinate(user):
        raise Http404("No such session")
    try:
        return (
            FamilyGroupSession.objects.filter(scheme_id=user.scheme_id)
            .prefetch_related(
                Prefetch("helpers", queryset=User.objects.order_by("first_name", "last_name")),
                Prefetch("families", queryset=Family.objects.order_by("family_name", "reference")),
            )
            .get(pk=pk)
        )
    except (FamilyGroupSession.DoesNotExist, ValueError, TypeError):
        raise Http404("No such session") from None


def families_for_groups(user: User) -> QuerySet[Family]:
    """Families of the coordinator's scheme who may come to its groups: any but those whose referral was declined."""
    if not can_coordinate(user):
        return Family.objects.none()
    return (
        Family.objects.filter(scheme_id=user.scheme_id)
        .exclude(status=FamilyStatus.NOT_ACCEPTED)
        .order_by("family_name", "reference")
    )


def people_in_scheme(user: User, role: str) -> QuerySet[User]:
    """Active people of the coordinator's scheme in one role (staff or volunteers present at a group)."""
    if not can_coordinate(user):
        return User.objects.none()
    return User.objects.filter(scheme_id=user.scheme_id, role=role, is_active=True).order_by("first_name", "last_name")


@dataclass(frozen=True)
class MonthOfGroups:
    month: datetime.date  # the first of the month
    sessions: int
    attendances: int
    families: int


def family_group_figures(user: User, *, months: int = 12) -> list[MonthOfGroups]:
    """Family group attendance for the coordinator's scheme, one row per month for the last ``months`` months
    (this one included, newest first, empty months shown): sessions held, family attendances and distinct
    families. Two queries, whatever the number of sessions."""
    if not can_coordinate(user):
        return []
    today = timezone.localdate()
    firsts = []
    year, month = today.year, today.month
    for _ in range(months):
        firsts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    since = firsts[-1]
    sessions = (
        FamilyGroupSession.objects.filter(scheme_id=user.scheme_id, held_on__gte=since, held_on__lte=today)
        .annotate(month=TruncMonth("held_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    attendance = (
        FamilyGroupAttendance.objects.filter(
            session__scheme_id=user.scheme_id, session__held_on__gte=since, session__held_on__lte=today
        )
        .annotate(month=TruncMonth("session__held_on"))
        .values("month")
        .annotate(n=Count("pk"), families=Count("family", distinct=True))
        .order_by()
    )
    sessions_by_month = {_month(row["month"]): row["n"] for row in sessions}
    attendance_by_month = {_month(row["month"]): (row["n"], row["families"]) for row in attendance}
    return [
        MonthOfGroups(
            month=first,
            sessions=sessions_by_month.get(first, 0),
            attendances=attendance_by_month.get(first, (0, 0))[0],
            families=attendance_by_month.get(first, (0, 0))[1],
        )
        for first in firsts
    ]


def _month(value: Any) -> datetime.date:
    """TruncMonth answers a date or a datetime depending on the database: the first of the month as a date."""
    return value.date() if isinstance(value, datetime.datetime) else value


# View decorators that load an object through its selector (404 for what the user may not open).
load_family = loads(get_family_for_user_or_404)
load_family_to_visit = loads(get_family_to_visit_or_404)
load_group = loads(get_family_group_for_user_or_404)
load_agency = loads(get_agency_for_user_or_404)
load_professional = loads(get_professional_for_user_or_404)

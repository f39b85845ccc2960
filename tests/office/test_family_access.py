"""Who has seen a family's records (for its coordinators and the scheme's DSLs) and which families a person opened
(for the DSLs): every read and disclosure, from the audit log, and reading these pages is itself recorded."""

import datetime
import re
from html import unescape
from typing import Any

import pytest
import time_machine
from auditlog.context import auditlog_value
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consents import services as consent_services
from consents.models import Category, Purpose
from families.audit import FamilyAuditEvent
from families.models import Professional
from homestart.models import AuditEntry, Role
from office import access
from office import services as office_services
from office.audit import OfficeAuditEvent
from tests.conftest import log_visit, make_family, make_user
from tests.consents.conftest import publish_wordings

VOLUNTEER_ADDRESS = "203.0.113.7"
COORDINATOR_ADDRESS = "198.51.100.20"
# Signing in, the session, the scheme's header and the request's savepoints (9), and the page's own five: the family,
# the people to filter by, the count, one page of entries with who did each, and the audit entry for the read.
PAGE_QUERIES = 14
OPENED = FamilyAuditEvent.FAMILY_VIEWED.label  # "Family's page opened"
ACCESS_READ = OfficeAuditEvent.FAMILY_ACCESS_READ.label


def _access_url(family: Any, **query: Any) -> str:
    url = reverse("families:access", args=[family.pk])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def _rows(html: str) -> list[str]:
    """The text of each row of the table, tags stripped and spaces squeezed."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    rows = [re.sub(r"<[^>]+>", " ", row) for row in body.split("</tr>") if "<td" in row]
    return [re.sub(r"\s+", " ", unescape(row)).strip() for row in rows]


def _print_letter(client: Any, world: Any) -> None:
    """The coordinator asks the family for consent, then prints the letter with the consent page's button."""
    publish_wordings(world.scheme, world.administrator)
    consent, _letter, _pdf = consent_services.consent_request(
        family=world.family,
        purpose=Purpose.INFORMATION_EXCHANGE,
        signer=world.family.members.get(kind="adult"),
        recipients=[Professional.objects.get(name="Helen Price")],
        categories=[Category.SUPPORT_STATUS],
        review_on=timezone.localdate() + datetime.timedelta(days=365),
        print_letter=False,
        actor=world.coordinator,
    )
    client.force_login(world.coordinator)
    response = client.post(reverse("consents:letter", args=[consent.pk]), REMOTE_ADDR=COORDINATOR_ADDRESS)
    assert response["Content-Type"] == "application/pdf"


@pytest.fixture
def colleague(world: Any) -> Any:
    """Another coordinator of the family's scheme, who does not lead the family."""
    return make_user(world.scheme, "colleague", Role.COORDINATOR)


# --- Who may see it ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "dsl"])
def test_the_familys_coordinator_and_the_schemes_dsl_see_who_has_seen_it(client: Any, world: Any, role: str) -> None:
    client.force_login(getattr(world, role))
    response = client.get(_access_url(world.family))
    assert response.status_code == 200
    assert '<h1 class="heading-xl">Who has seen this family\'s records</h1>' in response.content.decode()


def test_any_coordinator_of_the_scheme_sees_it_as_they_manage_the_familys_support(
    client: Any, world: Any, colleague: Any
) -> None:
    """The rule is the case file's ``can_manage``: every coordinator of the scheme manages the family's support
    (assigns, ends support), so every one of them may see who has read its records."""
    client.force_login(colleague)
    assert client.get(_access_url(world.family)).status_code == 200
    page = client.get(reverse("families:detail", args=[world.family.pk])).content.decode()
    assert _access_url(world.family) in page


@pytest.mark.parametrize("role", ["volunteer", "other_volunteer", "other_coordinator", "administrator"])
def test_nobody_else_finds_the_page(client: Any, world: Any, role: str) -> None:
    """The assigned volunteer, another volunteer, another scheme's coordinator and the administrator: 404."""
    client.force_login(getattr(world, role))
    assert client.get(_access_url(world.family)).status_code == 404
    assert not AuditEntry.objects.filter(event=OfficeAuditEvent.FAMILY_ACCESS_READ).exists()


def test_another_schemes_dsl_finds_neither_page_for_this_scheme(client: Any, world: Any) -> None:
    elsewhere = make_user(world.other_scheme, "otherdsl", Role.COORDINATOR, dsl=True)
    client.force_login(elsewhere)
    assert client.get(_access_url(world.family)).status_code == 404
    response = client.get(reverse("person_access"), {"person": world.volunteer.pk})
    assert response.status_code == 200  # their own scheme's page, where the volunteer is not one of the people
    assert "Choose a person from the list" in response.content.decode()
    assert not AuditEntry.objects.filter(event=OfficeAuditEvent.PERSON_ACCESS_READ).exists()


def test_the_records_section_is_on_the_family_page_only_for_those_who_may_see_it(client: Any, world: Any) -> None:
    link = f'href="{_access_url(world.family)}"'
    for user in (world.coordinator, world.dsl):
        client.force_login(user)
        html = client.get(reverse("families:detail", args=[world.family.pk])).content.decode()
        assert "Records about this family" in html and link in html
    client.force_login(world.volunteer)
    html = client.get(reverse("families:detail", args=[world.family.pk])).content.decode()
    assert "Records about this family" not in html and link not in html


# --- What it lists ----------------------------------------------------------------------------------------------


def test_reads_and_prints_are_listed_newest_first_with_who_what_and_from_where(client: Any, world: Any) -> None:
    log_visit(world.family, world.volunteer, note="Grace was tired today.")
    client.force_login(world.volunteer)
    assert (
        client.get(reverse("families:detail", args=[world.family.pk]), REMOTE_ADDR=VOLUNTEER_ADDRESS).status_code == 200
    )
    _print_letter(client, world)

    html = client.get(_access_url(world.family), REMOTE_ADDR=COORDINATOR_ADDRESS).content.decode()
    rows = _rows(html)
    assert len(rows) == 3, rows
    # Newest first: the letter, then the volunteer's visit (the page opened, then the note on it read).
    assert (
        "Coordinator Tester Coordinator" in rows[0] and "Letter printed" in rows[0] and COORDINATOR_ADDRESS in rows[0]
    )
    assert "Volunteer Tester Volunteer" in rows[1] and "Private note read" in rows[1] and VOLUNTEER_ADDRESS in rows[1]
    assert "Volunteer Tester" in rows[2] and OPENED in rows[2] and VOLUNTEER_ADDRESS in rows[2]
    assert "Grace was tired today." not in html  # what the note says is never on this page
    # The next visit lists this one too, first, from the coordinator's address.
    rows = _rows(client.get(_access_url(world.family)).content.decode())
    assert len(rows) == 4 and ACCESS_READ in rows[0] and COORDINATOR_ADDRESS in rows[0]


def test_a_disclosure_and_a_concern_read_are_listed_too(client: Any, world: Any) -> None:
    from tests.safeguarding.conftest import raise_concern

    world.child = world.family.members.get(kind="child")
    concern = raise_concern(world)
    client.force_login(world.dsl)
    client.get(reverse("safeguarding:concern_detail", args=[concern.pk]))
    html = client.get(_access_url(world.family)).content.decode()
    assert "Safeguarding concern read" in html
    assert "Dsl Tester" in html


def test_every_kind_of_read_and_disclosure_is_listed(client: Any, world: Any) -> None:
    """Supervision about the family, a signed scan downloaded, a disclosure recorded, the chronology printed and a
    subject access export: each names the family, so each is on its page, and none is on another family's."""
    from consents.models import ConsentEvent
    from office import subject_access
    from safeguarding import services as safeguarding_services
    from tests.consents.conftest import signed_information_consent
    from volunteers import services as volunteer_services
    from volunteers.services import DiscussedFamily

    neighbour = make_family(world.coordinator, "Nowak", volunteer=world.volunteer)
    today = timezone.localdate()
    volunteer_services.supervision_record(
        volunteer=world.volunteer,
        held_on=today,
        discussed=[DiscussedFamily(world.family, "Going well."), DiscussedFamily(neighbour, "Settling in.")],
        actor=world.coordinator,
    )
    volunteer_services.supervision_parts_read(family=world.family, reader=world.coordinator)
    publish_wordings(world.scheme, world.administrator)
    world.health_visitor = Professional.objects.get(name="Helen Price")
    consent = signed_information_consent(world)
    scan = ConsentEvent.objects.get(consent=consent, scan__isnull=False).scan
    consent_services.scan_download_record(scan=scan, consent=consent, actor=world.coordinator)
    consent_services.disclosure_record(
        family=world.family,
        recipient=world.health_visitor,
        categories=[Category.SUPPORT_STATUS],
        summary="Support continues.",
        method="phone",
        disclosed_on=today,
        basis="consent",
        consent=consent,
        actor=world.coordinator,
    )
    safeguarding_services.chronology_print(family=world.family, actor=world.dsl)
    subject_access.subject_access_export(family=world.family, actor=world.dsl)

    client.force_login(world.coordinator)
    html = unescape(client.get(_access_url(world.family)).content.decode())
    for label in [
        "Supervision record read",
        "Signed consent scan downloaded",
        "Disclosure or decision not to share recorded",
        "Safeguarding chronology printed",
        OfficeAuditEvent.SUBJECT_ACCESS_EXPORTED.label,
    ]:
        assert label in html, label
    elsewhere = unescape(client.get(_access_url(neighbour)).content.decode())
    assert "Supervision record read" not in elsewhere and "Signed consent scan downloaded" not in elsewhere


def test_the_list_can_be_narrowed_to_one_person_in_it(client: Any, world: Any) -> None:
    log_visit(world.family, world.volunteer, note="A note.")
    client.force_login(world.volunteer)
    client.get(reverse("families:detail", args=[world.family.pk]))
    _print_letter(client, world)
    client.force_login(world.coordinator)

    everyone = client.get(_access_url(world.family)).content.decode()
    people = re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', everyone)
    assert people == [
        ("", "Everyone"),
        (str(world.coordinator.pk), "Coordinator Tester (coordinator)"),
        (str(world.volunteer.pk), "Volunteer Tester (volunteer)"),
    ]

    html = client.get(_access_url(world.family, person=world.volunteer.pk)).content.decode()
    rows = _rows(html)
    assert len(rows) == 2 and all("Volunteer Tester" in row for row in rows), rows
    assert "Letter printed" not in html
    assert "2 entries for Volunteer Tester." in html
    assert f'<option value="{world.volunteer.pk}" selected>' in html


@pytest.mark.parametrize("bad", ["abc", "0", "99999999999999999999", "other"])
def test_a_person_not_in_the_list_is_a_message_and_everyone_is_shown(client: Any, world: Any, bad: str) -> None:
    _print_letter(client, world)
    client.force_login(world.coordinator)
    if bad == "other":
        bad = str(world.other_coordinator.pk)
    response = client.get(_access_url(world.family, person=bad))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and "Choose a person from the list" in html
    assert "Letter printed" in html  # the whole list, unfiltered


def test_no_entry_about_another_family_ever_appears(client: Any, world: Any) -> None:
    neighbour = make_family(world.coordinator, "Zebedee", volunteer=world.other_volunteer)
    log_visit(neighbour, world.other_volunteer, note="About the neighbours.")
    client.force_login(world.other_volunteer)
    client.get(reverse("families:detail", args=[neighbour.pk]))
    client.force_login(world.other_coordinator)
    client.get(reverse("families:detail", args=[world.other_family.pk]))
    client.force_login(world.coordinator)
    client.get(reverse("families:detail", args=[neighbour.pk]))

    html = client.get(_access_url(world.family)).content.decode()
    assert "Othervolunteer" not in html and "Othercoordinator" not in html
    assert neighbour.reference not in html and world.other_family.reference not in html
    assert "Nobody has read or shared this family's records yet." in html
    rows = _rows(client.get(_access_url(world.family)).content.decode())
    assert len(rows) == 1 and ACCESS_READ in rows[0]
    html = client.get(_access_url(world.family, person=world.other_volunteer.pk)).content.decode()
    assert "Choose a person from the list" in html  # not someone who appears in this family's log


def test_fifty_a_page_in_the_same_queries_for_five_entries_as_for_sixty(client: Any, world: Any) -> None:
    readers = [world.coordinator, world.dsl, world.volunteer, make_user(world.scheme, "colleague", Role.COORDINATOR)]

    def opened(times: int) -> None:
        auditlog_value.set({})  # outside any request, as a command would: no address to record
        for i in range(times):
            office_services.case_file_opened(family=world.family, reader=readers[i % len(readers)])

    client.force_login(world.coordinator)

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    opened(4)
    client.get(_access_url(world.family))  # warm process-wide caches (content types), as a running server has them
    assert len(_rows(client.get(_access_url(world.family)).content.decode())) == 5  # with the page's first read
    small = count(_access_url(world.family))
    opened(55)
    large = count(_access_url(world.family))
    assert large == small, f"{small} queries for a few entries, {large} for sixty"

    total = access.family_access_entries(world.family).count()
    assert total > 60
    html = client.get(_access_url(world.family)).content.decode()
    assert len(_rows(html)) == 50
    assert f"{total} entries." in html and "Page 1 of 2" in html
    assert "Not recorded" in html  # opened outside a request here: no address to show
    second = client.get(_access_url(world.family, page=2)).content.decode()
    assert len(_rows(second)) == total + 1 - 50  # one more since: the first page's own read
    assert "Page 2 of 2" in second
    for nonsense in ("nonsense", "0", "-1", "99999"):
        assert client.get(_access_url(world.family, page=nonsense)).status_code == 200


def test_the_page_bound_holds_with_django_assert_max_num_queries(
    client: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(world.coordinator)
    client.get(_access_url(world.family))
    with django_assert_max_num_queries(PAGE_QUERIES):
        client.get(_access_url(world.family))
    for _ in range(60):
        office_services.case_file_opened(family=world.family, reader=world.volunteer)
    with django_assert_max_num_queries(PAGE_QUERIES):
        client.get(_access_url(world.family))
    with django_assert_max_num_queries(PAGE_QUERIES + 1):  # and the person chosen, checked against the list
        client.get(_access_url(world.family, person=world.volunteer.pk, page=2))


# --- Reading these pages is recorded ----------------------------------------------------------------------------


def test_reading_who_has_seen_the_family_is_recorded(client: Any, world: Any) -> None:
    client.force_login(world.dsl)
    client.get(_access_url(world.family), REMOTE_ADDR=COORDINATOR_ADDRESS)
    client.get(_access_url(world.family, person=world.dsl.pk, page=1))
    entries = list(AuditEntry.objects.filter(event=OfficeAuditEvent.FAMILY_ACCESS_READ).order_by("pk"))
    assert len(entries) == 2
    first = entries[0]
    assert (first.family_pk, first.actor_id, first.action) == (world.family.pk, world.dsl.pk, AuditEntry.Action.ACCESS)
    assert first.remote_addr == COORDINATOR_ADDRESS
    assert first.additional_data == {"page": 1, "person": None}
    assert entries[1].additional_data == {"page": 1, "person": world.dsl.pk}


def test_each_view_of_the_case_file_writes_one_entry_naming_the_family(client: Any, world: Any) -> None:
    client.force_login(world.volunteer)
    url = reverse("families:detail", args=[world.family.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url, REMOTE_ADDR=VOLUNTEER_ADDRESS)
    opened = AuditEntry.objects.filter(event=FamilyAuditEvent.FAMILY_VIEWED).order_by("pk")
    assert opened.count() == 2
    last = opened.last()
    assert (last.family_pk, last.actor_id, last.remote_addr) == (world.family.pk, world.volunteer.pk, VOLUNTEER_ADDRESS)
    # Nothing else on this page is read with an audit entry (no notes yet): the one INSERT is the page opened.
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "homestart_auditentry"')]
    assert len(inserts) == 1


def test_a_family_the_reader_may_not_open_writes_nothing(client: Any, world: Any) -> None:
    client.force_login(world.other_volunteer)
    assert client.get(reverse("families:detail", args=[world.family.pk])).status_code == 404
    assert not AuditEntry.objects.filter(event=FamilyAuditEvent.FAMILY_VIEWED).exists()


# --- Which families a person opened (DSLs) ----------------------------------------------------------------------


def _person_url() -> str:
    return reverse("person_access")


@pytest.mark.parametrize("role", ["coordinator", "volunteer", "other_coordinator", "administrator"])
def test_only_safeguarding_leads_see_what_a_person_opened(client: Any, world: Any, role: str) -> None:
    client.force_login(getattr(world, role))
    assert client.get(_person_url(), {"person": world.volunteer.pk}).status_code == 404
    assert not AuditEntry.objects.filter(event=OfficeAuditEvent.PERSON_ACCESS_READ).exists()


def test_the_dsl_dashboard_links_to_it_and_the_family_page_links_each_name(client: Any, world: Any) -> None:
    client.force_login(world.dsl)
    assert f'href="{_person_url()}"' in client.get(reverse("dashboard")).content.decode()
    client.get(_access_url(world.family))
    html = client.get(_access_url(world.family)).content.decode()  # the first visit is listed on the second
    assert f'href="{_person_url()}?person={world.dsl.pk}"' in html
    client.force_login(world.coordinator)
    assert f'href="{_person_url()}"' not in client.get(reverse("dashboard")).content.decode()
    assert _person_url() not in client.get(_access_url(world.family)).content.decode()


def test_the_families_a_person_opened_in_the_last_thirty_days(client: Any, world: Any) -> None:
    second = make_family(world.coordinator, "Nowak", volunteer=world.volunteer)
    log_visit(world.family, world.volunteer, note="A note.")
    now = timezone.now()
    # Signed in afresh at each moment: a session from the future has long expired in the past, and the reverse.
    with time_machine.travel(now - datetime.timedelta(days=40), tick=False):
        client.force_login(world.volunteer)
        client.get(reverse("families:detail", args=[second.pk]))  # before the period: not counted
    with time_machine.travel(now - datetime.timedelta(days=3), tick=False):
        client.force_login(world.volunteer)
        client.get(reverse("families:detail", args=[world.family.pk]))
    client.force_login(world.volunteer)
    client.get(reverse("families:detail", args=[world.family.pk]))
    client.get(reverse("families:detail", args=[second.pk]))
    client.force_login(world.other_coordinator)
    client.get(reverse("families:detail", args=[world.other_family.pk]))

    client.force_login(world.dsl)
    page = client.get(_person_url())
    assert page.status_code == 200 and "Choose a person to see the families they opened." in page.content.decode()
    html = client.get(_person_url(), {"person": world.volunteer.pk}).content.decode()
    rows = _rows(html)
    assert len(rows) == 2, rows
    # Most recently seen first; the Okafor family: opened twice and its note read twice.
    assert rows[0].startswith("The Nowak family") and " 1 time " in rows[0]
    assert rows[1].startswith("The Okafor family") and " 4 times " in rows[1]
    three_days_ago = timezone.localtime(now - datetime.timedelta(days=3))
    assert f"{three_days_ago:%-d %b %Y}" in rows[1]
    assert world.other_family.reference not in html
    assert f'href="{_access_url(second)}"' in html
    # The boxes show the period used: the last 30 days, today included.
    today = timezone.localdate()
    assert (
        f'value="{(today - datetime.timedelta(days=29)).isoformat()}"' in html
        and f'value="{today.isoformat()}"' in html
    )

    # The period: the 40-day-old visit only when asked for.
    since = (timezone.localdate() - datetime.timedelta(days=45)).isoformat()
    until = (timezone.localdate() - datetime.timedelta(days=35)).isoformat()
    old = _rows(
        client.get(_person_url(), {"person": world.volunteer.pk, "date_from": since, "date_to": until}).content.decode()
    )
    assert len(old) == 1 and old[0].startswith("The Nowak family") and " 1 time " in old[0]


def test_a_family_of_another_scheme_is_never_counted_for_a_person(client: Any, world: Any) -> None:
    """Someone who once worked in another scheme (an account moved across): only this scheme's families are shown."""
    from homestart import audit

    audit.record_event(event=FamilyAuditEvent.FAMILY_VIEWED, instance=world.other_family, actor=world.volunteer)
    office_services.case_file_opened(family=world.family, reader=world.volunteer)
    client.force_login(world.dsl)
    html = client.get(_person_url(), {"person": world.volunteer.pk}).content.decode()
    rows = _rows(html)
    assert len(rows) == 1 and rows[0].startswith("The Okafor family"), rows
    assert world.other_family.reference not in html and "Evans" not in html
    assert "<p>1 family.</p>" in html  # not counted either, nor paged over


def test_reading_what_a_person_opened_is_recorded(client: Any, world: Any) -> None:
    client.force_login(world.dsl)
    today = timezone.localdate()
    client.get(_person_url(), {"person": world.volunteer.pk, "date_from": "", "date_to": ""})
    entry = AuditEntry.objects.get(event=OfficeAuditEvent.PERSON_ACCESS_READ)
    assert (entry.actor_id, entry.object_pk, entry.family_pk) == (world.dsl.pk, str(world.volunteer.pk), None)
    assert entry.additional_data == {
        "from": (today - datetime.timedelta(days=29)).isoformat(),
        "to": today.isoformat(),
        "page": 1,
    }


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date_from": "2025-13-45"}, "The ‘from’ date must be a real date"),
        ({"date_to": "yesterday"}, "The ‘to’ date must be a real date"),
        ({"date_from": "2025-03-10", "date_to": "2025-03-01"}, "The ‘to’ date must be the same as or after"),
        ({"date_to": "2999-01-01"}, "The ‘to’ date cannot be in the future"),
        ({"date_from": "9999-12-31"}, "The ‘from’ date cannot be in the future"),
        ({"date_from": "0001-01-01", "date_to": "0001-01-02"}, None),
        ({"person": "abc"}, "Choose a person from the list"),
        ({"person": ""}, "Choose a person"),
    ],
)
def test_bad_input_is_a_message_on_the_page_and_reads_nothing(
    client: Any, world: Any, query: dict[str, str], message: str | None
) -> None:
    client.force_login(world.dsl)
    response = client.get(_person_url(), {"person": world.volunteer.pk, **query})
    assert response.status_code == 200
    html = response.content.decode()
    if message is None:  # an odd but real period: an answer, not a failure
        assert "did not open any family" in html
        return
    assert "There is a problem" in html and message in html
    assert not AuditEntry.objects.filter(event=OfficeAuditEvent.PERSON_ACCESS_READ).exists()


def test_the_persons_list_pages_in_the_same_queries(
    client: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(3):
        make_family(world.coordinator, f"Family{i}", volunteer=world.volunteer)
    client.force_login(world.volunteer)
    for family in world.volunteer.assignments.values_list("family_id", flat=True):
        client.get(reverse("families:detail", args=[family]))
    client.force_login(world.dsl)
    url = _person_url()
    client.get(url, {"person": world.volunteer.pk})
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"person": world.volunteer.pk})
    for i in range(8):
        family = make_family(world.coordinator, f"More{i}", volunteer=world.volunteer)
        office_services.case_file_opened(family=family, reader=world.volunteer)
    with django_assert_max_num_queries(len(few)):
        html = client.get(url, {"person": world.volunteer.pk}).content.decode()
    assert len(_rows(html)) == 12


QUERY_VALUES = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-5, max_value=10**20).map(str),
    st.dates().map(datetime.date.isoformat),
    st.sampled_from(["", "\x00", "2025-02-30", "<script>alert(1)</script>", "1; DROP TABLE x"]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.dictionaries(st.sampled_from(["person", "date_from", "date_to", "page"]), QUERY_VALUES))
def test_whatever_is_asked_both_pages_answer_with_a_page(client: Any, world: Any, query: dict[str, str]) -> None:
    """SECURITY 27 for these pages: any person, dates or page number is a page (perhaps with a message), never a 500,
    and markup asked for is shown escaped."""
    client.force_login(world.dsl)
    for url in (_access_url(world.family), _person_url()):
        response = client.get(url, query)
        assert response.status_code == 200, (url, query)
        assert "<script>alert(1)</script>" not in response.content.decode()

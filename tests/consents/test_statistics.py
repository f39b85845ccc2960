"""P6: statistical requests get anonymised figures, and any count below 5 is shown as "fewer than 5".

Counts of 4 and 5 on both sides of the threshold; the page, the CSV and the PDF never show the small number, and
never a family's name or full postcode.
"""

import csv
import datetime
import io
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from consents import services, statistics
from consents.models import Category
from families.models import Professional
from tests.conftest import log_visit, make_family
from tests.consents.test_pdf import needs_pdftotext, pdf_text

TODAY = timezone.localdate
LAST_YEAR = (lambda: TODAY() - datetime.timedelta(days=364), TODAY)
FEWER = "fewer than 5"
NAMES = ["Okafor", "Adeyemi", "Nowak", "Price", "Grace", "Tobi"]


def figures(world: Any) -> dict[str, int | None]:
    date_from, date_to = (day() for day in LAST_YEAR)
    return dict(statistics.scheme_figures(world.scheme, date_from, date_to))


def add_supported(world: Any, count: int, *, postcode: str = "PO2 7QA", visits: int = 1) -> None:
    """More supported families in the world's scheme, each with one child under 1 and ``visits`` visits."""
    for index in range(count):
        family = make_family(world.coordinator, f"Nowak{index}", volunteer=world.volunteer, postcode=postcode)
        for day in range(visits):
            log_visit(family, world.volunteer, days_ago=day + 1)


def statistical_request(world: Any) -> Any:
    return services.agency_request_receive(
        requester=Professional.objects.get(agency__scheme=world.scheme, name="Helen Price"),
        received_on=TODAY(),
        purpose="Planning clinics",
        categories=[Category.SUPPORT_STATUS],
        identifying=False,
        family=None,
        due_on=TODAY() + datetime.timedelta(days=14),
        actor=world.coordinator,
    )


# The rule -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "expected"), [(0, None), (1, None), (4, None), (5, 5), (6, 6), (150, 150)])
def test_P6_any_count_below_5_is_suppressed_zero_included(count: int, expected: int | None) -> None:
    assert statistics.suppress(count) == expected
    assert statistics.shown(statistics.suppress(count)) == (FEWER if expected is None else str(count))


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({"PO3": 6, "PO2": 5}, [("PO2", 5), ("PO3", 6)]),
        # PO4 alone would be "fewer than 5", and 18 - 5 - 9 would give it away: the smallest district joins it.
        ({"PO2": 5, "PO3": 9, "PO4": 4}, [("PO3", 9), ("Other districts", 9)]),
        ({"PO2": 3, "PO3": 2, "PO4": 9}, [("PO4", 9), ("Other districts", 5)]),
        ({"PO2": 1}, [("Other districts", None)]),
        ({statistics.NO_DISTRICT: 6, "PO2": 7}, [("PO2", 7), (statistics.NO_DISTRICT, 6)]),
        ({}, []),
    ],
)
def test_P6_no_small_district_can_be_worked_out_from_the_total(counts: dict, expected: list) -> None:
    rows = statistics.merge_small_districts(counts)
    assert rows == expected
    assert all(count is None or count >= 5 for _label, count in rows)
    if rows and all(count is not None for _label, count in rows):
        assert sum(count for _label, count in rows) == sum(counts.values())  # every number is the true one


@pytest.mark.parametrize(
    ("postcode", "district"),
    [("PO2 7QA", "PO2"), ("po27qa", "PO2"), ("SW1A 1AA", "SW1A"), ("M1 1AE", "M1"), ("", statistics.NO_DISTRICT)],
)
def test_postcode_district_is_the_outward_code_only(postcode: str, district: str) -> None:
    assert statistics.postcode_district(postcode) == district


def test_a_postcode_that_is_not_one_never_becomes_a_district_label() -> None:
    for junk in ["=HYPERLINK(1)", "<b>x</b> 1AA", "Okafor house"]:
        assert statistics.postcode_district(junk) == statistics.NO_DISTRICT


# The figures ----------------------------------------------------------------------------------------------------


def test_P6_four_supported_families_are_fewer_than_5_and_five_are_5(world: Any) -> None:
    add_supported(world, 3)  # with the world's own supported family: 4
    counted = figures(world)
    assert counted["Families supported"] is None
    assert counted["Children under 1 in supported families"] is None
    assert counted["Families referred"] is None

    add_supported(world, 1)
    counted = figures(world)
    assert counted["Families supported"] == 5
    assert counted["Children under 1 in supported families"] == 5
    assert counted["Families referred"] == 5
    assert counted["Children aged 5 and over in supported families"] is None  # none at all: 0 is hidden too


def test_P6_visits_logged_4_then_5(world: Any) -> None:
    for day in range(4):
        log_visit(world.family, world.volunteer, days_ago=day + 1)
    assert figures(world)["Visits logged (home visits, phone calls and outings)"] is None
    log_visit(world.family, world.volunteer, days_ago=10)
    assert figures(world)["Visits logged (home visits, phone calls and outings)"] == 5


def test_figures_count_only_the_period_and_only_this_scheme(world: Any) -> None:
    add_supported(world, 4)
    for _ in range(6):  # another scheme's families never count
        make_family(world.other_coordinator, "Evans", volunteer=None)
    assert figures(world)["Families supported"] == 5
    assert figures(world)["Families referred"] == 5
    # A period that ended before anyone's support started: nobody was supported, nobody referred.
    long_ago = TODAY() - datetime.timedelta(days=400)
    before = dict(statistics.scheme_figures(world.scheme, long_ago - datetime.timedelta(days=30), long_ago))
    assert before["Families supported"] is None and before["Families referred"] is None


def test_families_whose_support_ended_in_the_period(world: Any) -> None:
    from families import services as family_services
    from families.models import Family, FamilyStatus

    add_supported(world, 4)
    for family in Family.objects.filter(scheme=world.scheme, status=FamilyStatus.SUPPORTED):
        family_services.family_end_support(
            family=family, ended_on=TODAY(), reason="Goals reached", actor=world.coordinator
        )
    counted = figures(world)
    assert counted["Families whose support ended"] == 5
    assert counted["Families supported"] == 5  # supported during the period, though ended today


def test_children_are_counted_by_age_on_the_last_day(world: Any) -> None:
    from families import services as family_services
    from families.models import MemberKind

    for years in (1, 2, 3, 4, 4, 6, 7):
        family_services.household_member_add(
            family=world.family,
            kind=MemberKind.CHILD,
            first_name="Child",
            date_of_birth=TODAY() - datetime.timedelta(days=int(365.25 * years) + 2),
            actor=world.coordinator,
        )
    counted = figures(world)
    assert counted["Children aged 1 to 4 in supported families"] == 5
    assert counted["Children aged 5 and over in supported families"] is None  # 2
    assert counted["Children under 1 in supported families"] is None  # 1


def test_P6_districts_are_suppressed_like_every_figure(world: Any) -> None:
    add_supported(world, 4)  # 5 in PO2 with the world's family
    date_from, date_to = (day() for day in LAST_YEAR)
    assert statistics.district_figures(world.scheme, date_from, date_to) == [("PO2", 5)]
    add_supported(world, 1, postcode="PO3 1AA")
    # PO3 alone would be "fewer than 5", and 6 - 5 would give it away: PO2 joins it.
    assert statistics.district_figures(world.scheme, date_from, date_to) == [("Other districts", 6)]


# The outputs ----------------------------------------------------------------------------------------------------


SMALL = re.compile(r"^[0-4]$")


def _assert_no_small_number_or_identity(text: str) -> None:
    for name in NAMES:
        assert name not in text, f"{name} in the figures"
    assert "7QA" not in text and "PO2 7" not in text


@pytest.fixture
def four_families(world: Any) -> Any:
    add_supported(world, 3)  # 4 supported, 4 children under 1, 4 visits
    world.request = statistical_request(world)
    return world


def test_P6_page_shows_fewer_than_5_and_never_the_small_number(client: Any, four_families: Any) -> None:
    client.force_login(four_families.coordinator)
    html = client.get(reverse("consents:request_figures", args=[four_families.request.pk])).content.decode()
    assert '<td>Families supported</td><td class="nowrap">fewer than 5</td>' in html
    assert '<td>Other districts</td><td class="nowrap">fewer than 5</td>' in html
    assert "any number from 0 to 4 is shown as “fewer than 5”" in html
    assert "PO2" not in html.split("</table>")[1]  # 4 families in PO2: the district is not named with its count
    cells = re.findall(r'<td class="nowrap">([^<]*)</td>', html)
    assert cells and not [cell for cell in cells if SMALL.match(cell.strip())]
    _assert_no_small_number_or_identity(html.split('<main id="main"', 1)[1].split("</main>", 1)[0])


def test_P6_csv_shows_fewer_than_5_and_never_the_small_number(client: Any, four_families: Any) -> None:
    client.force_login(four_families.coordinator)
    url = reverse("consents:request_figures", args=[four_families.request.pk])
    response = client.get(url, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment")
    text = response.content.decode()
    rows = [row for row in csv.reader(io.StringIO(text)) if row]
    assert rows[0] == ["Figure", "Number"] and rows[-1][0] == "Note"
    numbers = {label: number for label, number in rows[2:-1] if label != "Postcode district"}
    assert numbers["Families supported"] == FEWER
    assert numbers["Other districts"] == FEWER
    assert all(number == FEWER or int(number) >= 5 for number in numbers.values())
    _assert_no_small_number_or_identity(text)


@needs_pdftotext
def test_P6_pdf_shows_fewer_than_5_and_never_the_small_number(client: Any, four_families: Any) -> None:
    add_supported(four_families, 1, visits=1)  # 5 families: shown as 5, districts hidden
    client.force_login(four_families.coordinator)
    url = reverse("consents:request_figures", args=[four_families.request.pk])
    response = client.get(url, {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    text = pdf_text(response.content)
    lines = {" ".join(line.split()) for line in text.splitlines()}
    assert "Families supported 5" in lines
    assert "Families whose support ended fewer than 5" in lines
    assert "PO2 5" in lines  # the only district: the total already says 5
    for line in lines:
        assert not re.search(r"(families|children|visits|PO\d).* [0-4]$", line, re.I), line
    _assert_no_small_number_or_identity(text)


def test_figures_period_can_be_chosen_and_is_checked(client: Any, four_families: Any) -> None:
    client.force_login(four_families.coordinator)
    url = reverse("consents:request_figures", args=[four_families.request.pk])
    html = client.get(url, {"date_from": "2030-01-02", "date_to": "2030-01-01"}).content.decode()
    assert "There is a problem" in html and "The last day must be on or after the first day" in html
    html = client.get(url, {"date_from": "not a date", "date_to": "", "format": "csv"}).content.decode()
    assert "Enter the first day as a real date" in html  # a page with the errors, not a download
    response = client.get(url, {"date_from": "2000-01-01", "date_to": "2000-12-31", "format": "csv"})
    assert "1 January 2000 to 31 December 2000" in response.content.decode()

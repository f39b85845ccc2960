"""The coordinator's retention pages: families due for anonymising this month, placing and lifting a hold, the
family page's retention lines and the dashboard's link. Time is frozen in the month that matters."""

import datetime
from typing import Any

import pytest
from django.urls import reverse

from families import services
from families.models import RetentionHold
from tests.office.retention_world import build_past_world, ended_family, on_day, refer

ENDED = datetime.date(2023, 2, 15)  # due on 15 February 2024
IN_THE_MONTH = datetime.date(2024, 2, 3)
DUE_PAGE = reverse("families:retention_due")


@pytest.fixture
def past_world(db: Any) -> Any:
    return build_past_world()


def test_the_page_lists_the_schemes_families_due_this_month_and_no_others(client: Any, past_world: Any) -> None:
    due = ended_family(past_world, day=ENDED, name="Duefamily")
    later = ended_family(past_world, day=datetime.date(2023, 3, 10), name="Laterfamily")  # due in March
    with on_day(ENDED):
        theirs = refer(past_world.other_coordinator, "Theirfamily")
        services.referral_decide(
            referral=theirs.referrals.get(),
            outcome="declined",
            reason="Out of area",
            actor=past_world.other_coordinator,
        )
    assert theirs.scheme_id != due.scheme_id

    with on_day(IN_THE_MONTH):
        client.force_login(past_world.coordinator)
        html = client.get(DUE_PAGE).content.decode()
    assert "Due for anonymising this month" in html
    assert "Duefamily" in html and due.reference in html and "15 Feb 2024" in html
    assert "Support ended on 15 February 2023" in html
    assert "Laterfamily" not in html and later.reference not in html
    assert "Theirfamily" not in html  # another scheme's family never appears

    with on_day(IN_THE_MONTH):
        client.force_login(past_world.other_coordinator)
        html = client.get(DUE_PAGE).content.decode()
    assert "Theirfamily" in html and "Duefamily" not in html


def test_the_page_says_what_to_do_when_nothing_is_due(client: Any, past_world: Any) -> None:
    with on_day(IN_THE_MONTH):
        client.force_login(past_world.dsl)
        html = client.get(DUE_PAGE).content.decode()
    assert "No family's records are due for anonymising this month" in html
    assert "No family's records are on hold" in html


def test_volunteers_and_administrators_do_not_have_the_page(client: Any, past_world: Any) -> None:
    for person in (past_world.volunteer, past_world.administrator):
        client.force_login(person)
        assert client.get(DUE_PAGE).status_code == 404


def test_a_hold_with_a_blank_reason_is_refused_with_a_message_and_changes_nothing(client: Any, past_world: Any) -> None:
    family = ended_family(past_world, day=ENDED, name="Duefamily")
    url = reverse("families:retention_hold", args=[family.pk]) + "?from=due"
    with on_day(IN_THE_MONTH):
        client.force_login(past_world.coordinator)
        response = client.post(url, {"reason": "   "})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and "Enter the reason for the hold" in html
    assert not RetentionHold.objects.exists()


def test_placing_a_hold_from_the_list_takes_the_family_off_it(client: Any, past_world: Any) -> None:
    family = ended_family(past_world, day=ENDED, name="Duefamily")
    with on_day(IN_THE_MONTH):
        client.force_login(past_world.coordinator)
        page = client.get(DUE_PAGE).content.decode()
        hold_url = reverse("families:retention_hold", args=[family.pk]) + "?from=due"
        assert hold_url.replace("&", "&amp;") in page or hold_url in page
        assert "Place a hold" in client.get(hold_url).content.decode()
        response = client.post(hold_url, {"reason": "A legal claim was made on 1 February."}, follow=True)
    assert response.redirect_chain[-1][0] == DUE_PAGE
    html = response.content.decode()
    assert "The Duefamily family&#x27;s records are on hold" in html  # the confirmation
    hold = RetentionHold.objects.get()
    assert (hold.family, hold.placed_by, hold.lifted_at) == (family, past_world.coordinator, None)
    due_table = html.split("<h1")[1].split('id="holds-heading"')[0]
    assert "Duefamily" not in due_table  # no longer due
    assert "A legal claim was made on 1 February." in html  # listed among the holds, with its reason


def test_lifting_a_hold_asks_first_then_lifts_it(client: Any, past_world: Any) -> None:
    family = ended_family(past_world, day=ENDED, name="Duefamily")
    url = reverse("families:retention_hold_lift", args=[family.pk])
    with on_day(IN_THE_MONTH):
        services.retention_hold_place(family=family, reason="Legal claim", actor=past_world.coordinator)
        client.force_login(past_world.dsl)
        html = client.get(url).content.decode()
        assert "Lift the hold" in html and "Legal claim" in html and "What happens" in html
        assert RetentionHold.objects.get().lifted_at is None  # a GET changes nothing
        response = client.post(url)
    assert response.status_code == 302
    hold = RetentionHold.objects.get()
    assert hold.lifted_by == past_world.dsl and hold.lifted_at is not None
    with on_day(IN_THE_MONTH):
        response = client.get(url, follow=True)  # nothing left to lift: back to the family, with a message
    assert "not on hold" in response.content.decode()


def test_the_family_page_shows_the_retention_date_and_the_hold(client: Any, past_world: Any) -> None:
    family = ended_family(past_world, day=ENDED, name="Duefamily")
    page = reverse("families:detail", args=[family.pk])
    with on_day(IN_THE_MONTH):
        client.force_login(past_world.coordinator)
        html = client.get(page).content.decode()
        assert "Due to be anonymised on" in html and "15 February 2024" in html
        assert reverse("families:retention_hold", args=[family.pk]) in html
        services.retention_hold_place(family=family, reason="Sentinel-claim by solicitors", actor=past_world.dsl)
        html = client.get(page).content.decode()
    assert "On hold" in html and "Sentinel-claim by solicitors" in html
    assert reverse("families:retention_hold_lift", args=[family.pk]) in html


def test_a_supported_family_page_says_the_records_are_kept_while_support_goes_on(client: Any, past_world: Any) -> None:
    with on_day(IN_THE_MONTH):
        client.force_login(past_world.coordinator)
        html = client.get(reverse("families:detail", args=[past_world.family.pk])).content.decode()
    assert "Kept while the family is referred, waiting or supported" in html


def _due_families(world: Any, count: int) -> None:
    for i in range(count):
        family = ended_family(world, day=ENDED, name=f"Duefamily{i:02d}")
        if i % 3 == 0:
            with on_day(ENDED + datetime.timedelta(days=1)):
                services.retention_hold_place(family=family, reason=f"Claim {i}", actor=world.coordinator)


def test_the_page_and_the_dashboard_answer_in_the_same_number_of_queries_however_many_are_due(
    client: Any, past_world: Any, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url: str) -> int:
        with on_day(IN_THE_MONTH):
            client.get(url)  # warm the process-wide caches, as a running server has them
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
        return len(queries)

    client.force_login(past_world.coordinator)
    _due_families(past_world, 2)
    small = {url: count(url) for url in (DUE_PAGE, reverse("dashboard"))}
    _due_families(past_world, 12)
    large = {url: count(url) for url in (DUE_PAGE, reverse("dashboard"))}
    assert large == small
    with on_day(IN_THE_MONTH), django_assert_max_num_queries(12):
        html = client.get(DUE_PAGE).content.decode()
    assert html.count("Place a hold<span") == 9  # 14 families, 5 of them held
    assert html.count("Lift the hold<span") == 5


def test_the_dashboard_links_to_the_page_with_the_count(client: Any, past_world: Any) -> None:
    _due_families(past_world, 2)  # one of them held
    with on_day(IN_THE_MONTH):
        client.force_login(past_world.coordinator)
        html = client.get(reverse("dashboard")).content.decode()
    assert f'href="{DUE_PAGE}"' in html
    assert "Records due for anonymising this month" in html
    section = html.split('id="retention-heading"')[1].split("</section>")[0]
    assert "1 family is due: their records will be anonymised by the end of the month" in section, section

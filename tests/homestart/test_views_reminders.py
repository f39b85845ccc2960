"""The page where a person chooses how often each kind of email reminder comes (their own, beside their password)."""

from html import escape
from typing import Any

import pytest
from django.urls import reverse

from homestart import reminders
from homestart.models import AuditEntry, AuditEvent, ReminderPreference

URL = "/your-reminders/"


def test_the_page_is_at_its_address_and_linked_from_the_header_for_case_workers_only(client: Any, world: Any) -> None:
    assert reverse("reminder_preferences") == URL
    client.force_login(world.volunteer)
    assert f'href="{URL}"' in client.get(reverse("volunteers:home")).content.decode()
    client.force_login(world.administrator)
    assert f'href="{URL}"' not in client.get(reverse("accounts:list")).content.decode()
    assert client.get(URL).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client: Any, world: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_coordinator_sees_the_coordinators_kinds_and_no_never_for_the_mandatory_ones(client: Any, world: Any) -> None:
    client.force_login(world.coordinator)
    page = client.get(URL).content.decode()
    assert '<h1 class="heading-xl">Your email reminders</h1>' in page
    for kind in reminders.kinds_for(world.coordinator):
        assert escape(kind.label) in page
    assert "Your DBS renewal" not in page  # a volunteer's kind
    # Radios for every kind, "Never" only for the optional ones; everything daily until chosen.
    assert page.count('value="never"') == 0
    optional = [k for k in reminders.kinds_for(world.coordinator) if k.optional]
    assert page.count('value="none"') == len(optional)
    assert page.count('value="daily" checked') == len(reminders.kinds_for(world.coordinator))
    assert "Always sent, because it cannot wait" in page
    assert "Once a week means on Mondays" in page


def test_a_volunteer_saves_their_choices_and_sees_them_kept(client: Any, world: Any) -> None:
    client.force_login(world.volunteer)
    kinds = reminders.kinds_for(world.volunteer)
    data = {kind.name.replace(".", "__"): "weekly" for kind in kinds}
    data["volunteers__own_supervision_due"] = "none"
    response = client.post(URL, data)
    assert response.status_code == 302 and response["Location"] == URL
    page = client.get(URL).content.decode()
    assert "Your email reminders are saved" in page
    assert reminders.choices_for(world.volunteer)["volunteers.own_supervision_due"] == "none"
    assert reminders.choices_for(world.volunteer)["volunteers.own_dbs_renewal"] == "weekly"
    entries = AuditEntry.objects.filter(event=AuditEvent.REMINDER_CHOICE_CHANGED, actor=world.volunteer)
    assert entries.count() == len(kinds)
    # The same again changes nothing, and says so.
    client.post(URL, data)
    assert "Nothing changed" in client.get(URL).content.decode()
    assert entries.count() == len(kinds)


def test_never_for_a_mandatory_kind_is_refused_on_the_page_and_nothing_is_saved(client: Any, world: Any) -> None:
    client.force_login(world.dsl)
    data = {kind.name.replace(".", "__"): "daily" for kind in reminders.kinds_for(world.dsl)}
    data["safeguarding__follow_ups_overdue"] = "none"
    response = client.post(URL, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Choose every day or once a week for “Safeguarding follow-ups you own that are overdue”" in page
    assert 'href="#id_safeguarding__follow_ups_overdue"' in page
    assert not ReminderPreference.objects.exists()


def test_a_missing_choice_is_asked_for_by_name(client: Any, world: Any) -> None:
    client.force_login(world.coordinator)
    response = client.post(URL, {})
    assert "Choose how often you get “Volunteers overdue for one-to-one supervision”" in response.content.decode()
    assert not ReminderPreference.objects.exists()


def test_a_person_without_an_email_address_is_told_no_reminder_can_reach_them(client: Any, world: Any) -> None:
    from homestart import services

    services.user_update(
        user=world.volunteer,
        actor=world.administrator,
        first_name="Volunteer",
        last_name="Tester",
        email="",
        role="volunteer",
        is_safeguarding_lead=False,
    )
    client.force_login(world.volunteer)
    assert "Your account has no email address" in client.get(URL).content.decode()


@pytest.mark.parametrize("role", ["coordinator", "volunteer"])
def test_the_page_costs_a_few_queries(client: Any, world: Any, role: str, django_assert_max_num_queries: Any) -> None:
    client.force_login(world.role(role))
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200

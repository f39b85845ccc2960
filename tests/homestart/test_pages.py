"""Health check, the home redirect for each role, the dashboard and the administrator's account pages."""

import datetime
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from homestart.models import Role, Scheme, User
from tests.conftest import make_family
from volunteers import services as volunteer_services


def test_healthz_answers_ok_with_database(client: Any, db: Any) -> None:
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize(
    "role, target",
    [("coordinator", "dashboard"), ("volunteer", "volunteers:home"), ("administrator", "accounts:list")],
)
def test_home_sends_each_role_to_its_start_page(client: Any, world: Any, role: str, target: str) -> None:
    client.force_login(world.role(role))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse(target)


def test_dashboard_shows_referrals_caseload_volunteers_and_dbs_renewals(client: Any, world: Any) -> None:
    make_family(world.coordinator, "Nowak", accept=False)
    volunteer_services.volunteer_profile_update(
        profile=world.volunteer.volunteer_profile,
        dbs_certificate_number="001234567890",
        dbs_issued_on=timezone.localdate() - datetime.timedelta(days=1000),
        dbs_renewal_due=timezone.localdate() + datetime.timedelta(days=30),
        preparation_course_completed_on=None,
        actor=world.coordinator,
    )
    client.force_login(world.coordinator)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Nowak" in html  # referral waiting
    assert "Being supported" in html
    assert "DBS renewals due" in html and "Volunteer Tester" in html
    assert f'href="{reverse("volunteers:list")}"' in html  # every volunteer and their families are a click away
    assert "Evans" not in html  # another scheme's family


def test_navigation_shows_only_the_roles_links(client: Any, world: Any) -> None:
    client.force_login(world.volunteer)
    html = client.get(reverse("volunteers:home")).content.decode()
    assert "My families" in html
    assert reverse("dashboard") not in html
    assert reverse("families:referrals") not in html


def test_administrator_creates_and_deactivates_accounts(client: Any, world: Any) -> None:
    client.force_login(world.administrator)
    response = client.post(
        reverse("accounts:new"),
        {
            "first_name": "Nia",
            "last_name": "Jones",
            "email": "nia@example.invalid",
            "username": "nia",
            "role": Role.VOLUNTEER,
            "password": "kettle orchard lantern river",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    nia = User.objects.get(username="nia")
    assert nia.volunteer_profile is not None

    short = client.post(
        reverse("accounts:new"),
        {
            "first_name": "A",
            "last_name": "B",
            "email": "a@example.invalid",
            "username": "ab",
            "role": Role.VOLUNTEER,
            "password": "short",
        },
    )
    assert "Ensure this value has at least 12 characters" in short.content.decode()
    assert not User.objects.filter(username="ab").exists()

    dsl_volunteer = client.post(
        reverse("accounts:new"),
        {
            "first_name": "A",
            "last_name": "B",
            "email": "a@example.invalid",
            "username": "ab",
            "role": Role.VOLUNTEER,
            "is_safeguarding_lead": "on",
            "password": "kettle orchard lantern river",
        },
    )
    assert "Only a coordinator can be a designated safeguarding lead" in dsl_volunteer.content.decode()

    busy = client.post(reverse("accounts:deactivate", args=[world.volunteer.pk]))
    assert "still has families" in busy.content.decode()
    assert User.objects.get(pk=world.volunteer.pk).is_active

    client.post(reverse("accounts:deactivate", args=[nia.pk]))
    assert not User.objects.get(pk=nia.pk).is_active


def test_seed_demo_is_idempotent_and_refuses_without_debug(db: Any, capsys: Any) -> None:
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    with override_settings(DEBUG=True):
        call_command("seed_demo")
        families = Scheme.objects.get(code="PMH").families.count()
        call_command("seed_demo")
    assert Scheme.objects.get(code="PMH").families.count() == families
    out = capsys.readouterr().out
    for username in ("coordinator", "dsl", "volunteer", "volunteer2", "admin", "othercoordinator"):
        assert username in out
        assert User.objects.get(username=username).check_password("homestart-demo")
    assert "homestart-demo" in out
    assert families >= 6


def test_dashboard_lists_consents_waiting_expiring_and_requests(client: Any, world: Any) -> None:
    from consents import services as consent_services
    from consents.models import Category, Purpose
    from families.models import Professional
    from tests.consents.conftest import publish_wordings

    publish_wordings(world.scheme, world.administrator)
    hv = Professional.objects.get(name="Helen Price")
    consent_services.consent_request(
        family=world.family,
        purpose=Purpose.INFORMATION_EXCHANGE,
        signer=world.family.members.get(kind="adult"),
        recipients=[hv],
        categories=[Category.SUPPORT_STATUS],
        review_on=timezone.localdate() + datetime.timedelta(days=200),
        print_letter=False,
        actor=world.coordinator,
    )
    consent_services.agency_request_receive(
        requester=hv,
        received_on=timezone.localdate() - datetime.timedelta(days=20),
        purpose="Figures",
        categories=[Category.SUPPORT_STATUS],
        identifying=False,
        family=None,
        due_on=timezone.localdate() - datetime.timedelta(days=1),
        actor=world.coordinator,
    )
    client.force_login(world.coordinator)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Consents waiting for a signature" in html and "Okafor" in html
    assert "Overdue" in html and "North Health Visiting Team" in html


def test_dashboard_shows_ten_referrals_and_counts_them_all(client: Any, world: Any) -> None:
    from office.views import DASHBOARD_ROWS

    client.force_login(world.coordinator)
    html = client.get(reverse("dashboard")).content.decode()
    section = html.split('id="referrals-heading"')[1].split("</section>")[0]
    assert '<span class="count">0</span>' in section and "No referrals are waiting" in section
    names = [f"Family{letter}" for letter in "ABCDEFGHIJKL"]  # two more than the dashboard shows
    for number, name in enumerate(names):
        make_family(world.coordinator, name, accept=False, postcode=f"PO{number + 1} 1AA")
    html = client.get(reverse("dashboard")).content.decode()
    section = html.split('id="referrals-heading"')[1].split("</section>")[0]
    assert f'<span class="count">{len(names)}</span>' in section
    assert sum(name in section for name in names) == DASHBOARD_ROWS
    assert f"See all {len(names)} referrals" in section

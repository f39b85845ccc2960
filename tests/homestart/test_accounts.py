"""Accounts that last (issue 11): administrators correct and reactivate accounts; everyone changes their own password
or resets a forgotten one by email (SECURITY 9 and 30).

Services first (each rule, its audit entries, other sessions ended), then the pages (anonymous, wrong user, right
user), then the reset by email: the same answer for unknown addresses, the rate limit, a link that works once.
"""

import datetime
import re
from typing import Any

import pytest
import time_machine
from auditlog.context import set_actor
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from homestart import services
from homestart.exceptions import ActionNotAllowed
from homestart.models import AuditEntry, AuditEvent, RateLimit, Role, User
from tests.conftest import PASSWORD, VerifiedClient, make_user
from volunteers.audit import VolunteerAuditEvent

NEW_PASSWORD = "lantern orchard kettle harbour"


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def _signed_in(user: User) -> VerifiedClient:
    client = VerifiedClient()
    client.force_login(user)
    return client


def _still_signed_in(client: Any) -> bool:
    response = client.get(reverse("password_change"))
    return response.status_code == 200


def _events(event: str, user: User | None = None) -> Any:
    entries = AuditEntry.objects.filter(event=event)
    return entries.filter(object_id=user.pk) if user is not None else entries


def _edit(world: Any, user: User, **changes: Any) -> User:
    fields = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "is_safeguarding_lead": user.is_safeguarding_lead,
        **changes,
    }
    return services.user_update(user=user, actor=world.administrator, **fields)


# Administrators change accounts -----------------------------------------------------------------------------------


def test_an_administrator_corrects_a_name_and_email_and_the_change_is_audited_masked(world: Any) -> None:
    with set_actor(world.administrator):  # as the audit middleware does for a page
        updated = _edit(world, world.volunteer, first_name=" Alexandra ", email="alex.new@example.invalid")
    assert (updated.first_name, updated.email) == ("Alexandra", "alex.new@example.invalid")
    entry = AuditEntry.objects.filter(object_id=world.volunteer.pk, action=AuditEntry.Action.UPDATE).latest("pk")
    assert entry.actor == world.administrator and entry.event == AuditEvent.ACCOUNT_CHANGED
    assert "Alexandra" not in str(entry.changes) and "alex.new" not in str(entry.changes)
    assert set(entry.changes_dict) >= {"first_name", "email"}


def test_a_coordinator_who_leads_no_family_can_become_a_volunteer_and_gets_a_volunteer_profile(world: Any) -> None:
    updated = _edit(world, world.dsl, role=Role.VOLUNTEER, is_safeguarding_lead=False)
    assert updated.role == Role.VOLUNTEER and not updated.is_safeguarding_lead
    assert _fresh(world.dsl).volunteer_profile is not None
    entry = AuditEntry.objects.filter(object_id=world.dsl.pk, action=AuditEntry.Action.UPDATE).latest("pk")
    assert entry.changes_dict["role"] == ["coordinator", "volunteer"] and entry.event == AuditEvent.ACCOUNT_CHANGED
    profile = AuditEntry.objects.get(
        content_type__model="volunteerprofile",
        object_id=_fresh(world.dsl).volunteer_profile.pk,
        action=AuditEntry.Action.CREATE,
    )
    assert profile.event == VolunteerAuditEvent.VOLUNTEER_RECORD_CREATED


def test_only_a_coordinator_can_be_a_safeguarding_lead(world: Any) -> None:
    with pytest.raises(ActionNotAllowed, match="Only a coordinator can be a designated safeguarding lead"):
        _edit(world, world.other_volunteer, is_safeguarding_lead=True)
    with pytest.raises(ActionNotAllowed, match="Only a coordinator can be a designated safeguarding lead"):
        _edit(world, world.dsl, role=Role.ADMINISTRATOR)  # still flagged as a lead
    assert _fresh(world.dsl).role == Role.COORDINATOR and not _fresh(world.other_volunteer).is_safeguarding_lead
    assert _edit(world, world.coordinator, is_safeguarding_lead=True).is_safeguarding_lead


def test_a_volunteer_with_families_keeps_their_role_until_the_assignments_end(world: Any) -> None:
    with pytest.raises(ActionNotAllowed, match="still has families as a volunteer"):
        _edit(world, world.volunteer, role=Role.COORDINATOR)
    assert _fresh(world.volunteer).role == Role.VOLUNTEER
    # A volunteer with no family can.
    assert _edit(world, world.other_volunteer, role=Role.COORDINATOR).role == Role.COORDINATOR


def test_a_coordinator_who_leads_families_stays_a_coordinator_until_they_are_handed_over(world: Any) -> None:
    with pytest.raises(ActionNotAllowed, match="still leads 1 family. Hand each family"):
        _edit(world, world.coordinator, role=Role.ADMINISTRATOR)
    assert _fresh(world.coordinator).role == Role.COORDINATOR


def test_nobody_changes_their_own_role_and_only_the_schemes_administrator_changes_accounts(world: Any) -> None:
    with pytest.raises(ActionNotAllowed, match="cannot change your own role"):
        _edit(world, world.administrator, role=Role.COORDINATOR)
    other_admin = make_user(world.other_scheme, "otheradmin", Role.ADMINISTRATOR)
    for actor in (world.coordinator, world.dsl, world.volunteer, other_admin):
        with pytest.raises(ActionNotAllowed, match="Only an administrator of this scheme"):
            services.user_update(
                user=world.other_volunteer,
                first_name="Changed",
                last_name="Name",
                email="x@example.invalid",
                role=Role.VOLUNTEER,
                is_safeguarding_lead=False,
                actor=actor,
            )
    assert _fresh(world.other_volunteer).first_name == "Othervolunteer"
    # Their own name and email they may correct.
    assert _edit(world, world.administrator, last_name="Taylor").last_name == "Taylor"


def test_a_deactivated_account_is_reactivated_by_the_schemes_administrator_only(world: Any) -> None:
    services.user_deactivate(user=world.other_volunteer, actor=world.administrator)
    with pytest.raises(ActionNotAllowed):
        services.user_reactivate(user=world.other_volunteer, actor=world.coordinator)
    assert not _fresh(world.other_volunteer).is_active
    with set_actor(world.administrator):
        services.user_reactivate(user=world.other_volunteer, actor=world.administrator)
    assert _fresh(world.other_volunteer).is_active
    entry = AuditEntry.objects.filter(object_id=world.other_volunteer.pk, action=AuditEntry.Action.UPDATE).latest("pk")
    assert entry.changes_dict["is_active"] == ["False", "True"] and entry.actor == world.administrator
    assert entry.event == AuditEvent.ACCOUNT_REACTIVATED
    deactivated = _events(AuditEvent.ACCOUNT_DEACTIVATED, world.other_volunteer).get()
    assert deactivated.changes_dict["is_active"] == ["True", "False"]
    with pytest.raises(ActionNotAllowed, match="already active"):
        services.user_reactivate(user=world.other_volunteer, actor=world.administrator)
    # They sign in again with their own password.
    signed_in = VerifiedClient().post(reverse("login"), {"username": "othervolunteer", "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("home")


# Changing your own password ----------------------------------------------------------------------------------------


def test_a_password_change_is_audited_and_ends_the_persons_other_sessions(world: Any) -> None:
    elsewhere = _signed_in(world.volunteer)
    other_person = _signed_in(world.coordinator)
    user = _fresh(world.volunteer)
    services.user_password_change(user=user, password=NEW_PASSWORD, actor=user)
    assert _fresh(world.volunteer).check_password(NEW_PASSWORD)
    assert _events(AuditEvent.PASSWORD_CHANGED, world.volunteer).get().actor == world.volunteer
    assert _events(AuditEvent.SESSIONS_ENDED, world.volunteer).exists()
    assert elsewhere.get(reverse("volunteers:home"))["Location"].startswith(reverse("login"))
    assert _still_signed_in(other_person)


def test_nobody_sets_another_persons_password_and_weak_ones_are_refused(world: Any) -> None:
    with pytest.raises(ActionNotAllowed, match="only change your own password"):
        services.user_password_change(user=world.volunteer, password=NEW_PASSWORD, actor=world.administrator)
    user = _fresh(world.volunteer)
    with pytest.raises(ActionNotAllowed, match="too short"):
        services.user_password_change(user=user, password="short", actor=user)
    assert _fresh(world.volunteer).check_password(PASSWORD)
    assert not _events(AuditEvent.PASSWORD_CHANGED).exists()


def test_the_change_password_page_keeps_this_session_and_ends_the_others(world: Any) -> None:
    here, elsewhere = _signed_in(world.volunteer), _signed_in(world.volunteer)
    page = here.get(reverse("password_change"))
    assert "Change your password" in page.content.decode()
    response = here.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == reverse("password_change_done")
    done = here.get(response["Location"]).content.decode()
    assert "Your password is changed" in done and "You are still signed in here" in done
    assert here.get(reverse("volunteers:home")).status_code == 200
    assert elsewhere.get(reverse("volunteers:home"))["Location"].startswith(reverse("login"))
    assert _fresh(world.volunteer).check_password(NEW_PASSWORD)


def test_the_change_password_page_says_what_is_wrong_and_changes_nothing(world: Any) -> None:
    client = _signed_in(world.volunteer)
    wrong = client.post(
        reverse("password_change"),
        {"old_password": "not my password", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    ).content.decode()
    assert "There is a problem" in wrong and "Your current password is not right" in wrong
    mismatch = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"},
    ).content.decode()
    assert "The two new passwords are not the same" in mismatch
    assert 'href="#id_new_password2"' in mismatch  # the summary links to the box
    assert _fresh(world.volunteer).check_password(PASSWORD)


def test_the_change_password_page_is_only_for_the_signed_in_person(client: Any, world: Any) -> None:
    anonymous = client.get(reverse("password_change"))
    assert anonymous["Location"].startswith(reverse("login"))
    # The page changes the password of whoever is signed in, whatever else is posted.
    client.force_login(world.coordinator)
    client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
            "user": world.volunteer.pk,
            "username": "volunteer",
        },
    )
    assert _fresh(world.coordinator).check_password(NEW_PASSWORD)
    assert _fresh(world.volunteer).check_password(PASSWORD)


def test_the_header_links_to_change_your_password(world: Any) -> None:
    html = _signed_in(world.volunteer).get(reverse("volunteers:home")).content.decode()
    assert f'href="{reverse("password_change")}"' in html and "Change your password" in html


# Resetting a forgotten password by email --------------------------------------------------------------------------


def _ask_for_link(client: Any, email: str, address: str = "10.0.0.1") -> Any:
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def _link_in(message: Any) -> str:
    match = re.search(r"https?://[^/\s]+(/password/reset/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_the_reset_answer_is_the_same_whether_or_not_the_account_exists(client: Any, world: Any) -> None:
    known = _ask_for_link(client, "VOLUNTEER@example.invalid")
    unknown = _ask_for_link(client, "nobody@example.invalid")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert client.get(known["Location"]).content == client.get(unknown["Location"]).content
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["volunteer@example.invalid"]
    requested = _events(AuditEvent.PASSWORD_RESET_REQUESTED)
    assert requested.filter(object_id=world.volunteer.pk).count() == 1
    assert requested.filter(object_id__isnull=True).get().object_repr == "an email address with no account"
    assert "nobody@example.invalid" not in str(list(AuditEntry.objects.values()))
    assert "nobody" not in str(list(RateLimit.objects.values()))  # keyed hashes, not addresses


def test_the_reset_email_holds_a_link_and_names_no_family(client: Any, world: Any) -> None:
    _ask_for_link(client, world.volunteer.email)
    message = mail.outbox[0]
    assert message.subject == "Reset your Home-Start password"
    assert _link_in(message).startswith("/password/reset/")
    assert "volunteer" in message.body and world.scheme.name in message.body
    for family in (world.family, world.other_family):
        assert family.family_name not in message.body and family.reference not in message.body
    assert "authenticator app" in message.body


def test_no_link_for_a_deactivated_account(client: Any, world: Any) -> None:
    services.user_deactivate(user=world.other_volunteer, actor=world.administrator)
    assert _ask_for_link(client, world.other_volunteer.email)["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_reset_requests_are_limited_per_email_address(client: Any, world: Any) -> None:
    for n in range(5):
        assert _ask_for_link(client, "volunteer@example.invalid", address=f"10.0.1.{n}").status_code == 302
    refused = _ask_for_link(client, "Volunteer@Example.invalid ", address="10.0.1.99")
    assert refused.status_code == 429
    assert "too many reset links" in refused.content.decode() and "There is a problem" in refused.content.decode()
    assert len(mail.outbox) == 5
    # The same for an address with no account: the limit says nothing about who has one.
    for n in range(5):
        assert _ask_for_link(client, "nobody@example.invalid", address=f"10.0.2.{n}").status_code == 302
    assert _ask_for_link(client, "nobody@example.invalid", address="10.0.2.99").status_code == 429


def test_reset_requests_are_limited_per_client_address_and_the_limit_lifts_after_an_hour(
    client: Any, world: Any
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for n in range(5):
            assert _ask_for_link(client, f"someone{n}@example.invalid", address="10.0.3.1").status_code == 302
        assert _ask_for_link(client, "volunteer@example.invalid", address="10.0.3.1").status_code == 429
        assert mail.outbox == []  # the refused request counted nothing and sent nothing
        assert _ask_for_link(client, "volunteer@example.invalid", address="10.0.3.2").status_code == 302
        clock.shift(datetime.timedelta(minutes=61))
        assert _ask_for_link(client, "volunteer@example.invalid", address="10.0.3.1").status_code == 302
    assert len(mail.outbox) == 2


def test_the_count_is_kept_in_the_database(world: Any) -> None:
    sent: list[Any] = []
    for _ in range(5):
        services.password_reset_request(email="a@example.invalid", client_address="10.0.4.1", send_links=sent.append)
    assert RateLimit.objects.filter(count=5).count() == 2  # one for the email address, one for the client address
    with pytest.raises(ActionNotAllowed, match="too many reset links"):
        services.password_reset_request(email="A@example.invalid", client_address="10.0.4.2", send_links=sent.append)
    assert len(sent) == 5


def _reset_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)])


def _reset_with(client: Any, link: str, password: str = NEW_PASSWORD) -> Any:
    form_page = client.get(link)
    assert form_page.status_code == 302, "a good link opens the new-password page"
    return client.post(form_page["Location"], {"new_password1": password, "new_password2": password})


def test_a_reset_link_works_once_and_ends_every_session(client: Any, world: Any) -> None:
    elsewhere = _signed_in(world.volunteer)
    link = _reset_link(_fresh(world.volunteer))
    done = _reset_with(client, link)
    assert done["Location"] == reverse("password_reset_complete")
    assert "Your password is reset" in client.get(done["Location"]).content.decode()
    assert _fresh(world.volunteer).check_password(NEW_PASSWORD)
    assert elsewhere.get(reverse("volunteers:home"))["Location"].startswith(reverse("login"))
    assert _events(AuditEvent.PASSWORD_RESET, world.volunteer).get().actor == world.volunteer
    assert _events(AuditEvent.SESSIONS_ENDED, world.volunteer).exists()
    # Used once: the same link now fails, on any device.
    again = VerifiedClient().get(link, follow=True).content.decode()
    assert "This link does not work" in again


def test_an_old_reset_link_fails(client: Any, world: Any) -> None:
    link = _reset_link(_fresh(world.volunteer))
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
        assert "This link does not work" in client.get(link, follow=True).content.decode()
    assert _fresh(world.volunteer).check_password(PASSWORD)


def test_a_reset_signs_nobody_in_and_the_second_factor_is_still_asked(client: Any, world: Any) -> None:
    _reset_with(client, _reset_link(_fresh(world.volunteer)))
    assert "_auth_user_id" not in client.session
    signed_in = client.post(reverse("login"), {"username": "volunteer", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    assert client.get(reverse("volunteers:home"))["Location"].startswith(reverse("two_factor:verify"))


def test_a_deactivated_account_cannot_use_a_link_it_was_sent_before(client: Any, world: Any) -> None:
    link = _reset_link(_fresh(world.other_volunteer))
    services.user_deactivate(user=world.other_volunteer, actor=world.administrator)
    form_page = client.get(link)
    refused = client.post(form_page["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert refused.status_code == 200 and "This account is deactivated" in refused.content.decode()
    assert _fresh(world.other_volunteer).check_password(PASSWORD)


def test_the_reset_pages_open_to_a_password_only_session(world: Any) -> None:
    client = VerifiedClient()
    client.force_login_password_only(world.volunteer)
    assert client.get(reverse("password_reset")).status_code == 200
    assert client.get(reverse("password_reset_done")).status_code == 200
    assert client.get(reverse("password_change"))["Location"].startswith(reverse("two_factor:verify"))


def test_the_sign_in_page_offers_a_reset_by_email(client: Any, world: Any) -> None:
    html = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in html


# The administrator's pages --------------------------------------------------------------------------------------


def _edit_form(user: User, **changes: Any) -> dict[str, Any]:
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        **changes,
    }
    if user.is_safeguarding_lead:
        data.setdefault("is_safeguarding_lead", "on")
    return data


@pytest.mark.parametrize("route", ["accounts:edit", "accounts:reactivate"])
def test_account_pages_are_the_administrators_only(client: Any, world: Any, route: str) -> None:
    url = reverse(route, args=[world.other_volunteer.pk])
    assert client.get(url)["Location"].startswith(reverse("login"))
    for person in (
        world.coordinator,
        world.dsl,
        world.volunteer,
        make_user(world.other_scheme, "oa", Role.ADMINISTRATOR),
    ):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.post(url, _edit_form(world.other_volunteer, first_name="Hacked")).status_code == 404
    assert _fresh(world.other_volunteer).first_name == "Othervolunteer"


def test_the_administrator_changes_an_account_on_its_page(client: Any, world: Any) -> None:
    client.force_login(world.administrator)
    url = reverse("accounts:edit", args=[world.other_volunteer.pk])
    page = client.get(url).content.decode()
    assert 'value="Othervolunteer"' in page
    response = client.post(url, _edit_form(world.other_volunteer, last_name="Okonkwo", role=Role.COORDINATOR))
    assert response["Location"] == reverse("accounts:list")
    assert "account is changed" in client.get(reverse("accounts:list")).content.decode()
    changed = _fresh(world.other_volunteer)
    assert (changed.last_name, changed.role) == ("Okonkwo", Role.COORDINATOR)


def test_a_refused_change_says_why_and_keeps_what_was_typed(client: Any, world: Any) -> None:
    client.force_login(world.administrator)
    response = client.post(
        reverse("accounts:edit", args=[world.coordinator.pk]),
        _edit_form(world.coordinator, first_name="Corrected", role=Role.VOLUNTEER),
    )
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html and "still leads 1 family" in html
    assert 'value="Corrected"' in html
    assert _fresh(world.coordinator).first_name == "Coordinator"


def test_the_account_list_offers_change_and_reactivate(client: Any, world: Any) -> None:
    services.user_deactivate(user=world.other_volunteer, actor=world.administrator)
    client.force_login(world.administrator)
    html = client.get(reverse("accounts:list")).content.decode()
    assert reverse("accounts:edit", args=[world.volunteer.pk]) in html
    assert reverse("accounts:reactivate", args=[world.other_volunteer.pk]) in html
    assert reverse("accounts:reactivate", args=[world.volunteer.pk]) not in html
    page = client.get(reverse("accounts:reactivate", args=[world.other_volunteer.pk])).content.decode()
    assert "can sign in again" in page
    response = client.post(reverse("accounts:reactivate", args=[world.other_volunteer.pk]))
    assert response["Location"] == reverse("accounts:list")
    assert _fresh(world.other_volunteer).is_active
    again = client.post(reverse("accounts:reactivate", args=[world.other_volunteer.pk]))
    assert again.status_code == 200 and "already active" in again.content.decode()

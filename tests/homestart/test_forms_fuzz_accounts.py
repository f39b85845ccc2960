"""SECURITY 27 for the password and account forms of issue 11, driven by Hypothesis.

The same rules as tests/homestart/test_forms_fuzz.py, with its strategies and checks: whatever arrives, the answer
is a page or a redirect (or, for the reset request over its limit, 429), never a 500; a refused form leaves every
domain record exactly as it was just before that example's POST (a refused reset request counts nothing towards
the limit); posted markup is shown escaped. Forms whose success changes what they act on (a password, a deactivated
account, a coordinator's families) are put back through the services before each example.
"""

from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import example, given
from hypothesis import strategies as st

from families import services as family_services
from families.models import Family
from homestart import services
from homestart.models import Role, User
from tests.conftest import PASSWORD, VerifiedClient, make_family, make_user
from tests.homestart.test_forms_fuzz import (
    EXPECT,
    FUZZ,
    Ref,
    email_like,
    follow,
    form_data,
    fresh_address,
    name_like,
    no_fields,
    pk_refs,
    submit,
)

NEW = "lantern orchard kettle harbour"
WEAK = ["short", "password1234", "123456789012", "othervolunteer", "a" * 201, "", " " * 12]


def new_passwords(**first: Any) -> st.SearchStrategy[dict[str, Any]]:
    """Both new-password boxes, the same (valid) password in each."""
    return st.sampled_from([NEW, "four unrelated words here", "\u00e9t\u00e9 \u00e0 la plage 2024"]).map(
        lambda password: {**first, "new_password1": password, "new_password2": password}
    )


NEAR_PASSWORDS = {"new_password1": WEAK, "new_password2": [*WEAK, NEW + "x"]}


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


# ---------------------------------------------------------------------------------------------------------------
# Your own password
# ---------------------------------------------------------------------------------------------------------------


@FUZZ
@given(
    data=form_data(
        new_passwords(old_password=PASSWORD),
        near={**NEAR_PASSWORDS, "old_password": ["wrong password", PASSWORD.upper(), PASSWORD + " ", ""]},
    )
)
@example(data={"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW, EXPECT: "accepted"})
@example(data={"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW + "x", EXPECT: "refused"})
@example(data={"old_password": "<script>alert(1)</script>", "new_password1": "\x00" * 20, "new_password2": "\x00"})
def test_password_change(world: Any, data: dict[str, Any]) -> None:
    user = _fresh(world.volunteer)
    if not user.check_password(PASSWORD):  # changed by an earlier example: back again
        services.user_password_change(user=user, password=PASSWORD, actor=user)
    client = VerifiedClient()
    client.force_login(user)
    response = submit(client, reverse("password_change"), data)
    follow(client, response)
    if response.status_code == 302:
        assert client.get(reverse("volunteers:home")).status_code == 200, "the changing session stays signed in"


# ---------------------------------------------------------------------------------------------------------------
# Resetting a forgotten password by email
# ---------------------------------------------------------------------------------------------------------------


@FUZZ
@given(
    data=form_data(
        st.fixed_dictionaries(
            {
                "email": st.one_of(
                    st.sampled_from(["volunteer@example.invalid", "VOLUNTEER@example.invalid", "x@example.org"]),
                    email_like,
                )
            }
        ),
        near={"email": ["not-an-email", "a@b", "@example.org", "volunteer@example.invalid\x00", "a" * 255]},
    )
)
@example(data={"email": "volunteer@example.invalid", EXPECT: "accepted"})
@example(data={"email": "<script>alert(1)</script>@example.org", EXPECT: "refused"})
@example(data={"email": "\x00"})
def test_password_reset_request(world: Any, data: dict[str, Any]) -> None:
    before = len(mail.outbox)
    # 429: the limit for one email address, which later examples asking for the same one reach.
    client = VerifiedClient()
    response = submit(client, reverse("password_reset"), data, allowed=(200, 302, 429), REMOTE_ADDR=fresh_address())
    follow(client, response)
    if response.status_code != 302:
        assert len(mail.outbox) == before, "a refused request sent an email"
    for message in mail.outbox[before:]:
        assert world.family.family_name not in message.body and world.family.reference not in message.body


@FUZZ
@given(data=form_data(new_passwords(), near=NEAR_PASSWORDS))
@example(data={"new_password1": NEW, "new_password2": NEW, EXPECT: "accepted"})
@example(data={"new_password1": "othervolunteer tester", "new_password2": "othervolunteer tester", EXPECT: "refused"})
@example(data={"new_password1": "<img src=x onerror=alert(1)>" * 3, "new_password2": "</textarea><script>alert(1)"})
def test_password_reset_confirm(world: Any, data: dict[str, Any]) -> None:
    user = _fresh(world.other_volunteer)  # a new link for the password they have now
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    client = VerifiedClient()
    opened = client.get(reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)]))
    assert opened.status_code == 302
    response = submit(client, opened["Location"], data)
    follow(client, response)
    if response.status_code == 302:
        assert _fresh(world.other_volunteer).check_password(data["new_password1"])


# ---------------------------------------------------------------------------------------------------------------
# The administrator's account pages
# ---------------------------------------------------------------------------------------------------------------


@FUZZ
@given(
    target=st.sampled_from(["other_volunteer", "volunteer", "coordinator", "dsl", "administrator"]),
    data=form_data(
        st.fixed_dictionaries(
            {
                "first_name": name_like,
                "last_name": name_like,
                "email": email_like,
                "role": st.sampled_from(["coordinator", "volunteer", "administrator"]),
                "is_safeguarding_lead": st.sampled_from(["", "on"]),
            }
        ),
        near={
            "role": ["superuser", "Coordinator", ""],
            "is_safeguarding_lead": ["true", "\x00"],
            "email": ["not-an-email", "a@b", "@example.org"],
            "first_name": ["", " ", "x" * 151],
        },
    ),
)
@example(
    target="other_volunteer",
    data={
        "first_name": "<script>alert(1)</script>",
        "last_name": "O'Brien",
        "email": "new.address@example.org",
        "role": "volunteer",
        EXPECT: "accepted",
    },
)
@example(
    target="volunteer",  # still has a family: the role cannot change
    data={
        "first_name": "Alex",
        "last_name": "Tester",
        "email": "a@example.org",
        "role": "coordinator",
        EXPECT: "refused",
    },
)
@example(
    target="coordinator",  # leads a family
    data={"first_name": "C", "last_name": "T", "email": "c@example.org", "role": "administrator", EXPECT: "refused"},
)
@example(
    target="other_volunteer",
    data={
        "first_name": "V",
        "last_name": "T",
        "email": "v@example.org",
        "role": "volunteer",
        "is_safeguarding_lead": "on",
        EXPECT: "refused",
    },
)
def test_account_edit(client: Any, world: Any, target: str, data: dict[str, Any]) -> None:
    client.force_login(world.administrator)
    response = submit(client, reverse("accounts:edit", args=[world.role(target).pk]), data)
    follow(client, response)


@FUZZ
@given(target=st.sampled_from(["other_volunteer", "dsl", "administrator"]), data=no_fields)
@example(target="other_volunteer", data={"confirm": "<script>alert(1)</script>", "is_active": "false"})
def test_account_reactivate(client: Any, world: Any, target: str, data: dict[str, Any]) -> None:
    person = _fresh(world.role(target))
    if person.is_active and person.pk != world.administrator.pk:
        services.user_deactivate(user=person, actor=world.administrator)
    client.force_login(world.administrator)
    expected = "refused" if target == "administrator" else "accepted"  # already active: refused, nothing changes
    response = submit(client, reverse("accounts:reactivate", args=[person.pk]), {**data, EXPECT: expected})
    follow(client, response)


@FUZZ
@given(
    data=form_data(
        st.one_of(
            st.fixed_dictionaries(
                {"handover": st.just("all"), "coordinator": st.sampled_from([Ref("dsl"), Ref("colleague")])}
            ),
            st.fixed_dictionaries(
                {
                    "handover": st.just("each"),
                    "family_a": st.sampled_from([Ref("dsl"), Ref("colleague")]),
                    "family_b": st.sampled_from([Ref("dsl"), Ref("colleague")]),
                }
            ),
        ),
        near={
            "handover": ["both", "", "ALL"],
            "coordinator": [Ref("coordinator"), Ref("volunteer"), Ref("other_coordinator"), "0", "-1", "1.5"],
            "family_a": [Ref("coordinator"), Ref("volunteer"), Ref("other_coordinator"), "99999999999999999999"],
            "family_b": [Ref("coordinator"), Ref("administrator"), ""],
        },
    )
)
@example(data={"handover": "all", "coordinator": Ref("colleague"), EXPECT: "accepted"})
@example(data={"handover": "each", "family_a": Ref("dsl"), "family_b": Ref("colleague"), EXPECT: "accepted"})
@example(data={"handover": "each", "family_a": Ref("dsl"), EXPECT: "refused"})
@example(data={"handover": "all", "coordinator": Ref("coordinator"), EXPECT: "refused"})
@example(data={"handover": "all", "coordinator": Ref("other_coordinator"), EXPECT: "refused"})
def test_account_deactivate_with_handover(client: Any, world: Any, data: dict[str, Any]) -> None:
    """The leaving coordinator leads two families; after an accepted example they are put back as they were."""
    colleague = User.objects.filter(username="colleague").first() or make_user(
        world.scheme, "colleague", Role.COORDINATOR
    )
    second = Family.objects.filter(family_name="Nowak").first() or make_family(
        world.coordinator, "Nowak", postcode="PO4 8AA"
    )
    leaving = _fresh(world.coordinator)
    if not leaving.is_active:
        services.user_reactivate(user=leaving, actor=world.administrator)
    for family in (world.family, second):
        family = Family.objects.get(pk=family.pk)
        if family.lead_coordinator_id != leaving.pk:
            family_services.family_change_coordinator(family=family, coordinator=leaving, actor=world.dsl)
    # The form names its boxes after the families: family_a and family_b stand for them here.
    posted = {
        (
            f"family_{world.family.pk}" if key == "family_a" else f"family_{second.pk}" if key == "family_b" else key
        ): value
        for key, value in data.items()
    }
    refs = pk_refs(
        dsl=world.dsl,
        colleague=colleague,
        coordinator=world.coordinator,
        volunteer=world.volunteer,
        other_coordinator=world.other_coordinator,
        administrator=world.administrator,
    )
    client.force_login(world.administrator)
    response = submit(client, reverse("accounts:deactivate", args=[leaving.pk]), posted, refs)
    follow(client, response)
    if response.status_code == 302:
        assert not _fresh(world.coordinator).is_active
        assert not Family.objects.filter(lead_coordinator=world.coordinator).exists()

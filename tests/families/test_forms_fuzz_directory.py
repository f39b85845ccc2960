"""SECURITY 27 for the agency directory's forms and the scheme settings, driven by Hypothesis.

The same rules as tests/homestart/test_forms_fuzz.py, with its strategies and checks: whatever arrives, the answer
is a page or a redirect, never a 500; a refused form leaves every domain record exactly as it was just before that
example's POST; posted markup is shown escaped. The retire forms get a fresh entry before each example, so later
examples still reach a form that can accept.
"""

import itertools
from typing import Any

from django.urls import reverse
from django.utils.html import escape
from hypothesis import example, given
from hypothesis import strategies as st

from families import services as family_services
from families.models import Agency, AgencyKind, Professional
from tests.homestart.test_forms_fuzz import (
    EXPECT,
    FUZZ,
    assert_no_raw_markup,
    email_like,
    follow,
    form_data,
    junk,
    name_like,
    no_fields,
    prose,
    submit,
)

KINDS = ["health_visiting", "gp", "social_care", "school", "other"]
_fresh = itertools.count(1)


def _helen(world: Any) -> Professional:
    return Professional.objects.get(agency__scheme=world.scheme, name__startswith="Helen")


def _fresh_professional(world: Any) -> Professional:
    """A new, active professional at a new agency, so a retire form always has something to retire."""
    n = next(_fresh)
    return family_services.professional_add(
        scheme=world.scheme,
        agency_name=f"Fuzz Agency {n}",
        agency_kind=AgencyKind.OTHER,
        name=f"Fuzz Person {n}",
        role="Worker",
        actor=world.coordinator,
    )


phone_like = st.one_of(st.sampled_from(["", "023 9200 0000", "+44 7700 900108"]), name_like)


@FUZZ
@given(
    data=form_data(
        st.fixed_dictionaries(
            {
                "name": name_like,
                "role": st.one_of(st.sampled_from(["Health visitor", "GP"]), name_like),
                "agency_name": st.one_of(
                    st.sampled_from(["North Health Visiting Team", "St Mary's Surgery"]), name_like
                ),
                "agency_kind": st.sampled_from(KINDS),
                "email": st.one_of(st.just(""), email_like),
                "phone": st.sampled_from(["", "023 9200 0000"]),
            }
        ),
        near={"agency_kind": ["nhs", "GP", ""], "email": ["not-an-email", "a@b"], "phone": ["1" * 41]},
    )
)
@example(
    data={
        "name": "<script>alert(1)</script>",
        "role": "GP",
        "agency_name": "St Mary's Surgery",
        "agency_kind": "gp",
        "email": "",
        "phone": "",
        EXPECT: "accepted",
    }
)
def test_professional_new_by_an_administrator(client: Any, world: Any, data: dict[str, Any]) -> None:
    client.force_login(world.administrator)
    response = submit(client, reverse("families:professional_new"), data)
    follow(client, response)


agency_form = form_data(
    st.fixed_dictionaries(
        {
            "name": st.one_of(st.sampled_from(["North Health Visiting Team", "North HV Team"]), name_like),
            "kind": st.sampled_from(KINDS),
            "email": st.one_of(st.just(""), email_like),
            "phone": phone_like,
            "address": st.one_of(st.just(""), prose),
        }
    ),
    near={
        "name": ["", " ", "Lake Road GP Practice", "x" * 201],
        "kind": ["nhs", "", "GP"],
        "email": ["not-an-email", "a@b"],
        "phone": ["1" * 41],
        "address": ["x" * 501],
    },
)


@FUZZ
@given(data=agency_form)
@example(
    data={
        "name": "North HV Team",
        "kind": "health_visiting",
        "email": "",
        "phone": "",
        "address": "",
        EXPECT: "accepted",
    }
)
@example(data={"name": "Lake Road GP Practice", "kind": "gp", EXPECT: "refused"})  # the name of another agency
@example(data={"name": '"><svg onload=alert(1)>', "kind": "gp", "address": "<script>alert(1)</script>"})
def test_agency_edit(client: Any, world: Any, data: dict[str, Any]) -> None:
    if not Agency.objects.filter(scheme=world.scheme, name="Lake Road GP Practice").exists():
        family_services.professional_add(
            scheme=world.scheme,
            agency_name="Lake Road GP Practice",
            agency_kind=AgencyKind.GP,
            name="Dr Amir Khan",
            role="GP",
            actor=world.coordinator,
        )
    client.force_login(world.coordinator)
    response = submit(client, reverse("families:agency_edit", args=[_helen(world).agency_id]), data)
    follow(client, response)


@FUZZ
@given(
    data=form_data(
        st.fixed_dictionaries(
            {
                "name": st.one_of(st.just("Helen Price"), name_like),
                "role": st.one_of(st.just("Health visitor"), name_like),
                "agency": st.sampled_from(["own", "other_active"]),  # named here, made into primary keys below
                "email": st.one_of(st.just(""), email_like),
                "phone": phone_like,
            }
        ),
        near={
            "name": ["", "x" * 201],
            "agency": ["0", "-1", "99999999999999999999", "x", "retired", "theirs"],
            "email": ["not-an-email"],
            "phone": ["1" * 41],
        },
    )
)
@example(
    data={
        "name": "Helen Price",
        "role": "Health visitor",
        "agency": "own",
        "email": "",
        "phone": "",
        EXPECT: "accepted",
    }
)
@example(data={"name": "Helen Price", "role": "Health visitor", "agency": "retired", EXPECT: "refused"})
@example(data={"name": "Helen Price", "role": "Health visitor", "agency": "theirs", EXPECT: "refused"})
def test_professional_edit(client: Any, world: Any, data: dict[str, Any]) -> None:
    # Accepted examples rename her, so she is found by her primary key after the first.
    if not hasattr(world, "fuzz_helen_pk"):
        world.fuzz_helen_pk = _helen(world).pk
    helen = Professional.objects.get(pk=world.fuzz_helen_pk)
    if not hasattr(world, "fuzz_agencies"):
        retired = _fresh_professional(world).agency
        family_services.agency_retire(agency=retired, actor=world.coordinator)
        theirs = family_services.professional_add(
            scheme=world.other_scheme,
            agency_name="Far Team",
            agency_kind=AgencyKind.GP,
            name="Dr Far",
            role="GP",
            actor=world.other_coordinator,
        ).agency
        world.fuzz_agencies = {
            "other_active": _fresh_professional(world).agency,
            "retired": retired,
            "theirs": theirs,
        }
    agencies = {"own": Agency.objects.get(pk=helen.agency_id), **world.fuzz_agencies}

    if data.get("agency") in agencies:
        data = {**data, "agency": str(agencies[data["agency"]].pk)}
    client.force_login(world.administrator)
    response = submit(client, reverse("families:professional_edit", args=[helen.pk]), data)
    follow(client, response)


@FUZZ
@given(data=no_fields, which=st.sampled_from(["professional", "agency"]))
@example(data={}, which="professional")
@example(data={"confirm": "<script>alert(1)</script>", "retired_on": "2020-01-01"}, which="agency")
def test_retire_forms(client: Any, world: Any, data: dict[str, Any], which: str) -> None:
    fresh = _fresh_professional(world)
    client.force_login(world.coordinator)
    route, pk = (
        ("families:professional_retire", fresh.pk)
        if which == "professional"
        else ("families:agency_retire", fresh.agency_id)
    )
    response = submit(client, reverse(route, args=[pk]), {**data, EXPECT: "accepted"})
    follow(client, response)
    # Retired a second time: refused on the page, and nothing changes.
    submit(client, reverse(route, args=[pk]), {**data, EXPECT: "refused"})


scheme_form = form_data(
    st.fixed_dictionaries(
        {
            "name": st.one_of(st.sampled_from(["Home-Start PMH", "Home-Start Portsmouth"]), name_like),
            "address": st.one_of(st.just("1 PMH Street\nTown\nPO1 1AA"), prose),
            "phone": phone_like,
            "email": st.one_of(st.just(""), email_like),
            "charity_number": st.sampled_from(["", "1012345", "SC012345", "NIC 100001"]),
            "supervision_interval_days": st.one_of(st.sampled_from(["56", "7", "365"]), st.integers(7, 365).map(str)),
        }
    ),
    near={
        "name": ["", " ", "Home-Start WIN", "home-start win", "x" * 201],
        "address": ["", "x" * 501],
        "email": ["not-an-email"],
        "charity_number": ["12/34", "x" * 21, "<b>1</b>"],
        "supervision_interval_days": ["6", "366", "0", "-1", "8 weeks", "1e3", "99999999999999999999"],
    },
)


@FUZZ
@given(data=scheme_form)
@example(
    data={
        "name": "Home-Start Portsmouth",
        "address": "1 PMH Street\nTown\nPO1 1AA",
        "phone": "",
        "email": "",
        "charity_number": "1012345",
        "supervision_interval_days": "42",
        EXPECT: "accepted",
    }
)
@example(
    data={
        "name": "Home-Start WIN",
        "address": "1 PMH Street",
        "charity_number": "",
        "supervision_interval_days": "56",
        EXPECT: "refused",
    }
)
@example(
    data={
        "name": "<script>alert(1)</script>",
        "address": "<img src=x onerror=alert(1)>",
        "charity_number": "",
        "supervision_interval_days": "56",
        EXPECT: "accepted",
    }
)
def test_scheme_settings(client: Any, world: Any, data: dict[str, Any]) -> None:
    client.force_login(world.administrator)
    response = submit(client, reverse("scheme_settings"), data)
    pages = follow(client, response)
    if pages and data.get(EXPECT) == "accepted":
        assert escape(data["name"]) in pages[0]


@FUZZ
@given(q=st.one_of(junk, name_like), page=st.one_of(st.just(""), junk))
@example(q="<script>alert(1)</script>", page="2")
def test_directory_search_never_fails(client: Any, world: Any, q: str, page: str) -> None:
    client.force_login(world.coordinator)
    response = client.get(reverse("families:directory"), {"q": q, "page": page})
    assert response.status_code == 200
    assert_no_raw_markup(response.content.decode(), "GET the directory")

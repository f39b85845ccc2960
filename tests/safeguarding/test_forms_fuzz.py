"""SECURITY 27 for the safeguarding pages: the concern and step forms driven by Hypothesis, like
tests/homestart/test_forms_fuzz.py. Whatever arrives, a page or a redirect, never a 500; a refused form stores
nothing; posted markup is shown escaped. Each example of a step gets a fresh concern in the state that step needs,
so examples keep reaching the form rather than its "cannot be recorded now" page.
"""

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from families.models import AgencyKind, MemberKind
from families.services import professional_add
from safeguarding.models import Concern, Decision
from tests.homestart.test_forms_fuzz import (
    EXPECT,
    FUZZ,
    Ref,
    follow,
    form_data,
    junk,
    past_date,
    prose,
    recent_date,
    submit,
)
from tests.safeguarding.conftest import decide, discuss, raise_concern, review

times = st.sampled_from(["", "14:30", "00:00", "23:59", "9:05"])
child_lists = st.just([Ref("child")])
concern_form = form_data(
    st.fixed_dictionaries(
        {
            "children": child_lists,
            "category": st.sampled_from(["neglect", "physical", "emotional", "sexual", "domestic_abuse", "other"]),
            "account": prose,
            "observed_on": past_date,
            "observed_time": times,
        }
    ),
    near={
        "children": [[Ref("their_child")], [Ref("adult")], ["0"], ["-1"], ["99999999999999999999"]],
        "category": ["Neglect", "abuse", ""],
        "observed_time": ["24:00", "12:60", "noon", "\x00"],
    },
)


def _refs(world: Any) -> dict[str, Callable[[], Any]]:
    return {
        "child": lambda: str(world.child.pk),
        "adult": lambda: str(world.family.members.get(kind=MemberKind.ADULT).pk),
        "their_child": lambda: str(world.other_family.members.get(kind=MemberKind.CHILD).pk),
        "mash": lambda: str(world.mash.pk),
        "theirs": lambda: str(_their_professional(world).pk),
        "dsl": lambda: str(world.dsl.pk),
        "colleague": lambda: str(world.colleague.pk),
    }


def _their_professional(world: Any) -> Any:
    return professional_add(
        scheme=world.other_scheme,
        agency_name="Winchester MASH",
        agency_kind=AgencyKind.CHILDRENS_SOCIAL_CARE,
        name="Jo Away",
        role="Social worker",
        actor=world.other_coordinator,
    )


def _post(client: Any, url: str, data: dict[str, Any], refs: dict[str, Callable[[], Any]]) -> Any:
    """Resolve Ref values inside lists too (multiple choices), then submit and follow as the shared fuzz does."""
    resolved = {
        key: [refs[item.name]() if isinstance(item, Ref) else item for item in value]
        if isinstance(value, list)
        else value
        for key, value in data.items()
    }
    response = submit(client, url, resolved, refs)
    follow(client, response)
    return response


@FUZZ
@given(data=st.fixed_dictionaries({"immediate_danger": st.one_of(st.sampled_from(["yes", "no", "", "Yes"]), junk)}))
def test_danger_question(client: Any, sg_world: Any, data: dict[str, Any]) -> None:
    client.force_login(sg_world.volunteer)
    submit(client, reverse("safeguarding:concern_start", args=[sg_world.family.pk]), data)


@FUZZ
@given(data=concern_form, danger=st.booleans())
@example(
    data={
        "children": [Ref("child")],
        "category": "neglect",
        "account": "Left alone.",
        "observed_on": Ref("today"),
        "observed_time": "",
        EXPECT: "accepted",
    },
    danger=True,
)
@example(
    data={
        "children": [Ref("their_child")],
        "category": "neglect",
        "account": "<script>alert(1)</script>",
        "observed_on": Ref("today"),
        EXPECT: "refused",
    },
    danger=False,
)
def test_raise_concern(client: Any, sg_world: Any, data: dict[str, Any], danger: bool) -> None:
    client.force_login(sg_world.volunteer)
    url = reverse("safeguarding:concern_new", args=[sg_world.family.pk]) + ("?danger=yes" if danger else "")
    _post(client, url, data, _refs(sg_world))


def _reviewed(world: Any, *, decision: str = "", discussed: bool = False) -> Concern:
    concern = raise_concern(world)
    review(world, concern)
    if decision:
        decide(world, concern, decision)
    if discussed:
        discuss(world, concern)
    return concern


STEPS: dict[str, tuple[Callable[[Any], Concern], st.SearchStrategy[dict[str, Any]]]] = {
    "review": (
        raise_concern,
        form_data(
            st.fixed_dictionaries({"notes": prose, "urgent": st.sampled_from(["", "on"]), "occurred_on": recent_date}),
            near={"urgent": ["yes", "2", "\x00"]},
        ),
    ),
    "discussion": (
        _reviewed,
        form_data(
            st.fixed_dictionaries(
                {"occurred_on": recent_date, "participants": prose, "what_was_said": prose, "family_response": prose}
            )
        ),
    ),
    "no_discussion": (_reviewed, form_data(st.fixed_dictionaries({"reason": prose, "occurred_on": recent_date}))),
    "decision": (
        _reviewed,
        form_data(
            st.fixed_dictionaries(
                {"decision": st.sampled_from(Decision.values), "reason": prose, "occurred_on": recent_date}
            ),
            near={"decision": ["Police", "referral", ""]},
        ),
    ),
    "referral": (
        lambda world: _reviewed(world, decision=Decision.SOCIAL_CARE, discussed=True),
        form_data(
            st.fixed_dictionaries(
                {
                    "recipient": st.just(Ref("mash")),
                    "reference_number": st.one_of(st.just(""), prose),
                    "what_was_shared": prose,
                    "categories": st.lists(st.sampled_from(["contact_details", "household"]), max_size=2, unique=True),
                    "method": st.sampled_from(["phone", "secure_email", "letter", "meeting"]),
                    "referred_on": recent_date,
                }
            ),
            near={
                "recipient": [Ref("theirs"), "0", "-1"],
                "categories": [["private_notes"], ["safeguarding_concern"], "household"],
            },
        ),
    ),
    "follow_up_new": (
        _reviewed,
        form_data(
            st.fixed_dictionaries(
                {"action": prose, "owner": st.just(Ref("dsl")), "due_on": st.sampled_from([Ref("today"), "2099-01-01"])}
            ),
            near={"owner": [Ref("colleague"), "0"], "due_on": [Ref("yesterday"), "2024-02-30"]},
        ),
    ),
    "close": (
        lambda world: _reviewed(world, decision=Decision.MONITOR, discussed=True),
        form_data(st.fixed_dictionaries({"outcome": prose, "occurred_on": recent_date})),
    ),
}


def _step_test(route: str) -> Callable[..., None]:
    make, strategy = STEPS[route]

    @FUZZ
    @given(data=strategy)
    def test(client: Any, sg_world: Any, data: dict[str, Any]) -> None:
        concern = make(sg_world)
        client.force_login(sg_world.dsl)
        _post(client, reverse(f"safeguarding:{route}", args=[concern.pk]), data, _refs(sg_world))

    test.__name__ = f"test_step_{route}"
    return test


test_step_review = _step_test("review")
test_step_discussion = _step_test("discussion")
test_step_no_discussion = _step_test("no_discussion")
test_step_decision = _step_test("decision")
test_step_referral = _step_test("referral")
test_step_follow_up_new = _step_test("follow_up_new")
test_step_close = _step_test("close")


@FUZZ
@given(data=form_data(st.fixed_dictionaries({"done_on": recent_date, "notes": st.one_of(st.just(""), prose)})))
def test_step_follow_up_done(client: Any, sg_world: Any, data: dict[str, Any]) -> None:
    from django.utils import timezone

    from safeguarding import services

    concern = _reviewed(sg_world)
    follow_up = services.follow_up_add(
        concern=concern, action="Ring the HV.", due_on=timezone.localdate(), owner=sg_world.dsl, actor=sg_world.dsl
    )
    client.force_login(sg_world.dsl)
    _post(client, reverse("safeguarding:follow_up_done", args=[concern.pk, follow_up.pk]), data, _refs(sg_world))

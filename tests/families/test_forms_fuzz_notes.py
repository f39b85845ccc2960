"""SECURITY.md 27 for the forms of notes over time: a note without a visit, a correction, the assignment page's
confirmation, and printing a copy of a support-agreed notice; driven by Hypothesis as in
tests/homestart/test_forms_fuzz.py. Never a 500; a refused form stores nothing; what was accepted shows escaped.
"""

from typing import Any

from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from families import services as family_services
from families.models import Assignment, CaseNote, Family
from tests.conftest import log_visit, make_family
from tests.families.policy_notes import support_agreed_letter
from tests.homestart.test_forms_fuzz import (
    EXPECT,
    FUZZ,
    Ref,
    domain_snapshot,
    follow,
    form_data,
    junk,
    no_fields,
    past_date,
    prose,
    submit,
    today,
    world_refs,
)

note_text = st.one_of(prose, st.just(""), st.just(" \n\t "))
note_form = form_data(
    st.fixed_dictionaries({"text": note_text}),
    near={"text": ["", " ", "\x00", "a\x00b", "x" * 10001, "<script>alert(1)</script>"]},
)


@FUZZ
@given(data=note_form)
@example(data={"text": "<script>alert(1)</script> Grace phoned.", EXPECT: "accepted"})
@example(data={"text": " \n ", EXPECT: "refused"})
@example(data={"text": "x" * 10001, EXPECT: "refused"})
@example(data={"text": "a\x00b", EXPECT: "refused"})
def test_note_new(client: Any, world: Any, data: dict[str, Any]) -> None:
    client.force_login(world.volunteer)
    response = submit(client, reverse("families:note_new", args=[world.family.pk]), data)
    pages = follow(client, response)
    if pages and data.get(EXPECT) == "accepted":
        assert "&lt;script&gt;alert(1)&lt;/script&gt; Grace phoned." in pages[0]


@FUZZ
@given(data=note_form)
@example(data={"text": "<img src=x onerror=alert(1)> I meant Tuesday.", EXPECT: "accepted"})
@example(data={"text": "", EXPECT: "refused"})
@example(data={"text": "\x00", EXPECT: "refused"})
def test_note_correct(client: Any, world: Any, data: dict[str, Any]) -> None:
    note = CaseNote.objects.filter(family=world.family, author=world.volunteer, corrects__isnull=True).first()
    if note is None:
        note = log_visit(world.family, world.volunteer, note="The note being corrected.").note
    client.force_login(world.volunteer)
    corrections = note.corrections.count()
    response = submit(client, reverse("families:note_correct", args=[world.family.pk, note.pk]), data)
    pages = follow(client, response)
    assert note.corrections.count() == corrections + (response.status_code == 302)
    if pages and data.get(EXPECT) == "accepted":
        assert "&lt;img src=x onerror=alert(1)&gt; I meant Tuesday." in pages[0]
        assert "The note being corrected." in pages[0]  # the original stays


@FUZZ
@given(
    data=form_data(
        st.fixed_dictionaries(
            {
                "volunteer": st.sampled_from([Ref("volunteer"), Ref("other_volunteer")]),
                "started_on": past_date,
                "confirmed_for": st.sampled_from([Ref("volunteer"), Ref("other_volunteer"), ""]),
            }
        ),
        near={
            "volunteer": [Ref("coordinator"), Ref("administrator"), "0", "-1", "99999999999999999999"],
            "started_on": ["2999-01-01", "2024-02-30", Ref("tomorrow")],
            "confirmed_for": ["0", "-1", "yes", "1.5", "99999999999999999999", Ref("coordinator")],
        },
    )
)
# The world's volunteer already has their one family: assigned only once the coordinator confirms.
@example(data={"volunteer": Ref("volunteer"), "started_on": Ref("today"), "confirmed_for": "", EXPECT: "refused"})
@example(
    data={
        "volunteer": Ref("volunteer"),
        "started_on": Ref("today"),
        "confirmed_for": Ref("volunteer"),
        EXPECT: "accepted",
    }
)
@example(
    data={
        "volunteer": Ref("volunteer"),
        "started_on": Ref("today"),
        "confirmed_for": Ref("other_volunteer"),
        EXPECT: "refused",
    }
)
@example(data={"volunteer": Ref("other_volunteer"), "started_on": Ref("yesterday"), EXPECT: "accepted"})
@example(data={"volunteer": Ref("volunteer"), "started_on": Ref("today"), "confirmed_for": "yes", EXPECT: "refused"})
def test_assignment_new_with_confirmation(client: Any, world: Any, data: dict[str, Any]) -> None:
    family = Family.objects.filter(scheme=world.scheme, family_name="Nowak").first()
    if family is None:
        family = make_family(world.coordinator, "Nowak")
    for assignment in Assignment.objects.filter(family=family, ended_on__isnull=True):
        family_services.assignment_end(assignment=assignment, ended_on=today, actor=world.coordinator)
    client.force_login(world.coordinator)
    response = submit(client, reverse("families:assignment_new", args=[family.pk]), data, world_refs(world))
    follow(client, response)


@FUZZ
@given(data=st.one_of(no_fields, st.fixed_dictionaries({"letter": junk, "family": junk, "actor": junk})))
@example(data={"confirm": "<script>alert(1)</script>"})
def test_support_agreed_reprint(client: Any, world: Any, data: dict[str, Any]) -> None:
    """No fields: whatever is posted, the answer is the copy (a PDF), and no domain record changes."""
    letter = support_agreed_letter(world)
    client.force_login(world.coordinator)
    before = domain_snapshot()
    response = client.post(reverse("consents:support_agreed_reprint", args=[letter.family_id, letter.pk]), data)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert domain_snapshot() == before

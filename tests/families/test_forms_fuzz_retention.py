"""SECURITY.md 27 for the retention forms: placing a hold on a family's records (its reason) and lifting it, driven
by Hypothesis as in tests/homestart/test_forms_fuzz.py. Never a 500; a refused form stores nothing; the reason
that was accepted shows escaped."""

from typing import Any

from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from families import retention, services
from families.models import RetentionHold
from tests.homestart.test_forms_fuzz import EXPECT, FUZZ, follow, form_data, junk, no_fields, prose, submit

reason_form = form_data(
    st.fixed_dictionaries({"reason": st.one_of(prose, st.just(""), st.just(" \n\t "))}),
    near={"reason": ["", " ", "\x00", "a\x00b", "x" * 2001, "<script>alert(1)</script>"]},
)


def _no_open_hold(world: Any) -> None:
    if retention.open_holds().filter(family=world.family).exists():
        services.retention_hold_lift(family=world.family, actor=world.coordinator)


@FUZZ
@given(data=reason_form)
@example(data={"reason": "<script>alert(1)</script> A solicitor's letter.", EXPECT: "accepted"})
@example(data={"reason": " \n ", EXPECT: "refused"})
@example(data={"reason": "x" * 2001, EXPECT: "refused"})
@example(data={"reason": "a\x00b", EXPECT: "refused"})
def test_retention_hold(client: Any, world: Any, data: dict[str, Any]) -> None:
    _no_open_hold(world)
    client.force_login(world.coordinator)
    holds = RetentionHold.objects.count()
    response = submit(client, reverse("families:retention_hold", args=[world.family.pk]) + "?from=due", data)
    pages = follow(client, response, reverse("families:detail", args=[world.family.pk]))
    assert RetentionHold.objects.count() == holds + (response.status_code == 302)
    if pages and data.get(EXPECT) == "accepted":
        assert "&lt;script&gt;alert(1)&lt;/script&gt; A solicitor&#x27;s letter." in pages[0]


@FUZZ
@given(data=st.one_of(no_fields, st.fixed_dictionaries({"family": junk, "lifted_by": junk, "reason": junk})))
def test_retention_hold_lift(client: Any, world: Any, data: dict[str, Any]) -> None:
    """No fields: whatever is posted, an open hold is lifted (302), and nothing else changes."""
    _no_open_hold(world)
    services.retention_hold_place(family=world.family, reason="A claim", actor=world.coordinator)
    client.force_login(world.dsl)
    response = submit(client, reverse("families:retention_hold_lift", args=[world.family.pk]), data)
    assert response.status_code == 302
    hold = RetentionHold.objects.order_by("-pk").first()
    assert hold.lifted_by == world.dsl and hold.reason == "A claim"

"""SECURITY 27 for the email reminders form (issue 14), driven by Hypothesis.

The same rules as tests/homestart/test_forms_fuzz.py, with its strategies and checks: whatever arrives, the answer
is a page or a redirect, never a 500; a refused form leaves every domain record as it was just before that
example's POST (no choice saved, no audit entry needed); and what is saved is always a choice the kind allows
(never "none" for a mandatory kind), for the person's own account only.
"""

from typing import Any

from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from homestart import reminders
from homestart.models import ReminderPreference, Role
from homestart.reminder_forms import field_name
from tests.conftest import VerifiedClient
from tests.homestart.test_forms_fuzz import EXPECT, FUZZ, follow, form_data, submit

# Every kind a coordinator's page offers, whichever apps registered them (the outcomes app's included).
COORDINATOR_FIELDS = [field_name(kind) for kind in reminders.KINDS.values() if Role.COORDINATOR in kind.roles]
FREQUENCIES = ["daily", "weekly", "none"]
NEAR = {field: ["Daily", " weekly", "never", "0", "none ", "monthly"] for field in COORDINATOR_FIELDS}
VALID = {field: "daily" for field in COORDINATOR_FIELDS}

choices = form_data(
    st.fixed_dictionaries({field: st.sampled_from(FREQUENCIES) for field in COORDINATOR_FIELDS}),
    near={**NEAR, "user": ["1", "2"], "kind": ["volunteers.own_dbs_renewal"]},
)


@FUZZ
@given(data=choices)
@example(data={**VALID, EXPECT: "accepted"})
@example(
    data={**VALID, "consents__requests_overdue": "none", "families__no_recent_visit": "weekly", EXPECT: "accepted"}
)
@example(data={**VALID, "safeguarding__follow_ups_overdue": "none", EXPECT: "refused"})
@example(data={**VALID, "volunteers__dbs_renewals": "none", EXPECT: "refused"})
@example(data={**VALID, "volunteers__own_dbs_renewal": "none", "user": "1", EXPECT: "accepted"})
@example(data={"families__no_recent_visit": "<script>alert(1)</script>", "safeguarding__follow_ups_overdue": "\x00"})
def test_reminder_preferences(world: Any, data: dict[str, Any]) -> None:
    client = VerifiedClient()
    client.force_login(world.dsl)
    response = submit(client, reverse("reminder_preferences"), data)
    follow(client, response)
    # Whatever was posted, every stored choice is the DSL's own, for a kind of their role, and one it allows.
    kinds = {kind.name: kind for kind in reminders.kinds_for(world.dsl)}
    for row in ReminderPreference.objects.all():
        assert row.user_id == world.dsl.pk
        assert row.kind in kinds
        assert row.frequency in dict(reminders.frequencies(kinds[row.kind]))

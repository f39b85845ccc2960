"""Safeguarding pages: raising on a phone in two steps, the visibility rules, the steps in order, the chronology."""

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from consents.models import Disclosure
from homestart.models import AuditEntry
from safeguarding.audit import SafeguardingAuditEvent
from safeguarding.models import Concern, ConcernStatus
from tests.consents.test_pdf import needs_pdftotext, pdf_text
from tests.safeguarding.conftest import ACCOUNT, decide, discuss, raise_concern, refer, review

pytestmark = pytest.mark.django_db
OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "letters"


def _raise_post(world: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "children": [str(world.child.pk)],
        "category": "physical",
        "account": ACCOUNT,
        "observed_on": timezone.localdate().isoformat(),
        "observed_time": "14:30",
    }
    data.update(overrides)
    return data


# Raising --------------------------------------------------------------------------------------------------------------


def test_p12_immediate_danger_shows_the_999_guidance_before_anything_else(client: Any, sg_world: Any) -> None:
    client.force_login(sg_world.volunteer)
    family_page = client.get(reverse("families:detail", args=[sg_world.family.pk])).content.decode()
    start = reverse("safeguarding:concern_start", args=[sg_world.family.pk])
    assert start in family_page and "Raise a safeguarding concern" in family_page

    first = client.get(start).content.decode()
    assert "Is a child in immediate danger?" in first and "What did you see" not in first
    response = client.post(start, {"immediate_danger": "yes"})
    assert response["Location"] == reverse("safeguarding:concern_emergency", args=[sg_world.family.pk])
    emergency = client.get(response["Location"]).content.decode()
    assert emergency.index("Call 999 now") < emergency.index("Record the concern")
    assert 'href="tel:999"' in emergency
    assert not Concern.objects.exists()  # nothing is recorded until the person has had the chance to call


def test_p12_a_volunteer_raises_an_urgent_concern_and_sees_only_its_receipt(
    client: Any, sg_world: Any, mailoutbox: list, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(sg_world.volunteer)
    url = reverse("safeguarding:concern_new", args=[sg_world.family.pk]) + "?danger=yes"
    assert "call 999" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, _raise_post(sg_world))
    concern = Concern.objects.get()
    assert response["Location"] == reverse("safeguarding:receipt", args=[concern.pk])
    assert concern.urgent and concern.immediate_danger and concern.raised_by == sg_world.volunteer
    assert concern.observed_time == datetime.time(14, 30)
    assert len(mailoutbox) == 1 and mailoutbox[0].subject.startswith("URGENT")

    receipt = client.get(response["Location"]).content.decode()
    assert "Concern received" in receipt and "Received: waiting for the safeguarding lead" in receipt
    assert ACCOUNT not in receipt  # the receipt does not repeat the account
    assert client.get(reverse("safeguarding:concern_detail", args=[concern.pk])).status_code == 404

    review(sg_world, concern)
    decide(sg_world, concern)
    receipt = client.get(response["Location"]).content.decode()
    assert "Being dealt with by the safeguarding lead" in receipt
    for deliberation in ("Spoke to the volunteer", "Referral to children", "Unexplained injury"):
        assert deliberation not in receipt
    family_page = client.get(reverse("families:detail", args=[sg_world.family.pk])).content.decode()
    assert "Concerns you raised" in family_page and "Unexplained injury" not in family_page


def test_a_non_urgent_concern_is_not_urgent(client: Any, sg_world: Any) -> None:
    client.force_login(sg_world.coordinator)
    response = client.post(reverse("safeguarding:concern_new", args=[sg_world.family.pk]), _raise_post(sg_world))
    assert response.status_code == 302
    assert not Concern.objects.get().urgent


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"children": []}, "Choose which children the concern is about"),
        ({"category": ""}, "Choose what kind of concern it is"),
        ({"category": "gossip"}, "Choose what kind of concern it is"),
        ({"account": "   "}, "Enter what you saw or heard"),
        ({"observed_on": ""}, "Enter the date it happened"),
        ({"observed_on": "2026-02-30"}, "must be a real date"),
        ({"observed_on": "2999-01-01"}, "The date cannot be in the future"),
        ({"observed_time": "25:99"}, "Enter the time as hours and minutes"),
        ({"children": ["999999"]}, "Choose children from the list"),
    ],
)
def test_bad_input_gets_a_message_and_records_nothing(
    client: Any, sg_world: Any, overrides: dict[str, Any], message: str
) -> None:
    client.force_login(sg_world.volunteer)
    response = client.post(
        reverse("safeguarding:concern_new", args=[sg_world.family.pk]), _raise_post(sg_world, **overrides)
    )
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert "There is a problem" in page
    assert not Concern.objects.exists()
    if overrides.get("account") is None:
        assert "Sentinel-Account-7Q" in page  # what the person typed is kept


def test_extra_fields_posted_by_a_volunteer_change_nothing(client: Any, sg_world: Any) -> None:
    """SECURITY 4: status, urgency, raiser, scheme or family posted by hand are ignored."""
    client.force_login(sg_world.volunteer)
    client.post(
        reverse("safeguarding:concern_new", args=[sg_world.family.pk]),
        _raise_post(
            sg_world,
            status="closed",
            urgent="on",
            immediate_danger="yes",
            raised_by=str(sg_world.dsl.pk),
            family=str(sg_world.other_family.pk),
            scheme=str(sg_world.other_scheme.pk),
            retain_until="2000-01-01",
        ),
    )
    concern = Concern.objects.get()
    assert (concern.status, concern.urgent, concern.raised_by, concern.family) == (
        ConcernStatus.RAISED,
        False,
        sg_world.volunteer,
        sg_world.family,
    )
    assert concern.retain_until.year > 2040


# Visibility -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reader", ["dsl", "coordinator"])
def test_p12_the_lead_and_the_family_coordinator_read_it_in_full_and_each_read_is_audited(
    client: Any, sg_world: Any, reader: str
) -> None:
    concern = raise_concern(sg_world)
    client.force_login(getattr(sg_world, reader))
    page = client.get(reverse("safeguarding:concern_detail", args=[concern.pk])).content.decode()
    assert ACCOUNT in page and sg_world.child.full_name in page
    assert "only the scheme's safeguarding leads and the family's coordinator can read this" in page
    entry = AuditEntry.objects.filter(event=SafeguardingAuditEvent.CONCERN_READ).latest("pk")
    assert (entry.actor, entry.object_pk, entry.action) == (
        getattr(sg_world, reader),
        str(concern.pk),
        AuditEntry.Action.ACCESS,
    )
    assert entry.remote_addr == "127.0.0.1"
    family_page = client.get(reverse("families:detail", args=[sg_world.family.pk])).content.decode()
    assert f"concern {concern.pk}" in family_page
    assert (
        AuditEntry.objects.filter(event=SafeguardingAuditEvent.CONCERN_READ).count() == 2
    )  # the family page listed it too


@pytest.mark.parametrize("who", ["colleague", "other_dsl", "other_coordinator", "other_volunteer", "administrator"])
def test_p12_nobody_else_sees_that_a_concern_exists(client: Any, sg_world: Any, who: str) -> None:
    concern = raise_concern(sg_world)
    review(sg_world, concern)
    decide(sg_world, concern)
    discuss(sg_world, concern)
    refer(sg_world, concern)
    client.force_login(getattr(sg_world, who))
    for route in ("concern_detail", "receipt", "review", "referral", "close"):
        assert client.get(reverse(f"safeguarding:{route}", args=[concern.pk])).status_code == 404
    for route in ("chronology",):
        assert client.get(reverse(f"safeguarding:{route}", args=[sg_world.family.pk])).status_code == 404
    pages = [
        reverse("families:detail", args=[sg_world.family.pk]),
        reverse("dashboard"),
        reverse("safeguarding:dashboard"),
        reverse("consents:register"),
        reverse("consents:register") + "?format=csv",
        reverse("consents:family_register", args=[sg_world.family.pk]),
        reverse("volunteers:home"),
    ]
    for url in pages:
        response = client.get(url)
        text = response.content.decode(errors="replace") if response.status_code == 200 else ""
        for trace in ("MASH-2026-118", "Pat Duty", "Physical abuse", "Safeguarding decision", f"concern {concern.pk}"):
            assert trace not in text, f"{trace!r} shown to {who} on {url}"
    assert not AuditEntry.objects.filter(
        event=SafeguardingAuditEvent.CONCERN_READ, actor=getattr(sg_world, who)
    ).exists()


def test_p12_the_referral_appears_in_the_register_for_those_who_may_read_the_concern(
    client: Any, sg_world: Any
) -> None:
    concern = raise_concern(sg_world)
    review(sg_world, concern)
    decide(sg_world, concern)
    discuss(sg_world, concern)
    refer(sg_world, concern)
    for reader in (sg_world.dsl, sg_world.coordinator):
        client.force_login(reader)
        register = client.get(reverse("consents:register")).content.decode()
        assert "Pat Duty" in register and f"Safeguarding: concern {concern.pk}" in register
    client.force_login(sg_world.colleague)
    assert "Pat Duty" not in client.get(reverse("consents:register")).content.decode()
    assert Disclosure.objects.count() == 1


def test_p7_the_generic_disclosure_form_offers_no_safeguarding_basis(client: Any, sg_world: Any) -> None:
    client.force_login(sg_world.dsl)
    page = client.get(reverse("consents:disclosure_new", args=[sg_world.family.pk])).content.decode()
    assert 'value="safeguarding"' not in page


# Steps through the pages ------------------------------------------------------------------------------------------


def test_the_lead_takes_each_step_through_the_pages(client: Any, sg_world: Any) -> None:
    concern = raise_concern(sg_world)
    client.force_login(sg_world.dsl)
    today = timezone.localdate().isoformat()
    detail = reverse("safeguarding:concern_detail", args=[concern.pk])

    referral_page = client.get(reverse("safeguarding:referral", args=[concern.pk])).content.decode()
    assert "This cannot be recorded now" in referral_page and "Review the concern first" in referral_page

    steps = [
        ("review", {"notes": "Checked with the volunteer.", "occurred_on": today}),
        ("decision", {"decision": "social_care", "reason": "Injury to a baby.", "occurred_on": today}),
        (
            "discussion",
            {
                "occurred_on": today,
                "participants": "Mother",
                "what_was_said": "Our worry.",
                "family_response": "Understood.",
            },
        ),
        (
            "referral",
            {
                "recipient": str(sg_world.mash.pk),
                "reference_number": "MASH-1",
                "what_was_shared": "The concern and the address.",
                "categories": ["contact_details"],
                "method": "phone",
                "referred_on": today,
            },
        ),
        (
            "follow_up_new",
            {"action": "Ask MASH for the outcome.", "owner": str(sg_world.dsl.pk), "due_on": today},
        ),
    ]
    for route, data in steps:
        response = client.post(reverse(f"safeguarding:{route}", args=[concern.pk]), data)
        assert response.status_code == 302, (route, response.content.decode()[:3000])
        assert response["Location"] == detail
    follow_up = concern.follow_ups.get()
    client.post(
        reverse("safeguarding:follow_up_done", args=[concern.pk, follow_up.pk]), {"done_on": today, "notes": "Done."}
    )
    client.post(
        reverse("safeguarding:close", args=[concern.pk]), {"outcome": "Case open to social care.", "occurred_on": today}
    )
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.CLOSED and concern.closed_at is not None
    page = client.get(detail).content.decode()
    assert "Referral made to Portsmouth MASH" in page and "MASH-1" in page
    assert "Record a step" not in page  # closed: nothing more can be added


def test_a_refused_step_says_why_and_records_nothing(client: Any, sg_world: Any) -> None:
    concern = raise_concern(sg_world)
    review(sg_world, concern)
    client.force_login(sg_world.coordinator)  # the family's coordinator, not a lead
    response = client.post(
        reverse("safeguarding:no_discussion", args=[concern.pk]),
        {"reason": "Risk.", "occurred_on": timezone.localdate().isoformat()},
    )
    assert "Only a safeguarding lead can decide" in response.content.decode()
    assert concern.steps.count() == 1


# Dashboard and chronology -----------------------------------------------------------------------------------------


def test_the_dashboard_lists_late_reviews_follow_ups_and_open_concerns_by_age(
    client: Any, sg_world: Any, time_machine: Any
) -> None:
    time_machine.move_to(timezone.now() - datetime.timedelta(days=2))
    late = raise_concern(sg_world)
    time_machine.move_to(timezone.now() + datetime.timedelta(days=2))
    fresh = raise_concern(sg_world)
    review(sg_world, fresh)
    from safeguarding import services

    services.follow_up_add(
        concern=fresh, action="Visit with the HV.", due_on=timezone.localdate(), owner=sg_world.dsl, actor=sg_world.dsl
    )
    client.force_login(sg_world.dsl)
    page = client.get(reverse("safeguarding:dashboard")).content.decode()
    late_section = page[page.index("Not reviewed within 24 hours") : page.index("Outstanding follow-up actions")]
    assert f"concern {late.pk}" in late_section and f"concern {fresh.pk}" not in late_section
    assert "Visit with the HV." in page
    assert "Under a week" in page
    client.force_login(sg_world.colleague)
    page = client.get(reverse("safeguarding:dashboard")).content.decode()
    assert f"concern {late.pk}" not in page and "No open concerns" in page


@pytest.mark.parametrize("rows", [1, 20])
def test_the_dashboard_and_concern_page_do_not_grow_in_queries_with_rows(
    client: Any, sg_world: Any, rows: int, django_assert_max_num_queries: Any
) -> None:
    concerns = [raise_concern(sg_world) for _ in range(rows)]
    for concern in concerns:
        review(sg_world, concern)
    client.force_login(sg_world.dsl)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("safeguarding:dashboard")).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("safeguarding:concern_detail", args=[concerns[0].pk])).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("safeguarding:chronology", args=[sg_world.family.pk])).status_code == 200


@needs_pdftotext
def test_the_chronology_prints_concerns_steps_and_disclosures_in_date_order(client: Any, sg_world: Any) -> None:
    earlier = raise_concern(sg_world, days_ago=10)
    review(sg_world, earlier)
    decide(sg_world, earlier)
    discuss(sg_world, earlier)
    refer(sg_world, earlier)
    client.force_login(sg_world.dsl)
    page = client.get(reverse("safeguarding:chronology", args=[sg_world.family.pk])).content.decode()
    assert page.index(f"Concern #{earlier.pk} raised") < page.index("referral to Portsmouth MASH")
    response = client.post(reverse("safeguarding:chronology_pdf", args=[sg_world.family.pk]))
    assert response["Content-Type"] == "application/pdf"
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / "safeguarding-chronology.pdf").write_bytes(response.content)  # for people to look at
    assert sg_world.family.reference in response["Content-Disposition"]
    text = " ".join(pdf_text(response.content, layout=False).split())
    assert "Safeguarding chronology" in text and "CONFIDENTIAL" in text
    assert (
        text.index(f"Concern #{earlier.pk} raised")
        < text.index("decision: referral to children")
        < text.index("referral to Portsmouth MASH")
    )
    assert "MASH-2026-118" in text and sg_world.family.reference in text
    entry = AuditEntry.objects.get(event=SafeguardingAuditEvent.CHRONOLOGY_PRINTED)
    assert entry.actor == sg_world.dsl and len(entry.additional_data["sha256"]) == 64


def test_recording_a_referral_needs_recent_authentication(client: Any, sg_world: Any) -> None:
    """SECURITY 10: a referral records a disclosure, so the lead proves it is them again after 10 minutes."""
    from homestart.middleware import AUTHENTICATED_AT

    concern = raise_concern(sg_world, urgent=True)
    client.force_login(sg_world.dsl)
    session = client.session
    session[AUTHENTICATED_AT] = timezone.now().timestamp() - 3600
    session.save()
    url = reverse("safeguarding:referral", args=[concern.pk])
    for response in (client.get(url), client.post(url, {"recipient": str(sg_world.mash.pk)})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("two_factor:reauthenticate"))
    assert not Disclosure.objects.exists()
    assert client.get(reverse("safeguarding:concern_detail", args=[concern.pk])).status_code == 200


def test_the_coordinator_dashboard_counts_open_concerns_for_those_who_may_read_them(client: Any, sg_world: Any) -> None:
    raise_concern(sg_world, urgent=True)
    for reader in (sg_world.dsl, sg_world.coordinator):
        client.force_login(reader)
        page = client.get(reverse("dashboard")).content.decode()
        assert "Safeguarding: 1 open concern" in page and "1 urgent" in page
    client.force_login(sg_world.colleague)
    assert "open concern" not in client.get(reverse("dashboard")).content.decode()


def test_the_raiser_keeps_the_receipt_after_their_assignment_ends(client: Any, sg_world: Any) -> None:
    from families import services as family_services
    from families.models import Assignment

    concern = raise_concern(sg_world)
    assignment = Assignment.objects.get(family=sg_world.family, volunteer=sg_world.volunteer)
    family_services.assignment_end(assignment=assignment, ended_on=timezone.localdate(), actor=sg_world.coordinator)
    client.force_login(sg_world.volunteer)
    page = client.get(reverse("safeguarding:receipt", args=[concern.pk])).content.decode()
    assert "Concern received" in page
    assert reverse("families:detail", args=[sg_world.family.pk]) not in page  # the family is no longer theirs
    assert client.get(reverse("families:detail", args=[sg_world.family.pk])).status_code == 404

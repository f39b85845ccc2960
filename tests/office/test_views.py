"""The top floor's pages: the family's case file in page order, and what only safeguarding leads see."""

import re
from typing import Any

from django.urls import reverse

from families.models import MemberKind
from office.casefile import SECTIONS
from tests.safeguarding.conftest import raise_concern


def test_case_file_lists_every_apps_section_in_page_order() -> None:
    assert [section.name for section in SECTIONS] == [
        "header",
        "safeguarding",
        "details",
        "household",
        "referral",
        "assignments",
        "support_history",
        "progress",
        "consents",
        "visits",
        "supervision",
        "ending",
        "records",
    ]


def test_family_page_shows_the_sections_in_order_for_the_lead_coordinator(client: Any, world: Any) -> None:
    client.force_login(world.coordinator)
    html = client.get(reverse("families:detail", args=[world.family.pk])).content.decode()
    assert re.findall(r'<h2 class="heading-[lm]" id="([a-z]+)-heading"', html) == [
        "safeguarding",
        "details",
        "household",
        "referral",
        "assignments",
        "progress",
        "consents",
        "visits",
        "end",
        "records",
    ]
    assert html.index("Assign a volunteer") < html.index("Safeguarding")  # the header's actions come first


def test_family_page_for_the_volunteer_leaves_out_the_coordinators_sections(client: Any, world: Any) -> None:
    client.force_login(world.volunteer)
    html = client.get(reverse("families:detail", args=[world.family.pk])).content.decode()
    headings = re.findall(r'<h2 class="heading-[lm]" id="([a-z]+)-heading"', html)
    assert headings == ["safeguarding", "details", "household", "progress", "visits"]
    assert "Back to my families" in html and "Log a visit" in html


def test_only_safeguarding_leads_have_the_safeguarding_link(client: Any, world: Any) -> None:
    link = f'href="{reverse("safeguarding:dashboard")}"'
    client.force_login(world.dsl)
    nav = client.get(reverse("families:list")).content.decode()
    assert link in nav
    assert nav.index(link) < nav.index(f'href="{reverse("consents:register")}"')  # just before Register
    client.force_login(world.coordinator)
    assert link not in client.get(reverse("families:list")).content.decode()


def test_dashboard_says_whose_open_concerns_it_counts(client: Any, world: Any) -> None:
    world.child = world.family.members.get(kind=MemberKind.CHILD)
    raise_concern(world)
    client.force_login(world.dsl)
    assert "1 open concern in the scheme" in client.get(reverse("dashboard")).content.decode()
    client.force_login(world.coordinator)
    assert "1 open concern about your families" in client.get(reverse("dashboard")).content.decode()

"""Private notes over time: notes without a visit, corrections that keep the original, and the family page paging
through every visit and note (no silent limit), reading and auditing only what a page shows."""

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from families import selectors, services
from families.audit import FamilyAuditEvent
from families.models import Assignment, CaseNote, CaseNoteUserObjectPermission
from families.sections import VISITS_PER_PAGE
from homestart.exceptions import ActionNotAllowed
from homestart.models import AuditEntry
from tests.conftest import log_visit

TODAY = timezone.localdate


def _readers(note: CaseNote) -> set[int]:
    """Who holds the read permission on a note."""
    return set(CaseNoteUserObjectPermission.objects.filter(content_object=note).values_list("user_id", flat=True))


def _reads(actor: Any = None) -> Any:
    entries = AuditEntry.objects.filter(event=FamilyAuditEvent.NOTE_READ, action=AuditEntry.Action.ACCESS)
    return entries.filter(actor=actor) if actor is not None else entries


def _end_assignment(world: Any, volunteer: Any) -> None:
    assignment = Assignment.objects.get(family=world.family, volunteer=volunteer, ended_on__isnull=True)
    services.assignment_end(assignment=assignment, ended_on=TODAY(), actor=world.coordinator)


# --- A note without a visit (services) ---------------------------------------------------------------------------


def test_a_volunteer_writes_a_note_without_a_visit_that_only_they_and_the_coordinator_read(world: Any) -> None:
    note = services.case_note_write(
        family=world.family, text="  Grace phoned: Tobi has chickenpox.  ", actor=world.volunteer
    )
    assert note.visit is None and note.corrects is None
    assert note.text == "Grace phoned: Tobi has chickenpox."
    assert _readers(note) == {world.volunteer.pk, world.coordinator.pk}
    for reader in (world.volunteer, world.coordinator):
        assert note in selectors.case_notes_for_user(reader, world.family)
    for outsider in (world.other_volunteer, world.dsl, world.administrator, world.other_coordinator):
        assert note not in selectors.case_notes_for_user(outsider, world.family)


def test_only_the_volunteer_assigned_now_writes_a_note(world: Any) -> None:
    for user in (world.other_volunteer, world.coordinator, world.dsl, world.administrator, world.other_coordinator):
        with pytest.raises(ActionNotAllowed, match="assigned to this family"):
            services.case_note_write(family=world.family, text="A note.", actor=user)
    with pytest.raises(ActionNotAllowed, match="Enter the note"):
        services.case_note_write(family=world.family, text=" \n ", actor=world.volunteer)
    _end_assignment(world, world.volunteer)
    with pytest.raises(ActionNotAllowed):
        services.case_note_write(family=world.family, text="After the end.", actor=world.volunteer)
    assert not CaseNote.objects.exists()


# --- Corrections (services) --------------------------------------------------------------------------------------


def test_a_correction_keeps_the_original_and_is_read_by_exactly_its_readers(world: Any) -> None:
    visit = log_visit(world.family, world.volunteer, note="Grace said the baby is 8 months.")
    original = visit.note
    correction = services.case_note_correct(note=original, text="I meant 10 months.", actor=world.volunteer)
    original.refresh_from_db()
    assert original.text == "Grace said the baby is 8 months."  # the original stays as it was
    assert correction.corrects == original and correction.visit is None
    assert correction.author == world.volunteer and correction.family == world.family
    assert _readers(correction) == _readers(original) == {world.volunteer.pk, world.coordinator.pk}


def test_only_the_author_corrects_a_note_while_they_can_read_it(world: Any) -> None:
    note = log_visit(world.family, world.volunteer, note="First note.").note
    for user in (world.coordinator, world.other_volunteer, world.dsl, world.administrator, world.other_coordinator):
        with pytest.raises(ActionNotAllowed, match="Only the person who wrote"):
            services.case_note_correct(note=note, text="Not mine to correct.", actor=user)
    with pytest.raises(ActionNotAllowed, match="Enter the correction"):
        services.case_note_correct(note=note, text="   ", actor=world.volunteer)
    correction = services.case_note_correct(note=note, text="A correction.", actor=world.volunteer)
    with pytest.raises(ActionNotAllowed, match="original note"):
        services.case_note_correct(note=correction, text="Correcting the correction.", actor=world.volunteer)
    _end_assignment(world, world.volunteer)  # the author can no longer read the note
    with pytest.raises(ActionNotAllowed, match="while they can still read it"):
        services.case_note_correct(note=note, text="Too late.", actor=world.volunteer)
    assert CaseNote.objects.filter(corrects=note).count() == 1


def test_corrections_follow_the_note_when_the_coordinator_changes_and_the_volunteer_comes_back(world: Any) -> None:
    note = log_visit(world.family, world.volunteer, note="Original.").note
    correction = services.case_note_correct(note=note, text="Corrected.", actor=world.volunteer)
    services.family_change_coordinator(family=world.family, coordinator=world.dsl, actor=world.coordinator)
    assert _readers(correction) == _readers(note) == {world.volunteer.pk, world.dsl.pk}
    _end_assignment(world, world.volunteer)
    assert _readers(correction) == _readers(note) == {world.dsl.pk}
    services.assignment_start(family=world.family, volunteer=world.volunteer, started_on=TODAY(), actor=world.dsl)
    assert _readers(correction) == _readers(note) == {world.volunteer.pk, world.dsl.pk}


def test_a_correction_is_audited_with_its_text_masked(world: Any) -> None:
    note = log_visit(world.family, world.volunteer, note="Original.").note
    correction = services.case_note_correct(note=note, text="Secret-correction-text", actor=world.volunteer)
    entry = AuditEntry.objects.get(
        content_type__model="casenote", object_pk=str(correction.pk), action=AuditEntry.Action.CREATE
    )
    assert entry.changes["text"] == ["[not recorded]", "[not recorded]"]
    assert entry.changes["corrects"][1] == str(note.pk)
    assert (entry.event, entry.actor, entry.family_pk) == (
        FamilyAuditEvent.NOTE_CORRECTED,
        world.volunteer,
        world.family.pk,
    )
    for audit_entry in AuditEntry.objects.all():
        blob = " ".join(
            str(value)
            for value in (
                audit_entry.object_repr,
                audit_entry.changes,
                audit_entry.changes_text,
                audit_entry.additional_data,
            )
        )
        assert "Secret-correction-text" not in blob


def test_notes_shown_reads_and_audits_only_the_notes_asked_for(world: Any) -> None:
    first = log_visit(world.family, world.volunteer, note="First.", days_ago=3)
    second = log_visit(world.family, world.volunteer, note="Second.", days_ago=2)
    correction = services.case_note_correct(note=first.note, text="First, corrected.", actor=world.volunteer)
    phone = services.case_note_write(family=world.family, text="Phone message.", actor=world.volunteer)
    shown = services.case_notes_shown(family=world.family, reader=world.coordinator, visit_ids=[first.pk])
    assert shown == [first.note, correction]
    assert set(_reads(world.coordinator).values_list("object_pk", flat=True)) == {
        str(first.note.pk),
        str(correction.pk),
    }
    shown = services.case_notes_shown(family=world.family, reader=world.coordinator, note_ids=[phone.pk])
    assert shown == [phone]
    assert second.note not in services.case_notes_shown(family=world.family, reader=world.dsl, visit_ids=[second.pk])
    assert not _reads(world.dsl).exists()


# --- The pages: a note without a visit ----------------------------------------------------------------------------


def test_note_new_anonymous_is_sent_to_sign_in(client: Any, world: Any) -> None:
    response = client.get(reverse("families:note_new", args=[world.family.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["other_volunteer", "coordinator", "dsl", "administrator", "other_coordinator"])
def test_note_new_is_not_found_for_anyone_but_the_assigned_volunteer(client: Any, world: Any, role: str) -> None:
    client.force_login(world.role(role))
    url = reverse("families:note_new", args=[world.family.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "Not allowed."}).status_code == 404
    assert not CaseNote.objects.exists()


def test_the_assigned_volunteer_writes_a_note_and_finds_it_on_the_family_page(client: Any, world: Any) -> None:
    client.force_login(world.volunteer)
    family_page = reverse("families:detail", args=[world.family.pk])
    assert reverse("families:note_new", args=[world.family.pk]) in client.get(family_page).content.decode()
    url = reverse("families:note_new", args=[world.family.pk])
    page = client.get(url).content.decode()
    assert "Write a note without a visit" in page and "Private: only you and the family" in page
    response = client.post(url, {"text": "Grace phoned <b>to move</b> Tuesday's visit."})
    assert response.status_code == 302 and response["Location"] == family_page
    html = client.get(family_page, follow=True).content.decode()
    assert "only you and Coordinator Tester, the family&#x27;s coordinator, can read it" in html
    assert "Grace phoned &lt;b&gt;to move&lt;/b&gt; Tuesday&#x27;s visit." in html
    assert "without a visit" in html
    client.force_login(world.coordinator)
    assert "Grace phoned &lt;b&gt;to move" in client.get(family_page).content.decode()


def test_an_empty_note_is_refused_with_a_message(client: Any, world: Any) -> None:
    client.force_login(world.volunteer)
    response = client.post(reverse("families:note_new", args=[world.family.pk]), {"text": "  "})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode() and "Enter the note" in response.content.decode()
    assert not CaseNote.objects.exists()


# --- The pages: a correction --------------------------------------------------------------------------------------


def test_note_correct_anonymous_is_sent_to_sign_in(client: Any, world: Any) -> None:
    note = log_visit(world.family, world.volunteer, note="Original.").note
    response = client.get(reverse("families:note_correct", args=[world.family.pk, note.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["coordinator", "other_volunteer", "dsl", "administrator", "other_coordinator"])
def test_note_correct_is_not_found_for_anyone_but_the_author(client: Any, world: Any, role: str) -> None:
    """Even the family's coordinator, who reads the note, cannot correct what someone else wrote."""
    note = log_visit(world.family, world.volunteer, note="Original-text-7Q.").note
    client.force_login(world.role(role))
    url = reverse("families:note_correct", args=[world.family.pk, note.pk])
    response = client.get(url)
    assert response.status_code == 404 and "Original-text-7Q" not in response.content.decode()
    assert client.post(url, {"text": "Not mine."}).status_code == 404
    assert not CaseNote.objects.filter(corrects=note).exists()


def test_note_correct_is_not_found_for_a_correction_another_familys_note_or_after_the_assignment(
    client: Any, world: Any
) -> None:
    note = log_visit(world.family, world.volunteer, note="Original.").note
    correction = services.case_note_correct(note=note, text="Correction.", actor=world.volunteer)
    client.force_login(world.volunteer)
    assert client.get(reverse("families:note_correct", args=[world.family.pk, correction.pk])).status_code == 404
    assert client.get(reverse("families:note_correct", args=[world.family.pk, 999999])).status_code == 404
    _end_assignment(world, world.volunteer)
    assert client.get(reverse("families:note_correct", args=[world.family.pk, note.pk])).status_code == 404


def test_the_author_adds_a_correction_and_both_show_under_the_visit(client: Any, world: Any) -> None:
    note = log_visit(world.family, world.volunteer, note="Grace said the baby is 8 months.").note
    client.force_login(world.volunteer)
    family_page = reverse("families:detail", args=[world.family.pk])
    correct_url = reverse("families:note_correct", args=[world.family.pk, note.pk])
    assert correct_url in client.get(family_page).content.decode()

    page = client.get(correct_url).content.decode()
    assert "Grace said the baby is 8 months." in page  # the author sees what they are correcting
    assert _reads(world.volunteer).filter(object_pk=str(note.pk)).exists()  # and that read is audited

    response = client.post(correct_url, {"text": "Correction: 10 months, not 8."})
    assert response.status_code == 302 and response["Location"] == family_page
    correction = CaseNote.objects.get(corrects=note)

    for reader in (world.volunteer, world.coordinator):
        client.force_login(reader)
        before = _reads(reader).count()
        html = client.get(family_page).content.decode()
        assert "Grace said the baby is 8 months." in html and "Correction: 10 months, not 8." in html
        assert html.index("Grace said the baby is 8 months.") < html.index("Correction: 10 months, not 8.")
        assert f"Correction by Volunteer Tester, written {timezone.localtime(correction.created_at):%-d %b %Y}" in html
        read = set(_reads(reader).order_by("pk").values_list("object_pk", flat=True)[before:])
        assert read == {str(note.pk), str(correction.pk)}  # both shown, both audited
    # The coordinator reads the correction but is offered no way to correct another person's note.
    assert correct_url not in html
    for outsider in (world.other_volunteer, world.dsl):
        client.force_login(outsider)
        response = client.get(family_page)
        assert "Correction: 10 months" not in response.content.decode()


def test_an_empty_correction_is_refused_and_the_note_is_shown_again(client: Any, world: Any) -> None:
    note = log_visit(world.family, world.volunteer, note="Original-9Z.").note
    client.force_login(world.volunteer)
    response = client.post(reverse("families:note_correct", args=[world.family.pk, note.pk]), {"text": ""})
    html = response.content.decode()
    assert response.status_code == 200 and "Enter the correction" in html and "Original-9Z." in html
    assert not CaseNote.objects.filter(corrects=note).exists()


# --- The family page pages through every visit and note -----------------------------------------------------------


def _grow(world: Any, visits: int, volunteer: Any = None, *, start: int = 1) -> None:
    for day in range(start, start + visits):
        log_visit(world.family, volunteer or world.volunteer, note=f"Note of visit {day}.", days_ago=day)


def test_the_family_page_pages_through_every_visit_with_no_silent_limit(client: Any, world: Any) -> None:
    total = 2 * VISITS_PER_PAGE + 5
    _grow(world, total)
    client.force_login(world.coordinator)
    url = reverse("families:detail", args=[world.family.pk])
    seen = []
    for number in (1, 2, 3):
        html = client.get(url, {"visits_page": number}).content.decode()
        assert f"<span>Page {number}</span>" in html
        assert ('rel="next"' in html) == (number < 3) and ('rel="prev"' in html) == (number > 1)
        seen += [day for day in range(1, total + 1) if f"Note of visit {day}." in html]
    assert sorted(seen) == list(range(1, total + 1))  # every visit once, newest first across the pages
    first = client.get(url).content.decode()
    assert "Note of visit 1." in first and f"Note of visit {VISITS_PER_PAGE + 1}." not in first
    assert 'href="?visits_page=2#visits-heading"' in first
    for junk in ("0", "-1", "abc", "1e3", "\x00", "9" * 30, "9" * 5000):
        response = client.get(url, {"visits_page": junk})
        assert response.status_code == 200 and "Note of visit 1." in response.content.decode()  # the first page
    beyond = client.get(url, {"visits_page": "4"}).content.decode()
    assert "There is nothing more on this page" in beyond and "Note of visit" not in beyond


def test_only_the_notes_on_the_page_shown_are_read_and_audited(client: Any, world: Any) -> None:
    _grow(world, VISITS_PER_PAGE + 10)
    client.force_login(world.coordinator)
    client.get(reverse("families:detail", args=[world.family.pk]))
    assert _reads(world.coordinator).count() == VISITS_PER_PAGE


def test_notes_without_a_visit_take_their_place_among_the_visits(client: Any, world: Any) -> None:
    log_visit(world.family, world.volunteer, note="Yesterday's visit note.", days_ago=1)
    log_visit(world.family, world.volunteer, note="Last week's visit note.", days_ago=7)
    services.case_note_write(family=world.family, text="Today's phone message.", actor=world.volunteer)
    client.force_login(world.coordinator)
    html = client.get(reverse("families:detail", args=[world.family.pk])).content.decode()
    assert html.index("Today's phone message.".replace("'", "&#x27;")) < html.index("Yesterday&#x27;s visit note.")
    assert html.index("Yesterday&#x27;s visit note.") < html.index("Last week&#x27;s visit note.")


def test_a_volunteer_sees_only_their_own_visits_and_notes_on_every_page(client: Any, world: Any) -> None:
    services.assignment_start(
        family=world.family, volunteer=world.other_volunteer, started_on=TODAY(), actor=world.coordinator
    )
    _grow(world, VISITS_PER_PAGE + 2, world.volunteer)
    _grow(world, 3, world.other_volunteer, start=100)
    services.case_note_write(family=world.family, text="Other volunteer's phone message.", actor=world.other_volunteer)
    client.force_login(world.volunteer)
    url = reverse("families:detail", args=[world.family.pk])
    pages = [client.get(url, {"visits_page": n}).content.decode() for n in (1, 2)]
    assert 'rel="next"' in pages[0] and 'rel="next"' not in pages[1]
    others = ["Note of visit 100.", "Note of visit 101.", "Note of visit 102.", "Other volunteer&#x27;s phone"]
    assert all(other not in html for other in others for html in pages)
    assert all(f"Note of visit {day}." in "".join(pages) for day in range(1, VISITS_PER_PAGE + 3))
    client.force_login(world.coordinator)
    html = "".join(client.get(url, {"visits_page": n}).content.decode() for n in (1, 2))
    assert "Note of visit 101." in html and "Other volunteer&#x27;s phone message." in html


# --- Queries per page do not grow with the number of visits -------------------------------------------------------

MAX_QUERIES = 25


def _count_family_page(client: Any, user: Any, url: str, django_assert_max_num_queries: Any) -> int:
    client.force_login(user)
    client.get(url)  # warm process-wide caches (content types), as a running server has them
    with django_assert_max_num_queries(MAX_QUERIES) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _notes_of_every_kind(world: Any, days_ago: int) -> None:
    """A visit with a note and a correction, and a note without a visit: everything a page can show."""
    visit = log_visit(world.family, world.volunteer, note="A visit note.", days_ago=days_ago)
    services.case_note_correct(note=visit.note, text="Its correction.", actor=world.volunteer)
    services.case_note_write(family=world.family, text="A phone message.", actor=world.volunteer)


def test_family_page_queries_are_the_same_with_5_and_500_visits(
    client: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    """The same bound with 5 visits as with 500, for the coordinator and the volunteer, on the first page and on a
    later one: only one page of visits and notes is ever fetched."""
    _notes_of_every_kind(world, days_ago=600)
    _grow(world, 4, start=601)  # 5 visits
    url = reverse("families:detail", args=[world.family.pk])
    roles = ("coordinator", "volunteer")
    small = {role: _count_family_page(client, world.role(role), url, django_assert_max_num_queries) for role in roles}
    for days_ago in range(1, 495):
        log_visit(world.family, world.volunteer, note=f"Visit {days_ago}.", days_ago=days_ago)
    _notes_of_every_kind(world, days_ago=0)  # 500 visits
    assert world.family.visits.count() == 500
    large = {role: _count_family_page(client, world.role(role), url, django_assert_max_num_queries) for role in roles}
    later = {
        role: _count_family_page(client, world.role(role), f"{url}?visits_page=10", django_assert_max_num_queries)
        for role in roles
    }
    assert large == small == later, f"queries with 5 visits: {small}; with 500: {large}; page 10 of 500: {later}"
    print(f"family page queries: 5 visits {small}, 500 visits {large}, page 10 of 500 visits {later}")

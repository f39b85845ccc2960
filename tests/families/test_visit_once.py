"""A visit form sent twice records one visit (the form's one-use key), and a post whose transaction dies leaves
nothing behind and gives the volunteer their form back (SECURITY 28, 31; issue 13)."""

import re
import threading
import time
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from families import services
from families.audit import FamilyAuditEvent
from families.models import CaseNote, Visit
from homestart import audit
from homestart.models import AuditEntry
from tests.conftest import VerifiedClient, World, build_world

KEY = re.compile(r'name="idempotency_key" value="([0-9a-f-]{36})"')
NOT_SAVED = "Your visit was not saved, please try again."


def _form_key(client: Client, world: World) -> str:
    html = client.get(reverse("families:visit_new", args=[world.family.pk])).content.decode()
    match = KEY.search(html)
    assert match, "the visit form carries its key"
    return match.group(1)


def _post(client: Client, world: World, key: str, note: str = "Read stories with Sam.") -> Any:
    data = {
        "visited_on": timezone.localdate().isoformat(),
        "kind": "home",
        "duration_minutes": "75",
        "note_text": note,
        "idempotency_key": key,
    }
    return client.post(reverse("families:visit_new", args=[world.family.pk]), data)


def _answer(client: Client, response: Any, world: World) -> tuple[int, str, list[str]]:
    """What the volunteer is told: the status, where they are sent, and the banner on the next page they open."""
    # The next page shows the banner and so takes it from the session (any page does: base.html shows them).
    page = client.get(reverse("families:visit_new", args=[world.family.pk]))
    return response.status_code, response.get("Location", ""), [str(m) for m in get_messages(page.wsgi_request)]


def _visit_entries() -> int:
    return AuditEntry.objects.filter(event=FamilyAuditEvent.VISIT_LOGGED).count()


@pytest.mark.django_db
def test_the_same_form_sent_twice_records_one_visit_and_answers_as_the_first_did(client: Any, world: World) -> None:
    client.force_login(world.volunteer)
    key = _form_key(client, world)
    first = _answer(client, _post(client, world, key), world)
    second = _answer(client, _post(client, world, key), world)
    assert first[0] == 302 and first[1] == reverse("volunteers:home")
    assert "Visit to the Okafor family" in first[2][0] and "Your note is private" in first[2][0]
    assert second == first
    assert Visit.objects.count() == 1 and CaseNote.objects.count() == 1
    assert _visit_entries() == 1  # the second post wrote nothing, not even an entry


@pytest.mark.django_db
def test_each_form_shown_has_its_own_key_so_two_visits_are_two(client: Any, world: World) -> None:
    client.force_login(world.volunteer)
    first_key, second_key = _form_key(client, world), _form_key(client, world)
    assert first_key != second_key
    _post(client, world, first_key)
    _post(client, world, second_key, note="")
    assert Visit.objects.count() == 2
    assert list(Visit.objects.order_by("pk").values_list("idempotency_key", flat=True)) == [
        services.uuid.UUID(first_key),
        services.uuid.UUID(second_key),
    ]


@pytest.mark.django_db
def test_the_second_answer_follows_the_visit_recorded_not_a_changed_second_post(client: Any, world: World) -> None:
    client.force_login(world.volunteer)
    key = _form_key(client, world)
    _post(client, world, key, note="")
    status, location, message = _answer(client, _post(client, world, key, note="Added afterwards."), world)
    assert status == 302 and "Your note is private" not in message[0]  # the visit recorded has no note
    assert Visit.objects.count() == 1 and not CaseNote.objects.exists()


@pytest.mark.django_db
def test_a_broken_key_is_a_message_and_saves_nothing(client: Any, world: World) -> None:
    client.force_login(world.volunteer)
    response = _post(client, world, "not-a-key")
    assert response.status_code == 200
    assert "This form is out of date: open Log a visit again and enter the visit" in response.content.decode()
    assert not Visit.objects.exists()


@pytest.mark.django_db
def test_a_form_without_a_key_still_saves(client: Any, world: World) -> None:
    client.force_login(world.volunteer)
    assert _post(client, world, "").status_code == 302
    assert Visit.objects.get().idempotency_key is None


@pytest.mark.django_db
def test_the_same_key_called_twice_on_the_service_returns_the_first_visit(world: World) -> None:
    key = services.uuid.uuid4()
    data = {"visited_on": timezone.localdate(), "duration_minutes": 30, "note_text": "x", "idempotency_key": key}
    first = services.visit_log(family=world.family, actor=world.volunteer, **data)
    second = services.visit_log(family=world.family, actor=world.volunteer, **data)
    assert second.pk == first.pk and second.has_note and first.has_note
    assert Visit.objects.count() == 1 and _visit_entries() == 1


@pytest.mark.django_db
def test_a_failure_inside_the_transaction_leaves_nothing_and_gives_the_form_back(
    client: Any, world: World, monkeypatch: Any
) -> None:
    client.force_login(world.volunteer)
    key = _form_key(client, world)
    original = services._note_readers_grant

    def connection_lost(*args: Any, **kwargs: Any) -> None:  # after the visit, its note and their entries
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "_note_readers_grant", connection_lost)
    response = _post(client, world, key, note="Sam & mum at the park")
    html = response.content.decode()
    assert response.status_code == 503
    assert NOT_SAVED in html
    assert "Sam &amp; mum at the park</textarea>" in html and f'value="{key}"' in html  # as typed, same key
    assert not Visit.objects.exists() and not CaseNote.objects.exists() and _visit_entries() == 0

    monkeypatch.setattr(services, "_note_readers_grant", original)
    assert _post(client, world, key, note="Sam & mum at the park").status_code == 302  # the retry saves it, once
    assert _post(client, world, key, note="Sam & mum at the park").status_code == 302
    assert Visit.objects.count() == 1 and CaseNote.objects.get().text == "Sam & mum at the park"


@pytest.mark.django_db
def test_the_visit_post_costs_at_most_one_query_more_with_its_key(client: Any, world: World) -> None:
    client.force_login(world.volunteer)
    _post(client, world, "")  # warm the caches of the first request
    with CaptureQueriesContext(connection) as without_key:
        _post(client, world, "")
    key = _form_key(client, world)
    with CaptureQueriesContext(connection) as with_key:
        assert _post(client, world, key).status_code == 302
    with CaptureQueriesContext(connection) as sent_again:
        assert _post(client, world, key).status_code == 302
    assert len(with_key) <= len(without_key) + 1
    assert len(sent_again) <= len(without_key) + 1


# --- On PostgreSQL, with real transactions: two posts at once, and a connection really lost ------------------


@pytest.fixture
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks and pg_terminate_backend")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_identical_posts_at_once_record_one_visit(_postgres_only: None, monkeypatch: Any) -> None:
    world = build_world()
    key = str(services.uuid.uuid4())
    record_created = audit.record_created

    def slow_record_created(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.5)  # hold the first insert's transaction open while the second post arrives
        return record_created(*args, **kwargs)

    monkeypatch.setattr(audit, "record_created", slow_record_created)
    lost_races: list[Any] = []
    find_first = services._visit_logged_with_form

    def find_first_counted(**kwargs: Any) -> Any:
        lost_races.append(kwargs["idempotency_key"])
        return find_first(**kwargs)

    monkeypatch.setattr(services, "_visit_logged_with_form", find_first_counted)
    clients = [VerifiedClient(), VerifiedClient()]  # two tabs, or a double tap: one person, the same form
    for client in clients:
        client.force_login(world.volunteer)
    barrier = threading.Barrier(2)
    answers: list[Any] = []
    errors: list[BaseException] = []

    def send(client: Client) -> None:
        try:
            barrier.wait()
            answers.append(_answer(client, _post(client, world, key), world))
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(answers) == 2 and answers[0] == answers[1] and answers[0][0] == 302
    assert Visit.objects.count() == 1 and CaseNote.objects.count() == 1 and _visit_entries() == 1
    assert len(lost_races) == 1  # the second insert met the unique constraint, and answered with the first visit


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_connection_killed_inside_the_post_leaves_nothing_and_answers_503_with_the_form(
    _postgres_only: None, monkeypatch: Any
) -> None:
    world = build_world()
    client = VerifiedClient()
    client.force_login(world.volunteer)
    key = _form_key(client, world)
    original = services._note_readers_grant

    def killed(*args: Any, **kwargs: Any) -> None:
        with connection.cursor() as cursor:  # the database server drops this very connection, mid-transaction
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")

    monkeypatch.setattr(services, "_note_readers_grant", killed)
    response = _post(client, world, key, note="Kept as typed")
    html = response.content.decode()
    assert response.status_code == 503 and NOT_SAVED in html
    assert "Kept as typed</textarea>" in html and f'value="{key}"' in html
    assert not Visit.objects.exists() and not CaseNote.objects.exists() and _visit_entries() == 0
    monkeypatch.setattr(services, "_note_readers_grant", original)
    assert _post(client, world, key, note="Kept as typed").status_code == 302
    assert Visit.objects.count() == 1


@pytest.mark.django_db
def test_a_connection_lost_outside_the_form_is_a_503_try_again_page_not_a_bare_500(
    world: World, monkeypatch: Any
) -> None:
    client = VerifiedClient(raise_request_exception=False)
    client.force_login(world.volunteer)

    def connection_lost(*args: Any, **kwargs: Any) -> bool:
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr("families.views.selectors.is_assigned", connection_lost)
    response = client.get(reverse("families:visit_new", args=[world.family.pk]))
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "Sorry, the service is not available for a moment" in response.content.decode()

    def broken(*args: Any, **kwargs: Any) -> bool:
        raise ValueError("a bug")

    monkeypatch.setattr("families.views.selectors.is_assigned", broken)
    response = client.get(reverse("families:visit_new", args=[world.family.pk]))
    assert response.status_code == 500 and "Sorry, there is a problem with the service" in response.content.decode()


def test_a_session_lost_with_the_database_connection_is_a_503_and_a_real_bad_request_stays_400() -> None:
    from django.contrib.sessions.backends.base import UpdateError
    from django.contrib.sessions.exceptions import SessionInterrupted
    from django.test import RequestFactory

    from homestart.views import bad_request

    def interrupted(cause: BaseException | None) -> SessionInterrupted:
        # What Django's database session store and SessionMiddleware raise when the session's UPDATE fails.
        try:
            try:
                if cause is not None:
                    try:
                        raise cause
                    except OperationalError:
                        raise UpdateError from None  # the store drops the cause; the context stays
                raise UpdateError
            except UpdateError:
                raise SessionInterrupted("The request's session was deleted before the request completed.") from None
        except SessionInterrupted as error:
            return error

    request = RequestFactory().get("/")
    lost = bad_request(request, exception=interrupted(OperationalError("server closed the connection")))
    assert lost.status_code == 503 and b"not available for a moment" in lost.content
    assert bad_request(request, exception=interrupted(None)).status_code == 400


@pytest.mark.django_db
def test_a_post_is_refused_by_the_service_when_the_volunteer_is_not_assigned(
    client: Any, world: World, monkeypatch: Any
) -> None:
    """The view asks nothing on a post but the role: whether the volunteer is assigned is the service's to decide,
    under the family's lock (ADR 0023). A volunteer whose assignment ended after the form was opened, while the
    family still loads for them (here the service's answer forced), gets the refusal on the form; nothing is saved."""
    client.force_login(world.volunteer)
    key = _form_key(client, world)
    monkeypatch.setattr(services, "is_assigned", lambda *args, **kwargs: False)
    response = _post(client, world, key)
    assert response.status_code == 200
    assert "Only a volunteer assigned to this family can log a visit." in response.content.decode()
    assert not Visit.objects.exists() and not CaseNote.objects.exists() and _visit_entries() == 0


@pytest.mark.django_db
def test_only_a_volunteer_may_post_a_visit(client: Any, world: World) -> None:
    for person in (world.coordinator, world.dsl, world.administrator):
        client.force_login(person)
        assert _post(client, world, str(services.uuid.uuid4())).status_code == 404
    assert not Visit.objects.exists()

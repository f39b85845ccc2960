"""Ten volunteers logging visits at once against a real server lose nothing (SECURITY 28; issue 13).

The short version of ``bench/load.py`` for CI: gunicorn on loopback against this test's database (committed data:
a transactional test), ten people signed in through the real sign-in page and second factor, each sending visit
forms for a few seconds. Every post must answer success, the visits must grow by exactly the successful posts, and
the audit chain must verify afterwards.
"""

import io
import threading
import time

import pytest
from django.core.management import call_command
from django.urls import reverse

from bench import loadclient
from families.models import Visit
from homestart.models import Role
from tests.conftest import PASSWORD, make_family, make_scheme, make_user, real_server_env

pytestmark = pytest.mark.postgres
CLIENTS = 10
POSTING_SECONDS = 5.0
NAMES = ["Adeyemi", "Brown", "Chen", "Davies", "Evans", "Fraser", "Gill", "Hughes", "Iqbal", "Jones"]


@pytest.mark.django_db(transaction=True)
def test_ten_volunteers_logging_visits_at_once_lose_nothing() -> None:
    env = real_server_env()
    scheme = make_scheme("LDT")
    coordinator = make_user(scheme, "loadcoordinator", Role.COORDINATOR)
    volunteers = [make_user(scheme, f"loadvolunteer{n}", Role.VOLUNTEER) for n in range(CLIENTS)]
    families = [make_family(coordinator, NAMES[n], volunteer=volunteers[n]) for n in range(CLIENTS)]
    visits_before = Visit.objects.count()
    saved: list[str] = []
    failures: list[str] = []
    lock = threading.Lock()

    with loadclient.gunicorn(env, workers=3) as base_url:
        ready = threading.Barrier(CLIENTS + 1)
        stop = threading.Event()

        def volunteer(n: int) -> None:
            browser = loadclient.Browser(base_url)
            try:
                loadclient.sign_in(browser, volunteers[n].username, PASSWORD)
            except BaseException as error:  # noqa: BLE001 (reported below)
                with lock:
                    failures.append(f"sign-in {n}: {error}")
                ready.abort()
                return
            ready.wait()
            count = 0
            while not stop.is_set():
                count += 1
                page = loadclient.visit_form(browser, families[n].pk)
                data = loadclient.visit_data(page, note=f"Visit {count}" if count % 2 else "")
                answer = browser.post(f"/families/{families[n].pk}/visits/new/", data, page)
                with lock:
                    if answer.status == 302 and answer.location == reverse("volunteers:home"):
                        saved.append(data["idempotency_key"])
                    else:
                        failures.append(f"post {n}.{count}: {answer.status}")

        threads = [threading.Thread(target=volunteer, args=(n,)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        try:
            ready.wait(timeout=90)  # everybody signed in: then they all post at once
        except threading.BrokenBarrierError:
            pass
        time.sleep(POSTING_SECONDS)
        stop.set()
        for thread in threads:
            thread.join(timeout=120)

    assert not failures, failures[:10]
    assert len(saved) >= CLIENTS  # every one of them got visits through
    assert Visit.objects.count() - visits_before == len(saved)
    assert set(Visit.objects.filter(idempotency_key__isnull=False).values_list("idempotency_key", flat=True)) == {
        loadclient.uuid_of(key) for key in saved
    }
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "OK:" in out.getvalue()

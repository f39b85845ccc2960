"""A worker keeps its database connection between requests, and a kept connection that has died is replaced before
the next request uses it (ADR 0025): against a real gunicorn worker on loopback and this test's database."""

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from bench import loadclient
from homestart.models import Role
from tests.conftest import PASSWORD, make_family, make_scheme, make_user, real_server_env

pytestmark = pytest.mark.postgres


# The name this test's server gives its connections: no other server's, even one still closing its connections.
SERVER = "homestart-test-connections"


def _app_backends() -> set[int]:
    """The server's connections to this test's database, by the name they carry."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s",
            [SERVER],
        )
        return {pid for (pid,) in cursor.fetchall()}


def _end(pids: set[int]) -> None:
    with connection.cursor() as cursor:
        for pid in pids:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.django_db(transaction=True)
def test_a_worker_keeps_its_connection_and_replaces_one_that_died() -> None:
    env = real_server_env(application_name=SERVER)
    scheme = make_scheme("CNX")
    coordinator = make_user(scheme, "cnxcoordinator", Role.COORDINATOR)
    volunteer = make_user(scheme, "cnxvolunteer", Role.VOLUNTEER)
    make_family(coordinator, "Okafor", volunteer=volunteer)
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0  # the production setting, DEBUG off
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"]

    with loadclient.gunicorn(env, workers=1) as base_url:
        browser = loadclient.Browser(base_url)
        loadclient.sign_in(browser, volunteer.username, PASSWORD)
        home = reverse("volunteers:home")
        assert browser.get(home).status == 200
        kept = _app_backends()
        assert len(kept) == 1  # the one worker's connection, open after its request ended
        assert browser.get(home).status == 200
        assert _app_backends() == kept  # the same connection served the next request

        _end(kept)  # as a database restart or a failover would
        answer = browser.get(home)

        assert answer.status == 200  # the dead connection was found and replaced: no failed page
        replaced = _app_backends()
        assert len(replaced) == 1
        assert replaced.isdisjoint(kept)

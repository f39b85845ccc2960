"""One write racing a change that holds its locks: the shape of the row-lock race tests (PostgreSQL only)."""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction

from homestart.exceptions import ActionNotAllowed


def write_while(change: Callable[[], Any], write: Callable[[], Any]) -> dict[str, Any]:
    """Run ``change`` in a transaction that stays open (its locks held) while ``write`` runs on another connection;
    then commit the change and let the write finish.

    Returns what the write answered (``written``, or ``refused`` with the service's message) and whether it was
    still waiting a second after it started (``waited``): a write that takes the same lock waits for the change and
    then sees it committed, whatever the timing."""
    changed, release, outcome = threading.Event(), threading.Event(), {}

    def changing() -> None:
        try:
            with transaction.atomic():
                change()
                changed.set()
                release.wait(timeout=10)
        finally:
            changed.set()
            connection.close()

    def writing() -> None:
        try:
            outcome["written"] = write()
        except ActionNotAllowed as exc:
            outcome["refused"] = exc.message
        finally:
            connection.close()

    first = threading.Thread(target=changing)
    first.start()
    changed.wait(timeout=10)
    second = threading.Thread(target=writing)
    second.start()
    second.join(timeout=1)
    outcome["waited"] = second.is_alive()
    release.set()
    first.join()
    second.join()
    return outcome

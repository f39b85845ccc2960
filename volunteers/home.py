"""The volunteer's home page ("My families") and what apps above volunteers add to it.

An app above this floor that has something for the volunteer to do (outcomes: assessments due with their families)
registers a ``HomePanel`` from its AppConfig.ready(): a template partial and what loads its context for the
volunteer and the families the page shows them (read already, as that volunteer may see them), or ``None`` when
there is nothing to show. The page shows the loaded panels above the families, in the order they were registered
(docs/adr/0007-floors-and-registries.md). Each panel's load runs a constant number of queries however many families
the volunteer has (tests/homestart/test_query_counts.py).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from families.models import Family
from homestart.models import User


@dataclass(frozen=True)
class HomePanel:
    name: str
    template: str
    load: Callable[[User, list[Family]], dict[str, Any] | None]


@dataclass(frozen=True)
class LoadedPanel:
    name: str
    template: str
    context: dict[str, Any]


PANELS: dict[str, HomePanel] = {}


def register(panel: HomePanel) -> HomePanel:
    """Add an app's panel (the same panel again, from a second ready() call, changes nothing)."""
    if PANELS.get(panel.name, panel) is not panel:
        raise ImproperlyConfigured(f"Home panel {panel.name!r} is registered twice.")
    PANELS[panel.name] = panel
    return panel


def loaded_panels(user: User, families: list[Family]) -> list[LoadedPanel]:
    """The panels that have something for this volunteer and the families shown to them, in registration order."""
    panels = []
    for panel in PANELS.values():
        context = panel.load(user, families)
        if context is not None:
            panels.append(LoadedPanel(panel.name, panel.template, context))
    return panels

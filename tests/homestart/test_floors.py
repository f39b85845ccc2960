"""ARCHITECTURE.md: each app imports only from its own floor or the floors below it.

import-linter's layers contract (pyproject.toml, run by CI and ``make lint``) checks Python imports. This test
also reads what import-linter cannot see: string model references ("safeguarding.Concern" in a foreign key or a
``get_model`` call) and reverse relations named in lookups, so an app cannot reach upward by a string either.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FLOORS = {
    "homestart": 1,
    "documents": 2,
    "families": 3,
    "volunteers": 4,
    "consents": 5,
    "safeguarding": 6,
    "outcomes": 7,
    "office": 8,
}
# The project's wiring may name every app; nothing imports it.
WIRING = {"homestart/settings.py", "homestart/settings_test.py", "homestart/urls.py", "homestart/wsgi.py"}
MODEL_REFERENCE = re.compile(rf"^({'|'.join(FLOORS)})\.[A-Z]\w*$")


def _app_modules() -> list[Path]:
    return [
        path
        for app in FLOORS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and str(path.relative_to(ROOT)) not in WIRING
    ]


def _references(path: Path) -> list[tuple[str, int, str]]:
    """Every app this module names: imports at any depth, string model labels, get_model("app", ...) calls."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(alias.name.split(".")[0], node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module.split(".")[0], node.lineno, node.module))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and MODEL_REFERENCE.match(node.value):
            found.append((node.value.split(".")[0], node.lineno, node.value))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "get_model"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            label = node.args[0].value
            found.append((label.split(".")[0], node.lineno, f"get_model({label!r})"))
    return [reference for reference in found if reference[0] in FLOORS]


def test_no_app_reaches_a_floor_above_it() -> None:
    upward = []
    for path in _app_modules():
        app = path.relative_to(ROOT).parts[0]
        for target, line, name in _references(path):
            if FLOORS[target] > FLOORS[app]:
                upward.append(f"{path.relative_to(ROOT)}:{line} {app} -> {name}")
    assert not upward, "Upward references:\n" + "\n".join(upward)


def test_the_apps_form_no_cycle() -> None:
    """Follows from the floors, and is checked on its own so a new app left off FLOORS cannot hide a cycle."""
    edges = {
        (path.relative_to(ROOT).parts[0], target)
        for path in _app_modules()
        for target, _line, _name in _references(path)
        if target != path.relative_to(ROOT).parts[0]
    }
    graph: dict[str, set[str]] = {}
    for source, target in edges:
        graph.setdefault(source, set()).add(target)

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, ()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    cycles = sorted(app for app in graph if reaches(app, app, {app}))
    assert not cycles, f"Apps on a cycle: {cycles}"


def test_every_app_is_on_a_floor() -> None:
    """A new app must be given its floor here and in pyproject.toml's import-linter contract."""
    from django.conf import settings

    ours = [app for app in settings.INSTALLED_APPS if (ROOT / app / "apps.py").exists()]
    assert sorted(ours) == sorted(FLOORS)
    contract = (ROOT / "pyproject.toml").read_text()
    layers = re.search(r"layers = \[([^\]]*)\]", contract).group(1)
    assert [name.strip().strip('"') for name in layers.split(",")] == sorted(FLOORS, key=FLOORS.get, reverse=True)


def test_views_do_not_declare_url_patterns() -> None:
    """One urls.py per app: a view module never carries its own urlpatterns."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in _app_modules()
        if path.name != "urls.py" and re.search(r"^\w*urlpatterns\w* = ", path.read_text(), re.M)
    ]
    assert not offenders, offenders

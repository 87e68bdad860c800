"""Dependencies run one way (ARCHITECTURE.md): villages ← rosters ← inspections ← rectification ←
supervision ← dashboard. A lower app never imports a higher one; it lets the higher one register what
it needs at start-up. The working-day calendar (reminders.calendar and its table) is a leaf every app
may use; the rest of reminders calls down into the others."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

CHAIN = ["villages", "rosters", "inspections", "rectification", "supervision", "dashboard"]
LEAVES = {"reminders.calendar", "reminders.models", "reminders.registry", "reminders.recipients"}  # where higher apps plug in


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


@pytest.mark.parametrize("app", CHAIN)
def test_an_app_imports_nothing_above_it(app):
    above = CHAIN[CHAIN.index(app) + 1:] + ["reminders"]
    folder = Path(settings.BASE_DIR) / app
    offending = [
        f"{path.relative_to(settings.BASE_DIR)}: {module}"
        for path in folder.rglob("*.py") if "migrations" not in path.parts
        for module in _imports(path)
        if module.split(".")[0] in above and module not in LEAVES
    ]
    assert not offending, offending

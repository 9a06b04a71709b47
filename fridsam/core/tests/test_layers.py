"""The layers hold (ADR 0022): import-linter's contracts are kept, and the registries through which
the lower layers show what the higher ones contribute are complete."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from fridsam.core import navigation, reminders, start
from fridsam.organisations import panels

PYPROJECT = Path(__file__).resolve().parents[3] / "pyproject.toml"


def test_the_import_contracts_are_kept():
    # In a process of its own: import-linter configures logging, which would disable every logger
    # the suite's later tests read (``caplog`` saw nothing of Django's test logger after it).
    lint = (
        "import sys; from importlinter.cli import lint_imports; "
        "sys.exit(lint_imports(config_filename=sys.argv[1], no_cache=True, no_logo=True))"
    )
    result = subprocess.run([sys.executable, "-c", lint, str(PYPROJECT)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_section_of_the_start_page_and_place_in_the_menu_is_filled():
    # A hooks.py that is not found (renamed, or its app's registration lost) leaves a hole here.
    assert start.registered() == list(start.ORDER)
    assert navigation.registered() == list(navigation.ORDER)


def test_a_section_or_menu_place_nobody_decided_on_is_refused():
    with pytest.raises(ImproperlyConfigured):
        start.section("weather")
    with pytest.raises(ImproperlyConfigured):
        navigation.items("weather")


def test_the_municipality_pages_get_their_panels_and_the_reminders_their_collectors():
    assert {panel.__module__ for panel in panels._municipality_panels} == {
        "fridsam.accounts.hooks",
        "fridsam.coordination.hooks",
        "fridsam.evaluation.hooks",
        "fridsam.healthcheck.hooks",
        "fridsam.opencomparisons.hooks",
        "fridsam.public.hooks",
        "fridsam.statistics.hooks",
    }
    assert [panel.__module__ for panel in panels._list_panels] == ["fridsam.coordination.hooks"]
    assert [finder.__module__ for finder in panels._contact_finders] == ["fridsam.accounts.selectors"]
    assert {collector.__module__ for collector in reminders._collectors} == {
        "fridsam.competence.reminders",
        "fridsam.routines.reminders",
        "fridsam.logreview.reminders",
    }
    assert "kind" in reminders._labels  # routines name the kind of document in their messages


def test_two_panels_giving_the_same_name_is_an_error():
    with pytest.raises(ValueError, match="check"):
        panels._merge([{"check": 1}, {"check": 2}])


# Modules below the views: they are called from views, tasks, the API and management commands
# alike, so none of their functions may take an HTTP request (the actor carries who and from
# where: fridsam.core.actor).
_BELOW_THE_VIEWS = ("services", "selectors", "survey", "reads", "audit", "tallies", "reminders")


def test_no_service_or_selector_takes_a_request():
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in sorted(root.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        if path.stem not in _BELOW_THE_VIEWS and path.parent.name not in _BELOW_THE_VIEWS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                args = node.args
                names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
                if "request" in names:
                    offenders.append(f"{path.relative_to(root.parent)}:{node.lineno} {node.name}")
    assert offenders == [], "functions below the views that take a request: " + ", ".join(offenders)

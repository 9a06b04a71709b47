"""Every page kept by ``@kept_page`` (ADR 0047), for every role of its tenant that may see it: kept
after its second build, served again without building it, the same as built afresh, kept apart
per person, and built again once what it shows changes.

Inside a transaction nothing is kept, and every test runs inside one: here the test's own
transaction does not count (as if each request ran on its own), and the writes' on-commit
callbacks run when their transaction would commit."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache

from fridsam.core.models import AccessLogEntry
from fridsam.core.roles import Role
from fridsam.core.tenancy import unscoped
from fridsam.core.testing import cache_outside_the_tests_transaction, count_queries, forget_kept, without_csrf_tokens
from fridsam.organisations import services as organisations
from tests.test_url_sweep import URLS, url_for

KEPT = [(name, pattern) for name, pattern in URLS if getattr(pattern.callback, "kept_page", False)]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def served_outside_the_tests_transaction(monkeypatch):
    cache_outside_the_tests_transaction(monkeypatch)
    cache.clear()


def _content(response) -> bytes:
    return without_csrf_tokens(response.content)


def _forget_kept_pages():
    forget_kept("page")


def test_the_views_that_keep_their_pages():
    """A view keeps its page only if it shows what the database holds and nothing else (the
    clock finer than a day, a file, another service): each is named here when it is decided."""
    assert {name for name, _ in KEPT} == {
        "accounts:profile",
        "collaboration:group_detail",
        "collaboration:group_list",
        "competence:catalogue",
        "competence:coverage",
        "competence:mine",
        "competence:plans",
        "evaluation:coordinator_questionnaire",
        "evaluation:partner_survey",
        "healthcheck:county_matrix",
        "housing:exchange_index",
        "housing:provider_list",
        "integrations:credential_list",
        "organisations:municipality_detail",
        "organisations:municipality_list",
        "organisations:partner_list",
        "retention:overview",
        "retention:staff",
        "routines:action_plan_detail",
        "routines:document_list",
        "statistics:index",
    }


@pytest.mark.parametrize(("name", "pattern"), KEPT, ids=[n for n, _ in KEPT])
def test_a_kept_page_is_served_without_building_it_and_is_what_a_build_would_show(world, client, name, pattern):
    url = url_for(world, name, pattern)
    users = list(world.own.users.values())  # every role of the tenant, the county analyst among them
    seen = kept = 0
    for user in users:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        first = client.get(url)
        if first.status_code != 200:
            continue  # not this role's page
        seen += 1
        # The first request sets the CSRF cookie the key names; the next build finds what the
        # page reads, the one after it is kept.
        client.get(url)
        client.get(url)
        again = {}
        kept_queries = count_queries(lambda: again.setdefault("response", client.get(url)))
        response = again["response"]
        assert response.status_code == 200
        _forget_kept_pages()
        logged = AccessLogEntry.objects.count()
        fresh_queries = count_queries(lambda: again.setdefault("fresh", client.get(url)))
        assert _content(response) == _content(again["fresh"]), f"{name} as {user.username}"
        if AccessLogEntry.objects.count() > logged:
            continue  # what this role reads of it is logged: never kept for them
        kept += 1
        assert kept_queries < fresh_queries, f"{name} as {user.username}: {kept_queries} ≥ {fresh_queries}"
    assert seen, f"no role of the tenant reaches {url}"
    assert kept, f"{url} is kept for no role of the tenant"


def test_a_kept_page_is_built_again_when_what_it_shows_changes_and_is_kept_apart_per_person(
    world, client, django_capture_on_commit_callbacks
):
    municipality = world.own.municipality
    url = f"/kommuner/{municipality.code}/"
    coordinator = world.own.users[Role.COORDINATOR]
    client.force_login(coordinator, backend="django.contrib.auth.backends.ModelBackend")
    for _ in range(3):
        before = client.get(url)
    assert "Nya enheten" not in before.content.decode()
    with unscoped(), django_capture_on_commit_callbacks(execute=True):  # the write commits
        organisations.unit_create(municipality=municipality, name="Nya enheten", unit_type="other")
    assert "Nya enheten" in client.get(url).content.decode()

    # Another person's page under the same address is their own, not the coordinator's.
    client.force_login(world.neighbour.users[Role.COORDINATOR], backend="django.contrib.auth.backends.ModelBackend")
    for _ in range(3):
        assert client.get(url).status_code == 404


def test_a_kept_page_that_changes_by_the_clock_is_current_until_then(world, client, monkeypatch):
    """The housing register says a report of free places is fresh until it is 48 hours old: a
    page kept while it was fresh is built again once it is not (generations.changes_at)."""
    from django.utils import timezone

    from fridsam.housing import services as housing
    from fridsam.housing.models import AvailabilityReport
    from fridsam.housing.tests.conftest import provider_fields

    coordinator = world.own.users[Role.COORDINATOR]
    with unscoped():
        provider = housing.provider_save(
            county=world.own.county, fields=provider_fields(world.own), address="Gatan 1", user=coordinator
        )
        report = housing.availability_report(provider=provider, free_places=2, free_family_rooms=1, user=coordinator)
        reported = timezone.now() - datetime.timedelta(hours=47, minutes=59)
        AvailabilityReport.objects.filter(pk=report.pk).update(reported_at=reported)
    client.force_login(coordinator, backend="django.contrib.auth.backends.ModelBackend")
    for _ in range(3):
        fresh = client.get("/skyddat-boende/")
    kept = count_queries(lambda: client.get("/skyddat-boende/"))
    assert _content(client.get("/skyddat-boende/")) == _content(fresh)

    later = timezone.now() + datetime.timedelta(minutes=2)  # the report is 48 hours and a minute old
    monkeypatch.setattr(timezone, "now", lambda: later)
    built = {}
    assert count_queries(lambda: built.setdefault("page", client.get("/skyddat-boende/"))) > kept
    assert _content(built["page"]) != _content(fresh)
    _forget_kept_pages()
    assert _content(client.get("/skyddat-boende/")) == _content(built["page"])

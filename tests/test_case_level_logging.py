"""Every read of case-level data leaves a trace in the access log (ADR 0021).

Generated from the URLconf like the URL sweep (whose sample objects it reuses):

* every URL declared case-level (``fridsam.core.caselevel.case_level`` on the view) is rendered
  by the own tenant's users: whoever sees it produces a log row naming the object, and whoever
  must give a purpose first is sent to the purpose form and sees nothing until they have;
* a refused attempt on it (403, 404) by a logged-in user writes one ``denied`` row, the same
  whether the object exists or not; an anonymous visitor writes nothing;
* every named URL is requested by the own tenant's users while the database statements are
  watched: a URL that reads a case-level table (derived from the scoped managers) must be
  declared, or be listed in ``NOT_CASE_LEVEL`` with the reason it shows no case-level data.
"""

from __future__ import annotations

import datetime
import re
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from fridsam.core.caselevel import case_level_models, case_level_urls
from fridsam.core.models import AccessAction, AccessLogEntry
from fridsam.core.roles import Role
from tests.test_url_sweep import (
    POST_ONLY,
    TENANT_KWARGS,
    URLS,
    _agreements,
    _followup,
    _housing,
    _is_login_redirect,
    url_for,
)

# Reads of case-level tables that show no case-level data, each with its reason.
NOT_CASE_LEVEL = {
    "core:start": "counts only: the user's own open records, consultations waiting, applicants waiting",
    "followup:consultation_statistics": "counts per month and unit, no consultation",
    "opencomparisons:survey": "the survey's evidence counts records, closures and placements; no record",
    "healthcheck:county_matrix": "the health check counts consultations and records (HK15, HK17)",
    "healthcheck:history": "the health check counts consultations and records (HK15, HK17)",
    "organisations:municipality_detail": "the municipality's health check: counts (HK15, HK17)",
    "reports:county": "the report's figures and health check: counts",
    "reports:municipality": "the report's figures and health check: counts",
    "reports:municipality_pdf": "the report's figures and health check: counts",
    "tasks:retry": "the county report made again (the sweep's task): its figures and health check, counts",
    "housing:ledger": "the balance of the exchange: applicants placed, counted per municipality",
    # The exchange shares an applicant as a number, the household and its needs (ADR 0012); only
    # the applicant's own page shows what the responsible municipality alone sees.
    "housing:exchange_index": "applicants as the exchange shares them (number, household, needs)",
    "housing:match_run_create": "the matching reads the waiting applicants to place them; shows nothing",
    "housing:match_run_detail": "applicants as the exchange shares them (number, household, needs)",
    "housing:proposal_accept": "takes a proposal up (logged as the allocation it creates); shows nothing",
    "housing:allocation_detail": "the applicant as the exchange shares it with the other party",
    "housing:allocation_action": "an allocation's step (logged by the service); shows nothing",
    "housing:allocation_reveal": "the apartment's address (logged as a reveal); the applicant as shared",
    "housing:apartment_detail": "the apartment's allocations: applicants as the exchange shares them",
    "housing:apartment_reveal": "the apartment's address (logged as a reveal)",
    # Retention counts a municipality's due records per kind and unit (and deletes them when a
    # culling is signed off); its pages show the counts and the rules, never a record.
    "retention:preview": "counts what is due per kind and unit; shows nothing",
    "retention:installation_preview": "counts the access-log entries due; shows nothing",
    "retention:staff_leave": "counts the leaver's open records and consultations; shows none",
    "admin:core_accesslogentry_changelist": "administrators see account events only, never a case's",
    "admin:core_accesslogentry_change": "administrators see account events only, never a case's",
}
# The admin site's deletion check looks for rows that refer to the object and names their kinds.
NOT_CASE_LEVEL_PATTERNS = {
    re.compile(r"^admin:\w+_delete$"): "it names only the kinds of case-level rows, and refuses (core.admin_site)"
}


def _exempt(name: str) -> bool:
    return name in NOT_CASE_LEVEL or any(p.match(name) for p in NOT_CASE_LEVEL_PATTERNS)


PURPOSE_URL = reverse("followup:purpose")


def _case_tables() -> set[str]:
    tables = set()
    for model in case_level_models():
        tables.add(model._meta.db_table)
        tables |= {f.remote_field.through._meta.db_table for f in model._meta.local_many_to_many}
    return tables


CASE_TABLES = _case_tables()
_TABLE = re.compile(r'\b(?:FROM|JOIN|INTO|UPDATE)\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE)
_AUDIT = str(Path("fridsam", "core", "audit.py"))


@contextmanager
def case_tables_read():
    """The case-level tables that the statements run inside the block touch, apart from the
    access log's own writer (every logged page reads the chain's head to append to it)."""
    touched: set[str] = set()

    def watch(execute, sql, params, many, context):
        frame = sys._getframe(1)
        while frame is not None:
            if frame.f_code.co_filename.endswith(_AUDIT):
                return execute(sql, params, many, context)
            frame = frame.f_back
        touched.update(t for t in _TABLE.findall(sql) if t in CASE_TABLES)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        yield touched


def _last_sequence() -> int:
    head = AccessLogEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first()
    return head or 0


def _rows_since(sequence: int) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(sequence__gt=sequence).order_by("sequence"))


def _build_everything(world):
    """The sweep's sample objects, so that the pages have case-level data to show."""
    _followup(world), _housing(world), _agreements(world)


# --- The registry, rendered -------------------------------------------------------------------

REGISTRY = sorted(case_level_urls().items())
SWEEP_PATTERNS = dict(URLS)

# POST data that lets a POST-only view do its work.
POST_DATA = {
    "followup:record_find": {"reference": "SWEEP-1"},
    # The log review draws last month's review (it reads the month's access log).
    "logreview:draw": {"start": (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).isoformat()},
}

# Who is tried, in this order: the owner of the sample record first.
READERS = [Role.SOCIAL_WORKER, Role.COORDINATOR, Role.MANAGER, Role.PARTNER, Role.COUNTY_ANALYST]


def _sample_id(world, name, spec) -> str:
    """The object the URL asks for, as the row must name it."""
    if spec.kwarg:
        return str(TENANT_KWARGS[name](world)[spec.kwarg])
    if spec.query:
        return str(_followup(world)[0].pk)  # every query parameter in the registry names a record
    return ""


def _registry_url(world, name, spec) -> str:
    url = url_for(world, name, SWEEP_PATTERNS[name])
    if spec.query:
        path = url.split("?", 1)[0]
        url = f"{path}?{spec.query}={_sample_id(world, name, spec)}"
    return url


def _names(spec, row, expected_id) -> bool:
    if row.object_type != spec.model:
        return False
    if spec.many:
        return row.action in (AccessAction.LIST, AccessAction.EXPORT)
    return row.object_id == expected_id


def _request(client, name, url):
    if name in POST_ONLY:
        return client.post(url, POST_DATA.get(name, {}))
    return client.get(url)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "spec"), REGISTRY, ids=[n for n, _ in REGISTRY])
def test_a_case_level_page_logs_what_it_shows_to_whom(world, client, name, spec):
    assert name in SWEEP_PATTERNS, f"{name} is not a named URL"
    _build_everything(world)
    url = _registry_url(world, name, spec)
    expected_id = _sample_id(world, name, spec)
    shown_to = []
    for role in READERS:
        user = world.own.users[role]
        world.act_as(client, user)
        before = _last_sequence()
        response = _request(client, name, url)
        purpose_given = ""
        if response.status_code == 302 and response["Location"].startswith(PURPOSE_URL):
            rows = _rows_since(before)
            assert not [r for r in rows if r.object_type == spec.model and r.action != AccessAction.DENIED], (
                f"{name} logged a read for {user.username} who has not given a purpose yet"
            )
            client.post(PURPOSE_URL, {"purpose": "supervision", "detail": ""})
            purpose_given = "Arbetsledning"
            before = _last_sequence()
            response = _request(client, name, url)
        rows = _rows_since(before)
        assert not _is_login_redirect(response), f"{name} sent {user.username} to the login page"
        if response.status_code in (403, 404):
            denied = [r for r in rows if r.action == AccessAction.DENIED]
            assert len(denied) == 1 and name in denied[0].detail, f"{name}: refusal of {user.username} not logged"
        elif response.status_code == 200:
            naming = [r for r in rows if _names(spec, r, expected_id) and r.user_id == user.pk]
            assert naming, f"{name} ({url}) showed case-level data to {user.username} without a log row naming it"
            if purpose_given:
                assert all(purpose_given in r.purpose for r in naming), f"{name}: the purpose is missing"
            shown_to.append(user.username)
        else:
            assert response.status_code == 302, f"{name} answered {response.status_code} to {user.username}"
            assert name in POST_ONLY or not response["Location"].startswith(PURPOSE_URL), name
            shown_to.append(user.username)
        client.cookies.clear()
    assert shown_to, f"{name} ({url}) is reached by nobody of its own tenant"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "spec"), REGISTRY, ids=[n for n, _ in REGISTRY])
def test_a_refused_attempt_is_logged_once_and_anonymous_visitors_write_nothing(world, client, name, spec):
    _build_everything(world)
    url = _registry_url(world, name, spec)
    expected_id = _sample_id(world, name, spec)

    before = _last_sequence()
    response = _request(client, name, url)
    assert _is_login_redirect(response)
    assert _last_sequence() == before, f"{name}: an anonymous request wrote to the access log"

    for role in (Role.SOCIAL_WORKER, Role.COORDINATOR, Role.MANAGER, Role.PARTNER):
        user = world.foreign.users[role]
        world.act_as(client, user)
        before = _last_sequence()
        response = _request(client, name, url)
        rows = _rows_since(before)
        client.cookies.clear()
        if response.status_code not in (403, 404):
            continue  # a page of one's own (a list, an empty form), not a refusal
        assert [(r.action, r.object_type, r.object_id, r.detail) for r in rows] == [
            (AccessAction.DENIED, spec.model, expected_id, f"{name} {response.status_code}")
        ], f"{name}: the refusal of {user.username} is not one denied row"
        row = rows[0]
        assert row.user_id == user.pk
        own_municipality = next((m.municipality_id for m in user.memberships.all() if m.municipality_id), None)
        assert row.municipality_id == own_municipality, "the row belongs to the asker's municipality"


@pytest.mark.django_db
def test_a_refusal_reads_the_same_whether_the_object_exists_or_not(world, client):
    record = _followup(world)[0]
    prober = world.neighbour.users[Role.COORDINATOR]
    world.act_as(client, prober)
    rows, bodies = [], []
    for pk in (record.pk, record.pk + 10_000):
        before = _last_sequence()
        path = reverse("followup:record_detail", kwargs={"pk": pk})
        response = client.get(path)
        assert response.status_code == 404
        # The page differs only in the address asked for (the language form's "next") and the token.
        body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)
        bodies.append(body.replace(path.encode(), b"PATH"))
        (row,) = _rows_since(before)
        rows.append(row)
    assert bodies[0] == bodies[1]
    fields = ["user_id", "username", "role", "organisation", "municipality_id", "county_id", "action"]
    fields += ["object_type", "purpose", "detail", "ip_address"]
    assert [getattr(rows[0], f) for f in fields] == [getattr(rows[1], f) for f in fields]
    assert (rows[0].object_id, rows[1].object_id) == (str(record.pk), str(record.pk + 10_000))
    assert rows[0].municipality_id == world.neighbour.municipality.pk  # the prober's, never the record's


@pytest.mark.django_db
def test_a_403_on_a_case_level_url_is_logged_and_a_404_elsewhere_is_not(world, client):
    partner = world.own.users[Role.PARTNER]
    world.act_as(client, partner)
    before = _last_sequence()
    assert client.get(reverse("followup:record_list")).status_code == 403
    (row,) = _rows_since(before)
    assert (row.action, row.object_type, row.object_id, row.detail) == (
        AccessAction.DENIED,
        "followup.followuprecord",
        "",
        "followup:record_list 403",
    )
    assert row.municipality_id is None and row.county_id == world.own.county.pk
    before = _last_sequence()
    assert client.get(reverse("housing:provider_detail", kwargs={"pk": 999_999})).status_code == 404
    assert client.get("/uppfoljning/finns-inte/").status_code == 404
    assert _last_sequence() == before


# --- The specific reads of the finding ----------------------------------------------------------


def _give_purpose(client):
    client.post(PURPOSE_URL, {"purpose": "allocation", "detail": ""})


@pytest.mark.django_db
def test_the_reassign_page_asks_for_a_purpose_and_logs_the_read(world, client):
    record = _followup(world)[0]
    manager = world.own.users[Role.MANAGER]
    world.act_as(client, manager)
    url = reverse("followup:record_reassign", kwargs={"pk": record.pk})
    before = _last_sequence()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(PURPOSE_URL)
    assert _rows_since(before) == []
    _give_purpose(client)
    before = _last_sequence()
    response = client.get(url)
    assert response.status_code == 200
    assert record.get_category_display() in response.content.decode()
    (row,) = _rows_since(before)
    assert (row.action, row.object_type, row.object_id, row.detail) == (
        AccessAction.READ,
        "followup.followuprecord",
        str(record.pk),
        "reassign",
    )
    assert row.purpose == "Fördelning av ärenden" and row.municipality_id == world.own.municipality.pk


@pytest.mark.django_db
def test_a_referral_form_linked_to_a_record_reads_the_record_with_a_purpose(world, client):
    record = _followup(world)[0]
    url = reverse("collaboration:referral_create") + f"?uppfoljning={record.pk}"
    coordinator = world.own.users[Role.COORDINATOR]
    world.act_as(client, coordinator)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(PURPOSE_URL)
    _give_purpose(client)
    before = _last_sequence()
    assert client.get(url).status_code == 200
    (row,) = _rows_since(before)
    assert (row.action, row.object_id, row.detail, row.purpose) == (
        AccessAction.READ,
        str(record.pk),
        "referral",
        "Fördelning av ärenden",
    )
    # The owner needs no purpose; the form without a record reads no record and logs nothing.
    client.cookies.clear()
    world.act_as(client, world.own.users[Role.SOCIAL_WORKER])
    before = _last_sequence()
    assert client.get(url).status_code == 200
    (row,) = _rows_since(before)
    assert (row.object_id, row.purpose) == (str(record.pk), "")
    before = _last_sequence()
    assert client.get(reverse("collaboration:referral_create")).status_code == 200
    assert _rows_since(before) == []


@pytest.mark.django_db
def test_the_referral_list_is_logged_in_each_municipality_it_shows(world, client):
    from fridsam.collaboration import services

    own_referral = _agreements(world)[1]
    neighbour_referral = services.referral_create(
        municipality=world.neighbour.municipality,
        unit=world.neighbour.unit,
        partner=world.own.partner,  # the own county's partner receives from both municipalities
        category="womens_shelter",
        referred_on=own_referral.referred_on,
        user=world.neighbour.users[Role.COORDINATOR],
    )
    partner = world.own.users[Role.PARTNER]
    world.act_as(client, partner)
    before = _last_sequence()
    assert client.get(reverse("collaboration:referral_list")).status_code == 200
    rows = _rows_since(before)
    assert {(r.action, r.object_type, r.municipality_id, r.detail) for r in rows} == {
        (AccessAction.LIST, "collaboration.referral", world.own.municipality.pk, str(own_referral.pk)),
        (AccessAction.LIST, "collaboration.referral", world.neighbour.municipality.pk, str(neighbour_referral.pk)),
    }
    assert all(r.user_id == partner.pk for r in rows)


@pytest.mark.django_db
def test_an_applicants_page_is_logged(world, client):
    applicant = _housing(world)[3]
    coordinator = world.own.users[Role.COORDINATOR]
    world.act_as(client, coordinator)
    before = _last_sequence()
    assert client.get(reverse("housing:applicant_detail", kwargs={"pk": applicant.pk})).status_code == 200
    (row,) = _rows_since(before)
    assert (row.action, row.object_type, row.object_id, row.municipality_id) == (
        AccessAction.READ,
        "housing.applicant",
        str(applicant.pk),
        world.own.municipality.pk,
    )


@pytest.mark.django_db
def test_a_consultation_shows_its_linked_record_only_with_a_purpose_and_logs_it(world, client):
    from fridsam.followup import services

    record = _followup(world)[0]
    worker = world.own.users[Role.SOCIAL_WORKER]
    consultation = services.consultation_ask(
        asked_by=worker,
        municipality=world.own.municipality,
        unit=world.own.unit,
        question="Hur bedömer vi risken?",
        topic="risk",
        urgency="week",
        record=record,
    )
    url = reverse("followup:consultation_detail", kwargs={"pk": consultation.pk})
    category = str(record.get_category_display())

    coordinator = world.own.users[Role.COORDINATOR]  # answers the municipality's consultations
    world.act_as(client, coordinator)
    before = _last_sequence()
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert category not in page and PURPOSE_URL in page
    assert [(r.object_type, r.object_id) for r in _rows_since(before)] == [
        ("followup.consultation", str(consultation.pk))
    ]

    _give_purpose(client)
    before = _last_sequence()
    response = client.get(url)
    assert category in response.content.decode()
    rows = {r.object_type: r for r in _rows_since(before)}
    assert (rows["followup.followuprecord"].object_id, rows["followup.followuprecord"].purpose) == (
        str(record.pk),
        "Fördelning av ärenden",
    )
    assert rows["followup.followuprecord"].detail == "consultation"

    client.cookies.clear()
    world.act_as(client, worker)  # the asker owns the record: no purpose
    before = _last_sequence()
    assert category in client.get(url).content.decode()
    assert [(r.object_type, r.purpose) for r in _rows_since(before) if r.object_type == "followup.followuprecord"] == [
        ("followup.followuprecord", "")
    ]


@pytest.mark.django_db
def test_a_search_by_reference_is_logged_without_the_reference(world, client):
    record = _followup(world)[0]
    world.act_as(client, world.own.users[Role.SOCIAL_WORKER])
    url = reverse("followup:record_find")
    for reference, found in (("SWEEP-1", str(record.pk)), ("SWEEP-404", "")):
        before = _last_sequence()
        client.post(url, {"reference": reference})
        (row,) = _rows_since(before)
        assert (row.action, row.object_type, row.object_id) == (AccessAction.LIST, "followup.followuprecord", found)
        assert row.detail == "search by reference: " + ("found" if found else "no match")
        assert reference not in " ".join([row.detail, row.purpose, row.object_id])


@pytest.mark.django_db
def test_the_consultation_form_logs_the_own_records_it_offers(world, client):
    record = _followup(world)[0]
    world.act_as(client, world.own.users[Role.SOCIAL_WORKER])
    before = _last_sequence()
    response = client.get(reverse("followup:consultation_create") + f"?uppfoljning={record.pk}")
    assert response.status_code == 200
    (row,) = _rows_since(before)
    assert (row.action, row.object_id, row.detail) == (
        AccessAction.LIST,
        str(record.pk),
        f"consultation form: {record.pk}",
    )


# --- Nothing reads case-level tables undeclared -------------------------------------------------


def _insiders(world):
    return [*world.own.users.values(), world.administrator]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "pattern"), URLS, ids=[n for n, _ in URLS])
def test_a_url_that_reads_case_level_tables_is_declared(world, client, name, pattern):
    _build_everything(world)
    registry = case_level_urls()
    spec = registry.get(name)
    url = _registry_url(world, name, spec) if spec else url_for(world, name, pattern)
    touched: dict[str, set[str]] = {}
    for user in _insiders(world):
        world.act_as(client, user)
        with case_tables_read() as tables:
            response = _request(client, name, url)
        if response.status_code == 302 and response["Location"].startswith(PURPOSE_URL):
            # A page that only the readers of others' records see asks for the purpose first.
            client.post(PURPOSE_URL, {"purpose": "supervision", "detail": ""})
            with case_tables_read() as tables:
                _request(client, name, url)
        if tables:
            touched[user.username] = set(tables)
        client.cookies.clear()
    if spec is not None:
        assert not _exempt(name), f"{name} is declared and also exempted in NOT_CASE_LEVEL"
        assert touched, f"{name} is declared case-level but reads no case-level table: a stale declaration?"
    elif name in NOT_CASE_LEVEL:
        assert touched, f"{name} reads no case-level table: remove it from NOT_CASE_LEVEL"
    elif not _exempt(name):
        assert not touched, (
            f"{name} ({url}) reads case-level tables {touched} but is not declared: decorate the view with "
            "fridsam.core.caselevel.case_level and log the read in its selector, or list it in NOT_CASE_LEVEL "
            "with the reason it shows no case-level data"
        )


def test_every_exemption_names_a_url():
    names = {n for n, _ in URLS}
    assert set(NOT_CASE_LEVEL) <= names, f"stale entries: {set(NOT_CASE_LEVEL) - names}"


def test_the_case_level_models_come_from_the_managers():
    labels = {m._meta.label_lower for m in case_level_models()}
    assert {
        "followup.followuprecord",
        "followup.intervention",
        "followup.assessment",
        "followup.consultation",
        "followup.consultationreply",
        "followup.recordevent",
        "core.accesslogentry",
        "housing.applicant",
        "collaboration.referral",
        "logreview.review",  # a log review and its drawn reads (ADR 0039)
        "logreview.reviewitem",
    } == labels

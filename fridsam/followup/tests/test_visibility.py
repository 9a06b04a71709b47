"""Who sees what, through real HTTP: every read, list and export logged, with a purpose when
the reader is not the owner."""

import datetime

import pytest

from fridsam.accounts.tests import factories as account_factories
from fridsam.core.models import AccessLogEntry
from fridsam.core.roles import Role
from fridsam.core.testing import count_queries
from fridsam.organisations.tests import factories as org_factories

pytestmark = pytest.mark.django_db


def _reads(record):
    return AccessLogEntry.objects.filter(
        action="read", object_type="followup.followuprecord", object_id=str(record.pk)
    ).order_by("sequence")


def test_the_owner_reads_without_purpose_and_every_read_is_logged(world, make_record, login):
    record = make_record()
    client = login(world.own.users[Role.SOCIAL_WORKER])
    for _ in range(2):
        response = client.get(f"/uppfoljning/{record.pk}/")
        assert response.status_code == 200
    assert _reads(record).count() == 2
    assert set(_reads(record).values_list("purpose", flat=True)) == {""}


@pytest.mark.parametrize("role", [Role.MANAGER, Role.COORDINATOR])
def test_managers_and_coordinators_read_with_a_purpose_that_is_logged(world, make_record, login, role):
    record = make_record()
    client = login(world.own.users[role])
    response = client.get(f"/uppfoljning/{record.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/uppfoljning/syfte/")
    assert _reads(record).count() == 0
    response = client.post(
        "/uppfoljning/syfte/", {"purpose": "other", "detail": "", "next": f"/uppfoljning/{record.pk}/"}
    )
    assert response.status_code == 200 and "purpose" not in response.context["form"].errors  # detail required
    response = client.post(
        "/uppfoljning/syfte/", {"purpose": "supervision", "detail": "", "next": f"/uppfoljning/{record.pk}/"}
    )
    assert response["Location"] == f"/uppfoljning/{record.pk}/"
    assert client.get(f"/uppfoljning/{record.pk}/").status_code == 200
    entry = _reads(record).get()
    assert entry.purpose.startswith("Arbetsledning") and entry.username == world.own.users[role].username
    response = client.get("/uppfoljning/?vy=alla")
    assert response.status_code == 200 and record.number in response.content.decode()
    listing = AccessLogEntry.objects.filter(action="list", object_type="followup.followuprecord").latest("sequence")
    assert listing.purpose.startswith("Arbetsledning") and str(record.pk) in listing.detail


def test_a_manager_of_another_unit_and_other_social_workers_do_not_see_the_record(world, make_record, login):
    record = make_record()
    other_unit = org_factories.unit(municipality=world.own.municipality, name="Annan enhet")
    unit_manager = account_factories.staff(
        Role.MANAGER, municipality=world.own.municipality, unit=other_unit, username="other-unit-manager"
    )
    colleague = account_factories.staff(
        Role.SOCIAL_WORKER, municipality=world.own.municipality, unit=world.own.unit, username="colleague"
    )
    for user in (unit_manager, colleague):
        client = login(user)
        session = client.session
        session["fridsam_followup_purpose"] = {"text": "x", "until": "2999-01-01T00:00:00+00:00"}
        session.save()
        assert client.get(f"/uppfoljning/{record.pk}/").status_code == 404
        assert record.number not in client.get("/uppfoljning/?vy=alla").content.decode()


@pytest.mark.parametrize("role", [Role.COUNTY_ANALYST, Role.PARTNER, Role.ADMINISTRATOR])
def test_the_county_partners_and_administrators_never_see_records(world, make_record, login, role):
    record = make_record()
    user = world.administrator if role == Role.ADMINISTRATOR else world.own.users[role]
    client = login(user)
    assert client.get(f"/uppfoljning/{record.pk}/").status_code in (403, 404)
    assert client.get("/uppfoljning/").status_code in (403, 404)
    assert client.get("/uppfoljning/export.csv").status_code in (403, 404)


def test_only_the_owner_changes_and_the_manager_reassigns(world, make_record, login):
    record = make_record()
    manager = login(world.own.users[Role.MANAGER])
    assert manager.get(f"/uppfoljning/{record.pk}/andra/").status_code == 403
    other = account_factories.staff(
        Role.SOCIAL_WORKER, municipality=world.own.municipality, unit=world.own.unit, username="new-owner"
    )
    # Reassigning shows the record to someone who is not its owner: a purpose first (ADR 0021).
    response = manager.post(f"/uppfoljning/{record.pk}/ny-agare/", {"owner": other.pk})
    assert response["Location"].startswith("/uppfoljning/syfte/")
    manager.post("/uppfoljning/syfte/", {"purpose": "allocation", "detail": ""})
    response = manager.post(f"/uppfoljning/{record.pk}/ny-agare/", {"owner": other.pk})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.owner == other


def test_export_is_logged_and_holds_categories_only(world, make_record, login):
    make_record(reference="IFO-EXPORT-1")
    client = login(world.own.users[Role.SOCIAL_WORKER])
    response = client.get("/uppfoljning/export.csv")
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    assert "IFO-EXPORT-1" not in body and "Vuxen som utsatts för våld" in body
    assert AccessLogEntry.objects.filter(action="export", object_type="followup.followuprecord").exists()


def test_register_through_the_form_re_shows_input_on_error(world, login, instruments):
    client = login(world.own.users[Role.SOCIAL_WORKER])
    data = {
        "unit": world.own.unit.pk,
        "reference": "IFO-77",
        "opened_on": "2026-03-02",
        "route_in": "police",
        "category": "child_exposed",
        "sex": "female",
        "age_band": "25-44",
        "relation": "parent",
        "violence_forms": ["physical"],
        "note": "Ring 121212-1212",
    }
    response = client.post("/uppfoljning/ny/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "age_band" in errors or "note" in errors
    assert 'value="IFO-77"' in response.content.decode()
    data.update(age_band="6-12", note="")
    response = client.post("/uppfoljning/ny/", data)
    assert response.status_code == 302


def test_record_list_has_a_constant_query_count(world, make_record, login):
    client = login(world.own.users[Role.SOCIAL_WORKER])
    make_record(reference="A-1")
    client.get("/uppfoljning/")  # the first request after logging in renews the session
    few = count_queries(lambda: client.get("/uppfoljning/"))
    for n in range(2, 30):
        make_record(reference=f"A-{n}", opened_on=datetime.date(2026, 3, 2))
    many = count_queries(lambda: client.get("/uppfoljning/"))
    assert many == few
    assert many <= 16


def test_record_page_has_a_constant_query_count(world, make_record, login):
    from fridsam.followup import services

    worker = world.own.users[Role.SOCIAL_WORKER]
    record = make_record()
    client = login(worker)
    client.get(f"/uppfoljning/{record.pk}/")  # the first request after logging in renews the session
    few = count_queries(lambda: client.get(f"/uppfoljning/{record.pk}/"))
    for day in range(3, 12):
        services.intervention_add(
            record=record, kind="support_talks", started_on=datetime.date(2026, 3, day), user=worker
        )
    many = count_queries(lambda: client.get(f"/uppfoljning/{record.pk}/"))
    assert many == few and many <= 22

"""The integrations' pages: a manager makes and revokes a credential; the file import."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from fridsam.core.roles import Role
from fridsam.followup.models import FollowUpRecord, Intervention
from fridsam.integrations import files
from fridsam.integrations.models import IntegrationCredential
from fridsam.integrations.services import secret_hash
from fridsam.integrations.tests.conftest import Api
from fridsam.statistics import exports

pytestmark = pytest.mark.django_db


def _create(client, world, **overrides):
    data = {
        "name": "Treserva",
        "acts_for": f"m{world.own.municipality.pk}",
        "unit": world.own.unit.pk,
        "permissions": ["push_followup", "read_statistics"],
        "expires_on": "2027-06-30",
    }
    data.update(overrides)
    return client.post(reverse("integrations:credential_create"), data)


def test_a_manager_creates_a_credential_sees_its_secret_once_and_revokes_it(world, client):
    world.act_as(client, world.own.users[Role.MANAGER])
    response = _create(client, world)
    assert response.status_code == 200
    token = response.context["token"]
    assert token in response.content.decode()
    credential = IntegrationCredential.objects.get()
    assert credential.secret_hash == secret_hash(token.split("_", 2)[2])
    assert token.split("_", 2)[2] not in str(IntegrationCredential.objects.values().get())
    assert (credential.municipality, credential.unit) == (world.own.municipality, world.own.unit)
    listing = client.get(reverse("integrations:credential_list")).content.decode()
    assert "Treserva" in listing and token not in listing
    assert reverse("integrations:file_import") in listing  # the manager imports files too

    assert Api(client.__class__(), token).get("/statistics/indicators").status_code == 200
    response = client.post(reverse("integrations:credential_revoke", args=[credential.pk]))
    assert response.status_code == 302
    assert Api(client.__class__(), token).get("/statistics/indicators").status_code == 401


def test_a_manager_cannot_make_a_credential_for_another_municipality_or_unit(world, client):
    world.act_as(client, world.own.users[Role.MANAGER])
    response = _create(client, world, acts_for=f"m{world.neighbour.municipality.pk}")
    assert response.status_code == 200 and "acts_for" in response.context["form"].errors
    response = _create(client, world, unit=world.neighbour.unit.pk)
    assert "unit" in response.context["form"].errors
    assert not IntegrationCredential.objects.exists()


def test_a_county_analyst_makes_a_county_credential_that_only_reads(world, client):
    world.act_as(client, world.own.users[Role.COUNTY_ANALYST])
    response = _create(client, world, acts_for=f"c{world.own.county.pk}", unit="", permissions=["push_followup"])
    assert "permissions" in response.context["form"].errors
    response = _create(client, world, acts_for=f"c{world.own.county.pk}", unit="", permissions=["read_statistics"])
    assert response.status_code == 200
    assert IntegrationCredential.objects.get().county == world.own.county
    # The file import is the municipality's: the county analyst's page does not point at it.
    listing = client.get(reverse("integrations:credential_list")).content.decode()
    assert reverse("integrations:file_import") not in listing
    assert client.get(reverse("integrations:file_import")).status_code == 404


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.COORDINATOR, Role.PARTNER])
def test_others_do_not_manage_credentials(world, client, role):
    world.act_as(client, world.own.users[role])
    assert client.get(reverse("integrations:credential_list")).status_code == 403
    assert client.get(reverse("integrations:credential_create")).status_code == 403


def _csv(rows):
    return exports.csv_bytes(files.HEADER, [[row.get(h, "") for h in files.HEADER] for row in rows])


def test_the_template_imports_as_it_is(world, client):
    world.act_as(client, world.own.users[Role.COORDINATOR])
    for kind in ("csv", "xlsx"):
        template = client.get(reverse("integrations:file_template", args=[kind]))
        assert template.status_code == 200
        response = client.post(
            reverse("integrations:file_import"),
            {"unit": world.own.unit.pk, "file": SimpleUploadedFile(f"mall.{kind}", template.content)},
        )
        assert response.status_code == 200, response.context["outcome"].errors
    record = FollowUpRecord.objects.get()  # the second import changed nothing
    assert record.status == "closed" and record.via == "Filimport" and record.owner is None
    assert Intervention.objects.get().quantity == 6
    sheet = load_workbook(io.BytesIO(template.content)).active
    assert [c.value for c in sheet[1]] == files.HEADER


def test_a_file_with_bad_rows_imports_nothing_and_lists_every_bad_row(world, client):
    world.act_as(client, world.own.users[Role.MANAGER])
    good = dict(zip(files.HEADER, files.template_rows()[0], strict=True))
    rows = [
        good,
        {**good, "reference": "IFO-2", "opened_on": "2026-02-30"},
        {**good, "reference": "121212-1212"},
        {**good, "reference": "IFO-3", "quantity": "5"},
        {**good, "reference": "IFO-4", "note": "Anna Andersson 19121212-1212"},
    ]
    response = client.post(
        reverse("integrations:file_import"),
        {"unit": world.own.unit.pk, "file": SimpleUploadedFile("fil.csv", _csv(rows))},
    )
    assert response.status_code == 400
    lines = [line for line, _message in response.context["outcome"].errors]
    assert lines == [3, 4, 5, 6]
    assert FollowUpRecord.objects.count() == 0


def test_a_file_that_is_not_a_table_is_refused_by_the_bounded_reader(world, client):
    world.act_as(client, world.own.users[Role.MANAGER])
    response = client.post(
        reverse("integrations:file_import"),
        {"unit": world.own.unit.pk, "file": SimpleUploadedFile("fil.xlsx", b"PK\x03\x04 not a workbook")},
    )
    assert response.status_code == 400
    assert response.context["outcome"].errors[0][0] is None


def test_the_import_is_for_the_municipalitys_managers_and_coordinators(world, client):
    world.act_as(client, world.own.users[Role.SOCIAL_WORKER])
    assert client.get(reverse("integrations:file_import")).status_code == 404
    world.act_as(client, world.own.users[Role.MANAGER])
    response = client.post(
        reverse("integrations:file_import"),
        {"unit": world.neighbour.unit.pk, "file": SimpleUploadedFile("fil.csv", _csv([]))},
    )
    assert "unit" in response.context["form"].errors

"""An administrator removing a unit never sees, nor takes along, its case records."""

import pytest
from django.urls import reverse

from fridsam.followup.models import FollowUpRecord
from fridsam.organisations.models import Unit

pytestmark = pytest.mark.django_db


def test_the_deletion_page_names_only_the_kind_of_case_rows_and_refuses(world, make_record, login):
    record = make_record()
    client = login(world.administrator)
    url = reverse("admin:organisations_unit_delete", args=[world.own.unit.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert str(record) not in html
    assert str(FollowUpRecord._meta.verbose_name_plural) in html  # the kind, so the refusal is understood
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Unit.objects.filter(pk=world.own.unit.pk).exists()
    assert FollowUpRecord.system_objects.filter(pk=record.pk).exists()


def test_a_unit_without_case_records_can_still_be_removed(world, login):
    from fridsam.organisations.tests import factories

    unit = factories.unit(municipality=world.own.municipality, name="Tom enhet")
    client = login(world.administrator)
    url = reverse("admin:organisations_unit_delete", args=[unit.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Unit.objects.filter(pk=unit.pk).exists()

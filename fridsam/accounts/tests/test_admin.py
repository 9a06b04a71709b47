"""Administrators manage accounts and memberships in the admin, under the same rules as the services."""

import pytest
from django.urls import reverse

from fridsam.accounts.models import Membership
from fridsam.accounts.tests import factories
from fridsam.core.models import AccessLogEntry
from fridsam.core.roles import Role

pytestmark = pytest.mark.django_db


def _add_membership(client, data):
    return client.post(
        reverse("admin:accounts_membership_add"),
        {
            "valid_from": "2026-01-01",
            "title": "",
            **data,
        },
    )


def test_county_is_derived_and_the_change_is_logged(world, client, login):
    login(world.administrator)
    user = factories.user()
    response = _add_membership(
        client, {"user": user.pk, "role": Role.MANAGER, "municipality": world.own.municipality.pk}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = Membership.objects.get(user=user)
    assert membership.county == world.own.municipality.county
    entry = AccessLogEntry.objects.get(object_type="accounts.membership", object_id=str(membership.pk))
    assert entry.username == world.administrator.username and entry.detail.startswith("admin")


def test_a_role_without_its_organisation_is_refused_with_a_message(world, client, login):
    login(world.administrator)
    user = factories.user()
    response = _add_membership(client, {"user": user.pk, "role": Role.SOCIAL_WORKER})
    assert response.status_code == 200
    assert "kräver en kommun" in response.content.decode()
    response = _add_membership(
        client,
        {
            "user": user.pk,
            "role": Role.SOCIAL_WORKER,
            "municipality": world.own.municipality.pk,
            "unit": world.neighbour.unit.pk,
        },
    )
    assert response.status_code == 200
    assert "hör inte till kommunen" in response.content.decode()
    assert not Membership.objects.filter(user=user).exists()


def test_the_access_log_cannot_be_edited_in_the_admin(world, client, login):
    login(world.administrator)
    assert client.get(reverse("admin:core_accesslogentry_changelist")).status_code == 200
    names = {
        p.name
        for p in __import__("fridsam.core.admin_site", fromlist=["site"]).site.get_urls()
        if getattr(p, "name", None)
    }
    assert "core_accesslogentry_add" not in str(names)

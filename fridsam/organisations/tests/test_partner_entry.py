"""Partners keep their own directory entry up to date; nobody else's."""

import pytest

from fridsam.accounts.models import Membership
from fridsam.core.models import AccessLogEntry
from fridsam.core.roles import Role

pytestmark = pytest.mark.django_db


def test_partner_updates_their_own_entry_and_contact_details(world, login):
    partner_user = world.own.users[Role.PARTNER]
    client = login(partner_user)
    url = f"/samverkansparter/{world.own.partner.pk}/andra/"
    response = client.post(
        url,
        {
            "phone": "021-99 99 99",
            "email": "jour@example.se",
            "description": "Stödsamtal och skyddat boende för kvinnor.",
            "municipalities": [world.own.municipality.pk],
            "my_title": "Verksamhetsledare",
            "my_phone": "070-123 45 67",
        },
    )
    assert response.status_code == 302
    world.own.partner.refresh_from_db()
    assert world.own.partner.phone == "021-99 99 99" and world.own.partner.updated_at
    assert list(world.own.partner.municipalities.all()) == [world.own.municipality]
    partner_user.refresh_from_db()
    assert partner_user.phone == "070-123 45 67"
    assert Membership.objects.get(user=partner_user, role=Role.PARTNER).title == "Verksamhetsledare"
    assert AccessLogEntry.objects.filter(object_type="organisations.partnerorganisation", action="change").exists()
    html = client.get(f"/samverkansparter/{world.own.partner.pk}/").content.decode()
    assert "Stödsamtal och skyddat boende för kvinnor." in html and "070-123 45 67" in html


def test_bad_input_is_kept_and_explained(world, login):
    client = login(world.own.users[Role.PARTNER])
    response = client.post(
        f"/samverkansparter/{world.own.partner.pk}/andra/",
        {"phone": "021", "email": "inte-en-adress", "description": "Ring 19121212-1212"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "inte-en-adress" in html and "personnummer" in html.lower()


def test_nobody_else_changes_the_entry(world, login):
    url = f"/samverkansparter/{world.own.partner.pk}/andra/"
    assert login(world.neighbour.users[Role.PARTNER]).get(url).status_code == 403
    assert login(world.own.users[Role.COORDINATOR]).get(url).status_code == 403
    assert login(world.foreign.users[Role.PARTNER]).get(url).status_code == 404

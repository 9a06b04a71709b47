"""Tenancy enforced once: scoped managers, the scope of each role, the middleware's 404."""

import pytest

from fridsam.accounts.models import Membership
from fridsam.accounts.selectors import tenancy_for_user
from fridsam.core.audit import log_access
from fridsam.core.models import AccessLogEntry
from fridsam.core.roles import Role
from fridsam.core.tenancy import EMPTY, ScopeError, tenant_scope
from fridsam.organisations.models import PartnerOrganisation, Unit

pytestmark = pytest.mark.django_db


def scope_of(user):
    return tenancy_for_user(user=user).scope


def test_a_scoped_model_queried_outside_any_scope_raises(world):
    with tenant_scope(None), pytest.raises(ScopeError):  # type: ignore[arg-type]
        list(Unit.objects.all())


def test_the_empty_scope_sees_nothing(world):
    with tenant_scope(EMPTY):
        assert not Unit.objects.exists()
        assert not PartnerOrganisation.objects.exists()
        assert not Membership.objects.exists()


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.MANAGER, Role.SOCIAL_WORKER])
def test_municipal_staff_see_their_own_municipality_only(world, role):
    with tenant_scope(scope_of(world.own.users[role])):
        assert set(Unit.objects.values_list("municipality__code", flat=True)) == {world.own.municipality.code}
        # Reverse relations are scoped too.
        assert list(world.neighbour.municipality.units.all()) == []


def test_county_analyst_sees_the_county_organisation_but_never_case_level_rows(world):
    log_access(action="read", object_type="x", municipality=world.own.municipality)
    with tenant_scope(scope_of(world.own.users[Role.COUNTY_ANALYST])):
        codes = set(Unit.objects.values_list("municipality__code", flat=True))
        assert codes == {world.own.municipality.code, world.neighbour.municipality.code}
        assert not AccessLogEntry.objects.exists()
    with tenant_scope(scope_of(world.own.users[Role.MANAGER])):
        assert AccessLogEntry.objects.filter(municipality=world.own.municipality).exists()


def test_partner_sees_partner_organisations_of_its_county_and_no_units(world):
    with tenant_scope(scope_of(world.own.users[Role.PARTNER])):
        assert not Unit.objects.exists()
        names = set(PartnerOrganisation.objects.values_list("name", flat=True))
        assert names == {world.own.partner.name, world.neighbour.partner.name}


def test_administrator_sees_all_organisation_data_but_no_case_level_rows(world):
    log_access(action="read", object_type="x", municipality=world.own.municipality)
    with tenant_scope(scope_of(world.administrator)):
        assert Unit.objects.count() == 3
        assert not AccessLogEntry.objects.exists()


def test_a_coordinator_of_several_municipalities_sees_each_of_them(world):
    from fridsam.accounts.services import membership_grant

    coordinator = world.own.users[Role.COORDINATOR]
    membership_grant(user=coordinator, role=Role.COORDINATOR, municipality=world.neighbour.municipality)
    with tenant_scope(scope_of(coordinator)):
        assert Unit.objects.count() == 2


def test_ended_memberships_give_no_access(world):
    import datetime

    from fridsam.accounts.services import membership_end

    manager = world.own.users[Role.MANAGER]
    membership = Membership.objects.get(user=manager)
    membership_end(membership=membership, valid_until=membership.valid_from)
    Membership.objects.filter(pk=membership.pk).update(
        valid_from=datetime.date(2020, 1, 1), valid_until=datetime.date(2020, 12, 31)
    )
    manager.refresh_from_db()  # a tenancy is as of the moment the person was read (ADR 0044)
    with tenant_scope(scope_of(manager)):
        assert not Unit.objects.exists()


def test_foreign_municipality_in_the_url_is_a_404(world, client, login):
    login(world.foreign.users[Role.MANAGER])
    for name in ("organisations:municipality_detail", "core:access_log"):
        from django.urls import reverse

        assert client.get(reverse(name, args=[world.own.municipality.code])).status_code == 404
        # A municipality that does not exist looks exactly the same.
        assert client.get(reverse(name, args=["0000"])).status_code == 404


def test_access_log_review_filters_and_logs_itself(world, client, login):
    from django.urls import reverse

    municipality = world.own.municipality
    log_access(action="read", object_type="organisations.unit", object_id=1, municipality=municipality)
    log_access(action="change", object_type="organisations.unit", object_id=2, municipality=municipality)
    log_access(action="read", object_type="organisations.unit", object_id=3, municipality=world.neighbour.municipality)
    login(world.own.users[Role.MANAGER])
    url = reverse("core:access_log", args=[municipality.code])
    page = client.get(url, {"action": "read"})
    entries = list(page.context["page"])
    assert [e.object_id for e in entries] == ["1"]
    bad = client.get(url, {"date_from": "2026-05-10", "date_to": "2026-05-01"})
    assert list(bad.context["page"]) == [] and bad.context["form"].errors
    reviews = AccessLogEntry.objects.filter(object_type="core.accesslogentry", municipality=municipality)
    assert reviews.count() == 2 and reviews.first().username == world.own.users[Role.MANAGER].username
    # Only managers review the log; other roles of the municipality are refused.
    login(world.own.users[Role.SOCIAL_WORKER])
    assert client.get(url).status_code == 403

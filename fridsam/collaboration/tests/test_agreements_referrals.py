"""Written agreements (current, follow-up due after 24 months, the computed indicator, HK16),
referrals (the partner sees only its own and marks them received; HK17) and prevention work."""

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fridsam.accounts.selectors import tenancy_for_user
from fridsam.collaboration import selectors, services
from fridsam.collaboration.models import OPEN_COMPARISON_PARTIES, Agreement, add_months
from fridsam.core.models import AccessLogEntry
from fridsam.core.roles import Role
from fridsam.healthcheck.facts import facts_for
from fridsam.healthcheck.rules import RULES_BY_ID, Status
from fridsam.organisations.tests import factories as org_factories
from fridsam.statistics.models import Indicator, IndicatorValue, ValueSource

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def agreement(tenant, party="police", approved_on=None, **overrides):
    data = {
        "party": party,
        "partner_organisation": tenant.partner,
        "title": f"Överenskommelse med {party}",
        "approved_by": "Socialnämnden",
        "approved_on": approved_on or TODAY - datetime.timedelta(days=30),
        "valid_until": None,
        "last_followed_up": None,
        "paid": False,
        "note": "",
    }
    data.update(overrides)
    return services.agreement_save(municipality=tenant.municipality, data=data, user=tenant.users[Role.COORDINATOR])


def check(tenant, rule_id, day=TODAY):
    return RULES_BY_ID[rule_id].evaluate(facts_for([tenant.municipality], day)[tenant.municipality.pk])


def test_follow_up_due_after_24_months_at_the_edges():
    assert add_months(datetime.date(2024, 2, 29), 24) == datetime.date(2026, 2, 28)
    a = Agreement(approved_on=datetime.date(2024, 3, 15))
    assert a.is_current(datetime.date(2026, 3, 15)) and not a.is_current(datetime.date(2026, 3, 16))
    a.last_followed_up = datetime.date(2025, 1, 10)
    assert a.is_current(datetime.date(2027, 1, 10)) and not a.is_current(datetime.date(2027, 1, 11))
    a.valid_until = datetime.date(2026, 6, 30)
    assert a.is_current(datetime.date(2026, 6, 30)) and not a.in_force(datetime.date(2026, 7, 1))


def test_agreements_feed_the_indicator_and_hk16(world):
    assert check(world.own, "HK16").status == Status.UNKNOWN
    for party in OPEN_COMPARISON_PARTIES[:3]:
        agreement(world.own, party)
    agreement(world.own, "psychiatry", approved_on=TODAY - datetime.timedelta(days=800))  # follow-up overdue
    verdict = check(world.own, "HK16")
    assert verdict.status == Status.ATTENTION and "3 av de sex" in verdict.explanation
    assert any("Psykiatri" in e for e in verdict.evidence)
    indicator = Indicator.objects.get(key="collaboration_agreements")
    value = IndicatorValue.objects.get(municipality=world.own.municipality, indicator=indicator, year=TODAY.year)
    assert (value.count, value.source) == (3, ValueSource.COMPUTED)
    # A year in which the overdue agreement was still current counts it.
    earlier = IndicatorValue.objects.get(
        municipality=world.own.municipality, indicator=indicator, year=(TODAY - datetime.timedelta(days=800)).year
    )
    assert earlier.count == 1
    for party in OPEN_COMPARISON_PARTIES[3:]:
        agreement(world.own, party)
    assert check(world.own, "HK16").status == Status.GOOD


def test_a_figure_entered_by_hand_stands(world):
    indicator = Indicator.objects.get(key="collaboration_agreements")
    IndicatorValue.objects.create(
        municipality=world.own.municipality, indicator=indicator, year=TODAY.year, count=5, source=ValueSource.ENTERED
    )
    agreement(world.own, "police")
    assert (
        IndicatorValue.objects.get(municipality=world.own.municipality, indicator=indicator, year=TODAY.year).count == 5
    )


def test_agreement_dates_are_checked(world):
    with pytest.raises(ValidationError) as exc:
        agreement(world.own, approved_on=TODAY + datetime.timedelta(days=3))
    assert "approved_on" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        agreement(world.own, last_followed_up=TODAY - datetime.timedelta(days=60))  # before the approval
    assert "last_followed_up" in exc.value.error_dict


def programme_partner(world):
    return org_factories.partner(county=world.own.county, name="Centrum mot våld")


def test_a_paid_programme_nobody_is_referred_to_is_flagged(world):
    cmv = programme_partner(world)
    agreement(world.own, "perpetrator_programme", partner_organisation=cmv, paid=True, title="Avtal med CMV")
    assert check(world.own, "HK17").status == Status.RISK
    services.referral_create(
        municipality=world.own.municipality, unit=world.own.unit, partner=cmv, category="perpetrator_programme",
        referred_on=TODAY, user=world.own.users[Role.SOCIAL_WORKER],
    )  # fmt: skip
    assert check(world.own, "HK17").status == Status.GOOD
    assert check(world.neighbour, "HK17").status == Status.UNKNOWN


def test_a_partner_sees_only_referrals_addressed_to_it(world, login):
    cmv = programme_partner(world)
    to_own_partner = services.referral_create(
        municipality=world.own.municipality, unit=world.own.unit, partner=world.own.partner, category="womens_shelter",
        referred_on=TODAY, user=world.own.users[Role.SOCIAL_WORKER],
    )  # fmt: skip
    to_cmv = services.referral_create(
        municipality=world.own.municipality, unit=world.own.unit, partner=cmv, category="perpetrator_programme",
        referred_on=TODAY, user=world.own.users[Role.SOCIAL_WORKER],
    )  # fmt: skip
    client = login(world.own.users[Role.PARTNER])
    html = client.get("/samverkan/remisser/").content.decode()
    assert str(to_own_partner) in html and str(to_cmv) not in html
    assert client.post(f"/samverkan/remisser/{to_cmv.pk}/mottagen/").status_code == 404
    assert client.post(f"/samverkan/remisser/{to_own_partner.pk}/mottagen/").status_code == 302
    to_own_partner.refresh_from_db()
    assert to_own_partner.received_on == TODAY
    other_partner = login(world.neighbour.users[Role.PARTNER]).get("/samverkan/remisser/").content.decode()
    assert str(to_own_partner) not in other_partner and str(to_cmv) not in other_partner
    # The county analyst sees no referrals (case-level data).
    assert login(world.own.users[Role.COUNTY_ANALYST]).get("/samverkan/remisser/").status_code == 403


def test_a_referral_from_a_follow_up_record(world, login):
    from fridsam.followup import services as followup_services

    worker = world.own.users[Role.SOCIAL_WORKER]
    record = followup_services.record_create(
        owner=worker, municipality=world.own.municipality, unit=world.own.unit, reference="IFO-REF-1",
        fields={"opened_on": TODAY, "route_in": "police", "category": "person_using_violence", "sex": "male",
                "age_band": "25-44", "relation": "partner"},
    )  # fmt: skip
    client = login(worker)
    response = client.post(
        f"/samverkan/remisser/ny/?uppfoljning={record.pk}",
        {"unit": world.own.unit.pk, "partner_organisation": world.own.partner.pk, "category": "perpetrator_programme",
         "referred_on": TODAY.isoformat()},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == f"/uppfoljning/{record.pk}/"
    # Somebody who cannot read the record cannot refer from it.
    assert login(world.own.users[Role.MANAGER]).get(f"/samverkan/remisser/ny/?uppfoljning={record.pk}").status_code in (
        200,
        302,
    )
    assert (
        login(world.neighbour.users[Role.SOCIAL_WORKER])
        .get(f"/samverkan/remisser/ny/?uppfoljning={record.pk}")
        .status_code
        == 404
    )


def test_prevention_work_is_registered_and_listed(world, login):
    client = login(world.own.users[Role.COORDINATOR])
    url = f"/samverkan/forebyggande/ny/?kommun={world.own.municipality.code}"
    bad = client.post(url, {"programme": "Huskurage", "organisation": "", "since": "2025-01-01", "status": "active"})
    assert bad.status_code == 200 and 'value="Huskurage"' in bad.content.decode()
    client.post(
        url, {"programme": "Huskurage", "organisation": "Bostadsbolaget", "since": "2025-01-01", "status": "active"}
    )
    assert "Bostadsbolaget" in client.get("/samverkan/forebyggande/").content.decode()
    assert login(world.neighbour.users[Role.COORDINATOR]).get(url).status_code in (403, 404)


def test_referrals_feed_the_statistics(world):
    for category in ("womens_shelter", "barnahus"):
        services.referral_create(
            municipality=world.own.municipality, unit=world.own.unit, partner=world.own.partner,
            category=category, referred_on=TODAY, user=world.own.users[Role.SOCIAL_WORKER],
        )  # fmt: skip
    value = IndicatorValue.objects.get(
        municipality=world.own.municipality, indicator__key="partner_referrals", year=TODAY.year
    )
    assert (value.count, value.source) == (2, ValueSource.COMPUTED)


def test_the_referral_listing_is_a_read_service_logged_as_the_tenancy_user(world):
    referral = services.referral_create(
        municipality=world.own.municipality, unit=world.own.unit, partner=world.own.partner, category="womens_shelter",
        referred_on=TODAY, user=world.own.users[Role.SOCIAL_WORKER],
    )  # fmt: skip
    manager = world.own.users[Role.MANAGER]
    referrals, counts = services.referral_overview_read(tenancy=tenancy_for_user(user=manager))
    assert referrals == [referral] and [c["n"] for c in counts] == [1]
    row = AccessLogEntry.objects.filter(action="list", object_type="collaboration.referral").get()
    assert (row.username, row.municipality_id, row.detail) == (
        manager.username,
        world.own.municipality.pk,
        str(referral.pk),
    )
    assert "log_access" not in Path(selectors.__file__).read_text(encoding="utf-8")  # selectors write nothing

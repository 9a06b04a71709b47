import datetime
import time

import pytest
from django.urls import reverse

from fridsam.accounts.models import User
from fridsam.accounts.selectors import tenancy_for_user
from fridsam.coordination import services
from fridsam.core.policies import VIEW
from fridsam.core.roles import Role
from fridsam.core.testing import assert_query_budget, count_queries
from fridsam.healthcheck.policies import VIEW_COUNTY, healthcheck_policy
from fridsam.organisations.models import County, Municipality
from fridsam.organisations.policies import county_policy, municipality_policy

pytestmark = pytest.mark.django_db


def test_county_matrix_shows_every_municipality_and_rule(world, client, login):
    login(world.own.users[Role.COUNTY_ANALYST])
    response = client.get(reverse("healthcheck:county_matrix", args=[world.own.county.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert world.own.municipality.name in html and world.neighbour.municipality.name in html
    assert world.foreign.municipality.name not in html
    for rule_id in ("HK01", "HK07", "HK15"):
        assert rule_id in html
    assert "Behöver uppmärksamhet" in html or "Risk" in html  # text, not colour alone
    # Own and neighbour (of Västmanland's ten municipalities) have a coordinator post.
    assert response.context["picture"][0].startswith("2 av 10 kommuner har kvinnofridssamordnare")


def test_other_roles_do_not_get_the_county_matrix(world, client, login):
    url = reverse("healthcheck:county_matrix", args=[world.own.county.code])
    for role in (Role.MANAGER, Role.COORDINATOR, Role.PARTNER):
        login(world.own.users[role])
        assert client.get(url).status_code == 404
    login(world.foreign.users[Role.COUNTY_ANALYST])
    assert client.get(url).status_code == 404


def test_the_health_check_is_seen_by_whoever_sees_the_municipality_or_the_county(world):
    municipality, county = world.own.municipality, world.own.county
    for user in [*world.own.users.values(), *world.foreign.users.values(), world.administrator]:
        tenancy = tenancy_for_user(user=user)
        assert healthcheck_policy.can(tenancy, VIEW, municipality) == municipality_policy.can(
            tenancy, VIEW, municipality
        )
        assert healthcheck_policy.can(tenancy, VIEW_COUNTY, county) == county_policy.can(tenancy, VIEW, county)
    partner = tenancy_for_user(user=world.own.users[Role.PARTNER])
    assert not healthcheck_policy.can(partner, VIEW, municipality) and not healthcheck_policy.can(partner, VIEW_COUNTY)


def _generated_county(n: int) -> County:
    """A county of *n* generated municipalities, a coordinator post in every other one."""
    from fridsam.accounts.tests import factories as account_factories
    from fridsam.organisations.tests import factories as org_factories

    county = County.objects.create(code="90" if n < 100 else "91", name=f"Testlän {n}")
    municipalities = Municipality.objects.bulk_create(
        [
            Municipality(code=f"98{i:02d}" if n < 100 else f"9{i:03d}", name=f"Kommun {i:03d}", county=county)
            for i in range(n)
        ]
    )
    for i, m in enumerate(municipalities[:20]):
        org_factories.unit(municipality=m)
        if i % 2 == 0:
            services.post_create(
                coordinator=account_factories.user(),
                assignments=[services.Assignment(m, 50, True)],
                start_date=datetime.date(2024, 1, 1),
                placement_level="ifo",
                combined_duties="none",
                consultation_support=True,
            )
    return county


def _plan_in_first_municipality(county):
    """An approved competence plan with a requirement: the facts then read coverage too."""
    from django.utils import timezone

    from fridsam.competence.models import CompetencePlan, Requirement
    from fridsam.competence.tests import factories as competence_factories

    municipality = county.municipalities.order_by("code").first()
    approver = User.objects.create(username=f"approver-{county.code}")
    plan = CompetencePlan.objects.create(
        municipality=municipality,
        year=timezone.localdate().year,
        created_by=approver,
        status="approved",
        approved_by=approver,
        approved_at=timezone.now(),
    )
    requirement = Requirement.objects.create(plan=plan, title="Grund", months=6)
    requirement.courses.set([competence_factories.course(county, f"K{county.code}")])


def test_county_matrix_query_count_does_not_grow_with_the_county(client, login, db):
    from fridsam.accounts.services import membership_grant
    from fridsam.accounts.tests import factories as account_factories

    timings = {}
    counts = {}
    for n in (10, 290):
        county = _generated_county(n)
        _plan_in_first_municipality(county)
        analyst = account_factories.user()
        membership_grant(user=analyst, role=Role.COUNTY_ANALYST, county=county)
        login(analyst)
        url = reverse("healthcheck:county_matrix", args=[county.code])
        client.get(url)
        counts[n] = count_queries(lambda url=url: client.get(url))
        started = time.perf_counter()
        # facts: posts, teams, questionnaire, consultations, placements, open comparisons, agreements,
        # referrals, coverage (4), routines
        with assert_query_budget(28):
            response = client.get(url)
        timings[n] = time.perf_counter() - started
        assert response.status_code == 200
        assert len(response.context["checks"]) == n
    assert counts[10] == counts[290], counts
    print(f"county matrix: {counts[290]} queries; {timings[10]:.3f} s at 10, {timings[290]:.3f} s at 290")


def test_rules_page_lists_every_rule_with_its_source(world, client, login):
    from fridsam.healthcheck.rules import RULES

    login(world.own.users[Role.SOCIAL_WORKER])
    html = client.get(reverse("healthcheck:rules")).content.decode()
    for rule in RULES:
        assert f'id="{rule.id}"' in html
        assert rule.source.quote[:30] in html


def test_history_recomputes_earlier_years_from_the_dates(world, client, login):
    login(world.own.users[Role.MANAGER])
    response = client.get(reverse("healthcheck:history", args=[world.own.municipality.code]))
    assert response.status_code == 200
    history = response.context["history"]
    before = dict(history)[datetime.date(2022, 1, 1)] if datetime.date(2022, 1, 1) in dict(history) else history[0][1]
    # The post started in 2024: before that the municipality had no coordinator, today it has one.
    assert not before.facts.has_coordinator
    assert history[-1][1].facts.has_coordinator


def test_municipality_page_shows_the_setup_and_grouped_check(world, client, login):
    login(world.own.users[Role.COUNTY_ANALYST])
    response = client.get(reverse("organisations:municipality_detail", args=[world.own.municipality.code]))
    html = response.content.decode()
    assert "Samordnarfunktionen" in html and "Hälsokontroll" in html
    assert "Framgångsfaktor: närhet till socialsekreterarna" in html
    assert "Källa i utvärderingen" in html
    # The county reads but does not edit.
    assert reverse("coordination:post_create", args=[world.own.municipality.code]) not in html

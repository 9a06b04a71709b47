"""Loading the demo county. Idempotent: a second run changes nothing."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from fridsam.accounts.models import Membership, User
from fridsam.accounts.services import membership_grant
from fridsam.coordination.models import Absence, CoordinatorPost, PostAssignment, RoleDescription, Team
from fridsam.coordination.services import (
    Assignment,
    absence_add,
    post_create,
    role_description_approve,
    role_description_write,
    team_save,
)
from fridsam.demo import (
    agreements_data,
    collaboration_data,
    competence_data,
    data,
    followup_data,
    housing_data,
    logreview_data,
    open_comparisons_data,
    partner_survey_data,
    public_data,
    retention_data,
)
from fridsam.demo import coordination_data as cdata
from fridsam.demo import statistics_data as sdata
from fridsam.demo.users import demo_user
from fridsam.evaluation.models import Response
from fridsam.evaluation.services import response_submit, survey_round_for_year
from fridsam.organisations.models import (
    County,
    Municipality,
    MunicipalityPopulation,
    NationalOrganisation,
    PartnerOrganisation,
    Unit,
)
from fridsam.organisations.services import unit_create
from fridsam.reports.models import ReportText
from fridsam.statistics.effects import NATIONAL, recompute_effects
from fridsam.statistics.models import Indicator, IndicatorValue, ValueSource
from fridsam.statistics.services import observation_add


def _county() -> County:
    county, _ = County.objects.get_or_create(
        code=data.COUNTY["code"], defaults={"name": data.COUNTY["name"], "is_demo": True}
    )
    return county


def _municipalities(county: County) -> dict[str, Municipality]:
    result = {}
    for code, name, inhabitants, growth, _units in data.MUNICIPALITIES:
        municipality, _ = Municipality.objects.get_or_create(
            code=code, defaults={"name": name, "county": county, "is_demo": True}
        )
        result[code] = municipality
        last_year = max(data.POPULATION_YEARS)
        existing = set(MunicipalityPopulation.objects.filter(municipality=municipality).values_list("year", flat=True))
        MunicipalityPopulation.objects.bulk_create(
            [
                MunicipalityPopulation(
                    municipality=municipality,
                    year=year,
                    total=round(inhabitants / (1 + growth) ** (last_year - year)),
                    adults=round(inhabitants / (1 + growth) ** (last_year - year) * data.ADULT_SHARE),
                )
                for year in data.POPULATION_YEARS
                if year not in existing
            ]
        )
    return result


def _units(municipalities: dict[str, Municipality]) -> dict[tuple[str, str], Unit]:
    result = {}
    for code, _name, _inh, _growth, unit_set in data.MUNICIPALITIES:
        municipality = municipalities[code]
        existing = {u.name: u for u in Unit.objects.filter(municipality=municipality)}
        for unit_name, unit_type in data.UNIT_SETS[unit_set]:
            unit = existing.get(unit_name) or unit_create(
                municipality=municipality, name=unit_name, unit_type=unit_type
            )
            result[(code, unit_name)] = unit
    return result


def _partners(county: County, municipalities: dict[str, Municipality]) -> dict[str, PartnerOrganisation]:
    result = {}
    for name, partner_type, phone, email, served in data.PARTNERS:
        partner, created = PartnerOrganisation.objects.get_or_create(
            county=county, name=name, defaults={"partner_type": partner_type, "phone": phone, "email": email}
        )
        if created and served:
            partner.municipalities.set([municipalities[c] for c in served])
        result[name] = partner
    return result


def demo_county_load() -> County:
    if not getattr(settings, "FRIDSAM_ALLOW_DEMO", False):
        raise ImproperlyConfigured("The demo county may not be loaded with these settings (FRIDSAM_ALLOW_DEMO).")
    with transaction.atomic():
        county = _county()
        municipalities = _municipalities(county)
        units = _units(municipalities)
        partners = _partners(county, municipalities)
        national, _created = NationalOrganisation.objects.get_or_create(
            name=data.NATIONAL_ORGANISATION["name"],
            defaults={"kind": data.NATIONAL_ORGANISATION["kind"], "is_demo": True},
        )
        for username, first, last, phone, memberships in data.PEOPLE:
            user = demo_user(username, first, last, phone)
            for role, org, unit_name, _share, title in memberships:
                kwargs = {}
                if role in ("coordinator", "manager", "social_worker", "archivist"):
                    kwargs["municipality"] = municipalities[org]
                    if unit_name:
                        kwargs["unit"] = units[(org, unit_name)]
                elif role == "county_analyst":
                    kwargs["county"] = county
                elif role == "partner":
                    kwargs["partner_organisation"] = partners[org]
                elif role == "national_analyst":
                    kwargs["national_organisation"] = national
                if not Membership.objects.filter(user=user, role=role, **kwargs).exists():
                    membership_grant(user=user, role=role, title=title, **kwargs)
        _extra_staff(municipalities, units)
        _coordination(municipalities, units)
        _statistics(county, municipalities)
        followup_data.load(county, municipalities)
        retention_data.load(county, municipalities)
        housing_data.load(county, municipalities)
        public_data.load(county, municipalities)
        collaboration_data.load(county, municipalities)
        agreements_data.load(county, municipalities)
        partner_survey_data.load(county, municipalities)
        competence_data.load(county, municipalities)
        open_comparisons_data.load(county, municipalities)
        logreview_data.load(county, municipalities)
        # The effect estimates a background task keeps current (ADR 0028): the county's ten
        # municipalities, and every municipality in the database.
        recompute_effects(scope=county.code)
        recompute_effects(scope=NATIONAL)
    return county


def _demo_day(value) -> datetime.date:
    """A date, or "today±N" days for demo events that should be current whenever the demo is loaded."""
    if isinstance(value, datetime.date):
        return value
    return timezone.localdate() + datetime.timedelta(days=int(value.removeprefix("today") or 0))


def _extra_staff(municipalities, units) -> None:
    for username, first, last, code, unit_name in cdata.EXTRA_STAFF:
        user = demo_user(username, first, last)
        municipality = municipalities[code]
        unit = units[(code, unit_name)] if unit_name else None
        if not Membership.objects.filter(user=user, municipality=municipality).exists():
            membership_grant(
                user=user, role="social_worker", municipality=municipality, unit=unit, title="Socialsekreterare"
            )


def _coordination(municipalities, units) -> None:
    users = {u.username: u for u in User.objects.all()}
    for spec in cdata.POSTS:
        coordinator = users[spec["coordinator"]]
        post = CoordinatorPost.objects.filter(coordinator=coordinator, start_date=spec["start"]).first()
        if post is None:
            first_code = spec["assignments"][0][0]
            post = post_create(
                coordinator=coordinator,
                assignments=[Assignment(municipalities[c], share, seat) for c, share, seat in spec["assignments"]],
                start_date=spec["start"],
                end_date=spec.get("end"),
                placement_level=spec["placement"],
                placement_unit=units[(first_code, spec["unit"])] if spec.get("unit") else None,
                combined_duties=spec["combined"],
                combined_duties_percent=spec.get("combined_percent"),
                consultation_support=spec["support"],
                deputy=users.get(spec["deputy"]) if spec["deputy"] else None,
            )
        if spec["role_description"] and not RoleDescription.objects.filter(post=post).exists():
            state, day, approver = spec["role_description"]
            description = role_description_write(post=post, acting_user=coordinator, **cdata.ROLE_DESCRIPTION)
            # Demo history: the description was written a fortnight before the day it is dated.
            written = timezone.make_aware(
                datetime.datetime.combine(day - datetime.timedelta(days=14), datetime.time(9))
            )
            RoleDescription.objects.filter(pk=description.pk).update(written_at=written)
            description.refresh_from_db()
            if state == "approved":
                role_description_approve(description=description, acting_user=users[approver], approved_on=day)
        for kind, start, end in spec.get("absences", []):
            if not Absence.objects.filter(post=post, kind=kind).exists():
                absence_add(post=post, kind=kind, start_date=_demo_day(start), end_date=_demo_day(end))
    for code, (name, leader, rhythm, start, members) in cdata.TEAMS.items():
        municipality = municipalities[code]
        if not Team.objects.filter(municipality=municipality).exists():
            team_save(
                municipality=municipality,
                name=name,
                leader=users[leader],
                meeting_rhythm=rhythm,
                purpose=cdata.TEAM_PURPOSE,
                start_date=start,
                members=[users[m] for m in members],
            )
    for username, years in cdata.QUESTIONNAIRE.items():
        user = users[username]
        served = [
            m
            for m in municipalities.values()
            if Membership.objects.filter(user=user, role="coordinator", municipality=m).exists()
        ]
        for year, answers in years.items():
            round_ = survey_round_for_year(key="coordinator", year=year)
            if not Response.objects.filter(round=round_, respondent=user).exists():
                response_submit(
                    round=round_,
                    respondent=user,
                    municipalities=served,
                    answers={**answers, "municipalities": [m.code for m in served]},
                )


def _statistics(county, municipalities) -> None:
    """The evaluation's Tabell 1 and 2 on Åstad and Hallsberga, generated series for the rest,
    Kolada-style rates, observations and the county report's own words."""
    if IndicatorValue.objects.filter(municipality__county=county).exists():
        return
    indicators = {i.key: i for i in Indicator.objects.all()}
    for key, kpi in sdata.KOLADA_DEMO_IDS.items():
        if not indicators[key].kolada_kpi:
            Indicator.objects.filter(pk=indicators[key].pk).update(kolada_kpi=kpi)
    population = defaultdict(dict)
    for mid, year, total, adults in MunicipalityPopulation.objects.filter(municipality__county=county).values_list(
        "municipality_id", "year", "total", "adults"
    ):
        population[mid][year] = (total, adults)
    starts = defaultdict(list)
    for mid, start in PostAssignment.objects.filter(municipality__county=county).values_list(
        "municipality_id", "post__start_date"
    ):
        starts[mid].append(start.year)
    rows = []
    for code, municipality in municipalities.items():
        figures = sdata.series(code, population[municipality.pk], starts[municipality.pk])
        rng = random.Random(f"fridsam-demo-continue-{code}")  # noqa: S311 - demo figures, not a secret
        if code == "9901":
            for key, known in sdata.TABELL_1.items():
                last = known[max(known)]
                continued = dict(known)
                for year in range(max(known) + 1, sdata.LAST_YEAR + 1):
                    last = max(1, round(last * rng.uniform(0.96, 1.08)))
                    continued[year] = last
                figures[key] = {year: (count, None) for year, count in continued.items()}
        if code == "9904":
            parts = ("vinr_adults", "vinr_children_exposed", "vinr_children_witnessed")
            factor = sdata.TABELL_2["vinr_all"][2018] * 1.04 / sum(figures[p][2019][0] for p in parts)
            for part in parts:
                figures[part] = {
                    year: (round(count * factor), None) for year, (count, _d) in figures[part].items() if year >= 2019
                }
            figures["vinr_all"] = {year: (count, None) for year, count in sdata.TABELL_2["vinr_all"].items()}
        for key, years in figures.items():
            for year, (count, denominator) in years.items():
                rows.append(
                    IndicatorValue(
                        municipality=municipality,
                        indicator=indicators[key],
                        year=year,
                        count=count,
                        denominator=denominator,
                        source=ValueSource.ENTERED,
                    )
                )
        if code not in ("9909", "9910"):
            for key, years in sdata.kolada_values(population[municipality.pk], code).items():
                for year, value in years.items():
                    rows.append(
                        IndicatorValue(
                            municipality=municipality,
                            indicator=indicators[key],
                            year=year,
                            value=Decimal(str(value)),
                            source=ValueSource.KOLADA,
                        )
                    )
    IndicatorValue.objects.bulk_create(rows)
    for code, area, source_type, day, text in sdata.OBSERVATIONS:
        observation_add(
            municipality=municipalities[code],
            area=area,
            source_type=source_type,
            observed_on=datetime.date.fromisoformat(day),
            text=text,
            user=None,
        )
    ReportText.objects.get_or_create(county=county, year=sdata.LAST_YEAR, defaults=sdata.COUNTY_REPORT_TEXT)

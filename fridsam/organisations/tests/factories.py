"""Test data for organisations. Counties and municipalities come from the shipped reference data."""

import itertools

from fridsam.organisations.models import (
    Municipality,
    MunicipalityPopulation,
    NationalOrganisation,
    PartnerOrganisation,
    Unit,
    UnitType,
)
from fridsam.organisations.services import unit_create

_seq = itertools.count(1)


def municipality(code: str) -> Municipality:
    return Municipality.objects.select_related("county").get(code=code)


def unit(*, municipality: Municipality, name: str | None = None, unit_type: str = UnitType.INTAKE) -> Unit:
    return unit_create(municipality=municipality, name=name or f"Enhet {next(_seq)}", unit_type=unit_type)


def population(*, municipality: Municipality, year: int = 2025, total: int = 10_000) -> MunicipalityPopulation:
    return MunicipalityPopulation.objects.create(
        municipality=municipality, year=year, total=total, adults=int(total * 0.8)
    )


def partner(*, county, name: str | None = None, partner_type: str = "police") -> PartnerOrganisation:
    return PartnerOrganisation.objects.create(
        county=county, name=name or f"Samverkanspart {next(_seq)}", partner_type=partner_type
    )


def national_organisation(*, name: str | None = None, kind: str = "authority") -> NationalOrganisation:
    return NationalOrganisation.objects.create(name=name or f"Nationell aktör {next(_seq)}", kind=kind)

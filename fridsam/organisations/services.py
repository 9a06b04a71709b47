"""Writes about organisations: atomic, validated, written to the access log."""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fridsam.core.audit import log_access
from fridsam.core.models import AccessAction
from fridsam.organisations.models import County, Municipality, MunicipalityPopulation, PartnerOrganisation, Unit

DATA_DIR = Path(__file__).resolve().parent / "data"


def unit_create(*, municipality: Municipality, name: str, unit_type: str, acting_user=None) -> Unit:
    unit = Unit(municipality=municipality, name=name.strip(), unit_type=unit_type)
    unit.full_clean()
    with transaction.atomic():
        unit.save()
        log_access(action=AccessAction.CREATE, object_type=unit, user=acting_user, municipality=municipality)
    return unit


def unit_update(*, unit: Unit, acting_user=None, **changes) -> Unit:
    allowed = {"name", "unit_type", "is_active"}
    if set(changes) - allowed:
        raise ValueError(f"unit_update cannot change {sorted(set(changes) - allowed)}")
    changed = [field for field, value in changes.items() if getattr(unit, field) != value]
    if not changed:
        return unit
    for field in changed:
        setattr(unit, field, changes[field].strip() if field == "name" else changes[field])
    unit.full_clean()
    with transaction.atomic():
        unit.save(update_fields=changed)
        log_access(
            action=AccessAction.CHANGE,
            object_type=unit,
            user=acting_user,
            municipality=unit.municipality,
            detail="fields: " + ", ".join(sorted(changed)),
        )
    return unit


def population_set(
    *, municipality: Municipality, year: int, total: int, adults: int | None = None, acting_user=None
) -> MunicipalityPopulation:
    row = MunicipalityPopulation.objects.filter(municipality=municipality, year=year).first()
    row = row or MunicipalityPopulation(municipality=municipality, year=year)
    row.total, row.adults = total, adults
    row.full_clean()
    with transaction.atomic():
        row.save()
        log_access(
            action=AccessAction.CHANGE,
            object_type=row,
            user=acting_user,
            municipality=municipality,
            detail=f"year={year}",
        )
    return row


def reference_data_load(
    *, data_dir: Path = DATA_DIR, county_model=County, municipality_model=Municipality
) -> tuple[int, int]:
    """Load (or update) Sweden's counties and municipalities from the shipped SCB files.

    Idempotent: running it again changes nothing. All or nothing: a bad row aborts the load.
    The model arguments let the data migration pass its historical models.
    """
    with open(data_dir / "counties.csv", encoding="utf-8") as f:
        counties = list(csv.DictReader(f))
    with open(data_dir / "municipalities.csv", encoding="utf-8") as f:
        municipalities = list(csv.DictReader(f))
    errors = []
    for line, row in enumerate(municipalities, start=2):
        if not row["kommunkod"].startswith(row["lanskod"]):
            errors.append(f"municipalities.csv line {line}: code {row['kommunkod']} not in county {row['lanskod']}")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        by_code = {}
        for row in counties:
            county, _ = county_model.objects.update_or_create(code=row["lanskod"], defaults={"name": row["namn"]})
            by_code[county.code] = county
        for row in municipalities:
            municipality_model.objects.update_or_create(
                code=row["kommunkod"], defaults={"name": row["namn"], "county": by_code[row["lanskod"]]}
            )
    return len(counties), len(municipalities)


def partner_entry_update(
    *, partner: PartnerOrganisation, data: dict, municipalities, acting_user, membership=None
) -> PartnerOrganisation:
    """A partner keeps its own directory entry up to date, and the editor their own contact details."""
    if any(m.county_id != partner.county_id for m in municipalities):
        raise ValidationError({"municipalities": _("Choose municipalities of the county.")})
    for name in ("phone", "email", "description"):
        setattr(partner, name, (data.get(name) or "").strip())
    partner.updated_at = timezone.now()
    partner.full_clean(exclude=["county", "municipalities"], validate_unique=False)
    with transaction.atomic():
        partner.save()
        partner.municipalities.set(municipalities)
        if membership is not None:
            membership.title = (data.get("my_title") or "").strip()
            membership.full_clean(exclude=["user", "county", "municipality", "unit", "partner_organisation"])
            membership.save(update_fields=["title"])
            membership.user.phone = (data.get("my_phone") or "").strip()
            membership.user.save(update_fields=["phone"])
        log_access(action=AccessAction.CHANGE, object_type=partner, user=acting_user, county=partner.county)
    return partner

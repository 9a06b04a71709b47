import pytest
from django.core.exceptions import ValidationError

from fridsam.core.models import AccessAction, AccessLogEntry
from fridsam.organisations.models import County, Municipality, MunicipalityPopulation, Unit, UnitType
from fridsam.organisations.services import population_set, reference_data_load, unit_create, unit_update

pytestmark = pytest.mark.django_db


def test_reference_data_has_every_county_and_municipality():
    assert County.objects.exclude(is_demo=True).count() == 21
    assert Municipality.objects.exclude(is_demo=True).count() == 290
    assert Municipality.objects.get(code="1980").name == "Västerås"
    assert Municipality.objects.get(code="0180").county.name == "Stockholms län"
    for m in Municipality.objects.select_related("county"):
        assert m.code.startswith(m.county.code)


def test_reference_data_load_is_idempotent():
    before = list(Municipality.objects.order_by("code").values_list("code", "name", "county_id"))
    assert reference_data_load() == (21, 290)
    assert list(Municipality.objects.order_by("code").values_list("code", "name", "county_id")) == before


def test_reference_data_load_is_all_or_nothing(tmp_path):
    (tmp_path / "counties.csv").write_text("lanskod,namn\n01,Stockholms län\n", encoding="utf-8")
    (tmp_path / "municipalities.csv").write_text(
        "kommunkod,namn,lanskod\n0114,Nytt namn,01\n0299,Fel län,01\n", encoding="utf-8"
    )
    with pytest.raises(ValidationError) as info:
        reference_data_load(data_dir=tmp_path)
    assert "line 3" in str(info.value)
    assert Municipality.objects.get(code="0114").name == "Upplands Väsby"


def test_unit_create_validates_and_logs():
    municipality = Municipality.objects.get(code="1980")
    unit = unit_create(municipality=municipality, name="  Mottagningen ", unit_type=UnitType.INTAKE)
    assert unit.name == "Mottagningen"
    entry = AccessLogEntry.objects.get(object_type="organisations.unit", object_id=str(unit.pk))
    assert entry.action == AccessAction.CREATE and entry.municipality == municipality
    with pytest.raises(ValidationError) as info:
        unit_create(municipality=municipality, name="Mottagningen", unit_type=UnitType.INTAKE)
    assert "name" in str(info.value) or "__all__" in info.value.message_dict
    with pytest.raises(ValidationError):
        unit_create(municipality=municipality, name="Enhet", unit_type="no-such-type")


def test_unit_name_may_not_hold_a_personal_identity_number():
    municipality = Municipality.objects.get(code="1980")
    with pytest.raises(ValidationError) as info:
        unit_create(municipality=municipality, name="Ärende 811218-9876", unit_type=UnitType.OTHER)
    assert "name" in info.value.message_dict
    assert not Unit.objects.filter(municipality=municipality, name__startswith="Ärende").exists()


def test_unit_update_logs_changed_fields_only():
    municipality = Municipality.objects.get(code="1980")
    unit = unit_create(municipality=municipality, name="Vuxen", unit_type=UnitType.ADULTS)
    unit_update(unit=unit, name="Vuxen", unit_type=UnitType.ADULTS, is_active=True)
    assert AccessLogEntry.objects.filter(action=AccessAction.CHANGE).count() == 0
    unit_update(unit=unit, name="Vuxenenheten", unit_type=UnitType.ADULTS, is_active=False)
    entry = AccessLogEntry.objects.get(action=AccessAction.CHANGE)
    assert entry.detail == "fields: is_active, name"
    unit.refresh_from_db()
    assert unit.name == "Vuxenenheten" and not unit.is_active


def test_population_adults_cannot_exceed_total():
    municipality = Municipality.objects.get(code="1980")
    population_set(municipality=municipality, year=2024, total=1000, adults=800)
    with pytest.raises(ValidationError):
        population_set(municipality=municipality, year=2024, total=1000, adults=1200)
    assert MunicipalityPopulation.objects.get(municipality=municipality, year=2024).adults == 800

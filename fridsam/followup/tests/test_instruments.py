"""Instruments as data: definitions checked, answers read, scoring, thresholds and override."""

import copy
import datetime
import json

import pytest
from django.core.exceptions import ValidationError

from fridsam.core.roles import Role
from fridsam.demo.followup_data import INSTRUMENTS
from fridsam.followup import instruments as defs
from fridsam.followup import services
from fridsam.followup.models import Assessment, InstrumentVersion

RISK = json.loads((INSTRUMENTS / "demo-risk.json").read_text(encoding="utf-8"))


def _answers(yes=(), oro=0):
    definition = defs.parse(RISK)
    answers = {k: ("yes" if k in yes else "no") for k, i in definition.items.items() if i.type == "yes_no_unknown"}
    answers["oro"] = oro
    return definition, answers


def test_the_demo_instruments_are_valid_demo_and_in_our_own_words():
    for path in INSTRUMENTS.glob("*.json"):
        definition = defs.parse(path.read_text(encoding="utf-8"))
        assert definition.demo and definition.name.startswith("Demo:")
        assert "FREDA" not in path.read_text() and "DASH" not in path.read_text()
    assert len([i for i in defs.parse(RISK).items.values() if i.type == "yes_no_unknown"]) == 20


@pytest.mark.parametrize(
    ("yes", "level", "points"),
    [
        ((), "low", 0),
        (("r01", "r05", "r06", "r07"), "low", 4),
        (("r01", "r05", "r06", "r07", "r08"), "elevated", 5),
        (("r01", "r05", "r06", "r07", "r08", "r09", "r10", "r11", "r12"), "elevated", 9),
        (("r01", "r05", "r06", "r07", "r08", "r09", "r10", "r11", "r12", "r13"), "high", 10),
        (("r03",), "high", 2),  # strangulation raises the level on its own
        (("r17",), "elevated", 1),
    ],
)
def test_scoring_thresholds_and_raising_items(yes, level, points):
    definition, answers = _answers(yes)
    result = defs.score(definition, answers)
    assert result.scores["riskfaktorer"] == points
    assert result.level == level


def test_unknown_counts_no_points_and_scale_is_its_own_score():
    definition, answers = _answers(oro=7)
    answers["r01"] = "unknown"
    result = defs.score(definition, answers)
    assert result.scores == {"riskfaktorer": 0, "egen_oro": 7}


def test_answers_are_validated_per_item():
    definition, answers = _answers()
    data = {f"item_{k}": str(v) for k, v in answers.items()}
    data["item_r01"] = "maybe"
    data["item_oro"] = "11"
    del data["item_r02"]
    data["item_kommentar"] = "Pappa 19121212-1212"
    _cleaned, errors = defs.clean_answers(definition, data)
    assert set(errors) == {"r01", "oro", "r02", "kommentar"}


def _broken(mutate):
    data = copy.deepcopy(RISK)
    mutate(data)
    with pytest.raises(defs.InstrumentError) as error:
        defs.parse(data)
    return error.value.problems


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (lambda d: d.pop("key"), "key"),
        (lambda d: d.update(kind="horoscope"), "kind"),
        (lambda d: d["sections"][0]["items"][1].update(key="r01"), "två gånger"),
        (lambda d: d["sections"][0]["items"][0].update(type="slider"), "type"),
        (lambda d: d["scores"][0]["items"].append("r99"), "r99"),
        (lambda d: d["level"].update(score="nothing"), "score"),
        (lambda d: d["level"]["thresholds"].reverse(), "stiga"),
        (lambda d: d["level"]["thresholds"][1].update(level="catastrophic"), "level"),
        (lambda d: d["level"]["raise_if_yes"][0]["items"].append("oro"), "oro"),
        (lambda d: d.pop("level"), "level"),
        (lambda d: d["sections"][2]["items"][-2].update(max=0), "max"),
    ],
)
def test_malformed_definitions_are_refused_with_every_problem_named(mutate, needle):
    problems = _broken(mutate)
    assert any(needle in p for p in problems), problems


def test_several_problems_are_reported_at_once_and_bad_json_is_explained():
    problems = _broken(lambda d: (d.pop("name"), d.update(kind="x"), d["scores"][0]["items"].append("nope")))
    assert len(problems) >= 3
    with pytest.raises(defs.InstrumentError) as error:
        defs.parse(b"{not json")
    assert "JSON" in error.value.problems[0]


@pytest.mark.django_db
def test_versions_are_kept_and_a_changed_version_needs_a_new_number(instruments):
    risk = instruments["risk"]
    _again, created = services.instrument_load(json.dumps(RISK))
    assert not created
    changed = copy.deepcopy(RISK)
    changed["name"] = "Demo: Riskbedömning, reviderad"
    with pytest.raises(ValidationError):
        services.instrument_load(changed)
    changed["version"] = "2026.2"
    version, created = services.instrument_load(changed)
    assert created and InstrumentVersion.objects.filter(instrument=risk).count() == 2
    assert services.current_version(risk) == version


@pytest.mark.django_db
def test_override_needs_a_motivation_and_the_record_gets_the_final_level(world, make_record, instruments):
    worker = world.own.users[Role.SOCIAL_WORKER]
    record = make_record()
    version = services.current_version(instruments["risk"])
    _definition, answers = _answers(("r01",))
    data = services.AssessmentInput(assessed_on=datetime.date(2026, 3, 4), answers=answers, override_level="high")
    with pytest.raises(ValidationError) as error:
        services.assessment_save(record=record, version=version, data=data, user=worker)
    assert "motivation" in error.value.message_dict
    assert Assessment.objects.count() == 0
    data.motivation = "Hon beskriver en eskalering som formuläret inte fångar."
    assessment = services.assessment_save(record=record, version=version, data=data, user=worker)
    assert assessment.computed_level == "low" and assessment.level == "high" and assessment.is_override
    record.refresh_from_db()
    assert (record.risk_level, record.risk_assessed_on, record.risk_instrument) == (
        "high",
        datetime.date(2026, 3, 4),
        instruments["risk"],
    )
    assert assessment.instrument_version == version

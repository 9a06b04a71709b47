"""A year of case follow-up in the demo county: records, interventions, assessments and
consultations for the municipalities whose social workers use Fridsam.

Volumes follow the evaluation (tens to a hundred-odd cases a year per municipality): about 28
new cases per 10 000 inhabitants a year, two in three adults subjected to violence. Generated
with a fixed seed over the 365 days up to the day the demo is loaded; written in bulk, then the
statistics are computed from them as in production (``tallies.recompute_all``).
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from pathlib import Path

from django.utils import timezone

from fridsam.accounts.models import Membership
from fridsam.core import references
from fridsam.core.roles import Role
from fridsam.followup import selectors, services, tallies
from fridsam.followup.instruments import parse, score
from fridsam.followup.models import (
    Assessment,
    Category,
    Consultation,
    ConsultationReply,
    ConsultationStatus,
    EventKind,
    FollowUpRecord,
    Instrument,
    Intervention,
    InterventionKind,
    RecordEvent,
    Status,
)
from fridsam.organisations.models import MunicipalityPopulation

CASES_PER_10K = 28
# The README's tour has the demo social worker try finding DEMO-9901-0001: that first case of
# Åstad is hers (a social worker sees only her own records), the rest are drawn among the staff.
FIRST_CASE_OWNER = {"9901": "demo.socialsekreterare"}

CATEGORY_WEIGHTS = [
    (Category.ADULT_VICTIM, 62),
    (Category.CHILD_WITNESSED, 18),
    (Category.CHILD_EXPOSED, 10),
    (Category.PERSON_USING_VIOLENCE, 8),
    (Category.OTHER, 2),
]
QUESTIONS = [
    (
        "risk",
        "today",
        "En kvinna har berättat om strypgrepp för två veckor sedan men vill inte polisanmäla. "
        "Hur ska jag väga det i riskbedömningen, och vad kan vi erbjuda redan i dag?",
    ),
    (
        "children",
        "week",
        "Barnen har bevittnat våld hemma. Pappan vill ha umgänge. Vilka underlag behöver vi "
        "inför samtal med familjerätten?",
    ),
    (
        "protected_housing",
        "today",
        "Vi behöver skyddat boende för en mamma med en tonårsson. Vilka boenden i länet tar emot äldre pojkar?",
    ),
    (
        "honour",
        "week",
        "En ung kvinna beskriver att flera i släkten kontrollerar henne. Hur gör vi en "
        "bedömning av hedersrelaterat våld?",
    ),
    (
        "economy",
        "no_hurry",
        "Den våldsutsatta har skulder som exet har tagit i hennes namn. Vem kan hjälpa till med ekonomisk rådgivning?",
    ),
    (
        "person_using_violence",
        "week",
        "En man som utövat våld vill ha hjälp att sluta. Har vi avtal med något behandlingsprogram?",
    ),
    (
        "secrecy",
        "week",
        "Klienten har skyddade personuppgifter och ska flytta. Vad behöver vi tänka på i kontakten med skolan?",
    ),
    ("method", "no_hurry", "Hur ofta bör vi göra om riskbedömningen när ärendet pågår länge?"),
]
ANSWERS = [
    "Bra att du frågar. Gör riskbedömningen i dag och ta med det som framkom i samtalet; det väger tungt. "
    "Jag kan sitta med om du vill.",
    "Jag skickar vår rutin för detta. Ring mig gärna efter klockan 13 så går vi igenom den tillsammans.",
    "Titta i länets lista över kvalitetssäkrade boenden; jag kan hjälpa till att ringa runt.",
    "Ta upp det på teamträffen på torsdag, så tar vi det gemensamt. Till dess: följ handboken avsnitt 4.",
]


# The three demo instruments, in Fridsam's own words (docs/instruments.md): the demo and the tests
# load them; a municipality loads the instruments it has decided on.
INSTRUMENTS = Path(__file__).resolve().parent / "instruments"


def load_demo_instruments() -> dict:
    """Load the three demo instruments; returns kind → Instrument."""
    result = {}
    for path in sorted(INSTRUMENTS.glob("*.json")):
        version, _created = services.instrument_load(path.read_bytes())
        result[version.instrument.kind] = version.instrument
    return result


def load_instruments() -> None:
    load_demo_instruments()


def _preliminary_population(municipalities: dict, year: int) -> None:
    """The current year's population is not published yet: the demo carries last year's forward."""
    for municipality in municipalities.values():
        last = MunicipalityPopulation.objects.filter(municipality=municipality).order_by("-year").first()
        if last is not None and last.year < year:
            MunicipalityPopulation.objects.get_or_create(
                municipality=municipality, year=year, defaults={"total": last.total, "adults": last.adults}
            )


def _pick(rng, weights):
    return rng.choices([w[0] for w in weights], weights=[w[1] for w in weights])[0]


def load(county, municipalities: dict) -> None:
    load_instruments()
    today = timezone.localdate()
    _preliminary_population(municipalities, today.year)
    if FollowUpRecord.system_objects.filter(municipality__county=county).exists():
        return
    instruments = {i.kind: i for i in Instrument.objects.filter(key__startswith="demo-")}
    versions = {kind: services.current_version(i) for kind, i in instruments.items()}
    workers = defaultdict(list)
    for m in (
        Membership.objects.active()
        .filter(role=Role.SOCIAL_WORKER, municipality__in=municipalities.values(), unit__isnull=False)
        .select_related("unit", "user", "municipality")
        .order_by("municipality__code", "user__username")
    ):
        workers[m.municipality.code].append(m)
    populations = dict(
        MunicipalityPopulation.objects.filter(
            municipality__in=municipalities.values(), year=today.year - 1
        ).values_list("municipality__code", "total")
    )
    records, interventions, events, assessments = [], [], [], []
    for code, staff in sorted(workers.items()):
        municipality = municipalities[code]
        rng = random.Random(f"fridsam-demo-followup-{code}")  # noqa: S311 - demo data, not a secret
        extra = random.Random(f"fridsam-demo-suv-{code}")  # noqa: S311 - the SU-Kvinnofrid variables, apart
        cases = round(populations.get(code, 10_000) / 10_000 * CASES_PER_10K * rng.uniform(0.9, 1.1))
        for n in range(cases):
            opened = today - datetime.timedelta(days=rng.randint(1, 365))
            category = _pick(rng, CATEGORY_WEIGHTS)
            child = category in (Category.CHILD_EXPOSED, Category.CHILD_WITNESSED)
            owner = rng.choice(staff)
            if n == 0 and code in FIRST_CASE_OWNER:
                owner = next(m for m in staff if m.user.username == FIRST_CASE_OWNER[code])
            adult_victim = category == Category.ADULT_VICTIM
            record = FollowUpRecord(
                municipality=municipality,
                unit=owner.unit,
                owner=owner.user,
                reference_hash=references.reference_hash(municipality, f"DEMO-{code}-{n + 1:04d}"),
                opened_on=opened,
                opened_year=opened.year,
                route_in=_pick(
                    rng,
                    [
                        ("police", 30),
                        ("self", 25),
                        ("health_care", 12),
                        ("school", 12),
                        ("relative", 8),
                        ("other_authority", 9),
                        ("other", 4),
                    ],
                ),
                category=category,
                sex="female"
                if adult_victim and rng.random() < 0.88
                else rng.choice(["female", "male"])
                if category != Category.PERSON_USING_VIOLENCE
                else ("male" if rng.random() < 0.9 else "female"),
                age_band=rng.choice(["0-5", "6-12", "13-17"])
                if child
                else _pick(rng, [("18-24", 15), ("25-44", 50), ("45-64", 25), ("65-79", 8), ("80+", 2)]),
                relation=_pick(
                    rng,
                    [
                        ("partner", 45),
                        ("former_partner", 25),
                        ("parent", 15),
                        ("other_relative", 8),
                        ("child", 4),
                        ("unknown", 3),
                    ],
                )
                if not child
                else "parent",
                violence_forms=sorted(
                    rng.sample(
                        ["physical", "psychological", "sexual", "economic", "material", "digital"], k=rng.randint(1, 3)
                    )
                    + (["honour"] if rng.random() < 0.06 else [])
                ),
                protected_identity=rng.random() < 0.04,
                children_in_household=extra.choice([None, 0, 1, 2, 3]) if adult_victim else None,
                police_report=extra.choice(["yes", "no", "unknown", ""]) if adult_victim else "",
                created_at=timezone.now(),
                updated_at=timezone.now(),
            )
            if adult_victim and rng.random() < 0.8:
                record.screening_on = min(today, opened + datetime.timedelta(days=rng.randint(0, 10)))
                record.screening_instrument = instruments.get("screening")
            if adult_victim and rng.random() < 0.62:
                record.risk_assessed_on = min(today, opened + datetime.timedelta(days=rng.randint(0, 21)))
                record.risk_instrument = instruments.get("risk")
                record.risk_level = _pick(rng, [("low", 35), ("elevated", 45), ("high", 20)])
            age = (today - opened).days
            plan = []
            if adult_victim and rng.random() < 0.09:
                plan.append((InterventionKind.PROTECTED_HOUSING, rng.randint(7, 120)))
            if rng.random() < 0.55:
                plan.append((InterventionKind.SUPPORT_TALKS, rng.randint(2, 14)))
            if category == Category.PERSON_USING_VIOLENCE and rng.random() < 0.6:
                plan.append((InterventionKind.PERPETRATOR_PROGRAMME, None))
            if child and rng.random() < 0.5:
                plan.append((InterventionKind.CHILDRENS_TALKS, rng.randint(3, 10)))
            if adult_victim and rng.random() < 0.2:
                plan.append((InterventionKind.WOMENS_SHELTER, rng.randint(1, 5)))
            if adult_victim and rng.random() < 0.18:
                plan.append((InterventionKind.ECONOMIC_AID, rng.randint(3, 40) * 1000))
            closes = age > 45 and rng.random() < min(0.85, age / 300)
            last_start = opened
            planned = []
            for kind, quantity in plan:
                start = min(today, opened + datetime.timedelta(days=rng.randint(0, min(age, 30))))
                last_start = max(last_start, start)
                planned.append((kind, start, quantity))
            if closes:
                closed_on = min(today, last_start + datetime.timedelta(days=rng.randint(20, max(21, age))))
                record.status = Status.CLOSED
                record.closed_on = closed_on
                record.closed_year = closed_on.year
                record.closure_reason = _pick(
                    rng, [("goals_met", 55), ("declined", 15), ("moved", 10), ("referred", 12), ("no_contact", 8)]
                )
                if record.closure_reason == "goals_met" and extra.random() < 0.35:
                    record.closure_reason = "goals_partly_met"
                record.outcome = _pick(rng, [("ended", 42), ("reduced", 30), ("unchanged", 10), ("unknown", 18)])
                record.client_view = _pick(rng, [("better", 55), ("same", 15), ("worse", 3), ("not_recorded", 27)])
            records.append((record, planned))
    FollowUpRecord.system_objects.bulk_create([r for r, _ in records], batch_size=500)
    for record, planned in records:
        events.append(RecordEvent(record=record, kind=EventKind.OPENED, on=record.opened_on, by=record.owner))
        if record.status == Status.CLOSED:
            events.append(
                RecordEvent(
                    record=record, kind=EventKind.CLOSED, on=record.closed_on, outcome=record.outcome, by=record.owner
                )
            )
        for kind, start, quantity in planned:
            interventions.append(
                Intervention(
                    record=record,
                    municipality_id=record.municipality_id,
                    kind=kind,
                    started_on=start,
                    started_year=start.year,
                    ended_on=None if record.status == Status.OPEN else record.closed_on,
                    quantity=quantity,
                    **(_placement(record) if kind == InterventionKind.PROTECTED_HOUSING else {}),
                )
            )
        if record.risk_assessed_on and "risk" in versions:
            assessments.append(_demo_assessment(record, versions["risk"]))
    RecordEvent.system_objects.bulk_create(events, batch_size=1000)
    Intervention.system_objects.bulk_create(interventions, batch_size=1000)
    Assessment.system_objects.bulk_create(assessments, batch_size=500)
    _consultations(workers, municipalities, today)
    tallies.recompute_all()


def _placement(record) -> dict:
    """Children placed with the parent, their own decisions and schooling (the 2024 rules): most in
    order, a few without a decision or with schooling not yet secured."""
    rng = random.Random(f"fridsam-demo-placement-{record.reference_hash}")  # noqa: S311 - demo figures
    children = rng.choice([0, 0, 1, 1, 2, 3])
    if not children:
        return {"children_placed": 0}
    own = children - (1 if rng.random() < 0.15 else 0)
    schooling = rng.choice(["same_school", "new_school", "new_school", "at_the_housing", "not_secured"])
    return {"children_placed": children, "children_with_own_decision": own, "schooling": schooling}


def _demo_assessment(record, version) -> Assessment:
    """An assessment whose answers give the record's risk level."""
    definition = parse(version.definition)
    rng = random.Random(f"fridsam-demo-assessment-{record.pk}")  # noqa: S311
    target = {"low": 2, "elevated": 7, "high": 12}[record.risk_level]
    keys = [
        k for k, item in definition.items.items() if item.type == "yes_no_unknown" and k not in ("r02", "r03", "r04")
    ]
    yes = set(rng.sample(keys, k=min(len(keys), target)))
    answers = {
        k: ("yes" if k in yes else "no") for k, item in definition.items.items() if item.type == "yes_no_unknown"
    }
    answers["oro"] = {"low": 2, "elevated": 5, "high": 8}[record.risk_level]
    result = score(definition, answers)
    return Assessment(
        record=record,
        instrument_version=version,
        assessed_on=record.risk_assessed_on,
        assessor=record.owner,
        answers=answers,
        scores=result.scores,
        computed_level=result.level,
        level=record.risk_level,
        override_motivation=""
        if record.risk_level == result.level
        else "Demo: den professionella bedömningen väger in omständigheter som formuläret inte fångar.",
    )


def _consultations(workers, municipalities, today) -> None:
    replies = []
    for code, staff in sorted(workers.items()):
        municipality = municipalities[code]
        answerers = list(selectors.answerers(municipality))
        if not answerers:
            continue
        rng = random.Random(f"fridsam-demo-consultations-{code}")  # noqa: S311
        count = max(3, len(staff) * 5)
        for _n in range(count):
            asker = rng.choice(staff)
            topic, urgency, question = rng.choice(QUESTIONS)
            asked_at = timezone.now() - datetime.timedelta(days=rng.randint(0, 360), hours=rng.randint(0, 8))
            consultation = Consultation(
                municipality=municipality,
                unit=asker.unit,
                asked_by=asker.user,
                topic=topic,
                urgency=urgency,
                question=question,
                asked_at=asked_at,
            )
            recent = (timezone.now() - asked_at).days < 3
            if not recent or rng.random() < 0.3:
                answerer = rng.choice(answerers)
                delay = datetime.timedelta(hours=rng.choice([1, 2, 4, 20, 26, 70]))
                consultation.assignee = answerer
                consultation.first_answered_at = asked_at + delay
                consultation.answer_minutes = int(delay.total_seconds() // 60)
                consultation.status = ConsultationStatus.CLOSED if rng.random() < 0.7 else ConsultationStatus.ANSWERED
                if consultation.status == ConsultationStatus.CLOSED:
                    consultation.closed_at = consultation.first_answered_at + datetime.timedelta(days=1)
                consultation.save()
                replies.append(
                    ConsultationReply(
                        consultation=consultation,
                        author=answerer,
                        text=rng.choice(ANSWERS),
                        at=consultation.first_answered_at,
                    )
                )
            else:
                consultation.save()
    ConsultationReply.system_objects.bulk_create(replies)

"""Öppna jämförelser answered once: pre-filled from Fridsam's facts with the evidence shown, confirmed
or corrected with a reason, exported for the national survey, and read by the health check."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from fridsam.collaboration import services as collaboration
from fridsam.core.models import AccessLogEntry
from fridsam.core.roles import Role
from fridsam.followup import services as followup
from fridsam.healthcheck.facts import facts_for
from fridsam.healthcheck.rules import RULES_BY_ID, Status
from fridsam.opencomparisons.models import ConfirmedAnswer
from fridsam.opencomparisons.questions import QUESTIONS
from fridsam.routines import services as routines

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year


def _agreement(tenant, party, *, approved_on=None, followed_up=None):
    return collaboration.agreement_save(
        municipality=tenant.municipality,
        data={
            "party": party,
            "partner_organisation": tenant.partner,
            "title": f"Överenskommelse med {party}",
            "approved_by": "Socialnämnden",
            "approved_on": approved_on or TODAY - datetime.timedelta(days=30),
            "valid_until": None,
            "last_followed_up": followed_up,
            "paid": False,
            "note": "",
        },
        user=tenant.users[Role.COORDINATOR],
    )


def _routine(tenant, title):
    document = routines.document_create(
        municipality=tenant.municipality,
        fields={
            "kind": "routine",
            "title": title,
            "owner": tenant.users[Role.COORDINATOR],
            "unit_types": [],
            "roles": [],
            "legal_references": "",
            "review_months": 12,
        },
        body="# Rutin\nSå gör vi.",
        user=tenant.users[Role.COORDINATOR],
    )
    version = routines.open_version(document)
    routines.version_submit(version=version, user=document.owner)
    routines.version_approve(version=version, user=tenant.users[Role.MANAGER])
    document.refresh_from_db()
    return document


def _url(world, year=YEAR):
    return f"/kommuner/{world.own.municipality.code}/oppna-jamforelser/{year}/"


def _answers(page_context):
    """Post back what the form shows (Fridsam's proposal, or 'no' where it does not know)."""
    form = page_context["form"]
    data = {}
    for item, answer, _reason, document in form.groups():
        data[answer.html_name] = answer.value() or "no"
        if document is not None and document.value():
            data[document.html_name] = document.value()
    return data


@pytest.fixture
def facts(world):
    _agreement(world.own, "police")
    _agreement(world.own, "womens_shelter", approved_on=TODAY - datetime.timedelta(days=1200))
    return world


def test_the_survey_opens_pre_filled_with_its_evidence(facts, login):
    client = login(facts.own.users[Role.COORDINATOR])
    response = client.get(f"/kommuner/{facts.own.municipality.code}/oppna-jamforelser/")
    assert response.status_code == 302 and response["Location"] == _url(facts)
    response = client.get(_url(facts))
    assert response.status_code == 200
    items = {i.question.key: i for i in response.context["form"].items}
    assert len(items) == len(QUESTIONS)
    assert items["agreement_police"].proposal.answer == "yes"
    # In force since 1 200 days, never followed up: not current.
    assert items["agreement_womens_shelter"].proposal.answer == "no"
    assert "24" in " ".join(items["agreement_womens_shelter"].proposal.evidence)
    assert items["agreement_primary_care"].proposal.answer == "no"
    assert items["methods_mapping_risk"].proposal.answer == ""  # no records: Fridsam does not know
    page = response.content.decode()
    assert "Överenskommelse med police" in page  # the evidence is on the page


def test_confirming_asks_why_an_answer_differs_and_keeps_what_fridsam_proposed(facts, login):
    client = login(facts.own.users[Role.COORDINATOR])
    data = _answers(client.get(_url(facts)).context)
    data["agreement_womens_shelter__answer"] = "yes"  # differs from Fridsam's "no"
    response = client.post(_url(facts), data)
    assert response.status_code == 400
    assert not ConfirmedAnswer.objects.exists()
    data["agreement_womens_shelter__reason"] = "Uppföljd i mars, inte registrerat ännu."
    response = client.post(_url(facts), data)
    assert response.status_code == 302
    assert ConfirmedAnswer.objects.filter(municipality=facts.own.municipality, year=YEAR).count() == len(QUESTIONS)
    shelter = ConfirmedAnswer.objects.get(question="agreement_womens_shelter")
    assert (shelter.answer, shelter.proposed, shelter.reason) == (
        "yes",
        "no",
        "Uppföljd i mars, inte registrerat ännu.",
    )
    assert shelter.evidence and shelter.confirmed_by == facts.own.users[Role.COORDINATOR]
    assert AccessLogEntry.objects.filter(action="change", object_type="opencomparisons.confirmedanswer").exists()
    page = client.get(_url(facts)).content.decode()
    assert f"Bekräftat {TODAY.isoformat()}" in page


def test_a_reason_may_not_hold_a_personal_identity_number(facts, login):
    client = login(facts.own.users[Role.COORDINATOR])
    data = _answers(client.get(_url(facts)).context)
    data["agreement_police__answer"] = "no"
    data["agreement_police__reason"] = "Gäller 19121212-1212"
    assert client.post(_url(facts), data).status_code == 400
    assert not ConfirmedAnswer.objects.exists()


def test_the_export_is_in_swedish_in_the_surveys_order(facts, login):
    client = login(facts.own.users[Role.COORDINATOR])
    client.post(_url(facts), _answers(client.get(_url(facts)).context))
    response = client.get(_url(facts) + "?format=csv")
    assert response.status_code == 200
    header, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert header[0] == "Fråga" and header[3] == "Svar"
    assert [r[0] for r in rows] == [q.number for q in QUESTIONS]
    assert rows[1][2].startswith("Finns en aktuell skriftlig överenskommelse") and rows[1][3] == "Ja"  # the police
    assert client.get(_url(facts) + "?format=xlsx").status_code == 200
    assert AccessLogEntry.objects.filter(action="export", object_type="opencomparisons.confirmedanswer").exists()


def test_a_routine_named_once_answers_the_question_the_next_year(facts, login):
    document = _routine(facts.own, "Skolgång för barn i skyddat boende")
    client = login(facts.own.users[Role.COORDINATOR])
    last_year = YEAR - 1
    data = _answers(client.get(_url(facts, last_year)).context)
    data["routine_schooling__document"] = document.pk
    data["routine_schooling__answer"] = "yes"
    assert client.post(_url(facts, last_year), data).status_code == 302
    assert ConfirmedAnswer.objects.get(year=last_year, question="routine_schooling").document == document
    items = {i.question.key: i for i in client.get(_url(facts)).context["form"].items}
    assert items["routine_schooling"].proposal.answer == "yes"
    assert "Skolgång för barn i skyddat boende" in items["routine_schooling"].proposal.evidence[0]


def test_the_health_check_reads_the_confirmed_answers(facts, login):
    municipality = facts.own.municipality
    before = facts_for([municipality], TODAY)[municipality.pk]
    assert RULES_BY_ID["HK19"].evaluate(before).status == Status.UNKNOWN
    client = login(facts.own.users[Role.COORDINATOR])
    data = _answers(client.get(_url(facts)).context)
    data.update({"plan_children__answer": "yes", "plan_children__reason": "Planen finns utanför Fridsam."})
    data.update({"group_followup__answer": "yes", "client_views__answer": "no"})
    assert client.post(_url(facts), data).status_code == 302
    after = facts_for([municipality], TODAY)[municipality.pk]
    assert after.open_comparisons_year == YEAR
    assert RULES_BY_ID["HK19"].evaluate(after).status == Status.ATTENTION
    assert RULES_BY_ID["HK20"].evaluate(after).status == Status.ATTENTION  # children yes, adults no
    # The municipality page shows the verdicts.
    page = client.get(f"/kommuner/{municipality.code}/").content.decode()
    assert "HK19" in page or "Systematisk uppföljning" in page


def test_children_placed_without_a_decision_or_schooling_make_a_risk(facts):
    worker = facts.own.users[Role.SOCIAL_WORKER]
    record = followup.record_create(
        owner=worker,
        municipality=facts.own.municipality,
        unit=facts.own.unit,
        reference="SB-1",
        fields={
            "opened_on": TODAY - datetime.timedelta(days=20),
            "route_in": "police",
            "category": "adult_victim",
            "sex": "female",
            "age_band": "25-44",
            "relation": "partner",
            "violence_forms": ["physical"],
            "protected_identity": True,
        },
    )
    municipality = facts.own.municipality
    followup.intervention_add(
        record=record,
        kind="protected_housing",
        started_on=TODAY - datetime.timedelta(days=10),
        quantity=10,
        children_placed=2,
        children_with_own_decision=2,
        schooling="same_school",
        user=worker,
    )
    verdict = RULES_BY_ID["HK18"].evaluate(facts_for([municipality], TODAY)[municipality.pk])
    assert verdict.status == Status.ATTENTION  # placements in order, but no confirmed routine
    followup.intervention_add(
        record=record,
        kind="protected_housing",
        started_on=TODAY - datetime.timedelta(days=5),
        quantity=5,
        children_placed=1,
        children_with_own_decision=0,
        schooling="not_secured",
        user=worker,
    )
    verdict = RULES_BY_ID["HK18"].evaluate(facts_for([municipality], TODAY)[municipality.pk])
    assert verdict.status == Status.RISK
    assert any("1" in e for e in verdict.evidence)


def test_a_placement_with_children_says_how_their_schooling_is_secured(facts, login):
    worker = facts.own.users[Role.SOCIAL_WORKER]
    record = followup.record_create(
        owner=worker,
        municipality=facts.own.municipality,
        unit=facts.own.unit,
        reference="SB-2",
        fields={
            "opened_on": TODAY - datetime.timedelta(days=20),
            "route_in": "police",
            "category": "adult_victim",
            "sex": "female",
            "age_band": "25-44",
            "relation": "partner",
            "violence_forms": ["physical"],
            "protected_identity": False,
        },
    )
    client = login(worker)
    url = f"/uppfoljning/{record.pk}/insats/ny/"
    base = {"kind": "protected_housing", "started_on": (TODAY - datetime.timedelta(days=3)).isoformat(), "quantity": 3}
    response = client.post(url, {**base, "children_placed": 2, "children_with_own_decision": 3})
    assert response.status_code in (200, 400) and not record.interventions.exists()
    response = client.post(url, {**base, "children_placed": 2, "children_with_own_decision": 2})
    assert not record.interventions.exists()  # the schooling is missing
    response = client.post(
        url, {**base, "children_placed": 2, "children_with_own_decision": 2, "schooling": "new_school"}
    )
    assert response.status_code == 302
    placement = record.interventions.get()
    assert (placement.children_placed, placement.children_with_own_decision, placement.schooling) == (
        2,
        2,
        "new_school",
    )


def test_only_the_municipalitys_coordinators_and_managers_answer(facts, login):
    assert login(facts.own.users[Role.MANAGER]).get(_url(facts)).status_code == 200
    assert login(facts.own.users[Role.SOCIAL_WORKER]).get(_url(facts)).status_code == 404
    assert login(facts.neighbour.users[Role.COORDINATOR]).get(_url(facts)).status_code == 404
    assert login(facts.own.users[Role.COUNTY_ANALYST]).get(_url(facts)).status_code == 404
    assert login(facts.own.users[Role.COORDINATOR]).get(_url(facts, YEAR + 1)).status_code == 404

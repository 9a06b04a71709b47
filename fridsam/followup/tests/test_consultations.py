"""Consultations: validated questions, the queue, answer times, and the health check's HK15."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fridsam.core.roles import Role
from fridsam.followup import selectors, services
from fridsam.followup.forms import possible_names
from fridsam.followup.models import Consultation, ConsultationStatus
from fridsam.healthcheck.facts import facts_for
from fridsam.healthcheck.rules import RULES_BY_ID, Status

pytestmark = pytest.mark.django_db


def _ask(world, question="Hur bedömer vi risken när hon vill flytta tillbaka?", urgency="week", **kwargs):
    return services.consultation_ask(
        asked_by=world.own.users[Role.SOCIAL_WORKER],
        municipality=world.own.municipality,
        unit=world.own.unit,
        question=question,
        topic="risk",
        urgency=urgency,
        **kwargs,
    )


def test_a_question_with_a_personal_identity_number_is_refused(world):
    with pytest.raises(ValidationError) as error:
        _ask(world, question="Gäller 19121212-1212, hur gör vi?")
    assert "question" in error.value.message_dict
    assert Consultation.objects.count() == 0


def test_possible_names_are_found_inside_sentences_only():
    assert possible_names("Vi träffade Fatima och Erik i går. Polisen var med.") == ["Fatima", "Erik"]
    assert possible_names("Hur gör vi med BBIC och Barnahus när mamma vill flytta?") == []


def test_the_form_warns_about_names_and_keeps_the_text(world, login):
    client = login(world.own.users[Role.SOCIAL_WORKER])
    data = {"question": "Vi träffade Fatima i går och hon är rädd.", "topic": "risk", "urgency": "week"}
    response = client.post("/bollplank/ny/", data)
    assert response.status_code == 200
    assert "Fatima" in str(response.context["form"].errors["question"])
    assert "Vi träffade Fatima i går" in response.content.decode()
    data.update(question="Vi träffade henne i går och hon är rädd.")
    response = client.post("/bollplank/ny/", data)
    assert response.status_code == 302
    assert Consultation.objects.get().question.startswith("Vi träffade henne")


def test_the_coordinator_answers_from_the_queue_and_the_answer_time_is_kept(world, login):
    consultation = _ask(world)
    coordinator = login(world.own.users[Role.COORDINATOR])
    response = coordinator.get("/bollplank/")
    assert response.status_code == 200 and consultation in response.context["queue"]
    response = coordinator.post(f"/bollplank/{consultation.pk}/", {"reply": "1", "text": "Gör en ny riskbedömning."})
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.ANSWERED
    assert consultation.first_answered_at is not None and consultation.answer_minutes == 0
    assert consultation.assignee == world.own.users[Role.COORDINATOR]
    # Other municipalities' coordinators never see it.
    neighbour = login(world.neighbour.users[Role.COORDINATOR])
    assert neighbour.get(f"/bollplank/{consultation.pk}/").status_code == 404
    assert consultation not in neighbour.get("/bollplank/").context["queue"]


def test_the_queue_shows_its_most_urgent_questions_and_counts_the_rest(world, login, monkeypatch):
    monkeypatch.setattr(selectors, "QUEUE_SHOWN", 3)
    week = _ask(world, urgency="week")
    no_hurry = _ask(world, urgency="no_hurry")
    today = _ask(world, urgency="today")
    answered = _ask(world, urgency="today")
    services.consultation_reply(consultation=answered, author=world.own.users[Role.COORDINATOR], text="Svar")
    closed = _ask(world, urgency="today")
    services.consultation_close(consultation=closed, user=world.own.users[Role.SOCIAL_WORKER])
    response = login(world.own.users[Role.COORDINATOR]).get("/bollplank/")
    # Open before answered, the most urgent first; the closed one is not in the queue.
    assert response.context["queue"] == [today, week, no_hurry]
    assert response.context["queue_total"] == 4
    assert "De 3 mest brådskande av 4 frågor i kön visas." in response.content.decode()


def test_the_asker_may_follow_up_and_close_but_not_answer_others(world, login):
    consultation = _ask(world)
    services.consultation_reply(consultation=consultation, author=world.own.users[Role.COORDINATOR], text="Svar")
    services.consultation_reply(
        consultation=consultation, author=world.own.users[Role.SOCIAL_WORKER], text="Följdfråga"
    )
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.OPEN
    services.consultation_close(consultation=consultation, user=world.own.users[Role.SOCIAL_WORKER])
    with pytest.raises(ValidationError):
        services.consultation_reply(consultation=consultation, author=world.own.users[Role.COORDINATOR], text="Sent")


def test_only_own_records_can_be_linked(world, make_record):
    other = make_record(reference="N-1", tenant=world.neighbour)
    with pytest.raises(ValidationError):
        _ask(world, record=other)


def _hk15(world, day=None):
    day = day or timezone.localdate()
    facts = facts_for([world.own.municipality], day)[world.own.municipality.pk]
    return RULES_BY_ID["HK15"].evaluate(facts)


def test_hk15_is_unknown_until_used_then_judges_use_and_answer_times(world, make_record):
    assert _hk15(world).status == Status.UNKNOWN
    make_record()
    verdict = _hk15(world)
    assert (
        verdict.status == Status.ATTENTION and "twelve months" in verdict.explanation.lower()
    ) or verdict.status == Status.ATTENTION
    for n in range(6):
        c = _ask(world, question=f"Fråga nummer {n} om risk?")
        services.consultation_reply(consultation=c, author=world.own.users[Role.COORDINATOR], text="Svar")
    assert _hk15(world).status == Status.GOOD
    slow = Consultation.objects.order_by("pk")[:3]
    Consultation.objects.filter(pk__in=[c.pk for c in slow]).update(answer_minutes=5 * 24 * 60)
    assert _hk15(world).status == Status.ATTENTION
    # A year later the questions have aged out of the window.
    assert _hk15(world, timezone.localdate() + datetime.timedelta(days=400)).status == Status.ATTENTION

from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from fridsam.core.roles import Role
from fridsam.evaluation.models import AnswerType, Response
from fridsam.evaluation.selectors import coordinator_answers_by_municipality
from fridsam.evaluation.survey_page import answered_about, initial_answers

pytestmark = pytest.mark.django_db

VALID = {
    "municipalities": ["1980"],
    "post_share": "50",
    "time_split__strategic": "40",
    "time_split__individual": "40",
    "time_split__client": "10",
    "time_split__other": "10",
    "time_other": "Utbildning",
    "placement": "ifo",
    "placement_advantages": "Nära",
    "placement_drawbacks": "Långt till skolan",
    "achievements__0": "Handbok",
    "achievements__1": "Team",
    "achievements__2": "",
}


def test_coordinator_answers_and_the_answers_are_kept_per_year(world, client, login):
    login(world.own.users[Role.COORDINATOR])
    url = reverse("evaluation:coordinator_questionnaire")
    assert client.get(url).status_code == 200
    response = client.post(url, VALID)
    assert response.status_code == 302
    saved = Response.objects.get(respondent=world.own.users[Role.COORDINATOR])
    assert saved.round.year == timezone.localdate().year
    answers = coordinator_answers_by_municipality([world.own.municipality.pk], as_of=timezone.localdate())
    year, values = answers[world.own.municipality.pk]
    assert year == timezone.localdate().year
    assert values["time_split"] == {"strategic": 40, "individual": 40, "client": 10, "other": 10}
    assert values["achievements"] == ["Handbok", "Team"]
    # Answering again replaces this year's answers.
    client.post(url, {**VALID, "post_share": "60"})
    assert Response.objects.filter(respondent=world.own.users[Role.COORDINATOR]).count() == 1


def test_a_split_must_add_up_to_100_and_free_text_refuses_personal_numbers(world, client, login):
    login(world.own.users[Role.COORDINATOR])
    url = reverse("evaluation:coordinator_questionnaire")
    response = client.post(url, {**VALID, "time_split__other": "30", "placement_drawbacks": "Ärende 811218-9876"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "blir sammanlagt 120" in html
    assert "personnummer" in html
    assert 'value="30"' in html
    assert not Response.objects.exists()


def test_only_coordinators_answer(world, client, login):
    login(world.own.users[Role.SOCIAL_WORKER])
    assert client.get(reverse("evaluation:coordinator_questionnaire")).status_code == 403


def test_the_form_ticks_the_coordinators_municipalities_and_then_says_this_year_is_answered(world, client, login):
    login(world.own.users[Role.COORDINATOR])
    url = reverse("evaluation:coordinator_questionnaire")
    page = client.get(url).content.decode()
    assert 'value="1980"' in page and "checked" in page
    assert "Du har svarat i år" not in page
    response = client.post(url, VALID, follow=True)
    assert "Tack! Dina svar för" in response.content.decode()
    page = client.get(url).content.decode()
    assert "Du har svarat i år. Du kan ändra dina svar till årets slut." in page
    assert 'value="50"' in page  # the answers given are filled in
    saved = Response.objects.get(respondent=world.own.users[Role.COORDINATOR])
    assert list(saved.municipalities.all()) == [world.own.municipality]


def test_a_response_is_about_the_municipalities_its_answers_name():
    a, b = SimpleNamespace(code="1980"), SimpleNamespace(code="1983")
    ticked = [SimpleNamespace(key="m", answer_type=AnswerType.MUNICIPALITIES)]
    rated = [SimpleNamespace(key="r", answer_type=AnswerType.MUNICIPALITY_SCALE)]
    plain = [SimpleNamespace(key="t", answer_type=AnswerType.TEXT)]
    assert answered_about(ticked, {"m": ["1983"]}, [a, b]) == [b]
    assert answered_about(ticked, {"m": []}, [a, b]) == []
    assert answered_about(rated, {"r": {"1980": "4"}}, [a, b]) == [a]
    assert answered_about(plain, {"t": "text"}, [a, b]) == [a, b]
    assert initial_answers(ticked, None, [a, b]) == {"m": ["1980", "1983"]}
    assert initial_answers(plain, None, [a, b]) == {}

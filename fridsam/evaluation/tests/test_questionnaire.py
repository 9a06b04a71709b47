import pytest
from django.urls import reverse
from django.utils import timezone

from fridsam.core.roles import Role
from fridsam.evaluation.models import Response
from fridsam.evaluation.selectors import coordinator_answers_by_municipality

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

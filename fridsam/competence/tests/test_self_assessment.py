"""The knowledge self-assessment on the survey engine: answered by staff, shown per unit only where
at least three answered."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from fridsam.accounts.services import membership_grant
from fridsam.accounts.tests import factories as accounts
from fridsam.competence import selectors
from fridsam.core.roles import Role
from fridsam.evaluation.models import Question, Response
from fridsam.organisations.tests import factories as organisations

pytestmark = pytest.mark.django_db
YEAR = datetime.date.today().year


def _answers(score):
    return {q.key: str(score) for q in Question.objects.filter(question_set__key="knowledge")}


def test_a_social_worker_answers_and_changes_the_self_assessment(world, login):
    client = login(world.own.users[Role.SOCIAL_WORKER])
    page = client.get(reverse("competence:self_assessment")).content.decode()
    assert "Hur skattar du din kunskap om hedersrelaterat våld och förtryck?" in page
    assert client.post(reverse("competence:self_assessment"), {"basics": "3"}).status_code == 200  # all required
    assert client.post(reverse("competence:self_assessment"), _answers(3)).status_code == 302
    assert client.post(reverse("competence:self_assessment"), _answers(4)).status_code == 302
    response = Response.objects.get(respondent=world.own.users[Role.SOCIAL_WORKER])
    assert {a.value for a in response.answers.all()} == {"4"}
    assert list(response.municipalities.all()) == [world.own.municipality]
    page = client.get(reverse("competence:mine")).content.decode()
    assert "Ändra min självskattning" in page


def test_a_partner_has_no_self_assessment(world, login):
    assert login(world.own.users[Role.PARTNER]).get(reverse("competence:self_assessment")).status_code == 403


def test_results_per_unit_are_shown_from_three_answers(world, login):
    other = organisations.unit(municipality=world.own.municipality, name="Barn och unga", unit_type="children")
    people = []
    for i, unit in enumerate([world.own.unit] * 3 + [other] * 2):
        user = accounts.user(username=f"sa{i}")
        membership_grant(user=user, role=Role.SOCIAL_WORKER, municipality=world.own.municipality, unit=unit)
        people.append(user)
    for i, user in enumerate(people):
        login(user).post(reverse("competence:self_assessment"), _answers(2 + i % 3))
    topics, rows = selectors.self_assessment(world.own.municipality, YEAR, datetime.date.today())
    assert "honour" in topics
    by_label = {r.label: r for r in rows}
    assert by_label[world.own.unit.name].shown and by_label[world.own.unit.name].means["basics"] == 3.0
    assert not by_label["Barn och unga"].shown
    assert by_label[""].respondents == 5
    page = login(world.own.users[Role.MANAGER]).get(
        reverse("competence:self_assessment_results", args=[world.own.municipality.code])
    )
    text = page.content.decode()
    assert "Färre än 3 svar: visas inte." in text and "Hela kommunen" in text

"""The script a journal system's administrator can run: a year of made-up cases, pushed in calls
of at most 1 000 items, shows on the municipality's statistics page."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from fridsam.core.roles import Role
from fridsam.followup.models import FollowUpRecord
from fridsam.integrations.management.commands.push_followup_year import batches, year_of_cases
from fridsam.integrations.tests.conftest import Api, make_credential


def test_the_cases_are_split_into_calls_without_splitting_a_case():
    items = year_of_cases(2025, 900, seed=3, today=datetime.date(2026, 12, 1))
    calls = batches(items, size=1000)
    assert len(calls) > 1 and sum(len(c) for c in calls) == len(items)
    assert all(len(c) <= 1000 and c[0]["type"] == "record" for c in calls)
    assert year_of_cases(2025, 900, seed=3, today=datetime.date(2026, 12, 1)) == items


def test_no_case_is_dated_after_today():
    today = datetime.date(2026, 3, 1)
    items = year_of_cases(2026, 200, seed=1, today=today)
    dates = [v for item in items for k, v in item.items() if k.endswith("_on")]
    assert max(datetime.date.fromisoformat(d) for d in dates) <= today


@pytest.mark.django_db
def test_a_year_of_the_scripts_cases_shows_on_the_statistics_page(world, client):
    api = Api(client, make_credential(world.own)[1])
    items = year_of_cases(2025, 1200, seed=1, today=datetime.date.today())
    for call in batches(items):
        assert api.push(call).status_code == 200
    for call in batches(items):  # the script run again changes nothing
        assert api.push(call).json()["unchanged"] == len(call)
    records = FollowUpRecord.objects.filter(municipality=world.own.municipality, opened_year=2025)
    assert records.count() == 1200
    adults = records.filter(category="adult_victim").count()

    world.act_as(client, world.own.users[Role.COORDINATOR])
    response = client.get(reverse("statistics:municipality", args=[world.own.municipality.code]))
    rows = {r.year: r for s in response.context["sections"] if s.indicator.key == "vinr_adults" for r in s.rows}
    assert rows[2025].detail.split()[0].replace("\xa0", "") == str(adults)  # beside the rate per 10 000 adults


def test_the_script_needs_a_credential():
    with pytest.raises(CommandError):
        call_command("push_followup_year", token="")

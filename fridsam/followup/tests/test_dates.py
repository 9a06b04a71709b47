"""A follow-up record's dates through the forms: plausible (not before 2000, not in the future),
typed as ÅÅÅÅ-MM-DD whatever the browser's language, each error at its field (ADR 0026)."""

import datetime
import re

import pytest
from django.conf import settings
from django.utils import timezone

from fridsam.core.roles import Role
from fridsam.followup.models import FollowUpRecord, Intervention

pytestmark = pytest.mark.django_db


def _field_error(html: str, field: str) -> str:
    match = re.search(rf'<div class="ds-validation-message"[^>]*id="id_{field}_error">(.*?)</div>', html, re.S)
    return match.group(1) if match else ""


def _record(world, **overrides):
    data = {
        "unit": world.own.unit.pk,
        "reference": "IFO-2026-0412",
        "opened_on": "2026-03-02",
        "route_in": "police",
        "category": "adult_victim",
        "sex": "female",
        "age_band": "25-44",
        "relation": "partner",
        "violence_forms": ["physical"],
    }
    data.update(overrides)
    return data


def test_a_record_opened_in_1850_is_refused_at_its_date_with_the_other_errors(world, client, instruments):
    world.act_as(client, world.own.users[Role.SOCIAL_WORKER])
    response = client.post(
        "/uppfoljning/ny/", _record(world, opened_on="1850-01-01", screening_on="1999-12-31", route_in="")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "från och med 2000-01-01" in _field_error(html, "opened_on")
    assert "från och med 2000-01-01" in _field_error(html, "screening_on")
    assert _field_error(html, "route_in")  # all at once
    assert 'value="1850-01-01"' in html
    assert not FollowUpRecord.objects.exists()


def test_a_date_in_another_order_is_not_read_as_a_day(world, client, instruments):
    """03/02/2026 is the 3rd of February to some and the 2nd of March to others: refused."""
    world.act_as(client, world.own.users[Role.SOCIAL_WORKER])
    html = client.post("/uppfoljning/ny/", _record(world, opened_on="03/02/2026")).content.decode()
    assert _field_error(html, "opened_on")
    assert not FollowUpRecord.objects.exists()
    assert client.post("/uppfoljning/ny/", _record(world, opened_on="20260302")).status_code == 302
    assert FollowUpRecord.objects.get().opened_on == datetime.date(2026, 3, 2)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_date_is_typed_as_yyyy_mm_dd_whatever_the_language(world, client, instruments, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    world.act_as(client, world.own.users[Role.SOCIAL_WORKER])
    html = client.get("/uppfoljning/ny/").content.decode()
    field = re.search(r'<input[^>]*name="opened_on"[^>]*>', html).group(0)
    assert 'type="text"' in field  # not the browser's date input, which shows the browser's format
    assert "id_opened_on_format" in field  # aria-describedby: the format is read out with the field
    hint = {"sv": "Skriv datumet som ÅÅÅÅ-MM-DD.", "en": "Write the date as YYYY-MM-DD."}[language]
    assert f'id="id_opened_on_format">{hint}</div>' in html


def test_an_intervention_does_not_start_in_1850(world, client, make_record):
    record = make_record()
    world.act_as(client, world.own.users[Role.SOCIAL_WORKER])
    response = client.post(
        f"/uppfoljning/{record.pk}/insats/ny/",
        {"kind": "support_talks", "started_on": "1850-01-01", "ended_on": ""},
    )
    assert "från och med 2000-01-01" in _field_error(response.content.decode(), "started_on")
    assert not Intervention.objects.exists()


def test_a_record_is_not_closed_in_the_future(world, client, make_record):
    record = make_record()
    world.act_as(client, world.own.users[Role.SOCIAL_WORKER])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        f"/uppfoljning/{record.pk}/avsluta/",
        {"closed_on": tomorrow.isoformat(), "closure_reason": "goals_met", "outcome": "reduced"},
    )
    assert "framtiden" in _field_error(response.content.decode(), "closed_on")
    record.refresh_from_db()
    assert record.closed_on is None

"""Dates and their bounds (ADR 0026): the one rule (PlausibleDate), the fields that always carry
it, the system check that finds a date field without it, and dates shown the Swedish way."""

import datetime
import re

import pytest
from django import forms
from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError
from django.db import models
from django.db.migrations.writer import MigrationWriter
from django.test.utils import isolate_apps
from django.utils import timezone, translation

from fridsam.core import date_bounds
from fridsam.core.dates import add_months
from fridsam.core.fields import PlausibleDateField, PlausibleDateFormField
from fridsam.core.roles import Role
from fridsam.core.validators import (
    EARLIEST_DATE,
    PLANNING_YEARS,
    PlausibleDate,
    validate_past_date,
    validate_planned_date,
)
from fridsam.followup.forms import RecordForm
from fridsam.statistics import services as statistics_services


def _ids(messages):
    return [m.id for m in messages]


def test_the_check_is_registered_and_every_date_field_is_bounded():
    assert date_bounds.date_fields_are_bounded in checks.registry.registry.get_checks()
    problems = [m for m in checks.run_checks() if m.id in {"fridsam.E030", "fridsam.E031", "fridsam.E032"}]
    assert problems == []


@isolate_apps("fridsam.core")
def test_a_model_date_field_without_bounds_is_an_error():
    class Diary(models.Model):
        written_on = models.DateField()
        planned_on = models.DateField(validators=[validate_planned_date])
        happened_on = PlausibleDateField(bounds=validate_past_date)
        stamped_at = models.DateTimeField(auto_now_add=True)  # a timestamp, not a date anyone enters

        class Meta:
            app_label = "core"

        def __str__(self):
            return str(self.written_on)

    errors = date_bounds.model_field_errors([Diary], allowed={})
    assert _ids(errors) == ["fridsam.E030"] and "core.Diary.written_on" in errors[0].msg
    assert date_bounds.model_field_errors([Diary], allowed={"core.Diary.written_on": "set by a job"}) == []


def test_a_form_date_field_without_bounds_is_an_error_a_model_forms_too():
    class Visit(forms.Form):
        on = forms.DateField()
        at = forms.DateTimeField()
        due = PlausibleDateFormField(bounds=validate_planned_date)

    errors = date_bounds.form_field_errors([Visit, RecordForm], allowed={})
    assert _ids(errors) == ["fridsam.E031", "fridsam.E031"]
    assert errors[0].msg.endswith("Visit.on is a date form field without bounds (PlausibleDate).")
    assert ".Visit.at " in errors[1].msg
    # A model's bounded field hands its bounds on to the model form, whose _post_clean may skip the model.
    assert validate_past_date in RecordForm.base_fields["opened_on"].validators


def test_an_allow_list_entry_that_names_no_unbounded_field_is_an_error(monkeypatch):
    monkeypatch.setitem(date_bounds.MODEL_DATE_FIELDS_UNBOUNDED, "followup.FollowUpRecord.opened_on", "now bounded")
    monkeypatch.setitem(date_bounds.FORM_DATE_FIELDS_UNBOUNDED, "fridsam.core.views.Gone.on", "removed")
    models_, forms_ = date_bounds.fridsam_models(), date_bounds.fridsam_forms()
    errors = date_bounds.stale_allow_list_errors(models_, forms_)
    assert _ids(errors) == ["fridsam.E032", "fridsam.E032"]
    assert "FollowUpRecord.opened_on" in errors[0].msg and "Gone.on" in errors[1].msg


def test_a_past_date_lies_between_2000_and_today():
    today = timezone.localdate()
    validate_past_date(EARLIEST_DATE)
    validate_past_date(today)
    for day in (EARLIEST_DATE - datetime.timedelta(days=1), today + datetime.timedelta(days=1)):
        with pytest.raises(ValidationError) as error:
            validate_past_date(day)
        assert error.value.code == "implausible_date"
    with translation.override("sv"):
        assert validate_past_date.problem(datetime.date(1850, 1, 1)) == "datumet 1850-01-01 är före 2000-01-01"
    assert validate_past_date.problem(today) is None and validate_past_date.message(None) is None


def test_a_planned_date_lies_at_most_five_years_ahead():
    today = timezone.localdate()
    latest = add_months(today, 12 * PLANNING_YEARS)
    validate_planned_date(latest)
    validate_planned_date(datetime.date(2001, 1, 1))  # a due date may have passed
    with pytest.raises(ValidationError, match=latest.isoformat()):
        validate_planned_date(latest + datetime.timedelta(days=1))
    # A moment is judged by its day in Stockholm: 23.30 UTC on New Year's Eve 1999 is 2000 there.
    validate_past_date(datetime.datetime(1999, 12, 31, 23, 30, tzinfo=datetime.UTC))


def test_a_field_of_its_own_bounds_and_the_fields_that_always_carry_them():
    since_1990 = PlausibleDate(earliest=datetime.date(1990, 1, 1))
    since_1990(datetime.date(1995, 6, 1))
    field = PlausibleDateField("done", bounds=since_1990)
    assert field.validators == [since_1990]
    assert field.clone().validators == [since_1990]  # migrations rebuild the field from its validators
    formfield = field.formfield()
    assert isinstance(formfield, PlausibleDateFormField) and formfield.validators == [since_1990]
    with pytest.raises(TypeError):
        PlausibleDateField("undecided")
    with pytest.raises(TypeError):
        PlausibleDateFormField()


def test_migrations_see_a_date_field_as_djangos_own_with_its_bounds():
    _name, path, _args, kwargs = PlausibleDateField("due", bounds=validate_planned_date).deconstruct()
    assert path == "django.db.models.DateField"
    assert kwargs == {"verbose_name": "due", "validators": [PlausibleDate(years_ahead=PLANNING_YEARS)]}
    text, imports = MigrationWriter.serialize(PlausibleDate(earliest=datetime.date(1980, 1, 1)))
    assert text == "fridsam.core.validators.PlausibleDate(earliest=datetime.date(1980, 1, 1))"
    assert "import fridsam.core.validators" in imports


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "absent"), [("sv", "2 mars 2026"), ("en", "March 2, 2026")])
def test_a_date_is_shown_as_yyyy_mm_dd_in_either_language(world, client, language, absent):
    municipality = world.own.municipality
    coordinator = world.own.users[Role.COORDINATOR]
    statistics_services.observation_add(
        municipality=municipality,
        area="knowledge",
        source_type="social_worker",
        observed_on=datetime.date(2026, 3, 2),
        text="Handläggarna frågar oftare om våld.",
        user=coordinator,
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    world.act_as(client, coordinator)
    html = client.get(f"/kommuner/{municipality.code}/iakttagelser/").content.decode()
    assert "· 2026-03-02</figcaption>" in html
    assert absent not in html and "Mar. 2, 2026" not in html
    # The form's own date field is typed the same way, with its hint.
    assert re.search(r'<input[^>]*type="text"[^>]*name="observed_on"', html)

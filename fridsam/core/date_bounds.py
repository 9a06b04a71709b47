"""System check: every date a person enters is bounded to a day that can be true (ADR 0026).

A follow-up record opened on 1850-01-01, an action due ten years ago or a course completed next
year is a typing error, and a figure or a reminder built on it is wrong. Every date field carries a
:class:`~fridsam.core.validators.PlausibleDate`: declared with :class:`~fridsam.core.fields.
PlausibleDateField` on a model (its form field gets the same bounds) and
:class:`~fridsam.core.fields.PlausibleDateFormField` on a form, or given the validator otherwise.
``manage.py check`` finds a field without it:

- **Model fields** (``fridsam.E030``): every ``DateField`` (not ``DateTimeField``: those are
  timestamps Fridsam sets) on every concrete model of Fridsam's own apps, except the fields in
  :data:`MODEL_DATE_FIELDS_UNBOUNDED`, each with the reason nobody enters it.
- **Form fields** (``fridsam.E031``): every ``forms.DateField`` and ``forms.DateTimeField`` on a
  form class of Fridsam's apps, a ``ModelForm``'s too (a model's bounded field hands its bounds
  on, so a form whose ``_post_clean`` skips the model still checks them), except the fields in
  :data:`FORM_DATE_FIELDS_UNBOUNDED`.
- An entry in either list that names no such field, or a field that carries bounds, is an error
  too (``fridsam.E032``).

The imports check the same bounds row by row with :meth:`PlausibleDate.problem`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.core import checks
from django.db import models

from fridsam.core.free_text import fridsam_forms, fridsam_models
from fridsam.core.validators import PlausibleDate

_REMINDERS = "written by the daily reminder job (core.reminders) from dates already checked; nobody enters it"

# "app_label.Model.field": why nobody enters the date.
MODEL_DATE_FIELDS_UNBOUNDED: dict[str, str] = {
    "retention.CullingRun.month": "the first day of the month the job ran for, set by retention.services",
    "retention.RunLine.cutoff": "computed by retention.services from the rule (the month less its months)",
    "core.Reminder.due_on": _REMINDERS,
    "core.Reminder.first_seen_on": _REMINDERS,
    "core.Reminder.last_seen_on": _REMINDERS,
    "core.Reminder.emailed_on": _REMINDERS,
    "core.Reminder.resolved_on": _REMINDERS,
    "healthcheck.FrozenPoint.day": "a 1 January of the history, computed by healthcheck.services.points_freeze",
    "logreview.Review.period_start": "the period is computed from the plan's frequency (logreview.drawing)",
    "logreview.Review.period_end": "the period is computed from the plan's frequency (logreview.drawing)",
    "competence.OnboardingItem.due_on": (
        "counted by competence.services.checklist_ensure from the membership's bounded start and the step's months"
    ),
}

# "module.FormClass.field": why the date needs no bounds.
FORM_DATE_FIELDS_UNBOUNDED: dict[str, str] = {
    "fridsam.core.views.AccessLogFilterForm.date_from": "a filter of the access log: it records nothing",
    "fridsam.core.views.AccessLogFilterForm.date_to": "a filter of the access log: it records nothing",
}

_FORM_DATE_FIELDS = (forms.DateField, forms.DateTimeField)


def _bounded(field) -> bool:
    return any(isinstance(v, PlausibleDate) for v in field.validators)


def _date_model_fields(model) -> Iterable[models.Field]:
    for field in model._meta.get_fields():
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            yield field


def _date_form_fields(form_class) -> Iterable[tuple[str, forms.Field]]:
    for name, field in form_class.base_fields.items():
        if isinstance(field, _FORM_DATE_FIELDS):
            yield name, field


def _form_label(form_class, name: str) -> str:
    return f"{form_class.__module__}.{form_class.__qualname__}.{name}"


def model_field_errors(models_to_check, allowed=None) -> list[checks.CheckMessage]:
    allowed = MODEL_DATE_FIELDS_UNBOUNDED if allowed is None else allowed
    errors = []
    for model in models_to_check:
        for field in _date_model_fields(model):
            label = f"{model._meta.label}.{field.name}"
            if _bounded(field) or label in allowed:
                continue
            errors.append(
                checks.Error(
                    f"{label} is a date field without bounds (PlausibleDate).",
                    hint=(
                        "Make it a PlausibleDateField (fridsam.core.fields) with bounds=validate_past_date, "
                        "validate_planned_date or its own PlausibleDate, or, if nobody enters it, add it with its "
                        "reason to MODEL_DATE_FIELDS_UNBOUNDED in fridsam/core/date_bounds.py."
                    ),
                    obj=field,
                    id="fridsam.E030",
                )
            )
    return errors


def form_field_errors(form_classes, allowed=None) -> list[checks.CheckMessage]:
    allowed = FORM_DATE_FIELDS_UNBOUNDED if allowed is None else allowed
    errors = []
    for form_class in form_classes:
        for name, field in _date_form_fields(form_class):
            label = _form_label(form_class, name)
            if _bounded(field) or label in allowed:
                continue
            errors.append(
                checks.Error(
                    f"{label} is a date form field without bounds (PlausibleDate).",
                    hint=(
                        "Make it a PlausibleDateFormField (fridsam.core.fields) with its bounds, or, if the date "
                        "records nothing, add it with its reason to FORM_DATE_FIELDS_UNBOUNDED in "
                        "fridsam/core/date_bounds.py."
                    ),
                    obj=form_class,
                    id="fridsam.E031",
                )
            )
    return errors


def stale_allow_list_errors(model_classes, form_classes) -> list[checks.CheckMessage]:
    """Allow-list entries must name a date field that carries no bounds."""
    unbounded_models = {
        f"{model._meta.label}.{field.name}"
        for model in model_classes
        for field in _date_model_fields(model)
        if not _bounded(field)
    }
    unbounded_forms = {
        _form_label(form, name)
        for form in form_classes
        for name, field in _date_form_fields(form)
        if not _bounded(field)
    }
    stale = [label for label in MODEL_DATE_FIELDS_UNBOUNDED if label not in unbounded_models]
    stale += [label for label in FORM_DATE_FIELDS_UNBOUNDED if label not in unbounded_forms]
    return [
        checks.Error(
            f"{label} is allowed without date bounds, but it is no such field (renamed, removed, or bounded now).",
            hint="Remove or correct the entry in fridsam/core/date_bounds.py.",
            id="fridsam.E032",
        )
        for label in stale
    ]


@checks.register(checks.Tags.models)
def date_fields_are_bounded(app_configs=None, **kwargs):
    if app_configs is not None:  # `manage.py check <app>`: that app's models only
        return model_field_errors(fridsam_models(app_configs))
    model_classes = fridsam_models()
    form_classes = fridsam_forms()
    return (
        model_field_errors(model_classes)
        + form_field_errors(form_classes)
        + stale_allow_list_errors(model_classes, form_classes)
    )

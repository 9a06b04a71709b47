"""Free-text fields: text that may describe a person never holds a personal identity number.

:class:`PersonalTextField` and :class:`PersonalCharField` are Django's ``TextField`` and
``CharField`` with :func:`~fridsam.core.validators.validate_no_personal_identity_number` always
first among their validators; further validators (a ``MaxLengthValidator`` on a text field) follow
it. :class:`PersonalTextFormField` is the same for a form field that is no model's (a
``forms.CharField``, with a ``Textarea`` or the default ``TextInput``). The system check in
:mod:`fridsam.core.free_text` finds a free-text field that is none of these and does not carry the
validator otherwise.

:class:`PlausibleDateField` (models) and :class:`PlausibleDateFormField` (forms) are the date
fields: they always carry a :class:`~fridsam.core.validators.PlausibleDate`, the bounds of a
date that can be true (ADR 0026), and the model field hands its bounds on to its form field. The
system check in :mod:`fridsam.core.date_bounds` finds a date field without them.

Migrations see the model fields as Django's own, with the validator in ``validators``
(:meth:`deconstruct`): the type adds nothing to the database, so a field can become one of these
without a migration, and migrations do not import this module.
"""

from __future__ import annotations

from django import forms
from django.db import models

from fridsam.core.forms import DateInput
from fridsam.core.validators import PlausibleDate, validate_no_personal_identity_number

_GUARD = validate_no_personal_identity_number


def _others(validators) -> list:
    """The validators given besides the guard (which the field carries anyway)."""
    return [v for v in validators if v is not _GUARD]


class _GuardedModelField:
    default_validators = [_GUARD]
    django_path: str

    def __init__(self, *args, validators=(), **kwargs):
        super().__init__(*args, validators=_others(validators), **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        kwargs["validators"] = [_GUARD, *self._validators]
        return name, self.django_path, args, kwargs


class PersonalTextField(_GuardedModelField, models.TextField):
    """A ``TextField`` of free text: refuses a personal identity number or coordination number."""

    django_path = "django.db.models.TextField"


class PersonalCharField(_GuardedModelField, models.CharField):
    """A ``CharField`` of free text: refuses a personal identity number or coordination number."""

    django_path = "django.db.models.CharField"


class PersonalTextFormField(forms.CharField):
    """A form's free-text field: refuses a personal identity number or coordination number."""

    default_validators = [_GUARD]

    def __init__(self, *, validators=(), **kwargs):
        super().__init__(validators=_others(validators), **kwargs)


def _bounds_and_others(bounds, validators) -> tuple[PlausibleDate, list]:
    given = [v for v in validators if isinstance(v, PlausibleDate)]
    bounds = bounds if bounds is not None else (given[0] if given else None)
    if not isinstance(bounds, PlausibleDate):
        raise TypeError("A date field needs its bounds: a PlausibleDate (validate_past_date, validate_planned_date…).")
    return bounds, [v for v in validators if not isinstance(v, PlausibleDate)]


class PlausibleDateField(models.DateField):
    """A ``DateField`` within *bounds* (a :class:`PlausibleDate`): a day that has been
    (``validate_past_date``), a planned day (``validate_planned_date``) or a field's own bounds.
    Its form field carries the same bounds."""

    def __init__(self, *args, bounds: PlausibleDate | None = None, validators=(), **kwargs):
        self.bounds, others = _bounds_and_others(bounds, validators)
        super().__init__(*args, validators=[self.bounds, *others], **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DateField", args, kwargs

    def formfield(self, **kwargs):
        if "form_class" not in kwargs:
            kwargs = {"form_class": PlausibleDateFormField, "bounds": self.bounds, **kwargs}
        field = super().formfield(**kwargs)
        if field is not None and self.bounds not in field.validators:
            field.validators.append(self.bounds)
        return field


class PlausibleDateFormField(forms.DateField):
    """A form's date field within *bounds* (a :class:`PlausibleDate`), typed as ÅÅÅÅ-MM-DD."""

    widget = DateInput

    def __init__(self, *, bounds: PlausibleDate | None = None, validators=(), **kwargs):
        self.bounds, others = _bounds_and_others(bounds, validators)
        super().__init__(validators=[self.bounds, *others], **kwargs)

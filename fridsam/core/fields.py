"""Free-text fields: text that may describe a person never holds a personal identity number.

:class:`PersonalTextField` and :class:`PersonalCharField` are Django's ``TextField`` and
``CharField`` with :func:`~fridsam.core.validators.validate_no_personal_identity_number` always
first among their validators; further validators (a ``MaxLengthValidator`` on a text field) follow
it. :class:`PersonalTextFormField` is the same for a form field that is no model's (a
``forms.CharField``, with a ``Textarea`` or the default ``TextInput``). The system check in
:mod:`fridsam.core.free_text` finds a free-text field that is none of these and does not carry the
validator otherwise.

Migrations see the model fields as Django's own, with the validator in ``validators``
(:meth:`deconstruct`): the type adds nothing to the database, so a field can become one of these
without a migration, and migrations do not import this module.
"""

from __future__ import annotations

from django import forms
from django.db import models

from fridsam.core.validators import validate_no_personal_identity_number

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

"""System check: every free-text field carries the personal-identity-number validator.

Fridsam never stores a personal identity number or coordination number
(:func:`fridsam.core.validators.validate_no_personal_identity_number`). Free text is declared with
the fields of :mod:`fridsam.core.fields`, which always carry that validator: ``PersonalTextField``
and ``PersonalCharField`` on a model, ``PersonalTextFormField`` on a form. A field that is neither
one of them nor given the validator otherwise is found by ``manage.py check`` (run in CI with
``check --deploy``), not by a reader. What the check asks is the validator itself, among the
field's validators, however it got there.

What counts as free text:

- **Model fields** (``fridsam.E010``): every ``CharField`` and ``TextField`` without choices on
  every concrete model of Fridsam's own apps, except fields whose type holds a format rather
  than prose (``EmailField``, ``URLField``, ``SlugField``) and the fields in
  :data:`MODEL_FIELDS_NOT_FREE_TEXT`, each with the reason it is not free text.
- **Form fields** (``fridsam.E011``): every ``forms.CharField`` shown as a ``Textarea`` or
  ``TextInput`` on a form class of Fridsam's apps, except format-typed fields (e-mail, URL, slug,
  UUID, IP address, JSON), fields of a ``ModelForm`` that are fields of its (already checked)
  model, and the fields in :data:`FORM_FIELDS_NOT_FREE_TEXT`. One-item-per-line fields pass the
  validator their list of lines. Forms are looked for in each app's ``forms``, ``views`` and
  ``admin`` modules and in whatever those import.
- An entry in either allow-list that names no such field, or a field that already carries the
  validator, is an error too (``fridsam.E012``): the lists stay true.

Text that is written to the access log (``purpose``, ``detail``) is validated where it is
composed, before ``log_access`` is called; text that must be kept although it may hold a number
(a failed login's attempted username, a search in the log) is redacted with
:func:`fridsam.core.validators.redact_personal_identity_numbers`.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterable

from django import forms
from django.apps import apps
from django.core import checks
from django.db import models

from fridsam.core.validators import validate_no_personal_identity_number

_PHONE = (
    "a telephone number: validate_phone_number refuses free text and a personal identity number written "
    "as one (its bare ten-digit form, 0701234567, can pass the checksum and is kept)"
)
_REFERENCE_DATA = "reference data from the repository's data files, loaded by migrations or commands"

# "app_label.Model.field": why the field is not free text.
MODEL_FIELDS_NOT_FREE_TEXT: dict[str, str] = {
    "accounts.IdentityProvider.client_id": "the client id the identity provider issued: a code",
    "accounts.IdentityProvider.client_secret_encrypted": "a secret, encrypted (core.crypto)",
    "accounts.IdentityProvider.group_claim": "the name of a claim or SAML attribute",
    "accounts.IdentityProvider.idp_entity_id": "a SAML entity id (a URI)",
    "accounts.IdentityProvider.metadata_certificate": "a certificate in PEM",
    "accounts.IdentityProvider.metadata_xml": "SAML metadata (XML), its signature checked",
    "accounts.IdentityProvider.sp_certificate": "a certificate in PEM",
    "accounts.IdentityProvider.sp_private_key_encrypted": "a private key, encrypted (core.crypto)",
    "tasks.Task.kind": "a registered task kind (fridsam.tasks.registry)",
    "tasks.Task.key": "built by the code that submits a task from codes and years",
    "tasks.Task.language": "a language code",
    "tasks.Task.label": "written by the code that submits a task; a file name in it is masked by tasks.services.submit",
    "tasks.Task.input_name": "an uploaded file's name, masked by tasks.services.submit",
    "tasks.Task.result_name": "a file name made by the task's handler from codes and years",
    "tasks.Task.result_type": "a media type",
    "tasks.Task.failure": "a message of the task's handler or runner, never typed by a person",
    "core.AccessLogEntry.username": "the acting account's username, copied from accounts.User",
    "core.AccessLogEntry.role": "role codes (accounts.Role values) joined by commas",
    "core.AccessLogEntry.organisation": "names of the actor's organisations, copied from validated fields",
    "core.AccessLogEntry.object_type": "a model label (app_label.model_name)",
    "integrations.IntegrationCredential.key_id": "random hexadecimal digits made by the service",
    "integrations.IntegrationCredential.secret_hash": "a SHA-256 hash in hexadecimal digits",
    "followup.FollowUpRecord.via": "copied from an integration credential's name (checked when it was created)",
    "core.AccessLogEntry.object_id": "a primary key or an organisation code",
    "opencomparisons.ConfirmedAnswer.question": "a question key of opencomparisons.questions.QUESTIONS",
    "core.AccessLogEntry.purpose": (
        "written only by core.audit.log_access, never through a form or full_clean(): the purpose is validated "
        "where it is given (followup.purpose)"
    ),
    "core.AccessLogEntry.detail": (
        "written only by core.audit.log_access, never through a form or full_clean(): text from a person is "
        "validated or redacted where the detail is composed"
    ),
    "core.AccessLogEntry.key_id": "names the key of the chain",
    "core.AccessLogEntry.prev_hash": "a hash",
    "core.AccessLogEntry.entry_hash": "a hash",
    "core.AccessLogCheckpoint.cut_hash": "a hash",
    "core.AccessLogCheckpoint.cut_key_id": "names the key of the chain",
    "core.AccessLogCheckpoint.key_id": "names the key of the chain",
    "core.AccessLogCheckpoint.mac": "a MAC",
    "core.AccessLogCheckpoint.reason": "written by core.log_culling: the culling run's number and month",
    "core.AccessLogEntry.seal": "a key id and a MAC",
    "core.StaffSession.session_key": "a random session key",
    "core.StaffSession.session_data": "Django's signed session data",
    "core.AccessLogVerification.entry_hash": "a hash",
    "core.AccessLogVerification.entry_key_id": "names the key of the chain",
    "core.AccessLogVerification.key_id": "names the key of the chain",
    "core.AccessLogVerification.mac": "a MAC",
    "core.Reminder.key": "an internal key made by a reminder collector",
    "logreview.ReviewItem.username": "copied from the access-log entry the review drew",
    "logreview.ReviewItem.action": "an access-log action code, copied from the entry",
    "logreview.ReviewItem.object_type": "a model label, copied from the access-log entry",
    "logreview.ReviewItem.object_id": "a primary key, copied from the access-log entry",
    "logreview.ReviewItem.purpose": "copied from the access-log entry, validated where it was given",
    "core.Reminder.kind": "a reminder kind code",
    "core.Reminder.url": "an internal path",
    "accounts.User.password": "a password hash",
    "accounts.User.username": "the login name (Django's username characters), set by administrators",
    "accounts.User.first_name": "the staff member's own name (account data, never about a client)",
    "accounts.User.last_name": "the staff member's own name (account data, never about a client)",
    "accounts.User.phone": _PHONE,
    "organisations.County.code": "SCB's county code (two digits)",
    "organisations.County.name": "public reference data: SCB's name of the county",
    "organisations.Municipality.code": "SCB's municipality code (four digits)",
    "organisations.Municipality.name": "public reference data: SCB's name of the municipality",
    "organisations.PartnerOrganisation.phone": _PHONE,
    "evaluation.QuestionSet.title": "defined in code (evaluation/question_sets.py)",
    "evaluation.QuestionSet.description": "defined in code (evaluation/question_sets.py)",
    "evaluation.Question.text": "defined in code (evaluation/question_sets.py)",
    "evaluation.Question.help_text": "defined in code (evaluation/question_sets.py)",
    "statistics.Indicator.name": _REFERENCE_DATA + " (data/indicators.json)",
    "statistics.Indicator.description": _REFERENCE_DATA + " (data/indicators.json)",
    "statistics.Indicator.kolada_kpi": "Kolada's id of the key figure",
    "statistics.EffectEstimate.scope": "a county's code or SE, written only by statistics.effects",
    "statistics.EffectEstimate.input_digest": "a SHA-256 hex digest of the estimate's input",
    "statistics.IndicatorDefinition.text": _REFERENCE_DATA + " (data/indicators.json)",
    "statistics.IndicatorDefinition.change_note": _REFERENCE_DATA + " (data/indicators.json)",
    "followup.FollowUpRecord.reference_hash": "a keyed hash of the case reference",
    "followup.Instrument.name": "from the instrument's definition file (docs/instruments.md)",
    "followup.InstrumentVersion.version": "the version label of the instrument's definition file",
    "housing.Provider.address_encrypted": "ciphertext; housing.services checks the address before encrypting it",
    "housing.Provider.phone": _PHONE,
    "housing.Criterion.label": _REFERENCE_DATA + " (data/criteria.json)",
    "housing.Criterion.help_text": _REFERENCE_DATA + " (data/criteria.json)",
    "housing.Apartment.address_encrypted": "ciphertext; housing.services checks the address before encrypting it",
    "housing.Applicant.reference_hash": "a keyed hash of the case reference",
    "public.PublicPageDraft.phone": _PHONE,
    "competence.Requirement.role": "a role code (accounts.Role value)",
    "competence.OnboardingItem.title": "copied from competence.OnboardingStep.title, which carries the validator",
    "competence.CalendarFeed.token": "a random secret",
    "routines.Attachment.content_type": "a MIME type",
    "retention.CullingRun.package": "the path of the archive package, made by retention.archive",
    "retention.CullingRun.package_sha256": "a hash",
    "retention.CullingRun.signed_by_name": "the staff member's own name, copied from accounts.User",
    "retention.RunLine.unit_name": "copied from organisations.Unit.name, which carries the validator",
}

# "module.FormClass.field": why the field is not free text or where it is checked instead.
FORM_FIELDS_NOT_FREE_TEXT: dict[str, str] = {
    "fridsam.accounts.admin.IdentityProviderAdminForm.sp_private_key": "a private key in PEM, stored encrypted",
    "fridsam.retention.forms.HoldForm.object_id": "an item's number (U-123): clean_object_id keeps its digits",
    "fridsam.accounts.totp.AuthenticateForm.code": "a six-digit one-time code",
    "fridsam.accounts.totp.ReauthenticateForm.code": "a six-digit one-time code",
    "fridsam.accounts.totp.ActivateTOTPForm.code": "a six-digit one-time code",
    "fridsam.followup.forms.FindForm.reference": (
        "a case reference: core.references.validate_reference refuses personal identity numbers"
    ),
    "fridsam.housing.forms.ApplicantForm.reference": (
        "a case reference: core.references.validate_reference refuses personal identity numbers"
    ),
    "fridsam.housing.forms.ApplicantForm.children_ages": "ages, as numbers",
    "fridsam.housing.forms.ProviderForm.address": "housing.services checks the address before encrypting it",
    "fridsam.housing.forms.ApartmentForm.address": "housing.services checks the address before encrypting it",
    "fridsam.organisations.forms.PartnerEntryForm.my_phone": _PHONE,
}

_FORMAT_MODEL_FIELDS = (models.EmailField, models.URLField, models.SlugField)
_FORMAT_FORM_FIELDS = (
    forms.EmailField,
    forms.URLField,
    forms.SlugField,
    forms.UUIDField,
    forms.GenericIPAddressField,
    forms.JSONField,
)


def _carries_validator(field) -> bool:
    return validate_no_personal_identity_number in field.validators


def _fridsam_apps(app_configs=None):
    return [c for c in (app_configs or apps.get_app_configs()) if c.name.startswith("fridsam.")]


def fridsam_models(app_configs=None) -> list[type[models.Model]]:
    return [model for config in _fridsam_apps(app_configs) for model in config.get_models() if not model._meta.proxy]


def _free_text_model_fields(model) -> Iterable[models.Field]:
    for field in model._meta.get_fields():
        if (
            isinstance(field, models.CharField | models.TextField)
            and not field.choices
            and not isinstance(field, _FORMAT_MODEL_FIELDS)
        ):
            yield field


def model_field_errors(models_to_check: Iterable[type[models.Model]], allowed=None) -> list[checks.CheckMessage]:
    allowed = MODEL_FIELDS_NOT_FREE_TEXT if allowed is None else allowed
    errors = []
    for model in models_to_check:
        for field in _free_text_model_fields(model):
            label = f"{model._meta.label}.{field.name}"
            if _carries_validator(field) or label in allowed:
                continue
            errors.append(
                checks.Error(
                    f"{label} is a free-text field without validate_no_personal_identity_number.",
                    hint=(
                        "Make it a PersonalTextField or PersonalCharField (fridsam.core.fields), or, if it holds "
                        "no prose (a code, a hash, a copy of a checked field), add it with its reason to "
                        "MODEL_FIELDS_NOT_FREE_TEXT in fridsam/core/free_text.py."
                    ),
                    obj=field,
                    id="fridsam.E010",
                )
            )
    return errors


def fridsam_forms() -> list[type[forms.BaseForm]]:
    for config in _fridsam_apps():
        for name in ("forms", "views", "admin"):
            module = f"{config.name}.{name}"
            if importlib.util.find_spec(module) is not None:
                importlib.import_module(module)
    found, stack = [], [forms.BaseForm]
    while stack:
        for subclass in stack.pop().__subclasses__():
            stack.append(subclass)
            module = subclass.__module__
            if module.startswith("fridsam.") and ".tests" not in module and subclass not in found:
                found.append(subclass)
    return found


def _model_field_names(form_class) -> set[str]:
    """Names of the form's fields that its model validates (a ModelForm over a Fridsam model)."""
    meta = getattr(form_class, "_meta", None)
    model = getattr(meta, "model", None)
    if not issubclass(form_class, forms.BaseModelForm) or model is None:
        return set()
    if not model._meta.app_config.name.startswith("fridsam."):
        return set()
    return {f.name for f in model._meta.get_fields() if getattr(f, "concrete", False)}


def _free_text_form_fields(form_class) -> Iterable[tuple[str, forms.Field]]:
    checked_by_model = _model_field_names(form_class)
    for name, field in form_class.base_fields.items():
        if (
            isinstance(field, forms.CharField)
            and isinstance(field.widget, forms.Textarea | forms.TextInput)
            and not isinstance(field, _FORMAT_FORM_FIELDS)
            and name not in checked_by_model
        ):
            yield name, field


def form_field_errors(form_classes: Iterable[type[forms.BaseForm]], allowed=None) -> list[checks.CheckMessage]:
    allowed = FORM_FIELDS_NOT_FREE_TEXT if allowed is None else allowed
    errors = []
    for form_class in form_classes:
        for name, field in _free_text_form_fields(form_class):
            label = f"{form_class.__module__}.{form_class.__qualname__}.{name}"
            if _carries_validator(field) or label in allowed:
                continue
            errors.append(
                checks.Error(
                    f"{label} is a free-text form field without validate_no_personal_identity_number.",
                    hint=(
                        "Make it a PersonalTextFormField (fridsam.core.fields), or, if it holds no prose, add it "
                        "with its reason to FORM_FIELDS_NOT_FREE_TEXT in fridsam/core/free_text.py."
                    ),
                    obj=form_class,
                    id="fridsam.E011",
                )
            )
    return errors


def stale_allow_list_errors(model_classes, form_classes) -> list[checks.CheckMessage]:
    """Allow-list entries must name a free-text field that does not carry the validator."""
    unchecked_models = {
        f"{model._meta.label}.{field.name}"
        for model in model_classes
        for field in _free_text_model_fields(model)
        if not _carries_validator(field)
    }
    unchecked_forms = {
        f"{form.__module__}.{form.__qualname__}.{name}"
        for form in form_classes
        for name, field in _free_text_form_fields(form)
        if not _carries_validator(field)
    }
    stale = [label for label in MODEL_FIELDS_NOT_FREE_TEXT if label not in unchecked_models]
    stale += [label for label in FORM_FIELDS_NOT_FREE_TEXT if label not in unchecked_forms]
    return [
        checks.Error(
            f"{label} is allowed without the personal-identity-number validator, but it is no such field "
            "(renamed, removed, or it carries the validator now).",
            hint="Remove or correct the entry in fridsam/core/free_text.py.",
            id="fridsam.E012",
        )
        for label in stale
    ]


@checks.register(checks.Tags.models)
def free_text_fields_carry_the_validator(app_configs=None, **kwargs):
    if app_configs is not None:  # `manage.py check <app>`: that app's models only
        return model_field_errors(fridsam_models(app_configs))
    model_classes = fridsam_models()
    form_classes = fridsam_forms()
    return (
        model_field_errors(model_classes)
        + form_field_errors(form_classes)
        + stale_allow_list_errors(model_classes, form_classes)
    )

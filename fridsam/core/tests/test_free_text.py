"""The system check that every free-text field carries the personal-identity-number validator,
and the text from people that reaches the access log without a form: failed logins, log filters."""

import pytest
from django import forms
from django.contrib.auth import authenticate
from django.core import checks
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.validators import MaxLengthValidator
from django.db import models
from django.test.utils import isolate_apps

from fridsam.core import free_text
from fridsam.core.fields import PersonalCharField, PersonalTextField, PersonalTextFormField
from fridsam.core.models import AccessAction, AccessLogEntry
from fridsam.core.roles import Role
from fridsam.core.validators import contains_personal_identity_number, validate_no_personal_identity_number
from fridsam.organisations.models import Unit

NUMBERS = ["121212–1212", "121212\u00a01212", "121212\u20111212", "121212\u22121212", "121212\u200b1212"]


def _ids(messages):
    return [m.id for m in messages]


def test_the_check_is_registered_and_every_free_text_field_carries_the_validator():
    assert free_text.free_text_fields_carry_the_validator in checks.registry.registry.get_checks()
    problems = [m for m in checks.run_checks() if m.id in {"fridsam.E010", "fridsam.E011", "fridsam.E012"}]
    assert problems == []
    call_command("check", fail_level="ERROR")  # what CI runs (with --deploy), raising on an error


def test_the_check_looks_at_the_forms_that_reach_the_access_log():
    from fridsam.core.views import AccessLogFilterForm
    from fridsam.followup.forms import PurposeForm

    found = free_text.fridsam_forms()
    assert PurposeForm in found and AccessLogFilterForm in found
    assert validate_no_personal_identity_number in PurposeForm.base_fields["detail"].validators


@isolate_apps("fridsam.core")
def test_a_model_text_field_without_the_validator_is_an_error():
    class Note(models.Model):
        text = models.TextField()
        title = models.CharField(max_length=50, validators=[validate_no_personal_identity_number])
        body = PersonalTextField()
        heading = PersonalCharField(max_length=50)
        kind = models.CharField(max_length=10, choices=[("a", "A")])
        email = models.EmailField()
        code = models.SlugField()

        class Meta:
            app_label = "core"

        def __str__(self):
            return self.text

    errors = free_text.model_field_errors([Note], allowed={})
    assert _ids(errors) == ["fridsam.E010"] and "core.Note.text" in errors[0].msg
    assert free_text.model_field_errors([Note], allowed={"core.Note.text": "a code"}) == []


def test_a_form_text_field_without_the_validator_is_an_error():
    class Free(forms.Form):
        question = forms.CharField(widget=forms.Textarea)
        title = forms.CharField(validators=[validate_no_personal_identity_number])
        answer = PersonalTextFormField(widget=forms.Textarea)
        heading = PersonalTextFormField()
        email = forms.EmailField()
        secret = forms.CharField(widget=forms.PasswordInput)
        hidden = forms.CharField(widget=forms.HiddenInput)

    class OverUnit(forms.ModelForm):  # fields of a checked model are the model's to validate
        extra = forms.CharField()

        class Meta:
            model = Unit
            fields = ["name"]

    errors = free_text.form_field_errors([Free, OverUnit], allowed={})
    assert _ids(errors) == ["fridsam.E011", "fridsam.E011"]
    assert errors[0].msg.endswith(
        "Free.question is a free-text form field without validate_no_personal_identity_number."
    )
    assert ".OverUnit.extra " in errors[1].msg


def test_the_free_text_fields_always_carry_the_validator_first():
    limit = MaxLengthValidator(100)
    for field in (
        PersonalTextField(validators=[limit]),
        PersonalCharField(max_length=100, validators=[validate_no_personal_identity_number, limit]),
        PersonalTextFormField(validators=[limit]),
    ):
        assert field.validators[0] is validate_no_personal_identity_number
        assert field.validators.count(validate_no_personal_identity_number) == 1 and limit in field.validators
        with pytest.raises(ValidationError) as error:
            field.run_validators("Klienten 121212-1212 ringde")
        assert [e.code for e in error.value.error_list] == ["personal_identity_number"]
        field.run_validators("Klienten ringde")


def test_migrations_see_the_free_text_fields_as_djangos_own():
    """A field can become a PersonalTextField without a migration, and migrations do not import
    fridsam.core.fields."""
    limit = MaxLengthValidator(100)
    _name, path, _args, kwargs = PersonalTextField("text", blank=True, validators=[limit]).deconstruct()
    assert path == "django.db.models.TextField"
    assert kwargs == {
        "verbose_name": "text",
        "blank": True,
        "validators": [validate_no_personal_identity_number, limit],
    }
    _name, path, _args, kwargs = PersonalCharField(max_length=20).deconstruct()
    assert path == "django.db.models.CharField"
    assert kwargs == {"max_length": 20, "validators": [validate_no_personal_identity_number]}
    clone = PersonalCharField(max_length=20).clone()
    assert clone.validators.count(validate_no_personal_identity_number) == 1


def test_an_allow_list_entry_that_names_no_unchecked_field_is_an_error(monkeypatch):
    monkeypatch.setitem(free_text.MODEL_FIELDS_NOT_FREE_TEXT, "organisations.Unit.name", "now checked")
    monkeypatch.setitem(free_text.FORM_FIELDS_NOT_FREE_TEXT, "fridsam.core.views.Gone.field", "removed")
    errors = free_text.stale_allow_list_errors(free_text.fridsam_models(), free_text.fridsam_forms())
    assert _ids(errors) == ["fridsam.E012", "fridsam.E012"]
    assert "organisations.Unit.name" in errors[0].msg and "Gone.field" in errors[1].msg


@pytest.mark.django_db
@pytest.mark.parametrize("number", NUMBERS)
def test_a_personal_identity_number_typed_as_username_is_masked_in_the_log(world, number):
    assert authenticate(request=None, username=f"anna {number}", password="fel") is None
    entry = AccessLogEntry.objects.filter(action=AccessAction.LOGIN_FAILED).latest("sequence")
    assert entry.detail.startswith("attempted username: anna ")
    assert "121212" not in entry.detail and "******" in entry.detail
    assert not contains_personal_identity_number(entry.detail)


@pytest.mark.django_db
@pytest.mark.parametrize("number", NUMBERS)
def test_a_personal_identity_number_in_the_log_filters_is_refused_and_masked(world, login, number):
    client = login(world.own.users[Role.MANAGER])
    response = client.get(f"/kommuner/{world.own.municipality.code}/logg/", {"username": number})
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    entry = AccessLogEntry.objects.filter(action=AccessAction.LIST, object_type="core.accesslogentry").latest(
        "sequence"
    )
    assert entry.detail.startswith("username=******") and "121212" not in entry.detail
    assert all(not contains_personal_identity_number(e.detail + e.purpose) for e in AccessLogEntry.objects.all())


@pytest.mark.django_db
def test_text_stored_before_a_separator_was_recognised_is_found(world):
    """A number saved past an older validator stays until someone removes it: the command finds
    where it is, and prints where, never the number."""
    import io

    from django.core.management import CommandError, call_command

    from fridsam.organisations.models import Unit

    Unit.system_objects.filter(pk=world.own.unit.pk).update(name="Enhet 121212\u20281212")  # past the validator
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 stored texts"):
        call_command("find_personal_numbers", stdout=out)
    assert f"organisations.Unit.name id={world.own.unit.pk}" in out.getvalue()
    assert "1212" not in out.getvalue().replace(str(world.own.unit.pk), "")
    Unit.system_objects.filter(pk=world.own.unit.pk).update(name="Enhet Vuxen")
    call_command("find_personal_numbers", stdout=io.StringIO())

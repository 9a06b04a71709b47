from django import forms
from django.utils.translation import gettext_lazy as _

from fridsam.core.fields import PersonalTextFormField
from fridsam.core.roles import MUNICIPAL_ROLES, Role
from fridsam.core.validators import validate_phone_number
from fridsam.organisations.models import Municipality, PartnerOrganisation, Unit, UnitType


class UnitForm(forms.Form):
    name = PersonalTextFormField(label=_("Name"), max_length=120)
    unit_type = forms.ChoiceField(label=_("Type"), choices=UnitType.choices)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    @classmethod
    def for_unit(cls, unit: Unit, data=None):
        return cls(data=data, initial={"name": unit.name, "unit_type": unit.unit_type, "is_active": unit.is_active})

    def cleaned_data_for_create(self) -> dict:
        return {"name": self.cleaned_data["name"], "unit_type": self.cleaned_data["unit_type"]}


class PartnerEntryForm(forms.ModelForm):
    """A partner's own entry in the directory, and the contact details of the person editing it."""

    municipalities = forms.ModelMultipleChoiceField(
        label=_("Municipalities served"),
        queryset=Municipality.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: the whole county."),
    )
    my_title = PersonalTextFormField(label=_("Your title"), max_length=120, required=False)
    my_phone = forms.CharField(label=_("Your phone"), max_length=40, required=False, validators=[validate_phone_number])

    class Meta:
        model = PartnerOrganisation
        fields = ["phone", "email", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, membership=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].queryset = Municipality.objects.filter(county=self.instance.county_id)
        self.initial.setdefault("municipalities", list(self.instance.municipalities.values_list("pk", flat=True)))
        if membership is None:
            del self.fields["my_title"], self.fields["my_phone"]
        else:
            self.initial.setdefault("my_title", membership.title)
            self.initial.setdefault("my_phone", membership.user.phone)


class TargetGroupsForm(forms.Form):
    """Whom something is for: unit types and roles of the social services (none chosen: all)."""

    unit_types = forms.MultipleChoiceField(
        label=_("For units of type"),
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every unit."),
    )
    roles = forms.MultipleChoiceField(
        label=_("For roles"),
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every role."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_types"].choices = UnitType.choices
        self.fields["roles"].choices = [(r, label) for r, label in Role.choices if r in MUNICIPAL_ROLES]

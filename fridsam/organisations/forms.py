from django import forms
from django.utils.translation import gettext_lazy as _

from fridsam.organisations.models import Unit, UnitType


class UnitForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    unit_type = forms.ChoiceField(label=_("Type"), choices=UnitType.choices)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    @classmethod
    def for_unit(cls, unit: Unit, data=None):
        return cls(data=data, initial={"name": unit.name, "unit_type": unit.unit_type, "is_active": unit.is_active})

    def cleaned_data_for_create(self) -> dict:
        return {"name": self.cleaned_data["name"], "unit_type": self.cleaned_data["unit_type"]}

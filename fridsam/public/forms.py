from django import forms
from django.utils.translation import gettext_lazy as _

from fridsam.core.fields import PersonalTextFormField
from fridsam.organisations.models import PartnerOrganisation
from fridsam.public.models import PublicPageDraft


class DraftForm(forms.ModelForm):
    partners = forms.ModelMultipleChoiceField(
        label=_("Local organisations to list"),
        queryset=PartnerOrganisation.system_objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = PublicPageDraft
        fields = [
            "intro",
            "phone",
            "opening_hours",
            "after_hours",
            "visiting_address",
            "email",
            "show_contact",
            "extra",
        ]
        widgets = {"intro": forms.Textarea(attrs={"rows": 3}), "extra": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "show_contact": _("The page then names today's entry point: the coordinator, the deputy during an "
                              "absence, or the leader of the violence team."),
        }  # fmt: skip

    field_order = [*Meta.fields[:-2], "partners", "show_contact", "extra"]

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = PartnerOrganisation.objects.filter(county=municipality.county_id)
        if self.instance.pk:
            self.initial.setdefault("partners", list(self.instance.partners.values_list("pk", flat=True)))


class ReturnForm(forms.Form):
    comment = PersonalTextFormField(label=_("What should be changed?"), max_length=500)

from django import forms
from django.utils.translation import gettext_lazy as _

from fridsam.core import uploads
from fridsam.core.fields import PlausibleDateFormField
from fridsam.core.forms import DateInput
from fridsam.core.validators import validate_planned_date
from fridsam.integrations.models import IntegrationCredential, Permission


class CredentialForm(forms.ModelForm):
    acts_for = forms.ChoiceField(label=_("Acts for"))
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=None,
        required=False,
        empty_label=_("Choose"),
        help_text=_("The unit the pushed records belong to (a municipality's credential)."),
    )
    permissions = forms.MultipleChoiceField(
        label=_("May"), choices=Permission.choices, widget=forms.CheckboxSelectMultiple
    )
    expires_on = PlausibleDateFormField(
        label=_("Valid until"),
        bounds=validate_planned_date,
        widget=DateInput(),
        help_text=_("At most a few years: a new credential is made before it runs out."),
    )

    class Meta:
        model = IntegrationCredential
        fields = ["name"]

    def __init__(self, *args, municipalities, counties, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["acts_for"].choices = [
            *[(f"m{m.pk}", m.name) for m in municipalities],
            *[(f"c{c.pk}", c.name) for c in counties],
        ]
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda u: f"{u.municipality.name}: {u.name}"
        self._municipalities = {f"m{m.pk}": m for m in municipalities}
        self._counties = {f"c{c.pk}": c for c in counties}

    def owner(self):
        key = self.cleaned_data["acts_for"]
        return self._municipalities.get(key), self._counties.get(key)

    def _post_clean(self):
        pass  # the service validates the credential


class FileImportForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, empty_label=_("Choose"))
    file = uploads.UploadField(
        label=_("File (CSV or Excel)"), max_bytes=uploads.TABLE_MAX_BYTES, widget=forms.ClearableFileInput
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda u: f"{u.municipality.name}: {u.name}"

from django import forms
from django.utils.translation import gettext_lazy as _

from fridsam.core import uploads
from fridsam.core.forms import DateInput
from fridsam.core.quality import QUALITY_AREAS, SUCCESS_FACTORS, Area
from fridsam.statistics.models import Observation, Unit
from fridsam.statistics.services import Figure
from fridsam.statistics.skr import KEY_FIGURES


class YearForm(forms.Form):
    """One municipality's figures for a year: a number (and "out of" for shares) per indicator.
    The fields are named ``<key>__count`` and ``<key>__denominator``."""

    def __init__(self, *args, indicators, initial_values=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        initial_values = initial_values or {}
        for indicator in indicators:
            current = initial_values.get(indicator.key)
            self.fields[f"{indicator.key}__count"] = forms.IntegerField(
                label=indicator.name,
                required=False,
                min_value=0,
                initial=current.count if current else None,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "fs-input-number"}),
            )
            if indicator.unit == Unit.PERCENT:
                self.fields[f"{indicator.key}__denominator"] = forms.IntegerField(
                    label=_("%(name)s: out of") % {"name": indicator.name},
                    required=False,
                    min_value=1,
                    initial=current.denominator if current else None,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "fs-input-number"}),
                )

    def rows(self):
        for indicator in self.indicators:
            yield (
                indicator,
                self[f"{indicator.key}__count"],
                (self[f"{indicator.key}__denominator"] if indicator.unit == Unit.PERCENT else None),
            )

    def figures(self) -> dict[str, Figure]:
        data = self.cleaned_data
        return {
            i.key: Figure(count=data.get(f"{i.key}__count"), denominator=data.get(f"{i.key}__denominator"))
            for i in self.indicators
            if f"{i.key}__count" in data
        }

    def add_indicator_errors(self, errors: dict) -> None:
        for key, messages in errors.items():
            self.add_error(f"{key}__count" if f"{key}__count" in self.fields else None, messages)


class ImportForm(forms.Form):
    file = uploads.UploadField(
        max_bytes=uploads.TABLE_MAX_BYTES,
        label=_("File"),
        help_text=_("CSV or XLSX in the template's columns, or a Kolada JSON file."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,.json"}),
    )


class ObservationForm(forms.ModelForm):
    area = forms.ChoiceField(label=_("Quality area or success factor"), choices=[])

    class Meta:
        model = Observation
        fields = ["area", "source_type", "observed_on", "text"]
        widgets = {"observed_on": DateInput(), "text": forms.Textarea(attrs={"rows": 4, "maxlength": 1500})}
        help_texts = {
            "text": _("Anonymised by role only: no names of staff or clients, no personal identity numbers."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "—")] + [(a, Area(a).label) for a in [*QUALITY_AREAS, *SUCCESS_FACTORS]]


class KeyFigureReportingForm(forms.Form):
    key_figures = forms.MultipleChoiceField(
        label=_("Key figures the municipality reports to SKR"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("A municipality may report one, two or all three. Those it does not report are “not applicable”."),
    )

    def __init__(self, *args, figures, **kwargs):
        super().__init__(*args, **kwargs)
        from_catalogue = {i.key: i.name for i in figures.indicators}
        self.fields["key_figures"].choices = [(k, from_catalogue[k]) for k in KEY_FIGURES if k in from_catalogue]

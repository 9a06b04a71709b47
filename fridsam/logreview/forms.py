from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from fridsam.core.caselevel import case_level_models
from fridsam.core.fields import PersonalTextFormField
from fridsam.core.models import AccessLogEntry
from fridsam.logreview.models import ReviewPlan, Verdict


class PlanForm(forms.ModelForm):
    class Meta:
        model = ReviewPlan
        fields = ["frequency_months", "sample_size", "routine"]
        widgets = {"routine": forms.Textarea(attrs={"rows": 10})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sample_size"].validators += [MinValueValidator(1), MaxValueValidator(50)]
        self.fields["sample_size"].widget.attrs.update({"min": 1, "max": 50})


class MarkForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Verdict"),
        choices=[(Verdict.JUSTIFIED, Verdict.JUSTIFIED.label), (Verdict.FOLLOW_UP, Verdict.FOLLOW_UP.label)],
        widget=forms.RadioSelect,
    )
    note = PersonalTextFormField(
        label=_("Note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the read is to be followed up. No names or personal identity numbers."),
    )


class SignForm(forms.Form):
    conclusion = PersonalTextFormField(
        label=_("Conclusion"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the review found and what is done about it."),
    )


def _object_types():
    return sorted(
        ((m._meta.label_lower, capfirst(AccessLogEntry(object_type=m._meta.label_lower).object_type_label))
         for m in case_level_models()),
        key=lambda c: str(c[1]),
    )  # fmt: skip


class WhoReadForm(forms.Form):
    typ = forms.ChoiceField(label=_("Kind of data"), initial="followup.followuprecord")
    id = forms.IntegerField(label=_("Its number"), min_value=1, help_text=_("The number shown on the record, e.g. 12."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["typ"].choices = _object_types()


class WhatReadForm(forms.Form):
    person = forms.TypedChoiceField(label=_("Person"), coerce=int)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "—"), *[(u.pk, f"{u} ({u.username})") for u in people]]

from django import forms

from fridsam.reports.models import ReportText


class ReportTextForm(forms.ModelForm):
    class Meta:
        model = ReportText
        fields = ["foreword", "conclusions"]
        widgets = {
            "foreword": forms.Textarea(attrs={"rows": 6, "maxlength": 6000}),
            "conclusions": forms.Textarea(attrs={"rows": 10, "maxlength": 6000}),
        }

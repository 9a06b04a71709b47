import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fridsam.core.fields import PersonalTextFormField, PlausibleDateFormField
from fridsam.core.validators import validate_past_date
from fridsam.retention.kinds import KINDS, MUNICIPALITY_KINDS
from fridsam.retention.models import Action, Clock, HoldReason, Kind


class RuleForm(forms.Form):
    clock = forms.ChoiceField(label=_("The clock starts when"))
    months = forms.IntegerField(label=_("Kept for (months)"), min_value=1, max_value=1200)
    action = forms.ChoiceField(label=_("Then"), choices=Action.choices)
    basis = PersonalTextFormField(
        label=_("Basis"),
        required=False,
        max_length=500,
        help_text=_("E.g. the section of the information management plan."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        labels, actions = dict(Clock.choices), dict(Action.choices)
        self.fields["clock"].choices = [(c, labels[c]) for c in KINDS[kind].clocks]
        self.fields["action"].choices = [(a, actions[a]) for a in KINDS[kind].actions]


NUMBER = re.compile(r"(?:[A-Za-z]{1,3}-)?0*(\d{1,12})")


class HoldForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of information"))
    object_id = forms.CharField(
        label=pgettext_lazy("record number", "Number"),
        required=False,
        max_length=20,
        help_text=_("The item's number in Fridsam (e.g. U-123). Leave empty to hold every item of the kind."),
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=HoldReason.choices)
    note = PersonalTextFormField(
        label=_("Note"),
        required=False,
        max_length=500,
        help_text=_("E.g. the reference of the complaint. Never a name or a personal identity number."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_object_id(self):
        """The number as Fridsam shows it (U-123, S-0004) or the bare number."""
        text = self.cleaned_data["object_id"].strip()
        if not text:
            return None
        found = NUMBER.fullmatch(text)
        if found is None:
            raise forms.ValidationError(_("Give the number as Fridsam shows it, e.g. U-123."))
        return int(found.group(1))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Kind.choices)
        self.fields["kind"].choices = [(k, labels[k]) for k in MUNICIPALITY_KINDS]


class LeaveForm(forms.Form):
    successor = forms.ModelChoiceField(label=_("Hand the work over to"), queryset=None, empty_label=None)
    on = PlausibleDateFormField(
        label=_("Leaves on"),
        help_text=_("From this day the person has no role in the municipality."),
        bounds=validate_past_date,
    )

    def __init__(self, *args, successors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = successors
        self.fields["successor"].label_from_instance = lambda u: u.get_full_name() or u.get_username()

from django import forms
from django.utils.translation import gettext_lazy as _

from fridsam.accounts.models import User
from fridsam.core import uploads
from fridsam.core.fields import PersonalTextFormField, PlausibleDateFormField
from fridsam.core.goals import GoalResult
from fridsam.core.roles import MUNICIPAL_ROLES, Role
from fridsam.core.validators import validate_planned_date
from fridsam.organisations.forms import TargetGroupsForm
from fridsam.routines.models import BODY_MAX, ActivityStatus, DocumentKind
from fridsam.routines.services import ATTACHMENT_MAX
from fridsam.statistics.models import Indicator

ROLE_CHOICES = [(r, label) for r, label in Role.choices if r in MUNICIPAL_ROLES]


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class DocumentForm(TargetGroupsForm):
    field_order = ["kind", "title", "owner", "unit_types", "roles", "legal_references", "review_months"]

    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    title = PersonalTextFormField(label=_("Title"), max_length=200)
    owner = PersonChoiceField(
        label=_("Owner"),
        queryset=User.objects.none(),
        help_text=_("Keeps the document up to date and is reminded when a review is due."),
    )
    legal_references = PersonalTextFormField(
        label=_("Legal references"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_("One per line, e.g. SOSFS 2014:4, socialtjänstlagen 5 kap. 11 §."),
    )
    review_months = forms.IntegerField(label=_("Review every (months)"), min_value=1, max_value=60, initial=12)

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class DocumentCreateForm(DocumentForm):
    body = PersonalTextFormField(
        label=_("Content"),
        widget=forms.Textarea(attrs={"rows": 16}),
        max_length=BODY_MAX,
        help_text=_("Markdown: # Heading, - list, **bold**, [link](https://…)."),
    )


class VersionForm(forms.Form):
    body = PersonalTextFormField(
        label=_("Content"),
        widget=forms.Textarea(attrs={"rows": 20}),
        max_length=BODY_MAX,
        help_text=_("Markdown: # Heading, - list, **bold**, [link](https://…)."),
    )
    change_note = PersonalTextFormField(label=_("What changed"), max_length=500, required=False)
    attachment = uploads.UploadField(
        max_bytes=ATTACHMENT_MAX,
        label=_("Attach a file"),
        required=False,
        help_text=_("PDF, Word, Excel, OpenDocument, text or image, at most 10 MB."),
    )


class ActionPlanForm(forms.Form):
    title = PersonalTextFormField(label=_("Title"), max_length=200)
    first_year = forms.IntegerField(label=_("From year"), min_value=2000, max_value=2100)
    last_year = forms.IntegerField(label=_("To year"), min_value=2000, max_value=2100)
    decided_by = PersonalTextFormField(
        label=_("Decided by"),
        max_length=200,
        required=False,
        help_text=_("E.g. the social welfare committee, 2026-03-12 § 45."),
    )
    goals = PersonalTextFormField(
        label=_("Goals"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        required=False,
        help_text=_("One goal per line."),
    )

    def clean(self):
        data = super().clean()
        if data.get("first_year") and data.get("last_year") and data["last_year"] < data["first_year"]:
            self.add_error("last_year", _("The plan ends before it starts."))
        return data


class SubGoalForm(forms.Form):
    text = PersonalTextFormField(label=_("Sub-goal"), max_length=300)


class ActivityForm(forms.Form):
    text = PersonalTextFormField(label=_("Activity"), max_length=300)
    owner = PersonChoiceField(label=_("Owner"), queryset=User.objects.none())
    due_on = PlausibleDateFormField(label=_("Due"), bounds=validate_planned_date)
    status = forms.ChoiceField(label=_("Status"), choices=ActivityStatus.choices)
    indicator = forms.ModelChoiceField(label=_("Indicator it moves"), queryset=None, required=False)

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["indicator"].queryset = Indicator.objects.filter(is_active=True).order_by("order")


class AssessmentForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    result = forms.ChoiceField(label=_("Result"), choices=GoalResult.choices, widget=forms.RadioSelect)
    assessment = PersonalTextFormField(label=_("Assessment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)

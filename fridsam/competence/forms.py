from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fridsam.competence.models import (
    COURSE_COMPLETED,
    Course,
    EventKind,
    StepResponsible,
    Topic,
)
from fridsam.core import uploads
from fridsam.core.fields import PersonalTextFormField, PlausibleDateFormField
from fridsam.core.roles import MUNICIPAL_ROLES, Role
from fridsam.core.validators import validate_planned_date
from fridsam.organisations.forms import TargetGroupsForm
from fridsam.organisations.models import UnitType

ROLE_CHOICES = [(r, label) for r, label in Role.choices if r in MUNICIPAL_ROLES]


class CourseForm(forms.ModelForm):
    topics = forms.MultipleChoiceField(label=_("Topics"), choices=Topic.choices, widget=forms.CheckboxSelectMultiple)
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")

    class Meta:
        model = Course
        fields = ["title", "code", "provider", "format", "level", "hours", "topics", "url", "description", "active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class RequirementForm(forms.Form):
    title = PersonalTextFormField(
        label=_("Requirement"),
        max_length=200,
        help_text=_("E.g. “Basic training on violence in close relationships”."),
    )
    courses = forms.ModelMultipleChoiceField(
        label=_("Courses that fulfil it"),
        queryset=Course.system_objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Completing any one of them fulfils the requirement."),
    )
    unit_type = forms.ChoiceField(
        label=_("For units of type"), choices=[("", _("Every unit")), *UnitType.choices], required=False
    )
    role = forms.ChoiceField(label=_("For the role"), choices=[("", _("Every role")), *ROLE_CHOICES], required=False)
    months = forms.IntegerField(label=_("Deadline, months after hiring"), min_value=0, max_value=60, initial=6)

    def __init__(self, *args, courses=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["courses"].queryset = courses


class StepForm(forms.Form):
    title = PersonalTextFormField(
        label=_("Step"), max_length=200, help_text=_("E.g. “Introductory talk with the coordinator”.")
    )
    days = forms.IntegerField(label=_("Within days of hiring"), min_value=0, max_value=730, initial=30)
    responsible = forms.ChoiceField(label=_("Who makes it happen"), choices=StepResponsible.choices)


class NoteForm(forms.Form):
    note = PersonalTextFormField(
        label=_("Purpose and priorities"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        required=False,
    )


class PlanStartForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class RecordForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.system_objects.none())
    completed_on = PlausibleDateFormField(label=_("Completed on"), bounds=COURSE_COMPLETED)

    def __init__(self, *args, courses=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses
        self.fields["completed_on"].initial = timezone.localdate()


class ImportForm(forms.Form):
    file = uploads.UploadField(
        max_bytes=uploads.TABLE_MAX_BYTES,
        label=_("File (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )


class EventForm(TargetGroupsForm):
    field_order = ["title", "kind", "starts_at", "ends_at", "place", "url", "description", "why", "unit_types", "roles"]

    title = PersonalTextFormField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    starts_at = forms.DateTimeField(
        label=_("Starts"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        validators=[validate_planned_date],
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        validators=[validate_planned_date],
    )
    place = PersonalTextFormField(label=_("Place"), max_length=200, required=False)
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    description = PersonalTextFormField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        required=False,
    )
    why = PersonalTextFormField(
        label=_("Why it concerns them"),
        max_length=500,
        help_text=_("Shown to the staff it is meant for: why this event matters for their work."),
    )
    course = forms.ModelChoiceField(
        label=_("Course in the catalogue"), queryset=Course.system_objects.none(), required=False
    )

    def __init__(self, *args, courses=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] < data["starts_at"]:
            self.add_error("ends_at", _("The event ends before it starts."))
        return data

from django import forms
from django.utils.translation import gettext_lazy as _

from fridsam.accounts.models import Membership, User
from fridsam.coordination.models import AbsenceKind, CombinedDuties, MeetingRhythm, PlacementLevel
from fridsam.core.fields import PersonalTextFormField, PlausibleDateFormField
from fridsam.core.validators import validate_planned_date
from fridsam.organisations.models import Unit


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


def staff_of(municipality):
    """The people who work in the municipality (choices are set per request, inside its scope)."""
    ids = Membership.objects.active().filter(municipality=municipality).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("last_name", "first_name")


class PostForm(forms.Form):
    coordinator = StaffChoiceField(label=_("Coordinator"), queryset=User.objects.none())
    start_date = PlausibleDateFormField(label=_("Start date"), bounds=validate_planned_date)
    end_date = PlausibleDateFormField(
        label=_("End date"),
        required=False,
        help_text=_("Leave empty while the post lasts."),
        bounds=validate_planned_date,
    )
    share_percent = forms.IntegerField(
        label=_("Share of a full-time post in this municipality (%)"), min_value=1, max_value=100
    )
    placement_level = forms.ChoiceField(label=_("Placement"), choices=PlacementLevel.choices)
    placement_unit = forms.ModelChoiceField(
        label=_("Unit (if placed at a unit)"), queryset=Unit.system_objects.none(), required=False
    )
    combined_duties = forms.ChoiceField(label=_("The post is combined with"), choices=CombinedDuties.choices)
    combined_duties_percent = forms.IntegerField(
        label=_("Share of the working time in the combined duties (%)"), min_value=1, max_value=100, required=False
    )
    consultation_support = forms.BooleanField(
        label=_("The coordinator is a sounding board for social workers in individual cases"), required=False
    )
    management_group_seat = forms.BooleanField(label=_("Seat in the management group"), required=False)
    deputy = StaffChoiceField(label=_("Deputy during absences"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        staff = staff_of(municipality)
        self.fields["coordinator"].queryset = staff
        self.fields["deputy"].queryset = staff
        self.fields["placement_unit"].queryset = Unit.objects.filter(municipality=municipality, is_active=True)

    def post_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "start_date": data["start_date"],
            "end_date": data["end_date"],
            "placement_level": data["placement_level"],
            "placement_unit": data["placement_unit"],
            "combined_duties": data["combined_duties"],
            "combined_duties_percent": data["combined_duties_percent"],
            "consultation_support": data["consultation_support"],
            "deputy": data["deputy"],
        }


class RoleDescriptionForm(forms.Form):
    purpose = PersonalTextFormField(
        label=_("Purpose"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the municipality has a coordinator."),
    )
    goals = PersonalTextFormField(label=_("Goals"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    tasks = PersonalTextFormField(label=_("Tasks"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6}))
    colleague_use = PersonalTextFormField(
        label=_("What colleagues can use the coordinator for"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AbsenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AbsenceKind.choices)
    start_date = PlausibleDateFormField(label=_("From"), bounds=validate_planned_date)
    end_date = PlausibleDateFormField(label=_("To"), bounds=validate_planned_date)


class TeamForm(forms.Form):
    name = PersonalTextFormField(label=_("Name"), max_length=120, initial=_("Violence team"))
    leader = StaffChoiceField(label=_("Leader"), queryset=User.objects.none())
    meeting_rhythm = forms.ChoiceField(label=_("Meets"), choices=MeetingRhythm.choices)
    purpose = PersonalTextFormField(label=_("Purpose"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    start_date = PlausibleDateFormField(label=_("Start date"), bounds=validate_planned_date)
    end_date = PlausibleDateFormField(label=_("End date"), required=False, bounds=validate_planned_date)
    members = forms.ModelMultipleChoiceField(
        label=_("Members"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        staff = staff_of(municipality)
        self.fields["leader"].queryset = staff
        self.fields["members"].queryset = staff
        units = dict(
            Membership.objects.active()
            .filter(municipality=municipality)
            .exclude(unit=None)
            .values_list("user_id", "unit__name")
        )
        self.fields["members"].label_from_instance = lambda u: (
            f"{u.get_full_name()} ({units[u.pk]})" if u.pk in units else u.get_full_name()
        )


class AssignmentForm(forms.Form):
    """Add another municipality to a shared post."""

    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=Unit.system_objects.none())
    share_percent = forms.IntegerField(label=_("Share of a full-time post there (%)"), min_value=1, max_value=100)
    management_group_seat = forms.BooleanField(label=_("Seat in the management group there"), required=False)

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities

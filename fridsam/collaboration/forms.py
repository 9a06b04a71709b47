from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fridsam.accounts.models import User
from fridsam.collaboration.models import Agreement, GroupKind, PreventionAgreement, ReferralCategory
from fridsam.core.fields import PersonalTextFormField, PlausibleDateFormField
from fridsam.core.forms import DateInput
from fridsam.core.goals import GoalResult
from fridsam.core.validators import validate_no_personal_identity_number, validate_past_date, validate_planned_date
from fridsam.organisations.models import PartnerOrganisation, Unit

ACTION_ROWS = 4
ACTION_DUE_BEFORE_MEETING = _("An action is due on the meeting's date or later.")


class LinesField(forms.CharField):
    """One item per line."""

    widget = forms.Textarea(attrs={"rows": 3})
    default_validators = [validate_no_personal_identity_number]  # runs on the list of lines

    def to_python(self, value):
        value = super().to_python(value)
        return [line.strip() for line in value.splitlines() if line.strip()]


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class PeopleField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, *args, labels=None, **kwargs):
        self.labels = labels or {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return self.labels.get(obj.pk, obj.get_full_name() or obj.username)


def _label(membership) -> str:
    org = membership.partner_organisation or membership.municipality or membership.county
    return f"{membership.user.get_full_name() or membership.user.username} ({org})"


class GroupForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of group"), choices=(), widget=forms.RadioSelect)
    name = PersonalTextFormField(label=_("Name"), max_length=150)
    purpose = PersonalTextFormField(
        label=_("Purpose"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1500,
        help_text=_("Why the group meets and what it should achieve. A group without a purpose cannot be created."),
    )
    goals = LinesField(
        label=_("Goals"),
        max_length=3000,
        required=False,  # the service says why a goal is needed
        help_text=_("One goal per line. Each goal is followed up once a year."),
    )
    chair = PersonChoiceField(label=_("Chair"), queryset=User.objects.none())
    members = PeopleField(label=_("Members"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, regional: bool, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = (
            [(GroupKind.REGIONAL, GroupKind.REGIONAL.label)]
            if regional
            else [(GroupKind.INTERNAL, GroupKind.INTERNAL.label), (GroupKind.LOCAL, GroupKind.LOCAL.label)]
        )
        if regional:
            self.initial.setdefault("kind", GroupKind.REGIONAL)
        ids = [m.user_id for m in candidates]
        people = User.objects.filter(pk__in=ids).order_by("last_name", "first_name")
        self.fields["chair"].queryset = people
        self.fields["members"].queryset = people
        self.fields["members"].labels = {m.user_id: _label(m) for m in candidates}


class MeetingForm(forms.Form):
    held_on = PlausibleDateFormField(label=_("Date"), bounds=validate_past_date)
    agenda = PersonalTextFormField(
        label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 4}), max_length=3000,
    )  # fmt: skip
    present = forms.MultipleChoiceField(label=_("Present"), widget=forms.CheckboxSelectMultiple, required=False)
    minutes = PersonalTextFormField(
        label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 8}), max_length=10000, required=False,
        help_text=_("About the work, never about individual clients."),
    )  # fmt: skip
    decisions = LinesField(label=_("Decisions"), max_length=5000, required=False, help_text=_("One per line."))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("held_on", timezone.localdate())
        self.fields["present"].choices = [(str(m.pk), str(m)) for m in members]
        people = [(m.user_id, m.user.get_full_name() or m.user.username) for m in members]
        for i in range(1, ACTION_ROWS + 1):
            self.fields[f"action_{i}_text"] = PersonalTextFormField(
                label=_("Action %(n)s") % {"n": i}, max_length=300, required=False,
            )  # fmt: skip
            self.fields[f"action_{i}_owner"] = forms.TypedChoiceField(
                label=_("Action %(n)s: owner") % {"n": i}, choices=[("", "—"), *people], coerce=int,
                required=False, empty_value=None,
            )  # fmt: skip
            self.fields[f"action_{i}_due"] = PlausibleDateFormField(
                label=_("Action %(n)s: due") % {"n": i}, required=False, bounds=validate_planned_date
            )

    def action_rows(self):
        return [
            (self[f"action_{i}_text"], self[f"action_{i}_owner"], self[f"action_{i}_due"])
            for i in range(1, ACTION_ROWS + 1)
        ]

    def clean(self):
        data = super().clean()
        for i in range(1, ACTION_ROWS + 1):
            text, owner, due = data.get(f"action_{i}_text"), data.get(f"action_{i}_owner"), data.get(f"action_{i}_due")
            if text and (owner is None or due is None):
                self.add_error(f"action_{i}_text", _("An action needs an owner and a due date."))
            elif not text and (owner is not None or due is not None):
                self.add_error(f"action_{i}_text", _("Describe the action."))
            if due and data.get("held_on") and due < data["held_on"]:
                self.add_error(f"action_{i}_due", ACTION_DUE_BEFORE_MEETING)
        return data


class GoalReviewForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    result = forms.ChoiceField(label=_("Result"), choices=GoalResult.choices, widget=forms.RadioSelect)
    comment = PersonalTextFormField(
        label=_("Short assessment"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("year", timezone.localdate().year)


class AgreementForm(forms.ModelForm):
    partner_organisation = forms.ModelChoiceField(
        label=_("Partner organisation"), queryset=PartnerOrganisation.system_objects.none(), required=False
    )

    class Meta:
        model = Agreement
        fields = ["party", "title", "approved_by", "approved_on", "valid_until", "last_followed_up", "paid", "note"]
        widgets = {"approved_on": DateInput(), "valid_until": DateInput(), "last_followed_up": DateInput()}

    field_order = ["party", "partner_organisation", "title"]

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_organisation"].queryset = PartnerOrganisation.objects.filter(county=municipality.county_id)
        if self.instance.pk:
            self.initial.setdefault("partner_organisation", self.instance.partner_organisation_id)

    def validate_unique(self):
        """The service checks the dates with Swedish messages on the right fields."""

    def _get_validation_exclusions(self):
        return {*super()._get_validation_exclusions(), "valid_until"}


class FollowUpForm(forms.Form):
    on = PlausibleDateFormField(label=_("Followed up on"), bounds=validate_past_date)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("on", timezone.localdate())


class ReferralForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.system_objects.none())
    partner_organisation = forms.ModelChoiceField(
        label=_("Referred to"), queryset=PartnerOrganisation.system_objects.none()
    )
    category = forms.ChoiceField(label=_("Kind of support"), choices=ReferralCategory.choices)
    referred_on = PlausibleDateFormField(label=_("Date"), bounds=validate_past_date)

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(municipality=municipality)
        self.fields["partner_organisation"].queryset = PartnerOrganisation.objects.filter(county=municipality.county_id)
        self.initial.setdefault("referred_on", timezone.localdate())


class PreventionForm(forms.ModelForm):
    class Meta:
        model = PreventionAgreement
        fields = ["programme", "organisation", "since", "status", "note"]
        widgets = {"since": DateInput()}

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fridsam.core import references
from fridsam.core.fields import PersonalTextFormField, PlausibleDateFormField
from fridsam.core.forms import DateInput
from fridsam.core.validators import validate_past_date
from fridsam.housing.models import (
    Apartment,
    Provider,
    Rating,
    Result,
    SecurityMeasure,
    TargetGroup,
)
from fridsam.housing.search import Child, Household
from fridsam.organisations.models import Municipality, PartnerOrganisation

ADULT_GROUPS = [(g, TargetGroup(g).label) for g in (TargetGroup.WOMEN, TargetGroup.MEN, TargetGroup.LGBTQ)]
NEEDS = [
    (g, TargetGroup(g).label)
    for g in (
        TargetGroup.HONOUR,
        TargetGroup.HIGH_PROTECTION,
        TargetGroup.SUBSTANCE_USE,
        TargetGroup.MENTAL_ILLNESS,
        TargetGroup.WHEELCHAIR,
        TargetGroup.OLDER_PEOPLE,
    )
]
MAX_CHILDREN = 6
CHILD_SEX = [("", _("—")), ("girl", _("Girl")), ("boy", _("Boy"))]


class ProviderForm(forms.ModelForm):
    address = forms.CharField(
        label=_("Exact address"),
        max_length=200,
        help_text=_("Stored encrypted; shown only to those who place people, and every reading is logged."),
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups accepted"),
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    security_measures = forms.MultipleChoiceField(
        label=_("Security measures"),
        choices=SecurityMeasure.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    partner_organisation = forms.ModelChoiceField(
        label=_("Partner organisation that reports free places"),
        queryset=PartnerOrganisation.system_objects.none(),
        required=False,
        help_text=_("Its contact persons can report free places in Fridsam."),
    )

    class Meta:
        model = Provider
        fields = [
            "name",
            "operator_type",
            "ivo_permit_number",
            "ivo_permit_date",
            "located_in",
            "address",
            "phone",
            "places",
            "family_rooms",
            "staffing",
            "security_measures",
            "target_groups",
            "children_max_age",
            "description",
            "active",
        ]
        widgets = {"ivo_permit_date": DateInput(), "description": forms.Textarea(attrs={"rows": 4})}

    field_order = [*Meta.fields[:-2], "partner_organisation"]

    def __init__(self, *args, county, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("partner_organisation", self.instance.partner_organisation_id)
        self.fields["located_in"].queryset = Municipality.objects.filter(county=county)
        self.fields["partner_organisation"].queryset = PartnerOrganisation.objects.filter(county=county)

    def validate_unique(self):
        """Uniqueness and the IVO-permit constraint are checked by services.provider_save, with a
        Swedish message on the right field (the database constraint stays as the last guard)."""

    def _get_validation_exclusions(self):
        # Excluding a field of the permit constraint keeps the model's own check (with its
        # technical message) out of the form; the service validates the field and the rule.
        return {*super()._get_validation_exclusions(), "ivo_permit_number"}
        self.fields["ivo_permit_number"].help_text = _("Required for private operators (since 1 April 2024).")
        if self.instance.pk:
            self.fields["address"].required = False
            self.fields["address"].help_text = _("Leave empty to keep the stored address.")


class AssessmentForm(forms.Form):
    assessed_on = PlausibleDateFormField(label=_("Assessed on"), bounds=validate_past_date)
    summary = PersonalTextFormField(
        label=_("Summary"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.initial.setdefault("assessed_on", timezone.localdate())
        for c in criteria:
            self.fields[f"result_{c.key}"] = forms.ChoiceField(
                label=c.label + ("" if c.required else " " + str(_("(not required)"))),
                help_text=c.help_text,
                choices=Result.choices,
                widget=forms.RadioSelect(attrs={"class": "fs-inline"}),
            )
            self.fields[f"note_{c.key}"] = PersonalTextFormField(
                label=_("Note: %(criterion)s") % {"criterion": c.label},
                required=False,
                max_length=500,
            )

    def rows(self):
        return [(c, self[f"result_{c.key}"], self[f"note_{c.key}"]) for c in self.criteria]

    def results(self):
        data = self.cleaned_data
        return {c.key: (data.get(f"result_{c.key}", ""), data.get(f"note_{c.key}", "")) for c in self.criteria}


class AvailabilityForm(forms.Form):
    free_places = forms.IntegerField(label=_("Free places now"), min_value=0, max_value=500)
    free_family_rooms = forms.IntegerField(label=_("Of which family rooms"), min_value=0, max_value=200, initial=0)


class FeedbackForm(forms.Form):
    municipality = forms.ModelChoiceField(label=_("Placing municipality"), queryset=Municipality.objects.none())
    placement_ended_on = PlausibleDateFormField(label=_("The placement ended"), bounds=validate_past_date)
    overall = forms.TypedChoiceField(
        label=_("Overall, how well did the placement work?"),
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 = badly, 5 = very well"),
    )
    comment = PersonalTextFormField(
        label=_("Comment"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("About the provider, never about the person."),
    )

    def __init__(self, *args, municipalities, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.fields["municipality"].queryset = Municipality.objects.filter(pk__in=[m.pk for m in municipalities])
        if len(municipalities) == 1:
            self.initial.setdefault("municipality", municipalities[0].pk)
        for c in criteria:
            self.fields[f"rating_{c.key}"] = forms.ChoiceField(
                label=c.label, required=False, choices=[("", _("Not rated")), *Rating.choices]
            )

    def ratings(self):
        return {c.key: self.cleaned_data.get(f"rating_{c.key}", "") for c in self.criteria}


class SearchForm(forms.Form):
    adult_group = forms.ChoiceField(
        label=_("Who needs protection"),
        choices=ADULT_GROUPS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who needs protection: the search shows who can take the household.")},
    )
    adults = forms.IntegerField(label=_("Adults in the household"), min_value=1, max_value=4, initial=1)
    pets = forms.BooleanField(label=_("Brings a pet"), required=False)
    needs = forms.MultipleChoiceField(
        label=_("Needs"), choices=NEEDS, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, MAX_CHILDREN + 1):
            self.fields[f"child_{i}_age"] = forms.IntegerField(
                label=_("Child %(n)s: age") % {"n": i}, min_value=0, max_value=17, required=False
            )
            self.fields[f"child_{i}_sex"] = forms.ChoiceField(
                label=_("Child %(n)s: girl or boy") % {"n": i}, choices=CHILD_SEX, required=False
            )

    def child_rows(self):
        return [(self[f"child_{i}_age"], self[f"child_{i}_sex"]) for i in range(1, MAX_CHILDREN + 1)]

    def clean(self):
        data = super().clean()
        for i in range(1, MAX_CHILDREN + 1):
            age, sex = data.get(f"child_{i}_age"), data.get(f"child_{i}_sex")
            if (age is None) != (not sex):
                self.add_error(f"child_{i}_age", _("Give both the age and whether it is a girl or a boy."))
        return data

    def household(self) -> Household:
        data = self.cleaned_data
        children = [
            Child(age=data[f"child_{i}_age"], sex=data[f"child_{i}_sex"])
            for i in range(1, MAX_CHILDREN + 1)
            if data.get(f"child_{i}_age") is not None and data.get(f"child_{i}_sex")
        ]
        return Household(
            adult_group=data["adult_group"],
            adults=data["adults"],
            children=children,
            pets=data["pets"],
            needs=set(data["needs"]),
        )


class CommitmentForm(forms.Form):
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    apartments = forms.IntegerField(label=_("Apartments committed to the pool"), min_value=0, max_value=1000)

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.filter(pk__in=[m.pk for m in municipalities])
        self.initial.setdefault("year", timezone.localdate().year)
        if len(municipalities) == 1:
            self.initial.setdefault("municipality", municipalities[0].pk)


class ApartmentForm(forms.ModelForm):
    municipality = forms.ModelChoiceField(label=_("Offered by municipality"), queryset=Municipality.objects.none())
    address = forms.CharField(
        label=_("Address"),
        max_length=200,
        help_text=_("Stored encrypted; revealed only to the receiving municipality after an allocation."),
    )

    class Meta:
        model = Apartment
        fields = [
            "housing_company",
            "rooms",
            "size_m2",
            "rent",
            "floor",
            "has_lift",
            "accessible",
            "available_from",
        ]
        widgets = {"available_from": DateInput()}
        help_texts = {"floor": _("0 = ground floor")}

    field_order = ["municipality", "housing_company", "address"]

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.filter(pk__in=[m.pk for m in municipalities])
        if len(municipalities) == 1:
            self.initial.setdefault("municipality", municipalities[0].pk)


class ChildrenAgesField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        parts = [p for p in value.replace(";", ",").replace(" ", ",").split(",") if p]
        try:
            return [int(p) for p in parts]
        except ValueError as exc:
            raise forms.ValidationError(
                _("Write the children's ages as numbers separated by commas, e.g. 9, 4.")
            ) from exc

    def validate(self, value):
        super().validate(value)
        # The service's rules, here too, so that they are shown with the form's other errors.
        if any(not 0 <= age <= 17 for age in value):
            raise forms.ValidationError(_("A child's age is 0–17 years."))
        if len(value) > 10:
            raise forms.ValidationError(_("At most ten children."))


class ApplicantForm(forms.Form):
    municipality = forms.ModelChoiceField(label=_("Responsible municipality"), queryset=Municipality.objects.none())
    reference = forms.CharField(
        label=_("Case reference"),
        max_length=60,
        help_text=_("The journal system's case number. Stored only as a keyed hash; never a personal identity number."),
        # Checked with the form's other fields, so that a personal identity number is refused at once,
        # not only after every other error is mended (the service checks it again).
        validators=[references.validate_reference],
    )
    adults = forms.IntegerField(label=pgettext_lazy("household", "Adults"), min_value=1, max_value=4, initial=1)
    children_ages = ChildrenAgesField(
        label=_("Children's ages"), required=False, help_text=_("E.g. 9, 4. Leave empty if there are no children.")
    )
    min_rooms = forms.IntegerField(label=_("Rooms needed at least"), min_value=1, max_value=10)
    needs_accessible = forms.BooleanField(label=_("Needs wheelchair access"), required=False)
    needs_ground_or_lift = forms.BooleanField(label=_("Needs ground floor or lift"), required=False)
    excluded = forms.ModelMultipleChoiceField(
        label=_("Municipalities excluded for safety"),
        queryset=Municipality.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("At least one: normally where the person using violence lives."),
    )
    preferred = forms.ModelMultipleChoiceField(
        label=_("Preferred municipalities"),
        queryset=Municipality.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    months_in_protected_housing = forms.IntegerField(
        label=_("Months already in protected housing"), min_value=0, max_value=240, initial=0
    )

    def __init__(self, *args, municipalities, county, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.filter(pk__in=[m.pk for m in municipalities])
        if len(municipalities) == 1:
            self.initial.setdefault("municipality", municipalities[0].pk)
        in_county = Municipality.objects.filter(county=county).order_by("name")
        self.fields["excluded"].queryset = in_county
        self.fields["preferred"].queryset = in_county

    def clean(self):
        data = super().clean()
        if {m.pk for m in data.get("excluded") or []} & {m.pk for m in data.get("preferred") or []}:
            self.add_error("preferred", _("A municipality cannot be both excluded and preferred."))
        return data


class WithdrawForm(forms.Form):
    reason = PersonalTextFormField(
        label=_("Reason"),
        max_length=300,
        help_text=_(
            "Both municipalities read the reason. Write nothing about the household's safety or where it cannot live."
        ),
    )


class MoveInForm(forms.Form):
    moved_in_on = PlausibleDateFormField(label=_("Moved in on"), bounds=validate_past_date)

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from fridsam.core import references
from fridsam.core.fields import PersonalTextFormField, PlausibleDateFormField
from fridsam.core.forms import DateInput
from fridsam.core.validators import validate_past_date, validate_planned_date
from fridsam.followup.models import (
    NOTE_MAX_LENGTH,
    QUESTION_MAX_LENGTH,
    ClientView,
    ClosureReason,
    FollowUpRecord,
    Instrument,
    InstrumentKind,
    InterventionKind,
    Outcome,
    RiskLevel,
    Schooling,
    Topic,
    Urgency,
    ViolenceForm,
)
from fridsam.followup.purpose import Purpose
from fridsam.followup.services import RECORD_FIELDS

NO_NAMES = _("Write no names, personal identity numbers, addresses or other details that identify the person.")


class ReferenceField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Case reference in the journal system"))
        kwargs.setdefault(
            "help_text",
            _(
                "The journal system's case number. Fridsam stores it only as a code that cannot be read back: "
                "type the same reference to find the record again."
            ),
        )
        super().__init__(max_length=60, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value:
            references.validate_reference(value)
        return value


class RecordForm(forms.ModelForm):
    violence_forms = forms.MultipleChoiceField(
        label=_("Forms of violence"), choices=ViolenceForm.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = FollowUpRecord
        fields = list(RECORD_FIELDS)  # what the services accept of a record, nothing else
        widgets = {
            "opened_on": DateInput(),
            "screening_on": DateInput(),
            "risk_assessed_on": DateInput(),
            "note": forms.Textarea(attrs={"rows": 2, "maxlength": NOTE_MAX_LENGTH}),
        }
        help_texts = {
            "protected_identity": _("Only that the person has protected personal data, never the data itself."),
            "children_in_household": _("The number of children living in the household, if known."),
            "note": NO_NAMES,
            "screening_on": _("Filled in by itself when you use a screening instrument in Fridsam."),
            "risk_assessed_on": _("Filled in by itself when you use a risk assessment instrument in Fridsam."),
        }

    def __init__(self, *args, units=None, instruments=None, with_reference=False, **kwargs):
        super().__init__(*args, **kwargs)

        active = instruments if instruments is not None else Instrument.objects.filter(is_active=True)
        self.fields["screening_instrument"].queryset = active.filter(kind=InstrumentKind.SCREENING)
        self.fields["screening_instrument"].empty_label = _("Outside Fridsam or none")
        self.fields["risk_instrument"].queryset = active.filter(kind=InstrumentKind.RISK)
        self.fields["risk_instrument"].empty_label = _("Outside Fridsam or none")
        self.fields["risk_level"].choices = [("", "–"), *RiskLevel.choices]
        for name in ("route_in", "category", "sex", "age_band", "relation"):
            self.fields[name].choices = [("", _("Choose")), *self.fields[name].choices[1:]]
        if with_reference:
            self.fields = {"reference": ReferenceField(), **self.fields}
        if units is not None:
            self.fields = {
                "unit": forms.ModelChoiceField(label=_("Unit"), queryset=units, empty_label=_("Choose")),
                **self.fields,
            }

    def record_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in RECORD_FIELDS}

    def _post_clean(self):
        # The service validates the record (it knows the municipality and the dates).
        pass


class FindForm(forms.Form):
    reference = ReferenceField(help_text=_("Type the reference exactly as in the journal system."))


class InterventionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Intervention"), choices=[("", _("Choose")), *InterventionKind.choices])
    started_on = PlausibleDateFormField(label=_("From"), bounds=validate_past_date)
    ended_on = PlausibleDateFormField(label=_("Until"), required=False, bounds=validate_planned_date)
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=0,
        max_value=10_000_000,
        required=False,
        help_text=_("Protected housing: nights. Talks: number of talks. Economic aid: kronor."),
    )
    children_placed = forms.IntegerField(
        label=_("Protected housing: children placed with the parent"),
        min_value=0,
        max_value=20,
        required=False,
        help_text=_("Since 1 April 2024 every child placed with a parent gets a decision of its own."),
    )
    children_with_own_decision = forms.IntegerField(
        label=_("Of them with their own decision"), min_value=0, max_value=20, required=False
    )
    schooling = forms.ChoiceField(
        label=_("How the children's schooling is secured"),
        choices=[("", "–"), *Schooling.choices],
        required=False,
    )


class CloseForm(forms.Form):
    closed_on = PlausibleDateFormField(label=_("Closed on"), bounds=validate_past_date)
    closure_reason = forms.ChoiceField(
        label=_("Reason for closing"), choices=[("", _("Choose")), *ClosureReason.choices]
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        help_text=_("As far as you know when the case is closed."),
    )
    client_view = forms.ChoiceField(
        label=_("The person's own view of their situation"),
        choices=ClientView.choices,
        widget=forms.RadioSelect,
        required=False,
    )


class ReopenForm(forms.Form):
    reason = PersonalTextFormField(
        label=_("Reason for reopening"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=NO_NAMES,
    )


class ReassignForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("New owner"), queryset=None, empty_label=_("Choose"))

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class PurposeForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Why do you need to read these records?"), choices=Purpose.choices, widget=forms.RadioSelect
    )
    # The purpose is written to the access log, which can never be corrected.
    detail = PersonalTextFormField(
        label=_("Describe briefly"),
        max_length=150,
        required=False,
        help_text=_("Required for “other”. %(no_names)s") % {"no_names": NO_NAMES},
    )

    def clean(self):
        data = super().clean()
        if data.get("purpose") == Purpose.OTHER and "detail" in data and not data["detail"].strip():
            self.add_error("detail", _("Describe the purpose."))
        return data


class AssessmentForm(forms.Form):
    assessed_on = PlausibleDateFormField(label=_("Date of the assessment"), bounds=validate_past_date)
    override_level = forms.ChoiceField(
        label=_("Your professional judgement of the level"),
        choices=[("", _("The same as the scoring")), *RiskLevel.choices],
        required=False,
        help_text=_("Choose another level only with a motivation."),
    )
    motivation = PersonalTextFormField(
        label=_("Motivation"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=NO_NAMES,
    )


# Words that are written with a capital letter without being names.
_NOT_NAMES = {
    "barnahus",
    "bbic",
    "freda",
    "ivo",
    "lvu",
    "lvm",
    "sol",
    "osl",
    "polisen",
    "socialstyrelsen",
    "länsstyrelsen",
    "kvinnojouren",
    "kvinnofridslinjen",
    "brottsofferjouren",
    "skolan",
    "region",
    "regionen",
    "bup",
    "vc",
    "vårdcentralen",
    "akuten",
    "försäkringskassan",
    "arbetsförmedlingen",
    "migrationsverket",
    "skatteverket",
    "huskurage",
    "jag",
    "vi",
    "hon",
    "han",
    "hen",
    "de",
    "mamma",
    "pappa",
    "barnet",
    "barnen",
    "klienten",
}
_WORD = re.compile(r"[A-ZÅÄÖÉ][a-zåäöé]+")


def possible_names(text: str) -> list[str]:
    """Words with a capital letter inside a sentence: they may be names."""
    found = []
    for sentence in re.split(r"(?<=[.!?:\n])\s*", text or ""):
        words = sentence.split()
        for word in words[1:]:
            word = word.strip(",;()\"'”“")
            if _WORD.fullmatch(word) and word.lower() not in _NOT_NAMES and word not in found:
                found.append(word)
    return found


class ConsultationForm(forms.Form):
    question = PersonalTextFormField(
        label=_("Your question"),
        max_length=QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": QUESTION_MAX_LENGTH}),
        help_text=_(
            "Describe the situation in general terms. %(no_names)s A linked record shows its categories to the "
            "person who answers."
        )
        % {"no_names": NO_NAMES},
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=[("", _("Choose")), *Topic.choices])
    urgency = forms.ChoiceField(
        label=_("When do you need an answer?"), choices=Urgency.choices, widget=forms.RadioSelect
    )
    assignee = forms.ModelChoiceField(
        label=_("To"),
        queryset=None,
        required=False,
        empty_label=_("The coordinator or the team (whoever answers first)"),
    )
    record = forms.ModelChoiceField(
        label=_("Linked record (optional)"), queryset=None, required=False, empty_label=_("None")
    )
    no_names_confirmed = forms.BooleanField(
        label=_("I have checked: the words above are not names of people in the case"), required=False
    )

    def __init__(self, *args, assignees, records, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["record"].queryset = records
        self.fields["record"].label_from_instance = lambda r: (
            f"{r.number} – {r.get_category_display()}, {r.opened_on:%Y-%m-%d}"
        )
        self.names: list[str] = []

    def clean(self):
        data = super().clean()
        self.names = possible_names(data.get("question", ""))
        if self.names and not data.get("no_names_confirmed"):
            self.add_error(
                "question",
                _(
                    "The question contains words that may be names (%(words)s). "
                    "Remove them, or confirm below that they are not names."
                )
                % {"words": ", ".join(self.names)},
            )
        return data


class ReplyForm(forms.Form):
    text = PersonalTextFormField(
        label=_("Answer"),
        max_length=QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": QUESTION_MAX_LENGTH}),
        help_text=NO_NAMES,
    )

from django import forms
from django.utils.translation import gettext_lazy as _

from fridsam.core.fields import PersonalTextFormField
from fridsam.opencomparisons.models import REASON_MAX_LENGTH, Reply
from fridsam.opencomparisons.services import ReplyIn


class SurveyForm(forms.Form):
    """One field group per question: ``<key>__answer``, ``<key>__reason`` and, for a routine
    question, ``<key>__document``. Filled with the confirmed answer, else Fridsam's proposal."""

    def __init__(self, *args, items, routines, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            key = item.question.key
            confirmed = item.confirmed
            self.fields[f"{key}__answer"] = forms.ChoiceField(
                label=str(item.question.text), choices=Reply.choices, widget=forms.RadioSelect, required=False
            )
            self.fields[f"{key}__reason"] = PersonalTextFormField(
                label=_("Why your answer differs (required when it does)"),
                max_length=REASON_MAX_LENGTH,
                required=False,
                widget=forms.TextInput(attrs={"maxlength": REASON_MAX_LENGTH}),
            )
            initial_answer = confirmed.answer if confirmed else item.proposal.answer
            if initial_answer:
                self.initial[f"{key}__answer"] = initial_answer
            if confirmed:
                self.initial[f"{key}__reason"] = confirmed.reason
            if item.question.routine:
                self.fields[f"{key}__document"] = forms.ModelChoiceField(
                    label=_("The routine that answers the question"),
                    queryset=routines,
                    required=False,
                    empty_label=_("None in Fridsam"),
                )
                document = (confirmed.document if confirmed else None) or item.proposal.document
                if document is not None:
                    self.initial[f"{key}__document"] = document.pk

    def groups(self):
        """(item, answer field, reason field, document field or None) per question, for the template."""
        for item in self.items:
            key = item.question.key
            yield (
                item,
                self[f"{key}__answer"],
                self[f"{key}__reason"],
                self[f"{key}__document"] if item.question.routine else None,
            )

    def replies(self) -> dict[str, ReplyIn]:
        data = self.cleaned_data
        return {
            item.question.key: ReplyIn(
                answer=data.get(f"{item.question.key}__answer") or "",
                reason=data.get(f"{item.question.key}__reason") or "",
                document=data.get(f"{item.question.key}__document"),
            )
            for item in self.items
        }

"""Forms built from a question set: one field (or a fieldset) per question, typed and validated."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from fridsam.core.fields import PersonalTextFormField
from fridsam.evaluation.models import AnswerType, Question


class SurveyForm(forms.Form):
    """``groups`` lists (question, [bound fields]) in order, for the template."""

    def __init__(self, *args, questions: list[Question], municipality_choices=(), initial_answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        initial_answers = initial_answers or {}
        for q in questions:
            value = initial_answers.get(q.key)
            for name, field, initial in self._fields_for(q, value, municipality_choices):
                self.fields[name] = field
                if initial is not None:
                    self.initial[name] = initial

    @staticmethod
    def _fields_for(q: Question, value, municipality_choices):
        if q.answer_type == AnswerType.PERCENT:
            yield (
                q.key,
                forms.IntegerField(
                    label=q.text,
                    help_text=q.help_text,
                    required=q.required,
                    validators=[MinValueValidator(0), MaxValueValidator(100)],
                ),
                value,
            )
        elif q.answer_type == AnswerType.INTEGER:
            yield (
                q.key,
                forms.IntegerField(label=q.text, help_text=q.help_text, required=q.required, min_value=0),
                value,
            )
        elif q.answer_type == AnswerType.TEXT:
            yield (
                q.key,
                PersonalTextFormField(label=q.text, help_text=q.help_text, required=q.required, max_length=200),
                value,
            )
        elif q.answer_type == AnswerType.LONG_TEXT:
            yield (
                q.key,
                PersonalTextFormField(
                    label=q.text,
                    help_text=q.help_text,
                    required=q.required,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 4}),
                ),
                value,
            )
        elif q.answer_type == AnswerType.CHOICE:
            yield (
                q.key,
                forms.ChoiceField(
                    label=q.text,
                    help_text=q.help_text,
                    required=q.required,
                    choices=[tuple(c) for c in q.options["choices"]],
                    widget=forms.RadioSelect,
                ),
                value,
            )
        elif q.answer_type == AnswerType.SPLIT:
            for part, label in q.options["parts"]:
                yield (
                    f"{q.key}__{part}",
                    forms.IntegerField(
                        label=label, required=q.required, validators=[MinValueValidator(0), MaxValueValidator(100)]
                    ),
                    (value or {}).get(part),
                )
        elif q.answer_type == AnswerType.TEXT_LIST:
            for i in range(q.options["items"]):
                yield (
                    f"{q.key}__{i}",
                    PersonalTextFormField(
                        label=_("%(n)s.") % {"n": i + 1},
                        required=q.required and i == 0,
                        max_length=300,
                    ),
                    (value or [None] * (i + 1))[i] if value and i < len(value) else None,
                )
        elif q.answer_type == AnswerType.MUNICIPALITIES:
            yield (
                q.key,
                forms.MultipleChoiceField(
                    label=q.text,
                    help_text=q.help_text,
                    required=q.required,
                    choices=municipality_choices,
                    widget=forms.CheckboxSelectMultiple,
                ),
                value,
            )
        elif q.answer_type == AnswerType.MUNICIPALITY_SCALE:
            choices = [("", q.options.get("none", "—")), *[(str(v), label) for v, label in q.options["scale"]]]
            for code, name in municipality_choices:
                yield (
                    f"{q.key}__{code}",
                    forms.ChoiceField(label=name, required=False, choices=choices),
                    (value or {}).get(code),
                )
        else:  # pragma: no cover - a new type must be handled here
            raise ValueError(f"unknown answer type {q.answer_type}")

    def clean(self):
        data = super().clean()
        for q in self.questions:
            if q.answer_type == AnswerType.SPLIT:
                parts = [data.get(f"{q.key}__{p}") for p, _label in q.options["parts"]]
                if all(v is not None for v in parts) and sum(parts) != 100:
                    self.add_error(
                        f"{q.key}__{q.options['parts'][0][0]}",
                        _("The parts add up to %(total)s %%; together they must be 100 %%.") % {"total": sum(parts)},
                    )
        return data

    def answers(self) -> dict:
        """The cleaned answers, one value per question key."""
        data = self.cleaned_data
        result = {}
        for q in self.questions:
            if q.answer_type == AnswerType.SPLIT:
                result[q.key] = {p: data.get(f"{q.key}__{p}") for p, _label in q.options["parts"]}
            elif q.answer_type == AnswerType.TEXT_LIST:
                result[q.key] = [v for i in range(q.options["items"]) if (v := data.get(f"{q.key}__{i}"))]
            elif q.answer_type == AnswerType.MUNICIPALITY_SCALE:
                prefix = f"{q.key}__"
                result[q.key] = {
                    name.removeprefix(prefix): value
                    for name, value in data.items()
                    if name.startswith(prefix) and value
                }
            else:
                result[q.key] = data.get(q.key)
        return result

    def groups(self):
        for q in self.questions:
            names = [n for n in self.fields if n == q.key or n.startswith(f"{q.key}__")]
            yield q, [self[n] for n in names]

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from fridsam.core.audit import log_access
from fridsam.core.models import AccessAction
from fridsam.evaluation.models import Answer, QuestionSet, Response, SurveyRound


def survey_round_for_year(*, key: str, year: int) -> SurveyRound:
    question_set = QuestionSet.objects.get(key=key, is_current=True)
    round_, _created = SurveyRound.objects.get_or_create(question_set=question_set, year=year)
    return round_


def response_submit(*, round: SurveyRound, respondent, municipalities, answers: dict) -> Response:
    """Store (or replace) a person's answers for a round. Validation is the form's (typed fields)."""
    questions = {q.key: q for q in round.question_set.questions.all()}
    unknown = set(answers) - set(questions)
    if unknown:
        raise ValueError(f"answers to unknown questions {sorted(unknown)}")
    with transaction.atomic():
        response, created = Response.system_objects.get_or_create(round=round, respondent=respondent)
        response.submitted_at = timezone.now()
        response.save(update_fields=["submitted_at"])
        response.municipalities.set(municipalities)
        Answer.system_objects.filter(response=response).delete()
        Answer.system_objects.bulk_create(
            [
                Answer(response=response, question=questions[key], value=value)
                for key, value in answers.items()
                if value not in (None, "", [], {})
            ]
        )
        for municipality in municipalities:
            log_access(
                action=AccessAction.CREATE if created else AccessAction.CHANGE,
                object_type=response,
                user=respondent,
                municipality=municipality,
                detail=f"year={round.year}",
            )
    return response

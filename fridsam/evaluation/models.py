"""A small survey engine: versioned question sets, typed answers, yearly rounds.

The coordinators' yearly questionnaire is the first question set; the staff knowledge
self-assessment and the partner survey of later capabilities use the same engine.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fridsam.core.tenancy import ScopedManager


class AnswerType(models.TextChoices):
    PERCENT = "percent", _("Percentage")
    INTEGER = "integer", _("Whole number")
    TEXT = "text", _("Short text")
    LONG_TEXT = "long_text", _("Longer text")
    CHOICE = "choice", _("One of several choices")
    SPLIT = "split", _("Percentages that add up to 100")
    TEXT_LIST = "text_list", _("A list of short texts")
    MUNICIPALITIES = "municipalities", _("Municipalities")
    MUNICIPALITY_SCALE = "municipality_scale", _("A rating per municipality")


class QuestionSet(models.Model):
    key = models.SlugField(_("key"), max_length=50)
    version = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_current = models.BooleanField(_("current version"), default=True)

    class Meta:
        ordering = ["key", "-version"]
        verbose_name = _("question set")
        verbose_name_plural = _("question sets")
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="question_set_unique_version")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class Question(models.Model):
    question_set = models.ForeignKey(QuestionSet, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(_("key"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    answer_type = models.CharField(_("answer type"), max_length=20, choices=AnswerType.choices)
    # Choices for CHOICE, parts for SPLIT ([key, label] pairs), the number of items for TEXT_LIST.
    options = models.JSONField(_("options"), default=dict, blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["question_set", "order"]
        constraints = [models.UniqueConstraint(fields=["question_set", "key"], name="question_unique_key")]

    def __str__(self) -> str:
        return self.text


class SurveyRound(models.Model):
    question_set = models.ForeignKey(QuestionSet, on_delete=models.PROTECT, related_name="rounds")
    year = models.PositiveSmallIntegerField(_("year"))
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)

    class Meta:
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["question_set", "year"], name="round_unique_year")]

    def __str__(self) -> str:
        return f"{self.question_set.title} {self.year}"


class Response(models.Model):
    """One person's answers in one round, about the municipalities they answered for."""

    round = models.ForeignKey(SurveyRound, on_delete=models.PROTECT, related_name="responses")
    respondent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    municipalities = models.ManyToManyField("organisations.Municipality", related_name="+")
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)

    objects = ScopedManager(municipality="municipalities")

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-round__year"]
        constraints = [models.UniqueConstraint(fields=["round", "respondent"], name="response_unique_respondent")]

    def __str__(self) -> str:
        return f"{self.round} – {self.respondent}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    value = models.JSONField(_("answer"))

    objects = ScopedManager(municipality="response__municipalities")

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["question__order"]
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_unique_question")]

    def __str__(self) -> str:
        return f"{self.question.key}: {self.value}"

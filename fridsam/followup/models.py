"""Case follow-up: pseudonymous records of violence cases, their interventions, assessments with
versioned instruments, and consultations with the coordinator ("bollplank").

Fridsam is not a journal system. A record holds categories, dates and numbers only: the
municipality's own case reference is kept as a keyed hash (:mod:`fridsam.core.references`),
and the one short note passes the personal-identity-number validator. Every model here is
case-level data: scoped by ``case_municipality``, never seen by the county or partners.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fridsam.core.fields import PersonalCharField, PersonalTextField, PlausibleDateField
from fridsam.core.tenancy import ScopedManager
from fridsam.core.validators import validate_past_date, validate_planned_date

NOTE_MAX_LENGTH = 300


class Status(models.TextChoices):
    OPEN = "open", pgettext_lazy("record status", "Open")
    CLOSED = "closed", _("Closed")


class RouteIn(models.TextChoices):
    SELF = "self", _("The person themself")
    POLICE = "police", _("Police")
    HEALTH_CARE = "health_care", _("Health care")
    SCHOOL = "school", _("School or preschool")
    RELATIVE = "relative", _("Relative or friend")
    OTHER_AUTHORITY = "other_authority", _("Other authority")
    OTHER = "other", _("Other")


class Category(models.TextChoices):
    ADULT_VICTIM = "adult_victim", _("Adult subjected to violence")
    CHILD_EXPOSED = "child_exposed", _("Child subjected to violence")
    CHILD_WITNESSED = "child_witnessed", _("Child who witnessed violence")
    PERSON_USING_VIOLENCE = "person_using_violence", _("Person using violence")
    OTHER = "other", _("Other")


CHILD_CATEGORIES = (Category.CHILD_EXPOSED, Category.CHILD_WITNESSED)


class Sex(models.TextChoices):
    FEMALE = "female", _("Woman or girl")
    MALE = "male", _("Man or boy")
    OTHER = "other", _("Other or not stated")


class AgeBand(models.TextChoices):
    A0_5 = "0-5", _("0–5 years")
    A6_12 = "6-12", _("6–12 years")
    A13_17 = "13-17", _("13–17 years")
    A18_24 = "18-24", _("18–24 years")
    A25_44 = "25-44", _("25–44 years")
    A45_64 = "45-64", _("45–64 years")
    A65_79 = "65-79", _("65–79 years")
    A80 = "80+", _("80 years or older")


CHILD_AGE_BANDS = (AgeBand.A0_5, AgeBand.A6_12, AgeBand.A13_17)


class Relation(models.TextChoices):
    PARTNER = "partner", pgettext_lazy("relation", "Partner")
    FORMER_PARTNER = "former_partner", _("Former partner")
    PARENT = "parent", _("Parent or step-parent")
    CHILD = "child", _("Child")
    SIBLING = "sibling", _("Sibling")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    OTHER_CLOSE = "other_close", _("Other close person")
    UNKNOWN = "unknown", _("Not known")


class ViolenceForm(models.TextChoices):
    PHYSICAL = "physical", _("Physical")
    PSYCHOLOGICAL = "psychological", _("Psychological")
    SEXUAL = "sexual", _("Sexual")
    ECONOMIC = "economic", _("Economic")
    MATERIAL = "material", _("Material")
    NEGLECT = "neglect", _("Neglect")
    LATENT = "latent", _("Latent")
    HONOUR = "honour", _("Honour-related")
    DIGITAL = "digital", _("Digital")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    ELEVATED = "elevated", _("Elevated")
    HIGH = "high", _("High")


RISK_ORDER = {RiskLevel.LOW: 0, RiskLevel.ELEVATED: 1, RiskLevel.HIGH: 2}


class ClosureReason(models.TextChoices):
    GOALS_MET = "goals_met", _("The goals were met")
    GOALS_PARTLY_MET = "goals_partly_met", _("The goals were partly met")
    DECLINED = "declined", _("The person declined further support")
    MOVED = "moved", _("Moved to another municipality")
    REFERRED = "referred", _("Continued elsewhere")
    NO_CONTACT = "no_contact", _("Contact was lost")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    ENDED = "ended", _("The violence has ended")
    REDUCED = "reduced", _("The violence has decreased")
    UNCHANGED = "unchanged", _("The violence is unchanged")
    UNKNOWN = "unknown", _("Not known")


class ClientView(models.TextChoices):
    BETTER = "better", _("Better")
    SAME = "same", _("The same")
    WORSE = "worse", _("Worse")
    NOT_RECORDED = "not_recorded", _("Not asked or not recorded")


class InterventionKind(models.TextChoices):
    PROTECTED_HOUSING = "protected_housing", _("Protected housing")
    SUPPORT_TALKS = "support_talks", _("Support talks")
    ECONOMIC_AID = "economic_aid", _("Economic aid")
    HOUSING = "housing", _("Housing")
    PERPETRATOR_PROGRAMME = "perpetrator_programme", _("Referral to a programme for persons using violence")
    CHILDRENS_TALKS = "childrens_talks", _("Talks for children")
    WOMENS_SHELTER = "womens_shelter", _("Contact with a women's shelter")
    INTERPRETER = "interpreter", _("Interpreter")
    OTHER = "other", _("Other")


# The closures SKR's key figure counts: "the goal of the interventions fully or partly met".
GOAL_MET_REASONS = (ClosureReason.GOALS_MET, ClosureReason.GOALS_PARTLY_MET)


class PoliceReport(models.TextChoices):
    """Whether the violence has been reported to the police (an SU-Kvinnofrid/SUV variable)."""

    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Not known")


class Schooling(models.TextChoices):
    """How a child's schooling is secured during a placement in protected housing (2024 rules)."""

    SAME_SCHOOL = "same_school", _("The child goes to the same school, with safe transport")
    NEW_SCHOOL = "new_school", _("A new school near the housing")
    AT_THE_HOUSING = "at_the_housing", _("Teaching at the housing or remote teaching, decided with the school")
    NOT_SECURED = "not_secured", _("Not yet secured")
    NOT_SCHOOL_AGE = "not_school_age", _("No child of school age")


SCHOOLING_SECURED = (Schooling.SAME_SCHOOL, Schooling.NEW_SCHOOL, Schooling.AT_THE_HOUSING, Schooling.NOT_SCHOOL_AGE)


# What the quantity of an intervention counts; None: the intervention has no quantity.
QUANTITY_UNITS = {
    InterventionKind.PROTECTED_HOUSING: _("nights"),
    InterventionKind.SUPPORT_TALKS: _("talks"),
    InterventionKind.ECONOMIC_AID: _("kronor"),
    InterventionKind.HOUSING: None,
    InterventionKind.PERPETRATOR_PROGRAMME: None,
    InterventionKind.CHILDRENS_TALKS: _("talks"),
    InterventionKind.WOMENS_SHELTER: _("contacts"),
    InterventionKind.INTERPRETER: _("occasions"),
    InterventionKind.OTHER: _("number"),
}
# Protected housing needs its nights; the others may leave the quantity empty.
QUANTITY_REQUIRED = {InterventionKind.PROTECTED_HOUSING}


class FollowUpRecord(models.Model):
    """One case followed up in Fridsam: categories, dates and numbers about a person, never who."""

    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="followup_records"
    )
    unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, related_name="followup_records", verbose_name=_("unit")
    )
    # None for a record pushed by a journal system (or imported from its file) until a manager gives
    # it to a social worker: the unit's managers and the coordinators read it meanwhile.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="followup_records",
        verbose_name=_("owner"),
        null=True,
        blank=True,
    )
    # The integration (credential name) or file import the record came from; empty when registered in Fridsam.
    via = models.CharField(_("registered through"), max_length=120, blank=True, editable=False)
    reference_hash = models.CharField(_("case reference (keyed hash)"), max_length=64, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_on = PlausibleDateField(_("opened"), bounds=validate_past_date)
    opened_year = models.PositiveSmallIntegerField(editable=False)
    route_in = models.CharField(_("route in"), max_length=20, choices=RouteIn.choices)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    age_band = models.CharField(_("age"), max_length=10, choices=AgeBand.choices)
    relation = models.CharField(_("relation to the person using violence"), max_length=20, choices=Relation.choices)
    violence_forms = models.JSONField(_("forms of violence"), default=list, blank=True)
    protected_identity = models.BooleanField(_("protected personal data"), default=False)
    # SU-Kvinnofrid / SUV variables that fit a pseudonymous record (docs/su-kvinnofrid.md).
    children_in_household = models.PositiveSmallIntegerField(
        _("children in the household"), null=True, blank=True, validators=[MaxValueValidator(20)]
    )
    police_report = models.CharField(
        _("reported to the police"), max_length=10, choices=PoliceReport.choices, blank=True
    )
    screening_on = PlausibleDateField(_("routine screening done"), null=True, blank=True, bounds=validate_past_date)
    screening_instrument = models.ForeignKey(
        "followup.Instrument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("screening instrument"),
    )
    risk_assessed_on = PlausibleDateField(_("risk assessment done"), null=True, blank=True, bounds=validate_past_date)
    risk_instrument = models.ForeignKey(
        "followup.Instrument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("risk assessment instrument"),
    )
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices, blank=True)
    note = PersonalCharField(
        _("short note"), max_length=NOTE_MAX_LENGTH, blank=True, validators=[MaxLengthValidator(NOTE_MAX_LENGTH)]
    )
    closed_on = PlausibleDateField(_("closed"), null=True, blank=True, bounds=validate_past_date)
    closed_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    closure_reason = models.CharField(_("reason for closing"), max_length=20, choices=ClosureReason.choices, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    client_view = models.CharField(_("the person's own view"), max_length=20, choices=ClientView.choices, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = ScopedManager(case_municipality="municipality")

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("follow-up record")
        verbose_name_plural = _("follow-up records")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "reference_hash"], name="followup_reference_unique"),
            models.CheckConstraint(
                name="followup_closed_has_date",
                condition=Q(status="open", closed_on__isnull=True) | Q(status="closed", closed_on__isnull=False),
            ),
            models.CheckConstraint(
                name="followup_closed_after_opened",
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "-opened_on", "-id"], name="followup_by_owner"),
            models.Index(fields=["unit", "-opened_on", "-id"], name="followup_by_unit"),
            models.Index(fields=["municipality", "-opened_on", "-id"], name="followup_by_municipality"),
            models.Index(fields=["municipality", "opened_year"], name="followup_opened_year"),
            models.Index(fields=["municipality", "closed_year"], name="followup_closed_year"),
        ]

    def __str__(self) -> str:
        return str(_("Follow-up %(number)s") % {"number": self.number})

    def save(self, *args, **kwargs):
        self.opened_year = self.opened_on.year
        self.closed_year = self.closed_on.year if self.closed_on else None
        super().save(*args, **kwargs)

    @property
    def number(self) -> str:
        """The record's own number in Fridsam (not the journal's reference)."""
        return f"U-{self.pk}"

    def violence_form_labels(self) -> list[str]:
        labels = dict(ViolenceForm.choices)
        return [str(labels[f]) for f in self.violence_forms if f in labels]


class EventKind(models.TextChoices):
    OPENED = "opened", _("Opened")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    REASSIGNED = "reassigned", _("New owner")


class RecordEvent(models.Model):
    """The record's status history: each transition of the state machine, with its reason."""

    record = models.ForeignKey(FollowUpRecord, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(pgettext_lazy("record history", "event"), max_length=20, choices=EventKind.choices)
    on = PlausibleDateField(_("date"), bounds=validate_past_date)
    reason = PersonalCharField(_("reason"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(case_municipality="record__municipality")

    class Meta:
        ordering = ["record", "at", "pk"]
        verbose_name = _("record event")
        verbose_name_plural = _("record events")

    def __str__(self) -> str:
        return f"{self.record_id} {self.kind} {self.on}"


class Intervention(models.Model):
    record = models.ForeignKey(FollowUpRecord, on_delete=models.CASCADE, related_name="interventions")
    # Denormalised from the record, so statistics group interventions without a join.
    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("intervention"), max_length=30, choices=InterventionKind.choices)
    started_on = PlausibleDateField(_("from"), bounds=validate_past_date)
    started_year = models.PositiveSmallIntegerField(editable=False)
    ended_on = PlausibleDateField(_("until"), null=True, blank=True, bounds=validate_planned_date)
    quantity = models.PositiveIntegerField(
        _("quantity"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(10_000_000)]
    )
    # Protected housing since 1 April 2024: a child placed with a parent gets a decision of its own,
    # and the social services secure the child's schooling. Counts and a category, never who.
    children_placed = models.PositiveSmallIntegerField(
        _("children placed with the parent"), null=True, blank=True, validators=[MaxValueValidator(20)]
    )
    children_with_own_decision = models.PositiveSmallIntegerField(
        _("of them with their own decision"), null=True, blank=True, validators=[MaxValueValidator(20)]
    )
    schooling = models.CharField(_("schooling"), max_length=20, choices=Schooling.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(case_municipality="municipality")

    class Meta:
        ordering = ["record", "started_on", "pk"]
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        constraints = [
            models.CheckConstraint(
                name="intervention_period_ordered",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
            ),
            models.CheckConstraint(
                name="intervention_own_decisions_within_children",
                condition=Q(children_with_own_decision__isnull=True)
                | Q(children_with_own_decision__lte=models.F("children_placed")),
            ),
        ]
        indexes = [models.Index(fields=["municipality", "started_year", "kind"], name="intervention_by_year")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_on}"

    def save(self, *args, **kwargs):
        self.started_year = self.started_on.year
        super().save(*args, **kwargs)

    @property
    def quantity_unit(self):
        return QUANTITY_UNITS.get(self.kind)


class InstrumentKind(models.TextChoices):
    SCREENING = "screening", _("Routine screening")
    DESCRIPTION = "description", _("Description of the violence")
    RISK = "risk", _("Risk assessment")


class Instrument(models.Model):
    """An assessment instrument (public definitions, no tenant); its content lives in versions."""

    key = models.SlugField(_("identifier"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=InstrumentKind.choices)
    is_demo = models.BooleanField(_("demo instrument"), default=False)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self) -> str:
        return self.name


class InstrumentVersion(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="versions")
    version = models.CharField(_("version"), max_length=30)
    definition = models.JSONField(_("definition"))
    loaded_at = models.DateTimeField(_("loaded"), default=timezone.now)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["instrument", "-loaded_at", "-pk"]
        verbose_name = _("instrument version")
        verbose_name_plural = _("instrument versions")
        constraints = [models.UniqueConstraint(fields=["instrument", "version"], name="instrument_version_unique")]

    def __str__(self) -> str:
        return f"{self.instrument.name} {self.version}"


class Assessment(models.Model):
    """An instrument filled in for a record, with the instrument version that was used."""

    record = models.ForeignKey(FollowUpRecord, on_delete=models.CASCADE, related_name="assessments")
    instrument_version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = PlausibleDateField(_("date"), bounds=validate_past_date)
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(_("answers"), default=dict)
    scores = models.JSONField(_("scores"), default=dict)
    computed_level = models.CharField(_("level from the scoring"), max_length=10, choices=RiskLevel.choices, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=RiskLevel.choices, blank=True)
    override_motivation = PersonalCharField(_("motivation for another level"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(case_municipality="record__municipality")

    class Meta:
        ordering = ["record", "-assessed_on", "-pk"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return f"{self.instrument_version} {self.assessed_on}"

    @property
    def is_override(self) -> bool:
        return bool(self.level) and self.level != self.computed_level


class Topic(models.TextChoices):
    RISK = "risk", _("Risk and safety")
    CHILDREN = "children", _("Children")
    HONOUR = "honour", _("Honour-related violence")
    PROTECTED_HOUSING = "protected_housing", _("Protected housing")
    PERSON_USING_VIOLENCE = "person_using_violence", _("Persons using violence")
    ECONOMY = "economy", _("Economy and housing")
    SECRECY = "secrecy", _("Secrecy and protected personal data")
    COLLABORATION = "collaboration", _("Collaboration with other organisations")
    METHOD = "method", _("Methods and instruments")
    OTHER = "other", _("Other")


class Urgency(models.TextChoices):
    TODAY = "today", _("Today")
    WEEK = "week", _("This week")
    NO_HURRY = "no_hurry", _("When there is time")


class ConsultationStatus(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    ANSWERED = "answered", pgettext_lazy("consultation status", "Answered")
    CLOSED = "closed", _("Closed")


QUESTION_MAX_LENGTH = 1500


class Consultation(models.Model):
    """A social worker's question about a difficult case to the coordinator or the team."""

    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to"),
    )
    record = models.ForeignKey(
        FollowUpRecord,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("follow-up record"),
    )
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    question = PersonalTextField(
        _("question"), validators=[MaxLengthValidator(QUESTION_MAX_LENGTH)], max_length=QUESTION_MAX_LENGTH
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ConsultationStatus.choices, default=ConsultationStatus.OPEN
    )
    asked_at = models.DateTimeField(_("asked"), default=timezone.now)
    first_answered_at = models.DateTimeField(_("first answer"), null=True, blank=True)
    # Minutes from question to first answer: stored so that statistics average it in the database.
    answer_minutes = models.PositiveIntegerField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = ScopedManager(case_municipality="municipality")

    class Meta:
        ordering = ["-asked_at", "-pk"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        indexes = [
            models.Index(fields=["municipality", "status", "-asked_at"], name="consultation_queue"),
            models.Index(fields=["asked_by", "-asked_at"], name="consultation_by_asker"),
        ]

    def __str__(self) -> str:
        return str(_("Consultation %(number)s") % {"number": self.pk})


class ConsultationReply(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = PersonalTextField(
        _("answer"), validators=[MaxLengthValidator(QUESTION_MAX_LENGTH)], max_length=QUESTION_MAX_LENGTH
    )
    at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(case_municipality="consultation__municipality")

    class Meta:
        ordering = ["consultation", "at", "pk"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")

    def __str__(self) -> str:
        return f"{self.consultation_id} {self.at:%Y-%m-%d %H:%M}"

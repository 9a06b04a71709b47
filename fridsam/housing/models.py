"""Protected housing register and the county housing exchange (länskompotten).

Providers of protected housing are shared by the county's municipalities (``county`` scope);
their exact address is encrypted at rest (:mod:`fridsam.core.crypto`) and read only through
``services.provider_address_reveal``, which writes the access log. The exchange pools apartments
the municipalities offer; applicants are pseudonymous (a keyed hash of the case reference, as in
case follow-up) and an apartment's address is revealed only after an allocation, to the receiving
municipality. That an apartment is never allocated twice and an applicant never holds two is a
database constraint (partial unique indexes on the live allocations), not only a check in Python.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fridsam.core.fields import PersonalCharField, PersonalTextField, PlausibleDateField
from fridsam.core.tenancy import ScopedManager
from fridsam.core.validators import PlausibleDate, validate_past_date, validate_phone_number, validate_planned_date

NOTE_MAX_LENGTH = 500
# A provider's permit may be decades old (homes for care or residence were licensed long before
# protected housing was), but it has been issued.
IVO_PERMIT = PlausibleDate(earliest=datetime.date(1980, 1, 1))


class OperatorType(models.TextChoices):
    MUNICIPAL = "municipal", _("Municipal")
    NON_PROFIT = "non_profit", _("Non-profit")
    PRIVATE = "private", _("Private")


class Staffing(models.TextChoices):
    AROUND_THE_CLOCK = "24h", _("Staffed around the clock")
    DAYTIME = "daytime", _("Staffed daytime")
    ON_CALL = "on_call", _("Staff on call")


class TargetGroup(models.TextChoices):
    """Who a provider takes in. Household needs are matched against these."""

    WOMEN = "women", _("Women")
    MEN = "men", _("Men")
    LGBTQ = "lgbtq", _("LGBTQ+ persons")
    CHILDREN = "children", _("Children")
    OLDER_BOYS = "older_boys", _("Boys aged 13 or older")
    SUBSTANCE_USE = "substance_use", _("People with substance use")
    MENTAL_ILLNESS = "mental_illness", _("People with mental illness")
    WHEELCHAIR = "wheelchair", _("Physical disability / wheelchair access")
    OLDER_PEOPLE = "older_people", _("Older people")
    HONOUR = "honour", _("Honour-related violence")
    PETS = "pets", _("Pets")
    HIGH_PROTECTION = "high_protection", _("High protection needs")


class SecurityMeasure(models.TextChoices):
    ALARM = "alarm", _("Burglar and attack alarm")
    CAMERA = "camera", _("Camera at the entrance")
    SECURE_DOOR = "secure_door", _("Security door")
    PROTECTED_ADDRESS = "protected_address", _("Address not disclosed")
    POLICE_LINK = "police_link", _("Agreed procedure with the police")
    SAFE_TRANSPORT = "safe_transport", _("Safe transport to school and appointments")


class Provider(models.Model):
    """A provider of protected housing (skyddat boende), shared by the county's municipalities."""

    county = models.ForeignKey("organisations.County", on_delete=models.PROTECT, related_name="housing_providers")
    name = PersonalCharField(_("name"), max_length=150)
    operator_type = models.CharField(_("operator"), max_length=12, choices=OperatorType.choices)
    ivo_permit_number = PersonalCharField(_("IVO permit number"), max_length=40, blank=True)
    ivo_permit_date = PlausibleDateField(_("IVO permit date"), null=True, blank=True, bounds=IVO_PERMIT)
    located_in = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        related_name="housing_providers",
        verbose_name=_("located in municipality"),
    )
    address_encrypted = models.TextField(editable=False)
    phone = models.CharField(_("contact phone"), max_length=40, validators=[validate_phone_number])
    places = models.PositiveSmallIntegerField(_("places"), validators=[MinValueValidator(1), MaxValueValidator(500)])
    family_rooms = models.PositiveSmallIntegerField(_("family rooms"), default=0, validators=[MaxValueValidator(200)])
    staffing = models.CharField(_("staffing"), max_length=10, choices=Staffing.choices)
    security_measures = models.JSONField(_("security measures"), default=list, blank=True)
    target_groups = models.JSONField(_("target groups accepted"), default=list, blank=True)
    children_max_age = models.PositiveSmallIntegerField(
        _("children accepted up to age"), null=True, blank=True, validators=[MaxValueValidator(17)]
    )
    partner_organisation = models.ForeignKey(
        "organisations.PartnerOrganisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="housing_providers",
        verbose_name=_("partner organisation that reports free places"),
    )
    description = PersonalTextField(
        _("description"), blank=True, validators=[MaxLengthValidator(2000)], max_length=2000
    )
    active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(county="county", partner="partner_organisation")

    class Meta:
        ordering = ["name"]
        verbose_name = _("protected housing provider")
        verbose_name_plural = _("protected housing providers")
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="housing_provider_unique_name"),
            models.CheckConstraint(
                name="housing_private_needs_ivo_permit",
                condition=~Q(operator_type="private") | (~Q(ivo_permit_number="") & Q(ivo_permit_date__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def target_group_labels(self) -> list[str]:
        labels = dict(TargetGroup.choices)
        return [labels[g] for g in self.target_groups if g in labels]

    @property
    def security_measure_labels(self) -> list[str]:
        labels = dict(SecurityMeasure.choices)
        return [labels[m] for m in self.security_measures if m in labels]


class Criterion(models.Model):
    """A quality criterion, kept as data (loaded from data/criteria.json by a migration)."""

    key = models.SlugField(unique=True)
    label = models.CharField(_("criterion"), max_length=200)
    help_text = models.CharField(_("what is assessed"), max_length=400, blank=True)
    required = models.BooleanField(_("required for quality assurance"), default=True)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "key"]
        verbose_name = _("quality criterion")
        verbose_name_plural = _("quality criteria")

    def __str__(self) -> str:
        return self.label


class Result(models.TextChoices):
    MET = "met", _("Met")
    PARTLY = "partly", _("Partly met")
    NOT_MET = "not_met", _("Not met")
    NOT_ASSESSED = "not_assessed", _("Not assessed")


class QualityAssessment(models.Model):
    """A dated assessment of a provider by a named assessor. Never edited: a new one is made."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = PlausibleDateField(_("assessed on"), bounds=validate_past_date)
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessor_municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    summary = PersonalTextField(_("summary"), blank=True, validators=[MaxLengthValidator(2000)], max_length=2000)
    quality_assured = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(county="provider__county", partner="provider__partner_organisation")

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("quality assessment")
        verbose_name_plural = _("quality assessments")

    def __str__(self) -> str:
        return f"{self.provider} {self.assessed_on:%Y-%m-%d}"


class CriterionResult(models.Model):
    assessment = models.ForeignKey(QualityAssessment, on_delete=models.CASCADE, related_name="results")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("result"), max_length=12, choices=Result.choices)
    note = PersonalCharField(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)

    objects = ScopedManager(county="assessment__provider__county", partner="assessment__provider__partner_organisation")

    class Meta:
        verbose_name = _("criterion result")
        verbose_name_plural = _("criterion results")
        ordering = ["criterion__order", "criterion__key"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="housing_one_result_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.result}"


class AvailabilityReport(models.Model):
    """Free places as reported by the provider's contact (or a coordinator)."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="availability_reports")
    reported_at = models.DateTimeField(_("reported at"), db_index=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    free_places = models.PositiveSmallIntegerField(_("free places"), validators=[MaxValueValidator(500)])
    free_family_rooms = models.PositiveSmallIntegerField(
        _("free family rooms"), default=0, validators=[MaxValueValidator(200)]
    )

    objects = ScopedManager(county="provider__county", partner="provider__partner_organisation")

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("availability report")
        verbose_name_plural = _("availability reports")

    def __str__(self) -> str:
        return f"{self.provider}: {self.free_places}"


class Rating(models.TextChoices):
    GOOD = "good", _("Good")
    ACCEPTABLE = "acceptable", _("Acceptable")
    POOR = "poor", _("Poor")


class PlacementFeedback(models.Model):
    """A placing municipality's feedback after a placement: per criterion, and overall. Pseudonymous:
    it names the municipality and the period, never the person."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="feedback")
    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.PROTECT, related_name="+")
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placement_ended_on = PlausibleDateField(_("placement ended"), bounds=validate_past_date)
    overall = models.PositiveSmallIntegerField(
        _("overall (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    ratings = models.JSONField(_("per criterion"), default=dict, blank=True)
    comment = PersonalCharField(_("comment"), max_length=NOTE_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(county="provider__county")

    class Meta:
        ordering = ["-placement_ended_on", "-id"]
        verbose_name = _("placement feedback")
        verbose_name_plural = _("placement feedback")

    # --- The housing exchange ---------------------------------------------------------------------

    def __str__(self) -> str:
        return f"{self.provider}: {self.overall}"


class Commitment(models.Model):
    """A municipality's yearly commitment of apartments to the county pool."""

    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    apartments = models.PositiveSmallIntegerField(_("apartments committed"), validators=[MaxValueValidator(1000)])
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager(county="municipality__county")

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["year", "municipality__name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "year"], name="housing_one_commitment_a_year")]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}: {self.apartments}"


class FrozenLedgerYear(models.Model):
    """A municipality's figures in the ledger of a year whose allocations are being culled (ADR
    0031, 0040): what its apartments gave, its applicants took and it placed at home, counted just
    before the first of them went, shown from then on instead of a count of what is left. Written
    for every municipality of the county at once, as an allocation counts in two municipalities."""

    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    given = models.PositiveIntegerField(_("given"))
    taken = models.PositiveIntegerField(_("taken"))
    placed_at_home = models.PositiveIntegerField(_("placed at home"))
    frozen_at = models.DateTimeField(_("frozen"), default=timezone.now)

    objects = ScopedManager(county="municipality__county")

    class Meta:
        verbose_name = _("frozen ledger year")
        verbose_name_plural = _("frozen ledger years")
        ordering = ["year", "municipality__name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "year"], name="housing_ledger_frozen_once")]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}: {self.given}/{self.taken}/{self.placed_at_home}"


class ApartmentStatus(models.TextChoices):
    OFFERED = "offered", _("Offered")
    ALLOCATED = "allocated", _("Allocated")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Apartment(models.Model):
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    housing_company = PersonalCharField(_("housing company"), max_length=150)
    rooms = models.PositiveSmallIntegerField(_("rooms"), validators=[MinValueValidator(1), MaxValueValidator(10)])
    size_m2 = models.PositiveSmallIntegerField(
        _("size (m²)"), validators=[MinValueValidator(10), MaxValueValidator(400)]
    )
    rent = models.PositiveIntegerField(_("rent per month (kr)"), validators=[MaxValueValidator(100_000)])
    floor = models.SmallIntegerField(_("floor"), validators=[MinValueValidator(-1), MaxValueValidator(40)])
    has_lift = models.BooleanField(_("lift"), default=False)
    accessible = models.BooleanField(_("wheelchair accessible"), default=False)
    available_from = PlausibleDateField(_("available from"), bounds=validate_planned_date)
    address_encrypted = models.TextField(editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ApartmentStatus.choices, default=ApartmentStatus.OFFERED
    )
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(county="municipality__county")

    class Meta:
        ordering = ["available_from", "id"]
        verbose_name = _("apartment")
        verbose_name_plural = _("apartments")

    def __str__(self) -> str:
        return f"L-{self.pk:04d}"

    @property
    def number(self) -> str:
        return str(self)


class ApplicantStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    PLACED = "placed", _("Placed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Applicant(models.Model):
    """A household waiting for an apartment through the exchange. No identity: a keyed hash of the
    responsible municipality's case reference, the household's size and needs."""

    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible municipality"),
    )
    reference_hash = models.CharField(max_length=64, editable=False)
    adults = models.PositiveSmallIntegerField(
        _("adults"), default=1, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    children_ages = models.JSONField(_("children's ages"), default=list, blank=True)
    min_rooms = models.PositiveSmallIntegerField(
        _("rooms needed at least"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    needs_accessible = models.BooleanField(_("needs wheelchair access"), default=False)
    needs_ground_or_lift = models.BooleanField(_("needs ground floor or lift"), default=False)
    excluded_municipalities = models.ManyToManyField(
        "organisations.Municipality", related_name="+", verbose_name=_("municipalities excluded for safety")
    )
    preferred_municipalities = models.ManyToManyField(
        "organisations.Municipality", related_name="+", blank=True, verbose_name=_("preferred municipalities")
    )
    months_in_protected_housing = models.PositiveSmallIntegerField(
        _("months already in protected housing"), default=0, validators=[MaxValueValidator(240)]
    )
    registered_on = PlausibleDateField(_("registered"), bounds=validate_past_date)
    status = models.CharField(
        _("status"), max_length=10, choices=ApplicantStatus.choices, default=ApplicantStatus.WAITING
    )
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager(county="municipality__county")

    class Meta:
        ordering = ["registered_on", "id"]
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "reference_hash"],
                condition=Q(status="waiting"),
                name="housing_one_waiting_applicant_per_reference",
            )
        ]

    def __str__(self) -> str:
        return f"S-{self.pk:04d}"

    @property
    def number(self) -> str:
        return str(self)

    @property
    def household_size(self) -> int:
        return self.adults + len(self.children_ages or [])


class MatchRun(models.Model):
    """One run of the matching over the county's waiting applicants and offered apartments."""

    county = models.ForeignKey("organisations.County", on_delete=models.PROTECT, related_name="+")
    run_at = models.DateTimeField(auto_now_add=True)
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    applicants = models.PositiveIntegerField(default=0)
    apartments = models.PositiveIntegerField(default=0)
    placed = models.PositiveIntegerField(default=0)
    total_score = models.PositiveIntegerField(default=0)
    greedy_placed = models.PositiveIntegerField(default=0)
    greedy_score = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    unmatched = models.JSONField(default=list)  # [{"applicant": id, "reason": key, "detail": {...}}]

    objects = ScopedManager(county="county")

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["-run_at", "-id"]

    def __str__(self) -> str:
        return f"M-{self.pk:04d}"


class Proposal(models.Model):
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    applicant = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="+")
    apartment = models.ForeignKey(Apartment, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveIntegerField()
    explanation = models.JSONField(default=dict)

    objects = ScopedManager(county="run__county")

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-score", "id"]

    def __str__(self) -> str:
        return f"{self.applicant_id} → {self.apartment_id}"


class AllocationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted by both municipalities")
    ALLOCATED = "allocated", _("Allocated")
    MOVED_IN = "moved_in", _("Moved in")
    WITHDRAWN = "withdrawn", _("Withdrawn")


LIVE_STATUSES = (
    AllocationStatus.PROPOSED,
    AllocationStatus.ACCEPTED,
    AllocationStatus.ALLOCATED,
    AllocationStatus.MOVED_IN,
)


class Allocation(models.Model):
    """An apartment for an applicant, through proposed → accepted → allocated → moved in (or
    withdrawn). At most one live allocation per apartment and per applicant: the database says so."""

    apartment = models.ForeignKey(Apartment, on_delete=models.PROTECT, related_name="allocations")
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="allocations")
    proposal = models.ForeignKey(Proposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=AllocationStatus.choices)
    offering_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    offering_accepted_at = models.DateTimeField(null=True, blank=True)
    receiving_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    receiving_accepted_at = models.DateTimeField(null=True, blank=True)
    allocated_on = PlausibleDateField(_("allocated"), null=True, blank=True, bounds=validate_past_date)
    moved_in_on = PlausibleDateField(_("moved in"), null=True, blank=True, bounds=validate_past_date)
    withdrawn_on = PlausibleDateField(_("withdrawn"), null=True, blank=True, bounds=validate_past_date)
    withdrawal_reason = PersonalCharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(county="apartment__municipality__county")

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["apartment"],
                condition=Q(status__in=[s.value for s in LIVE_STATUSES]),
                name="housing_apartment_one_live_allocation",
            ),
            models.UniqueConstraint(
                fields=["applicant"],
                condition=Q(status__in=[s.value for s in LIVE_STATUSES]),
                name="housing_applicant_one_live_allocation",
            ),
        ]

    def __str__(self) -> str:
        return f"T-{self.pk:04d}"

"""Counties, municipalities, units, partner organisations and national actors.

Counties, municipalities and population figures are public reference data (SCB) and carry no
tenant scope. Units and partner organisations are tenant data and use scoped managers. A national
actor is named and nothing more: it is no tenant of any data (ADR 0042).
"""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fridsam.core.fields import PersonalCharField, PersonalTextField
from fridsam.core.tenancy import ScopedManager
from fridsam.core.validators import validate_phone_number


class County(models.Model):
    code = models.CharField(_("county code"), max_length=2, unique=True, validators=[RegexValidator(r"^\d{2}$")])
    name = models.CharField(_("name"), max_length=100)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    code = models.CharField(_("municipality code"), max_length=4, unique=True, validators=[RegexValidator(r"^\d{4}$")])
    name = models.CharField(_("name"), max_length=100)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("county")
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class MunicipalityPopulation(models.Model):
    """Population per municipality and year (SCB), the denominator of every rate."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="populations", verbose_name=_("municipality")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    total = models.PositiveIntegerField(_("inhabitants"))
    adults = models.PositiveIntegerField(_("inhabitants aged 18 or over"), null=True, blank=True)

    class Meta:
        ordering = ["municipality", "-year"]
        verbose_name = _("population")
        verbose_name_plural = _("population figures")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="population_unique_year"),
            models.CheckConstraint(
                condition=models.Q(adults__isnull=True) | models.Q(adults__lte=models.F("total")),
                name="population_adults_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}"


class UnitType(models.TextChoices):
    INTAKE = "intake", _("Intake")
    ADULTS = "adults", pgettext_lazy("unit type", "Adults")
    CHILDREN_AND_YOUNG_PEOPLE = "children", _("Children and young people")
    ECONOMIC_AID = "economic_aid", _("Economic aid")
    SUBSTANCE_ABUSE = "substance_abuse", _("Substance abuse")
    FAMILY_LAW = "family_law", _("Family law")
    OUTPATIENT_CARE = "outpatient", _("Outpatient care")
    OTHER = "other", _("Other")


class Unit(models.Model):
    """A unit (enhet) of a municipality's social services."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="units", verbose_name=_("municipality")
    )
    name = PersonalCharField(_("name"), max_length=120)
    unit_type = models.CharField(_("type"), max_length=20, choices=UnitType.choices)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["municipality", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="unit_unique_name_per_municipality")
        ]

    def __str__(self) -> str:
        return self.name


class PartnerType(models.TextChoices):
    POLICE = "police", _("Police")
    PROSECUTION = "prosecution", _("Prosecution Authority")
    PRISON_PROBATION = "prison_probation", _("Prison and Probation Service")
    WOMENS_SHELTER = "womens_shelter", _("Women's shelter")
    CENTRE_AGAINST_VIOLENCE = "cmv", _("Centre against violence")
    BARNAHUS = "barnahus", _("Barnahus")
    REGION = "region", _("Region (health care)")
    SCHOOL = "school", _("School")
    HOUSING_COMPANY = "housing_company", _("Housing company")
    OTHER = "other", _("Other")


class PartnerOrganisation(models.Model):
    """An external organisation the municipalities collaborate with, within one county."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="partner_organisations", verbose_name=_("county")
    )
    name = PersonalCharField(_("name"), max_length=150)
    partner_type = models.CharField(_("type"), max_length=20, choices=PartnerType.choices)
    municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="partner_organisations", verbose_name=_("municipalities served")
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[validate_phone_number])
    email = models.EmailField(_("email"), blank=True)
    description = PersonalTextField(
        _("what we offer and how to reach us"),
        blank=True,
        max_length=1500,
    )
    updated_at = models.DateTimeField(_("last updated"), null=True, blank=True)

    objects = ScopedManager(county="county", partner="id")

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="partner_unique_name_per_county")]

    def __str__(self) -> str:
        return self.name


class NationalOrganisationKind(models.TextChoices):
    AUTHORITY = "authority", _("National authority")
    KNOWLEDGE_CENTRE = "knowledge_centre", _("National knowledge centre")
    OTHER = "other", _("Other national actor")


class NationalOrganisation(models.Model):
    """A national actor (nationell aktör): an authority or centre that follows the work across the
    counties. Its analysts read the aggregates over every municipality in the country and nothing of
    any municipality, county or case (ADR 0042), so it carries no tenant scope and holds no data of
    its own: its name is as public as the authority."""

    name = PersonalCharField(_("name"), max_length=150, unique=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=NationalOrganisationKind.choices, default=NationalOrganisationKind.AUTHORITY
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("national actor")
        verbose_name_plural = _("national actors")

    def __str__(self) -> str:
        return self.name

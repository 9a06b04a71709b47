"""Indicators as data, their yearly definitions, the values per municipality and year, and the
qualitative observations that stand beside the numbers.

An indicator's *definition* may change from one year to the next (the national open comparisons
changed theirs): ``IndicatorDefinition`` rows are valid from a year until the next one, and every
output says so when it compares years across such a break.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fridsam.core.fields import PlausibleDateField
from fridsam.core.quality import Area
from fridsam.core.tenancy import ScopedManager
from fridsam.core.validators import validate_no_personal_identity_number, validate_past_date

FIRST_YEAR = 2000
LAST_YEAR = 2100


class Unit(models.TextChoices):
    COUNT = "count", pgettext_lazy("quantity", "Number")
    PER_10K_INHABITANTS = "per_10k_inhabitants", _("Per 10 000 inhabitants")
    PER_10K_ADULTS = "per_10k_adults", _("Per 10 000 adults")
    PERCENT = "percent", _("Share in per cent")


class Obtained(models.TextChoices):
    ENTERED = "entered", _("Entered by the municipality")
    IMPORTED = "imported", _("Imported (file or Kolada)")
    COMPUTED = "computed", _("Computed from case follow-up records")


class ValueSource(models.TextChoices):
    ENTERED = "entered", _("Entered")
    IMPORTED = "imported", _("Imported from a file")
    KOLADA = "kolada", _("Imported from Kolada")
    COMPUTED = "computed", _("Computed")


class Indicator(models.Model):
    """One yearly measure. Public definitions, no tenant: every county uses the same catalogue."""

    key = models.SlugField(_("identifier"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    area = models.CharField(_("quality area"), max_length=30, choices=Area.choices)
    unit = models.CharField(_("unit"), max_length=30, choices=Unit.choices)
    obtained = models.CharField(_("obtained"), max_length=20, choices=Obtained.choices, default=Obtained.ENTERED)
    # Counts of people or cases are protected when small; counts of agreements or staff are not.
    counts_people = models.BooleanField(_("counts people or cases"), default=True)
    # An indicator that is the sum of others (all actualised cases = adults + children…).
    sum_of = models.JSONField(_("sum of"), default=list, blank=True)
    kolada_kpi = models.CharField(
        _("Kolada key figure"),
        max_length=20,
        blank=True,
        help_text=_("The Kolada id (for example N00000) that a Kolada file uses for this indicator."),
    )
    # A figure Fridsam computes that a national body publishes too (SKR's key figures in Kolada):
    # the imported indicator it is shown beside, and whose Kolada id its export carries.
    counterpart = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="computed_as",
        verbose_name=_("national counterpart"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "key"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name

    @property
    def is_rate(self) -> bool:
        return self.unit in (Unit.PER_10K_INHABITANTS, Unit.PER_10K_ADULTS)


class IndicatorDefinition(models.Model):
    """What an indicator counts, valid from a year until the next definition."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="definitions")
    valid_from = models.PositiveSmallIntegerField(
        _("valid from year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    text = models.TextField(_("definition"))
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)

    class Meta:
        ordering = ["indicator", "valid_from"]
        verbose_name = _("indicator definition")
        verbose_name_plural = _("indicator definitions")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "valid_from"], name="indicator_definition_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.key} {self.valid_from}"


class IndicatorValue(models.Model):
    """A municipality's figure for one indicator and year.

    ``count`` is the number (the numerator of a share), ``denominator`` the base of a share; a
    figure that arrives already as a rate or share (Kolada) is kept in ``value``. Rates per
    10 000 are computed from the population of that year, never stored.
    """

    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.CASCADE, related_name="indicator_values"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    count = models.PositiveIntegerField(_("number"), null=True, blank=True)
    denominator = models.PositiveIntegerField(_("out of"), null=True, blank=True)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2, null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=ValueSource.choices, default=ValueSource.ENTERED)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["municipality", "indicator", "year"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "indicator", "year"], name="indicator_value_unique_year"),
            models.CheckConstraint(
                condition=models.Q(count__isnull=False) | models.Q(value__isnull=False),
                name="indicator_value_has_a_figure",
            ),
            models.CheckConstraint(
                condition=models.Q(denominator__isnull=True)
                | models.Q(count__isnull=True)
                | models.Q(count__lte=models.F("denominator")),
                name="indicator_value_count_within_denominator",
            ),
        ]
        indexes = [models.Index(fields=["indicator", "year"], name="indicator_value_by_year")]

    def __str__(self) -> str:
        return f"{self.municipality} {self.indicator.key} {self.year}"


class SourceType(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    MANAGER = "manager", _("Manager")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    PARTNER = "partner", _("Partner organisation")


class Observation(models.Model):
    """A qualitative observation (an interview quote, a remark), anonymised by role only."""

    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.CASCADE, related_name="observations"
    )
    area = models.CharField(_("quality area"), max_length=30, choices=Area.choices)
    source_type = models.CharField(_("said or written by"), max_length=20, choices=SourceType.choices)
    observed_on = PlausibleDateField(_("date"), bounds=validate_past_date)
    text = models.TextField(
        _("observation"), validators=[MaxLengthValidator(1500), validate_no_personal_identity_number]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["municipality", "-observed_on", "-pk"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")

    def __str__(self) -> str:
        return f"{self.municipality} {self.observed_on}"


class EffectVerdict(models.TextChoices):
    ASSOCIATION = "association", _("An association consistent with the coordinator")
    NONE_SEEN = "none_seen", _("No association that can be seen")
    PRE_TREND = "pre_trend", _("The trends differed before the start")
    TOO_LITTLE = "too_little", _("Too little data")


class EffectEstimate(models.Model):
    """The stored difference-in-differences estimate for one indicator and scope (ADR 0028).

    Computed by :func:`fridsam.statistics.effects.recompute_effects`, a system task, and only read
    by the pages. ``scope`` is a county's code or ``SE`` for every municipality. ``result`` holds
    aggregates only (``effects.Estimate.as_json``): no municipality's own figure or effect. No tenant
    key: what a viewer may read is decided by ``statistics.policies`` from the scope."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="effect_estimates")
    scope = models.CharField(_("scope"), max_length=10)
    verdict = models.CharField(_("verdict"), max_length=20, choices=EffectVerdict.choices)
    result = models.JSONField(_("result"), default=dict)
    input_digest = models.CharField(_("input digest"), max_length=64)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    class Meta:
        ordering = ["scope", "indicator"]
        verbose_name = _("effect estimate")
        verbose_name_plural = _("effect estimates")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "scope"], name="effect_estimate_unique_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.indicator.key}"


class FrozenYear(models.Model):
    """A municipality's year whose computed figures stay as they are: the records behind them
    were culled (ADR 0031), so recomputing them would count what is left, not what was."""

    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    frozen_at = models.DateTimeField(_("frozen"), default=timezone.now)

    objects = ScopedManager(municipality="municipality")

    class Meta:
        ordering = ["municipality", "year"]
        verbose_name = _("year with frozen computed figures")
        verbose_name_plural = _("years with frozen computed figures")
        constraints = [models.UniqueConstraint(fields=["municipality", "year"], name="statistics_frozen_year_once")]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}"


class KeyFigureReporting(models.Model):
    """Which of SKR's key figures a municipality reports (one, two or all three; ADR 0037). Without
    a row it reports all three; a key figure it does not report is "not applicable" in every export."""

    municipality = models.OneToOneField(
        "organisations.Municipality", on_delete=models.CASCADE, related_name="key_figure_reporting"
    )
    indicator_keys = models.JSONField(_("key figures reported"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ScopedManager(municipality="municipality")

    class Meta:
        verbose_name = _("key figures reported")
        verbose_name_plural = _("key figures reported")

    def __str__(self) -> str:
        return f"{self.municipality}: {', '.join(self.indicator_keys)}"

"""The follow-up record in SKR's SU-Kvinnofrid variable set (most of them from Socialstyrelsen's
SUV for violence), for benchmarking between municipalities: one row per adult victim's record,
numbered in the file only (no Fridsam number, no reference hash). The mapping, what Fridsam lacks
and why, is documented in docs/su-kvinnofrid.md (ADR 0038).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from fridsam.followup.models import GOAL_MET_REASONS, ClosureReason, FollowUpRecord, InterventionKind, ViolenceForm

YES, NO = "1", "0"  # the variables' own coding: 1 yes, 0 no, empty not known


@dataclass(frozen=True)
class Variable:
    code: str  # the column name in the file
    label: object
    value: Callable[[FollowUpRecord], object]


def _flag(condition: bool) -> str:
    return YES if condition else NO


def _form(form: str) -> Callable[[FollowUpRecord], str]:
    return lambda r: _flag(form in r.violence_forms)


def _intervention(kind: str) -> Callable[[FollowUpRecord], str]:
    return lambda r: _flag(any(i.kind == kind for i in r.interventions.all()))


def _nights(r: FollowUpRecord) -> int:
    return sum(i.quantity or 0 for i in r.interventions.all() if i.kind == InterventionKind.PROTECTED_HOUSING)


def _goal(r: FollowUpRecord) -> str:
    if not r.closed_on:
        return ""
    return {ClosureReason.GOALS_MET: "helt", ClosureReason.GOALS_PARTLY_MET: "delvis"}.get(
        r.closure_reason, "nej" if r.closure_reason not in GOAL_MET_REASONS else ""
    )


VARIABLES: list[Variable] = [
    Variable("kommun", _("Municipality code"), lambda r: r.municipality.code),
    Variable("aktualiserad", _("Actualised (date)"), lambda r: r.opened_on.isoformat()),
    Variable("aktualiseringsvag", _("Route in"), lambda r: r.route_in),
    Variable("kon", _("Sex"), lambda r: {"female": "K", "male": "M"}.get(r.sex, "")),
    Variable("aldersgrupp", _("Age band"), lambda r: r.age_band),
    Variable("relation", _("Relation to the person using violence"), lambda r: r.relation),
    Variable("vald_fysiskt", _("Physical violence"), _form(ViolenceForm.PHYSICAL)),
    Variable("vald_psykiskt", _("Psychological violence"), _form(ViolenceForm.PSYCHOLOGICAL)),
    Variable("vald_sexuellt", _("Sexual violence"), _form(ViolenceForm.SEXUAL)),
    Variable("vald_ekonomiskt", _("Economic violence"), _form(ViolenceForm.ECONOMIC)),
    Variable("vald_materiellt", _("Material violence"), _form(ViolenceForm.MATERIAL)),
    Variable("vald_forsummelse", _("Neglect"), _form(ViolenceForm.NEGLECT)),
    Variable("vald_digitalt", _("Digital violence"), _form(ViolenceForm.DIGITAL)),
    Variable("hederskontext", _("Honour-related violence"), _form(ViolenceForm.HONOUR)),
    Variable("skyddade_personuppgifter", _("Protected personal data"), lambda r: _flag(r.protected_identity)),
    Variable(
        "barn_i_hushallet",
        _("Children in the household"),
        lambda r: "" if r.children_in_household is None else r.children_in_household,
    ),
    Variable("polisanmalan", _("Reported to the police"), lambda r: {"yes": YES, "no": NO}.get(r.police_report, "")),
    Variable("riskbedomning", _("Risk assessment done"), lambda r: _flag(r.risk_assessed_on is not None)),
    Variable(
        "bedomningsmetod",
        _("Assessment method"),
        lambda r: r.risk_instrument.name if r.risk_instrument else ("samtal" if r.risk_assessed_on else ""),
    ),
    Variable("riskniva", _("Risk level"), lambda r: r.risk_level),
    Variable("insats_skyddat_boende", _("Protected housing"), _intervention(InterventionKind.PROTECTED_HOUSING)),
    Variable("vardygn_skyddat_boende", _("Nights in protected housing"), _nights),
    Variable("insats_stodsamtal", _("Support talks"), _intervention(InterventionKind.SUPPORT_TALKS)),
    Variable("insats_ekonomiskt_bistand", _("Economic aid"), _intervention(InterventionKind.ECONOMIC_AID)),
    Variable("insats_boende", _("Housing"), _intervention(InterventionKind.HOUSING)),
    Variable("insats_kvinnojour", _("Contact with a women's shelter"), _intervention(InterventionKind.WOMENS_SHELTER)),
    Variable("avslutad", _("Closed (date)"), lambda r: r.closed_on.isoformat() if r.closed_on else ""),
    Variable("avslutsorsak", _("Reason for closing"), lambda r: r.closure_reason),
    Variable("malet_uppnatt", _("Goal met (fully, partly, no)"), _goal),
    Variable("valdet_vid_avslut", _("The violence at closing"), lambda r: r.outcome),
    Variable("egen_bedomning", _("The person's own view"), lambda r: r.client_view),
]


def rows(records) -> tuple[list[str], list[list]]:
    """The file: a sequence number, then the variables, one row per record."""
    header = ["lopnummer", *(v.code for v in VARIABLES)]
    return header, [[n, *(v.value(r) for v in VARIABLES)] for n, r in enumerate(records, start=1)]

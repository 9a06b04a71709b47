"""The questions of Socialstyrelsen's yearly municipal survey on violence in close relationships
that Fridsam can answer from its own facts, each with the pre-fill that proposes an answer and
shows the evidence it rests on (ADR 0037).

:func:`gather` reads one municipality's facts on a day in a fixed number of queries (agreements,
routines in force, the competence plan, case follow-up counts over the last twelve months, the
public page); each question's ``prefill`` turns them into a :class:`Proposal`. A proposal is empty
when Fridsam does not hold the fact: the evidence then says what was looked for, and the
coordinator answers. The question texts follow the survey's wording (its Swedish is the
translation), and the export is always in Swedish, since it is copied into the survey.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from fridsam.collaboration.models import OPEN_COMPARISON_PARTIES, Agreement, AgreementParty
from fridsam.competence.models import Requirement
from fridsam.competence.selectors import current_plans
from fridsam.followup.models import (
    SCHOOLING_SECURED,
    Category,
    ClientView,
    FollowUpRecord,
    Intervention,
    InterventionKind,
)
from fridsam.opencomparisons.models import Reply
from fridsam.organisations.models import UnitType
from fridsam.public.models import PublishedPage
from fridsam.routines.models import Document

YES, NO, NONE = Reply.YES, Reply.NO, ""


@dataclass
class Proposal:
    answer: str  # Reply.YES, Reply.NO, or "" when Fridsam does not know
    evidence: list[str] = field(default_factory=list)
    document: Document | None = None  # the routine that answers a routine question


@dataclass
class Placements:
    with_children: int = 0
    children: int = 0
    own_decisions: int = 0
    schooling_secured: int = 0
    schooling_not_recorded: int = 0


@dataclass
class SurveyFacts:
    municipality: object
    as_of: datetime.date
    agreements: list = field(default_factory=list)
    routines: list = field(default_factory=list)  # documents in force, by title
    linked: dict = field(default_factory=dict)  # question → the routine named in an earlier year
    plan: object = None
    requirements: list = field(default_factory=list)
    records: int = 0
    risk_with_instrument: dict = field(default_factory=dict)  # instrument name → (records, is_demo)
    closed: int = 0
    closed_with_view: int = 0
    talks_for_persons_using_violence: int = 0
    programme_referrals: int = 0
    placements: Placements = field(default_factory=Placements)
    public_page: object = None


def survey_day(year: int, today: datetime.date) -> datetime.date:
    """The day a year's survey describes: today during the year, its last day afterwards."""
    return min(today, datetime.date(year, 12, 31))


def gather(municipality, as_of: datetime.date, *, linked: dict | None = None) -> SurveyFacts:
    facts = SurveyFacts(municipality=municipality, as_of=as_of, linked=linked or {})
    since = as_of - datetime.timedelta(days=365)
    facts.agreements = list(
        Agreement.objects.filter(municipality=municipality, approved_on__lte=as_of).order_by("party", "-approved_on")
    )
    facts.routines = list(
        Document.objects.filter(
            municipality=municipality, archived_at__isnull=True, current_version__isnull=False
        ).select_related("current_version")
    )
    facts.plan = current_plans([municipality.pk], as_of).get(municipality.pk)
    if facts.plan is not None:
        facts.requirements = list(Requirement.objects.filter(plan=facts.plan))
    records = FollowUpRecord.objects.filter(municipality=municipality, opened_on__gt=since, opened_on__lte=as_of)
    facts.records = records.count()
    for name, demo, n in (
        records.filter(risk_instrument__isnull=False)
        .values_list("risk_instrument__name", "risk_instrument__is_demo")
        .annotate(n=Count("id"))
        .order_by("risk_instrument__name")
    ):
        facts.risk_with_instrument[name] = (n, demo)
    closed = FollowUpRecord.objects.filter(municipality=municipality, closed_on__gt=since, closed_on__lte=as_of)
    counts = closed.aggregate(
        closed=Count("id"),
        with_view=Count("id", filter=~Q(client_view="") & ~Q(client_view=ClientView.NOT_RECORDED)),
    )
    facts.closed, facts.closed_with_view = counts["closed"], counts["with_view"]
    interventions = Intervention.objects.filter(municipality=municipality, started_on__gt=since, started_on__lte=as_of)
    counts = interventions.aggregate(
        talks=Count(
            "record_id",
            distinct=True,
            filter=Q(kind=InterventionKind.SUPPORT_TALKS, record__category=Category.PERSON_USING_VIOLENCE),
        ),
        programme=Count("record_id", distinct=True, filter=Q(kind=InterventionKind.PERPETRATOR_PROGRAMME)),
    )
    facts.talks_for_persons_using_violence, facts.programme_referrals = counts["talks"], counts["programme"]
    for children, own, schooling in interventions.filter(
        kind=InterventionKind.PROTECTED_HOUSING, children_placed__gt=0
    ).values_list("children_placed", "children_with_own_decision", "schooling"):
        p = facts.placements
        p.with_children += 1
        p.children += children
        p.own_decisions += own or 0
        p.schooling_secured += schooling in SCHOOLING_SECURED
        p.schooling_not_recorded += not schooling
    facts.public_page = PublishedPage.objects.filter(municipality=municipality).order_by("-version").first()
    return facts


# --- The pre-fills --------------------------------------------------------------------------------


def _agreement(party: str) -> Callable[[SurveyFacts], Proposal]:
    def prefill(f: SurveyFacts) -> Proposal:
        if not f.agreements:
            return Proposal(NONE, [str(_("The municipality has registered no written agreements in Fridsam."))])
        mine = [a for a in f.agreements if a.party == party]
        if not mine:
            return Proposal(NO, [str(_("No agreement with this partner is registered in Fridsam."))])
        evidence = [
            str(
                _("“%(title)s”, decided by %(by)s on %(on)s; last followed up %(followed)s; follow-up due %(due)s")
                % {
                    "title": a.title,
                    "by": a.approved_by,
                    "on": a.approved_on.isoformat(),
                    "followed": a.last_followed_up.isoformat() if a.last_followed_up else "–",
                    "due": a.follow_up_due().isoformat(),
                }
            )
            for a in mine
        ]
        if any(a.is_current(f.as_of) for a in mine):
            return Proposal(YES, evidence)
        if any(a.in_force(f.as_of) for a in mine):
            evidence.append(str(_("In force, but not followed up within 24 months.")))
        else:
            evidence.append(str(_("No longer in force.")))
        return Proposal(NO, evidence)

    return prefill


def _routine(question: str, *extra: Callable[[SurveyFacts], list[str]]) -> Callable[[SurveyFacts], Proposal]:
    def prefill(f: SurveyFacts) -> Proposal:
        evidence = [line for e in extra for line in e(f)]
        document = next((d for d in f.routines if d.pk == f.linked.get(question)), None)
        if document is None:
            titles = ", ".join(d.title for d in f.routines[:12]) or "–"
            evidence.insert(
                0,
                str(
                    _("Fridsam does not know which routine answers this; choose it. Routines in force: %(titles)s")
                    % {"titles": titles}
                ),
            )
            return Proposal(NONE, evidence)
        due = document.review_due
        evidence.insert(
            0,
            str(
                _("“%(title)s” (version %(version)s), named last time; review due %(due)s")
                % {
                    "title": document.title,
                    "version": document.current_version.number,
                    "due": due.isoformat() if due else "–",
                }
            ),
        )
        if due is not None and due >= f.as_of:
            return Proposal(YES, evidence, document)
        evidence.append(str(_("The routine is overdue for review: it is not current.")))
        return Proposal(NO, evidence, document)

    return prefill


def _placements_evidence(f: SurveyFacts) -> list[str]:
    p = f.placements
    if not p.with_children:
        return [str(_("No placement in protected housing with children in the last twelve months."))]
    return [
        str(
            ngettext(
                "%(n)s placement in protected housing with children in the last twelve months: %(children)s "
                "children, %(own)s with their own decision, schooling secured in %(secured)s.",
                "%(n)s placements in protected housing with children in the last twelve months: %(children)s "
                "children, %(own)s with their own decision, schooling secured in %(secured)s.",
                p.with_children,
            )
            % {"n": p.with_children, "children": p.children, "own": p.own_decisions, "secured": p.schooling_secured}
        )
    ]


def _plan_for(unit_type: str) -> Callable[[SurveyFacts], Proposal]:
    def prefill(f: SurveyFacts) -> Proposal:
        if f.plan is None:
            return Proposal(NO, [str(_("No approved competence development plan in force in Fridsam."))])
        own = [r.title for r in f.requirements if r.unit_type == unit_type]
        basic = [r.title for r in f.requirements if not r.unit_type]
        evidence = [
            str(_("Competence plan %(year)s, version %(version)s") % {"year": f.plan.year, "version": f.plan.version})
        ]
        if own:
            evidence.append(str(_("Requirements for these units: %(titles)s") % {"titles": ", ".join(own)}))
        if basic:
            evidence.append(str(_("Basic requirements for everyone: %(titles)s") % {"titles": ", ".join(basic)}))
        return Proposal(YES if own or basic else NO, evidence)

    return prefill


def _methods(f: SurveyFacts) -> Proposal:
    if not f.records:
        return Proposal(NONE, [str(_("No follow-up records in the last twelve months."))])
    evidence = [
        str(
            _("%(name)s, records assessed with it: %(n)s of %(records)s") % {"name": name, "n": n, "records": f.records}
        )
        + (f" ({_('demo instrument')})" if demo else "")
        for name, (n, demo) in f.risk_with_instrument.items()
    ]
    standard = [name for name, (_n, demo) in f.risk_with_instrument.items() if not demo]
    if standard:
        return Proposal(YES, evidence)
    if f.risk_with_instrument:
        evidence.append(str(_("Only demo instruments were used: they are not standardised methods.")))
    else:
        evidence.append(str(_("No risk assessment with an instrument registered in Fridsam.")))
    return Proposal(NONE, evidence)


def _web_languages(f: SurveyFacts) -> Proposal:
    if f.public_page is None:
        return Proposal(NONE, [str(_("The municipality has no published public page in Fridsam."))])
    return Proposal(
        NO,
        [
            str(
                _("Public page version %(version)s, published %(on)s, in Swedish only.")
                % {"version": f.public_page.version, "on": f.public_page.published_at.date().isoformat()}
            )
        ],
    )


def _support_talks(f: SurveyFacts) -> Proposal:
    paid = [a.title for a in f.agreements if a.party == AgreementParty.PERPETRATOR_PROGRAMME and a.in_force(f.as_of)]
    evidence = [
        str(
            _("Persons using violence with support talks in the last twelve months: %(n)s")
            % {"n": f.talks_for_persons_using_violence}
        ),
        str(_("Referrals to a programme in the last twelve months: %(n)s") % {"n": f.programme_referrals}),
    ]
    evidence += [str(_("Agreement in force: %(title)s") % {"title": t}) for t in paid]
    if f.talks_for_persons_using_violence or paid:
        return Proposal(YES, evidence)
    return Proposal(NONE, evidence)


def _group_followup(f: SurveyFacts) -> Proposal:
    evidence = [
        str(
            _("Records followed up in Fridsam in the last twelve months: %(n)s; closed: %(closed)s")
            % {"n": f.records, "closed": f.closed}
        )
    ]
    if not f.records:
        return Proposal(NONE, evidence)
    evidence.append(str(_("The figures are computed into the municipality's statistics and yearly report.")))
    return Proposal(YES, evidence)


def _client_views(f: SurveyFacts) -> Proposal:
    if not f.closed:
        return Proposal(NONE, [str(_("No record closed in the last twelve months."))])
    share = round(100 * f.closed_with_view / f.closed)
    evidence = [
        str(
            _("Closed records with the person's own view recorded: %(n)s of %(closed)s (%(share)s %%)")
            % {"n": f.closed_with_view, "closed": f.closed, "share": share}
        )
    ]
    return Proposal(YES if share >= 50 else NO, evidence)


# --- The question set ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    key: str
    number: str
    theme: str
    text: object  # a lazy translation
    prefill: Callable[[SurveyFacts], Proposal] = field(compare=False)
    routine: bool = False  # answered by naming a routine in force


# The partners as the survey names them.
PARTY_TEXT = {
    AgreementParty.WOMENS_SHELTER: _("a women's or girls' shelter"),
    AgreementParty.POLICE: _("the police"),
    AgreementParty.PRIMARY_CARE: _("primary care"),
    AgreementParty.PSYCHIATRY: _("adult psychiatry"),
    AgreementParty.EMERGENCY: _("an emergency department"),
    AgreementParty.YOUTH_CLINIC: _("a youth clinic"),
}

THEME_AGREEMENTS = _("Collaboration")
THEME_ROUTINES = _("Routines")
THEME_COMPETENCE = _("Competence")
THEME_METHODS = _("Methods and interventions")
THEME_INFORMATION = _("Information")
THEME_FOLLOW_UP = _("Follow-up")


class AgreementText:
    """The agreement question's text for one partner, translated when shown."""

    def __init__(self, party):
        self.party = party

    def __str__(self) -> str:
        return str(
            _(
                "Is there a current written agreement, decided at management level and followed up within the "
                "last 24 months, on collaboration in individual cases with %(party)s?"
            )
            % {"party": PARTY_TEXT[self.party]}
        )


QUESTIONS: list[Question] = [
    *(
        Question(f"agreement_{party}", f"1{letter}", THEME_AGREEMENTS, AgreementText(party), _agreement(party))
        for letter, party in zip("abcdef", OPEN_COMPARISON_PARTIES, strict=True)
    ),
    Question(
        "routine_schooling",
        "2",
        THEME_ROUTINES,
        _(
            "Is there a current written routine for how social workers secure schooling for children in "
            "protected housing?"
        ),
        _routine("routine_schooling", _placements_evidence),
        routine=True,
    ),
    Question(
        "routine_protected_data",
        "3",
        THEME_ROUTINES,
        _("Is there a current written routine for working so that protected personal data are not revealed?"),
        _routine("routine_protected_data"),
        routine=True,
    ),
    Question(
        "plan_children",
        "4a",
        THEME_COMPETENCE,
        _(
            "Is there a competence development plan on violence in close relationships for those who work "
            "with children?"
        ),
        _plan_for(UnitType.CHILDREN_AND_YOUNG_PEOPLE),
    ),
    Question(
        "plan_adults",
        "4b",
        THEME_COMPETENCE,
        _("Is there a competence development plan on violence in close relationships for those who work with adults?"),
        _plan_for(UnitType.ADULTS),
    ),
    Question(
        "methods_mapping_risk",
        "5",
        THEME_METHODS,
        _("Are standardised assessment methods used for mapping violence and for risk assessment?"),
        _methods,
    ),
    Question(
        "support_talks_perpetrators",
        "6",
        THEME_METHODS,
        _("Does the municipality offer support talks to persons who use violence in close relationships?"),
        _support_talks,
    ),
    Question(
        "web_languages",
        "7",
        THEME_INFORMATION,
        _("Is there information on support for victims on the municipality's website in its most common languages?"),
        _web_languages,
    ),
    Question(
        "group_followup",
        "8",
        THEME_FOLLOW_UP,
        _("Is there a systematic follow-up at group level of the interventions for victims, used to develop the work?"),
        _group_followup,
    ),
    Question(
        "client_views",
        "9",
        THEME_FOLLOW_UP,
        _("Are the victims' own experiences of the interventions followed up systematically?"),
        _client_views,
    ),
]

QUESTIONS_BY_KEY = {q.key: q for q in QUESTIONS}

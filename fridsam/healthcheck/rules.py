"""The evaluation's findings as rules.

Each rule reads like the finding it encodes: one function over a municipality's facts that
returns a verdict (good / attention / risk / unknown, or not applicable) with the evidence it
used, plus the passage of the evaluation it rests on. ``RULES`` is the list the pages, the county
matrix and the tests use.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, gettext_lazy, gettext_noop, ngettext

from fridsam.collaboration.models import OPEN_COMPARISON_PARTIES, AgreementParty
from fridsam.coordination.models import CombinedDuties, PlacementLevel
from fridsam.core.quality import Area
from fridsam.core.tenancy import current_scope
from fridsam.healthcheck.facts import MunicipalityFacts

# The texts of a batch of checks (the county matrix: 20 rules × up to 290 municipalities), each
# translated once for the batch rather than once per municipality; see one_language().
_batch_texts: ContextVar[dict[str, str] | None] = ContextVar("healthcheck_texts", default=None)


def _(message: str) -> str:
    """A verdict's text in the active language, at once: a verdict is made for the reader who asked
    for it (:func:`_v` made its texts strings there and then before). Within :func:`one_language`
    each text is translated once for the batch."""
    texts = _batch_texts.get()
    if texts is None:
        return gettext(message)
    text = texts.get(message)
    if text is None:
        text = texts[message] = gettext(message)
    return text


@contextlib.contextmanager
def one_language():
    """Evaluate a batch of checks in one language (the reader's, active throughout)."""
    token = _batch_texts.set({})
    try:
        yield
    finally:
        _batch_texts.reset(token)


class Status(models.TextChoices):
    GOOD = "good", gettext_lazy("Good")
    ATTENTION = "attention", gettext_lazy("Needs attention")
    RISK = "risk", gettext_lazy("Risk")
    UNKNOWN = "unknown", gettext_lazy("Unknown")
    NOT_APPLICABLE = "not_applicable", gettext_lazy("Not applicable")


SEVERITY = {Status.RISK: 3, Status.ATTENTION: 2, Status.UNKNOWN: 1, Status.GOOD: 0, Status.NOT_APPLICABLE: -1}


@dataclass(frozen=True)
class Source:
    chapter: str
    quote: str


@dataclass(frozen=True)
class Verdict:
    status: str
    explanation: str
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    id: str
    area: str
    title: str
    description: str
    source: Source
    check: Callable[[MunicipalityFacts], Verdict] = field(compare=False)
    needs: str = ""  # the capability whose data the rule waits for, if any

    def evaluate(self, facts: MunicipalityFacts) -> Verdict:
        return self.check(facts)


def _v(status, explanation, *evidence) -> Verdict:
    return Verdict(status, str(explanation), tuple(str(e) for e in evidence if e))


def _sees_cases(f: MunicipalityFacts) -> bool:
    """Does the reader see the municipality's case-level data (its own staff), or is the check
    read from outside (the county)? Counts derived from cases are then hidden when small, as the
    statistics hide them (ADR 0010, ADR 0017): a verdict's text must not say what a table shows
    as "..". Checks built outside a request (system tasks) see everything."""
    scope = current_scope()
    return scope is None or f.municipality.pk in scope.ids("case_municipality")


def _case_count(f: MunicipalityFacts, n: int) -> str:
    if n == 0 or n > settings.FRIDSAM_SUPPRESSION_THRESHOLD or _sees_cases(f):
        return str(n)
    return str(_("fewer than %(n)s") % {"n": settings.FRIDSAM_SUPPRESSION_THRESHOLD + 1})


def _plural_count(f: MunicipalityFacts, n: int) -> int:
    """The number that chooses the plural form for :func:`_case_count`'s text: a hidden count
    reads "fewer than 5", which takes the plural."""
    shown = _case_count(f, n)
    return n if shown == str(n) else settings.FRIDSAM_SUPPRESSION_THRESHOLD + 1


def _posts_evidence(facts):
    return [
        _("%(name)s: %(share)s %% of a post in %(municipality)s")
        % {"name": p.coordinator_name, "share": p.share_percent, "municipality": facts.municipality.name}
        for p in facts.posts
    ]


NO_COORDINATOR = gettext_noop("The municipality has no coordinator on this day.")  # translated by _() in each verdict


# --- The rules --------------------------------------------------------------------------------


def coordinator_exists(f: MunicipalityFacts) -> Verdict:
    if f.has_coordinator:
        return _v(
            Status.GOOD,
            _("The municipality has a named coordinator who keeps the question alive."),
            *_posts_evidence(f),
        )
    if f.team:
        return _v(
            Status.ATTENTION,
            _(
                "No coordinator: the violence team carries the work. Basic knowledge can be "
                "as good, but specialist knowledge and a named person are missing."
            ),
            _("Team: %(name)s") % {"name": f.team.team.name},
        )
    return _v(Status.RISK, _("Neither a coordinator nor a violence team: nobody holds the threads."))


def combined_case_handling(f: MunicipalityFacts) -> Verdict:
    if not f.has_coordinator:
        return _v(Status.NOT_APPLICABLE, _(NO_COORDINATOR))
    combined = [p for p in f.posts if p.post.combined_duties == CombinedDuties.CASE_HANDLING]
    if combined:
        return _v(
            Status.RISK,
            _("The post is combined with case handling: the acute cases eat up the strategic coordination."),
            *[
                _("%(name)s handles cases with %(share)s %% of the post")
                % {"name": p.coordinator_name, "share": p.post.combined_duties_percent}
                for p in combined
            ],
        )
    other = [p for p in f.posts if p.post.combined_duties == CombinedDuties.OTHER_STRATEGIC]
    if other:
        return _v(
            Status.GOOD,
            _("The part-time post is combined with other strategic work, which works well."),
            *_posts_evidence(f),
        )
    return _v(Status.GOOD, _("The coordinator has no case handling."), *_posts_evidence(f))


def thinly_shared(f: MunicipalityFacts) -> Verdict:
    if not f.has_coordinator:
        return _v(Status.NOT_APPLICABLE, _(NO_COORDINATOR))
    shared = [p for p in f.posts if p.municipalities_served > 1]
    share = f.coordinator_share_percent
    evidence = [
        ngettext(
            "%(name)s serves %(n)s municipality, %(share)s %% here",
            "%(name)s serves %(n)s municipalities, %(share)s %% here",
            p.municipalities_served,
        )
        % {"name": p.coordinator_name, "n": p.municipalities_served, "share": p.share_percent}
        for p in f.posts
    ]
    if shared and share <= 25:
        return _v(
            Status.RISK,
            _(
                "The post is shared thinly between municipalities: proximity to the social "
                "workers is hard to keep at this share."
            ),
            *evidence,
        )
    if shared or share < 50:
        return _v(
            Status.ATTENTION,
            _(
                "A part-time or shared post: agree on a modest level of ambition and "
                "regular presence (for example one day a week)."
            ),
            *evidence,
        )
    return _v(Status.GOOD, _("The coordinator has at least half a post in the municipality."), *evidence)


def strategic_distance(f: MunicipalityFacts) -> Verdict:
    if not f.has_coordinator:
        return _v(Status.NOT_APPLICABLE, _(NO_COORDINATOR))
    evidence = []
    close = any(p.post.consultation_support for p in f.posts)
    answers = f.questionnaire or {}
    split = answers.get("time_split")
    if isinstance(split, dict):
        near = (split.get("individual") or 0) + (split.get("client") or 0)
        evidence.append(
            _("Questionnaire %(year)s: %(near)s %% of the time at individual level or with clients")
            % {"year": f.questionnaire_year, "near": near}
        )
        if near == 0:
            close = False
    for p in f.posts:
        evidence.append(
            _("%(name)s gives case support: %(yes)s")
            % {"name": p.coordinator_name, "yes": _("yes") if p.post.consultation_support else _("no")}
        )
    if close:
        return _v(
            Status.GOOD, _("The coordinator is a sounding board for the social workers in difficult cases."), *evidence
        )
    return _v(
        Status.RISK,
        _(
            "A purely strategic role without contact with the social workers: it has less effect "
            "on their knowledge, on legal certainty and on internal coordination."
        ),
        *evidence,
    )


def role_description(f: MunicipalityFacts) -> Verdict:
    if not f.has_coordinator:
        return _v(Status.NOT_APPLICABLE, _(NO_COORDINATOR))
    worst, evidence = Status.GOOD, []
    for p in f.posts:
        d = p.role_description
        if d is None:
            worst = Status.RISK
            evidence.append(_("%(name)s: no written role description") % {"name": p.coordinator_name})
        elif not d.is_approved:
            worst = max(worst, Status.ATTENTION, key=SEVERITY.get)
            evidence.append(
                _("%(name)s: role description of %(date)s not approved")
                % {"name": p.coordinator_name, "date": d.written_at.date().isoformat()}
            )
        elif d.approved_on < f.as_of - datetime.timedelta(days=3 * 365):
            worst = max(worst, Status.ATTENTION, key=SEVERITY.get)
            evidence.append(
                _("%(name)s: approved %(date)s, more than three years ago")
                % {"name": p.coordinator_name, "date": d.approved_on.isoformat()}
            )
        else:
            evidence.append(
                _("%(name)s: approved %(date)s by %(by)s")
                % {
                    "name": p.coordinator_name,
                    "date": d.approved_on.isoformat(),
                    "by": d.approved_by.get_full_name() if d.approved_by else "–",
                }
            )
    texts = {
        Status.GOOD: _(
            "The role is written down and approved: colleagues and partners can know what the coordinator is for."
        ),
        Status.ATTENTION: _("The role description needs approval or review."),
        Status.RISK: _(
            "An unclear role: without a role description colleagues do not know what to use the coordinator for."
        ),
    }
    return _v(worst, texts[worst], *evidence)


def management_group_seat(f: MunicipalityFacts) -> Verdict:
    if not f.has_coordinator:
        return _v(Status.NOT_APPLICABLE, _(NO_COORDINATOR))
    seated = [p for p in f.posts if p.management_group_seat]
    evidence = [
        _("%(name)s: seat in the management group: %(yes)s")
        % {"name": p.coordinator_name, "yes": _("yes") if p.management_group_seat else _("no")}
        for p in f.posts
    ]
    if seated:
        return _v(
            Status.GOOD,
            _("A seat in the management group gives the coordinator a mandate across the whole department."),
            *evidence,
        )
    return _v(Status.ATTENTION, _("No seat in the management group: the coordinator's mandate is weaker."), *evidence)


def expert_team(f: MunicipalityFacts) -> Verdict:
    if f.team is None:
        if f.has_coordinator:
            return _v(
                Status.RISK,
                _("No violence team: the work depends on one person and stops when the coordinator leaves or is away."),
            )
        return _v(Status.RISK, _("No violence team and no coordinator."))
    team = f.team
    evidence = [
        _("%(name)s, led by %(leader)s, meets: %(rhythm)s")
        % {
            "name": team.team.name,
            "leader": team.team.leader.get_full_name(),
            "rhythm": team.team.get_meeting_rhythm_display(),
        },
        ngettext(
            "%(covered)s of %(units)s unit represented", "%(covered)s of %(units)s units represented", len(f.unit_ids)
        )
        % {"covered": len(f.unit_ids & team.member_unit_ids), "units": len(f.unit_ids)},
    ]
    coordinator_ids = {p.post.coordinator_id for p in f.posts}
    if coordinator_ids and not (coordinator_ids & team.member_user_ids):
        return _v(
            Status.ATTENTION,
            _(
                "The team lives separately from the coordinator: the coordinator should own "
                "the team, call its meetings and lead its work."
            ),
            *evidence,
        )
    if f.uncovered_unit_ids:
        return _v(
            Status.ATTENTION,
            _("The team does not cover all units: some units have no specialist of their own."),
            *evidence,
        )
    return _v(
        Status.GOOD,
        _("A team with members from every unit spreads the knowledge and makes the work less dependent on one person."),
        *evidence,
    )


def deputy_contact(f: MunicipalityFacts) -> Verdict:
    if not f.has_coordinator:
        if f.team:
            return _v(
                Status.ATTENTION,
                _("No coordinator: partners' entry point is the team leader, %(leader)s.")
                % {"leader": f.team.team.leader.get_full_name()},
            )
        return _v(Status.RISK, _("Partners have no entry point into the municipality."))
    evidence, worst = [], Status.GOOD
    for p in f.posts:
        if p.post.deputy_id:
            evidence.append(
                _("%(name)s's deputy: %(deputy)s")
                % {"name": p.coordinator_name, "deputy": p.post.deputy.get_full_name()}
            )
        else:
            worst = Status.RISK if p.absence else max(worst, Status.ATTENTION, key=SEVERITY.get)
            evidence.append(_("%(name)s has no deputy") % {"name": p.coordinator_name})
        if p.absence:
            evidence.append(
                _("%(name)s is away (%(kind)s) until %(date)s")
                % {"name": p.coordinator_name, "kind": p.absence.get_kind_display(), "date": p.absence.end_date}
            )
    texts = {
        Status.GOOD: _("A named deputy takes over as entry point during absences."),
        Status.ATTENTION: _("No deputy: partners lose their entry point when the coordinator is away."),
        Status.RISK: _("The coordinator is away and nobody stands in: partners have no entry point now."),
    }
    return _v(worst, texts[worst], *evidence)


def placement_fits_role(f: MunicipalityFacts) -> Verdict:
    if not f.has_coordinator:
        return _v(Status.NOT_APPLICABLE, _(NO_COORDINATOR))
    worst, evidence = Status.GOOD, []
    for p in f.posts:
        level = p.post.placement_level
        evidence.append(
            _("%(name)s is placed: %(level)s")
            % {"name": p.coordinator_name, "level": p.post.get_placement_level_display()}
        )
        if level == PlacementLevel.UNIT:
            status = Status.RISK if p.post.combined_duties == CombinedDuties.CASE_HANDLING else Status.ATTENTION
        elif level == PlacementLevel.MUNICIPALITY_WIDE and p.post.consultation_support is False:
            status = Status.ATTENTION
        else:
            status = Status.GOOD
        worst = max(worst, status, key=SEVERITY.get)
    texts = {
        Status.GOOD: _("The placement fits the role."),
        Status.ATTENTION: _(
            "The placement and the role pull apart: placed at one unit the coordinator is seen as "
            "that unit's; placed far from the social workers, the work may not reach them."
        ),
        Status.RISK: _(
            "Placed at a unit and handling cases there: the coordinator can hardly reach beyond the own unit."
        ),
    }
    return _v(worst, texts[worst], *evidence)


def team_only_basic_knowledge(f: MunicipalityFacts) -> Verdict:
    if f.has_coordinator or f.team is None:
        return _v(Status.NOT_APPLICABLE, _("Applies to municipalities that work with a team instead of a coordinator."))
    if f.uncovered_unit_ids:
        return _v(
            Status.ATTENTION,
            _("The team model spreads basic knowledge only where units take part."),
            ngettext("%(n)s unit without a team member", "%(n)s units without a team member", len(f.uncovered_unit_ids))
            % {"n": len(f.uncovered_unit_ids)},
        )
    return _v(
        Status.GOOD,
        _("The team model gives shared basic knowledge and a systematic, uniform way of handling violence cases."),
        _("All units take part in the team"),
    )


def team_only_specialist_and_entry(f: MunicipalityFacts) -> Verdict:
    if f.has_coordinator or f.team is None:
        return _v(Status.NOT_APPLICABLE, _("Applies to municipalities that work with a team instead of a coordinator."))
    return _v(
        Status.RISK,
        _(
            "Without a coordinator there is no specialist who keeps the municipality up to date, "
            "and partners find no named person: name the team leader as entry point and follow "
            "regional meetings."
        ),
        _("Team leader: %(leader)s") % {"leader": f.team.team.leader.get_full_name()},
    )


def questionnaire_answered(f: MunicipalityFacts) -> Verdict:
    if not f.has_coordinator:
        return _v(Status.NOT_APPLICABLE, _(NO_COORDINATOR))
    if f.questionnaire_year is None:
        return _v(Status.UNKNOWN, _("The coordinator has not answered the yearly questionnaire yet."))
    if f.questionnaire_year >= f.as_of.year - 1:
        return _v(
            Status.GOOD,
            _("The coordinator's yearly questionnaire is up to date."),
            _("Latest answers: %(year)s") % {"year": f.questionnaire_year},
        )
    return _v(
        Status.ATTENTION,
        _("The coordinator's yearly questionnaire is out of date."),
        _("Latest answers: %(year)s") % {"year": f.questionnaire_year},
    )


def consultations_used(f: MunicipalityFacts) -> Verdict:
    c = f.consultations
    if c is None:
        return _v(Status.UNKNOWN, _("The municipality does not use case follow-up and consultations in Fridsam yet."))
    silent = sorted(name for name in f.unit_names.values() if name not in c.per_unit)
    if _sees_cases(f):
        per_unit = [
            ngettext("%(unit)s: %(n)s question", "%(unit)s: %(n)s questions", n) % {"unit": name, "n": n}
            for name, n in sorted(c.per_unit.items())
        ]
    else:
        # From outside, the units that asked without their counts: with the total, the counts of
        # all units but one would give away the last.
        per_unit = [_("Units that asked: %(units)s") % {"units": ", ".join(sorted(c.per_unit))}] if c.per_unit else []
    evidence = [
        _("Questions in the last twelve months: %(n)s") % {"n": _case_count(f, c.asked)},
        *per_unit,
        _("Units that asked nothing: %(units)s") % {"units": ", ".join(silent)} if silent else "",
    ]
    if c.asked == 0:
        return _v(
            Status.ATTENTION,
            _("No social worker asked the coordinator or the team about a difficult case in the last twelve months."),
            *evidence,
        )
    answered = c.asked - c.unanswered
    if _sees_cases(f):
        evidence.append(
            _("Answered within two days: %(fast)s of %(n)s") % {"fast": c.answered_within_two_days, "n": c.asked}
        )
    if c.answered_within_two_days < 0.8 * c.asked:
        return _v(
            Status.ATTENTION,
            _("Social workers ask, but many questions wait more than two days for an answer."),
            *evidence,
        )
    if c.asked < 6:
        return _v(
            Status.ATTENTION,
            ngettext(
                "Social workers rarely use the coordinator or the team as a sounding board (%(n)s question in a year).",
                "Social workers rarely use the coordinator or the team as a sounding board "
                "(%(n)s questions in a year).",
                _plural_count(f, c.asked),
            )
            % {"n": _case_count(f, c.asked)},
            *evidence,
        )
    return _v(
        Status.GOOD,
        ngettext(
            "Social workers use the coordinator or the team as a sounding board and get answers quickly "
            "(%(answered)s answered).",
            "Social workers use the coordinator or the team as a sounding board and get answers quickly "
            "(%(answered)s answered).",
            _plural_count(f, answered),
        )
        % {"answered": _case_count(f, answered)},
        *evidence,
    )


def staff_trained(f: MunicipalityFacts) -> Verdict:
    t = f.training
    if t is None:
        return _v(Status.UNKNOWN, _("The municipality has no approved competence development plan in Fridsam."))
    evidence = [
        _("Competence plan %(plan)s") % {"plan": t.plan_label},
        ngettext(
            "Basic training completed: %(completed)s of %(due)s due",
            "Basic training completed: %(completed)s of %(due)s due",
            t.completed + t.overdue,
        )
        % {"completed": t.completed, "due": t.completed + t.overdue},
        _("Overdue: %(n)s") % {"n": t.overdue},
        _("Not yet due (new staff): %(n)s") % {"n": t.not_yet_due},
    ]
    percent = f.training_coverage_percent
    if percent is None or percent >= 90:
        return _v(Status.GOOD, _("Staff complete the basic training of the competence plan on time."), *evidence)
    if percent >= 70:
        return _v(
            Status.ATTENTION,
            _("%(percent)s %% of the basic training due is completed.") % {"percent": round(percent)},
            *evidence,
        )
    return _v(
        Status.RISK,
        _("Only %(percent)s %% of the basic training due is completed.") % {"percent": round(percent)},
        *evidence,
    )


def routines_up_to_date(f: MunicipalityFacts) -> Verdict:
    r = f.routines
    if r is None:
        return _v(Status.UNKNOWN, _("The municipality has no routines or handbooks in force in Fridsam."))
    evidence = [
        _("In force: %(n)s, reviewed on time: %(on_time)s") % {"n": r.in_force, "on_time": r.on_time},
        _("Review overdue: %(titles)s") % {"titles": ", ".join(r.overdue_titles)} if r.overdue_titles else "",
    ]
    percent = f.routines_reviewed_percent
    if percent >= 90:
        return _v(Status.GOOD, _("Routines and handbooks are reviewed on time."), *evidence)
    if percent >= 60:
        return _v(
            Status.ATTENTION,
            ngettext(
                "%(n)s routine or handbook is overdue for review.",
                "%(n)s routines or handbooks are overdue for review.",
                r.in_force - r.on_time,
            )
            % {"n": r.in_force - r.on_time},
            *evidence,
        )
    return _v(
        Status.RISK,
        _("Most routines and handbooks are overdue for review (%(n)s of %(total)s).")
        % {"n": r.in_force - r.on_time, "total": r.in_force},
        *evidence,
    )


# --- The rule list ----------------------------------------------------------------------------


def agreements_current(f: MunicipalityFacts) -> Verdict:
    c = f.collaboration
    if c is None:
        return _v(Status.UNKNOWN, _("The municipality has registered no written agreements in Fridsam."))
    labels = dict(AgreementParty.choices)

    def names(parties):
        return ", ".join(str(labels[p]) for p in OPEN_COMPARISON_PARTIES if p in parties)

    missing = set(OPEN_COMPARISON_PARTIES) - c.current_parties - c.overdue_parties
    evidence = [
        _("Current: %(parties)s") % {"parties": names(c.current_parties) or "–"},
        _("Follow-up overdue: %(parties)s") % {"parties": names(c.overdue_parties)} if c.overdue_parties else "",
        _("No agreement: %(parties)s") % {"parties": names(missing)} if missing else "",
    ]
    n = len(c.current_parties)
    if n == len(OPEN_COMPARISON_PARTIES):
        return _v(Status.GOOD, _("Current written agreements with all six partners."), *evidence)
    if n == 0:
        return _v(Status.RISK, _("No current written agreement with any of the six partners."), *evidence)
    return _v(
        Status.ATTENTION,
        _("Current written agreements with %(n)s of the six partners.") % {"n": n},
        *evidence,
    )


def paid_programme_used(f: MunicipalityFacts) -> Verdict:
    c = f.collaboration
    if c is None:
        return _v(Status.UNKNOWN, _("The municipality has registered no written agreements in Fridsam."))
    if not c.paid_programmes:
        return _v(Status.NOT_APPLICABLE, _("The municipality pays for no programme for persons using violence."))
    evidence = [_("Paid agreement: %(title)s") % {"title": t} for t in c.paid_programmes]
    evidence.append(
        _("Referrals to the programme in the last twelve months: %(n)s") % {"n": _case_count(f, c.programme_referrals)}
    )
    if c.programme_referrals == 0:
        return _v(
            Status.RISK,
            _("The municipality pays for a programme for persons using violence but referred nobody to it in a year."),
            *evidence,
        )
    return _v(Status.GOOD, _("The municipality refers people to the programme it pays for."), *evidence)


def _survey_unknown(f: MunicipalityFacts) -> Verdict | None:
    if f.open_comparisons is None:
        return _v(Status.UNKNOWN, _("The open comparisons survey has not been confirmed in Fridsam."))
    return None


def _survey_answer(f: MunicipalityFacts, key: str, label) -> str:
    answer = f.open_comparisons.get(key)
    said = {"yes": _("yes"), "no": _("no")}.get(answer, "–")
    return _("Open comparisons %(year)s, %(question)s: %(answer)s") % {
        "year": f.open_comparisons_year,
        "question": label,
        "answer": said,
    }


def protected_housing_schooling(f: MunicipalityFacts) -> Verdict:
    p = f.placements
    routine = f.open_comparisons.get("routine_schooling") if f.open_comparisons is not None else None
    evidence = []
    if f.open_comparisons is not None:
        evidence.append(_survey_answer(f, "routine_schooling", _("a routine for schooling in protected housing")))
    if p is not None:
        evidence.append(
            _("Placements with children in the last twelve months: %(n)s; children placed: %(children)s")
            % {"n": _case_count(f, p.with_children), "children": _case_count(f, p.children)}
        )
        if p.without_own_decision:
            evidence.append(
                _("Children placed without their own decision: %(n)s") % {"n": _case_count(f, p.without_own_decision)}
            )
        if p.schooling_not_secured:
            evidence.append(
                _("Placements whose schooling is not secured: %(n)s") % {"n": _case_count(f, p.schooling_not_secured)}
            )
    if p is None and routine is None:
        return _v(Status.UNKNOWN, _("Fridsam knows neither the placements nor the routine for schooling."))
    if p is not None and (p.without_own_decision or p.schooling_not_secured):
        return _v(
            Status.RISK,
            _("Children are placed in protected housing without their own decision or without secured schooling."),
            *evidence,
        )
    if routine != "yes":
        return _v(
            Status.ATTENTION,
            _("No current written routine for securing the schooling of children in protected housing."),
            *evidence,
        )
    return _v(
        Status.GOOD,
        _("A current routine secures the schooling of children in protected housing, and the placements follow it."),
        *evidence,
    )


def systematic_follow_up(f: MunicipalityFacts) -> Verdict:
    unknown = _survey_unknown(f)
    if unknown:
        return unknown
    group = f.open_comparisons.get("group_followup")
    views = f.open_comparisons.get("client_views")
    evidence = [
        _survey_answer(f, "group_followup", _("systematic follow-up at group level")),
        _survey_answer(f, "client_views", _("the clients' own views")),
    ]
    if group == "yes" and views == "yes":
        return _v(Status.GOOD, _("The work is followed up systematically, with the clients' own views."), *evidence)
    if group == "yes":
        return _v(Status.ATTENTION, _("Followed up at group level, but without the clients' own views."), *evidence)
    return _v(Status.RISK, _("No systematic follow-up at group level of the work with victims."), *evidence)


def competence_plans(f: MunicipalityFacts) -> Verdict:
    unknown = _survey_unknown(f)
    if unknown:
        return unknown
    children = f.open_comparisons.get("plan_children")
    adults = f.open_comparisons.get("plan_adults")
    evidence = [
        _survey_answer(f, "plan_children", _("a competence plan for work with children")),
        _survey_answer(f, "plan_adults", _("a competence plan for work with adults")),
    ]
    if children == "yes" and adults == "yes":
        return _v(Status.GOOD, _("Competence plans for those who work with children and with adults."), *evidence)
    if children == "yes" or adults == "yes":
        return _v(Status.ATTENTION, _("A competence plan for only one of the two groups."), *evidence)
    return _v(Status.RISK, _("No competence development plan for those who work with violence."), *evidence)


RULES: list[Rule] = [
    Rule(
        "HK01",
        Area.COORDINATION,
        gettext_lazy("A named coordinator"),
        gettext_lazy("Is there a coordinator who holds the threads, drives and gathers the actors?"),
        Source("Sammanfattning", "Samordnarna fungerar som en blåslampa som ser till att frågan inte glöms bort."),
        coordinator_exists,
    ),
    Rule(
        "HK02",
        Area.EFFICIENCY,
        gettext_lazy("Not combined with case handling"),
        gettext_lazy("A post combined with handling client cases loses its strategic work to the acute cases."),
        Source(
            "Förklaringar till varför alla inte lyckas lika bra – Det fungerar inte att kombinera "
            "samordnartjänsten med handläggning",
            "Socialsekreterarrollen äter ju upp den här samordnarrollen.",
        ),
        combined_case_handling,
    ),
    Rule(
        "HK03",
        Area.PROXIMITY,
        gettext_lazy("Not shared too thinly"),
        gettext_lazy("A post shared between several municipalities at a small share makes proximity hard to keep."),
        Source(
            "Förklaringar till varför alla inte lyckas lika bra – Utmanande att dela på samordnare",
            "Det är svårt att hinna med den verksamhetsnära kontakten om man ska arbeta i tre kommuner.",
        ),
        thinly_shared,
    ),
    Rule(
        "HK04",
        Area.PROXIMITY,
        gettext_lazy("Close to the social workers"),
        gettext_lazy("A purely strategic role without contact with the social workers has less effect on their work."),
        Source(
            "Förklaringar till varför alla inte lyckas lika bra – En strategisk roll minskar effekten på "
            "socialtjänstens arbete",
            "Risken blir att det samordnaren gör är frikopplat från den verklighet som socialsekreterarna lever i.",
        ),
        strategic_distance,
    ),
    Rule(
        "HK05",
        Area.RIGHT_PERSON,
        gettext_lazy("A clear, approved role"),
        gettext_lazy(
            "A written and approved role description says what the coordinator is for and what colleagues can "
            "use the coordinator for."
        ),
        Source(
            "Förklaringar till varför alla inte lyckas lika bra – Otydlig roll i många kommuner försvårar",
            "Vi behöver veta vad samordnarens uppgifter är och vad man kan använda samordnaren till.",
        ),
        role_description,
    ),
    Rule(
        "HK06",
        Area.MANAGEMENT,
        gettext_lazy("A seat in the management group"),
        gettext_lazy("Coordinators who sit in the management group generally have a stronger mandate."),
        Source(
            "Framgångsfaktorer för att lyckas – Stöd från ledningen och ingå i chefsgruppen",
            "De kvinnofridssamordnare som sitter med i chefsgruppen på individ- och familjeomsorgen, har "
            "generellt ett starkare mandat.",
        ),
        management_group_seat,
    ),
    Rule(
        "HK07",
        Area.EXPERT_TEAM,
        gettext_lazy("A team of experts from all units"),
        gettext_lazy(
            "A team with members from every unit, owned by the coordinator, makes the work less person-dependent."
        ),
        Source(
            "Framgångsfaktorer för att lyckas – Team med experter från olika enheter",
            "Det blir mindre sårbart att få ut kunskapen i organisationen. Det är inte Pelle eller Anna som "
            "sitter med i gruppen, utan det är funktionen.",
        ),
        expert_team,
    ),
    Rule(
        "HK08",
        Area.ACCESSIBILITY,
        gettext_lazy("A deputy as entry point"),
        gettext_lazy("Partners need a named entry point also when the coordinator is on leave."),
        Source(
            "Det viktigaste för externa parter är att ha en kontaktpunkt",
            "Om ingen håller i det kommer det inte ärenden.",
        ),
        deputy_contact,
    ),
    Rule(
        "HK09",
        Area.COORDINATION,
        gettext_lazy("Placement fits the role"),
        gettext_lazy("Placement in the organisation must match what the coordinator is meant to do."),
        Source(
            "Placeringen i organisationen måste hänga ihop med rollen",
            "Resultaten från Västmanland tyder snarare på att placeringen behöver anpassas till samordnarens roll.",
        ),
        placement_fits_role,
    ),
    Rule(
        "HK10",
        Area.KNOWLEDGE,
        gettext_lazy("Team model: shared basic knowledge"),
        gettext_lazy(
            "Municipalities without a coordinator can reach good basic knowledge through a team from all units."
        ),
        Source(
            "Kommunerna utan kvinnofridssamordnare har grundkunskap och intern samordning",
            "De två kommunerna som inte har någon kvinnofridssamordnare har spridit en grundkunskap om våld "
            "i nära relationer i kommunen.",
        ),
        team_only_basic_knowledge,
    ),
    Rule(
        "HK11",
        Area.ACCESSIBILITY,
        gettext_lazy("Team model: specialist and entry point"),
        gettext_lazy(
            "Without a coordinator the municipality lacks specialist knowledge and a named person for partners."
        ),
        Source(
            "Sammanfattning",
            "Det är också svårare för externa aktörer att få kontakt med kommunen, eftersom det inte finns "
            "någon utpekad person med ansvar för våldsfrågor.",
        ),
        team_only_specialist_and_entry,
    ),
    Rule(
        "HK12",
        Area.EFFICIENCY,
        gettext_lazy("Yearly questionnaire answered"),
        gettext_lazy("The coordinator's yearly questionnaire (the evaluation's Bilaga 2) keeps the picture current."),
        Source(
            "Bilaga 2 – Enkätfrågor till kvinnofridssamordnarna",
            "Hur stor andel av din tjänst går åt till samordning på strategisk nivå, samordning på "
            "individnivå, direktarbete med klient?",
        ),
        questionnaire_answered,
    ),
    Rule(
        "HK13",
        Area.KNOWLEDGE,
        gettext_lazy("Staff trained"),
        gettext_lazy("Share of staff who have completed the basic training required by the competence plan."),
        Source(
            "Kunskapsbaserad verksamhet",
            "Kvinnofridssamordnarna bidrar främst till att höja kvaliteten genom ökad kunskap om våld i "
            "nära relationer bland de anställda i kommunen.",
        ),
        staff_trained,
    ),
    Rule(
        "HK14",
        Area.SAFETY,
        gettext_lazy("Routines and handbooks up to date"),
        gettext_lazy(
            "Routines and handbooks that are reviewed on time give social workers security and clients legal certainty."
        ),
        Source(
            "Sammanfattning",
            "Tryggheten bland socialsekreterarna ökar också med rutiner och handböcker som "
            "kvinnofridssamordnarna tar fram.",
        ),
        routines_up_to_date,
    ),
    Rule(
        "HK15",
        Area.PROXIMITY,
        gettext_lazy("Consultations used"),
        gettext_lazy("Social workers use the coordinator or team as a sounding board in difficult cases."),
        Source(
            "Framgångsfaktorer för att lyckas – Närhet till socialsekreterarna",
            "I de kommuner där socialsekreterarna kan använda kvinnofridssamordnaren som stöd, är det en av de "
            "viktigaste anledningarna till att de tycker de har bättre kunskap.",
        ),
        consultations_used,
    ),
    Rule(
        "HK16",
        Area.COORDINATION,
        gettext_lazy("Written agreements with the six partners"),
        gettext_lazy(
            "Written agreements, decided at management level and followed up within 24 months, with the women's "
            "shelter, the police, primary care, psychiatry, the emergency department and the youth clinic."
        ),
        Source(
            "Lokala samverkansgrupper",
            "I dagsläget kan jag inte se något resultat av den lokala samverkansgruppen. Där behövs syftet "
            "förtydligas – vad är meningen med den? Eller möts vi bara för mötandets skull?",
        ),
        agreements_current,
    ),
    Rule(
        "HK17",
        Area.EFFICIENCY,
        gettext_lazy("Referrals to the programme the municipality pays for"),
        gettext_lazy("A municipality that pays for a programme for persons using violence also refers people to it."),
        Source(
            "Kvalitetshöjning i kommunen",
            "De visste inte ens att de betalade för mig innan de fick samordnaren på plats.",
        ),
        paid_programme_used,
    ),
    Rule(
        "HK18",
        Area.SAFETY,
        gettext_lazy("Children in protected housing: own decision and schooling"),
        gettext_lazy(
            "Since 1 April 2024 a child placed with a parent in protected housing gets a decision of its own, and "
            "the social services secure the child's schooling by a current routine (open comparisons)."
        ),
        Source(
            "Samordnarna kan bidra med ”det lilla extra” för individen",
            "Ett exempel är extra stöd till barn som följer med sin våldsutsatta förälder på skyddat boende.",
        ),
        protected_housing_schooling,
    ),
    Rule(
        "HK19",
        Area.EFFICIENCY,
        gettext_lazy("Systematic follow-up, with the clients' views"),
        gettext_lazy(
            "The work is followed up at group level and used to develop it, with the clients' own views (the "
            "municipality's confirmed answers to the open comparisons)."
        ),
        Source(
            "Alla kartlägger och analyserar, men på olika sätt",
            "Så att det inte bara blir en känsla att vi blir bättre utan att det ska synas, eller synas att det "
            "inte blir bättre.",
        ),
        systematic_follow_up,
    ),
    Rule(
        "HK20",
        Area.KNOWLEDGE,
        gettext_lazy("Competence plans for work with children and with adults"),
        gettext_lazy(
            "A plan for the competence development of those who work with children and of those who work with "
            "adults (the municipality's confirmed answers to the open comparisons)."
        ),
        Source(
            "Samordnarna bidrar till ökad kunskap om våld",
            "Det innebär också att det finns en plan för handläggarnas kompetensutveckling som utgår från deras "
            "behov och kunskapsnivå.",
        ),
        competence_plans,
    ),
]


RULES_BY_ID = {rule.id: rule for rule in RULES}

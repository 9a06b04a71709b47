"""Rule by rule: each finding's good / attention / risk / unknown (and not applicable) cases.

The facts are built in memory (unsaved model instances), so these tests need no database.
"""

import datetime

from fridsam.accounts.models import User
from fridsam.coordination.models import Absence, CoordinatorPost, RoleDescription, Team
from fridsam.healthcheck.facts import MunicipalityFacts, PostFacts, TeamFacts
from fridsam.healthcheck.rules import RULES, RULES_BY_ID, Status
from fridsam.organisations.models import Municipality

TODAY = datetime.date(2026, 11, 26)


def person(pk, name="Anna Lind"):
    first, last = name.split()
    return User(pk=pk, username=f"u{pk}", first_name=first, last_name=last)


def post_facts(
    *,
    share=100,
    served=1,
    combined="none",
    combined_percent=None,
    support=True,
    seat=True,
    deputy=True,
    placement="ifo",
    description="approved",
    approved_on=datetime.date(2025, 1, 1),
    absent=False,
    questionnaire=None,
):
    post = CoordinatorPost(
        pk=1,
        coordinator=person(1),
        start_date=datetime.date(2020, 1, 1),
        placement_level=placement,
        combined_duties=combined,
        combined_duties_percent=combined_percent,
        consultation_support=support,
        deputy=person(2, "Oskar Wall") if deputy else None,
    )
    rd = None
    if description:
        rd = RoleDescription(
            post=post,
            purpose="p",
            goals="g",
            tasks="t",
            colleague_use="c",
            written_at=datetime.datetime(2024, 12, 1, tzinfo=datetime.UTC),
        )
        if description == "approved":
            rd.approved_on, rd.approved_by = approved_on, person(3, "Lars Öberg")
    absence = Absence(post=post, kind="parental_leave", start_date=TODAY, end_date=TODAY) if absent else None
    return PostFacts(
        post=post,
        share_percent=share,
        management_group_seat=seat,
        municipalities_served=served,
        total_share_percent=share * served,
        role_description=rd,
        absence=absence,
    )


def facts(*, posts=(), team=None, units=(1, 2, 3), questionnaire=None, questionnaire_year=None):
    return MunicipalityFacts(
        municipality=Municipality(pk=1, code="9901", name="Åstad"),
        as_of=TODAY,
        posts=list(posts),
        team=team,
        unit_ids=set(units),
        questionnaire=questionnaire,
        questionnaire_year=questionnaire_year,
    )


def team(*, units=(1, 2, 3), members=(1, 4), leader=1):
    t = Team(
        pk=1,
        name="VINR-teamet",
        leader=person(leader),
        meeting_rhythm="monthly",
        purpose="x",
        start_date=datetime.date(2020, 1, 1),
    )
    return TeamFacts(team=t, member_unit_ids=set(units), member_user_ids=set(members))


def status(rule_id, f):
    return RULES_BY_ID[rule_id].evaluate(f).status


def test_every_rule_has_an_id_area_source_and_a_unique_id():
    assert len({r.id for r in RULES}) == len(RULES)
    for rule in RULES:
        assert rule.source.chapter and rule.source.quote and rule.title and rule.area


def test_every_rule_handles_a_municipality_with_nothing_registered():
    for rule in RULES:
        verdict = rule.evaluate(facts())
        assert verdict.status in Status.values and verdict.explanation


class TestHK01CoordinatorExists:
    def test_cases(self):
        assert status("HK01", facts(posts=[post_facts()])) == Status.GOOD
        assert status("HK01", facts(team=team())) == Status.ATTENTION
        assert status("HK01", facts()) == Status.RISK


class TestHK02CombinedCaseHandling:
    def test_cases(self):
        assert status("HK02", facts(posts=[post_facts(combined="case_handling", combined_percent=25)])) == Status.RISK
        assert status("HK02", facts(posts=[post_facts(combined="other_strategic", combined_percent=40)])) == Status.GOOD
        assert status("HK02", facts(posts=[post_facts()])) == Status.GOOD
        assert status("HK02", facts(team=team())) == Status.NOT_APPLICABLE

    def test_evidence_names_the_share(self):
        verdict = RULES_BY_ID["HK02"].evaluate(facts(posts=[post_facts(combined="case_handling", combined_percent=25)]))
        assert any("25" in e for e in verdict.evidence)


class TestHK03ThinlyShared:
    def test_cases(self):
        assert status("HK03", facts(posts=[post_facts(share=25, served=3)])) == Status.RISK
        assert status("HK03", facts(posts=[post_facts(share=50, served=2)])) == Status.ATTENTION
        assert status("HK03", facts(posts=[post_facts(share=40)])) == Status.ATTENTION
        assert status("HK03", facts(posts=[post_facts(share=100)])) == Status.GOOD
        assert status("HK03", facts()) == Status.NOT_APPLICABLE


class TestHK04StrategicDistance:
    def test_cases(self):
        assert status("HK04", facts(posts=[post_facts(support=True)])) == Status.GOOD
        assert status("HK04", facts(posts=[post_facts(support=False)])) == Status.RISK
        assert status("HK04", facts()) == Status.NOT_APPLICABLE

    def test_the_questionnaire_overrides_a_claimed_closeness(self):
        split = {"strategic": 100, "individual": 0, "client": 0, "other": 0}
        f = facts(posts=[post_facts(support=True)], questionnaire={"time_split": split}, questionnaire_year=2026)
        verdict = RULES_BY_ID["HK04"].evaluate(f)
        assert verdict.status == Status.RISK and any("2026" in e for e in verdict.evidence)


class TestHK05RoleDescription:
    def test_cases(self):
        assert status("HK05", facts(posts=[post_facts()])) == Status.GOOD
        assert status("HK05", facts(posts=[post_facts(description="written")])) == Status.ATTENTION
        assert status("HK05", facts(posts=[post_facts(approved_on=datetime.date(2020, 1, 1))])) == Status.ATTENTION
        assert status("HK05", facts(posts=[post_facts(description=None)])) == Status.RISK
        assert status("HK05", facts()) == Status.NOT_APPLICABLE


class TestHK06ManagementGroupSeat:
    def test_cases(self):
        assert status("HK06", facts(posts=[post_facts(seat=True)])) == Status.GOOD
        assert status("HK06", facts(posts=[post_facts(seat=False)])) == Status.ATTENTION
        assert status("HK06", facts()) == Status.NOT_APPLICABLE


class TestHK07ExpertTeam:
    def test_cases(self):
        assert status("HK07", facts(posts=[post_facts()], team=team())) == Status.GOOD
        assert status("HK07", facts(posts=[post_facts()], team=team(units=(1, 2)))) == Status.ATTENTION
        # The team lives separately from the coordinator (user 1 is not a member).
        assert status("HK07", facts(posts=[post_facts()], team=team(members=(4, 5), leader=4))) == Status.ATTENTION
        assert status("HK07", facts(posts=[post_facts()])) == Status.RISK
        assert status("HK07", facts()) == Status.RISK
        assert status("HK07", facts(team=team(members=(4,), leader=4))) == Status.GOOD


class TestHK08Deputy:
    def test_cases(self):
        assert status("HK08", facts(posts=[post_facts(deputy=True)])) == Status.GOOD
        assert status("HK08", facts(posts=[post_facts(deputy=True, absent=True)])) == Status.GOOD
        assert status("HK08", facts(posts=[post_facts(deputy=False)])) == Status.ATTENTION
        assert status("HK08", facts(posts=[post_facts(deputy=False, absent=True)])) == Status.RISK
        assert status("HK08", facts(team=team())) == Status.ATTENTION
        assert status("HK08", facts()) == Status.RISK


class TestHK09Placement:
    def test_cases(self):
        assert status("HK09", facts(posts=[post_facts(placement="ifo")])) == Status.GOOD
        assert status("HK09", facts(posts=[post_facts(placement="social_services")])) == Status.GOOD
        assert status("HK09", facts(posts=[post_facts(placement="unit")])) == Status.ATTENTION
        assert (
            status("HK09", facts(posts=[post_facts(placement="unit", combined="case_handling", combined_percent=25)]))
            == Status.RISK
        )
        assert status("HK09", facts(posts=[post_facts(placement="municipality_wide", support=False)])) == (
            Status.ATTENTION
        )
        assert status("HK09", facts(posts=[post_facts(placement="municipality_wide", support=True)])) == Status.GOOD
        assert status("HK09", facts()) == Status.NOT_APPLICABLE


class TestHK10AndHK11TeamOnly:
    def test_basic_knowledge(self):
        assert status("HK10", facts(team=team(members=(4,), leader=4))) == Status.GOOD
        assert status("HK10", facts(team=team(units=(1,), members=(4,), leader=4))) == Status.ATTENTION
        assert status("HK10", facts(posts=[post_facts()], team=team())) == Status.NOT_APPLICABLE
        assert status("HK10", facts()) == Status.NOT_APPLICABLE

    def test_specialist_and_entry_point(self):
        assert status("HK11", facts(team=team(members=(4,), leader=4))) == Status.RISK
        assert status("HK11", facts(posts=[post_facts()])) == Status.NOT_APPLICABLE


class TestHK12Questionnaire:
    def test_cases(self):
        assert status("HK12", facts(posts=[post_facts()], questionnaire={}, questionnaire_year=2026)) == Status.GOOD
        assert status("HK12", facts(posts=[post_facts()], questionnaire={}, questionnaire_year=2025)) == Status.GOOD
        assert status("HK12", facts(posts=[post_facts()], questionnaire={}, questionnaire_year=2023)) == (
            Status.ATTENTION
        )
        assert status("HK12", facts(posts=[post_facts()])) == Status.UNKNOWN
        assert status("HK12", facts()) == Status.NOT_APPLICABLE


class TestHK13StaffTrained:
    def _facts(self, completed, overdue, not_yet_due=0):
        from fridsam.healthcheck.facts import TrainingFacts

        f = facts(posts=[post_facts()])
        f.training = TrainingFacts(plan_label="2026 v1", completed=completed, overdue=overdue, not_yet_due=not_yet_due)
        due = completed + overdue
        f.training_coverage_percent = round(100 * completed / due, 1) if due else None
        return f

    def test_cases(self):
        assert status("HK13", facts(posts=[post_facts()])) == Status.UNKNOWN  # no approved plan
        assert status("HK13", self._facts(9, 1)) == Status.GOOD
        assert status("HK13", self._facts(0, 0, 4)) == Status.GOOD  # nothing due yet
        assert status("HK13", self._facts(8, 2)) == Status.ATTENTION
        assert status("HK13", self._facts(6, 4)) == Status.RISK
        evidence = RULES_BY_ID["HK13"].evaluate(self._facts(6, 4, 2)).evidence
        assert any("6 av 10" in str(e) for e in evidence)


class TestHK14RoutinesReviewed:
    def _facts(self, in_force, on_time):
        from fridsam.healthcheck.facts import RoutineFacts

        f = facts()
        f.routines = RoutineFacts(in_force=in_force, on_time=on_time, overdue_titles=["Handboken"])
        f.routines_reviewed_percent = round(100 * on_time / in_force)
        return f

    def test_cases(self):
        assert status("HK14", facts()) == Status.UNKNOWN
        assert status("HK14", self._facts(10, 10)) == Status.GOOD
        assert status("HK14", self._facts(10, 7)) == Status.ATTENTION
        assert status("HK14", self._facts(10, 5)) == Status.RISK

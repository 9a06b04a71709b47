"""Who answers the yearly surveys, about which municipalities, and who reads their results.

* The coordinators' questionnaire: answered by the coordinators, about the municipalities they
  coordinate for. Its answers are shown on the municipality page, whose own policy decides who
  sees it.
* The partner survey: answered by the partners' contact persons, about every municipality of
  their county. Its results (shown for a municipality from a few answers, never who said what)
  are read by the coordinators, the managers and the county analysts, each for the municipalities
  they may see.
* The staff's knowledge self-assessment runs on the same engine; competence says who answers it
  (``fridsam.competence.policies``).
"""

from __future__ import annotations

from fridsam.core.policies import VIEW, PermissionPolicy
from fridsam.core.roles import Role
from fridsam.evaluation.models import Response
from fridsam.evaluation.selectors import COORDINATOR_KEY, PARTNER_KEY
from fridsam.organisations.models import Municipality

ANSWER = "answer"


class SurveyPolicy(PermissionPolicy):
    """One yearly survey (its question set's *key*): who answers it (ANSWER), who reads its
    results (VIEW; nobody when *read_by* is empty) and which municipalities a respondent answers
    about."""

    model = Response
    actions = (VIEW, ANSWER)

    def __init__(self, key: str, *, answered_by, read_by=()):
        self.key = key
        self.answered_by = tuple(answered_by)
        self.read_by = tuple(read_by)

    def can(self, tenancy, action, obj=None):
        roles = {ANSWER: self.answered_by, VIEW: self.read_by}.get(action, ())
        return bool(roles) and tenancy.has_role(*roles)

    def visible(self, tenancy, action=VIEW):
        # Results are read as aggregates (the selectors), never one person's answers at a time.
        return Response.objects.none()

    def municipalities(self, tenancy) -> list[Municipality]:
        """The municipalities a respondent answers about: those where they have an answering
        role, by name."""
        return tenancy.municipalities_with_role(*self.answered_by)


class PartnerSurveyPolicy(SurveyPolicy):
    def municipalities(self, tenancy) -> list[Municipality]:
        """A partner answers about every municipality of their county, by name."""
        county_ids = {m.county_id for m in tenancy.memberships_with_role(*self.answered_by)}
        return list(Municipality.objects.filter(county_id__in=county_ids).order_by("name"))


coordinator_survey_policy = SurveyPolicy(COORDINATOR_KEY, answered_by=(Role.COORDINATOR,))
partner_survey_policy = PartnerSurveyPolicy(
    PARTNER_KEY,
    answered_by=(Role.PARTNER,),
    read_by=(Role.COORDINATOR, Role.MANAGER, Role.COUNTY_ANALYST),
)

"""Who may read a report and write its foreword and conclusions.

A report shows a place's statistics, so it follows the statistics policy
(fridsam.statistics.policies): a municipality's yearly report is read by whoever may see the
municipality's figures (its staff, the county analysts of its county through the suppression) and
its text is written by its coordinators and managers; a county's report is read, and its text
written, by the analysts of that county, and anyone else is told the county has no report.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from fridsam.core.policies import CHANGE, VIEW, PermissionPolicy
from fridsam.organisations.models import County
from fridsam.reports.models import ReportText
from fridsam.statistics.policies import VIEW_COUNTY, statistics_policy


class ReportPolicy(PermissionPolicy):
    """Actions on the report of a place: ``obj`` is the municipality or the county."""

    model = ReportText
    actions = (VIEW, CHANGE)

    def can(self, tenancy, action, obj=None):
        if action not in self.actions:
            return False
        if isinstance(obj, County):
            return statistics_policy.can(tenancy, VIEW_COUNTY, obj)
        return statistics_policy.can(tenancy, action, obj)

    def county_or_404(self, tenancy, code: str, action: str = VIEW) -> County:
        """The county of *code* if the user may *action* its report; 404 otherwise."""
        county = tenancy.county_by_code(code) or get_object_or_404(County, code=code)
        if not self.can(tenancy, action, county):
            raise Http404
        return county


report_policy = ReportPolicy()

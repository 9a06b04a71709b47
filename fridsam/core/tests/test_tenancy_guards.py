"""Guards that make a tenancy leak hard to write: unscoped tenant models fail the system check, an
unknown role sees nothing, and every read past the scope goes through one counted escape."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import models
from django.test.utils import isolate_apps

from fridsam.accounts.selectors import scope_from_memberships
from fridsam.core.tenancy import ScopedManager, ScopeError, unscoped_tenant_models
from fridsam.followup.models import FollowUpRecord
from fridsam.organisations.models import Municipality


@isolate_apps("fridsam.core")
def test_a_model_pointing_at_a_tenant_without_a_scoped_manager_is_found():
    class Leaky(models.Model):  # noqa: DJ008
        municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE)

    class LeakyChild(models.Model):  # noqa: DJ008 - points at a scoped model: as case-level as its parent
        parent = models.ForeignKey(FollowUpRecord, on_delete=models.CASCADE)

    class Scoped(models.Model):  # noqa: DJ008
        municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE)
        objects = ScopedManager(municipality="municipality")

    class Reference(models.Model):  # noqa: DJ008
        name = models.CharField(max_length=10)

    found = unscoped_tenant_models([Leaky, LeakyChild, Scoped, Reference])
    assert [(m.__name__, name) for m, name in found] == [("Leaky", "municipality"), ("LeakyChild", "parent")]
    assert Scoped.system_objects.model is Scoped  # the escape comes with every scoped model


@pytest.mark.django_db
def test_the_installed_models_pass_the_check():
    call_command("check", "--fail-level", "ERROR")


def test_an_unknown_role_raises_instead_of_falling_into_the_municipal_branch():
    class M:
        role = "auditor"
        municipality_id = 1
        county_id = 1
        partner_organisation_id = None

    with pytest.raises(ScopeError):
        scope_from_memberships([M()])


# Reads past the scope, per file (ADR 0020). Change a number only after reading the new use: it
# must read rows the acting user has already been allowed, or be a system task.
SYSTEM_OBJECTS_ALLOWED = {
    "fridsam/accounts/selectors.py": 1,  # staff(): moved from competence/selectors.py (ADR 0022)
    "fridsam/accounts/generations.py": 1,  # a county's analysts, whose tenancy a new municipality changes (ADR 0044)
    "fridsam/collaboration/forms.py": 3,
    "fridsam/collaboration/policies.py": 1,
    "fridsam/collaboration/tallies.py": 2,
    "fridsam/competence/forms.py": 3,
    "fridsam/competence/reminders.py": 1,
    "fridsam/competence/selectors.py": 12,  # + records_of(), moved from the views
    "fridsam/competence/services.py": 11,
    "fridsam/coordination/forms.py": 2,
    "fridsam/coordination/selectors.py": 9,
    "fridsam/core/admin.py": 1,
    "fridsam/demo/followup_data.py": 6,
    "fridsam/demo/partner_survey_data.py": 1,
    "fridsam/demo/retention_data.py": 4,  # the demo's records closed five years ago
    "fridsam/evaluation/selectors.py": 7,  # + previous_response() and its answers, moved from the views
    "fridsam/opencomparisons/selectors.py": 1,  # the confirmed answers the health check reads
    "fridsam/evaluation/services.py": 3,
    "fridsam/followup/policies.py": 1,
    "fridsam/followup/selectors.py": 3,
    "fridsam/followup/tallies.py": 5,
    "fridsam/healthcheck/facts.py": 10,
    "fridsam/integrations/auth.py": 2,  # a credential found by its key id before any scope exists, and its last use
    "fridsam/housing/forms.py": 1,
    # ledger_freeze(): culling (a system task) freezes the whole county's ledger year (ADR 0040)
    "fridsam/housing/services.py": 3,
    "fridsam/logreview/reminders.py": 2,  # the daily job: the plans, and which periods are signed
    "fridsam/public/forms.py": 1,
    "fridsam/public/views.py": 1,
    # Culling is a system task: it counts and deletes a municipality's due rows whoever signed it
    # (the signer is checked by retention.policies, and sees counts only).
    "fridsam/retention/archive.py": 2,
    "fridsam/retention/kinds.py": 10,  # + the allocations whose ledger years are frozen
    "fridsam/retention/leaving.py": 9,  # the leaver's open work, handed over by their manager; who took it
    # A leaver's account after its retention period (ADR 0040): their name wherever it is kept,
    # whichever municipality's rows those are, by the signed culling run.
    "fridsam/retention/pseudonyms.py": 11,
    "fridsam/core/log_culling.py": 1,  # the review items pointing at culled log entries, set to null
    # + the chunks of items whose other figures are frozen; each batch locked, its lines counted
    "fridsam/retention/services.py": 21,
    "fridsam/routines/reminders.py": 5,
    "fridsam/routines/selectors.py": 6,
    "fridsam/routines/services.py": 6,
    "fridsam/statistics/computed.py": 6,  # + freeze() and the frozen years write_computed leaves alone
    "fridsam/statistics/selectors.py": 2,
    # The task runner reads the row it was handed by id, and submit() the same key's active row;
    # models.py names the escape in its docstring (ADR 0029).
    "fridsam/tasks/models.py": 1,
    "fridsam/tasks/services.py": 9,  # + the time a row was sent, the rows the re-dispatch sends (ADR 0043)
}
# Whole blocks run unscoped (system tasks: commands, the daily jobs, the access log's own chain),
# per file, under the same rule.
UNSCOPED_BLOCKS_ALLOWED = {
    "fridsam/core/management/commands/find_personal_numbers.py": 1,
    "fridsam/core/management/commands/rotate_field_encryption.py": 1,  # every encrypted value, re-encrypted
    "fridsam/retention/management/commands/retention_monthly.py": 1,
    "fridsam/accounts/models.py": 1,
    # Federated login (ADR 0035), before anyone is logged in: whether the person holds a role, and
    # where local passwords are forbidden (adapters); the organisation's account with the asserted
    # address and the roles granted from groups (federation/adapter); the identity providers
    # (federation/socialapps); whom a person without a role asks (federation/views).
    "fridsam/accounts/adapters.py": 2,
    "fridsam/accounts/federation/adapter.py": 3,
    "fridsam/accounts/federation/socialapps.py": 1,
    "fridsam/accounts/federation/views.py": 2,
    "fridsam/accounts/management/commands/refresh_identity_providers.py": 1,  # a system task
    "fridsam/accounts/selectors.py": 2,  # + scope_from_memberships, moved from core/tenancy.py (ADR 0022)
    "fridsam/competence/reminders.py": 3,
    "fridsam/competence/services.py": 1,  # _members(): whom a record or a step refreshes reminders for
    "fridsam/coordination/services.py": 2,
    "fridsam/core/anchors.py": 2,
    # + chain_start(): the checkpoints (ADR 0032); the last whole verification (ADR 0041)
    "fridsam/core/audit.py": 6,
    "fridsam/core/log_pseudonyms.py": 2,  # the entries naming a former staff member (ADR 0040)
    "fridsam/core/log_culling.py": 3,
    "fridsam/core/reminders.py": 2,
    "fridsam/demo/management/commands/load_demo.py": 1,
    "fridsam/demo/management/commands/load_national_benchmark.py": 1,  # generated counties, as load_demo
    "fridsam/followup/management/commands/load_instruments.py": 1,
    "fridsam/followup/management/commands/recompute_followup_statistics.py": 1,
    # points_freeze(): culling (a system task) keeps the history's points that read culled answers
    "fridsam/healthcheck/services.py": 1,
    "fridsam/logreview/reminders.py": 1,  # the daily job: the managers to remind
    "fridsam/reports/builder.py": 1,
    "fridsam/retention/services.py": 1,  # run_monthly(): the municipalities that use Fridsam
    "fridsam/routines/reminders.py": 3,
    "fridsam/routines/services.py": 1,
    "fridsam/statistics/management/commands/sync_indicators.py": 1,
    "fridsam/statistics/effects.py": 1,  # recompute_effects(): a system task that stores aggregates only
    "fridsam/tasks/worker.py": 1,  # the schedule queues its commands as system tasks
}
UNSCOPED_BLOCK = re.compile(r"\bunscoped\(\)|tenant_scope\(UNRESTRICTED\)|\bmemberships_unscoped\(\)")
SOURCE = Path(__file__).resolve().parents[2]


def _sources():
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE.parent).as_posix()
        if "/tests/" not in relative and "/migrations/" not in relative:
            yield relative, path.read_text(encoding="utf-8")


def test_reads_past_the_scope_go_through_the_one_counted_escape():
    uses, blocks, bypasses = {}, {}, []
    for relative, text in _sources():
        if relative == "fridsam/core/tenancy.py":
            continue  # the mechanism itself
        if "_base_manager" in text:
            bypasses.append(relative)
        count = len(re.findall(r"\.system_objects\b", text))
        if count:
            uses[relative] = count
        count = len(UNSCOPED_BLOCK.findall(text))
        if count:
            blocks[relative] = count
    assert bypasses == [], f"use Model.system_objects (counted), not _base_manager: {bypasses}"
    changed = {
        name: (found.get(name), allowed.get(name))
        for found, allowed in ((uses, SYSTEM_OBJECTS_ALLOWED), (blocks, UNSCOPED_BLOCKS_ALLOWED))
        for name in set(found) | set(allowed)
        if found.get(name) != allowed.get(name)
    }
    assert changed == {}, f"reads past the scope changed (found, allowed); review each and update the list: {changed}"

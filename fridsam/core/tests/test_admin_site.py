"""Administrators never see case-level data, the admin site included (ADR 0002, ADR 0003)."""

import pytest
from django.urls import reverse

from fridsam.core.admin import AccessLogEntryAdmin
from fridsam.core.admin_site import site
from fridsam.core.audit import log_access
from fridsam.core.caselevel import case_level_models
from fridsam.core.models import AccessAction, AccessLogEntry
from fridsam.core.roles import Role

pytestmark = pytest.mark.django_db

# Admin classes allowed to register a case-level model, because their queryset leaves the
# case-level rows out (asserted below through HTTP).
NARROWED = {AccessLogEntry: AccessLogEntryAdmin}


def test_no_case_level_model_is_registered_unless_narrowed():
    case_level = set(case_level_models())  # the case_municipality scope and the declared ones
    for model, model_admin in site._registry.items():
        if model in case_level:
            assert type(model_admin) is NARROWED.get(model), f"{model._meta.label} is case-level data"
            assert "get_queryset" in type(model_admin).__dict__


def test_the_administrator_sees_account_events_but_not_who_read_which_case(world, client, login):
    worker = world.own.users[Role.SOCIAL_WORKER]
    read = log_access(
        action=AccessAction.READ,
        object_type="followup.followuprecord",
        object_id="4242",
        user=worker,
        municipality=world.own.municipality,
        purpose="uppföljning",
    )
    failed = log_access(action=AccessAction.LOGIN_FAILED, object_type="accounts.user", detail="attempted username: x")
    probe = log_access(  # a county analyst's refused attempt: reviewed by nobody else
        action=AccessAction.DENIED,
        object_type="followup.followuprecord",
        object_id="77",
        user=world.own.users[Role.COUNTY_ANALYST],
        county=world.own.county,
        detail="followup:record_detail 404",
    )
    login(world.administrator)
    page = client.get(reverse("admin:core_accesslogentry_changelist"))
    assert page.status_code == 200
    shown = set(page.context["cl"].result_list.values_list("pk", flat=True))
    assert failed.pk in shown and probe.pk in shown and read.pk not in shown
    assert client.get(reverse("admin:core_accesslogentry_change", args=[failed.pk])).status_code == 200
    # The row itself is not found either (the admin redirects to its index, saying so).
    assert client.get(reverse("admin:core_accesslogentry_change", args=[read.pk])).status_code == 302
    searched = client.get(reverse("admin:core_accesslogentry_changelist") + "?q=4242")
    assert searched.context["cl"].result_count == 0


def test_the_admin_runs_in_the_administrators_scope(world, client, login, rf):
    """A case-level model registered by mistake would show no row rather than every municipality's."""
    from django.http import HttpResponse

    from fridsam.accounts.selectors import tenancy_for_user

    log_access(
        action=AccessAction.READ,
        object_type="x.y",
        user=world.own.users[Role.MANAGER],
        municipality=world.own.municipality,
    )

    def view(request):
        return HttpResponse(str(AccessLogEntry.objects.count()))

    request = rf.get("/admin/")
    request.user = world.administrator
    request.tenancy = tenancy_for_user(user=world.administrator)
    assert site.admin_view(view)(request).content == b"0"
    login(world.administrator)
    for model in site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url

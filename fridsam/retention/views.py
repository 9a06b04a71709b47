from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from fridsam.accounts.models import User
from fridsam.core.forms import render_form_page, run_service, save_form
from fridsam.core.kept import kept_page
from fridsam.core.policies import CHANGE, VIEW
from fridsam.organisations.policies import municipality_for
from fridsam.retention import leaving, selectors, services
from fridsam.retention.forms import HoldForm, LeaveForm, RuleForm
from fridsam.retention.kinds import KINDS
from fridsam.retention.models import Action, CullingRun, Hold, Kind, RunStatus
from fridsam.retention.policies import installation_policy, leaving_policy, retention_policy

# A signed run this small is culled at once; a larger one by the monthly job (manage.py
# retention_monthly), which works through it in batches.
CULL_AT_ONCE = 5000


@kept_page
def overview(request, municipality_code):
    municipality = municipality_for(request.tenancy, municipality_code, retention_policy, VIEW)
    return render(request, "retention/overview.html", selectors.overview(municipality=municipality))


@require_POST
def preview(request, municipality_code):
    municipality = municipality_for(request.tenancy, municipality_code, retention_policy, CHANGE)
    run = services.preview(municipality=municipality, month=timezone.localdate())
    return redirect("retention:run", pk=run.pk)


def rule_edit(request, municipality_code, kind):
    municipality = municipality_for(request.tenancy, municipality_code, retention_policy, CHANGE)
    if kind not in KINDS or KINDS[kind].installation_only:
        raise Http404
    rule = services.effective_rules(municipality)[kind]
    default = services.installation_default(kind)
    form = RuleForm(
        request.POST or None,
        kind=kind,
        initial={
            "clock": rule.clock,
            "months": rule.months,
            "action": rule.action,
            "basis": rule.basis if rule.own else "",
        },
    )
    back = reverse("retention:overview", kwargs={"municipality_code": municipality.code})

    def save(data):
        services.rule_save(municipality=municipality, kind=kind, acting_user=request.user, **data)

    if save_form(request, form, save, success_message=_("The rule was saved.")):
        return redirect(back)
    return render_form_page(
        request,
        form,
        title=_("Retention rule: %(kind)s") % {"kind": Kind(kind).label},
        intro=ngettext(
            "Default of the installation: %(months)s month, then: %(action)s.",
            "Default of the installation: %(months)s months, then: %(action)s.",
            default.months,
        )
        % {"months": default.months, "action": Action(default.action).label.lower()},
        cancel_url=back,
        municipality=municipality,
    )


@require_POST
def rule_reset(request, municipality_code, kind):
    municipality = municipality_for(request.tenancy, municipality_code, retention_policy, CHANGE)
    if kind not in KINDS:
        raise Http404
    services.rule_reset(municipality=municipality, kind=kind, acting_user=request.user)
    messages.success(request, _("The rule is back to the installation's default."))
    return redirect("retention:overview", municipality_code=municipality.code)


def hold_create(request, municipality_code):
    municipality = municipality_for(request.tenancy, municipality_code, retention_policy, CHANGE)
    form = HoldForm(request.POST or None)
    back = reverse("retention:overview", kwargs={"municipality_code": municipality.code})

    def save(data):
        services.hold_place(municipality=municipality, acting_user=request.user, **data)

    if save_form(request, form, save, success_message=_("The hold was placed.")):
        return redirect(back)
    return render_form_page(
        request,
        form,
        title=_("Place a hold"),
        intro=_("Nothing under a hold is culled until the hold is lifted. Placing and lifting holds is logged."),
        cancel_url=back,
        municipality=municipality,
    )


@require_POST
def hold_lift(request, municipality_code, pk):
    municipality = municipality_for(request.tenancy, municipality_code, retention_policy, CHANGE)
    hold = get_object_or_404(Hold, pk=pk, municipality=municipality)
    services.hold_lift(hold=hold, acting_user=request.user)
    messages.success(request, _("The hold was lifted."))
    return redirect("retention:overview", municipality_code=municipality.code)


def _run_or_404(request, pk, action):
    run = get_object_or_404(CullingRun.objects.select_related("municipality", "municipality__county"), pk=pk)
    if run.municipality_id is None:
        installation_policy.check(request.tenancy, action)
    else:
        retention_policy.check(request.tenancy, action, run.municipality)
    return run


def run_detail(request, pk):
    run = _run_or_404(request, pk, VIEW)
    return render(request, "retention/run.html", selectors.run_picture(run=run, tenancy=request.tenancy))


@require_POST
def run_sign(request, pk):
    run = _run_or_404(request, pk, CHANGE)

    def sign():
        signed = services.sign_off(run=run, acting_user=request.user)
        if sum(line.due for line in signed.lines.all()) <= CULL_AT_ONCE:
            services.cull(run=signed)

    run_service(request, sign, _("The culling was signed off."))
    return redirect("retention:run", pk=run.pk)


def installation(request):
    installation_policy.check(request.tenancy, VIEW)
    runs = CullingRun.objects.filter(municipality__isnull=True).prefetch_related("lines")
    return render(request, "retention/installation.html", {"runs": runs, "RunStatus": RunStatus})


@require_POST
def installation_preview(request):
    installation_policy.check(request.tenancy, CHANGE)
    run = services.preview(municipality=None, month=timezone.localdate())
    return redirect("retention:run", pk=run.pk)


def staff_leave(request, municipality_code, user_pk):
    """A manager ends a person's roles in the municipality and hands their open work over."""
    municipality = municipality_for(request.tenancy, municipality_code, leaving_policy, CHANGE)
    staff = leaving.successors(municipality=municipality, leaver=None)
    leaver = get_object_or_404(User, pk=user_pk, pk__in=staff.values("user_id"))
    others = User.objects.filter(pk__in=leaving.successors(municipality=municipality, leaver=leaver).values("user_id"))
    form = LeaveForm(request.POST or None, successors=others, initial={"on": timezone.localdate()})
    back = reverse("retention:staff", kwargs={"municipality_code": municipality.code})

    def save(data):
        leaving.staff_leave(
            municipality=municipality,
            leaver=leaver,
            successor=data["successor"],
            on=data["on"],
            acting_user=request.user,
        )

    name = leaver.get_full_name() or leaver.get_username()
    if save_form(request, form, save, success_message=_("%(name)s's work was handed over.") % {"name": name}):
        return redirect(back)
    work = leaving.open_work(municipality=municipality, leaver=leaver)
    return render_form_page(
        request,
        form,
        title=_("%(name)s leaves %(municipality)s") % {"name": name, "municipality": municipality.name},
        intro=_(
            "Open follow-up records: %(records)s. Open consultations: %(consultations)s. Open action items: "
            "%(action_items)s. They go to the person you choose; the roles end, the integration credentials the "
            "person made for the municipality are revoked, and when no role is left the calendar address is "
            "revoked and the person is logged out."
        )
        % work,
        cancel_url=back,
        municipality=municipality,
        submit=_("Hand over and end the roles"),
    )


@kept_page
def staff(request, municipality_code):
    municipality = municipality_for(request.tenancy, municipality_code, leaving_policy, CHANGE)
    return render(
        request,
        "retention/staff.html",
        {"municipality": municipality, "staff": leaving.successors(municipality=municipality, leaver=None)},
    )

"""A municipality's competence plans: their versions, training requirements and onboarding steps,
and a manager's approval."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fridsam.competence import selectors, services
from fridsam.competence.forms import NoteForm, PlanStartForm, RequirementForm, StepForm
from fridsam.competence.models import CompetencePlan, PlanStatus
from fridsam.competence.policies import APPROVE, competence_policy
from fridsam.core.forms import render_form_page, run_service, save_form
from fridsam.core.kept import kept_page
from fridsam.core.policies import CHANGE, VIEW
from fridsam.core.roles import Role
from fridsam.organisations.policies import municipality_for


@kept_page
def plans(request, municipality_code):
    municipality = municipality_for(request.tenancy, municipality_code, competence_policy, VIEW)
    today = timezone.localdate()
    all_plans = list(CompetencePlan.objects.filter(municipality=municipality).select_related("approved_by"))
    current = selectors.current_plan(municipality, today)
    draft = next((p for p in all_plans if p.status == PlanStatus.DRAFT), None)
    form = PlanStartForm(request.POST or None, initial={"year": today.year})
    if request.method == "POST":
        competence_policy.check(request.tenancy, CHANGE, municipality)
        saved = {}

        def save(data):
            saved["plan"] = services.plan_start(municipality=municipality, year=data["year"], user=request.user)

        if save_form(request, form, save, success_message=_("A draft plan was started.")):
            return redirect("competence:plan_detail", pk=saved["plan"].pk)
    return render(
        request,
        "competence/plans.html",
        {
            "municipality": municipality,
            "plans": all_plans,
            "current": current,
            "draft": draft,
            "form": form,
            "can_change": competence_policy.can(request.tenancy, CHANGE, municipality),
        },
    )


def _plan(request, pk, action=VIEW) -> CompetencePlan:
    plan = get_object_or_404(CompetencePlan.objects.select_related("municipality", "approved_by", "created_by"), pk=pk)
    competence_policy.check(request.tenancy, action, plan.municipality)
    return plan


def plan_detail(request, pk):
    plan = _plan(request, pk)
    editable = plan.status == PlanStatus.DRAFT and competence_policy.can(request.tenancy, CHANGE, plan.municipality)
    note_form = NoteForm(request.POST or None, initial={"note": plan.note})
    if request.method == "POST":
        if not editable:
            raise PermissionDenied

        def save(data):
            services.plan_note(plan=plan, note=data["note"], user=request.user)

        if save_form(request, note_form, save, success_message=_("The plan was saved.")):
            return redirect("competence:plan_detail", pk=plan.pk)
    return render(
        request,
        "competence/plan_detail.html",
        {
            "plan": plan,
            "requirements": list(plan.requirements.prefetch_related("courses")),
            "steps": list(plan.steps.all()),
            "editable": editable,
            "note_form": note_form,
            "can_approve": plan.status == PlanStatus.DRAFT
            and competence_policy.can(request.tenancy, APPROVE, plan.municipality),
            "wrote_plan": plan.writers.filter(pk=request.user.pk).exists(),
            "role_labels": dict(Role.choices),
        },
    )


def requirement_form(request, pk, requirement_pk=None):
    plan = _plan(request, pk, CHANGE)
    requirement = get_object_or_404(plan.requirements.all(), pk=requirement_pk) if requirement_pk else None
    initial = {}
    if requirement:
        initial = {
            "title": requirement.title,
            "courses": list(requirement.courses.all()),
            "unit_type": requirement.unit_type,
            "role": requirement.role,
            "months": requirement.months,
        }
    form = RequirementForm(request.POST or None, initial=initial, courses=selectors.active_courses(plan.municipality))

    def save(data):
        fields = {k: data[k] for k in ("title", "unit_type", "role", "months")}
        services.requirement_save(
            plan=plan,
            fields=fields,
            courses=data["courses"],
            requirement=requirement,
            user=request.user,
        )

    if save_form(request, form, save, success_message=_("The requirement was saved.")):
        return redirect("competence:plan_detail", pk=plan.pk)
    return render_form_page(
        request,
        form,
        title=_("Training requirement"),
        intro=_(
            "A requirement without a unit type and role is a basic requirement for everyone in the social services."
        ),
        cancel_url=reverse("competence:plan_detail", args=[plan.pk]),
        municipality=plan.municipality,
    )


@require_POST
def requirement_remove(request, pk, requirement_pk):
    plan = _plan(request, pk, CHANGE)
    requirement = get_object_or_404(plan.requirements.all(), pk=requirement_pk)
    run_service(
        request,
        lambda: services.requirement_remove(requirement=requirement, user=request.user),
        _("The requirement was removed."),
    )
    return redirect("competence:plan_detail", pk=plan.pk)


def step_form(request, pk):
    plan = _plan(request, pk, CHANGE)
    form = StepForm(request.POST or None)

    def save(data):
        services.step_save(plan=plan, fields=data, user=request.user)

    if save_form(request, form, save, success_message=_("The step was added.")):
        return redirect("competence:plan_detail", pk=plan.pk)
    return render_form_page(
        request,
        form,
        title=_("Onboarding step"),
        intro=_(
            "Each new staff member gets the plan's steps as their introduction checklist, with dates counted "
            "from the day they started."
        ),
        cancel_url=reverse("competence:plan_detail", args=[plan.pk]),
        municipality=plan.municipality,
    )


@require_POST
def step_remove(request, pk, step_pk):
    plan = _plan(request, pk, CHANGE)
    step = get_object_or_404(plan.steps.all(), pk=step_pk)
    run_service(request, lambda: services.step_remove(step=step, user=request.user), _("The step was removed."))
    return redirect("competence:plan_detail", pk=plan.pk)


@require_POST
def plan_approve(request, pk):
    plan = _plan(request, pk, APPROVE)
    run_service(
        request,
        lambda: services.plan_approve(plan=plan, user=request.user),
        _("The plan was approved and is in force."),
    )
    return redirect("competence:plan_detail", pk=plan.pk)

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fridsam.accounts.models import User
from fridsam.core.audit import log_access
from fridsam.core.forms import add_service_errors, render_form_page, run_service, save_form
from fridsam.core.kept import kept_page
from fridsam.core.models import AccessAction
from fridsam.core.policies import ADD, CHANGE, VIEW
from fridsam.core.roles import MUNICIPAL_ROLES, Role
from fridsam.organisations.models import Municipality, UnitType
from fridsam.routines import selectors, services
from fridsam.routines.forms import (
    ActionPlanForm,
    ActivityForm,
    AssessmentForm,
    DocumentCreateForm,
    DocumentForm,
    SubGoalForm,
    VersionForm,
)
from fridsam.routines.models import (
    Acknowledgement,
    Activity,
    ActivityStatus,
    Attachment,
    DocumentKind,
    DocumentVersion,
    PlanGoal,
    SubGoal,
)
from fridsam.routines.policies import (
    ACKNOWLEDGE,
    APPROVE,
    OVERSEE,
    action_plan_policy,
    document_policy,
    version_visible,
)
from fridsam.routines.text import diff, render_markdown


def _staff_of(municipality):
    return (
        User.objects.filter(
            memberships__municipality=municipality, memberships__role__in=MUNICIPAL_ROLES, is_active=True
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


# --- Documents -----------------------------------------------------------------------------


@kept_page
def document_list(request):
    tenancy = request.tenancy
    document_policy.check(tenancy, VIEW)
    today = timezone.localdate()
    kind = request.GET.get("typ", "")
    queryset = document_policy.visible(tenancy)
    if request.GET.get("arkiv") != "1":
        queryset = queryset.filter(archived_at__isnull=True)
    if kind in DocumentKind.values:
        queryset = queryset.filter(kind=kind)
    rows = selectors.documents(queryset, today)
    return render(
        request,
        "routines/document_list.html",
        {
            "rows": rows,
            "kinds": DocumentKind.choices,
            "kind": kind,
            "archive": request.GET.get("arkiv") == "1",
            "overdue": sum(1 for _d, _v, state in rows if state == "overdue"),
            "add_places": [
                (m, reverse("routines:document_create") + f"?kommun={m.code}")
                for m in tenancy.municipalities_with_role(Role.COORDINATOR, Role.MANAGER)
            ],
            "read": set(
                Acknowledgement.objects.filter(
                    user=request.user,
                    version_id__in=[d.current_version_id for d, _v, _s in rows if d.current_version_id],
                ).values_list("version_id", flat=True)
            ),
        },
    )


def document_create(request):
    municipality = get_object_or_404(Municipality, code=request.GET.get("kommun", ""))
    document_policy.check(request.tenancy, ADD, municipality)
    form = DocumentCreateForm(request.POST or None, owners=_staff_of(municipality), initial={"owner": request.user.pk})
    saved = {}

    def save(data):
        fields = {
            k: data[k] for k in ("kind", "title", "owner", "unit_types", "roles", "legal_references", "review_months")
        }
        saved["document"] = services.document_create(
            municipality=municipality, fields=fields, body=data["body"], user=request.user
        )

    if save_form(request, form, save, success_message=_("The document was saved as a draft.")):
        return redirect("routines:document_detail", pk=saved["document"].pk)
    return render_form_page(
        request,
        form,
        title=_("New routine or handbook for %(place)s") % {"place": municipality.name},
        intro=_(
            "The first version is a draft. Send it for approval when it is ready; a manager approves it into force."
        ),
        cancel_url=reverse("routines:document_list"),
        municipality=municipality,
    )


def _document(request, pk, action=VIEW):
    document = get_object_or_404(
        document_policy.visible(request.tenancy).select_related(
            "owner", "current_version", "current_version__approved_by"
        ),
        pk=pk,
    )
    document_policy.check(request.tenancy, action, document)
    return document


def document_detail(request, pk):
    document = _document(request, pk)
    tenancy = request.tenancy
    today = timezone.localdate()
    current = document.current_version
    # A draft, and a version in review, are seen only by whoever may write or approve it: for
    # everyone else the document has its version in force and its history, nothing else.
    open_version = services.open_version(document)
    if open_version is not None and not version_visible(tenancy, open_version):
        open_version = None
    versions = [
        v
        for v in document.versions.select_related("approved_by", "written_by", "document").order_by("-number")
        if version_visible(tenancy, v)
    ]
    overseer = document_policy.can(tenancy, OVERSEE, document)
    coverage_rows, read, total = selectors.read_coverage(document, today) if overseer else ([], 0, 0)
    if current is not None:
        log_access(
            action=AccessAction.READ,
            object_type=document,
            user=request.user,
            municipality=document.municipality,
            detail=f"version={current.number}",
        )
    return render(
        request,
        "routines/document_detail.html",
        {
            "document": document,
            "targets": _targets(document),
            "current": current,
            "html": render_markdown(current.body) if current else "",
            "open_version": open_version,
            "wrote_open_version": open_version is not None and open_version.writers.filter(pk=request.user.pk).exists(),
            "open_html": render_markdown(open_version.body) if open_version and current is None else "",
            "versions": versions,
            "attachments": list(current.attachments.all()) if current else [],
            "state": selectors.review_state(document, today),
            "has_read": current is not None
            and Acknowledgement.objects.filter(version=current, user=request.user).exists(),
            "can_acknowledge": current is not None
            and document_policy.can(tenancy, ACKNOWLEDGE, document)
            and _concerns(document, tenancy),
            "can_change": document_policy.can(tenancy, CHANGE, document) and not document.archived_at,
            "can_approve": document_policy.can(tenancy, APPROVE, document) and not document.archived_at,
            "overseer": overseer,
            "coverage_rows": coverage_rows,
            "read": read,
            "total": total,
            "unread": selectors.unread_by(document, today, limit=50) if overseer and current else [],
        },
    )


def _concerns(document, tenancy) -> bool:
    """Is the document meant for one of the user's roles and units in its municipality?"""
    return any(
        m.municipality_id == document.municipality_id
        and document.concerns(m.unit.unit_type if m.unit_id else None, m.role)
        for m in tenancy.memberships
    )


def _targets(document) -> str:
    units, roles = dict(UnitType.choices), dict(Role.choices)
    return "; ".join(
        part
        for part in (
            ", ".join(str(units.get(t, t)) for t in document.unit_types),
            ", ".join(str(roles.get(r, r)) for r in document.roles),
        )
        if part
    )


def document_write(request, pk):
    document = _document(request, pk, CHANGE)
    if document.archived_at:
        raise PermissionDenied
    version = services.open_version(document)
    source = version or document.current_version
    form = VersionForm(
        request.POST or None,
        request.FILES or None,
        initial={"body": source.body if source else "", "change_note": version.change_note if version else ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = services.version_write(
                document=document,
                body=form.cleaned_data["body"],
                change_note=form.cleaned_data["change_note"],
                user=request.user,
            )
            if form.cleaned_data.get("attachment"):
                services.attachment_add(version=version, upload=form.cleaned_data["attachment"], user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The draft was saved."))
            return redirect("routines:document_detail", pk=document.pk)
    return render(
        request,
        "routines/document_write.html",
        {
            "document": document,
            "form": form,
            "version": version,
            "attachments": list(version.attachments.all()) if version else [],
        },
    )


def document_settings(request, pk):
    document = _document(request, pk, CHANGE)
    form = DocumentForm(
        request.POST or None,
        owners=_staff_of(document.municipality),
        initial={
            k: getattr(document, k)
            for k in ("kind", "title", "unit_types", "roles", "legal_references", "review_months")
        }
        | {"owner": document.owner_id},
    )

    def save(data):
        services.document_update(document=document, fields=data, user=request.user)

    if save_form(request, form, save, success_message=_("The particulars were saved.")):
        return redirect("routines:document_detail", pk=document.pk)
    return render_form_page(
        request,
        form,
        title=_("Particulars of %(title)s") % {"title": document.title},
        cancel_url=reverse("routines:document_detail", args=[document.pk]),
        municipality=document.municipality,
    )


VERSION_ACTIONS = {
    # URL word: (permission, service, message)
    "skicka": (CHANGE, services.version_submit, gettext_lazy("The version was sent to a manager for approval.")),
    "godkann": (
        APPROVE,
        services.version_approve,
        gettext_lazy("The version was approved and is in force. Everyone it concerns is asked to read it."),
    ),
    "tillbaka": (APPROVE, services.version_return, gettext_lazy("The version was sent back to draft.")),
}


@require_POST
def version_action(request, pk, version_pk, action):
    if action not in VERSION_ACTIONS:
        raise Http404
    document = _document(request, pk)
    version = get_object_or_404(DocumentVersion.objects.filter(document=document), pk=version_pk)
    permission, service, message = VERSION_ACTIONS[action]
    document_policy.check(request.tenancy, permission, document)
    run_service(request, lambda: service(version=version, user=request.user), str(message))
    return redirect("routines:document_detail", pk=document.pk)


@require_POST
def document_reviewed(request, pk):
    document = _document(request, pk, APPROVE)
    run_service(
        request,
        lambda: services.document_reviewed(document=document, user=request.user),
        _("The review was recorded; the version in force stands."),
    )
    return redirect("routines:document_detail", pk=document.pk)


@require_POST
def document_archive(request, pk):
    document = _document(request, pk, APPROVE)
    services.document_archive(document=document, user=request.user)
    messages.success(request, _("The document was archived."))
    return redirect("routines:document_list")


@require_POST
def acknowledge(request, pk):
    document = _document(request, pk, ACKNOWLEDGE)
    run_service(
        request,
        lambda: services.acknowledge(document=document, user=request.user),
        _("Thank you: you have confirmed reading the version in force."),
    )
    return redirect("routines:document_detail", pk=document.pk)


def version_detail(request, pk, number):
    document = _document(request, pk)
    version = get_object_or_404(document.versions.select_related("approved_by", "written_by"), number=number)
    if not version_visible(request.tenancy, version):
        raise Http404
    earlier = document.versions.filter(number__lt=number).order_by("-number").first()
    return render(
        request,
        "routines/version_detail.html",
        {
            "document": document,
            "version": version,
            "html": render_markdown(version.body),
            "earlier": earlier,
            "hunks": diff(earlier.body, version.body) if earlier else [],
            "attachments": list(version.attachments.all()),
        },
    )


@require_POST
def attachment_remove(request, pk):
    attachment = get_object_or_404(Attachment.objects.select_related("version__document"), pk=pk)
    document = attachment.version.document
    document_policy.check(request.tenancy, CHANGE, document)
    run_service(
        request,
        lambda: services.attachment_remove(attachment=attachment, user=request.user),
        _("The file was removed from the draft."),
    )
    return redirect("routines:document_write", pk=document.pk)


def attachment_download(request, pk):
    attachment = get_object_or_404(Attachment.objects.select_related("version__document"), pk=pk)
    document = attachment.version.document
    if not version_visible(request.tenancy, attachment.version):
        raise Http404  # a draft's file is as unseen as the draft itself
    log_access(
        action=AccessAction.READ,
        object_type=attachment,
        user=request.user,
        municipality=document.municipality,
    )
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )


# --- Action plans --------------------------------------------------------------------------


def action_plan_list(request):
    tenancy = request.tenancy
    action_plan_policy.check(tenancy, VIEW)
    plans = list(
        action_plan_policy.visible(tenancy)
        .annotate(
            activities=Count("goals__sub_goals__activities"),
            done=Count(
                "goals__sub_goals__activities", filter=Q(goals__sub_goals__activities__status=ActivityStatus.DONE)
            ),
        )
        .order_by("municipality__name", "-last_year")
    )
    return render(
        request,
        "routines/action_plan_list.html",
        {
            "plans": plans,
            "add_places": [
                (m, reverse("routines:action_plan_create") + f"?kommun={m.code}")
                for m in tenancy.municipalities_with_role(Role.COORDINATOR, Role.MANAGER)
            ],
        },
    )


def action_plan_create(request):
    municipality = get_object_or_404(Municipality, code=request.GET.get("kommun", ""))
    action_plan_policy.check(request.tenancy, ADD, municipality)
    year = timezone.localdate().year
    form = ActionPlanForm(request.POST or None, initial={"first_year": year, "last_year": year + 3})
    saved = {}

    def save(data):
        fields = {k: data[k] for k in ("title", "first_year", "last_year", "decided_by")}
        saved["plan"] = services.action_plan_create(
            municipality=municipality,
            fields=fields,
            goals=data["goals"].splitlines(),
            user=request.user,
        )

    if save_form(request, form, save, success_message=_("The action plan was created.")):
        return redirect("routines:action_plan_detail", pk=saved["plan"].pk)
    return render_form_page(
        request,
        form,
        title=_("New action plan for %(place)s") % {"place": municipality.name},
        intro=_("Goals, then sub-goals, then the activities that reach them, each with an owner and a date."),
        cancel_url=reverse("routines:action_plan_list"),
        municipality=municipality,
    )


def _action_plan(request, pk, action=VIEW):
    plan = get_object_or_404(action_plan_policy.visible(request.tenancy), pk=pk)
    action_plan_policy.check(request.tenancy, action, plan)
    return plan


@kept_page
def action_plan_detail(request, pk):
    """The progress view: each goal with its sub-goals and activities, the share done, and the
    yearly assessments."""
    plan = _action_plan(request, pk)
    today = timezone.localdate()
    goals = list(
        plan.goals.prefetch_related("sub_goals__activities__owner", "sub_goals__activities__indicator", "assessments")
    )
    progress = {}
    for goal in goals:
        activities = [
            a for s in goal.sub_goals.all() for a in s.activities.all() if a.status != ActivityStatus.CANCELLED
        ]
        done = sum(1 for a in activities if a.status == ActivityStatus.DONE)
        late = sum(1 for a in activities if a.status != ActivityStatus.DONE and a.due_on < today)
        progress[goal.pk] = (done, len(activities), round(100 * done / len(activities)) if activities else None, late)
    return render(
        request,
        "routines/action_plan_detail.html",
        {
            "plan": plan,
            "goals": goals,
            "progress": progress,
            "today": today,
            "can_change": action_plan_policy.can(request.tenancy, CHANGE, plan),
            "statuses": ActivityStatus.choices,
        },
    )


def sub_goal_add(request, pk, goal_pk):
    plan = _action_plan(request, pk, CHANGE)
    goal = get_object_or_404(PlanGoal.objects.filter(plan=plan), pk=goal_pk)
    form = SubGoalForm(request.POST or None)

    def save(data):
        services.sub_goal_add(goal=goal, text=data["text"], user=request.user)

    if save_form(request, form, save, success_message=_("The sub-goal was added.")):
        return redirect("routines:action_plan_detail", pk=plan.pk)
    return render_form_page(
        request,
        form,
        title=_("Sub-goal of “%(goal)s”") % {"goal": goal.text},
        cancel_url=reverse("routines:action_plan_detail", args=[plan.pk]),
        municipality=plan.municipality,
    )


def activity_form(request, pk, sub_goal_pk, activity_pk=None):
    plan = _action_plan(request, pk, CHANGE)
    sub_goal = get_object_or_404(SubGoal.objects.filter(goal__plan=plan), pk=sub_goal_pk)
    activity = get_object_or_404(Activity.objects.filter(sub_goal=sub_goal), pk=activity_pk) if activity_pk else None
    initial = {"owner": request.user.pk, "status": ActivityStatus.PLANNED}
    if activity:
        initial = {
            "text": activity.text,
            "owner": activity.owner_id,
            "due_on": activity.due_on,
            "status": activity.status,
            "indicator": activity.indicator_id,
        }
    form = ActivityForm(request.POST or None, owners=_staff_of(plan.municipality), initial=initial)

    def save(data):
        services.activity_save(sub_goal=sub_goal, fields=data, activity=activity, user=request.user)

    if save_form(request, form, save, success_message=_("The activity was saved.")):
        return redirect("routines:action_plan_detail", pk=plan.pk)
    return render_form_page(
        request,
        form,
        title=_("Activity for “%(sub_goal)s”") % {"sub_goal": sub_goal.text},
        cancel_url=reverse("routines:action_plan_detail", args=[plan.pk]),
        municipality=plan.municipality,
    )


@require_POST
def activity_status(request, pk, activity_pk):
    plan = _action_plan(request, pk)
    activity = get_object_or_404(Activity.objects.filter(sub_goal__goal__plan=plan), pk=activity_pk)
    if activity.owner_id != request.user.pk:
        action_plan_policy.check(request.tenancy, CHANGE, plan)
    status = request.POST.get("status", "")
    if status not in ActivityStatus.values:
        messages.error(request, _("Choose a status."))
        return redirect("routines:action_plan_detail", pk=plan.pk)
    services.activity_save(sub_goal=activity.sub_goal, fields={"status": status}, activity=activity, user=request.user)
    messages.success(request, _("The activity's status was saved."))
    return redirect("routines:action_plan_detail", pk=plan.pk)


def goal_assess(request, pk, goal_pk):
    plan = _action_plan(request, pk, CHANGE)
    goal = get_object_or_404(PlanGoal.objects.filter(plan=plan), pk=goal_pk)
    year = timezone.localdate().year
    existing = goal.assessments.filter(year=year).first()
    form = AssessmentForm(
        request.POST or None,
        initial={
            "year": year,
            "result": getattr(existing, "result", None),
            "assessment": getattr(existing, "assessment", ""),
        },
    )

    def save(data):
        services.goal_assess(
            goal=goal,
            year=data["year"],
            result=data["result"],
            assessment=data["assessment"],
            user=request.user,
        )

    if save_form(request, form, save, success_message=_("The follow-up was saved.")):
        return redirect("routines:action_plan_detail", pk=plan.pk)
    return render_form_page(
        request,
        form,
        title=_("Yearly follow-up of “%(goal)s”") % {"goal": goal.text},
        cancel_url=reverse("routines:action_plan_detail", args=[plan.pk]),
        municipality=plan.municipality,
    )

"""One's own competence page, a staff member's introduction and training, recording completed
courses and steps, and the import of completed courses."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fridsam.competence import selectors, services
from fridsam.competence.forms import ImportForm, RecordForm
from fridsam.competence.models import OnboardingItem, TrainingRecord
from fridsam.competence.policies import (
    RECORD,
    RECORD_FOR,
    competence_policy,
    event_policy,
    staff_memberships,
)
from fridsam.core.forms import add_service_errors
from fridsam.core.kept import kept_page
from fridsam.core.policies import VIEW
from fridsam.evaluation.selectors import has_answered
from fridsam.organisations.policies import municipality_for
from fridsam.routines.selectors import for_memberships


@kept_page
def mine(request):
    """The person's own page: introduction checklist, required training with deadlines, courses
    done, routines to read and events for them."""
    return _mine_page(request)


def _mine_page(request, form=None, membership=None):
    """The own page; *form* is the course form as typed (with its errors) for *membership*."""
    tenancy = request.tenancy
    competence_policy.check(tenancy, VIEW)
    today = timezone.localdate()
    memberships = staff_memberships(tenancy)
    plans = selectors.current_plans({m.municipality_id for m in memberships}, today)
    statuses = []
    for m in memberships:
        person = selectors.people([m], plans.get(m.municipality_id), today)[0]
        statuses.append((m, person, selectors.checklist_of(m)))
    membership = membership or (memberships[0] if memberships else None)
    if form is None and membership is not None:
        form = RecordForm(courses=selectors.active_courses(membership.municipality))
    return render(
        request,
        "competence/mine.html",
        {
            "statuses": statuses,
            "record_membership": membership,
            "records": selectors.records_of(request.user),
            "form": form,
            "documents": for_memberships(memberships, today),
            "events": event_policy.concerning(tenancy, today)[:5],
            "self_assessed": has_answered(user=request.user, key=selectors.SELF_ASSESSMENT_KEY, year=today.year),
            "oversee": competence_policy.overseen(tenancy),
            "analyst_counties": competence_policy.overseen_counties(tenancy),
            "today": today,
        },
    )


@require_POST
def record_add(request, membership_pk):
    """Record a completed course for oneself, or (coordinator, manager) for a staff member."""
    membership = competence_policy.staff_member_or_404(request.tenancy, membership_pk)
    form = RecordForm(request.POST, courses=selectors.active_courses(membership.municipality))
    if form.is_valid():
        try:
            services.record_add(
                person=membership.user,
                course=form.cleaned_data["course"],
                completed_on=form.cleaned_data["completed_on"],
                municipality=membership.municipality,
                user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The course was recorded."))
            return redirect(_person_url(request, membership))
    # The page again, with the course and the date as typed and each error at its field.
    if membership.user_id == request.user.pk:
        return _mine_page(request, form, membership)
    return _person_page(request, membership, form)


def _person_url(request, membership):
    return (
        reverse("competence:mine")
        if membership.user_id == request.user.pk
        else reverse("competence:person", args=[membership.pk])
    )


@require_POST
def record_remove(request, pk):
    record = get_object_or_404(TrainingRecord.objects.select_related("municipality"), pk=pk)
    competence_policy.check(request.tenancy, RECORD_FOR, record)
    services.record_remove(record=record, user=request.user)
    messages.success(request, _("The course was removed from the record."))
    nxt = request.POST.get("next", "")
    return redirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else reverse("competence:mine"))


@require_POST
def item_done(request, pk):
    item = get_object_or_404(OnboardingItem.objects.select_related("membership", "municipality"), pk=pk)
    competence_policy.check(request.tenancy, RECORD_FOR, item)
    services.item_done(item=item, user=request.user)
    messages.success(request, _("The step is done."))
    return redirect(_person_url(request, item.membership))


def person(request, pk):
    """A staff member's introduction and training, for the coordinator and the manager."""
    membership = competence_policy.staff_member_or_404(request.tenancy, pk)
    if membership.user_id == request.user.pk:
        return redirect("competence:mine")
    return _person_page(request, membership)


def _person_page(request, membership, form=None):
    today = timezone.localdate()
    plan = selectors.current_plan(membership.municipality, today)
    return render(
        request,
        "competence/person.html",
        {
            "membership": membership,
            "person": selectors.people([membership], plan, today)[0],
            "checklist": selectors.checklist_of(membership),
            "records": selectors.records_of(membership.user),
            "form": form or RecordForm(courses=selectors.active_courses(membership.municipality)),
            "today": today,
        },
    )


def records_import(request, municipality_code):
    municipality = municipality_for(request.tenancy, municipality_code, competence_policy, RECORD)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = services.records_import(
            municipality=municipality, filename=upload.name, data=upload.read(), user=request.user
        )
        if not result.errors:
            messages.success(
                request,
                _("Completed courses imported: %(created)s; already recorded: %(already)s.")
                % {"created": result.created, "already": result.already},
            )
            return redirect("competence:coverage", municipality_code=municipality.code)
    return render(
        request,
        "competence/import.html",
        {
            "municipality": municipality,
            "form": form,
            "result": result,
            "courses": list(selectors.active_courses(municipality).values_list("code", "title")),
        },
    )


def import_template(request, municipality_code):
    municipality_for(request.tenancy, municipality_code, competence_policy, RECORD)
    response = HttpResponse(
        "\ufeff" + ";".join(services.IMPORT_TEMPLATE) + "\r\n", content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="genomforda-utbildningar.csv"'
    return response

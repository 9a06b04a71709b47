import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fridsam.accounts.models import Membership
from fridsam.accounts.selectors import tenancy_for_user
from fridsam.competence import ical, selectors, services
from fridsam.competence.forms import (
    CourseForm,
    EventForm,
    ImportForm,
    NoteForm,
    PlanStartForm,
    RecordForm,
    RequirementForm,
    StepForm,
)
from fridsam.competence.models import (
    CalendarFeed,
    CompetencePlan,
    Course,
    CourseLevel,
    Event,
    EventResponse,
    OnboardingItem,
    Participation,
    PlanStatus,
    RecordSource,
    StepResponsible,
    Topic,
    TrainingRecord,
)
from fridsam.competence.policies import (
    APPROVE,
    OVERSEE,
    RECORD,
    competence_policy,
    course_policy,
    event_policy,
)
from fridsam.core import reminders
from fridsam.core.forms import add_service_errors, render_form_page, run_service, save_form
from fridsam.core.policies import ADD, CHANGE, VIEW
from fridsam.core.roles import MUNICIPAL_ROLES, Role
from fridsam.core.tenancy import tenant_scope
from fridsam.evaluation import services as survey
from fridsam.evaluation.forms import SurveyForm
from fridsam.evaluation.models import Response, SurveyRound
from fridsam.evaluation.selectors import has_answered
from fridsam.organisations.models import County, Municipality, Unit
from fridsam.routines.selectors import for_memberships


def _courses_for(municipality):
    return Course.objects.filter(
        Q(municipality__isnull=True) | Q(municipality=municipality), active=True, county_id=municipality.county_id
    )


def _staff_memberships(tenancy):
    return [m for m in tenancy.memberships if m.role in MUNICIPAL_ROLES]


# --- My competence -------------------------------------------------------------------------


def mine(request):
    """The person's own page: introduction checklist, required training with deadlines, courses
    done, routines to read and events for them."""
    tenancy = request.tenancy
    competence_policy.check(tenancy, VIEW)
    today = timezone.localdate()
    memberships = _staff_memberships(tenancy)
    plans = selectors.current_plans({m.municipality_id for m in memberships}, today)
    statuses = []
    for m in memberships:
        person = selectors.people([m], plans.get(m.municipality_id), today)[0]
        statuses.append((m, person, selectors.checklist_of(m)))
    records = list(TrainingRecord.system_objects.filter(person=request.user).select_related("course"))
    municipality = memberships[0].municipality if memberships else None
    form = RecordForm(courses=_courses_for(municipality)) if municipality else None
    oversee = [m for m in tenancy.municipalities_with_role(Role.COORDINATOR, Role.MANAGER)]
    return render(
        request,
        "competence/mine.html",
        {
            "statuses": statuses,
            "records": records,
            "form": form,
            "documents": for_memberships(memberships, today),
            "events": _events_for(tenancy, today)[:5],
            "self_assessed": _self_assessed(request.user, today.year),
            "oversee": oversee,
            "analyst_counties": [m.county for m in tenancy.memberships_with_role(Role.COUNTY_ANALYST)],
            "today": today,
        },
    )


def _self_assessed(user, year) -> bool:
    return has_answered(user=user, key=selectors.SELF_ASSESSMENT_KEY, year=year)


@require_POST
def record_add(request, membership_pk):
    """Record a completed course for oneself, or (coordinator, manager) for a staff member."""
    membership = _membership(request, membership_pk)
    own = membership.user_id == request.user.pk
    if not own:
        competence_policy.check(request.tenancy, RECORD, membership.municipality)
    form = RecordForm(request.POST, courses=_courses_for(membership.municipality))
    if form.is_valid():
        try:
            services.record_add(
                person=membership.user,
                course=form.cleaned_data["course"],
                completed_on=form.cleaned_data["completed_on"],
                municipality=membership.municipality,
                source=RecordSource.SELF
                if own
                else (
                    RecordSource.MANAGER
                    if request.tenancy.has_role(Role.MANAGER, municipality=membership.municipality)
                    else RecordSource.COORDINATOR
                ),
                user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            reminders.refresh_for([membership.user_id])
            messages.success(request, _("The course was recorded."))
            return redirect(_person_url(request, membership))
    for error in [*form.non_field_errors(), *[e for f in form for e in f.errors]]:
        messages.error(request, error)
    return redirect(_person_url(request, membership))


def _person_url(request, membership):
    return (
        reverse("competence:mine")
        if membership.user_id == request.user.pk
        else reverse("competence:person", args=[membership.pk])
    )


@require_POST
def record_remove(request, pk):
    record = get_object_or_404(TrainingRecord.objects.select_related("municipality"), pk=pk)
    if record.person_id != request.user.pk:
        competence_policy.check(request.tenancy, RECORD, record.municipality)
    services.record_remove(record=record, user=request.user)
    reminders.refresh_for([record.person_id])
    messages.success(request, _("The course was removed from the record."))
    nxt = request.POST.get("next", "")
    return redirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else reverse("competence:mine"))


@require_POST
def item_done(request, pk):
    item = get_object_or_404(OnboardingItem.objects.select_related("membership", "municipality"), pk=pk)
    own = item.membership.user_id == request.user.pk
    if not (own and item.responsible == StepResponsible.PERSON):
        competence_policy.check(request.tenancy, RECORD, item.municipality)
    services.item_done(item=item, user=request.user)
    reminders.refresh_for(_item_people(item))
    messages.success(request, _("The step is done."))
    return redirect(_person_url(request, item.membership))


def _item_people(item):
    return [
        item.membership.user_id,
        *Membership.objects.active()
        .filter(municipality_id=item.municipality_id, role__in=[Role.COORDINATOR, Role.MANAGER])
        .values_list("user_id", flat=True),
    ]


def _membership(request, pk) -> Membership:
    """A staff membership the user may see: their own, or one in a municipality they oversee."""
    membership = get_object_or_404(
        Membership.objects.select_related("user", "unit", "municipality"), pk=pk, role__in=MUNICIPAL_ROLES
    )
    if membership.user_id != request.user.pk and not competence_policy.can(
        request.tenancy, RECORD, membership.municipality
    ):
        raise Http404
    return membership


def person(request, pk):
    """A staff member's introduction and training, for the coordinator and the manager."""
    membership = _membership(request, pk)
    if membership.user_id == request.user.pk:
        return redirect("competence:mine")
    today = timezone.localdate()
    plan = selectors.current_plan(membership.municipality, today)
    return render(
        request,
        "competence/person.html",
        {
            "membership": membership,
            "person": selectors.people([membership], plan, today)[0],
            "checklist": selectors.checklist_of(membership),
            "records": list(TrainingRecord.system_objects.filter(person=membership.user).select_related("course")),
            "form": RecordForm(courses=_courses_for(membership.municipality)),
            "today": today,
        },
    )


# --- Knowledge self-assessment -------------------------------------------------------------


def self_assessment(request):
    """This year's knowledge self-assessment for a staff member, on the survey engine."""
    memberships = _staff_memberships(request.tenancy)
    if not memberships:
        raise PermissionDenied
    year = timezone.localdate().year
    round_ = survey.survey_round_for_year(key=selectors.SELF_ASSESSMENT_KEY, year=year)
    previous = (
        Response.system_objects.filter(respondent=request.user, round__question_set__key=selectors.SELF_ASSESSMENT_KEY)
        .select_related("round")
        .prefetch_related("answers__question")
        .order_by("-round__year")
        .first()
    )
    initial = {a.question.key: a.value for a in previous.answers.all()} if previous else {}
    form = SurveyForm(
        request.POST or None, questions=list(round_.question_set.questions.all()), initial_answers=initial
    )
    municipalities = list({m.municipality_id: m.municipality for m in memberships}.values())

    def save(_data):
        survey.response_submit(
            round=round_,
            respondent=request.user,
            municipalities=municipalities,
            answers=form.answers(),
        )

    if save_form(
        request,
        form,
        save,
        success_message=_("Thank you: your self-assessment for %(year)s is saved.") % {"year": year},
    ):
        return redirect("competence:mine")
    return render(
        request,
        "evaluation/questionnaire.html",
        {
            "form": form,
            "round": round_,
            "previous": previous,
            "answered_this_year": previous is not None and previous.round.year == year,
        },
    )


def self_assessment_results(request, municipality_code):
    """The self-assessment per unit: means per topic, shown for units where at least three answered."""
    municipality = _municipality(request, municipality_code, OVERSEE)
    today = timezone.localdate()
    years = sorted(
        set(SurveyRound.objects.filter(question_set__key=selectors.SELF_ASSESSMENT_KEY).values_list("year", flat=True))
        | {today.year},
        reverse=True,
    )
    raw = request.GET.get("ar", "")
    year = int(raw) if raw.isdigit() and int(raw) in years else years[0]
    topics, rows = selectors.self_assessment(municipality, year, today)

    labels = dict(Topic.choices)
    return render(
        request,
        "competence/self_assessment_results.html",
        {
            "municipality": municipality,
            "year": year,
            "years": years,
            "topics": [(t, labels.get(t, t)) for t in topics],
            "rows": rows,
            "minimum": selectors.SELF_ASSESSMENT_MIN_RESPONSES,
        },
    )


# --- Catalogue -----------------------------------------------------------------------------


def catalogue(request):
    tenancy = request.tenancy
    course_policy.check(tenancy, VIEW)
    courses = course_policy.visible(tenancy)
    topic, level = request.GET.get("amne", ""), request.GET.get("niva", "")
    courses = [c for c in courses if (not topic or topic in c.topics) and (not level or c.level == level)]
    own = {
        m.pk
        for m in Municipality.objects.filter(
            pk__in=[m.municipality_id for m in tenancy.memberships if m.municipality_id]
        )
    }
    courses = [
        c
        for c in courses
        if c.municipality_id is None or c.municipality_id in own or tenancy.has_role(Role.COUNTY_ANALYST)
    ]
    add_places = [
        (m.name, reverse("competence:course_create") + f"?kommun={m.code}")
        for m in tenancy.municipalities_with_role(Role.COORDINATOR, Role.MANAGER)
    ] + [
        (m.county.name, reverse("competence:course_create") + f"?lan={m.county.code}")
        for m in tenancy.memberships_with_role(Role.COORDINATOR, Role.COUNTY_ANALYST)
    ]

    return render(
        request,
        "competence/catalogue.html",
        {
            "courses": courses,
            "topics": Topic.choices,
            "levels": CourseLevel.choices,
            "topic": topic,
            "level": level,
            "add_places": list(dict.fromkeys(add_places)),
            "can_change": {c.pk for c in courses if course_policy.can(tenancy, CHANGE, c)},
        },
    )


def _place(request):
    """(municipality, county) named by ?kommun=<kod> (a municipality's own) or ?lan=<kod> (county-wide)."""
    code, county_code = request.GET.get("kommun"), request.GET.get("lan")
    if code:
        municipality = get_object_or_404(Municipality, code=code)
        return municipality, municipality.county
    if county_code:
        return None, get_object_or_404(County, code=county_code)
    raise Http404


def course_create(request):
    tenancy = request.tenancy
    municipality, county = _place(request)
    course_policy.check(tenancy, ADD, Course(county=county, municipality=municipality))
    return _course_form(request, county=county, municipality=municipality, course=None)


def course_update(request, pk):
    course = get_object_or_404(course_policy.visible(request.tenancy), pk=pk)
    course_policy.check(request.tenancy, CHANGE, course)
    return _course_form(request, county=course.county, municipality=course.municipality, course=course)


def _course_form(request, *, county, municipality, course):
    form = CourseForm(request.POST or None, instance=course)

    def save(data):
        services.course_save(county=county, municipality=municipality, fields=data, course=course, user=request.user)

    if save_form(request, form, save, success_message=_("The course was saved.")):
        return redirect("competence:catalogue")
    return render_form_page(
        request,
        form,
        title=_("Change the course")
        if course
        else (_("New course for %(place)s") % {"place": municipality.name if municipality else county.name}),
        cancel_url=reverse("competence:catalogue"),
    )


# --- Plans ---------------------------------------------------------------------------------


def _municipality(request, code, action) -> Municipality:
    municipality = get_object_or_404(Municipality, code=code)
    competence_policy.check(request.tenancy, action, municipality)
    return municipality


def plans(request, municipality_code):
    municipality = _municipality(request, municipality_code, VIEW)
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
    form = RequirementForm(request.POST or None, initial=initial, courses=_courses_for(plan.municipality))

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


# --- Coverage ------------------------------------------------------------------------------


def coverage(request, municipality_code):
    """The gap report: coverage per unit, role and requirement; topics and groups with low
    coverage; coverage over time; new staff behind on their introduction."""
    municipality = _municipality(request, municipality_code, OVERSEE)
    today = timezone.localdate()
    plan = selectors.current_plan(municipality, today)
    result = selectors.coverage(municipality, today, plan=plan) if plan else selectors.Coverage(plan=None, on=today)
    units = {u.pk: u for u in Unit.objects.filter(municipality=municipality)}
    unit_rows = sorted(
        ((units.get(unit_id), cells) for unit_id, cells in result.by_unit().items()),
        key=lambda row: (row[0] is None, row[0].name if row[0] else ""),
    )
    by_role = result.by_role()
    role_labels = dict(Role.choices)
    low_units = [
        (unit, cell)
        for unit, cells in unit_rows
        for cell in [_sum(cells.values())]
        if cell.total and (cell.percent or 0) < 60
    ]
    return render(
        request,
        "competence/coverage.html",
        {
            "municipality": municipality,
            "coverage": result,
            "requirements": result.requirements,
            "by_requirement": result.by_requirement(),
            "unit_rows": unit_rows,
            "role_rows": [(role_labels.get(r, r), cells) for r, cells in sorted(by_role.items())],
            "low_units": low_units,
            "onboarding": list(selectors.onboarding_overview(municipality.pk, today)[:50]),
            "can_import": competence_policy.can(request.tenancy, RECORD, municipality),
            "today": today,
        },
    )


def coverage_history(request, municipality_code):
    """Coverage over time (the year-ends before, measured against the plan in force today) and the
    topics the municipality has not invested in."""
    municipality = _municipality(request, municipality_code, OVERSEE)
    today = timezone.localdate()
    plan = selectors.current_plan(municipality, today)
    history = []
    if plan is not None:
        days = [datetime.date(year, 12, 31) for year in range(today.year - 4, today.year)] + [today]
        over = selectors.coverage_over({municipality.pk: plan}, days)
        history = [(day.year, over[day][municipality.pk].basic(), over[day][municipality.pk].total()) for day in days]
    return render(
        request,
        "competence/coverage_history.html",
        {
            "municipality": municipality,
            "plan": plan,
            "history": history,
            "topics": selectors.topic_coverage(municipality.pk, today, municipality.county_id),
        },
    )


def _sum(cells):
    total = selectors.Cell()
    for cell in cells:
        total.add(cell)
    return total


def unit_people(request, municipality_code, unit_pk):
    """People of a unit with their requirements: who is behind on what."""
    municipality = _municipality(request, municipality_code, OVERSEE)
    unit = get_object_or_404(Unit.objects.filter(municipality=municipality), pk=unit_pk) if unit_pk else None
    today = timezone.localdate()
    plan = selectors.current_plan(municipality, today)
    members = selectors.staff([municipality.pk], today).filter(unit=unit).select_related("user", "unit")
    people = sorted(
        selectors.people(members, plan, today), key=lambda p: (-len(p.overdue), p.membership.user.last_name)
    )
    return render(
        request,
        "competence/unit.html",
        {
            "municipality": municipality,
            "unit": unit,
            "people": people,
            "plan": plan,
            "can_record": competence_policy.can(request.tenancy, RECORD, municipality),
            "today": today,
        },
    )


def records_import(request, municipality_code):
    municipality = _municipality(request, municipality_code, RECORD)
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
                _("%(created)s completed courses were imported; %(already)s were already recorded.")
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
            "courses": list(_courses_for(municipality).values_list("code", "title")),
        },
    )


def import_template(request, municipality_code):
    _municipality(request, municipality_code, RECORD)
    response = HttpResponse(
        "\ufeff" + ";".join(services.IMPORT_TEMPLATE) + "\r\n", content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="genomforda-utbildningar.csv"'
    return response


# --- Events --------------------------------------------------------------------------------


def _events_for(tenancy, today):
    """Upcoming events that concern the user (their units' types and roles)."""
    events = event_policy.visible(tenancy).filter(ends_at__date__gte=today)
    memberships = _staff_memberships(tenancy)
    if tenancy.has_role(Role.COUNTY_ANALYST) and not memberships:
        return list(events)
    return [
        e
        for e in events
        if any(e.concerns(m.unit.unit_type if m.unit_id else None, m.role) for m in memberships)
        and (e.municipality_id is None or e.municipality_id in {m.municipality_id for m in memberships})
    ]


def event_list(request):
    tenancy = request.tenancy
    event_policy.check(tenancy, VIEW)
    today = timezone.localdate()
    show_all = request.GET.get("alla") == "1"
    events = (
        list(event_policy.visible(tenancy).filter(ends_at__date__gte=today))
        if show_all
        else _events_for(tenancy, today)
    )
    answers = dict(EventResponse.objects.filter(user=request.user, event__in=events).values_list("event_id", "status"))
    months = {}
    for e in events:
        months.setdefault(timezone.localtime(e.starts_at).strftime("%Y-%m"), []).append((e, answers.get(e.pk)))
    feed = CalendarFeed.objects.filter(user=request.user).first()
    add_places = [(m.name, f"?kommun={m.code}") for m in tenancy.municipalities_with_role(Role.COORDINATOR)] + [
        (m.county.name, f"?lan={m.county.code}")
        for m in tenancy.memberships_with_role(Role.COORDINATOR, Role.COUNTY_ANALYST)
    ]
    return render(
        request,
        "competence/event_list.html",
        {
            "months": sorted(months.items()),
            "show_all": show_all,
            "feed_url": request.build_absolute_uri(reverse("competence:feed", args=[feed.token])) if feed else "",
            "add_places": list(dict.fromkeys(add_places)),
            "participation": Participation.choices,
        },
    )


def event_create(request):
    municipality, county = _place(request)

    event_policy.check(request.tenancy, ADD, Event(county=county, municipality=municipality))
    return _event_form(request, county=county, municipality=municipality, event=None)


def event_update(request, pk):
    event = get_object_or_404(event_policy.visible(request.tenancy), pk=pk)
    event_policy.check(request.tenancy, CHANGE, event)
    return _event_form(request, county=event.county, municipality=event.municipality, event=event)


EVENT_FIELDS = ("title", "kind", "starts_at", "ends_at", "place", "url", "description", "why", "unit_types", "roles")


def _event_form(request, *, county, municipality, event):
    courses = Course.objects.filter(county=county, active=True)
    if municipality:
        courses = courses.filter(Q(municipality__isnull=True) | Q(municipality=municipality))
    else:
        courses = courses.filter(municipality__isnull=True)
    initial = {}
    if event is not None:
        initial = {name: getattr(event, name) for name in EVENT_FIELDS} | {"course": event.course_id}
        initial["starts_at"] = timezone.localtime(event.starts_at)
        initial["ends_at"] = timezone.localtime(event.ends_at)
    form = EventForm(request.POST or None, courses=courses, initial=initial)
    saved = {}

    def save(data):
        saved["event"] = services.event_save(
            county=county, municipality=municipality, fields=data, event=event, user=request.user
        )

    message = _("The event was changed.") if event else _("The event was published to the staff it concerns.")
    if save_form(request, form, save, success_message=message):
        return redirect("competence:event_detail", pk=saved["event"].pk)
    place = municipality.name if municipality else county.name
    return render_form_page(
        request,
        form,
        title=_("Change the event") if event else _("New event for %(place)s") % {"place": place},
        intro=_(
            "Pass on trainings, conferences and county meetings to the units and roles they concern, with a "
            "word on why — instead of forwarding everything to everyone at short notice."
        ),
        cancel_url=reverse("competence:event_detail", args=[event.pk]) if event else reverse("competence:event_list"),
    )


def event_detail(request, pk):
    event = get_object_or_404(event_policy.visible(request.tenancy), pk=pk)
    if request.method == "POST":
        status = request.POST.get("status", "")
        run_service(
            request,
            lambda: services.event_respond(event=event, user=request.user, status=status),
            _("Your answer was saved."),
        )
        return redirect("competence:event_detail", pk=event.pk)
    answer = EventResponse.objects.filter(event=event, user=request.user).values_list("status", flat=True).first()
    can_change = event_policy.can(request.tenancy, CHANGE, event)
    responses = (
        list(EventResponse.objects.filter(event=event).select_related("user").order_by("status")) if can_change else []
    )
    return render(
        request,
        "competence/event_detail.html",
        {
            "event": event,
            "answer": answer,
            "participation": Participation.choices,
            "responses": responses,
            "can_change": can_change,
        },
    )


@require_POST
def feed_renew(request):
    event_policy.check(request.tenancy, VIEW)
    services.feed_token(user=request.user, renew=True)
    messages.success(request, _("Your calendar address was created. An earlier address no longer works."))
    return redirect("competence:event_list")


@login_not_required
def feed(request, token):
    """The iCalendar feed of the events that concern the person the address belongs to. Calendar
    programs fetch it without a session; the secret address is the key."""
    row = CalendarFeed.objects.select_related("user").filter(token=token).first()  # personal, not tenant data
    if row is None or not row.user.is_active:
        raise Http404
    tenancy = tenancy_for_user(user=row.user)
    with tenant_scope(tenancy.scope):
        events = _events_for(tenancy, timezone.localdate() - datetime.timedelta(days=90))
    response = HttpResponse(
        ical.calendar(events, name=_("Fridsam events")), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="fridsam.ics"'
    # Personal: neither a shared cache nor the browser keeps it (the feed has no session).
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)
    return response

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from fridsam.core.caselevel import case_level
from fridsam.core.forms import add_service_errors, save_form
from fridsam.core.pdf import render_pdf
from fridsam.core.policies import ADD, CHANGE, VIEW
from fridsam.followup import instruments as instrument_defs
from fridsam.followup import purpose as read_purpose
from fridsam.followup import reads, selectors, services, suv
from fridsam.followup.forms import (
    AssessmentForm,
    CloseForm,
    ConsultationForm,
    FindForm,
    InterventionForm,
    PurposeForm,
    ReassignForm,
    RecordForm,
    ReopenForm,
    ReplyForm,
)
from fridsam.followup.models import (
    Category,
    ConsultationStatus,
    Instrument,
    Intervention,
    Status,
)
from fridsam.followup.policies import (
    ANSWER,
    BENCHMARK,
    REASSIGN,
    answering_municipality_ids,
    consultation_policy,
    followup_policy,
)
from fridsam.organisations.models import Municipality, Unit
from fridsam.organisations.policies import municipality_policy
from fridsam.statistics import exports

RECORD = "followup.followuprecord"


@require_http_methods(["GET", "POST"])
def purpose(request):
    followup_policy.check(request.tenancy, VIEW)
    next_url = request.POST.get("next") or request.GET.get("next") or reverse("followup:record_list")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("followup:record_list")
    form = PurposeForm(request.POST or None)
    if request.method == "POST" and "end" in request.POST:
        read_purpose.end(request)
        messages.success(request, _("The purpose was ended."))
        return redirect("followup:record_list")
    if request.method == "POST" and form.is_valid():
        read_purpose.give(request, form.cleaned_data["purpose"], form.cleaned_data["detail"].strip())
        return redirect(next_url)
    return render(
        request,
        "followup/purpose.html",
        {"form": form, "next": next_url, "current": read_purpose.current(request)},
    )


@case_level(RECORD, many=True)
def record_list(request):
    tenancy = request.tenancy
    followup_policy.check(tenancy, VIEW)
    is_worker = bool(followup_policy.worker_memberships(tenancy))
    reads_others = followup_policy.reads_others(tenancy)
    view = request.GET.get("vy") or ("mina" if is_worker else "alla")
    if view not in ("mina", "alla") or (view == "alla" and not reads_others) or (view == "mina" and not is_worker):
        view = "mina" if is_worker else "alla"
    filters = selectors.RecordFilter(mine_only=view == "mina")
    filters.status = request.GET.get("status", "") if request.GET.get("status") in Status.values else ""
    filters.category = request.GET.get("kategori", "") if request.GET.get("kategori") in Category.values else ""
    year = request.GET.get("ar", "")
    filters.year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None
    purpose_text = ""
    if not filters.mine_only:
        response, purpose_text = read_purpose.required(request)
        if response:
            return response
    page = reads.record_list_read(tenancy=tenancy, filters=filters, page=request.GET.get("sida"), purpose=purpose_text)
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "followup/record_list.html",
        {
            "page": page,
            "view": view,
            "is_worker": is_worker,
            "reads_others": reads_others,
            "filters": filters,
            "statuses": Status.choices,
            "categories": Category.choices,
            "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1),
            "query": query.urlencode(),
            "find_form": FindForm(),
            "purpose": purpose_text,
            "benchmark": [
                m
                for m in {mb.municipality for mb in tenancy.memberships if mb.municipality_id}
                if followup_policy.can(tenancy, BENCHMARK, m)
            ],
            "benchmark_year": timezone.localdate().year - 1,
        },
    )


@case_level(RECORD, many=True)
def record_export_suv(request, municipality_code, year):
    """A municipality's records of adults subjected to violence, opened in *year*, in SKR's
    SU-Kvinnofrid variable set (docs/su-kvinnofrid.md), for benchmarking."""
    tenancy = request.tenancy
    municipality = municipality_policy.get_or_404(tenancy, VIEW, code=municipality_code)
    if not followup_policy.can(tenancy, BENCHMARK, municipality) or not 2000 <= year <= timezone.localdate().year:
        raise Http404
    response, purpose_text = read_purpose.required(request)
    if response:
        return response
    records = reads.suv_export_read(tenancy=tenancy, municipality=municipality, year=year, purpose=purpose_text)
    header, body = suv.rows(records)
    return exports.download(f"su-kvinnofrid-{municipality.code}-{year}", header, body, kind="csv")


@case_level(RECORD, many=True)
def record_export(request):
    tenancy = request.tenancy
    followup_policy.check(tenancy, VIEW)
    mine = request.GET.get("vy", "mina") == "mina" and bool(followup_policy.worker_memberships(tenancy))
    purpose_text = ""
    if not mine:
        response, purpose_text = read_purpose.required(request)
        if response:
            return response
    rows = reads.record_export_read(tenancy=tenancy, mine_only=mine, purpose=purpose_text)
    header = [
        pgettext("follow-up record", "Record"), _("Municipality"), _("Unit"), _("Opened"), _("Category"), _("Sex"),
        _("Age"), _("Status"),
        _("Screening"), _("Risk assessment"), _("Risk level"), _("Closed"), _("Outcome"),
    ]  # fmt: skip
    body = [
        [
            r.number,
            r.municipality.name,
            r.unit.name,
            r.opened_on,
            r.get_category_display(),
            r.get_sex_display(),
            r.get_age_band_display(),
            r.get_status_display(),
            r.screening_on or "",
            r.risk_assessed_on or "",
            r.get_risk_level_display(),
            r.closed_on or "",
            r.get_outcome_display(),
        ]
        for r in rows
    ]
    return exports.download("uppfoljning", header, body, kind="csv")


@require_POST
@case_level(RECORD, many=True)
def record_find(request):
    tenancy = request.tenancy
    followup_policy.check(tenancy, VIEW)
    form = FindForm(request.POST)
    if form.is_valid():
        record = reads.record_find(
            tenancy=tenancy,
            reference=form.cleaned_data["reference"],
            purpose=read_purpose.current(request),
        )
        if record is not None:
            return redirect("followup:record_detail", pk=record.pk)
        messages.warning(request, _("No record that you may see has this reference."))
    else:
        for error in form.errors.get("reference", []):
            messages.error(request, error)
    return redirect("followup:record_list")


@require_http_methods(["GET", "POST"])
def record_create(request):
    tenancy = request.tenancy
    followup_policy.check(tenancy, ADD)
    memberships = followup_policy.worker_memberships(tenancy)
    municipality_ids = {m.municipality_id for m in memberships}
    own_units = [m.unit_id for m in memberships if m.unit_id]
    units = Unit.objects.filter(municipality_id__in=municipality_ids).select_related("municipality").order_by("name")
    if own_units and all(m.unit_id for m in memberships):
        units = units.filter(pk__in=own_units)
    form = RecordForm(
        request.POST or None,
        units=units,
        with_reference=True,
        initial={"opened_on": timezone.localdate(), "unit": units[0] if len(units) == 1 else None},
    )
    created = {}

    def save(data):
        unit = data["unit"]
        followup_policy.check(tenancy, ADD, unit.municipality)
        created["record"] = services.record_create(
            owner=tenancy.user,
            municipality=unit.municipality,
            unit=unit,
            reference=data["reference"],
            fields=form.record_fields(),
        )

    if save_form(request, form, save, success_message=_("The record was registered.")):
        return redirect("followup:record_detail", pk=created["record"].pk)
    return render(request, "followup/record_form.html", {"form": form, "record": None})


@case_level(RECORD, kwarg="pk")
def record_detail(request, pk):
    tenancy = request.tenancy
    probe = selectors.record_for_change(tenancy=tenancy, pk=pk, action=VIEW)
    response, purpose_text = read_purpose.required(request, probe)
    if response:
        return response
    record = reads.record_read(tenancy=tenancy, pk=pk, purpose=purpose_text)
    can_change = followup_policy.can(tenancy, CHANGE, record)
    return render(
        request,
        "followup/record_detail.html",
        {
            "record": record,
            "can_change": can_change and record.status == Status.OPEN,
            "can_reopen": can_change and record.status == Status.CLOSED,
            "can_reassign": followup_policy.can(tenancy, REASSIGN, record),
            "instrument_versions": selectors.instrument_versions() if can_change else [],
            "purpose": purpose_text,
            "is_owner": followup_policy.is_owner(tenancy, record),
        },
    )


@require_http_methods(["GET", "POST"])
@case_level(RECORD, kwarg="pk")
def record_update(request, pk):
    record = selectors.record_for_change(tenancy=request.tenancy, pk=pk, action=CHANGE)
    reads.record_shown(tenancy=request.tenancy, record=record, detail="change")
    form = RecordForm(request.POST or None, instance=record)

    def save(data):
        services.record_update(record=record, fields=form.record_fields(), user=request.user)

    if record.status != Status.OPEN:
        messages.error(request, _("A closed record cannot be changed: reopen it first."))
        return redirect("followup:record_detail", pk=record.pk)
    if save_form(request, form, save, success_message=_("The record was saved.")):
        return redirect("followup:record_detail", pk=record.pk)
    return render(request, "followup/record_form.html", {"form": form, "record": record})


@require_http_methods(["GET", "POST"])
@case_level(RECORD, kwarg="pk")
def intervention_add(request, pk):
    record = selectors.record_for_change(tenancy=request.tenancy, pk=pk, action=CHANGE)
    reads.record_shown(tenancy=request.tenancy, record=record, detail="intervention")
    form = InterventionForm(request.POST or None, initial={"started_on": timezone.localdate()})

    def save(data):
        services.intervention_add(record=record, user=request.user, **data)

    if save_form(request, form, save, success_message=_("The intervention was added.")):
        return redirect("followup:record_detail", pk=record.pk)
    return render(
        request, "followup/step_form.html", {"form": form, "record": record, "title": _("Add an intervention")}
    )


@require_POST
@case_level(RECORD, kwarg="pk")
def intervention_remove(request, pk, intervention_pk):
    record = selectors.record_for_change(tenancy=request.tenancy, pk=pk, action=CHANGE)
    intervention = get_object_or_404(Intervention.objects.filter(record=record), pk=intervention_pk)
    try:
        services.intervention_remove(intervention=intervention, user=request.user)
        messages.success(request, _("The intervention was removed."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("followup:record_detail", pk=record.pk)


@require_http_methods(["GET", "POST"])
@case_level(RECORD, kwarg="pk")
def record_close(request, pk):
    record = selectors.record_for_change(tenancy=request.tenancy, pk=pk, action=CHANGE)
    reads.record_shown(tenancy=request.tenancy, record=record, detail="close")
    form = CloseForm(request.POST or None, initial={"closed_on": timezone.localdate(), "client_view": "not_recorded"})

    def save(data):
        services.record_close(
            record=record,
            closed_on=data["closed_on"],
            reason=data["closure_reason"],
            outcome=data["outcome"],
            client_view=data["client_view"],
            user=request.user,
        )

    if save_form(request, form, save, success_message=_("The record was closed.")):
        return redirect("followup:record_detail", pk=record.pk)
    return render(request, "followup/step_form.html", {"form": form, "record": record, "title": _("Close the record")})


@require_http_methods(["GET", "POST"])
@case_level(RECORD, kwarg="pk")
def record_reopen(request, pk):
    record = selectors.record_for_change(tenancy=request.tenancy, pk=pk, action=CHANGE)
    reads.record_shown(tenancy=request.tenancy, record=record, detail="reopen")
    form = ReopenForm(request.POST or None)

    def save(data):
        services.record_reopen(record=record, reason=data["reason"], user=request.user)

    if save_form(request, form, save, success_message=_("The record was reopened.")):
        return redirect("followup:record_detail", pk=record.pk)
    return render(request, "followup/step_form.html", {"form": form, "record": record, "title": _("Reopen the record")})


@require_http_methods(["GET", "POST"])
@case_level(RECORD, kwarg="pk")
def record_reassign(request, pk):
    tenancy = request.tenancy
    record = selectors.record_for_change(tenancy=tenancy, pk=pk, action=REASSIGN)
    response, purpose_text = read_purpose.required(request, record)
    if response:
        return response
    reads.record_shown(tenancy=tenancy, record=record, purpose=purpose_text, detail="reassign")
    owners = selectors.record_owners(municipality_id=record.municipality_id)
    form = ReassignForm(request.POST or None, owners=owners, initial={"owner": record.owner_id})

    def save(data):
        services.record_reassign(record=record, owner=data["owner"], user=request.user)

    if save_form(request, form, save, success_message=_("The record has a new owner.")):
        return redirect("followup:record_list")
    return render(
        request,
        "followup/step_form.html",
        {"form": form, "record": record, "title": _("Give the record to another social worker")},
    )


@require_http_methods(["GET", "POST"])
@case_level(RECORD, kwarg="pk")
def assessment_create(request, pk, instrument_key):
    record = selectors.record_for_change(tenancy=request.tenancy, pk=pk, action=CHANGE)
    reads.record_shown(tenancy=request.tenancy, record=record, detail="assessment")
    instrument = get_object_or_404(Instrument.objects.filter(is_active=True), key=instrument_key)
    version = services.current_version(instrument)
    if version is None:
        raise Http404
    definition = instrument_defs.parse(version.definition)
    form = AssessmentForm(request.POST or None, initial={"assessed_on": timezone.localdate()})
    answers, item_errors, result = {}, {}, None
    if request.method == "POST":
        answers, item_errors = instrument_defs.clean_answers(definition, request.POST)
        if not item_errors:
            result = instrument_defs.score(definition, answers)
        if form.is_valid() and not item_errors and "save" in request.POST:
            try:
                assessment = services.assessment_save(
                    record=record,
                    version=version,
                    data=services.AssessmentInput(
                        assessed_on=form.cleaned_data["assessed_on"],
                        answers=answers,
                        override_level=form.cleaned_data["override_level"],
                        motivation=form.cleaned_data["motivation"],
                    ),
                    user=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The assessment was saved."))
                return redirect("followup:assessment_detail", pk=record.pk, assessment_pk=assessment.pk)
    submitted = {k: str(v) for k, v in answers.items()} if request.method == "POST" else {}
    if request.method == "POST":
        # Re-show what was typed, also for answers that did not pass.
        submitted.update({k: request.POST.get(f"item_{k}", "") for k in item_errors})
    return render(
        request,
        "followup/assessment_form.html",
        {
            "record": record,
            "instrument": instrument,
            "version": version,
            "definition": definition,
            "form": form,
            "answers": submitted,
            "item_errors": item_errors,
            "result": result,
            "scale_values": {
                item.key: range(item.min, item.max + 1) for item in definition.items.values() if item.type == "scale"
            },
        },
    )


def _assessment(request, pk, assessment_pk):
    tenancy = request.tenancy
    record = selectors.record_for_change(tenancy=tenancy, pk=pk, action=VIEW)
    response, purpose_text = read_purpose.required(request, record)
    if response:
        return response, None, None
    assessment = reads.assessment_read(tenancy=tenancy, record=record, pk=assessment_pk, purpose=purpose_text)
    definition = instrument_defs.parse(assessment.instrument_version.definition)
    rows = [
        (section, [(item, item.answer_label(assessment.answers.get(item.key))) for item in section.items])
        for section in definition.sections
    ]
    scores = [(s.label, assessment.scores.get(s.key)) for s in definition.scores]
    return (
        None,
        record,
        {"record": record, "assessment": assessment, "definition": definition, "rows": rows, "scores": scores},
    )


@case_level("followup.assessment", kwarg="assessment_pk")
def assessment_detail(request, pk, assessment_pk):
    response, _record, context = _assessment(request, pk, assessment_pk)
    if response:
        return response
    return render(request, "followup/assessment_detail.html", context)


@case_level("followup.assessment", kwarg="assessment_pk")
def assessment_pdf(request, pk, assessment_pk):
    response, record, context = _assessment(request, pk, assessment_pk)
    if response:
        return response
    html = render_to_string("followup/assessment_pdf.html", {**context, "printed_at": timezone.now()}, request=request)
    pdf = render_pdf(html)
    result = HttpResponse(pdf, content_type="application/pdf")
    result["Content-Disposition"] = f'attachment; filename="bedomning-{record.number}-{assessment_pk}.pdf"'
    return result


def instrument_list(request):
    followup_policy.check(request.tenancy, VIEW)
    return render(request, "followup/instrument_list.html", {"rows": selectors.instrument_versions()})


# --- Consultations -----------------------------------------------------------------------------


@case_level("followup.consultation", many=True)
def consultation_list(request):
    tenancy = request.tenancy
    consultation_policy.check(tenancy, VIEW)
    mine, queue, queue_total = reads.consultation_lists_read(tenancy=tenancy)
    return render(
        request,
        "followup/consultation_list.html",
        {
            "mine": mine,
            "queue": queue,
            "queue_total": queue_total,
            "answers": bool(answering_municipality_ids(tenancy)),
            "can_ask": consultation_policy.can(tenancy, ADD),
        },
    )


@require_http_methods(["GET", "POST"])
@case_level(RECORD, query="uppfoljning", many=True)
def consultation_create(request):
    tenancy = request.tenancy
    memberships = consultation_policy.asker_memberships(tenancy)
    if not memberships:
        raise PermissionDenied
    membership = memberships[0]
    municipality = membership.municipality
    unit = membership.unit or Unit.objects.filter(municipality=municipality).order_by("name").first()
    record_pk = request.GET.get("uppfoljning", "")
    own_records = reads.own_open_records_read(
        tenancy=tenancy, municipality=municipality, detail="consultation form", asked=record_pk
    )
    initial = {"urgency": "week"}
    if record_pk.isdigit():
        initial["record"] = own_records.filter(pk=int(record_pk)).first()
    form = ConsultationForm(
        request.POST or None,
        assignees=selectors.answerers(municipality).exclude(pk=tenancy.user.pk),
        records=own_records,
        initial=initial,
    )
    created = {}

    def save(data):
        consultation_policy.check(tenancy, ADD, municipality)
        created["c"] = services.consultation_ask(
            asked_by=tenancy.user,
            municipality=municipality,
            unit=unit,
            question=data["question"],
            topic=data["topic"],
            urgency=data["urgency"],
            record=data["record"],
            assignee=data["assignee"],
        )

    if unit is None:
        messages.error(request, _("Your municipality has no units in Fridsam yet."))
        return redirect("followup:consultation_list")
    if save_form(request, form, save, success_message=_("Your question was sent.")):
        return redirect("followup:consultation_detail", pk=created["c"].pk)
    return render(request, "followup/consultation_form.html", {"form": form, "municipality": municipality})


@require_http_methods(["GET", "POST"])
@case_level("followup.consultation", kwarg="pk")
def consultation_detail(request, pk):
    tenancy = request.tenancy
    consultation = reads.consultation_read(tenancy=tenancy, pk=pk)
    can_answer = consultation_policy.can(tenancy, ANSWER, consultation)
    is_asker = consultation.asked_by_id == tenancy.user.pk
    open_ = consultation.status != ConsultationStatus.CLOSED
    form = ReplyForm(request.POST if request.method == "POST" and "reply" in request.POST else None)
    if request.method == "POST":
        if not open_ or not (can_answer or is_asker):
            raise PermissionDenied
        if "close" in request.POST:
            services.consultation_close(consultation=consultation, user=request.user)
            messages.success(request, _("The consultation was closed."))
            return redirect("followup:consultation_list")

        def save(data):
            services.consultation_reply(consultation=consultation, author=request.user, text=data["text"])

        if save_form(request, form, save, success_message=_("Your answer was sent.")):
            return redirect("followup:consultation_detail", pk=consultation.pk)
    # The linked record is shown as the record page would show it: logged, with the purpose of
    # whoever is not its owner (without one, the page links to the purpose form instead).
    record = consultation.record
    record_visible = record is not None and followup_policy.can(tenancy, VIEW, record)
    needs_purpose = False
    if record_visible:
        response, purpose_text = read_purpose.required(request, record)
        if response:
            record_visible, needs_purpose = False, True
        else:
            reads.record_shown(tenancy=tenancy, record=record, purpose=purpose_text, detail="consultation")
    return render(
        request,
        "followup/consultation_detail.html",
        {
            "c": consultation,
            "form": form,
            "can_reply": open_ and (can_answer or is_asker),
            "can_close": open_,
            "is_asker": is_asker,
            "record": record if record_visible else None,
            "record_needs_purpose": needs_purpose,
        },
    )


def consultation_statistics(request):
    tenancy = request.tenancy
    ids = consultation_policy.statistics_municipality_ids(tenancy)
    if not ids:
        raise PermissionDenied
    rows = reads.consultation_statistics_read(
        tenancy=tenancy, municipality_ids=ids, since=selectors.twelve_months_ago()
    )
    municipalities = Municipality.objects.filter(pk__in=ids).order_by("name")
    return render(request, "followup/consultation_statistics.html", {"rows": rows, "municipalities": municipalities})

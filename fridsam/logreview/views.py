import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fridsam.accounts.models import Membership, User
from fridsam.core.caselevel import case_level
from fridsam.core.forms import save_form
from fridsam.core.logdetail import readable_detail
from fridsam.core.policies import CHANGE, VIEW
from fridsam.logreview import drawing, services
from fridsam.logreview.forms import MarkForm, PlanForm, SignForm, WhatReadForm, WhoReadForm
from fridsam.logreview.models import Flag
from fridsam.logreview.policies import DRAW, MARK, SIGN, item_policy, plan_policy, review_policy

REVIEW = "logreview.review"
ITEMS_PER_PAGE = 100


def _municipality(request, municipality_code, policy, action):
    municipality = request.tenancy.municipality_or_404(municipality_code)
    policy.check(request.tenancy, action, municipality)
    return municipality


def _index_url(municipality):
    return reverse("logreview:index", kwargs={"municipality_code": municipality.code})


@case_level(REVIEW, kwarg="municipality_code", many=True)
def index(request, municipality_code):
    municipality = _municipality(request, municipality_code, review_policy, VIEW)
    rows = services.reviews_overview_read(tenancy=request.tenancy, municipality=municipality)
    plan = services.plan_for(municipality)
    year = timezone.localdate().year
    return render(
        request,
        "logreview/index.html",
        {
            "municipality": municipality,
            "plan": plan,
            "rows": rows,
            "years": [year, year - 1],
            "can_change_plan": plan_policy.can(request.tenancy, CHANGE, municipality),
        },
    )


@require_POST
@case_level(REVIEW, kwarg="municipality_code", many=True)
def draw(request, municipality_code):
    municipality = _municipality(request, municipality_code, review_policy, DRAW)
    plan = services.plan_for(municipality)
    try:
        start = datetime.date.fromisoformat(request.POST.get("start", ""))
    except ValueError:
        messages.error(request, _("Choose a period to review."))
        return redirect(_index_url(municipality))
    try:
        review = services.review_draw(
            municipality=municipality,
            period=drawing.period_containing(start, plan.frequency_months),
            user=request.user,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(_index_url(municipality))
    return redirect("logreview:review", pk=review.pk)


@case_level(REVIEW, kwarg="pk")
def review(request, pk):
    flag = request.GET.get("flagga", "")
    flag = flag if flag in Flag.values else ""
    page = services.review_read(tenancy=request.tenancy, pk=pk, flag=flag)
    tenancy = request.tenancy
    shown = Paginator(page.items, ITEMS_PER_PAGE).get_page(request.GET.get("sida"))
    groups = []
    for item in shown:
        if not groups or groups[-1][0] != item.unit:
            groups.append((item.unit, []))
        groups[-1][1].append((item, item_policy.can(tenancy, MARK, item)))
    counts = {f: 0 for f in Flag.values}
    for item in page.review.items.values_list("flags", flat=True):
        for f in item:
            counts[f] = counts.get(f, 0) + 1
    return render(
        request,
        "logreview/review.html",
        {
            "municipality": page.review.municipality,
            "review": page.review,
            "page": page,
            "groups": groups,
            "shown": shown,
            "flag": flag,
            "flags": [(f, Flag(f).label, counts[f]) for f in Flag.values],
            "mark_form": MarkForm(),
            "sign_form": SignForm(),
            "can_sign": review_policy.can(tenancy, SIGN, page.review),
        },
    )


@require_POST
@case_level("logreview.reviewitem", kwarg="pk")
def item_mark(request, pk):
    item = item_policy.get_or_404(request.tenancy, MARK, queryset=item_policy.visible(request.tenancy), pk=pk)
    form = MarkForm(request.POST)
    query = QueryDict(mutable=True)
    if request.POST.get("flagga") in Flag.values:
        query["flagga"] = request.POST["flagga"]
    if request.POST.get("sida", "").isdigit():
        query["sida"] = request.POST["sida"]
    url = reverse("logreview:review", kwargs={"pk": item.review_id}) + (f"?{query.urlencode()}" if query else "")
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(f"{url}#read-{item.pk}")
    try:
        services.item_mark(
            item=item, verdict=form.cleaned_data["verdict"], note=form.cleaned_data["note"], user=request.user
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(f"{url}#read-{item.pk}")
    verdict = item.get_verdict_display()
    messages.success(request, _("Read #%(n)s: %(verdict)s.") % {"n": item.sequence, "verdict": verdict})
    return redirect(f"{url}#read-{item.pk}")


@require_POST
@case_level(REVIEW, kwarg="pk")
def sign(request, pk):
    review = review_policy.get_or_404(request.tenancy, SIGN, pk=pk)
    form = SignForm(request.POST)
    url = reverse("logreview:review", kwargs={"pk": review.pk})
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(url)
    try:
        services.review_sign(review=review, conclusion=form.cleaned_data["conclusion"], user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(url)
    messages.success(request, _("The review is signed."))
    return redirect(url)


@case_level(REVIEW, kwarg="municipality_code", many=True)
def year_summary(request, municipality_code, year):
    municipality = _municipality(request, municipality_code, review_policy, VIEW)
    summary = services.year_summary_read(tenancy=request.tenancy, municipality=municipality, year=year)
    return render(request, "logreview/year.html", {"municipality": municipality, "summary": summary})


def _entries(page):
    return [(e, readable_detail(e)) for e in page]


@case_level("core.accesslogentry", kwarg="municipality_code", query="id", many=True, optional=True)
def who_read(request, municipality_code):
    municipality = _municipality(request, municipality_code, review_policy, VIEW)
    data = {"typ": "followup.followuprecord", **request.GET.dict()} if "id" in request.GET else None
    form = WhoReadForm(data)
    page = None
    if form.is_bound and form.is_valid():
        page = services.who_read(
            tenancy=request.tenancy,
            municipality=municipality,
            object_type=form.cleaned_data["typ"],
            object_id=str(form.cleaned_data["id"]),
            page=request.GET.get("sida"),
        )
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "logreview/who_read.html",
        {
            "municipality": municipality,
            "form": form,
            "page": page,
            "entries": _entries(page) if page else [],
            "query": query.urlencode(),
        },
    )


def _people(municipality):
    ids = Membership.objects.filter(municipality=municipality).values("user_id")
    return list(User.objects.filter(pk__in=ids).order_by("last_name", "first_name", "username"))


@case_level("core.accesslogentry", kwarg="municipality_code", query="person", many=True, optional=True)
def what_read(request, municipality_code):
    municipality = _municipality(request, municipality_code, review_policy, VIEW)
    people = _people(municipality)
    form = WhatReadForm(request.GET if "person" in request.GET else None, people=people)
    page = None
    person = None
    if form.is_bound:
        # The question is logged even when it names nobody of the municipality.
        chosen = request.GET.get("person", "")
        person = next((p for p in people if str(p.pk) == chosen), None)
        page = services.what_read(
            tenancy=request.tenancy,
            municipality=municipality,
            person=person,
            asked=chosen,
            page=request.GET.get("sida"),
        )
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "logreview/what_read.html",
        {
            "municipality": municipality,
            "form": form,
            "person": person,
            "page": page,
            "entries": _entries(page) if page else [],
            "query": query.urlencode(),
        },
    )


@require_http_methods(["GET", "POST"])
def plan_edit(request, municipality_code):
    municipality = _municipality(request, municipality_code, plan_policy, CHANGE)
    plan = services.plan_for(municipality)
    form = PlanForm(request.POST or None, instance=plan)
    if save_form(
        request,
        form,
        lambda data: services.plan_save(municipality=municipality, fields=data, user=request.user),
        success_message=_("The log review plan is saved."),
    ):
        return redirect("logreview:routine", municipality_code=municipality.code)
    return render(request, "logreview/plan_form.html", {"municipality": municipality, "form": form})


def routine(request, municipality_code):
    municipality = _municipality(request, municipality_code, plan_policy, VIEW)
    plan = services.plan_for(municipality)
    return render(
        request,
        "logreview/routine.html",
        {
            "municipality": municipality,
            "plan": plan,
            "can_change": plan_policy.can(request.tenancy, CHANGE, municipality),
            "can_review": review_policy.can(request.tenancy, VIEW, municipality),
        },
    )

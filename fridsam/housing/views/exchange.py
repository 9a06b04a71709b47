"""The housing exchange: commitments, apartments, applicants, matching runs and their proposals,
allocations and the ledger."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from fridsam.core.caselevel import case_level
from fridsam.core.forms import render_form_page, save_form
from fridsam.core.kept import kept_page
from fridsam.core.policies import ADD, CHANGE, VIEW
from fridsam.housing import selectors, services
from fridsam.housing.forms import ApartmentForm, ApplicantForm, CommitmentForm, MoveInForm, WithdrawForm
from fridsam.housing.models import LIVE_STATUSES, AllocationStatus, Apartment, ApartmentStatus, ApplicantStatus
from fridsam.housing.policies import (
    ACCEPT,
    ALLOCATE,
    MATCH,
    MOVE_IN,
    REVEAL,
    WITHDRAW,
    allocation_policy,
    applicant_policy,
    exchange_policy,
    match_run_policy,
    proposal_policy,
)
from fridsam.housing.views.common import user_county


@kept_page
def exchange_index(request):
    tenancy = request.tenancy
    exchange_policy.check(tenancy, VIEW)
    county = user_county(request)
    own = exchange_policy.own_municipality_ids(tenancy)
    allocations = list(
        selectors.live_allocations(allocation_policy.visible(tenancy)).select_related(
            "apartment__municipality", "applicant__municipality"
        )
    )
    year = timezone.localdate().year
    return render(
        request,
        "housing/exchange_index.html",
        {
            "county": county,
            "todo": selectors.allocations_needing(tenancy, allocations),
            "allocations": allocations,
            "apartments": Apartment.objects.filter(municipality_id__in=sorted(own))
            .exclude(status=ApartmentStatus.WITHDRAWN)
            .select_related("municipality"),
            "applicants": applicant_policy.visible(tenancy).filter(status=ApplicantStatus.WAITING),
            "last_run": match_run_policy.visible(tenancy).filter(county=county).first(),
            "ledger": [r for r in selectors.ledger(county, year) if r.municipality.pk in own],
            "year": year,
            "can_add": exchange_policy.can(tenancy, ADD),
            "can_match": exchange_policy.can(tenancy, MATCH),
            "reads_applicants": applicant_policy.can(tenancy, VIEW),
        },
    )


def ledger(request):
    tenancy = request.tenancy
    exchange_policy.check(tenancy, VIEW)
    county = user_county(request)
    years = selectors.ledger_years(county)
    raw = request.GET.get("ar", "")
    year = int(raw) if raw.isdigit() and int(raw) in years else years[0]
    rows = selectors.ledger(county, year)
    totals = {
        "committed": sum(r.committed or 0 for r in rows),
        "offered": sum(r.offered for r in rows),
        "short": sum(r.shortfall or 0 for r in rows),
        "given": sum(r.given for r in rows),
        "taken": sum(r.taken for r in rows),
        "home": sum(r.placed_at_home for r in rows),
    }
    return render(
        request,
        "housing/ledger.html",
        {
            "county": county,
            "rows": rows,
            "year": year,
            "years": years,
            "totals": totals,
            "can_add": exchange_policy.can(tenancy, ADD),
        },
    )


def commitment_edit(request):
    tenancy = request.tenancy
    exchange_policy.check(tenancy, ADD)
    municipalities = exchange_policy.adding_municipalities(tenancy)
    form = CommitmentForm(request.POST or None, municipalities=municipalities)

    def save(data):
        services.commitment_set(
            municipality=data["municipality"],
            year=data["year"],
            apartments=data["apartments"],
            user=request.user,
        )

    if save_form(request, form, save, success_message=_("The commitment was saved.")):
        return redirect("housing:ledger")
    return render_form_page(
        request,
        form,
        title=_("Commitment to the housing exchange"),
        cancel_url=reverse("housing:ledger"),
        intro=_("How many apartments the municipality commits to offer to the county pool this year."),
    )


def apartment_create(request):
    tenancy = request.tenancy
    exchange_policy.check(tenancy, ADD)
    form = ApartmentForm(request.POST or None, municipalities=exchange_policy.adding_municipalities(tenancy))
    saved = {}

    def save(data):
        exchange_policy.check(tenancy, ADD, data["municipality"])
        fields = {k: data[k] for k in services.APARTMENT_FIELDS}
        saved["apartment"] = services.apartment_offer(
            municipality=data["municipality"],
            fields=fields,
            address=data["address"],
            user=request.user,
        )

    if save_form(request, form, save, success_message=_("The apartment was offered to the pool.")):
        return redirect("housing:apartment_detail", pk=saved["apartment"].pk)
    return render_form_page(
        request,
        form,
        title=_("Offer an apartment to the pool"),
        cancel_url=reverse("housing:exchange_index"),
        submit=_("Offer"),
    )


def _apartment_context(request, apartment, **extra):
    tenancy = request.tenancy
    allocations = selectors.apartment_allocations(tenancy, apartment)
    return {
        "apartment": apartment,
        "allocations": allocations,
        "can_reveal": exchange_policy.can(tenancy, REVEAL, apartment),
        "can_change": exchange_policy.can(tenancy, CHANGE, apartment)
        and apartment.status == ApartmentStatus.OFFERED
        and not any(a.status in LIVE_STATUSES for a in allocations),
        **extra,
    }


def apartment_detail(request, pk):
    apartment = exchange_policy.get_or_404(request.tenancy, VIEW, pk=pk)
    return render(request, "housing/apartment_detail.html", _apartment_context(request, apartment))


@require_POST
def apartment_reveal(request, pk):
    apartment = exchange_policy.get_or_404(request.tenancy, REVEAL, pk=pk)
    address = services.apartment_address_reveal(apartment=apartment, user=request.user)
    return render(request, "housing/apartment_detail.html", _apartment_context(request, apartment, address=address))


@require_POST
def apartment_withdraw(request, pk):
    apartment = exchange_policy.get_or_404(request.tenancy, CHANGE, pk=pk)
    try:
        services.apartment_withdraw(apartment=apartment, user=request.user)
        messages.success(request, _("The apartment was withdrawn from the pool."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("housing:apartment_detail", pk=apartment.pk)


def applicant_create(request):
    tenancy = request.tenancy
    applicant_policy.check(tenancy, ADD)
    county = user_county(request)
    form = ApplicantForm(
        request.POST or None, municipalities=exchange_policy.adding_municipalities(tenancy), county=county
    )
    saved = {}

    def save(data):
        applicant_policy.check(tenancy, ADD, data["municipality"])
        saved["applicant"] = services.applicant_register(
            municipality=data["municipality"],
            data=services.ApplicantInput(
                reference=data["reference"],
                adults=data["adults"],
                children_ages=data["children_ages"],
                min_rooms=data["min_rooms"],
                needs_accessible=data["needs_accessible"],
                needs_ground_or_lift=data["needs_ground_or_lift"],
                excluded=list(data["excluded"]),
                preferred=list(data["preferred"]),
                months_in_protected_housing=data["months_in_protected_housing"],
            ),
            user=request.user,
        )

    if save_form(request, form, save, success_message=_("The applicant was registered in the exchange.")):
        return redirect("housing:applicant_detail", pk=saved["applicant"].pk)
    return render_form_page(
        request,
        form,
        title=_("Register an applicant"),
        cancel_url=reverse("housing:exchange_index"),
        intro=_(
            "No name or personal identity number: the case reference is kept only as a keyed hash. "
            "Other municipalities see the household's size and needs, never the excluded municipalities."
        ),
        submit=_("Register"),
    )


@case_level("housing.applicant", kwarg="pk")
def applicant_detail(request, pk):
    tenancy = request.tenancy
    applicant = services.applicant_read(tenancy=tenancy, pk=pk)
    allocations = list(applicant.allocations.select_related("apartment__municipality").order_by("-created_at"))
    return render(
        request,
        "housing/applicant_detail.html",
        {
            "applicant": applicant,
            "allocations": allocations,
            "can_change": applicant_policy.can(tenancy, CHANGE, applicant)
            and applicant.status == ApplicantStatus.WAITING
            and not any(a.status in LIVE_STATUSES for a in allocations),
        },
    )


@require_POST
@case_level("housing.applicant", kwarg="pk")
def applicant_withdraw(request, pk):
    applicant = applicant_policy.get_or_404(request.tenancy, CHANGE, pk=pk)
    try:
        services.applicant_withdraw(applicant=applicant, user=request.user)
        messages.success(request, _("The applicant was withdrawn from the exchange."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("housing:applicant_detail", pk=applicant.pk)


@require_POST
def match_run_create(request):
    tenancy = request.tenancy
    exchange_policy.check(tenancy, MATCH)
    county = user_county(request)
    run = services.match_run(county=county, user=request.user)
    messages.success(
        request,
        ngettext(
            "The matching placed %(placed)s of %(total)s applicant.",
            "The matching placed %(placed)s of %(total)s applicants.",
            run.applicants,
        )
        % {"placed": run.placed, "total": run.applicants},
    )
    return redirect("housing:match_run_detail", pk=run.pk)


def match_run_detail(request, pk):
    tenancy = request.tenancy
    run = match_run_policy.get_or_404(
        tenancy, VIEW, queryset=match_run_policy.visible(tenancy).filter(county__in=[user_county(request)]), pk=pk
    )
    return render(request, "housing/match_run_detail.html", {"picture": selectors.match_run_picture(tenancy, run)})


@require_POST
def proposal_accept(request, pk):
    tenancy = request.tenancy
    # Only the applicant's municipality takes a proposal up; to anyone else it does not exist.
    proposal = proposal_policy.get_or_404(
        tenancy,
        ACCEPT,
        queryset=proposal_policy.visible(tenancy, ACCEPT).filter(run__county__in=[user_county(request)]),
        pk=pk,
    )
    try:
        allocation = services.proposal_accept(proposal=proposal, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("housing:match_run_detail", pk=proposal.run_id)
    messages.success(request, _("You accepted the proposal. The other municipality is asked to accept it too."))
    return redirect("housing:allocation_detail", pk=allocation.pk)


def _allocation_page(request, allocation, **extra):
    tenancy = request.tenancy
    offering, receiving = allocation_policy.sides(tenancy, allocation)
    return render(
        request,
        "housing/allocation_detail.html",
        {
            **extra,
            "allocation": allocation,
            "offering": offering,
            "receiving": receiving,
            "can_accept": allocation.status == AllocationStatus.PROPOSED
            and allocation_policy.can(tenancy, ACCEPT, allocation),
            "can_allocate": allocation.status == AllocationStatus.ACCEPTED
            and allocation_policy.can(tenancy, ALLOCATE, allocation),
            "can_move_in": allocation.status == AllocationStatus.ALLOCATED
            and allocation_policy.can(tenancy, MOVE_IN, allocation),
            "can_withdraw": allocation.status
            in (AllocationStatus.PROPOSED, AllocationStatus.ACCEPTED, AllocationStatus.ALLOCATED)
            and allocation_policy.can(tenancy, WITHDRAW, allocation),
            "can_reveal": allocation.status in (AllocationStatus.ALLOCATED, AllocationStatus.MOVED_IN)
            and exchange_policy.can(tenancy, REVEAL, allocation.apartment),
            "move_in_form": MoveInForm(initial={"moved_in_on": timezone.localdate()}),
            "withdraw_form": WithdrawForm(),
        },
    )


def allocation_detail(request, pk):
    return _allocation_page(request, allocation_policy.get_or_404(request.tenancy, VIEW, pk=pk))


@require_POST
def allocation_action(request, pk, action):
    tenancy = request.tenancy
    actions = {"acceptera": ACCEPT, "tilldela": ALLOCATE, "inflyttad": MOVE_IN, "aterkalla": WITHDRAW}
    if action not in actions:
        raise Http404
    allocation = allocation_policy.get_or_404(tenancy, actions[action], pk=pk)
    try:
        if action == "acceptera":
            services.allocation_accept(allocation=allocation, user=request.user)
            messages.success(request, _("You accepted the allocation."))
        elif action == "tilldela":
            services.allocation_allocate(allocation=allocation, user=request.user)
            messages.success(
                request, _("The apartment is allocated. The receiving municipality can now see the address.")
            )
        elif action == "inflyttad":
            form = MoveInForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Enter the date of moving in."))
            services.allocation_move_in(allocation=allocation, user=request.user, on=form.cleaned_data["moved_in_on"])
            messages.success(request, _("The move was registered."))
        else:
            form = WithdrawForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Give the reason for withdrawing."))
            services.allocation_withdraw(allocation=allocation, user=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("The allocation was withdrawn; the apartment is back in the pool."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("housing:allocation_detail", pk=allocation.pk)


@require_POST
def allocation_reveal(request, pk):
    tenancy = request.tenancy
    allocation = allocation_policy.get_or_404(tenancy, VIEW, pk=pk)
    if allocation.status not in (AllocationStatus.ALLOCATED, AllocationStatus.MOVED_IN):
        raise PermissionDenied
    exchange_policy.check(tenancy, REVEAL, allocation.apartment)
    address = services.apartment_address_reveal(apartment=allocation.apartment, user=request.user)
    return _allocation_page(request, allocation, address=address)

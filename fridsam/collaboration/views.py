from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fridsam.accounts.models import User
from fridsam.collaboration import selectors, services
from fridsam.collaboration.forms import (
    AgreementForm,
    FollowUpForm,
    GoalReviewForm,
    GroupForm,
    MeetingForm,
    PreventionForm,
    ReferralForm,
)
from fridsam.collaboration.models import (
    OPEN_COMPARISON_PARTIES,
    ActionItem,
    AgreementParty,
    GroupKind,
    Meeting,
)
from fridsam.collaboration.policies import (
    RECEIVE,
    agreement_policy,
    group_policy,
    own_municipalities,
    prevention_policy,
    referral_policy,
)
from fridsam.core.caselevel import case_level
from fridsam.core.forms import render_form_page, save_form
from fridsam.core.kept import kept_page
from fridsam.core.policies import ADD, CHANGE, VIEW
from fridsam.followup import purpose as read_purpose
from fridsam.followup import reads as followup_reads
from fridsam.followup import selectors as followup_selectors
from fridsam.organisations.models import County, Municipality
from fridsam.organisations.policies import municipality_policy


@kept_page
def group_list(request):
    tenancy = request.tenancy
    group_policy.check(tenancy, VIEW)
    groups = list(group_policy.visible(tenancy).prefetch_related("goals"))
    regional = [g for g in groups if g.kind == GroupKind.REGIONAL]
    years, attendance = selectors.attendance(regional)
    add_places = [
        (m, reverse("collaboration:group_create") + f"?kommun={m.code}")
        for m in group_policy.municipalities_to_add(tenancy)
    ]
    counties = County.objects.filter(pk__in=sorted(group_policy.county_ids_to_add(tenancy)))
    add_places += [(c, reverse("collaboration:group_create") + f"?lan={c.code}") for c in counties]
    return render(
        request,
        "collaboration/group_list.html",
        {
            "groups": groups,
            "actions": list(selectors.open_actions_of(request.user)),
            "add_places": add_places,
            "years": years,
            "attendance": attendance,
            "today": timezone.localdate(),
        },
    )


def group_create(request):
    tenancy = request.tenancy
    code, county_code = request.GET.get("kommun"), request.GET.get("lan")
    if code:
        municipality = get_object_or_404(Municipality, code=code)
        county, regional = municipality.county, False
        group_policy.check(tenancy, ADD, (GroupKind.LOCAL, municipality))
    elif county_code:
        municipality, county, regional = None, get_object_or_404(County, code=county_code), True
        group_policy.check(tenancy, ADD, (GroupKind.REGIONAL, county))
    else:
        raise Http404
    candidates = services.candidates(county=county, municipality=municipality)
    form = GroupForm(request.POST or None, regional=regional, candidates=candidates)
    saved = {}

    def save(data):
        saved["group"] = services.group_create(
            county=county,
            kind=data["kind"],
            municipality=municipality,
            name=data["name"],
            purpose=data["purpose"],
            goals=data["goals"],
            chair=data["chair"],
            members=list(data["members"]),
            user=request.user,
        )

    if save_form(request, form, save, success_message=_("The group was created.")):
        return redirect("collaboration:group_detail", pk=saved["group"].pk)
    return render_form_page(
        request,
        form,
        title=_("New regional group in %(place)s") % {"place": county.name}
        if regional
        else _("New group in %(place)s") % {"place": municipality.name},
        intro=_(
            "The evaluation: a group without a clear purpose produces nothing (“do we just meet for the sake of "
            "meeting?”). Say why the group meets and what it should achieve; the goals are followed up yearly."
        ),
        cancel_url=reverse("collaboration:group_list"),
        submit=_("Create the group"),
    )


def _group(request, pk, action=VIEW):
    group = get_object_or_404(group_policy.visible(request.tenancy), pk=pk)
    group_policy.check(request.tenancy, action, group)
    return group


@kept_page
def group_detail(request, pk):
    group = _group(request, pk)
    goals = list(group.goals.prefetch_related("reviews"))
    meetings = list(
        group.meetings.order_by("-held_on", "-id").annotate(
            present=Count("attendance", filter=Q(attendance__present=True)), invited=Count("attendance")
        )
    )
    years, attendance = selectors.attendance([group])
    return render(
        request,
        "collaboration/group_detail.html",
        {
            "group": group,
            "goals": goals,
            "members": list(
                group.members.filter(active=True).select_related(
                    "user", "municipality", "partner_organisation", "county"
                )
            ),
            "meetings": meetings,
            "actions": list(
                ActionItem.objects.filter(meeting__group=group, done_on__isnull=True).select_related("owner", "meeting")
            ),
            "years": years,
            "attendance": attendance,
            "can_change": group_policy.can(request.tenancy, CHANGE, group),
            "today": timezone.localdate(),
        },
    )


def meeting_create(request, pk):
    group = _group(request, pk, CHANGE)
    members = list(
        group.members.filter(active=True).select_related("user", "municipality", "partner_organisation", "county")
    )
    form = MeetingForm(request.POST or None, members=members)
    saved = {}

    def save(data):
        users = {u.pk: u for u in User.objects.filter(pk__in=[m.user_id for m in members])}
        actions = [
            services.ActionInput(
                text=data[f"action_{i}_text"],
                owner=users.get(data[f"action_{i}_owner"]),
                due_on=data[f"action_{i}_due"],
            )
            for i in range(1, 5)
            if data.get(f"action_{i}_text")
        ]
        saved["meeting"] = services.meeting_record(
            group=group,
            held_on=data["held_on"],
            agenda=data["agenda"],
            minutes=data["minutes"],
            present_member_ids=[int(x) for x in data["present"]],
            decisions=data["decisions"],
            actions=actions,
            user=request.user,
        )

    if save_form(request, form, save, success_message=_("The meeting was recorded.")):
        return redirect("collaboration:meeting_detail", pk=group.pk, meeting_pk=saved["meeting"].pk)
    return render(request, "collaboration/meeting_form.html", {"group": group, "form": form})


def meeting_detail(request, pk, meeting_pk):
    group = _group(request, pk)
    meeting = get_object_or_404(Meeting.objects.filter(group=group), pk=meeting_pk)
    return render(
        request,
        "collaboration/meeting_detail.html",
        {
            "group": group,
            "meeting": meeting,
            "attendance": list(
                meeting.attendance.select_related(
                    "member__user", "member__municipality", "member__partner_organisation", "member__county"
                )
            ),
            "decisions": list(meeting.decisions.all()),
            "actions": list(meeting.actions.select_related("owner")),
        },
    )


@require_POST
def action_done(request, action_pk):
    item = get_object_or_404(
        ActionItem.objects.filter(meeting__group__in=group_policy.visible(request.tenancy)).select_related(
            "meeting__group"
        ),
        pk=action_pk,
    )
    if item.owner_id != request.user.pk and not group_policy.can(request.tenancy, CHANGE, item.meeting.group):
        raise PermissionDenied
    try:
        services.action_done(item=item, user=request.user)
        messages.success(request, _("The action is marked as done."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}) and next_url.startswith("/"):
        return redirect(next_url)
    return redirect("collaboration:group_list")


def goal_review(request, pk, goal_pk):
    group = _group(request, pk, CHANGE)
    goal = get_object_or_404(group.goals.all(), pk=goal_pk)
    form = GoalReviewForm(request.POST or None)

    def save(data):
        services.goal_review(
            goal=goal,
            year=data["year"],
            result=data["result"],
            comment=data["comment"],
            user=request.user,
        )

    if save_form(request, form, save, success_message=_("The goal was followed up.")):
        return redirect("collaboration:group_detail", pk=group.pk)
    return render_form_page(
        request,
        form,
        title=_("Follow up the goal"),
        intro=goal.text,
        cancel_url=reverse("collaboration:group_detail", args=[group.pk]),
    )


# --- Agreements, referrals, prevention ---------------------------------------------------------


def _municipality_from_query(request, policy, action):
    code = request.GET.get("kommun")
    if code:
        municipality = get_object_or_404(Municipality, code=code)
    else:
        own = own_municipalities(request.tenancy)
        if len(own) != 1:
            raise Http404
        municipality = own[0]
    policy.check(request.tenancy, action, municipality)
    return municipality


def agreement_list(request):
    tenancy = request.tenancy
    agreement_policy.check(tenancy, VIEW)
    municipalities = list(municipality_policy.visible(tenancy).order_by("name"))
    today = timezone.localdate()
    by_municipality: dict[int, list] = {}
    for a in (
        agreement_policy.visible(tenancy).filter(municipality__in=municipalities).select_related("partner_organisation")
    ):
        by_municipality.setdefault(a.municipality_id, []).append(a)
    rows = []
    for m in municipalities:
        agreements = by_municipality.get(m.pk, [])
        cells = []
        for party in OPEN_COMPARISON_PARTIES:
            mine = [a for a in agreements if a.party == party]
            current = next((a for a in mine if a.is_current(today)), None)
            overdue = next((a for a in mine if a.in_force(today) and not a.is_current(today)), None)
            cells.append((party, current or overdue, "current" if current else "overdue" if overdue else "missing"))
        others = [a for a in agreements if a.party not in OPEN_COMPARISON_PARTIES]
        rows.append((m, cells, others, sum(1 for _p, _a, s in cells if s == "current")))
    return render(
        request,
        "collaboration/agreement_list.html",
        {
            "rows": rows,
            "parties": [AgreementParty(p).label for p in OPEN_COMPARISON_PARTIES],
            "can_add": {m.pk for m in municipalities if agreement_policy.can(tenancy, ADD, m)},
        },
    )


def agreement_create(request):
    municipality = _municipality_from_query(request, agreement_policy, ADD)
    return _agreement_form(request, municipality, None)


def _agreement_form(request, municipality, agreement):
    form = AgreementForm(request.POST or None, instance=agreement, municipality=municipality)
    saved = {}

    def save(data):
        saved["agreement"] = services.agreement_save(
            municipality=municipality, data=data, user=request.user, agreement=agreement
        )

    if save_form(request, form, save, success_message=_("The agreement was saved.")):
        return redirect("collaboration:agreement_detail", pk=saved["agreement"].pk)
    return render_form_page(
        request,
        form,
        municipality=municipality,
        title=_("Collaboration agreement, %(municipality)s") % {"municipality": municipality.name},
        intro=_(
            "A written agreement decided at management level. It counts as current while it is valid and has "
            "been followed up within the last 24 months."
        ),
        cancel_url=reverse("collaboration:agreement_list"),
    )


def agreement_detail(request, pk):
    tenancy = request.tenancy
    agreement = agreement_policy.get_or_404(tenancy, VIEW, pk=pk)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST":
        agreement_policy.check(tenancy, CHANGE, agreement)

        def save(data):
            services.agreement_follow_up(agreement=agreement, on=data["on"], user=request.user)

        if save_form(request, form, save, success_message=_("The follow-up was registered.")):
            return redirect("collaboration:agreement_detail", pk=agreement.pk)
    today = timezone.localdate()
    return render(
        request,
        "collaboration/agreement_detail.html",
        {
            "agreement": agreement,
            "form": form,
            "current": agreement.is_current(today),
            "in_force": agreement.in_force(today),
            "can_change": agreement_policy.can(tenancy, CHANGE, agreement),
        },
    )


def agreement_update(request, pk):
    agreement = agreement_policy.get_or_404(request.tenancy, CHANGE, pk=pk)
    return _agreement_form(request, agreement.municipality, agreement)


@case_level("collaboration.referral", many=True)
def referral_list(request):
    tenancy = request.tenancy
    referral_policy.check(tenancy, VIEW)
    referrals, counts = services.referral_overview_read(tenancy=tenancy)
    return render(
        request,
        "collaboration/referral_list.html",
        {
            "referrals": referrals,
            "counts": counts,
            "can_add": referral_policy.can(tenancy, ADD),
            "receives": {r.pk for r in referrals if referral_policy.can(tenancy, RECEIVE, r) and not r.received_on},
        },
    )


@case_level("followup.followuprecord", query="uppfoljning", optional=True)
def referral_create(request):
    tenancy = request.tenancy
    record = None
    if request.GET.get("uppfoljning", "").isdigit():
        # A referral linked to a follow-up record shows the record: read as the record page reads it.
        record = followup_selectors.record_for_change(tenancy=tenancy, pk=int(request.GET["uppfoljning"]), action=VIEW)
        municipality = record.municipality
        referral_policy.check(tenancy, ADD, municipality)
        response, purpose_text = read_purpose.required(request, record)
        if response:
            return response
        followup_reads.record_shown(tenancy=tenancy, record=record, purpose=purpose_text, detail="referral")
    else:
        municipality = _municipality_from_query(request, referral_policy, ADD)
    form = ReferralForm(request.POST or None, municipality=municipality)
    if record is not None:
        form.initial.setdefault("unit", record.unit_id)

    def save(data):
        services.referral_create(
            municipality=municipality,
            unit=data["unit"],
            partner=data["partner_organisation"],
            category=data["category"],
            referred_on=data["referred_on"],
            record=record,
            user=request.user,
        )

    if save_form(request, form, save, success_message=_("The referral was registered.")):
        return redirect("followup:record_detail", pk=record.pk) if record else redirect("collaboration:referral_list")
    return render_form_page(
        request,
        form,
        municipality=municipality,
        title=_("Register a referral"),
        intro=_(
            "A referral is counted, never described: no name, no personal identity number. The partner sees "
            "that a referral has been made and marks it received."
        )
        + (" " + _("It is linked to %(record)s.") % {"record": record.number} if record else ""),
        cancel_url=reverse("collaboration:referral_list"),
        submit=_("Register"),
    )


@require_POST
@case_level("collaboration.referral", kwarg="pk")
def referral_receive(request, pk):
    referral = referral_policy.get_or_404(request.tenancy, RECEIVE, pk=pk)
    try:
        services.referral_receive(referral=referral, user=request.user)
        messages.success(request, _("The referral is marked as received."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("collaboration:referral_list")


def prevention_list(request):
    tenancy = request.tenancy
    prevention_policy.check(tenancy, VIEW)
    municipalities = list(municipality_policy.visible(tenancy).order_by("name"))
    items = (
        prevention_policy.visible(tenancy)
        .filter(municipality__in=municipalities)
        .order_by("municipality__name", "status", "-since")
    )
    return render(
        request,
        "collaboration/prevention_list.html",
        {
            "items": items,
            "add": [m for m in municipalities if prevention_policy.can(tenancy, ADD, m)],
        },
    )


def prevention_create(request):
    municipality = _municipality_from_query(request, prevention_policy, ADD)
    return _prevention_form(request, municipality, None)


def prevention_update(request, pk):
    item = prevention_policy.get_or_404(request.tenancy, CHANGE, pk=pk)
    return _prevention_form(request, item.municipality, item)


def _prevention_form(request, municipality, item):
    form = PreventionForm(request.POST or None, instance=item)

    def save(data):
        services.prevention_save(municipality=municipality, data=data, user=request.user, item=item)

    if save_form(request, form, save, success_message=_("The prevention work was saved.")):
        return redirect("collaboration:prevention_list")
    return render_form_page(
        request,
        form,
        municipality=municipality,
        title=_("Prevention work, %(municipality)s") % {"municipality": municipality.name},
        cancel_url=reverse("collaboration:prevention_list"),
    )

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

from fridsam.accounts.models import Role, User
from fridsam.collaboration import selectors, services
from fridsam.collaboration.forms import GoalReviewForm, GroupForm, MeetingForm
from fridsam.collaboration.models import ActionItem, GroupKind, Meeting
from fridsam.collaboration.policies import group_policy
from fridsam.core.forms import save_form
from fridsam.core.policies import ADD, CHANGE, VIEW
from fridsam.organisations.models import County, Municipality


def group_list(request):
    tenancy = request.tenancy
    group_policy.check(tenancy, VIEW)
    groups = list(group_policy.visible(tenancy).prefetch_related("goals"))
    regional = [g for g in groups if g.kind == GroupKind.REGIONAL]
    years, attendance = selectors.attendance(regional)
    add_places = [
        (m, reverse("collaboration:group_create") + f"?kommun={m.code}")
        for m in tenancy.municipalities_with_role(Role.COORDINATOR, Role.MANAGER)
    ]
    counties = County.objects.filter(
        pk__in={m.county_id for m in tenancy.memberships if m.role in (Role.COORDINATOR, Role.COUNTY_ANALYST)}
    )
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
            request=request,
        )

    if save_form(request, form, save, success_message=_("The group was created.")):
        return redirect("collaboration:group_detail", pk=saved["group"].pk)
    return render(
        request,
        "fridsam/form_page.html",
        {
            "form": form,
            "page_title": _("New regional group in %(place)s") % {"place": county.name}
            if regional
            else _("New group in %(place)s") % {"place": municipality.name},
            "intro": _(
                "The evaluation: a group without a clear purpose produces nothing (“do we just meet for the sake of "
                "meeting?”). Say why the group meets and what it should achieve; the goals are followed up yearly."
            ),
            "cancel_url": reverse("collaboration:group_list"),
            "submit": _("Create the group"),
        },
    )


def _group(request, pk, action=VIEW):
    group = get_object_or_404(group_policy.visible(request.tenancy), pk=pk)
    group_policy.check(request.tenancy, action, group)
    return group


def group_detail(request, pk):
    group = _group(request, pk)
    goals = list(group.goals.prefetch_related("reviews"))
    meetings = list(
        group.meetings.annotate(
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
            request=request,
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
        services.action_done(item=item, user=request.user, request=request)
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
            request=request,
        )

    if save_form(request, form, save, success_message=_("The goal was followed up.")):
        return redirect("collaboration:group_detail", pk=group.pk)
    return render(
        request,
        "fridsam/form_page.html",
        {
            "form": form,
            "page_title": _("Follow up the goal"),
            "intro": goal.text,
            "cancel_url": reverse("collaboration:group_detail", args=[group.pk]),
        },
    )

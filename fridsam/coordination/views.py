from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fridsam.coordination import selectors, services
from fridsam.coordination.forms import AbsenceForm, AssignmentForm, PostForm, RoleDescriptionForm, TeamForm
from fridsam.coordination.models import RoleDescription
from fridsam.coordination.policies import APPROVE, CHANGE_OWN, coordination_policy
from fridsam.core.forms import save_form
from fridsam.core.policies import CHANGE
from fridsam.core.roles import Role
from fridsam.organisations.policies import municipality_for, municipality_policy


def _back(municipality):
    return redirect("organisations:municipality_detail", municipality_code=municipality.code)


@require_http_methods(["GET", "POST"])
def post_create(request, municipality_code):
    municipality = municipality_for(request.tenancy, municipality_code, coordination_policy, CHANGE)
    form = PostForm(
        request.POST or None,
        municipality=municipality,
        initial={"consultation_support": True, "combined_duties": "none"},
    )

    def save(data):
        services.post_create(
            coordinator=data["coordinator"],
            assignments=[services.Assignment(municipality, data["share_percent"], data["management_group_seat"])],
            **form.post_fields(),
        )

    if save_form(request, form, save, success_message=_("The coordinator post was added.")):
        return _back(municipality)
    return render(request, "coordination/post_form.html", {"form": form, "municipality": municipality, "post": None})


@require_http_methods(["GET", "POST"])
def post_update(request, municipality_code, pk):
    municipality = municipality_for(request.tenancy, municipality_code, coordination_policy)
    post = selectors.post_of_municipality(municipality=municipality, pk=pk)
    coordination_policy.check(request.tenancy, CHANGE, post)
    assignment = next(a for a in post.assignments.all() if a.municipality_id == municipality.pk)
    initial = {
        "coordinator": post.coordinator,
        "start_date": post.start_date,
        "end_date": post.end_date,
        "share_percent": assignment.share_percent,
        "placement_level": post.placement_level,
        "placement_unit": post.placement_unit,
        "combined_duties": post.combined_duties,
        "combined_duties_percent": post.combined_duties_percent,
        "consultation_support": post.consultation_support,
        "management_group_seat": assignment.management_group_seat,
        "deputy": post.deputy,
    }
    form = PostForm(request.POST or None, municipality=municipality, initial=initial)
    form.fields["coordinator"].disabled = True  # a post is one person's; a new person gets a new post

    def save(data):
        services.post_update(post=post, **form.post_fields())
        services.assignment_set(
            post=post,
            municipality=municipality,
            share_percent=data["share_percent"],
            management_group_seat=data["management_group_seat"],
        )

    if save_form(request, form, save, success_message=_("The coordinator post was saved.")):
        return _back(municipality)
    return render(request, "coordination/post_form.html", {"form": form, "municipality": municipality, "post": post})


@require_http_methods(["GET", "POST"])
def assignment_add(request, municipality_code, pk):
    """A shared post: add a municipality the acting user manages (administrators: any in the county)."""
    tenancy = request.tenancy
    municipality = municipality_for(tenancy, municipality_code, coordination_policy)
    post = selectors.post_of_municipality(municipality=municipality, pk=pk)
    coordination_policy.check(tenancy, CHANGE, post)
    served = {a.municipality_id for a in post.assignments.all()}
    candidates = (
        municipality_policy.visible(tenancy)
        .filter(county_id=municipality.county_id)
        .exclude(pk__in=served)
        .order_by("name")
    )
    if not tenancy.is_administrator:
        candidates = candidates.filter(pk__in=[m.pk for m in tenancy.municipalities_with_role(Role.MANAGER)])
    form = AssignmentForm(request.POST or None, municipalities=candidates)

    def save(data):
        services.assignment_set(
            post=post,
            municipality=data["municipality"],
            share_percent=data["share_percent"],
            management_group_seat=data["management_group_seat"],
        )

    if save_form(request, form, save, success_message=_("The post now serves one more municipality.")):
        return _back(municipality)
    return render(
        request,
        "coordination/assignment_form.html",
        {"form": form, "municipality": municipality, "post": post, "no_candidates": not candidates},
    )


@require_http_methods(["GET", "POST"])
def role_description_edit(request, municipality_code, pk):
    municipality = municipality_for(request.tenancy, municipality_code, coordination_policy)
    post = selectors.post_of_municipality(municipality=municipality, pk=pk)
    coordination_policy.check(request.tenancy, CHANGE_OWN, post)
    current = post.role_descriptions.first()
    initial = {f: getattr(current, f) for f in ("purpose", "goals", "tasks", "colleague_use")} if current else {}
    form = RoleDescriptionForm(request.POST or None, initial=initial)

    def save(data):
        services.role_description_write(post=post, acting_user=request.user, **data)

    if save_form(
        request,
        form,
        save,
        success_message=_("The role description was saved as a new version. A manager approves it."),
    ):
        return _back(municipality)
    return render(
        request,
        "coordination/role_description_form.html",
        {
            "form": form,
            "municipality": municipality,
            "post": post,
            "current": current,
            "versions": post.role_descriptions.all(),
            "can_approve": coordination_policy.can(request.tenancy, APPROVE, post),
        },
    )


@require_POST
def role_description_approve(request, municipality_code, pk, description_pk):
    municipality = municipality_for(request.tenancy, municipality_code, coordination_policy)
    post = selectors.post_of_municipality(municipality=municipality, pk=pk)
    coordination_policy.check(request.tenancy, APPROVE, post)
    description = get_object_or_404(RoleDescription.objects.filter(post=post), pk=description_pk)

    try:
        services.role_description_approve(description=description, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The role description was approved."))
    return _back(municipality)


@require_http_methods(["GET", "POST"])
def absence_create(request, municipality_code, pk):
    municipality = municipality_for(request.tenancy, municipality_code, coordination_policy)
    post = selectors.post_of_municipality(municipality=municipality, pk=pk)
    coordination_policy.check(request.tenancy, CHANGE_OWN, post)
    form = AbsenceForm(request.POST or None)

    def save(data):
        services.absence_add(post=post, acting_user=request.user, **data)

    if save_form(request, form, save, success_message=_("The absence was registered.")):
        return _back(municipality)
    return render(request, "coordination/absence_form.html", {"form": form, "municipality": municipality, "post": post})


@require_http_methods(["GET", "POST"])
def team_edit(request, municipality_code):
    municipality = municipality_for(request.tenancy, municipality_code, coordination_policy, CHANGE)
    team = selectors.teams_for_municipality(municipality=municipality).filter(end_date__isnull=True).first()
    initial = {}
    if team:
        initial = {
            "name": team.name,
            "leader": team.leader,
            "meeting_rhythm": team.meeting_rhythm,
            "purpose": team.purpose,
            "start_date": team.start_date,
            "end_date": team.end_date,
            "members": [m.user for m in team.members.all()],
        }
    form = TeamForm(request.POST or None, municipality=municipality, initial=initial)

    def save(data):
        services.team_save(municipality=municipality, team=team, members=list(data.pop("members")), **data)

    if save_form(request, form, save, success_message=_("The violence team was saved.")):
        return _back(municipality)
    return render(request, "coordination/team_form.html", {"form": form, "municipality": municipality, "team": team})

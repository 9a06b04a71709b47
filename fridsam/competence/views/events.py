"""Events (trainings, conferences, county meetings) for the units and roles they concern, the
answers to them, and each person's calendar feed."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fridsam.accounts.selectors import tenancy_for_user
from fridsam.competence import ical, selectors, services
from fridsam.competence.forms import EventForm
from fridsam.competence.models import CalendarFeed, Event, EventResponse, Participation
from fridsam.competence.policies import event_policy
from fridsam.competence.views.places import place
from fridsam.core.forms import render_form_page, run_service, save_form
from fridsam.core.policies import ADD, CHANGE, VIEW
from fridsam.core.tenancy import tenant_scope


def event_list(request):
    tenancy = request.tenancy
    event_policy.check(tenancy, VIEW)
    today = timezone.localdate()
    show_all = request.GET.get("alla") == "1"
    events = (
        list(event_policy.visible(tenancy).filter(ends_at__date__gte=today))
        if show_all
        else event_policy.concerning(tenancy, today)
    )
    answers = dict(EventResponse.objects.filter(user=request.user, event__in=events).values_list("event_id", "status"))
    months = {}
    for e in events:
        months.setdefault(timezone.localtime(e.starts_at).strftime("%Y-%m"), []).append((e, answers.get(e.pk)))
    feed = CalendarFeed.objects.filter(user=request.user).first()
    municipalities, counties = event_policy.places(tenancy)
    add_places = [(m.name, f"?kommun={m.code}") for m in municipalities] + [
        (c.name, f"?lan={c.code}") for c in counties
    ]
    return render(
        request,
        "competence/event_list.html",
        {
            "months": sorted(months.items()),
            "show_all": show_all,
            "feed_url": request.build_absolute_uri(reverse("competence:feed", args=[feed.token])) if feed else "",
            "add_places": add_places,
            "participation": Participation.choices,
        },
    )


def event_create(request):
    municipality, county = place(request)
    event_policy.check(request.tenancy, ADD, Event(county=county, municipality=municipality))
    return _event_form(request, county=county, municipality=municipality, event=None)


def event_update(request, pk):
    event = get_object_or_404(event_policy.visible(request.tenancy), pk=pk)
    event_policy.check(request.tenancy, CHANGE, event)
    return _event_form(request, county=event.county, municipality=event.municipality, event=event)


EVENT_FIELDS = ("title", "kind", "starts_at", "ends_at", "place", "url", "description", "why", "unit_types", "roles")


def _event_form(request, *, county, municipality, event):
    courses = selectors.active_courses(municipality, county_id=county.pk)
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
    place_name = municipality.name if municipality else county.name
    return render_form_page(
        request,
        form,
        title=_("Change the event") if event else _("New event for %(place)s") % {"place": place_name},
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
        events = event_policy.concerning(tenancy, timezone.localdate() - datetime.timedelta(days=90))
    response = HttpResponse(
        ical.calendar(events, name=_("Fridsam events")), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="fridsam.ics"'
    # Personal: neither a shared cache nor the browser keeps it (the feed has no session).
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)
    return response

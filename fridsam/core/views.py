from django import forms
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from fridsam.core import health
from fridsam.core.audit import log_access
from fridsam.core.caselevel import case_level
from fridsam.core.fields import PersonalTextFormField
from fridsam.core.forms import DateInput
from fridsam.core.models import AccessAction, AccessLogEntry
from fridsam.core.policies import VIEW
from fridsam.core.selectors import access_log_entries, access_log_object_types, access_log_policy
from fridsam.core.start import start_parts
from fridsam.core.validators import redact_personal_identity_numbers


def start(request):
    return render(request, "core/start.html", {"parts": start_parts(request)})


class AccessLogFilterForm(forms.Form):
    username = PersonalTextFormField(label=_("User"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=pgettext_lazy("access log", "Action"),
        required=False,
        choices=[("", _("All actions")), *AccessAction.choices],
    )
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    date_from = forms.DateField(label=_("From date"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To date"), required=False, widget=DateInput())

    def __init__(self, *args, object_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", _("All object types"))] + [
            (t, capfirst(AccessLogEntry(object_type=t).object_type_label)) for t in object_types
        ]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return data


def _filters_for_the_log(query) -> str:
    """The filters as typed, for the log of this reading, with any personal identity number in
    them masked (the filter form refuses one, but the reading is logged all the same)."""
    redacted = QueryDict(mutable=True)
    for key, values in query.lists():
        redacted.setlist(redact_personal_identity_numbers(key), [redact_personal_identity_numbers(v) for v in values])
    return redacted.urlencode(safe="*")[:300]


@case_level("core.accesslogentry", kwarg="municipality_code", many=True)
def access_log(request, municipality_code):
    tenancy = request.tenancy
    municipality = tenancy.municipality_or_404(municipality_code)  # the municipality page's own check
    access_log_policy.check(tenancy, VIEW, municipality)
    form = AccessLogFilterForm(
        request.GET or None, object_types=access_log_object_types(tenancy=tenancy, municipality=municipality)
    )
    if form.is_bound and not form.is_valid():
        entries = access_log_policy.visible(tenancy).none()  # show the errors, not unfiltered rows
    else:
        filters = form.cleaned_data if form.is_bound else {}
        entries = access_log_entries(tenancy=tenancy, municipality=municipality, **filters)
    page = Paginator(entries, 50).get_page(request.GET.get("sida"))
    # Reviewing the log is itself an access to logged data.
    log_access(
        action=AccessAction.LIST,
        object_type="core.accesslogentry",
        municipality=municipality,
        detail=_filters_for_the_log(request.GET),
    )
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "core/access_log.html",
        {
            "municipality": municipality,
            "form": form,
            "page": page,
            "query": query.urlencode(),
        },
    )


@login_not_required
@never_cache
def healthz(request):
    """Liveness, for the load balancer: the process answers. It asks nothing of the database, the
    cache or the queue, so that their outage never has every server restarted."""
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
def ready(request):
    """Readiness: the database, the cache and the queue answer (503 naming the one that does not),
    so the load balancer sends requests only to a server that can serve them."""
    ok, checks = health.readiness()
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503)


def csrf_failure(request, reason=""):
    """Our own page for a rejected form (Django's has inline styles, which our CSP forbids)."""
    return render(request, "403_csrf.html", status=403)


@login_not_required
@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (JSON, files): send them to the icon
    rather than to the 404 page, whose language form would set a CSRF cookie."""
    return redirect(static("fridsam/favicon.svg"))

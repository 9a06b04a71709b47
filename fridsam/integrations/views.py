"""The integrations' pages: a manager's (or a county analyst's) credentials, made and revoked here;
the file import of follow-up records for journal systems without an API, and its template."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fridsam.core import uploads
from fridsam.core.forms import add_service_errors
from fridsam.core.kept import kept_page
from fridsam.core.policies import ADD, CHANGE
from fridsam.core.roles import Role
from fridsam.integrations import files, services
from fridsam.integrations.forms import CredentialForm, FileImportForm
from fridsam.integrations.policies import credential_policy
from fridsam.organisations.models import County, Municipality, Unit
from fridsam.statistics import exports


def _owners(tenancy):
    municipalities = sorted(
        Municipality.objects.filter(pk__in=credential_policy.municipality_ids(tenancy)), key=lambda m: m.name
    )
    counties = list(County.objects.filter(pk__in=credential_policy.county_ids(tenancy)).order_by("name"))
    units = (
        Unit.objects.filter(municipality__in=municipalities)
        .select_related("municipality")
        .order_by("municipality__name", "name")
    )
    return municipalities, counties, units


@kept_page
def credential_list(request):
    tenancy = request.tenancy
    credential_policy.check(tenancy, ADD)
    credentials = list(credential_policy.visible(tenancy))
    return render(
        request,
        "integrations/credential_list.html",
        # The file import is the municipality's (its managers and coordinators): a county analyst's
        # credentials only read, and the page is not theirs to be sent to.
        {"credentials": credentials, "today": timezone.localdate(), "can_import": _import_units(tenancy).exists()},
    )


@require_http_methods(["GET", "POST"])
def credential_create(request):
    tenancy = request.tenancy
    credential_policy.check(tenancy, ADD)
    municipalities, counties, units = _owners(tenancy)
    form = CredentialForm(
        request.POST or None,
        municipalities=municipalities,
        counties=counties,
        units=units,
        initial={"expires_on": timezone.localdate().replace(year=timezone.localdate().year + 1)},
    )
    if request.method == "POST" and form.is_valid():
        municipality, county = form.owner()
        credential_policy.check(tenancy, ADD, municipality or county)
        try:
            credential, token = services.credential_create(
                name=form.cleaned_data["name"],
                municipality=municipality,
                unit=form.cleaned_data["unit"] if municipality else None,
                county=county,
                permissions=form.cleaned_data["permissions"],
                expires_on=form.cleaned_data["expires_on"],
                user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # The secret is shown on this response only: it is stored hashed and never again readable.
            return render(request, "integrations/credential_created.html", {"credential": credential, "token": token})
    return render(request, "integrations/credential_form.html", {"form": form})


@require_POST
def credential_revoke(request, pk):
    tenancy = request.tenancy
    credential = credential_policy.get_or_404(tenancy, CHANGE, pk=pk)
    try:
        services.credential_revoke(credential=credential, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The credential “%(name)s” was revoked.") % {"name": credential.name})
    return redirect("integrations:credential_list")


def _import_units(tenancy):
    ids = {m.municipality_id for m in tenancy.memberships if m.role in (Role.MANAGER, Role.COORDINATOR)}
    return (
        Unit.objects.filter(municipality_id__in=sorted(ids))
        .select_related("municipality")
        .order_by("municipality__name", "name")
    )


@require_http_methods(["GET", "POST"])
def file_import(request):
    units = _import_units(request.tenancy)
    if not units.exists():
        raise Http404
    form = FileImportForm(request.POST or None, request.FILES or None, units=units)
    outcome = None
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["unit"]
        upload = form.cleaned_data["file"]
        try:
            data = uploads.read_upload(upload, uploads.TABLE_MAX_BYTES)
        except uploads.FileError as error:
            form.add_error("file", str(error))
        else:
            outcome = files.import_file(
                filename=upload.name,
                data=data,
                municipality=unit.municipality,
                unit=unit,
                via=_("File import"),
            )
            if outcome.ok:
                r = outcome.result
                messages.success(
                    request,
                    _(
                        "Imported – new records: %(created)s, changed: %(updated)s, closed: %(closed)s, "
                        "interventions: %(interventions)s, unchanged: %(unchanged)s."
                    )
                    % {
                        "created": r.created,
                        "updated": r.updated,
                        "closed": r.closed,
                        "interventions": r.interventions_added + r.interventions_changed,
                        "unchanged": r.unchanged,
                    },
                )
    return render(
        request,
        "integrations/file_import.html",
        {"form": form, "outcome": outcome, "header": files.HEADER},
        status=400 if outcome is not None and not outcome.ok else 200,
    )


def file_template(request, kind):
    if kind not in ("csv", "xlsx") or not _import_units(request.tenancy).exists():
        raise Http404
    return exports.download("fridsam-uppfoljning-mall", files.HEADER, files.template_rows(), kind=kind)

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fridsam.core import uploads
from fridsam.core.admin_site import AdministratorModelAdmin, site
from fridsam.core.audit import log_access
from fridsam.core.models import AccessAction
from fridsam.followup import instruments as instrument_defs
from fridsam.followup import services
from fridsam.followup.models import Instrument, InstrumentVersion


class VersionInline(admin.TabularInline):
    model = InstrumentVersion
    extra = 0
    fields = ["version", "loaded_at", "loaded_by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class UploadForm(forms.Form):
    file = uploads.UploadField(
        max_bytes=instrument_defs.MAX_BYTES,
        label=gettext_lazy("Instrument definition (JSON)"),
        help_text=gettext_lazy(
            "See docs/instruments.md for the format. A new version of a loaded instrument needs a new version number."
        ),
    )


@admin.register(Instrument, site=site)
class InstrumentAdmin(AdministratorModelAdmin):
    """Instruments are loaded from definition files (versioned, never edited in place); here an
    administrator uploads a file and switches instruments on or off."""

    list_display = ["name", "key", "kind", "is_demo", "is_active"]
    list_filter = ["kind", "is_demo", "is_active"]
    fields = ["key", "name", "kind", "is_demo", "is_active"]
    readonly_fields = ["key", "name", "kind", "is_demo"]
    inlines = [VersionInline]
    change_list_template = "admin/followup/instrument/change_list.html"

    def get_urls(self):
        keep = {f"{self.opts.app_label}_{self.opts.model_name}_{s}" for s in ("changelist", "change", "history")}
        urls = [u for u in super().get_urls() if getattr(u, "name", None) in keep]
        upload = path(
            "ladda-upp/",
            self.admin_site.admin_view(self.upload_view),
            name=f"{self.opts.app_label}_{self.opts.model_name}_upload",
        )
        return [upload, *urls]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def upload_view(self, request):
        form = UploadForm(request.POST or None, request.FILES or None)
        problems = []
        if request.method == "POST" and form.is_valid():
            data = uploads.read_upload(form.cleaned_data["file"], instrument_defs.MAX_BYTES)
            try:
                version, created = services.instrument_load(data, user=request.user)
            except ValidationError as error:
                problems = error.messages
            else:
                if created:
                    log_access(
                        action=AccessAction.IMPORT,
                        object_type=version,
                        detail=f"instrument {version.instrument.key} {version.version}",
                    )
                    messages.success(
                        request,
                        _("%(instrument)s version %(version)s was loaded.")
                        % {"instrument": version.instrument.name, "version": version.version},
                    )
                else:
                    messages.info(request, _("This version was already loaded: nothing changed."))
                return redirect("admin:followup_instrument_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "form": form,
            "problems": problems,
            "title": _("Load an instrument"),
        }
        return TemplateResponse(request, "admin/followup/instrument/upload.html", context)

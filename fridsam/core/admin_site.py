"""The administrators' site: accounts and reference data.

Only users with the administrator role reach it; for everyone else it does not exist (404).
Login goes through the ordinary two-factor login. The admin runs in the administrator's own scope
(organisation data of every tenant, never the ``case_municipality`` dimension), so a case-level
model registered here by mistake shows no row; ``tests`` check that none is registered, and the
access log shows only account events (logins, failed logins, logouts) that name no municipality.
"""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.contrib.auth.views import redirect_to_login
from django.db import router
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from fridsam.core.audit import log_access
from fridsam.core.caselevel import case_level_models
from fridsam.core.tenancy import tenant_scope


class FridsamAdminSite(admin.AdminSite):
    site_header = _("Fridsam administration")
    site_title = _("Fridsam administration")
    index_title = _("Accounts and reference data")
    enable_nav_sidebar = False
    final_catch_all_view = False

    def has_permission(self, request):
        tenancy = getattr(request, "tenancy", None)
        return bool(request.user.is_active and tenancy is not None and tenancy.is_administrator)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not self.has_permission(request):
                raise Http404
            with tenant_scope(request.tenancy.scope):
                return inner(request, *args, **kwargs)

        return update_wrapper(wrapper, view)

    def get_urls(self):
        # No model has a public page: drop the "view on site" redirect.
        urls = [u for u in super().get_urls() if getattr(u, "name", None) != "view_on_site"]
        for pattern in urls:
            callback = getattr(pattern, "callback", None)
            if callback is not None and hasattr(callback, "login_url"):
                # LoginRequiredMiddleware sends anonymous visitors to the two-factor login directly.
                callback.login_url = reverse_lazy("account_login")
        return urls

    def login(self, request, extra_context=None):
        return redirect_to_login(request.GET.get("next", "/admin/"))

    def logout(self, request, extra_context=None):
        return redirect("account_logout")


site = FridsamAdminSite(name="admin")


class AdministratorModelAdmin(admin.ModelAdmin):
    """Administrators (a role, not Django's superuser flag) manage what is registered here.
    Every change made here is written to the access log as well as to Django's admin history."""

    def _log(self, request, obj, action, detail=""):
        municipality = getattr(obj, "municipality", None)
        log_access(
            action=action,
            object_type=obj,
            object_id=obj.pk,
            municipality=municipality if hasattr(municipality, "county_id") else None,
            detail=("admin: " + detail)[:300],
        )

    def log_addition(self, request, obj, message):
        self._log(request, obj, "create")
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._log(request, obj, "change", str(message))
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._log(request, obj, "delete")
        return super().log_deletions(request, queryset)

    def get_deleted_objects(self, objs, request):
        """Django's confirmation page lists every row a deletion would take along, read past any
        scope. Where case-level rows are among them, the page names only their kinds and the
        deletion is refused: case records are culled by their municipality's rules, never as a
        side effect of an administrator removing a unit."""
        objs = list(objs)
        if objs:
            collector = NestedObjects(using=router.db_for_write(objs[0]._meta.model), origin=objs)
            collector.collect(objs)
            touched = {type(o) for o in collector.protected} | set(collector.model_objs)
            case_level = sorted({str(m._meta.verbose_name_plural) for m in touched & set(case_level_models())})
            if case_level:
                return [], {}, set(case_level), []
        return super().get_deleted_objects(objs, request)

    def _is_administrator(self, request) -> bool:
        return site.has_permission(request)

    def has_module_permission(self, request):
        return self._is_administrator(request)

    def has_view_permission(self, request, obj=None):
        return self._is_administrator(request)

    def has_add_permission(self, request):
        return self._is_administrator(request)

    def has_change_permission(self, request, obj=None):
        return self._is_administrator(request)

    def has_delete_permission(self, request, obj=None):
        return self._is_administrator(request)


class ReadOnlyModelAdmin(AdministratorModelAdmin):
    """For records nobody may add, change or delete: only the list and the detail view exist."""

    def get_urls(self):
        keep = {f"{self.opts.app_label}_{self.opts.model_name}_{suffix}" for suffix in ("changelist", "change")}
        return [u for u in super().get_urls() if getattr(u, "name", None) in keep]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

"""The administrators' site: accounts and reference data.

Only users with the administrator role reach it; for everyone else it does not exist (404).
Login goes through the ordinary two-factor login. Administrators see organisation data of every
tenant (the admin runs unscoped) but no case-level data is registered here.
"""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from fridsam.core.tenancy import unscoped


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
            with unscoped():
                return inner(request, *args, **kwargs)

        return update_wrapper(wrapper, view)

    def login(self, request, extra_context=None):
        return redirect_to_login(request.GET.get("next", "/admin/"))

    def logout(self, request, extra_context=None):
        raise Http404


site = FridsamAdminSite(name="admin")

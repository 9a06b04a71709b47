from allauth.mfa.admin import AuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django.contrib import admin

from fridsam.core.admin_site import site
from fridsam.core.models import AccessLogEntry


@admin.register(AccessLogEntry, site=site)
class AccessLogEntryAdmin(admin.ModelAdmin):
    """Read-only: the database refuses changes anyway."""

    list_display = ["sequence", "occurred_at", "username", "role", "action", "object_type", "object_id",
                    "municipality"]
    list_filter = ["action", "object_type"]
    search_fields = ["username", "object_id"]
    list_select_related = ["municipality"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Administrators reset a lost authenticator app from here.
site.register(Authenticator, AuthenticatorAdmin)

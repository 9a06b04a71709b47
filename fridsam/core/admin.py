from allauth.mfa.admin import AuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.db.models import Q

from fridsam.core.admin_site import AdministratorModelAdmin, ReadOnlyModelAdmin, site
from fridsam.core.models import AccessAction, AccessLogEntry

# What administrators see of the access log: account events, and the refused attempts on
# case-level URLs by users of no municipality (county analysts, partners: nobody else's log review
# would see them), none of which names a municipality. Who read or changed which case is
# case-level and is reviewed by the municipality's managers (ADR 0004, ADR 0021).
ACCOUNT_EVENTS = (AccessAction.LOGIN, AccessAction.LOGOUT, AccessAction.LOGIN_FAILED)


@admin.register(AccessLogEntry, site=site)
class AccessLogEntryAdmin(ReadOnlyModelAdmin):
    """Read-only (the database refuses changes anyway), and only what names no municipality."""

    def get_queryset(self, request):
        return AccessLogEntry.system_objects.filter(
            Q(action__in=ACCOUNT_EVENTS, object_type="accounts.user") | Q(action=AccessAction.DENIED),
            municipality__isnull=True,
        )

    list_display = ["sequence", "occurred_at", "username", "role", "action", "object_type", "object_id", "municipality"]
    list_filter = ["action", "object_type"]
    search_fields = ["username", "object_id"]
    list_select_related = ["municipality"]


class FridsamAuthenticatorAdmin(AdministratorModelAdmin, AuthenticatorAdmin):
    """Administrators reset a lost authenticator app from here (delete it; the user sets up a new one)."""

    def get_urls(self):
        drop = {f"{self.opts.app_label}_{self.opts.model_name}_add"}
        return [u for u in super().get_urls() if getattr(u, "name", None) not in drop]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


site.register(Authenticator, FridsamAuthenticatorAdmin)

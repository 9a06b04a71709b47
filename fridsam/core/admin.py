from allauth.mfa.admin import AuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

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


# allauth.mfa names neither its model nor its fields for translation, so the administrators would
# read English. Only the labels are set: the migrations record the fields' original (empty)
# verbose names, which stay as they are.
_authenticator = Authenticator._meta
_authenticator.verbose_name = _("authenticator")
_authenticator.verbose_name_plural = _("authenticators")
for _name, _label in (
    ("user", _("user")),
    ("type", _("type")),
    ("data", _("data")),
    ("created_at", _("created at")),
    ("last_used_at", _("last used at")),
):
    _authenticator.get_field(_name).verbose_name = _label

# allauth's own strings that the admin shows (the app's name, the kinds of authenticator), which our
# catalogue translates in our words: named here so that makemessages keeps them.
ALLAUTH_STRINGS = (gettext_noop("MFA"), gettext_noop("TOTP Authenticator"), gettext_noop("WebAuthn"))
# Django's own Swedish capitalises these headings in English fashion ("Senaste Händelser").
ADMIN_HEADINGS = (gettext_noop("Recent actions"), gettext_noop("My actions"))


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

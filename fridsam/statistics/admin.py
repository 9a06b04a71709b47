from django.contrib import admin

from fridsam.core.admin_site import AdministratorModelAdmin, site
from fridsam.statistics.models import Indicator, IndicatorDefinition


class DefinitionInline(admin.TabularInline):
    model = IndicatorDefinition
    extra = 0


@admin.register(Indicator, site=site)
class IndicatorAdmin(AdministratorModelAdmin):
    """The catalogue comes from data/indicators.json; here an administrator links Kolada ids,
    switches indicators off and adds a definition for a new year."""

    list_display = ["name", "key", "area", "unit", "obtained", "kolada_kpi", "is_active"]
    list_filter = ["area", "unit", "obtained", "is_active"]
    search_fields = ["name", "key", "kolada_kpi"]
    readonly_fields = ["key"]
    inlines = [DefinitionInline]

    def get_urls(self):
        keep = {
            f"{self.opts.app_label}_{self.opts.model_name}_{suffix}" for suffix in ("changelist", "change", "history")
        }
        return [u for u in super().get_urls() if getattr(u, "name", None) in keep]

    def has_add_permission(self, request):
        return False  # new indicators come with the catalogue file

    def has_delete_permission(self, request, obj=None):
        return False

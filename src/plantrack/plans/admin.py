from django.contrib import admin

from .models import (
    DataElement,
    Domain,
    Indicator,
    Plan,
    PlanRevision,
    Program,
    Target,
    TargetAdjustment,
    TargetShare,
)


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "year", "region"]


@admin.register(PlanRevision)
class PlanRevisionAdmin(admin.ModelAdmin):
    list_display = ["plan", "loaded_at", "filename", "sha256"]
    readonly_fields = ["plan", "loaded_at", "filename", "sha256", "changes"]


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "plan", "clause"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "domain", "clause"]
    list_filter = ["plan", "domain"]
    filter_horizontal = ["lead", "support"]


@admin.register(DataElement)
class DataElementAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "aggregation", "plan"]
    search_fields = ["code", "name"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "kind", "direction", "aggregation"]
    list_filter = ["plan", "kind"]
    search_fields = ["code", "name"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["code", "statement", "level", "region", "clause", "due"]
    list_filter = ["plan", "domain", "program", "level", "kind"]
    search_fields = ["code", "name", "statement", "quote"]
    filter_horizontal = ["departments"]
    raw_id_fields = ["region"]


@admin.register(TargetShare)
class TargetShareAdmin(admin.ModelAdmin):
    """Read-only: shares change through plans.decomposition, which records each adjustment."""

    list_display = ["target", "region", "department", "value"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(TargetAdjustment)
class TargetAdjustmentAdmin(admin.ModelAdmin):
    list_display = [
        "target",
        "holder",
        "old_value",
        "new_value",
        "changed_by",
        "changed_at",
        "reason",
    ]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

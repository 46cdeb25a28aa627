from django.contrib import admin

from .models import DataSet, DataSetElement, Submission, SubmissionEvent, Value, ValueChange


class DataSetElementInline(admin.TabularInline):
    model = DataSetElement
    extra = 0
    raw_id_fields = ["element"]


@admin.register(DataSet)
class DataSetAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "frequency", "reporter_kind", "owner", "plan"]
    list_filter = ["plan", "frequency", "reporter_kind"]
    inlines = [DataSetElementInline]


class ValueInline(admin.TabularInline):
    model = Value
    extra = 0
    readonly_fields = ["element", "vintage", "value", "explanation", "updated_at"]
    can_delete = False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Read-only here: reported data changes only through the audited reporting actions."""

    list_display = ["data_set", "unit_key", "period", "status", "due", "submitted_at"]
    list_filter = ["data_set", "status", "period"]
    search_fields = ["unit_key"]
    inlines = [ValueInline]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(ValueChange)
class ValueChangeAdmin(admin.ModelAdmin):
    list_display = ["value", "old", "new", "changed_by", "changed_at", "channel", "reason"]
    list_filter = ["channel"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(SubmissionEvent)
class SubmissionEventAdmin(admin.ModelAdmin):
    list_display = ["submission", "action", "from_status", "to_status", "by", "at", "note"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

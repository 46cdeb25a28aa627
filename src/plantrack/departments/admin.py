from django.contrib import admin

from .models import Department


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "short_name", "name", "region"]
    search_fields = ["code", "name", "short_name"]

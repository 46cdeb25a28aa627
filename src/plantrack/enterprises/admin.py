from django.contrib import admin

from .models import Enterprise


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "industry"]
    search_fields = ["code", "name"]
    raw_id_fields = ["region"]

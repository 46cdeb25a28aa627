from django.contrib import admin

from .models import Region, RegionChange


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "valid_from", "valid_to"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(RegionChange)
class RegionChangeAdmin(admin.ModelAdmin):
    list_display = ["date", "old", "new", "description"]

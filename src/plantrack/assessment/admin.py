from django.contrib import admin

from .models import MeasureScore, Round


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["plan", "year", "scheme", "published_at"]


@admin.register(MeasureScore)
class MeasureScoreAdmin(admin.ModelAdmin):
    list_display = ["round", "region", "item", "points", "assessor", "updated_at"]
    list_filter = ["round", "item"]

"""Registration of monitored sources and their pollutants by the province administrator."""

from django.contrib import admin

from .models import MonitoredSource, ReceiverCounter, ReceiverEvent, SourcePollutant


class SourcePollutantInline(admin.TabularInline):
    model = SourcePollutant
    extra = 1


@admin.register(MonitoredSource)
class MonitoredSourceAdmin(admin.ModelAdmin):
    list_display = ["mn", "name", "enterprise", "region", "system", "protocol", "active", "is_demo"]
    list_filter = ["system", "protocol", "active", "is_demo"]
    search_fields = ["mn", "name", "outlet_code", "enterprise__name"]
    raw_id_fields = ["enterprise", "region"]
    filter_horizontal = ["targets"]
    inlines = [SourcePollutantInline]


@admin.register(ReceiverEvent)
class ReceiverEventAdmin(admin.ModelAdmin):
    list_display = ["time", "peer", "mn", "kind", "reason"]
    list_filter = ["kind"]
    search_fields = ["mn", "peer"]
    raw_id_fields = ["source"]


@admin.register(ReceiverCounter)
class ReceiverCounterAdmin(admin.ModelAdmin):
    list_display = ["day", "mn", "source", "frames_ok", "readings", "bad_crc", "malformed"]
    search_fields = ["mn"]
    raw_id_fields = ["source"]

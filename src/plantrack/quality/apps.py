from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "plantrack.quality"
    verbose_name = "监测指标"

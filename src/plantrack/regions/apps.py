from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "plantrack.regions"
    verbose_name = "行政区划"

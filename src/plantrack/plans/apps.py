from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plantrack.plans"
    verbose_name = "计划与目标"

from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "plantrack.dashboard"
    verbose_name = "总览"

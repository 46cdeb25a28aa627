from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "plantrack.reports"
    verbose_name = "报告与通报"

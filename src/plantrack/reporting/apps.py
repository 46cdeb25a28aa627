from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "plantrack.reporting"
    verbose_name = "数据填报"

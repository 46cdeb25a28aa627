from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "plantrack.monitoring"
    verbose_name = "在线监测（HJ 212）"

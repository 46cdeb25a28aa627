from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "plantrack.progress"
    verbose_name = "进度与预警"

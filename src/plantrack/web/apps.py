from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "plantrack.web"
    verbose_name = "页面"

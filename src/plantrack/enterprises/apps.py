from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "plantrack.enterprises"
    verbose_name = "企业"

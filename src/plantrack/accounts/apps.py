from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "plantrack.accounts"
    verbose_name = "用户与权限"

from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "plantrack.supervision"
    verbose_name = "督查整改与联席会议"

from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "plantrack.assessment"
    verbose_name = "考核"

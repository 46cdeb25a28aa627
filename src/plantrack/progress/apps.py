from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "plantrack.progress"
    verbose_name = "进度与预警"

    def ready(self) -> None:
        from plantrack.reporting.signals import submission_approved

        from .records import on_submission_approved

        submission_approved.connect(on_submission_approved, dispatch_uid="progress-records")

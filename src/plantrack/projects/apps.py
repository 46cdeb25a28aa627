from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "plantrack.projects"
    verbose_name = "重点项目"

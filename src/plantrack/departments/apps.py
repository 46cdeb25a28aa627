from django.apps import AppConfig


class DepartmentsConfig(AppConfig):
    name = "plantrack.departments"
    verbose_name = "部门"
